"""Putting a circuit on a device: transpile to the calibration's ``Target``, then shrink to its qubits.

A transpiled circuit is as wide as the device (156 qubits) even when it touches 12. The
simulator only needs those 12: ``PlacedCircuit.compact`` renumbers the active physical qubits
0…k−1 (in increasing physical order) and ``noise_core.aer.build_noise_model(..., qubits=active, compact=True)``
builds the matching model, so the cost follows the circuit, not the device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qiskit import QuantumCircuit, QuantumRegister, transpile
from qiskit.circuit import CircuitInstruction, ControlFlowOp
from qiskit.transpiler.exceptions import TranspilerError

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import SimulationError
from noise_core.simulation.circuit_facts import SwapCounter
from noise_core.simulation.idle import Timing, schedule_alap, scheduled_times
from noise_core.simulation.target import (
    LeftOut,
    build_target,
    pinned_to_unusable,
    register_basis_gates,
    unplaceable_message,
)
from noise_core.spec.models import GATE_CHANNEL_FIELDS, NoiseSpec

IDLE = frozenset({"barrier", "delay"})
"""Instructions that do not make a qubit active: a qubit that only waits is left out of the simulation."""


@dataclass(frozen=True)
class PlacedCircuit:
    """A transpiled circuit and where it sits on the device."""

    transpiled: QuantumCircuit
    """Full-width physical circuit, as Qiskit's ``transpile`` returned it."""
    compact: QuantumCircuit
    """The same instructions on ``len(active_qubits)`` qubits; barriers, and delays on other qubits, dropped."""
    active_qubits: tuple[int, ...]
    """Physical qubits with at least one instruction other than a barrier or delay; compact qubit i is
    ``active_qubits[i]``."""
    measurements: tuple[tuple[int, int], ...]
    """(clbit, physical qubit) of every measurement, in circuit order."""
    terminal: bool
    """True when each clbit is written once and no instruction follows a measurement on its qubit."""
    initial_layout: tuple[int, ...]
    """Physical qubit of each virtual qubit of the input circuit, before routing."""
    final_layout: tuple[int, ...]
    """Physical qubit holding each virtual qubit's state at the end, after routing swaps."""
    left_out: tuple[LeftOut, ...] = ()
    """Calibration entries the target left out (broken couplers, unknown gates, uncalibrated couplers avoided)."""
    routing_swaps: int = 0
    """SWAPs the transpiler's router inserted (``circuit_facts.SwapCounter``)."""
    timing: Timing | None = None
    """(start, duration) in ns of each ``compact`` instruction on the ALAP schedule; None when not scheduled."""

    def placements(self) -> frozenset[tuple[str, tuple[int, ...]]] | None:
        """Each (instruction, physical qubits) the compact circuit applies; None for a dynamic circuit (its
        branches' instructions sit inside control-flow blocks)."""
        if has_control_flow(self.compact):
            return None
        position = {bit: index for index, bit in enumerate(self.compact.qubits)}
        return frozenset(
            (item.operation.name, tuple(self.active_qubits[position[q]] for q in item.qubits))
            for item in self.compact.data
        )


def place_circuit(
    circuit: QuantumCircuit,
    spec: NoiseSpec,
    calibration: BackendCalibration | None,
    *,
    optimization_level: int,
    seed: int,
    initial_layout: list[int] | None = None,
    schedule: bool = False,
    avoid_uncalibrated_couplers: bool = False,
) -> PlacedCircuit:
    """Transpile ``circuit`` to the device (or the spec's basis on a register) and compact it.

    ``schedule``: on a device, schedule it ALAP with the Target's durations, idle periods as
    delays (``idle.schedule_alap``), for idle noise. ``avoid_uncalibrated_couplers``: offer the
    transpiler no coupler without a reported error (``target.build_target``).
    """
    _refuse_control_flow(circuit)
    swaps = SwapCounter(circuit)
    if calibration is None:
        basis = register_basis_gates(spec.basis_gates, _spec_gate_names(spec))
        transpiled = _transpile(
            circuit,
            "the basis " + ", ".join(basis),
            {"basis_gates": basis, "callback": swaps, **_options(optimization_level, seed)},
        )
        return _compacted(transpiled, _layouts(transpiled, circuit.num_qubits), (), swaps.inserted)
    if circuit.num_qubits > calibration.num_qubits:
        raise SimulationError(
            f"the circuit needs {circuit.num_qubits} qubits but {calibration.backend_name} has "
            f"{calibration.num_qubits}; choose a larger device or a smaller circuit"
        )
    device = build_target(calibration, avoid_uncalibrated_couplers=avoid_uncalibrated_couplers)
    if pinned := pinned_to_unusable(device, initial_layout):
        raise SimulationError(f"could not map the circuit onto {calibration.backend_name}: {pinned}")
    transpiled = _transpile(
        circuit,
        calibration.backend_name,
        {
            "target": device.target,
            "initial_layout": initial_layout,
            "callback": swaps,
            **_options(optimization_level, seed),
        },
        explain=lambda: unplaceable_message(device, circuit.num_qubits),
    )
    layouts = _layouts(transpiled, circuit.num_qubits)  # read first: the scheduling pass manager drops them
    if schedule and not has_control_flow(transpiled):  # Qiskit's scheduling passes do not take branches
        transpiled = schedule_alap(transpiled, device.target)
        return _compacted(
            transpiled, layouts, device.left_out, swaps.inserted, scheduled_times(transpiled, device.target)
        )
    return _compacted(transpiled, layouts, device.left_out, swaps.inserted)


def _options(optimization_level: int, seed: int) -> dict[str, int]:
    """Qiskit's transpile keywords (the level is checked by ``RunOptions``)."""
    return {"optimization_level": optimization_level, "seed_transpiler": seed}


