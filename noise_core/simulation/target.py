"""Where a circuit runs: a Qiskit ``Target`` built from a calibration snapshot, or a register.

On a device, the target lists each calibrated gate on the qubits it was calibrated on, with its
reported duration and error, so the transpiler's layout passes (VF2Layout, VF2PostLayout) can
prefer good qubits and couplers. Entries reported with ``gate_error ≥ 1`` (IBM's mark for a
broken qubit or coupler) are left out, so no route uses them. A coupler whose two-qubit gate has
no usable ``gate_error`` (missing, NaN or negative: an *uncalibrated coupler*) is offered with its
gate's median reported error for the layout passes to score (which would read a missing error as
a perfect coupler and seek it), while the derived model gives it relaxation only;
``avoid_uncalibrated_couplers`` leaves such couplers out as well. IBM's fractional gates (``rx``,
``rzz`` on Heron) are left out unless asked for, as IBM itself does by default
(``use_fractional_gates=False``): they accept only restricted angles on hardware.

Without a device, circuits are transpiled to a basis on an all-to-all register (no layout).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from qiskit.circuit import Delay, IfElseOp, Measure, Parameter, Reset, SwitchCaseOp
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.transpiler import InstructionProperties, QubitProperties, Target

from noise_core.calibration.checks import usable_value
from noise_core.calibration.properties import property_value
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.spec.gates import NON_UNITARY_GATES, ONE_QUBIT_GATES, TWO_QUBIT_GATES, is_measurement

FRACTIONAL_GATES = frozenset({"rx", "rzz"})
"""IBM Heron gates offered only with ``use_fractional_gates=True``."""

DEFAULT_BASIS_GATES = ("cx", "id", "rz", "sx", "x")
"""IBM's Eagle basis: the default when neither a device nor the spec names one."""

NON_GATE_INSTRUCTIONS = NON_UNITARY_GATES | {"barrier"}
"""Instructions that are never part of a basis: measure, reset, delay and barrier."""

PHASE_ONLY_GATES = frozenset({"id", "rz", "p", "u1", "z", "s", "sdg", "t", "tdg"})
"""One-qubit gates that change no populations: a qubit left with only these cannot be used."""

BROKEN = "reported broken (gate_error ≥ 1)"
UNCALIBRATED = "without a reported gate_error, avoided as asked (avoid_uncalibrated_couplers=True)"
UNUSABLE_QUBIT = "on a qubit whose every other gate is reported broken"


@dataclass(frozen=True)
class LeftOut:
    """A calibration entry the target does not offer the transpiler."""

    gate: str
    qubits: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class DeviceTarget:
    """A calibration's ``Target`` and the entries left out of it."""

    target: Target
    left_out: tuple[LeftOut, ...]
    unusable_qubits: tuple[int, ...] = ()
    """Qubits whose every gate that moves populations is reported broken: nothing at all is offered on them."""

    @property
    def basis_gates(self) -> list[str]:
        return sorted(name for name in self.target.operation_names if name not in NON_GATE_INSTRUCTIONS)


def build_target(
    calibration: BackendCalibration, *, fractional_gates: bool = False, avoid_uncalibrated_couplers: bool = False
) -> DeviceTarget:
    """The device as a transpiler ``Target``: gates with duration (s) and error, measure, reset, delay.

    Measurement carries the qubit's ``readout_error`` and ``readout_length`` (Heron's extra
    ``measure_2`` entries are not instructions Qiskit knows). Other gate names Qiskit does not
    know are left out, as are broken entries (``gate_error ≥ 1``) and, with
    ``avoid_uncalibrated_couplers``, two-qubit entries without a usable ``gate_error`` (missing, NaN
    or negative); without it they are offered with their gate's median reported error, for the
    layout passes to score (the noise comes from the spec). A qubit left with phase
    gates only (IBM's virtual ``rz``) is left out whole, with its couplers and measurement, so
    that no layout picks it.
    """
    standard = get_standard_gate_name_mapping()
    by_gate, left_out = _offered_gates(
        calibration, fractional_gates=fractional_gates, avoid_uncalibrated_couplers=avoid_uncalibrated_couplers
    )
    unusable = _unusable_qubits(left_out, by_gate)
    for gate, placements in by_gate.items():
        for qubits in [qubits for qubits in placements if set(qubits) & unusable]:
            del placements[qubits]
            left_out.append(LeftOut(gate, qubits, UNUSABLE_QUBIT))
    target = Target(
        description=calibration.backend_name,
        num_qubits=calibration.num_qubits,
        qubit_properties=[_qubit_properties(calibration, qubit) for qubit in range(calibration.num_qubits)],
    )
    for gate, placements in by_gate.items():
        if placements:
            target.add_instruction(standard[gate], placements)
    usable = [qubit for qubit in range(calibration.num_qubits) if qubit not in unusable]
    left_out += [LeftOut("measure", (qubit,), UNUSABLE_QUBIT) for qubit in sorted(unusable)]
    target.add_instruction(Measure(), _per_qubit(calibration, usable, "readout_error", "readout_length"))
    if "reset" in calibration.gate_names:
        target.add_instruction(Reset(), {(qubit,): None for qubit in usable})
    target.add_instruction(Delay(Parameter("t")), {(qubit,): None for qubit in usable})  # idle periods, as on IBM
    target.add_instruction(IfElseOp, name="if_else")  # dynamic circuits, as IBM's targets offer them
    target.add_instruction(SwitchCaseOp, name="switch_case")
    return DeviceTarget(target, tuple(left_out), tuple(sorted(unusable)))


