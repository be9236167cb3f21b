"""Where a circuit runs: a Qiskit ``Target`` built from a calibration snapshot, or a register.

On a device, the target lists each calibrated gate on the qubits it was calibrated on, with its
reported duration and error, so the transpiler's layout passes (VF2Layout, VF2PostLayout) can
prefer good qubits and couplers. Entries reported with ``gate_error ≥ 1`` (IBM's mark for a
broken qubit or coupler) are left out, so no route uses them. IBM's fractional gates (``rx``,
``rzz`` on Heron) are left out unless asked for, as IBM itself does by default
(``use_fractional_gates=False``): they accept only restricted angles on hardware.

Without a device, circuits are transpiled to a basis on an all-to-all register (no layout).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qiskit.circuit import Measure, Reset
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.transpiler import InstructionProperties, QubitProperties, Target

from noise_core.calibration.snapshot import BackendCalibration, property_value
from noise_core.spec.gates import NON_UNITARY_GATES, ONE_QUBIT_GATES, TWO_QUBIT_GATES, is_measurement

FRACTIONAL_GATES = frozenset({"rx", "rzz"})
"""IBM Heron gates offered only with ``use_fractional_gates=True``."""

DEFAULT_BASIS_GATES = ("cx", "id", "rz", "sx", "x")
"""IBM's Eagle basis: the default when neither a device nor the spec names one."""

NON_GATE_INSTRUCTIONS = NON_UNITARY_GATES | {"barrier"}
"""Instructions that are never part of a basis: measure, reset, delay and barrier."""


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

    @property
    def basis_gates(self) -> list[str]:
        return sorted(name for name in self.target.operation_names if name not in NON_GATE_INSTRUCTIONS)


def build_target(calibration: BackendCalibration, *, fractional_gates: bool = False) -> DeviceTarget:
    """The device as a transpiler ``Target``: gates with duration (s) and error, measure, reset.

    Measurement carries the qubit's ``readout_error`` and ``readout_length`` (Heron's extra
    ``measure_2`` entries are not instructions Qiskit knows). Other gate names Qiskit does not
    know are left out, as are broken entries (``gate_error ≥ 1``).
    """
    standard = get_standard_gate_name_mapping()
    left_out: list[LeftOut] = []
    by_gate: dict[str, dict[tuple[int, ...], InstructionProperties]] = {}
    for gate, qubits, properties in calibration.gate_entries():
        if is_measurement(gate) or gate == "reset" or (gate in FRACTIONAL_GATES and not fractional_gates):
            continue
        if gate not in standard:
            left_out.append(LeftOut(gate, qubits, "not a Qiskit standard gate"))
            continue
        error = property_value(properties, "gate_error")
        if error is not None and error >= 1.0:
            left_out.append(LeftOut(gate, qubits, "reported broken (gate_error ≥ 1)"))
            continue
        by_gate.setdefault(gate, {})[qubits] = InstructionProperties(
            duration=property_value(properties, "gate_length"), error=error
        )
    target = Target(
        description=calibration.backend_name,
        num_qubits=calibration.num_qubits,
        qubit_properties=[_qubit_properties(calibration, qubit) for qubit in range(calibration.num_qubits)],
    )
    for gate, placements in by_gate.items():
        target.add_instruction(standard[gate], placements)
    target.add_instruction(Measure(), _per_qubit(calibration, "readout_error", "readout_length"))
    if "reset" in calibration.gate_names:
        target.add_instruction(Reset(), {(q,): None for q in range(calibration.num_qubits)})
    return DeviceTarget(target, tuple(left_out))


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
    calibration: BackendCalibration, error_name: str, duration_name: str
) -> dict[tuple[int, ...], InstructionProperties]:
    return {
        (qubit,): InstructionProperties(
            duration=calibration.qubit_value(qubit, duration_name), error=calibration.qubit_value(qubit, error_name)
        )
        for qubit in range(calibration.num_qubits)
    }