def _transpile(
    circuit: QuantumCircuit,
    where: str,
    options: dict[str, Any],
    *,
    explain: Callable[[], str | None] = lambda: None,
) -> QuantumCircuit:
    """Qiskit's ``transpile``; a failure is told in the user's terms.

    ``explain`` gives the cause when it is known (e.g. the device's broken qubits leave too few
    usable ones); otherwise Qiskit's own message is kept, without its documentation link.
    """
    try:
        return transpile(circuit, **options)
    except TranspilerError as error:
        cause = explain() or str(error.message).split(" For more details on this error see:")[0].strip()
        raise SimulationError(f"could not map the circuit onto {where}: {cause}") from None


SUPPORTED_CONTROL_FLOW = frozenset({"if_else", "switch_case"})
"""Classical control flow simulated (on sampled trajectories); loops are refused."""


def _refuse_control_flow(circuit: QuantumCircuit) -> None:
    """Loops (``while``, ``for``) are refused; ``if_else`` and ``switch`` on measured bits are simulated."""
    for instruction in circuit.data:
        operation = instruction.operation
        if isinstance(operation, ControlFlowOp) and operation.name not in SUPPORTED_CONTROL_FLOW:
            raise SimulationError(
                f"classical control flow ({operation.name}) is not supported: loops are not simulated; unroll the "
                "loop, or use if/else and switch on measured bits"
            )


def has_control_flow(circuit: QuantumCircuit) -> bool:
    """True when the circuit branches on measured bits (a dynamic circuit)."""
    return any(isinstance(item.operation, ControlFlowOp) for item in circuit.data)


def _spec_gate_names(spec: NoiseSpec) -> set[str]:
    return {entry.gate for field in GATE_CHANNEL_FIELDS for entry in getattr(spec, field)}


def _compacted(
    transpiled: QuantumCircuit,
    layouts: tuple[tuple[int, ...], tuple[int, ...]],
    left_out: tuple[LeftOut, ...],
    routing_swaps: int,
    times: Timing | None = None,
) -> PlacedCircuit:
    """``transpiled`` on its active qubits; ``times``: the schedule of ``transpiled``, kept for what stays."""
    qubit_index = {bit: index for index, bit in enumerate(transpiled.qubits)}
    clbit_index = {bit: index for index, bit in enumerate(transpiled.clbits)}
    active = sorted(
        {qubit_index[q] for item in transpiled.data if item.operation.name not in IDLE for q in item.qubits}
    )
    compact = _with_classical_bits_of(transpiled, len(active))
    position = {physical: index for index, physical in enumerate(active)}
    measurements: list[tuple[int, int]] = []
    last_use = _last_use(transpiled, qubit_index)
    kept_times = []
    for index, item in enumerate(transpiled.data):
        if item.operation.name == "barrier":
            continue
        if item.operation.name == "delay" and index > last_use.get(qubit_index[item.qubits[0]], -1):
            continue  # waiting after a qubit's last instruction (or on an unused qubit) changes nothing measured
        qubits = tuple(compact.qubits[position[qubit_index[q]]] for q in item.qubits)
        compact._append(CircuitInstruction(item.operation, qubits, item.clbits))
        if times is not None:
            kept_times.append(times[index])
        if item.operation.name == "measure":
            measurements.append((clbit_index[item.clbits[0]], qubit_index[item.qubits[0]]))
    initial, final = layouts
    return PlacedCircuit(
        transpiled=transpiled,
        compact=compact,
        active_qubits=tuple(active),
        measurements=tuple(measurements),
        terminal=_measurements_are_terminal(compact),
        initial_layout=initial,
        final_layout=final,
        left_out=left_out,
        routing_swaps=routing_swaps,
        timing=None if times is None else tuple(kept_times),
    )


def _with_classical_bits_of(transpiled: QuantumCircuit, width: int) -> QuantumCircuit:
    """An empty circuit on ``width`` qubits sharing ``transpiled``'s classical bits and registers, so the
    conditions of its ``if_else`` and ``switch`` blocks still name bits of the circuit."""
    compact = QuantumCircuit(QuantumRegister(width, "q"), *transpiled.cregs, name=transpiled.name)
    loose = [bit for bit in transpiled.clbits if bit not in set(compact.clbits)]
    if loose:
        compact.add_bits(loose)
    return compact


def _last_use(transpiled: QuantumCircuit, qubit_index: dict[object, int]) -> dict[int, int]:
    """Each qubit's last instruction other than a barrier or delay, by position in ``transpiled.data``."""
    last: dict[int, int] = {}
    for index, item in enumerate(transpiled.data):
        if item.operation.name not in IDLE:
            for qubit in item.qubits:
                last[qubit_index[qubit]] = index
    return last


def _layouts(transpiled: QuantumCircuit, num_virtual: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The physical qubit of each virtual qubit before and after routing (the identity on a bare register)."""
    if transpiled.layout is None:
        identity = tuple(range(num_virtual))
        return identity, identity
    initial = transpiled.layout.initial_index_layout(filter_ancillas=True)
    final = transpiled.layout.final_index_layout(filter_ancillas=True)
    return tuple(initial), tuple(final)


def _measurements_are_terminal(circuit: QuantumCircuit) -> bool:
    """No instruction after a measurement touches its qubit or clbit; each clbit measured once."""
    measured_qubits: set[object] = set()
    written_clbits: set[object] = set()
    for item in circuit.data:
        if item.operation.name == "measure":
            if item.clbits[0] in written_clbits or item.qubits[0] in measured_qubits:
                return False
            measured_qubits.add(item.qubits[0])
            written_clbits.add(item.clbits[0])
        elif measured_qubits.intersection(item.qubits) or written_clbits.intersection(item.clbits):
            return False
    return True
