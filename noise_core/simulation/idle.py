"""Time on the device: the ALAP schedule of a transpiled circuit, and relaxation on every idle period.

IBM schedules a circuit as late as possible (ALAP) and a qubit waits while others run gates.
``schedule_alap`` does the same with the ``Target``'s durations (Qiskit's ``ALAPScheduleAnalysis``
and ``PadDelay``): each idle period becomes a ``delay``. A gate without a duration takes 0 (IBM's
virtual ``rz``). Each delay of d ns on a qubit with an ``idle_relaxation_errors`` entry then gets
``thermal_relaxation_error(T1, T2, d, p₁)``, as the ``RelaxationNoisePass`` of ``from_backend``
does; user-written delays get the same. A qubit with an ``idle_detuning_errors`` entry also turns by
RZ(2π·δ·d) and dephases with its T2* instead of T2 (``IdleDetuningNoise``); the relaxation channel is
phase-covariant, so the order of the two does not matter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit
from qiskit.circuit import CircuitInstruction, Instruction
from qiskit.dagcircuit import DAGCircuit, DAGOpNode
from qiskit.quantum_info import Kraus
from qiskit.transpiler import PassManager, Target
from qiskit.transpiler.passes import ALAPScheduleAnalysis, PadDelay

from noise_core.aer.channels import GateChannel
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import SimulationError
from noise_core.physics import CoherentRotation, Relaxation
from noise_core.spec.models import NoiseSpec
from noise_core.spec.relaxation import IdleDetuningNoise, IdleRelaxationNoise

TIME_BOUND_FIELDS = ("idle_relaxation_errors", "idle_detuning_errors", "zz_crosstalk_errors")
"""Spec fields of noise that acts over time on the schedule: a spec with any of them is scheduled ALAP, and
``idle_noise=False`` leaves them all out."""


def is_time_bound(spec: NoiseSpec) -> bool:
    """True when the spec has noise that needs the circuit's schedule (``TIME_BOUND_FIELDS``)."""
    return any(getattr(spec, field) for field in TIME_BOUND_FIELDS)


NANOSECONDS_PER_UNIT = {"s": 1e9, "ms": 1e6, "us": 1e3, "µs": 1e3, "ns": 1.0, "ps": 1e-3}
"""Delay units Qiskit writes, in ns (``dt`` needs the device's sample time, which snapshots lack)."""


def schedule_alap(transpiled: QuantumCircuit, target: Target) -> QuantumCircuit:
    """``transpiled`` scheduled ALAP with ``target``'s durations (seconds), its idle periods as delays."""
    return PassManager([_ALAPInSeconds(target=target), PadDelay(target=target)]).run(transpiled)


class _ALAPInSeconds(ALAPScheduleAnalysis):  # type: ignore[misc]  # Qiskit ships no type information
    """Qiskit's ALAP analysis with every node's duration a float (our Target has durations in s, no ``dt``).

    Qiskit 2.x's ``NodeDurations`` takes its number type from the first node, and a barrier's duration
    is the int 0: a circuit whose first node is a barrier (one that only measures) failed with
    "'float' object cannot be interpreted as an integer" at the first measurement.
    """

    def _get_node_duration(self, node: DAGOpNode, dag: DAGCircuit) -> float:
        return float(super()._get_node_duration(node, dag))


Timing = tuple[tuple[float, float], ...]
"""(start, duration) in ns of each instruction of a scheduled circuit, in the order of its ``data``."""


def scheduled_times(scheduled: QuantumCircuit, target: Target) -> Timing:
    """When each instruction of ``schedule_alap``'s output starts and how long it lasts (ns), from ``target``'s
    durations (a gate without one takes 0) and the delays'. Every qubit's time is filled with gates and delays,
    so each instruction starts when its qubits' previous ones end (the ALAP start times); barriers take none."""
    clock: dict[int, float] = {}
    times = []
    for item in scheduled.data:
        qubits = [scheduled.find_bit(qubit).index for qubit in item.qubits]
        duration = _duration_ns(target, item.operation, tuple(qubits))
        start = max((clock.get(qubit, 0.0) for qubit in qubits), default=0.0)
        clock.update(dict.fromkeys(qubits, start + duration))
        times.append((start, duration))
    return tuple(times)


def _duration_ns(target: Target, operation: Instruction, qubits: tuple[int, ...]) -> float:
    if operation.name == "delay":
        return delay_nanoseconds(operation)
    if operation.name == "barrier" or operation.name not in target:
        return 0.0
    properties = target[operation.name].get(qubits)
    duration = None if properties is None else properties.duration
    return 0.0 if duration is None else float(duration) * 1e9


def delay_nanoseconds(operation: Instruction) -> float:
    """A delay's duration in ns (``SimulationError`` for 'dt', which needs a sample time, or a symbolic duration)."""
    unit = getattr(operation, "unit", "dt")
    if unit not in NANOSECONDS_PER_UNIT:
        raise SimulationError(f"a delay in {unit!r} cannot be given idle noise; write its duration in s, ms, us or ns")
    try:
        return float(operation.duration) * NANOSECONDS_PER_UNIT[unit]
    except TypeError:
        raise SimulationError(f"a delay needs a numeric duration; got {operation.duration!r}") from None


