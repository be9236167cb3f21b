"""Static ZZ crosstalk on the ALAP schedule: the conditional phase coupled qubits pick up while the circuit runs.

The Hamiltonian H = 2π·ξ·|11⟩⟨11| of a pair (``noise_core.spec.crosstalk``, which states the convention)
is diagonal, so over a time t it is the gate ZZPhase(φ) = diag(1, 1, 1, e^{−iφ}) with φ = 2π·ξ·t. Where
those gates go in the circuit:

- Every instruction of the scheduled circuit (``PlacedCircuit.timing``) is pinned at the middle of its time,
  a gate of no duration at its time. Between two consecutive instructions that take time on either qubit of a
  pair, the phase of the time between their middles is one ZZPhase gate; the instructions are put in time order.
  An instruction of no duration (IBM's virtual rz) is not a boundary: the phase around it acts before it, which
  is exact for a diagonal gate without a channel of its own (a spec that gives rz a channel moves it, slightly).
- Exact while both qubits wait or run diagonal gates (delays, rz, cz, rzz: they commute with the phase).
- Approximate during a gate that does not commute with it (sx, x, ecr on one qubit of the pair while the
  other is a spectator): the phase of the gate's first half acts before the gate and of its second half
  after it, a symmetric split whose error is second order in 2π·ξ·d for a gate of d ns. A wait's relaxation
  (``simulation.idle``) sits at the wait's middle, between the halves of its phase, in the same way.
- Not during a gate on both qubits of the pair: that gate's calibration already holds their phase.
- From the start (both qubits in |0⟩, where the phase is nothing) until the first measurement of either
  qubit, or the end of the schedule for a qubit never measured. ZZ commutes with a measurement; what it
  would do to the other qubit during and after a mid-circuit measurement is left out.
- Only where the circuit is scheduled (a spec with time-bound noise, on a device; not a dynamic circuit).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import CircuitInstruction, Gate

from noise_core.simulation.idle import KHZ_NS, Timing
from noise_core.simulation.placement import PlacedCircuit
from noise_core.spec.models import NoiseSpec


class ZZPhaseGate(Gate):  # type: ignore[misc]  # Qiskit ships no type information
    """The ZZ phases that follow one instruction, on the qubits of their pairs: diag over those qubits' basis states
    of e^{−i·Σφ} over the pairs both in |1⟩ (one pair: diag(1, 1, 1, e^{−iφ})). It is the ``diagonal`` instruction
    Aer runs natively, a pass over a density matrix's entries, and one gate for all the pairs an instruction
    touches. Unlike Qiskit's ``DiagonalGate`` it does not check that its entries have modulus 1 (they do by
    construction; the check was a fifth of a QFT(8)'s run time)."""

    def __init__(self, diagonal: np.ndarray) -> None:
        super().__init__("diagonal", int(diagonal.size).bit_length() - 1, [complex(entry) for entry in diagonal])
        self.label = "ZZ"

    def validate_parameter(self, parameter: complex) -> complex:
        return parameter

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return np.diag(np.asarray(self.params, dtype=complex))


@dataclass(frozen=True)
class ZZPhase:
    """One ZZPhase gate: on compact qubits ``positions``, right after instruction ``after`` of the compact
    circuit, turning |11⟩ by ``phase`` rad over ``nanoseconds``."""

    positions: tuple[int, int]
    after: int
    phase: float
    nanoseconds: float


def zz_phases(placed: PlacedCircuit, spec: NoiseSpec) -> list[ZZPhase]:
    """The ZZPhase gates the spec's ``zz_crosstalk_errors`` put into ``placed``'s schedule (module docstring);
    none when it was not scheduled or no pair with ξ ≠ 0 has both qubits in the circuit."""
    timing = placed.timing
    position = {physical: index for index, physical in enumerate(placed.active_qubits)}
    pairs = [
        (position[entry.pair[0]], position[entry.pair[1]], entry.zz)
        for entry in spec.zz_crosstalk_errors
        if entry.zz and set(entry.pair) <= position.keys()
    ]
    if timing is None or not pairs:
        return []
    schedule = _Schedule.of(placed.compact, timing)
    return [phase for i, j, zz in pairs for phase in schedule.phases(i, j, zz)]


