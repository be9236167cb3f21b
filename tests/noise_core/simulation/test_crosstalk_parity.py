"""ZZ crosstalk against an independent construction in Aer, to 1e-9, on a Falcon, an Eagle and a Heron snapshot.

The reference takes the scheduled circuit ``simulate`` ran, Qiskit's own start times (``op_start_times``) and
the fake backend's durations, cuts the whole schedule into slices at the middle of every instruction, and
gives each pair its phase slice by slice as Qiskit's ``CPhaseGate(−2π·ξ·t)`` (diag(1, 1, 1, e^{−iφ})), leaving
out the time of a gate on both qubits and everything from either qubit's measurement on. ``from_backend``'s
channels follow each gate and delay as exact superoperators (``harness.aer_reference.with_exact_channels``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import CircuitInstruction
from qiskit.circuit.library import CPhaseGate
from qiskit_aer.noise import NoiseModel

from harness.aer_reference import fake_backend, ours_and_reference, with_exact_channels
from noise_core import NoiseSpec, derive_noise_spec, simulate
from noise_core.simulation.idle import delay_nanoseconds
from noise_core.spec.readout import assignment_matrix
from presets import load_preset

pytestmark = pytest.mark.slow


def coupling_khz(a: int, b: int) -> float:
    """A made-up ξ per pair, of either sign and tens of kHz (the snapshots' own are 0 on ibm_fez)."""
    return ((a + b) % 5 - 2) * 40.0 + 15.0


def four_qubit_circuit() -> QuantumCircuit:
    """Gates on pairs 0–1 and 2–3 only, so on a line 0–1–2–3 the pair 1–2 is a pure spectator; a wait on 1."""
    circuit = QuantumCircuit(4, 4)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.h([2, 3])
    circuit.cx(2, 3)
    circuit.delay(800, 1, unit="ns")
    circuit.sx([0, 1, 2, 3])
    circuit.measure(range(4), range(4))
    return circuit


def with_zz_slices(scheduled: QuantumCircuit, backend_name: str, spec: NoiseSpec) -> QuantumCircuit:
    """``scheduled`` in time order with every pair's ZZ phase as a CPhaseGate per slice between instruction middles."""
    target = fake_backend(backend_name).target
    position = {bit: index for index, bit in enumerate(scheduled.qubits)}
    spans = []
    for item, start in zip(scheduled.data, scheduled.op_start_times, strict=True):
        qubits = tuple(position[q] for q in item.qubits)
        if item.name == "delay":
            length = delay_nanoseconds(item.operation)
        elif item.name == "barrier":
            length = 0.0
        else:
            length = (target[item.name][qubits].duration or 0.0) * 1e9
        spans.append((start * 1e9, length, qubits, item))
    used = {q for start, length, qubits, item in spans if item.name not in {"delay", "barrier"} for q in qubits}
    measured = {}
    for start, _length, qubits, item in spans:
        if item.name == "measure":
            measured.setdefault(qubits[0], start)
    end = max(start + length for start, length, _qubits, _item in spans)
    pairs = [(e.pair, e.zz) for e in spec.zz_crosstalk_errors if set(e.pair) <= used]
    middles = sorted({start + length / 2 for start, length, _qubits, item in spans if item.name != "barrier"})
    events = [(start + length / 2, 0, index, item) for index, (start, length, _q, item) in enumerate(spans)]
    for index, begin in enumerate(middles):
        until = middles[index + 1] if index + 1 < len(middles) else end
        for (a, b), zz in pairs:
            stop = min(measured.get(a, end), measured.get(b, end))
            time = max(0.0, min(until, stop) - begin)
            for start, length, qubits, item in spans:
                if {a, b} <= set(qubits) and item.name != "barrier":
                    time -= max(0.0, min(until, stop, start + length) - max(begin, start))
            if time > 0:
                gate = CPhaseGate(-2 * math.pi * zz * time * 1e-6)
                qubits = (scheduled.qubits[a], scheduled.qubits[b])
                events.append((begin, 1, len(events), CircuitInstruction(gate, qubits)))
    timed = scheduled.copy_empty_like()
    for _time, _kind, _order, item in sorted(events, key=lambda event: event[:3]):
        if item.name != "barrier":
            timed._append(item)
    return timed


@pytest.mark.parametrize("backend_name", ["ibmq_manila", "ibm_sherbrooke", "ibm_fez"])
def test_zz_crosstalk_on_a_scheduled_circuit_matches_phases_cut_per_slice_in_aer(backend_name: str) -> None:
    calibration = load_preset(backend_name)
    derived = derive_noise_spec(calibration)
    couplers = {tuple(sorted(q)) for _g, q, _p in calibration.gate_entries() if len(q) == 2}
    zz = [{"qubits": list(pair), "zz": coupling_khz(*pair)} for pair in sorted(couplers)]
    spec = NoiseSpec.model_validate({**derived.model_dump(mode="json"), "zz_crosstalk_errors": zz})
    circuit = four_qubit_circuit()
    result = simulate(circuit, spec, calibration=calibration, seed=3, initial_layout=[0, 1, 2, 3])
    assert result.method == "density_matrix"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NoiseModel.from_backend(fake_backend(backend_name))
    reference = with_exact_channels(with_zz_slices(result.transpiled, backend_name, spec), model)
    ours, expected, labels = ours_and_reference(result, reference, lambda qubit: assignment_matrix(spec, qubit))
    assert np.abs(ours - expected).max() < 1e-9
    plain = simulate(circuit, derived, calibration=calibration, seed=3, initial_layout=[0, 1, 2, 3])
    assert np.abs(ours - plain.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy()).max() > 1e-3