@dataclass(frozen=True)
class IdleEntries:
    """A spec's waiting noise by qubit: idle relaxation and free evolution (detuning, T2*)."""

    relaxation: dict[int, IdleRelaxationNoise]
    detuning: dict[int, IdleDetuningNoise]

    @classmethod
    def of(cls, spec: NoiseSpec) -> IdleEntries:
        return cls(
            {entry.qubit: entry for entry in spec.idle_relaxation_errors},
            {entry.qubit: entry for entry in spec.idle_detuning_errors},
        )

    def __bool__(self) -> bool:
        return bool(self.relaxation or self.detuning)

    def channel(self, qubit: int, nanoseconds: float) -> GateChannel | None:
        """What a wait of ``nanoseconds`` does to ``qubit``: RZ(2π·δ·t), then relaxation with T2* in place of T2
        when given; None when it is the identity."""
        detuning = self.detuning.get(qubit)
        relaxation = idle_relaxation(self.relaxation.get(qubit), nanoseconds, detuning)
        angle = 0.0 if detuning is None else 2.0 * math.pi * detuning.detuning * nanoseconds * KHZ_NS
        rotation = CoherentRotation("z", math.remainder(angle, 2.0 * math.pi)) if angle else None
        if relaxation is None and rotation is None:
            return None
        return GateChannel(1, (("I", 1.0),), (relaxation,), rotation)


KHZ_NS = 1e-6
"""kHz × ns in cycles."""


def idle_relaxation(
    entry: IdleRelaxationNoise | None, nanoseconds: float, detuning: IdleDetuningNoise | None = None
) -> Relaxation | None:
    """The relaxation of one idle period on a qubit with ``entry`` (T2* of ``detuning`` in place of T2 when set);
    None when it is the identity."""
    t2_star = None if detuning is None else detuning.t2_star
    if entry is None and t2_star is None:
        return None
    t1, t2, population = (None, None, 0.0) if entry is None else (entry.t1, entry.t2, entry.excited_state_population)
    relaxation = Relaxation(t1, t2 if t2_star is None else t2_star, nanoseconds, population)
    return None if relaxation.is_identity else relaxation


@lru_cache(maxsize=4096)
def idle_instruction(channel: GateChannel) -> Instruction:
    """A wait's channel as one Aer-readable Kraus instruction: K_k·U over the relaxation's Kraus operators K_k and
    the rotation U (a gate would pick up the model's errors of its name). Cached: waits of one length repeat."""
    rotation = np.eye(2, dtype=complex) if channel.coherent is None else channel.coherent.matrix()
    relaxation = channel.relaxations[0]
    kraus = [np.eye(2, dtype=complex)] if relaxation is None else relaxation.kraus_operators()
    return Kraus([operator @ rotation for operator in kraus]).to_instruction()


def with_idle_noise(circuit: QuantumCircuit, active_qubits: tuple[int, ...], spec: NoiseSpec) -> QuantumCircuit:
    """``circuit`` (compact: qubit i is physical ``active_qubits[i]``) with each delay followed by its waiting noise.

    Returns ``circuit`` itself when the spec has no idle entry or the circuit no delay.
    """
    entries = IdleEntries.of(spec)
    if not entries or not any(item.operation.name == "delay" for item in circuit.data):
        return circuit
    noisy = circuit.copy_empty_like()
    for item in circuit.data:
        noisy._append(item)
        if item.operation.name == "delay":
            physical = active_qubits[circuit.find_bit(item.qubits[0]).index]
            channel = entries.channel(physical, delay_nanoseconds(item.operation))
            if channel is not None:
                noisy._append(CircuitInstruction(idle_instruction(channel), item.qubits))
    return noisy


TIMELINE_COLUMNS = ["qubit", "instruction", "start_ns", "duration_ns"]


def schedule_timeline(
    circuit: QuantumCircuit, calibration: BackendCalibration, *, physical: tuple[int, ...] | None = None
) -> pd.DataFrame:
    """When each instruction of a scheduled circuit runs on each of its qubits (ns), delays as 'idle'.

    Durations come from the calibration (``gate_length``, ``readout_length`` for measure; 0 where
    none is reported, like IBM's virtual ``rz``) and from the delays themselves; an instruction
    starts when all its qubits are free. ``physical`` maps circuit qubits to physical ones (a
    compact circuit's ``active_qubits``). Barriers take no time.
    """
    clock: dict[int, float] = {}
    rows = []
    for item in circuit.data:
        name = item.operation.name
        if name == "barrier":
            continue
        qubits = tuple(
            circuit.find_bit(q).index if physical is None else physical[circuit.find_bit(q).index] for q in item.qubits
        )
        duration = delay_nanoseconds(item.operation) if name == "delay" else _reported_ns(calibration, name, qubits)
        start = max(clock.get(qubit, 0.0) for qubit in qubits)
        for qubit in qubits:
            rows.append([qubit, "idle" if name == "delay" else name, start, duration])
            clock[qubit] = start + duration
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def _reported_ns(calibration: BackendCalibration, name: str, qubits: tuple[int, ...]) -> float:
    value = (
        calibration.qubit_value(qubits[0], "readout_length")
        if name == "measure"
        else calibration.gate_value(name, qubits, "gate_length")
    )
    return 0.0 if value is None else float(value) * 1e9