@dataclass(frozen=True)
class _Schedule:
    """The compact circuit's instructions by qubit, with their middles and the ends that bound a pair's ZZ."""

    timing: Timing
    on_qubit: dict[int, list[int]]
    qubits_of: list[frozenset[int]]
    first_measurement: dict[int, float]
    end: float

    @classmethod
    def of(cls, circuit: QuantumCircuit, timing: Timing) -> _Schedule:
        on_qubit: dict[int, list[int]] = defaultdict(list)
        qubits_of: list[frozenset[int]] = []
        first_measurement: dict[int, float] = {}
        for index, item in enumerate(circuit.data):
            qubits = frozenset(circuit.find_bit(qubit).index for qubit in item.qubits)
            qubits_of.append(qubits)
            for qubit in qubits:
                on_qubit[qubit].append(index)
                if item.operation.name == "measure":
                    first_measurement.setdefault(qubit, timing[index][0])
        end = max((start + duration for start, duration in timing), default=0.0)
        return cls(timing, dict(on_qubit), qubits_of, first_measurement, end)

    def middle(self, index: int) -> float:
        start, duration = self.timing[index]
        return start + duration / 2.0

    def phases(self, i: int, j: int, zz: float) -> list[ZZPhase]:
        """The ZZPhase gates of pair (i, j) with coupling ``zz`` kHz."""
        stop = min(self.first_measurement.get(i, self.end), self.first_measurement.get(j, self.end))
        marks = sorted(
            (k for k in {*self.on_qubit.get(i, []), *self.on_qubit.get(j, [])} if self.timing[k][1] > 0.0),
            key=lambda k: (self.middle(k), k),
        )
        joint = [self.timing[k] for k in marks if {i, j} <= self.qubits_of[k]]
        phases = []
        for index, after in enumerate(marks):
            begin = self.middle(after)
            until = self.middle(marks[index + 1]) if index + 1 < len(marks) else stop
            nanoseconds = _overlap(begin, until, 0.0, stop) - sum(
                _overlap(begin, until, start, start + duration) for start, duration in joint
            )
            if nanoseconds > 0.0:
                phase = math.remainder(2.0 * math.pi * zz * nanoseconds * KHZ_NS, 2.0 * math.pi)
                phases.append(ZZPhase((i, j), after, phase, nanoseconds))
        return phases


def _overlap(begin: float, until: float, low: float, high: float) -> float:
    """Length of [begin, until] ∩ [low, high] (0 when they do not meet)."""
    return max(0.0, min(until, high) - max(begin, low))


def with_zz_crosstalk(placed: PlacedCircuit, phases: list[ZZPhase]) -> QuantumCircuit:
    """``placed.compact`` in time order with the ZZ phases after their instructions (one ``ZZPhaseGate`` per
    instruction); the compact circuit itself when there is none."""
    if not phases or placed.timing is None:
        return placed.compact
    schedule = _Schedule.of(placed.compact, placed.timing)
    circuit = placed.compact
    events: list[tuple[float, int, int, CircuitInstruction]] = [
        (schedule.middle(index), 0, index, item) for index, item in enumerate(circuit.data)
    ]
    after: dict[int, list[ZZPhase]] = defaultdict(list)
    for phase in phases:
        after[phase.after].append(phase)
    for index, group in after.items():
        positions = sorted({position for phase in group for position in phase.positions})
        gate = ZZPhaseGate(_diagonal(group, positions))
        events.append(
            (schedule.middle(index), 1, index, CircuitInstruction(gate, [circuit.qubits[p] for p in positions]))
        )
    timed = circuit.copy_empty_like()
    for _middle, _kind, _order, item in sorted(events, key=lambda event: event[:3]):
        timed._append(item)
    return timed


def _diagonal(phases: list[ZZPhase], positions: list[int]) -> np.ndarray:
    """e^{−i·Σφ} over the pairs in |11⟩, for each basis state of ``positions`` (bit k is ``positions[k]``)."""
    states = np.arange(2 ** len(positions))
    total = np.zeros(states.size)
    for phase in phases:
        first, second = (positions.index(position) for position in phase.positions)
        total += phase.phase * ((states >> first) & (states >> second) & 1)
    diagonal: np.ndarray = np.exp(-1j * total)
    return diagonal


def timed_circuit(placed: PlacedCircuit, spec: NoiseSpec, *, without: tuple[int, int] | None = None) -> QuantumCircuit:
    """The compact circuit with the spec's ZZ crosstalk on its schedule (``placed.compact`` without any);
    ``without``: a physical pair (increasing order) whose crosstalk is left out."""
    phases = [phase for phase in zz_phases(placed, spec) if _physical_pair(placed, phase) != without]
    return with_zz_crosstalk(placed, phases)


def _physical_pair(placed: PlacedCircuit, phase: ZZPhase) -> tuple[int, int]:
    first, second = sorted(placed.active_qubits[position] for position in phase.positions)
    return (first, second)


def zz_totals(placed: PlacedCircuit, spec: NoiseSpec) -> dict[tuple[int, int], tuple[float, float]]:
    """Per physical pair (increasing order): the total ZZ phase (rad, wrapped to ±π) and the time it acted (ns)."""
    phases: dict[tuple[int, int], list[ZZPhase]] = defaultdict(list)
    for phase in zz_phases(placed, spec):
        phases[_physical_pair(placed, phase)].append(phase)
    return {
        pair: (
            math.remainder(math.fsum(item.phase for item in items), 2.0 * math.pi),
            math.fsum(item.nanoseconds for item in items),
        )
        for pair, items in phases.items()
    }