def _offered_gates(
    calibration: BackendCalibration, *, fractional_gates: bool, avoid_uncalibrated_couplers: bool
) -> tuple[dict[str, dict[tuple[int, ...], InstructionProperties]], list[LeftOut]]:
    """Gate → placements with duration (s) and error, and the entries left out (unknown, broken, or uncalibrated
    couplers when avoided)."""
    standard = get_standard_gate_name_mapping()
    left_out: list[LeftOut] = []
    by_gate: dict[str, dict[tuple[int, ...], InstructionProperties]] = {}
    for gate, qubits, properties in calibration.gate_entries():
        if gate == "reset" or not_simulated(
            gate, fractional_gates=fractional_gates
        ):  # reset: an instruction of its own
            continue
        if gate not in standard:
            left_out.append(LeftOut(gate, qubits, "not a Qiskit standard gate"))
            continue
        error = usable_value(properties, "gate_error")
        if error is not None and error >= 1.0:
            left_out.append(LeftOut(gate, qubits, BROKEN))
            continue
        if error is None and len(qubits) == 2 and avoid_uncalibrated_couplers:
            left_out.append(LeftOut(gate, qubits, UNCALIBRATED))
            continue
        by_gate.setdefault(gate, {})[qubits] = InstructionProperties(
            duration=_duration(property_value(properties, "gate_length")), error=error
        )
    _score_uncalibrated_as_typical(by_gate)
    return by_gate, left_out


def _score_uncalibrated_as_typical(by_gate: dict[str, dict[tuple[int, ...], InstructionProperties]]) -> None:
    """Give each two-qubit entry without an error the median error of its gate's reported ones, for layout
    scoring only (the noise comes from the spec): Qiskit's VF2Layout and VF2PostLayout read a missing error as
    0, so they chose exactly these couplers (a free GHZ(3) on ibm_fez moved onto the two stripped of their cz
    errors). Scored as typical, they are used where the circuit needs them, and ``simulate`` warns then."""
    for placements in by_gate.values():
        reported = [
            p.error for qubits, p in placements.items() if len(qubits) == 2 and p is not None and p.error is not None
        ]
        if not reported:
            continue
        typical = float(np.median(reported))
        for qubits, properties in placements.items():
            if len(qubits) == 2 and properties is not None and properties.error is None:
                properties.error = typical


def not_simulated(gate: str, *, fractional_gates: bool = False) -> bool:
    """Whether a snapshot's entries of ``gate`` change no simulation: a measurement (its noise comes from each
    qubit's readout properties), or one of IBM's fractional gates left out of the Target unless asked for.
    By name only: safe where Qiskit objects must not be built (the app's script threads)."""
    return is_measurement(gate) or (gate in FRACTIONAL_GATES and not fractional_gates)


def _unusable_qubits(
    left_out: list[LeftOut], by_gate: dict[str, dict[tuple[int, ...], InstructionProperties]]
) -> set[int]:
    """Qubits with a broken one-qubit gate and nothing left on them but phase gates."""
    remaining: dict[int, set[str]] = {}
    for gate, placements in by_gate.items():
        for qubits in placements:
            if len(qubits) == 1:
                remaining.setdefault(qubits[0], set()).add(gate)
    broken = {entry.qubits[0] for entry in left_out if entry.reason == BROKEN and len(entry.qubits) == 1}
    return {qubit for qubit in broken if remaining.get(qubit, set()) <= PHASE_ONLY_GATES}


def summarize_left_out(left_out: Iterable[LeftOut], *, examples: int = 3) -> list[str]:
    """One line per reason: how many entries, and the first few of them."""
    by_reason: dict[str, list[LeftOut]] = {}
    for entry in left_out:
        by_reason.setdefault(entry.reason, []).append(entry)
    lines = []
    for reason, entries in by_reason.items():
        shown = ", ".join(f"{entry.gate} on {list(entry.qubits)}" for entry in entries[:examples])
        more = ", …" if len(entries) > examples else ""
        lines.append(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} {reason}: {shown}{more}")
    return lines


@dataclass(frozen=True)
class BrokenParts:
    """What a device's broken entries (``gate_error ≥ 1``) take away from the transpiler."""

    qubits: dict[int, str]
    """Qubit → why it cannot be used (or cannot be coupled to any other)."""
    couplers: tuple[tuple[int, int], ...]
    """Broken two-qubit placements between qubits otherwise usable, each pair once, smaller qubit first."""
    largest_connected: int
    """Most qubits a circuit can use together: the largest connected group of usable qubits."""


