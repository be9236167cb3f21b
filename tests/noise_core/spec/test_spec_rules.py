"""Every NoiseSpec rule, accepted and rejected; each rejection pins the field path and the rule."""

from __future__ import annotations

import copy
import math
import re
from typing import Any

import pytest
from pydantic import ValidationError

from noise_core import (
    DepolarizingNoiseOnGate,
    LocalThermalRelaxationNoiseOnGate,
    NoiseSpec,
    ThermalRelaxationNoiseOnGate,
    describe_validation_error,
)
from tests.conftest import classiq_example_with_local_extensions


def with_change(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """The example with the item at ``path`` replaced (or a new key added)."""
    data = copy.deepcopy(classiq_example_with_local_extensions())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        NoiseSpec.model_validate(data)
    return [str(problem) for problem in describe_validation_error(caught.value)]


def test_example_and_empty_spec_are_valid() -> None:
    spec = NoiseSpec.model_validate(classiq_example_with_local_extensions())
    assert spec.local_readout_errors[0].assignment_probabilities == [[0.9, 0.1], [0.15, 0.85]]
    assert not spec.is_ideal
    assert NoiseSpec().is_ideal
    assert NoiseSpec(basis_gates=["sx", "rz"]).is_ideal  # basis gates alone add no noise


# Each case: where to break the example, the bad value, the field path and the message the user sees.
REJECTED = [
    # Classiq's own rules (its documentation's "Validation rules" for ClassiqSimulatorNoiseSpecification)
    (("readout_bit_flip_probability",), 0.02, r"^readout_assignment_probabilities: .*mutually exclusive; got 0.02"),
    (("gate_pauli_errors", 0, "pauli_terms", 0, "probability"), 0.5, r"pauli_terms: pauli_terms probabilities must sum to 1.*got sum 0.51"),
    (("local_depolarizing_errors", 0, "qubits"), [0, 1, 2], r"local_depolarizing_errors\[0\]\.qubits: len\(qubits\) must equal num_qubits=2; got qubits=\[0, 1, 2\]"),
    (("gate_thermal_relaxation_errors", 0, "t2"), 120_000.1, r"gate_thermal_relaxation_errors\[0\]\.t2: t2 must be at most 2\*t1 = 120000.0; got t2=120000.1"),
    (("local_thermal_relaxation_errors", 0, "relaxations", 1, "t2"), 180_001.0, r"relaxations\[1\]\.t2: t2 must be at most 2\*t1"),
    (("readout_assignment_probabilities",), [[0.98, 0.02]], r"readout_assignment_probabilities: assignment matrix must be 2-by-2"),
    (("readout_assignment_probabilities",), [[0.9, 0.1, 0.0], [0.1, 0.9]], r"must be 2-by-2 .*got \[\[0.9, 0.1, 0.0\]"),
    (("readout_assignment_probabilities",), [[1.02, -0.02], [0.0, 1.0]], r"readout_assignment_probabilities\[0\]\[0\]: Input should be less than or equal to 1; got 1.02"),
    (("local_readout_errors", 0, "assignment_probabilities"), [[0.9, 0.2], [0.15, 0.85]], r"local_readout_errors\[0\]\.assignment_probabilities: assignment matrix row 0 \(prepared \|0>\) must sum to 1"),
    # Stricter than Classiq
    (("local_depolarizing_errors", 0, "qubit"), 3, r"local_depolarizing_errors\[0\]\.qubit: Extra inputs are not permitted; got 3"),
    (("readout_flip",), 0.1, r"^readout_flip: Extra inputs are not permitted"),
    (("gate_depolarizing_errors", 0, "probability"), math.nan, r"gate_depolarizing_errors\[0\]\.probability: Input should be a finite number; got nan"),
    (("gate_thermal_relaxation_errors", 0, "t1"), math.inf, r"gate_thermal_relaxation_errors\[0\]\.t1: Input should be a finite number; got inf"),
    (("readout_bit_flip_probability",), True, r"readout_bit_flip_probability: Input should be a valid number; got True"),
    (("local_readout_errors", 0, "qubit"), True, r"local_readout_errors\[0\]\.qubit: Input should be a valid integer; got True"),
    (("local_depolarizing_errors", 0, "qubits"), [0, 1.0], r"qubits\[1\]: Input should be a valid integer; got 1.0"),
    (("gate_depolarizing_errors", 0, "probability"), "0.001", r"probability: Input should be a valid number; got '0.001'"),
    (("gate_pauli_errors", 0, "pauli_terms", 1, "pauli"), "z", r"pauli_terms\[1\]\.pauli: String should match pattern '\^\[IXYZ\]\+\$'; got 'z'"),
    (("gate_pauli_errors", 0, "pauli_terms", 1, "pauli"), "ZI", r"gate_pauli_errors\[0\]\.pauli_terms: Pauli label 'ZI' has 2 letter\(s\); the gate acts on 1 qubit"),
    (("gate_pauli_errors", 0, "pauli_terms", 1, "pauli"), "I", r"pauli_terms: each Pauli label may appear once; repeated: \['I'\]"),
    (("gate_pauli_errors", 0, "pauli_terms"), [], r"pauli_terms: pauli_terms must hold at least one term"),
    (("local_depolarizing_errors", 0, "qubits"), [1, 1], r"local_depolarizing_errors\[0\]\.qubits: qubits must be distinct; got \[1, 1\]"),
    (("local_pauli_errors", 0, "qubits"), [2, 2], r"local_pauli_errors\[0\]\.qubits: qubits must be distinct"),
    (("gate_depolarizing_errors", 0, "num_qubits"), 2, r"gate_depolarizing_errors\[0\]\.num_qubits: gate 'x' acts on 1 qubit\(s\) but num_qubits says 2"),
    (("local_pauli_errors", 0, "qubits"), [1], r"local_pauli_errors\[0\]\.qubits: gate 'cz' acts on 2 qubit\(s\) but qubits says 1"),
    (("gate_thermal_relaxation_errors", 0, "gate"), "ecr", r"gate_thermal_relaxation_errors\[0\]\.gate: gate_thermal_relaxation_errors is for single-qubit gates; 'ecr' acts on 2 qubits"),
    (("local_thermal_relaxation_errors", 0, "relaxations"), [{"t1": 1.0, "t2": 1.0, "time": 1.0}], r"relaxations: relaxations needs one entry per qubit \(2 for qubits=\[0, 1\]\); got 1"),
    (("gate_depolarizing_errors", 0, "probability"), 4 / 3 + 1e-9, r"probability: probability must be at most 4\^n/\(4\^n-1\) = 1.333"),
    (("gate_depolarizing_errors", 0, "probability"), -0.1, r"probability: Input should be greater than or equal to 0; got -0.1"),
    (("gate_thermal_relaxation_errors", 0, "time"), -1.0, r"time: Input should be greater than or equal to 0; got -1.0"),
    (("gate_thermal_relaxation_errors", 0, "t1"), 0.0, r"t1: Input should be greater than 0; got 0.0"),
    (("gate_thermal_relaxation_errors", 0, "excited_state_population"), 1.5, r"excited_state_population: Input should be less than or equal to 1"),
    (("gate_depolarizing_errors", 0, "gate"), "c x", r"gate: String should match pattern"),
    (("local_readout_errors", 0, "qubit"), -1, r"local_readout_errors\[0\]\.qubit: Input should be greater than or equal to 0; got -1"),
    (("basis_gates",), ["sx", "rz", "sx"], r"basis_gates: basis_gates lists \['sx'\] more than once"),
    # Sizes Aer could not build (a depolarizing channel on n qubits is 4ⁿ Paulis)
    (("gate_depolarizing_errors", 0, "num_qubits"), 10**12, r"gate_depolarizing_errors\[0\]\.num_qubits: Input should be less than or equal to 5"),
    (("local_pauli_errors", 0, "qubits"), list(range(6)), r"local_pauli_errors\[0\]\.qubits: List should have at most 5 items"),
    (("gate_pauli_errors", 0, "pauli_terms", 1, "pauli"), "Z" * 6, r"pauli: String should have at most 5 characters"),
    (("local_readout_errors", 0, "qubit"), 10**300, r"local_readout_errors\[0\]\.qubit: Input should be less than 10000"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "expected"), REJECTED, ids=[case[2][:50] for case in REJECTED])
def test_rule_rejects_with_path_rule_and_value(path: tuple[Any, ...], value: Any, expected: str) -> None:
    problems = problems_of(with_change(path, value))
    assert any(re.search(expected, problem) for problem in problems), problems


@pytest.mark.parametrize(
    ("field", "entry", "expected"),
    [
        ("gate_depolarizing_errors", {"gate": "x", "probability": 0.002, "num_qubits": 1},
         r"^gate_depolarizing_errors\[1\]: repeats gate_depolarizing_errors\[0\] \(gate 'x'\); merge them"),
        ("local_depolarizing_errors", {"gate": "cx", "num_qubits": 2, "probability": 0.03, "qubits": [0, 1]},
         r"^local_depolarizing_errors\[1\]: repeats local_depolarizing_errors\[0\] \(gate 'cx' on qubits \[0, 1\]\)"),
        ("local_readout_errors", {"qubit": 0, "assignment_probabilities": [[1.0, 0.0], [0.0, 1.0]]},
         r"^local_readout_errors\[1\]: repeats local_readout_errors\[0\] \(qubit 0\)"),
        ("gate_depolarizing_errors", {"gate": "cx", "probability": 0.01, "num_qubits": 1},
         r"num_qubits: gate 'cx' acts on 2 qubit\(s\) but num_qubits says 1"),
        ("gate_depolarizing_errors", {"gate": "my_gate", "probability": 0.01, "num_qubits": 1},
         None),
    ],
)  # fmt: skip
def test_list_level_rules(field: str, entry: dict[str, Any], expected: str | None) -> None:
    data = classiq_example_with_local_extensions()
    data[field].append(entry)
    if expected is None:
        NoiseSpec.model_validate(data)
        return
    problems = problems_of(data)
    assert any(re.search(expected, problem) for problem in problems), problems


def test_same_custom_gate_must_keep_one_arity_across_lists() -> None:
    data = classiq_example_with_local_extensions()
    data["gate_depolarizing_errors"].append({"gate": "my_gate", "probability": 0.01, "num_qubits": 1})
    data["local_depolarizing_errors"].append(
        {"gate": "my_gate", "probability": 0.01, "num_qubits": 2, "qubits": [3, 4]}
    )
    with pytest.raises(
        ValidationError, match=r"'my_gate' acts on 2 qubit\(s\) in local_depolarizing_errors\[1\] but on 1"
    ):
        NoiseSpec.model_validate(data)


def test_same_gate_on_different_qubit_tuples_is_not_a_duplicate() -> None:
    data = classiq_example_with_local_extensions()
    data["local_depolarizing_errors"].append({"gate": "cx", "num_qubits": 2, "probability": 0.02, "qubits": [1, 0]})
    assert len(NoiseSpec.model_validate(data).local_depolarizing_errors) == 2


@pytest.mark.parametrize("num_qubits", [1, 2, 3])
def test_depolarizing_accepts_physical_maximum(num_qubits: int) -> None:
    """λ = 4ⁿ/(4ⁿ−1) is what from_backend produces for a fully depolarizing gate."""
    gate = {1: "x", 2: "cx", 3: "ccx"}[num_qubits]
    limit = 4**num_qubits / (4**num_qubits - 1)
    entry = DepolarizingNoiseOnGate(gate=gate, probability=limit, num_qubits=num_qubits)
    assert entry.probability == limit


def test_t2_equal_to_twice_t1_is_allowed_exactly() -> None:
    entry = ThermalRelaxationNoiseOnGate(gate="sx", t1=50.0, t2=100.0, time=0.1)
    assert entry.t2 == 2 * entry.t1


@pytest.mark.parametrize("offset", [4e-7, -4e-7, 1e-9, 0.0])
def test_sums_within_tolerance_are_stored_exactly_normalized(offset: float) -> None:
    data = with_change(("gate_pauli_errors", 0, "pauli_terms", 1, "probability"), 0.01 + offset)
    data["readout_assignment_probabilities"] = [[0.98 + offset, 0.02], [0.03, 0.97 - offset]]
    spec = NoiseSpec.model_validate(data)
    terms = [term.probability for term in spec.gate_pauli_errors[0].pauli_terms]
    assert math.fsum(terms) == 1.0
    assert all(math.fsum(row) == 1.0 for row in spec.readout_assignment_probabilities or [])
    assert terms[1] == pytest.approx(0.01 + offset, abs=1e-6)


def test_sum_just_outside_tolerance_is_rejected() -> None:
    data = with_change(("gate_pauli_errors", 0, "pauli_terms", 1, "probability"), 0.01 + 2e-6)
    with pytest.raises(ValidationError, match=r"must sum to 1 \(within 1e-06\); got sum 1.000002"):
        NoiseSpec.model_validate(data)


def test_spec_is_frozen() -> None:
    spec = NoiseSpec.model_validate(classiq_example_with_local_extensions())
    with pytest.raises(ValidationError, match="frozen"):
        spec.readout_bit_flip_probability = 0.1  # type: ignore[misc]


def test_normalization_is_exact_and_idempotent_on_hypothesis_counterexample() -> None:
    """One pass of rescaling left fsum at 0.9999999999999999 and a second pass moved the values."""
    terms = [
        ("I", 0.3245122839431892),
        ("X", 0.14310406224985298),
        ("Y", 0.5162508158128075),
        ("Z", 0.016132837994150235),
    ]
    data = {"gate": "x", "num_qubits": 1, "pauli_terms": [{"pauli": p, "probability": q} for p, q in terms]}
    spec = NoiseSpec(gate_pauli_errors=[data])
    stored = [term.probability for term in spec.gate_pauli_errors[0].pauli_terms]
    assert math.fsum(stored) == 1.0
    assert NoiseSpec.model_validate_json(spec.model_dump_json()) == spec


def test_infinite_relaxation_times_are_null_in_the_local_extension() -> None:
    entry = LocalThermalRelaxationNoiseOnGate(
        gate="cx",
        qubits=[0, 1],
        relaxations=[{"t1": None, "t2": None, "time": 300.0}, {"t1": None, "t2": 5_000.0, "time": 300.0}],
    )
    assert entry.relaxations[0].t1 is None and entry.relaxations[1].t2 == 5_000.0


def test_infinite_t2_needs_infinite_t1() -> None:
    with pytest.raises(
        ValidationError, match=r"t2 must be at most 2\*t1 = 200.0; got t2=null \(infinite\) with t1=100.0"
    ):
        LocalThermalRelaxationNoiseOnGate(gate="sx", qubits=[0], relaxations=[{"t1": 100.0, "t2": None, "time": 1.0}])


def test_classiq_thermal_entry_needs_finite_times() -> None:
    with pytest.raises(ValidationError, match=r"t1\s+Input should be a valid number"):
        ThermalRelaxationNoiseOnGate(gate="sx", t1=None, t2=100.0, time=1.0)
