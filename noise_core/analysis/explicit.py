"""A placed circuit with its noise written into it: every channel a superoperator after its gate.

Aer applies one noise model to a whole batch of circuits, so variants of the noise (what-if
factors, one location's noise removed) cannot share a run as noise models. Written into the
circuits they can: the variants of a budget or a sweep go to Aer as one batch of noise-free
runs. The channels are the ones ``noise_core.aer.build_noise_model`` gives the same spec
(``ChannelIndex.placement``: precedence and composition included), each as its exact
superoperator (``GateChannel.superoperator``); a channel on ``measure`` acts just before the
measurement, as in Aer; a delay gets its qubit's idle relaxation (``simulation.idle``); a coupler's ZZ
crosstalk is its ZZPhase gates (``simulation.crosstalk``). Readout stays outside
(``readout_sampling.apply_assignment``).
"""

from __future__ import annotations

from functools import lru_cache

from qiskit import QuantumCircuit
from qiskit.circuit import Instruction
from qiskit.quantum_info import SuperOp

from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.simulation.crosstalk import ZZPhaseGate, timed_circuit
from noise_core.simulation.idle import IdleEntries, delay_nanoseconds
from noise_core.simulation.placement import PlacedCircuit
from noise_core.simulation.run import MeasuredBits
from noise_core.spec.models import NoiseSpec

Location = tuple[int, ...]
"""Where noise acts: the sorted physical qubits of a gate, (q,) a qubit, (a, b) a coupler."""


def location_of(physical_qubits: tuple[int, ...]) -> Location:
    """The location of an instruction on these physical qubits (order does not matter: cz 3,4 = cz 4,3)."""
    return tuple(sorted(physical_qubits))


def explicit_noise_circuit(
    placed: PlacedCircuit, spec: NoiseSpec, *, without: Location | None = None
) -> QuantumCircuit:
    """``placed.compact`` with each channel of ``spec`` after its gate, saving the measured qubits' probabilities.

    Measurements must be terminal (``placed.terminal``): they are replaced by Aer's
    ``save_probabilities`` over the measured qubits, bit i the i-th measured clbit (``MeasuredBits``). ``without``: a
    location whose channels are left out (its readout is the caller's, who applies readout).
    """
    channels = ChannelIndex.of(spec)
    idle = IdleEntries.of(spec)
    pair = without if without is not None and len(without) == 2 else None
    timed = timed_circuit(placed, spec, without=(pair[0], pair[1]) if pair else None)
    circuit = timed.copy_empty_like()
    for item in timed.data:
        if item.operation.name == "measure":
            continue
        circuit._append(item)
        positions = tuple(timed.find_bit(qubit).index for qubit in item.qubits)
        physical = tuple(placed.active_qubits[position] for position in positions)
        if isinstance(item.operation, ZZPhaseGate) or (without is not None and location_of(physical) == without):
            continue
        if item.operation.name == "delay":
            channel = idle.channel(physical[0], delay_nanoseconds(item.operation))
        else:
            channel = channels.placement(item.operation.name, physical).channel
        _append_superoperator(circuit, channel, positions)
    measured = MeasuredBits(placed).measured
    for _clbit, position, qubit in measured:
        if without != (qubit,):
            _append_superoperator(circuit, channels.placement("measure", (qubit,)).channel, (position,))
    circuit.save_probabilities([position for _clbit, position, _physical in measured])
    return circuit


def _append_superoperator(circuit: QuantumCircuit, channel: GateChannel | None, positions: tuple[int, ...]) -> None:
    instruction = None if channel is None else superoperator_instruction(channel)
    if instruction is not None:
        circuit.append(instruction, list(positions))


@lru_cache(maxsize=4096)
def superoperator_instruction(channel: GateChannel) -> Instruction | None:
    """The channel as an Aer-readable superoperator instruction; None for the identity. Cached by channel."""
    if channel.is_identity:
        return None
    return SuperOp(channel.superoperator()).to_instruction()