def broken_parts(device: DeviceTarget) -> BrokenParts:
    """Qubits and couplers the target cannot use because their gates were reported broken.

    An unusable qubit (``DeviceTarget.unusable_qubits``) cannot be used at all; one whose every
    coupler is broken can be used only on its own.
    """
    dead = set(device.unusable_qubits)
    links = _links(device.target)
    couplers = tuple(
        sorted(
            {
                (min(entry.qubits), max(entry.qubits))
                for entry in device.left_out
                if entry.reason == BROKEN and len(entry.qubits) == 2 and not set(entry.qubits) & dead
            }
        )
    )
    reasons = dict.fromkeys(dead, "every gate reported broken (gate_error = 1)")
    for qubit in {qubit for pair in couplers for qubit in pair}:
        if not links.get(qubit):
            reasons[qubit] = "every coupler reported broken (gate_error = 1)"
    usable = {qubit: links.get(qubit, set()) for qubit in range(device.target.num_qubits) if qubit not in dead}
    return BrokenParts(dict(sorted(reasons.items())), couplers, _largest_group(usable))


def pinned_to_unusable(device: DeviceTarget, layout: Iterable[int] | None) -> str | None:
    """What is wrong with a layout that pins virtual qubits to unusable ones, or None."""
    pinned = sorted(set(layout or ()) & set(device.unusable_qubits))
    if not pinned:
        return None
    return (
        f"the layout uses qubit{'s' * (len(pinned) > 1)} {', '.join(map(str, pinned))}, whose every gate is "
        "reported broken (gate_error = 1); choose other qubits or let the transpiler choose"
    )


def unplaceable_message(device: DeviceTarget, num_qubits: int) -> str | None:
    """Why a circuit on ``num_qubits`` qubits cannot fit the device's usable part, or None when it can."""
    parts = broken_parts(device)
    if not (parts.qubits or parts.couplers) or num_qubits <= parts.largest_connected:
        return None
    causes = [f"qubit {qubit}: {why}" for qubit, why in sorted(parts.qubits.items())]
    if parts.couplers:
        pairs = ", ".join(f"{a}–{b}" for a, b in parts.couplers[:12]) + (", …" * (len(parts.couplers) > 12))
        causes.append(f"coupler{'s' * (len(parts.couplers) > 1)} {pairs}: reported broken (gate_error = 1)")
    return (
        f"the circuit needs {num_qubits} connected qubits, but only {parts.largest_connected} of "
        f"{device.target.description}'s {device.target.num_qubits} qubits can be used together. "
        f"Cannot be used: {'; '.join(causes)}. Use a circuit on at most {parts.largest_connected} qubits"
    )


def _links(target: Target) -> dict[int, set[int]]:
    """Qubit → the qubits a two-qubit gate of the target couples it to."""
    links: dict[int, set[int]] = {}
    for name in target.operation_names:
        for qargs in target.qargs_for_operation_name(name) or ():
            if len(qargs) == 2:
                links.setdefault(qargs[0], set()).add(qargs[1])
                links.setdefault(qargs[1], set()).add(qargs[0])
    return links


def _largest_group(links: dict[int, set[int]]) -> int:
    """Size of the largest connected group in an undirected adjacency map (0 when empty)."""
    seen: set[int] = set()
    largest = 0
    for start in links:
        if start in seen:
            continue
        group, frontier = {start}, [start]
        while frontier:
            for neighbour in links[frontier.pop()] - group:
                group.add(neighbour)
                frontier.append(neighbour)
        seen |= group
        largest = max(largest, len(group))
    return largest


def register_basis_gates(spec_basis_gates: Iterable[str] | None, spec_gates: Iterable[str]) -> list[str]:
    """Basis for a circuit without a device: the spec's ``basis_gates``, else a default.

    The default is IBM's Eagle basis plus every standard unitary gate the spec has a channel
    for, so that a channel written for ``h`` or ``cz`` is not transpiled away.
    """
    if spec_basis_gates:
        return sorted(set(spec_basis_gates) - NON_GATE_INSTRUCTIONS)
    known = ONE_QUBIT_GATES | TWO_QUBIT_GATES
    noisy = {gate for gate in spec_gates if gate in known and gate not in NON_GATE_INSTRUCTIONS}
    return sorted(set(DEFAULT_BASIS_GATES) | noisy)


def _qubit_properties(calibration: BackendCalibration, qubit: int) -> QubitProperties:
    return QubitProperties(
        t1=calibration.qubit_value(qubit, "T1"),
        t2=calibration.qubit_value(qubit, "T2"),
        frequency=calibration.qubit_value(qubit, "frequency"),
    )


def _per_qubit(
    calibration: BackendCalibration, qubits: Iterable[int], error_name: str, duration_name: str
) -> dict[tuple[int, ...], InstructionProperties]:
    return {
        (qubit,): InstructionProperties(
            duration=_duration(calibration.qubit_value(qubit, duration_name)),
            error=calibration.qubit_value(qubit, error_name),
        )
        for qubit in qubits
    }


def _duration(seconds: float | None) -> float:
    """A reported duration (s); a missing one counts as 0, like IBM's virtual ``rz``, so every circuit can be
    scheduled (``idle.schedule_alap``). The derivation reports the missing value as a finding."""
    return 0.0 if seconds is None else seconds
