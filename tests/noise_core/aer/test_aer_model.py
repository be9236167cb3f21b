"""``build_noise_model``: each channel kind against a hand-built Aer channel, precedence, limits."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import PauliGate
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel, QuantumError, depolarizing_error, pauli_error, thermal_relaxation_error

from noise_core import NoiseSpec, build_noise_model
from tests.channel_math import superoperator


def local_error(model: NoiseModel, gate: str, qubits: tuple[int, ...]):
    return model._local_quantum_errors.get(gate, {}).get(qubits)


def all_qubit_error(model: NoiseModel, gate: str):
    return model._default_quantum_errors.get(gate)


def assert_same_channel(ours, expected, num_qubits: int) -> None:
    np.testing.assert_allclose(superoperator(ours, num_qubits), superoperator(expected, num_qubits), atol=1e-13)


def spec(**fields: Any) -> NoiseSpec:
    return NoiseSpec.model_validate(fields)


RELAX_A = {"t1": 100_000.0, "t2": 80_000.0, "time": 60.0}
RELAX_B = {"t1": 90_000.0, "t2": 170_000.0, "time": 60.0, "excited_state_population": 0.02}


def aer_relaxation(parameters: dict[str, float]):
    return thermal_relaxation_error(
        parameters["t1"], parameters["t2"], parameters["time"], parameters.get("excited_state_population", 0.0)
    )


@pytest.mark.parametrize(("gate", "num_qubits", "probability"), [("x", 1, 0.01), ("cz", 2, 0.05), ("cz", 2, 16 / 15)])
def test_all_qubit_depolarizing_is_aers_depolarizing_error(gate: str, num_qubits: int, probability: float) -> None:
    model = build_noise_model(
        spec(gate_depolarizing_errors=[{"gate": gate, "num_qubits": num_qubits, "probability": probability}])
    )
    assert_same_channel(all_qubit_error(model, gate), depolarizing_error(probability, num_qubits), num_qubits)


def test_all_qubit_pauli_is_aers_pauli_error() -> None:
    terms = [("II", 0.9), ("XI", 0.04), ("ZY", 0.06)]
    model = build_noise_model(
        spec(
            gate_pauli_errors=[
                {"gate": "cx", "num_qubits": 2, "pauli_terms": [{"pauli": p, "probability": q} for p, q in terms]}
            ]
        )
    )
    assert_same_channel(all_qubit_error(model, "cx"), pauli_error(terms), 2)


def test_all_qubit_thermal_relaxation_is_aers_thermal_relaxation_error() -> None:
    model = build_noise_model(spec(gate_thermal_relaxation_errors=[{"gate": "sx", **RELAX_B}]))
    assert_same_channel(all_qubit_error(model, "sx"), aer_relaxation(RELAX_B), 1)


def test_local_two_qubit_relaxation_puts_relaxations_zero_on_the_first_qubit() -> None:
    model = build_noise_model(
        spec(local_thermal_relaxation_errors=[{"gate": "cx", "qubits": [3, 1], "relaxations": [RELAX_A, RELAX_B]}])
    )
    expected = aer_relaxation(RELAX_A).expand(aer_relaxation(RELAX_B))  # first qubit least significant
    assert_same_channel(local_error(model, "cx", (3, 1)), expected, 2)
    assert not np.allclose(
        superoperator(expected, 2), superoperator(aer_relaxation(RELAX_B).expand(aer_relaxation(RELAX_A)), 2)
    )


def test_composition_order_is_depolarizing_then_pauli_then_relaxation() -> None:
    model = build_noise_model(
        spec(
            gate_depolarizing_errors=[{"gate": "sx", "num_qubits": 1, "probability": 0.2}],
            gate_pauli_errors=[
                {
                    "gate": "sx",
                    "num_qubits": 1,
                    "pauli_terms": [{"pauli": "I", "probability": 0.7}, {"pauli": "X", "probability": 0.3}],
                }
            ],
            gate_thermal_relaxation_errors=[{"gate": "sx", "t1": 1000.0, "t2": 500.0, "time": 400.0}],
        )
    )
    relaxation = thermal_relaxation_error(1000.0, 500.0, 400.0)
    expected = depolarizing_error(0.2, 1).compose(pauli_error([("I", 0.7), ("X", 0.3)])).compose(relaxation)
    assert_same_channel(all_qubit_error(model, "sx"), expected, 1)
    relaxation_first = relaxation.compose(depolarizing_error(0.2, 1)).compose(pauli_error([("I", 0.7), ("X", 0.3)]))
    assert not np.allclose(superoperator(expected, 1), superoperator(relaxation_first, 1), atol=1e-6)


def test_local_entry_replaces_only_its_own_kind() -> None:
    model = build_noise_model(
        spec(
            gate_depolarizing_errors=[{"gate": "x", "num_qubits": 1, "probability": 0.1}],
            gate_pauli_errors=[
                {
                    "gate": "x",
                    "num_qubits": 1,
                    "pauli_terms": [{"pauli": "I", "probability": 0.95}, {"pauli": "Z", "probability": 0.05}],
                }
            ],
            local_depolarizing_errors=[{"gate": "x", "qubits": [2], "num_qubits": 1, "probability": 0.3}],
        )
    )
    pauli = pauli_error([("I", 0.95), ("Z", 0.05)])
    assert_same_channel(local_error(model, "x", (2,)), depolarizing_error(0.3, 1).compose(pauli), 1)
    assert_same_channel(all_qubit_error(model, "x"), depolarizing_error(0.1, 1).compose(pauli), 1)


def test_a_local_zero_entry_cancels_the_all_qubit_error_there() -> None:
    """Aer skips errors it finds ideal when adding them; the cancelling identity must survive that."""
    model = build_noise_model(
        spec(
            gate_depolarizing_errors=[{"gate": "x", "num_qubits": 1, "probability": 0.3}],
            local_depolarizing_errors=[{"gate": "x", "qubits": [0], "num_qubits": 1, "probability": 0.0}],
        )
    )
    np.testing.assert_allclose(superoperator(local_error(model, "x", (0,)), 1), np.eye(4), atol=1e-15)
    circuit = QuantumCircuit(2)
    circuit.x([0, 1])
    circuit.save_probabilities()
    result = AerSimulator(method="density_matrix", noise_model=model).run(circuit).result()
    probabilities = np.asarray(result.data()["probabilities"])  # index = 2·q1 + q0
    assert probabilities[0b01] + probabilities[0b11] == pytest.approx(1.0, abs=1e-15)  # qubit 0: exactly 1
    assert probabilities[0b11] == pytest.approx(1 - 0.3 / 2)  # qubit 1: depolarized


@pytest.mark.parametrize(
    "relaxation",
    [
        {"t1": None, "t2": None, "time": 50.0},  # T1 = T2 = ∞
        {"t1": 50_000.0, "t2": 30_000.0, "time": 0.0},  # zero duration
    ],
)
def test_relaxation_limits_add_no_error(relaxation: dict[str, Any]) -> None:
    model = build_noise_model(
        spec(local_thermal_relaxation_errors=[{"gate": "sx", "qubits": [0], "relaxations": [relaxation]}])
    )
    assert model.is_ideal()


def test_pure_dephasing_when_t1_is_infinite() -> None:
    model = build_noise_model(
        spec(
            local_thermal_relaxation_errors=[
                {"gate": "sx", "qubits": [0], "relaxations": [{"t1": None, "t2": 400.0, "time": 100.0}]}
            ]
        )
    )
    assert_same_channel(local_error(model, "sx", (0,)), thermal_relaxation_error(math.inf, 400.0, 100.0), 1)


def test_readout_bit_flip_matrix_and_local_override() -> None:
    model = build_noise_model(
        spec(
            readout_bit_flip_probability=0.1,
            local_readout_errors=[{"qubit": 1, "assignment_probabilities": [[0.9, 0.1], [0.3, 0.7]]}],
        )
    )
    np.testing.assert_array_equal(model._default_readout_error.probabilities, [[0.9, 0.1], [0.1, 0.9]])
    np.testing.assert_array_equal(model._local_readout_errors[(1,)].probabilities, [[0.9, 0.1], [0.3, 0.7]])


def test_global_assignment_matrix() -> None:
    model = build_noise_model(spec(readout_assignment_probabilities=[[0.98, 0.02], [0.05, 0.95]]))
    np.testing.assert_array_equal(model._default_readout_error.probabilities, [[0.98, 0.02], [0.05, 0.95]])


def test_qubit_restriction_keeps_entries_inside_the_register_only() -> None:
    full = spec(
        gate_depolarizing_errors=[{"gate": "x", "num_qubits": 1, "probability": 0.01}],
        local_depolarizing_errors=[
            {"gate": "cx", "qubits": [0, 1], "num_qubits": 2, "probability": 0.02},
            {"gate": "cx", "qubits": [1, 2], "num_qubits": 2, "probability": 0.03},
        ],
        local_readout_errors=[
            {"qubit": 1, "assignment_probabilities": [[0.9, 0.1], [0.1, 0.9]]},
            {"qubit": 2, "assignment_probabilities": [[0.8, 0.2], [0.2, 0.8]]},
        ],
    )
    model = build_noise_model(full, qubits=[0, 1])
    assert set(model._local_quantum_errors["cx"]) == {(0, 1)}
    assert set(model._local_readout_errors) == {(1,)}
    assert all_qubit_error(model, "x") is not None


def bell_probabilities(model: NoiseModel) -> np.ndarray:
    circuit = QuantumCircuit(2)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.save_probabilities()
    result = AerSimulator(method="density_matrix", noise_model=model).run(circuit).result()
    return np.asarray(result.data()["probabilities"])


def test_zero_noise_spec_is_ideal() -> None:
    zero = spec(
        gate_depolarizing_errors=[{"gate": "cx", "num_qubits": 2, "probability": 0.0}],
        readout_bit_flip_probability=0.0,
    )
    model = build_noise_model(zero)
    assert model.is_ideal()
    np.testing.assert_allclose(bell_probabilities(model), [0.5, 0, 0, 0.5], atol=1e-15)


def test_built_model_simulates_like_the_equivalent_aer_model() -> None:
    ours = build_noise_model(
        spec(
            gate_depolarizing_errors=[{"gate": "cx", "num_qubits": 2, "probability": 0.1}],
            local_thermal_relaxation_errors=[{"gate": "cx", "qubits": [0, 1], "relaxations": [RELAX_A, RELAX_B]}],
        )
    )
    reference = NoiseModel()
    relaxation = aer_relaxation(RELAX_A).expand(aer_relaxation(RELAX_B))
    reference.add_quantum_error(depolarizing_error(0.1, 2).compose(relaxation), "cx", [0, 1])
    np.testing.assert_allclose(bell_probabilities(ours), bell_probabilities(reference), atol=1e-12)


def x_error_counts(error: QuantumError, *, shot_branching: bool) -> dict[str, int]:
    model = NoiseModel()
    model.add_all_qubit_quantum_error(error, "id")
    circuit = QuantumCircuit(1, 1)
    circuit.id(0)
    circuit.measure(0, 0)
    simulator = AerSimulator(method="statevector", noise_model=model, shot_branching_enable=shot_branching)
    return simulator.run(circuit, shots=4000, seed_simulator=1).result().get_counts()


def test_aer_shot_branching_drops_an_error_whose_first_circuit_is_empty() -> None:
    """Aer 0.18: the same 25 % X error is applied without branching and silently lost with it."""
    empty_first = QuantumError([(QuantumCircuit(1), 0.75), (PauliGate("X"), 0.25)])
    assert x_error_counts(empty_first, shot_branching=False).get("1", 0) > 800
    assert x_error_counts(empty_first, shot_branching=True) == {"0": 4000}


def test_built_pauli_errors_survive_shot_branching() -> None:
    model = build_noise_model(
        spec(
            gate_pauli_errors=[
                {
                    "gate": "id",
                    "num_qubits": 1,
                    "pauli_terms": [{"pauli": "X", "probability": 0.25}, {"pauli": "I", "probability": 0.75}],
                }
            ]
        )
    )
    error = model._default_quantum_errors["id"]
    assert all(circuit.data for circuit in error.circuits)
    assert x_error_counts(error, shot_branching=True) == x_error_counts(error, shot_branching=False)
