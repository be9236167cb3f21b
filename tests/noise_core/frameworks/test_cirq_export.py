"""The Cirq export: Cirq's own density-matrix simulator gives our exact distribution, and the report says what it
kept."""

from __future__ import annotations

import json

import cirq
import numpy as np
import pytest
from qiskit import QuantumCircuit

from noise_core import derive_noise_spec
from noise_core.errors import NoiseStudioError
from noise_core.frameworks.cirq_model import (
    cirq_circuit,
    cirq_distribution,
    cirq_export_document,
    cirq_noise_model,
    noise_model_from_document,
    spec_gate_name,
)
from noise_core.frameworks.kraus import readout_kraus
from noise_core.simulation import simulate
from noise_core.simulation.circuits import ghz, qft
from noise_core.spec.models import NoiseSpec
from presets import load_preset


def _rotations() -> QuantumCircuit:
    circuit = QuantumCircuit(3)
    circuit.h(0)
    circuit.ry(0.7, 1)
    circuit.cx(0, 1)
    circuit.rz(0.3, 1)
    circuit.cx(1, 2)
    circuit.rx(1.1, 2)
    circuit.measure_all()
    return circuit


def _max_difference(ours: dict[str, float], theirs: dict[str, float]) -> float:
    return max(abs(ours.get(key, 0.0) - theirs.get(key, 0.0)) for key in set(ours) | set(theirs))


def _parity(preset: str, circuit: QuantumCircuit | object, spec: NoiseSpec | None = None) -> float:
    calibration = load_preset(preset)
    spec = spec or derive_noise_spec(calibration, idle_relaxation=False)
    result = simulate(circuit, spec, calibration=calibration, shots=100, method="density_matrix")  # type: ignore[arg-type]
    model, _report = cirq_noise_model(spec)
    theirs = cirq_distribution(cirq_circuit(result.transpiled), model, result.transpiled.num_clbits)
    assert result.noisy_probabilities is not None
    return _max_difference(result.noisy_probabilities.to_dict(), theirs)


@pytest.mark.parametrize("preset", ["ionq_harmony", "ibmq_manila", "google_willow_pink_d7v1", "ibm_sherbrooke"])
@pytest.mark.parametrize("circuit", [ghz(4), qft(3), _rotations()], ids=["ghz4", "qft3", "rotations"])
def test_cirqs_density_matrix_simulator_gives_our_exact_distribution(preset: str, circuit: object) -> None:
    """rxx (IonQ), cx (Falcon), cz (Google) and ecr (Eagle) with depolarizing, relaxation and readout."""
    assert _parity(preset, circuit) < 1e-9


def test_parity_holds_for_coherent_pauli_and_global_readout_entries() -> None:
    calibration = load_preset("ibmq_manila")
    derived = derive_noise_spec(calibration, idle_relaxation=False)
    pauli_terms = [{"pauli": "II", "probability": 0.98}, {"pauli": "XZ", "probability": 0.02}]
    spec = NoiseSpec.model_validate(
        derived.model_dump()
        | {
            "gate_coherent_errors": [{"gate": "sx", "angle": 0.05}],
            "local_pauli_errors": [{"gate": "cx", "qubits": [0, 1], "pauli_terms": pauli_terms}],
            "local_readout_errors": [entry.model_dump() for entry in derived.local_readout_errors[1:]],
            "readout_assignment_probabilities": [[0.9, 0.1], [0.2, 0.8]],
        }
    )
    assert _parity("ibmq_manila", _rotations(), spec) < 1e-9
    without = _parity("ibmq_manila", _rotations(), spec.model_copy(update={"gate_coherent_errors": []}))
    assert without < 1e-9  # the coherent error matters: compared below against a model that lacks it
    model, _ = cirq_noise_model(spec.model_copy(update={"gate_coherent_errors": []}))
    result = simulate(_rotations(), spec, calibration=calibration, shots=100, method="density_matrix")
    theirs = cirq_distribution(cirq_circuit(result.transpiled), model, result.transpiled.num_clbits)
    assert result.noisy_probabilities is not None
    assert _max_difference(result.noisy_probabilities.to_dict(), theirs) > 1e-4


def test_the_exported_file_reads_back_to_the_same_model() -> None:
    calibration = load_preset("ionq_harmony")
    spec = derive_noise_spec(calibration, idle_relaxation=False)
    document = json.loads(json.dumps(cirq_export_document(spec)))
    assert document["report"]["framework"] == "Cirq"
    result = simulate(ghz(3), spec, calibration=calibration, shots=100, method="density_matrix")
    circuit = cirq_circuit(result.transpiled)
    direct = cirq_distribution(circuit, cirq_noise_model(spec)[0], 3)
    assert _max_difference(direct, cirq_distribution(circuit, noise_model_from_document(document), 3)) < 1e-12
    with pytest.raises(NoiseStudioError, match=r"not a 'noise-studio kraus noise model' document"):
        noise_model_from_document({"format": "other"})


def test_the_report_keeps_gates_and_readout_and_drops_what_acts_over_the_schedule() -> None:
    spec = derive_noise_spec(load_preset("ibmq_manila"), zz_crosstalk=False)
    report = cirq_noise_model(spec)[1]
    statuses = {line.field: line.status for line in report.lines}
    assert statuses["local_depolarizing_errors"] == "kept exactly"
    assert statuses["local_readout_errors"] == "kept exactly"
    assert statuses["mid-circuit measurements"] == "approximated"
    assert statuses["idle_relaxation_errors"] == "dropped"
    assert report.summary.startswith("Cirq: entries ") and "dropped" in report.summary


def test_cirq_gates_map_to_the_specs_gate_names() -> None:
    assert spec_gate_name(cirq.X) == "x"
    assert spec_gate_name(cirq.X**0.5) == "sx"
    assert spec_gate_name(cirq.rz(0.2)) == "rz"
    assert spec_gate_name(cirq.CNOT) == "cx"
    assert spec_gate_name(cirq.CZ) == "cz"
    assert spec_gate_name(cirq.XX**0.5) == "rxx"
    assert spec_gate_name(cirq.X**0.25) is None
    assert spec_gate_name(cirq.CZ**0.5) is None


def test_the_readout_channel_is_the_assignment_matrix() -> None:
    matrix = np.array([[0.97, 0.03], [0.08, 0.92]])
    kraus = readout_kraus(matrix)
    assert np.allclose(sum(k.conj().T @ k for k in kraus), np.eye(2), atol=1e-15)
    for prepared in range(2):
        state = np.zeros((2, 2))
        state[prepared, prepared] = 1
        after = sum(k @ state @ k.conj().T for k in kraus)
        assert np.allclose(np.real(np.diag(after)), matrix[prepared], atol=1e-15)


def test_a_gate_without_a_cirq_counterpart_is_refused() -> None:
    circuit = QuantumCircuit(1)
    circuit.t(0)
    with pytest.raises(NoiseStudioError, match=r"no Cirq gate for 't': transpile to the device's basis first"):
        cirq_circuit(circuit)
