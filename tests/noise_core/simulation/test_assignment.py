"""Assignment matrices: specified ones read from the spec, estimated ones from calibration circuits."""

from __future__ import annotations

import math
from functools import reduce

import numpy as np
import pytest
from qiskit import QuantumCircuit

from harness.statistics import FAILURE_PROBABILITY
from noise_core import NoiseSpec, assignment_matrix, assignment_report, derive_noise_spec, simulate
from noise_core.simulation.assignment import exact_recorded_marginals
from presets import load_preset

SHOTS = 20_000
HOEFFDING = math.sqrt(math.log(2 / FAILURE_PROBABILITY) / (2 * SHOTS))
"""|frequency − probability| ≤ this for one matrix entry, except with probability 1e-6 (Hoeffding)."""

MATRIX_0 = [[0.97, 0.03], [0.08, 0.92]]
MATRIX_2 = [[0.9, 0.1], [0.25, 0.75]]
READOUT_ONLY = NoiseSpec(
    readout_bit_flip_probability=0.05,
    local_readout_errors=[
        {"qubit": 0, "assignment_probabilities": MATRIX_0},
        {"qubit": 2, "assignment_probabilities": MATRIX_2},
    ],
)


def test_a_local_matrix_wins_over_the_global_setting_and_no_readout_is_the_identity():
    assert assignment_matrix(READOUT_ONLY, 0).tolist() == MATRIX_0
    assert assignment_matrix(READOUT_ONLY, 1).tolist() == [[0.95, 0.05], [0.05, 0.95]]
    assert assignment_matrix(NoiseSpec(), 4).tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_estimates_of_a_readout_only_spec_match_the_specified_matrices_within_shot_noise():
    report = assignment_report(READOUT_ONLY, [0, 1, 2], shots=SHOTS, seed=1, joint_qubits=2)
    for qubit in (0, 1, 2):
        specified, estimated = report.specified[qubit].to_numpy(), report.estimated[qubit].to_numpy()
        assert np.abs(estimated - specified).max() < HOEFFDING
        assert estimated.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert report.joint_qubits == (0, 1)
    assert list(report.specified_joint.index) == ["00", "01", "10", "11"]
    assert np.abs(report.estimated_joint.to_numpy() - report.specified_joint.to_numpy()).max() < HOEFFDING


def test_the_estimate_includes_the_error_of_the_x_gate_that_prepares_one():
    """Depolarizing λ on X leaves |0⟩ with probability λ/2, which the readout then reads."""
    depolarizing = 0.2
    spec = NoiseSpec.model_validate(
        {
            **READOUT_ONLY.model_dump(),
            "gate_depolarizing_errors": [{"gate": "x", "num_qubits": 1, "probability": depolarizing}],
        }
    )
    report = assignment_report(spec, [0], shots=SHOTS, seed=2, joint_qubits=0)
    prepared_zero = depolarizing / 2
    expected_read_zero = (1 - prepared_zero) * MATRIX_0[1][0] + prepared_zero * MATRIX_0[0][0]
    assert report.estimated[0].loc["1", "0"] == pytest.approx(expected_read_zero, abs=HOEFFDING)
    assert report.estimated[0].loc["0", "1"] == pytest.approx(MATRIX_0[0][1], abs=HOEFFDING)
    assert report.specified_joint is None and report.estimated_joint is None


def test_on_a_device_the_calibration_circuits_run_on_the_requested_physical_qubits():
    """|0⟩ needs no gate, so its row is the readout alone; X can only add reads of 0 to the |1⟩ row."""
    calibration = load_preset("ibm_algiers")
    spec = derive_noise_spec(calibration)
    report = assignment_report(spec, [14, 3], calibration=calibration, shots=SHOTS, seed=3, joint_qubits=2)
    for qubit in (14, 3):
        specified, estimated = report.specified[qubit], report.estimated[qubit]
        assert specified.loc["0", "1"] == pytest.approx(calibration.qubit_value(qubit, "prob_meas1_prep0"))
        assert estimated.loc["0", "1"] == pytest.approx(specified.loc["0", "1"], abs=HOEFFDING)
        assert estimated.loc["1", "0"] > specified.loc["1", "0"] - HOEFFDING
    assert report.estimated_joint.shape == (4, 4)


def test_qubits_beyond_a_broken_one_are_estimated_without_touching_it():
    """ibm_pittsburgh reports qubit 117's gates broken; qubits 118 and 119 still get their matrices."""
    calibration = load_preset("ibm_pittsburgh")
    report = assignment_report(derive_noise_spec(calibration), [119, 118], calibration=calibration, shots=100)
    assert sorted(report.estimated) == [118, 119]


def test_the_joint_estimate_is_sampled_from_the_exact_distribution_of_each_calibration_circuit():
    """Product of per-qubit marginals = the density matrix of the joint circuit, to 1e-12."""
    spec = NoiseSpec.model_validate(
        {
            **READOUT_ONLY.model_dump(),
            "gate_depolarizing_errors": [{"gate": "x", "num_qubits": 1, "probability": 0.1}],
            "gate_thermal_relaxation_errors": [{"gate": "x", "t1": 50.0, "t2": 70.0, "time": 10.0}],
        }
    )
    qubits = (0, 1, 2)
    exact = exact_recorded_marginals(spec, qubits, None, seed=0)
    joint = reduce(np.kron, [exact[qubit] for qubit in reversed(qubits)])
    circuit = QuantumCircuit(3, 3)
    circuit.x([0, 2])  # prepared "101"
    circuit.measure([0, 1, 2], [0, 1, 2])
    reference = simulate(circuit, spec, shots=1, seed=0, method="density_matrix").noisy_probabilities
    assert reference is not None
    for label, probability in reference.items():
        assert joint[0b101, int(label, 2)] == pytest.approx(probability, abs=1e-12)
    report = assignment_report(spec, qubits, shots=SHOTS, seed=4)
    assert np.abs(report.estimated_joint.to_numpy() - joint).max() < HOEFFDING


def test_more_qubits_than_one_density_matrix_holds_are_estimated_in_groups():
    """20 qubits: a single 20-qubit density matrix would be refused (16 TiB); groups of 8 are not."""
    spec = NoiseSpec(readout_bit_flip_probability=0.02)
    report = assignment_report(spec, list(range(20)), shots=SHOTS, seed=5, joint_qubits=0)
    assert sorted(report.estimated) == list(range(20))
    assert all(abs(report.estimated[q].loc["0", "1"] - 0.02) < HOEFFDING for q in range(20))
