"""JSON round trips of valid specs (property-based), and the shipped JSON Schema staying in sync."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from noise_core import NoiseSpec
from noise_core.spec.schema import SCHEMA_PATH, render_schema

ONE_QUBIT_GATES = st.sampled_from(["x", "sx", "rz", "id", "h", "custom_1q"])
TWO_QUBIT_GATES = st.sampled_from(["cx", "cz", "ecr", "rzz"])
PROBABILITY = st.floats(0.0, 1.0, allow_nan=False)
QUBIT = st.integers(0, 155)


def distribution(size: int) -> st.SearchStrategy[list[float]]:
    weights = st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=size, max_size=size)
    return weights.filter(lambda values: sum(values) > 0.01).map(lambda values: [v / sum(values) for v in values])


def pauli_terms(num_qubits: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    labels = st.lists(st.text("IXYZ", min_size=num_qubits, max_size=num_qubits), min_size=1, max_size=4, unique=True)
    return labels.flatmap(
        lambda chosen: distribution(len(chosen)).map(
            lambda probabilities: [{"pauli": p, "probability": q} for p, q in zip(chosen, probabilities, strict=True)]
        )
    )


def relaxation() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda t1, ratio, time, population: {
            "t1": t1,
            "t2": t1 * ratio,
            "time": time,
            "excited_state_population": population,
        },
        st.floats(1.0, 1e6),
        st.floats(0.01, 2.0),
        st.floats(0.0, 1e4),
        PROBABILITY,
    )


def two_distinct_qubits() -> st.SearchStrategy[list[int]]:
    return st.lists(QUBIT, min_size=2, max_size=2, unique=True)


SPECS = st.fixed_dictionaries(
    {},
    optional={
        "basis_gates": st.lists(ONE_QUBIT_GATES | TWO_QUBIT_GATES, unique=True),
        "gate_depolarizing_errors": st.lists(
            st.builds(
                lambda gate, p: {"gate": gate, "probability": p, "num_qubits": 1},
                ONE_QUBIT_GATES,
                st.floats(0.0, 4 / 3),
            ),
            unique_by=lambda entry: entry["gate"],
        ),
        "local_depolarizing_errors": st.lists(
            st.builds(
                lambda gate, p, qubits: {"gate": gate, "probability": p, "num_qubits": 2, "qubits": qubits},
                TWO_QUBIT_GATES,
                st.floats(0.0, 16 / 15),
                two_distinct_qubits(),
            ),
            unique_by=lambda entry: (entry["gate"], tuple(entry["qubits"])),
        ),
        "gate_pauli_errors": st.lists(
            st.builds(
                lambda gate, terms: {"gate": gate, "num_qubits": 1, "pauli_terms": terms},
                ONE_QUBIT_GATES,
                pauli_terms(1),
            ),
            unique_by=lambda entry: entry["gate"],
        ),
        "local_pauli_errors": st.lists(
            st.builds(
                lambda gate, qubits, terms: {"gate": gate, "qubits": qubits, "pauli_terms": terms},
                TWO_QUBIT_GATES,
                two_distinct_qubits(),
                pauli_terms(2),
            ),
            unique_by=lambda entry: (entry["gate"], tuple(entry["qubits"])),
        ),
        "gate_thermal_relaxation_errors": st.lists(
            st.builds(lambda gate, params: {"gate": gate, **params}, ONE_QUBIT_GATES, relaxation()),
            unique_by=lambda entry: entry["gate"],
        ),
        "local_thermal_relaxation_errors": st.lists(
            st.builds(
                lambda gate, qubits, first, second: {"gate": gate, "qubits": qubits, "relaxations": [first, second]},
                TWO_QUBIT_GATES,
                two_distinct_qubits(),
                relaxation(),
                relaxation(),
            ),
            unique_by=lambda entry: (entry["gate"], tuple(entry["qubits"])),
        ),
        "readout_bit_flip_probability": PROBABILITY,
        "local_readout_errors": st.lists(
            st.builds(
                lambda qubit, row0, row1: {"qubit": qubit, "assignment_probabilities": [row0, row1]},
                QUBIT,
                distribution(2),
                distribution(2),
            ),
            unique_by=lambda entry: entry["qubit"],
        ),
    },
)


@settings(max_examples=150, deadline=None)
@given(SPECS)
def test_valid_specs_round_trip_through_json_exactly(data: dict[str, Any]) -> None:
    spec = NoiseSpec.model_validate(data)
    dumped = spec.model_dump_json()
    again = NoiseSpec.model_validate_json(dumped)
    assert again == spec
    assert again.model_dump_json() == dumped  # normalization is idempotent: re-validation changes nothing


def test_round_trip_keeps_unset_optional_fields_absent_from_meaning() -> None:
    spec = NoiseSpec.model_validate_json(NoiseSpec().model_dump_json())
    assert spec.is_ideal
    assert spec.readout_bit_flip_probability is None


def test_shipped_json_schema_matches_the_models() -> None:
    shipped = SCHEMA_PATH.read_text(encoding="utf-8")
    assert shipped == render_schema(), "noise_spec.schema.json is stale: run `python -m noise_core.spec.schema`"


def test_json_schema_lists_every_channel_and_forbids_unknown_keys() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(NoiseSpec.model_fields)
    assert schema["$defs"]["LocalDepolarizingNoiseOnGate"]["additionalProperties"] is False
