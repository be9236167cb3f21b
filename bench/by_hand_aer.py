"""The same physics as ``simulate``'s kinds beyond from_backend, written by hand with Aer alone: what a user would
do without Noise Studio, for ``bench_kinds``' reference.

On the circuit ``simulate`` transpiled and scheduled ALAP (the same transpilation: its cost is in both paths):

- ``NoiseModel.from_backend`` of the preset's fake backend: depolarizing + relaxation per gate, readout, and its
  ``RelaxationNoisePass`` on delays;
- coherent errors: Aer's ``coherent_unitary_error`` composed before each sx and cz error (written into the model's
  table: ``add_quantum_error`` composes a new error *after* the one already there, term by term, which put the
  coherent error in the wrong place and, over 174 couplers, ran a first attempt out of 24 GiB);
- detuning: the delay pass rebuilt with T2* in place of T2, and a ``LocalNoisePass`` appending RZ(2π·δ·t) after
  each delay;
- ZZ: a ``CPhaseGate(−2π·ξ·t)`` per pair between the middles of consecutive timed instructions on its qubits (the
  same rule as ``noise_core.simulation.crosstalk``, written again here with Qiskit's own start times);
- Aer's density matrix, sampling ``shots`` with the model's readout errors.
"""

from __future__ import annotations

import math
from collections import defaultdict

from qiskit import QuantumCircuit
from qiskit.circuit import CircuitInstruction, Delay
from qiskit.circuit.library import CPhaseGate, RXGate, RZGate, RZZGate
from qiskit.quantum_info import Operator
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel, coherent_unitary_error
from qiskit_aer.noise.passes import LocalNoisePass, RelaxationNoisePass


def coherent_model(backend, sx_angle: float, cz_angle: float, cz_phases: tuple[float, float]) -> NoiseModel:  # type: ignore[no-untyped-def]
    """from_backend's model with RX(sx_angle) before every sx error and RZZ·(RZ⊗RZ) before every cz error."""
    model = NoiseModel.from_backend(backend)
    two = QuantumCircuit(2)
    two.append(RZZGate(cz_angle), [0, 1])
    two.rz(cz_phases[0], 0)
    two.rz(cz_phases[1], 1)
    unitaries = {"sx": Operator(RXGate(sx_angle)), "cz": Operator(two)}
    for gate, unitary in unitaries.items():
        errors = model._local_quantum_errors.get(gate, {})
        for qubits, error in errors.items():  # the coherent error first: replaced in place, since add_quantum_error
            errors[qubits] = coherent_unitary_error(unitary).compose(error)  # composes after the error already there
    return model


def with_detuning(model: NoiseModel, backend, detuning_khz: float, t2_star_share: float) -> NoiseModel:  # type: ignore[no-untyped-def]
    """The model's delay relaxation with T2* = share·min(T2, 2·T1) (from_backend's T2), and RZ(2π·δ·t) after every
    delay."""
    properties = [backend.qubit_properties(q) for q in range(backend.num_qubits)]
    t1s = [p.t1 if p.t1 is not None else math.inf for p in properties]
    t2s = [
        t2_star_share * min(p.t2 if p.t2 is not None else 2 * t1, 2 * t1) for p, t1 in zip(properties, t1s, strict=True)
    ]

    def turn(operation, qubits):  # type: ignore[no-untyped-def]
        seconds = float(operation.duration) * (backend.dt if operation.unit == "dt" else _SECONDS[operation.unit])
        return RZGate(2 * math.pi * detuning_khz * 1e3 * seconds)

    relax = RelaxationNoisePass(t1s, t2s, dt=backend.dt, op_types=Delay)
    model._custom_noise_passes = [relax, LocalNoisePass(turn, op_types=Delay)]
    return model


_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def with_zz(scheduled: QuantumCircuit, backend, pairs: dict[tuple[int, int], float]) -> QuantumCircuit:  # type: ignore[no-untyped-def]
    """``scheduled`` with each pair's ZZ phases (ξ in kHz) as CPhase gates, in time order."""
    position = {bit: index for index, bit in enumerate(scheduled.qubits)}
    spans = []
    for item, start in zip(scheduled.data, scheduled.op_start_times, strict=True):
        qubits = tuple(position[q] for q in item.qubits)
        if item.name == "delay":
            length = float(item.operation.duration) * _SECONDS.get(item.operation.unit, backend.dt)
        elif item.name == "barrier" or item.name not in backend.target:
            length = 0.0
        else:
            length = backend.target[item.name][qubits].duration or 0.0
        spans.append((float(start), length, qubits))
    on_qubit: dict[int, list[int]] = defaultdict(list)
    for index, (_start, _length, qubits) in enumerate(spans):
        for qubit in qubits:
            on_qubit[qubit].append(index)
    end = max(start + length for start, length, _qubits in spans)
    first_measure = {}
    for (start, _length, qubits), item in zip(spans, scheduled.data, strict=True):
        if item.name == "measure":
            first_measure.setdefault(qubits[0], start)

    def middle(index: int) -> float:
        return spans[index][0] + spans[index][1] / 2

    used = {
        q for (_s, _l, qubits), item in zip(spans, scheduled.data, strict=True) if item.name not in ("delay", "barrier")
        for q in qubits
    }  # fmt: skip
    after: dict[int, list[CircuitInstruction]] = defaultdict(list)
    for (a, b), zz in pairs.items():
        if not {a, b} <= used:  # a qubit the circuit does not use stays in |0⟩: no phase
            continue
        stop = min(first_measure.get(a, end), first_measure.get(b, end))
        marks = sorted((k for k in {*on_qubit[a], *on_qubit[b]} if spans[k][1] > 0), key=lambda k: (middle(k), k))
        joint = [spans[k][:2] for k in marks if {a, b} <= set(spans[k][2])]
        for number, k in enumerate(marks):
            begin = middle(k)
            until = min(middle(marks[number + 1]) if number + 1 < len(marks) else stop, stop)
            time = max(0.0, until - max(begin, 0.0))
            time -= sum(max(0.0, min(until, s + d) - max(begin, s)) for s, d in joint)
            if time > 0:
                gate = CPhaseGate(-2 * math.pi * zz * 1e3 * time)
                after[k].append(CircuitInstruction(gate, (scheduled.qubits[a], scheduled.qubits[b])))
    events = [(middle(k), 0, k, item) for k, item in enumerate(scheduled.data)]
    events += [(middle(k), 1, k, gate) for k, gates in after.items() for gate in gates]
    timed = scheduled.copy_empty_like()
    for _time, _kind, _order, item in sorted(events, key=lambda event: event[:3]):
        timed._append(item)
    return timed


def run(circuit: QuantumCircuit, model: NoiseModel, shots: int) -> dict[str, int]:
    """Aer's density matrix of ``circuit`` under ``model``, ``shots`` sampled (readout errors included), after
    dropping the delays of qubits the circuit does not use (Aer cannot leave out a qubit that waits with noise)."""
    used = {bit for item in circuit.data if item.name not in ("delay", "barrier") for bit in item.qubits}
    active = circuit.copy_empty_like()
    for item in circuit.data:
        if used.issuperset(item.qubits):
            active._append(item)
    result = AerSimulator(method="density_matrix", noise_model=model).run(active, shots=shots, seed_simulator=1)
    counts: dict[str, int] = result.result().get_counts()
    return counts
