"""References made with Aer itself: the fake backends behind the presets, and an exact simulation reference.

The exact reference for simulations is Aer's density matrix of ``from_backend``'s channels.

Aer drops every error term of probability ≤ 1e-10 when it runs a ``NoiseModel`` (pinned in
``test_simulate_parity``), so the reference hands Aer each ``from_backend`` error as its exact
superoperator instead. Shared by the parity tests and ``bench/bench_simulate.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, reduce

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Instruction
from qiskit.circuit.library import UnitaryGate
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel
from qiskit_ibm_runtime import fake_provider

FAKE_BACKENDS = {
    "ibmq_manila": "FakeManilaV2",
    "ibm_algiers": "FakeAlgiers",
    "ibm_sherbrooke": "FakeSherbrooke",
    "ibm_torino": "FakeTorino",
    "ibm_fez": "FakeFez",
    "ibm_pittsburgh": "FakePittsburgh",
    "ibm_kingston": "FakeKingston",
}
"""The presets' snapshots are these fake backends' ``props_*.json`` (see ``presets/generate.py``)."""


@cache
def fake_backend(name: str):
    """The qiskit-ibm-runtime fake backend of a preset, built once per test session."""
    return getattr(fake_provider, FAKE_BACKENDS[name])()


def with_exact_channels(
    transpiled: QuantumCircuit,
    model: NoiseModel,
    unitary_after: Callable[[Instruction, tuple[int, ...]], np.ndarray | None] | None = None,
) -> QuantumCircuit:
    """The circuit without measurements, each gate followed by its from_backend error as a superoperator.

    ``unitary_after(operation, qubits)``: a unitary to apply right after the operation (a gate or a kept delay),
    before its error (a coherent error or a detuning built by the caller), or None.

    A delay (a scheduled circuit's idle period) is followed by the relaxation ``from_backend``'s
    ``RelaxationNoisePass`` gives it, also as a superoperator; a delay after the qubit's measurement
    is left out (it comes after the outcome is recorded).
    """
    circuit = transpiled.copy_empty_like()
    index = {bit: position for position, bit in enumerate(transpiled.qubits)}
    measured: set[int] = set()
    idle_pass = next(iter(model._custom_noise_passes), None)
    for item in transpiled.data:
        qubits = tuple(index[q] for q in item.qubits)
        if item.operation.name == "measure":
            measured.update(qubits)
            continue
        if item.operation.name == "delay":
            if measured & set(qubits) or idle_pass is None:
                continue
            error = idle_pass._thermal_relaxation_error(item.operation, list(qubits))
        else:
            error = model._local_quantum_errors.get(item.operation.name, {}).get(qubits)
        circuit.append(item.operation, item.qubits)
        unitary = None if unitary_after is None else unitary_after(item.operation, qubits)
        if unitary is not None:
            circuit.append(UnitaryGate(unitary), item.qubits)
        if error is not None:
            superoperator = error.to_quantumchannel().data
            circuit.append(Instruction("superop", len(item.qubits), 0, [superoperator]), item.qubits)
    return circuit


def ours_and_reference(  # type: ignore[no-untyped-def]
    result, reference: QuantumCircuit, readout: Callable[[int], np.ndarray]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``result``'s exact distribution and the reference's over the same measured bits, and their labels (index
    Σ bᵢ·2ⁱ): Aer's density matrix of ``reference`` (no measurements) on the measured qubits, then each qubit's
    ``readout(qubit)`` matrix."""
    measured = [int(result.measured_qubits[clbit]) for clbit in range(result.transpiled.num_clbits)]
    labels = [format(index, f"0{len(measured)}b") for index in range(2 ** len(measured))]
    circuit = reference.copy()
    circuit.save_probabilities(measured)
    data = AerSimulator(method="density_matrix").run(circuit, shots=1).result().data(0)
    joint = reduce(np.kron, [readout(qubit) for qubit in reversed(measured)])
    ours = result.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy()
    return ours, np.asarray(data["probabilities"]) @ joint, labels
