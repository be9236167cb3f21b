"""Coherent errors on real devices: ``simulate``'s exact probabilities against an independent construction in Aer.

The reference: the transpiled circuit ``simulate`` ran, each gate followed by its coherent error built from Qiskit's
own gates (``RXGate``, ``RZGate``, ``RZZGate``: not our matrices) and then ``from_backend``'s channel as its
exact superoperator, run on Aer's density matrix; readout from the snapshot's properties. The spec is the derived
one plus an all-qubit over-rotation on every one-qubit gate with an axis and on the two-qubit gate, and a different
local entry (ε and phases) on every coupler and every qubit's ``sx``: local entries replace the all-qubit ones.
"""

from __future__ import annotations

import json
import warnings
from functools import reduce

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import Instruction
from qiskit.quantum_info import Operator
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel
from qiskit_aer.noise.device.models import basic_device_readout_errors
from qiskit_ibm_runtime.models import BackendProperties

from harness.aer_reference import fake_backend, with_exact_channels
from noise_core import NoiseSpec, derive_noise_spec, simulate
from noise_core.simulation.circuits import ghz, qft
from presets import SNAPSHOT_DIR, load_preset

pytestmark = pytest.mark.slow  # parity with Aer on real devices

TOLERANCE = 1e-9
CASES = [("ibmq_manila", "cx", ghz(4)), ("ibm_sherbrooke", "ecr", qft(3)), ("ibm_fez", "cz", qft(4))]
"""A Falcon, an Eagle and a Heron snapshot, with the two-qubit gate each device runs."""
ONE_QUBIT = {"sx": ("x", 0.04), "x": ("x", -0.03), "rz": ("z", 0.02)}


def local_angles(qubits: tuple[int, ...]) -> tuple[float, list[float]]:
    """A different ε and phases for each placement, within ±0.1 rad."""
    seed = sum((index + 1) * qubit for index, qubit in enumerate(qubits))
    return 0.1 * np.sin(seed), [0.05 * np.cos(seed + k) for k in range(len(qubits))]


def with_coherent_errors(spec: NoiseSpec, two_qubit: str) -> NoiseSpec:
    local = [
        {"gate": two_qubit, "qubits": e.qubits, "angle": local_angles(tuple(e.qubits))[0],
         "phases": local_angles(tuple(e.qubits))[1]}
        for e in spec.local_depolarizing_errors if e.gate == two_qubit
    ]  # fmt: skip
    local += [
        {"gate": "sx", "qubits": e.qubits, "angle": local_angles(tuple(e.qubits))[0]}
        for e in spec.local_depolarizing_errors
        if e.gate == "sx"
    ]
    everywhere = [{"gate": gate, "angle": angle} for gate, (_axis, angle) in ONE_QUBIT.items()]
    everywhere.append({"gate": two_qubit, "angle": 0.07, "phases": [0.01, -0.02]})
    document = spec.model_dump(mode="json")
    return NoiseSpec.model_validate({**document, "gate_coherent_errors": everywhere, "local_coherent_errors": local})


def reference_unitary(two_qubit: str, spec: NoiseSpec):
    """The coherent error of each placement, from Qiskit's gates and the spec's numbers (local first)."""
    local = {(e.gate, tuple(e.qubits)): e for e in spec.local_coherent_errors}
    everywhere = {e.gate: e for e in spec.gate_coherent_errors}

    def unitary(operation: Instruction, qubits: tuple[int, ...]) -> np.ndarray | None:
        gate = operation.name
        entry = local.get((gate, qubits), everywhere.get(gate))
        if entry is None:
            return None
        circuit = QuantumCircuit(len(qubits))
        if gate == two_qubit:
            circuit.rzz(entry.angle, 0, 1)
            circuit.rz(entry.phases[0], 0)
            circuit.rz(entry.phases[1], 1)
        else:
            getattr(circuit, "r" + ONE_QUBIT[gate][0])(entry.angle, 0)
        return Operator(circuit).data

    return unitary


@pytest.mark.parametrize(("name", "two_qubit", "library_circuit"), CASES, ids=[c[0] for c in CASES])
def test_coherent_errors_match_an_independent_construction_in_aer(name, two_qubit, library_circuit) -> None:
    calibration = load_preset(name)
    spec = with_coherent_errors(derive_noise_spec(calibration), two_qubit)
    result = simulate(library_circuit, spec, calibration=calibration, seed=3, idle_noise=False)
    assert result.method == "density_matrix"
    measured = [int(result.measured_qubits[clbit]) for clbit in range(result.transpiled.num_clbits)]
    labels = [format(index, f"0{len(measured)}b") for index in range(2 ** len(measured))]
    ours = result.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NoiseModel.from_backend(fake_backend(name))
    circuit = with_exact_channels(result.transpiled, model, reference_unitary(two_qubit, spec))
    circuit.save_probabilities(measured)
    data = AerSimulator(method="density_matrix").run(circuit, shots=1).result().data(0)
    properties = BackendProperties.from_dict(json.loads((SNAPSHOT_DIR / f"{name}.json").read_text()))
    readout = {qubits[0]: np.asarray(error.probabilities) for qubits, error in basic_device_readout_errors(properties)}
    reference = np.asarray(data["probabilities"]) @ reduce(np.kron, [readout[q] for q in reversed(measured)])
    uses = {item.operation.name for item in result.transpiled.data}
    assert two_qubit in uses and "sx" in uses  # the circuit meets the entries under test
    assert np.abs(ours - reference).max() < TOLERANCE
    without = simulate(
        library_circuit, derive_noise_spec(calibration), calibration=calibration, seed=3, idle_noise=False
    )
    assert np.abs(ours - without.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy()).max() > 1e-3
