"""Correlated readout: a joint assignment matrix on a group of qubits, through the spec, the simulation, the
scaling, the exports and the assignment report; checked against analytic limits and Aer's own multi-qubit
``ReadoutError`` on a measure instruction over the group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from qiskit import QuantumCircuit
from qiskit.circuit import Instruction
from qiskit_aer import AerSimulator

from harness.statistics import tvd_bound
from noise_core import NoiseSpec, assignment_report, build_noise_model, error_budget, scale_noise, simulate
from noise_core.errors import ScalingError
from noise_core.export import aer_dict_omissions, approximate_for_classiq
from noise_core.simulation.result import total_variation_distance
from noise_core.spec.readout import ReadoutBlock, marginal_assignment, with_qubit_readout
from noise_core.spec.scaling import largest_factor

FLIP = 0.08


def both_flip(p: float = FLIP) -> list[list[float]]:
    """(1 − p)·I + p·X⊗X: both bits flip together with probability p, never one alone."""
    swap = np.fliplr(np.eye(4))
    return ((1 - p) * np.eye(4) + p * swap).tolist()


def grouped(matrix: list[list[float]], qubits: tuple[int, ...] = (0, 1), **fields: object) -> NoiseSpec:
    return NoiseSpec.model_validate(
        {"correlated_readout_errors": [{"qubits": list(qubits), "assignment_probabilities": matrix}], **fields}
    )


def measured(*qubits: int, width: int = 2) -> QuantumCircuit:
    circuit = QuantumCircuit(width, len(qubits))
    circuit.measure(list(qubits), range(len(qubits)))
    return circuit


def exact(circuit: QuantumCircuit, spec: NoiseSpec) -> dict[str, float]:
    result = simulate(circuit, spec, seed=1, optimization_level=0)
    assert result.method == "density_matrix"
    return {label: float(value) for label, value in result.noisy_probabilities.items()}


def test_both_bits_flip_together_where_the_product_of_marginals_would_flip_them_apart() -> None:
    """|00⟩ read through (1 − p)·I + p·X⊗X: P(11) = p and P(01) = 0; each marginal is a flip p, whose product
    would give P(11) = p² and P(01) = p(1 − p)."""
    spec = grouped(both_flip())
    assert exact(measured(0, 1), spec) == pytest.approx({"00": 1 - FLIP, "11": FLIP}, abs=1e-12)
    assert marginal_assignment(spec.correlated_readout_errors[0], [0]) == pytest.approx(
        np.array([[1 - FLIP, FLIP], [FLIP, 1 - FLIP]]), abs=1e-15
    )
    assert exact(measured(0), spec) == pytest.approx({"0": 1 - FLIP, "1": FLIP}, abs=1e-12)  # the marginal alone


def test_a_product_matrix_reads_like_its_per_qubit_matrices_and_its_marginals_recover_them() -> None:
    a, b = np.array([[0.97, 0.03], [0.06, 0.94]]), np.array([[0.9, 0.1], [0.2, 0.8]])
    group = grouped(np.kron(b, a).tolist()).correlated_readout_errors[0]  # qubits[0] = 0 is bit 0
    assert marginal_assignment(group, [0]) == pytest.approx(a, abs=1e-15)
    assert marginal_assignment(group, [1, 0]) == pytest.approx(np.kron(a, b), abs=1e-15)
    circuit = QuantumCircuit(2, 2)
    circuit.x(1)
    circuit.h(0)
    circuit.measure([0, 1], [0, 1])
    local = NoiseSpec.model_validate(
        {"local_readout_errors": [{"qubit": 0, "assignment_probabilities": a.tolist()},
                                  {"qubit": 1, "assignment_probabilities": b.tolist()}]}
    )  # fmt: skip
    assert exact(circuit, grouped(np.kron(b, a).tolist())) == pytest.approx(exact(circuit, local), abs=1e-12)
    block = ReadoutBlock((0, 1), np.kron(b, a))
    assert block.without(0).bits == (1, 0) and block.without(0).matrix == pytest.approx(np.kron(np.eye(2), b))


def test_the_group_replaces_the_qubits_own_and_the_global_readout() -> None:
    spec = grouped(both_flip(), readout_bit_flip_probability=0.3)
    assert exact(measured(0, 1), spec) == pytest.approx({"00": 1 - FLIP, "11": FLIP}, abs=1e-12)


def test_aers_joint_readout_error_on_a_measure_over_the_group_samples_the_same_distribution() -> None:
    """Aer applies our exported multi-qubit ``ReadoutError`` to one measure instruction on both qubits."""
    matrix = [[0.9, 0.04, 0.04, 0.02], [0.05, 0.9, 0.0, 0.05], [0.03, 0.0, 0.92, 0.05], [0.02, 0.04, 0.04, 0.9]]
    spec = grouped(matrix, qubits=(1, 0))  # qubits[0] = 1 is bit 0 of the matrix
    circuit = QuantumCircuit(2, 2)
    circuit.ry(1.1, 0)
    circuit.cx(0, 1)
    circuit.ry(0.4, 1)
    ours = {label: value for label, value in exact(circuit.copy().compose(measured(0, 1)), spec).items()}
    reference = circuit.copy()
    reference.append(Instruction("measure", 2, 2, []), [1, 0], [1, 0])
    shots = 200_000
    counts = AerSimulator(noise_model=build_noise_model(spec)).run(reference, shots=shots, seed_simulator=3).result()
    sampled = {label: count / shots for label, count in counts.get_counts().items()}
    assert total_variation_distance(pd.Series(ours), pd.Series(sampled)) < tvd_bound(4, shots)
    independent = exact(circuit.copy().compose(measured(0, 1)), NoiseSpec())
    assert total_variation_distance(pd.Series(independent), pd.Series(sampled)) > tvd_bound(4, shots)


def test_trajectories_sample_the_joint_readout_within_the_shot_bound() -> None:
    spec = grouped(both_flip(0.2))
    circuit = QuantumCircuit(2, 2)
    circuit.h(0)
    circuit.measure([0, 1], [0, 1])
    shots = 20_000
    result = simulate(circuit, spec, seed=2, optimization_level=0, method="trajectories", shots=shots)
    expected = pd.Series({"00": 0.5 * 0.8, "11": 0.5 * 0.2, "01": 0.5 * 0.8, "10": 0.5 * 0.2})
    assert total_variation_distance(expected, result.noisy_counts / shots) < tvd_bound(4, shots)


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ({"qubits": [0, 1], "assignment_probabilities": [[1.0, 0.0], [0.0, 1.0]]}, r"assignment matrix must be 4-by-4"),
        ({"qubits": [0, 0], "assignment_probabilities": both_flip()}, r"qubits must be distinct; got \[0, 0\]"),
        ({"qubits": [0, 1, 2, 3], "assignment_probabilities": np.eye(16).tolist()}, r"at most 3 items"),
        (
            {"qubits": [0, 1], "assignment_probabilities": [[0.5, 0.2, 0.2, 0.2], *both_flip()[1:]]},
            r"assignment matrix row 0 \(prepared \|00>\) must sum to 1",
        ),
    ],
)
def test_a_group_outside_the_rules_is_refused_naming_them(group: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        NoiseSpec.model_validate({"correlated_readout_errors": [group]})


def test_a_qubit_belongs_to_one_group_and_its_own_readout_cannot_be_set_around_it() -> None:
    groups = [
        {"qubits": [0, 1], "assignment_probabilities": both_flip()},
        {"qubits": [1, 2], "assignment_probabilities": both_flip()},
    ]
    with pytest.raises(ValidationError, match=r"qubit 1 is already in correlated_readout_errors\[0\]"):
        NoiseSpec.model_validate({"correlated_readout_errors": groups})
    with pytest.raises(ScalingError, match=r"qubit 1 is read out with the joint matrix of qubits \[0, 1\]"):
        with_qubit_readout(grouped(both_flip()), 1, 0.1, 0.1)


def test_the_readout_factor_scales_each_rows_errors_and_zero_removes_the_group() -> None:
    spec = grouped(both_flip())
    doubled = scale_noise(spec, readout=2.0).correlated_readout_errors[0].assignment_probabilities
    assert np.array(doubled) == pytest.approx(np.array(both_flip(2 * FLIP)), abs=1e-15)  # (1 − f)·I + f·J
    assert not scale_noise(spec, readout=0).correlated_readout_errors
    with pytest.raises(ScalingError, match=r"row 0 of the joint readout of qubits \[0, 1\].*largest allowed readout"):
        scale_noise(spec, readout=20)


def test_exports_keep_the_joint_matrix_for_aer_and_give_classiq_the_marginals() -> None:
    spec = grouped(both_flip(), readout_bit_flip_probability=0.01)
    assert aer_dict_omissions(spec)[0].startswith(
        "correlated_readout_errors (1 group): Aer applies a joint readout error only to one measure instruction"
    )
    model = build_noise_model(spec)
    assert {tuple(qubits) for qubits in model._local_readout_errors} == {(0, 1), (0,), (1,)}
    folded, notes = approximate_for_classiq(spec)
    assert not folded.correlated_readout_errors
    assert [e.qubit for e in folded.local_readout_errors] == [0, 1]
    for entry in folded.local_readout_errors:
        assert np.array(entry.assignment_probabilities) == pytest.approx(np.array([[1 - FLIP, FLIP], [FLIP, 1 - FLIP]]))
    assert notes == ["correlated_readout_errors [0, 1]: each qubit's marginal instead (Classiq has no joint readout)"]


def test_the_assignment_report_shows_the_joint_matrix_and_its_distance_from_the_product_of_marginals() -> None:
    spec = grouped(both_flip())
    report = assignment_report(spec, [0, 1], shots=20_000, seed=4)
    assert report.specified_joint.to_numpy() == pytest.approx(np.array(both_flip()), abs=1e-15)
    assert report.correlated
    product = report.marginal_product_joint.to_numpy()
    assert product[0, 3] == pytest.approx(FLIP**2) and product[0, 1] == pytest.approx(FLIP * (1 - FLIP))
    estimated = report.estimated_joint.to_numpy()
    assert estimated[0, 1] == 0.0 and abs(estimated[0, 3] - FLIP) < 5 * np.sqrt(FLIP / 20_000)
    assert not assignment_report(NoiseSpec(readout_bit_flip_probability=0.1), [0, 1]).correlated


def test_the_correlation_factor_moves_the_joint_matrix_towards_the_product_of_its_marginals() -> None:
    """c = 0 reads the qubits independently with the same marginals; c = 1 is the group as given; the largest c is
    where an entry reaches 0; the budget names the kind."""
    spec = grouped(both_flip())
    independent = np.array(scale_noise(spec, correlation=0).correlated_readout_errors[0].assignment_probabilities)
    flip = np.array([[1 - FLIP, FLIP], [FLIP, 1 - FLIP]])
    assert independent == pytest.approx(np.kron(flip, flip), abs=1e-15)
    half = np.array(scale_noise(spec, correlation=0.5).correlated_readout_errors[0].assignment_probabilities)
    assert half == pytest.approx((np.kron(flip, flip) + np.array(both_flip())) / 2, abs=1e-15)
    assert scale_noise(spec, correlation=1.5) == spec  # P(01|00) is already 0: as correlated as it can be, kept
    halfway = NoiseSpec.model_validate(
        {"correlated_readout_errors": [{"qubits": [0, 1], "assignment_probabilities": half.tolist()}]}
    )
    assert largest_factor(halfway, "correlation") == pytest.approx(2.0)  # back to the fully correlated matrix
    with pytest.raises(
        ScalingError, match=r"correlation of the joint readout of qubits \[0, 1\].*allowed correlation factor is 2"
    ):
        scale_noise(halfway, correlation=2.5)
    circuit = QuantumCircuit(2, 2)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    budget = error_budget(circuit, spec, seed=1, optimization_level=0, metric="tvd")
    # A Bell state read through joint flips 00 ↔ 11 looks unchanged (TVD 0); read independently, each qubit flips
    # alone too, a TVD of 2p(1 − p): correlation removed costs that, and alone (without readout) it is nothing.
    assert budget.total_loss == pytest.approx(0.0, abs=1e-12)
    assert budget.by_kind.loc["correlation", "removed"] == pytest.approx(-2 * FLIP * (1 - FLIP), abs=1e-12)
    assert budget.by_kind.loc["correlation", "alone"] == pytest.approx(0.0, abs=1e-12)
