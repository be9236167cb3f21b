"""A Clifford circuit under the model's noise with every channel a Pauli channel: sampled by Stim at any width.

``pauli_circuit`` walks the compact circuit (with its ZZ crosstalk on the schedule: ``crosstalk.timed_circuit``)
and puts after each instruction the channel Aer would apply there (``ChannelIndex.placement``), a wait's idle
channel after each delay (``idle.IdleEntries``), a ZZ phase gate's own unitary as an error, and the ``measure``
channel before each measurement. A channel that is not a Pauli channel (thermal relaxation, coherent errors,
idle relaxation and detuning, ZZ phases) is Pauli-twirled (``twirl``), and the circuit counts what it twirled:
that is the approximation, and the only one. Readout stays outside, applied per shot as elsewhere
(``readout_sampling.sample_readout``), so correlated and asymmetric readout are kept exactly.

``to_stim`` writes it for Stim (Gidney, Quantum 5, 497 (2021)): its frame simulator samples thousands of shots
of a 100-qubit circuit in milliseconds. ``to_qiskit`` writes the same channels as Aer instructions, so Aer's
density matrix gives the twirled model's exact distribution on small circuits (the reference the tests and
``bench/bench_wide.py`` measure Stim and the twirl against).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import stim
from qiskit import QuantumCircuit
from qiskit.circuit import Instruction
from qiskit.circuit.library import ECRGate
from qiskit.quantum_info import Operator
from qiskit_aer.noise import pauli_error

from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.errors import SimulationError
from noise_core.simulation.crosstalk import timed_circuit
from noise_core.simulation.idle import IdleEntries, delay_nanoseconds
from noise_core.simulation.placement import PlacedCircuit
from noise_core.simulation.twirl import (
    diagonal_twirl_error_bound,
    pauli_twirl,
    twirl_error_bound,
    twirled_diagonal_unitary,
)
from noise_core.spec.models import NoiseSpec

PauliTerms = tuple[tuple[str, float], ...]
"""Pauli label (Qiskit order: the last letter on the first of the positions) → probability."""


@dataclass(frozen=True)
class Gate:
    """A Clifford instruction of the compact circuit on ``positions``."""

    operation: Instruction
    positions: tuple[int, ...]


@dataclass(frozen=True)
class Noise:
    """A Pauli channel on ``positions``."""

    paulis: PauliTerms
    positions: tuple[int, ...]


@dataclass(frozen=True)
class Measure:
    """A measurement of compact qubit ``position`` into ``clbit``."""

    position: int
    clbit: int


Step = Gate | Noise | Measure


@dataclass(frozen=True)
class PauliCircuit:
    """The compact circuit as Clifford gates, Pauli channels and measurements, and what was twirled to get it."""

    num_qubits: int
    num_clbits: int
    steps: tuple[Step, ...]
    twirled: dict[str, int]
    """How many channels of each kind were Pauli-twirled ('thermal relaxation on gates', 'coherent errors',
    'idle relaxation', 'detuning', 'ZZ crosstalk'); empty when the model was Pauli already (the result exact)."""
    distance_bound: float = 0.0
    """Σ of each twirled channel's ``twirl.twirl_error_bound``: the most the twirl can move the distribution in
    total variation (above 1 it says nothing)."""

    def statement(self) -> str:
        """Which channels were replaced by Pauli channels, and the most that can move the distribution."""
        if not self.twirled:
            return "nothing twirled: every channel was a Pauli channel already, so the result is exact but for sampling"
        listed = ", ".join(f"{kind} ×{count}" for kind, count in sorted(self.twirled.items()))
        bound = self.distance_bound
        limit = (
            f"The twirl moves the distribution by at most {bound:.2g} in total variation (the channels' diamond-norm "
            "bounds added)"
            if bound < 1
            else f"The channels' diamond-norm bounds add up to {bound:.2g}, over 1, so here they bound nothing"
        )
        return (
            f"Pauli-twirled ({listed}): each replaced by the Pauli channel with the same Pauli-transfer diagonal, "
            f"which keeps its average gate fidelity; readout kept exact. {limit}"
        )

    def without_noise(self) -> PauliCircuit:
        """The same circuit, ideal."""
        steps = tuple(step for step in self.steps if not isinstance(step, Noise))
        return PauliCircuit(self.num_qubits, self.num_clbits, steps, {})


def pauli_circuit(placed: PlacedCircuit, spec: NoiseSpec) -> PauliCircuit:
    """``placed`` under ``spec`` with every channel Pauli (twirled where it was not): see the module docstring.

    Stim (``to_stim``) needs a Clifford circuit measured at the end (``methods.twirl_problem`` says why not);
    ``to_qiskit`` takes any.
    """
    channels, idle = ChannelIndex.of(spec), IdleEntries.of(spec)
    circuit = timed_circuit(placed, spec)
    steps: list[Step] = []
    twirled: Counter[str] = Counter()
    bounds: list[float] = []

    def add_noise(channel: GateChannel | None, positions: tuple[int, ...], kind: str) -> None:
        if channel is None or channel.is_identity:
            return
        if not channel.is_pauli:
            twirled[kind] += 1
            bounds.append(twirl_error_bound(channel))
        steps.append(Noise(pauli_twirl(channel).paulis, positions))

    for item in circuit.data:
        name = item.operation.name
        positions = tuple(circuit.find_bit(qubit).index for qubit in item.qubits)
        physical = tuple(placed.active_qubits[position] for position in positions)
        if name == "barrier":
            continue
        if name == "diagonal":  # ZZ crosstalk (crosstalk.ZZPhaseGate): all of it is error
            twirled["ZZ crosstalk"] += 1
            bounds.append(diagonal_twirl_error_bound(tuple(item.operation.params)))
            steps.append(Noise(twirled_diagonal_unitary(tuple(item.operation.params)), positions))
        elif name == "delay":  # a channel the spec gives delay itself, then the wait's idle noise
            add_noise(channels.placement(name, physical).channel, positions, _kind(channels, name, physical))
            wait = idle.channel(physical[0], delay_nanoseconds(item.operation))
            add_noise(
                wait, positions, "detuning" if wait is not None and wait.coherent is not None else "idle relaxation"
            )
        elif name == "measure":
            add_noise(channels.placement("measure", physical).channel, positions, _kind(channels, "measure", physical))
            steps.append(Measure(positions[0], circuit.find_bit(item.clbits[0]).index))
        else:
            steps.append(Gate(item.operation, positions))
            add_noise(channels.placement(name, physical).channel, positions, _kind(channels, name, physical))
    return PauliCircuit(circuit.num_qubits, circuit.num_clbits, tuple(steps), dict(twirled), math.fsum(bounds))


def _kind(channels: ChannelIndex, name: str, physical: tuple[int, ...]) -> str:
    channel = channels.placement(name, physical).channel
    return "coherent errors" if channel is not None and channel.coherent is not None else "thermal relaxation on gates"


# --- Stim -----------------------------------------------------------------------------------------------------

_STIM_GATES = {
    "h": "H",
    "x": "X",
    "y": "Y",
    "z": "Z",
    "s": "S",
    "sdg": "S_DAG",
    "sx": "SQRT_X",
    "sxdg": "SQRT_X_DAG",
    "cx": "CX",
    "cy": "CY",
    "cz": "CZ",
    "swap": "SWAP",
    "reset": "R",
}
_ROTATION_TURNS: dict[str, tuple[tuple[str, ...], ...]] = {
    "rz": ((), ("S",), ("Z",), ("S_DAG",)),
    "rxx": ((), ("SQRT_XX",), ("SQRT_XX", "SQRT_XX"), ("SQRT_XX_DAG",)),
    "rzz": ((), ("SQRT_ZZ",), ("SQRT_ZZ", "SQRT_ZZ"), ("SQRT_ZZ_DAG",)),
}
"""rz, rxx and rzz at k·π/2, up to a global phase, by k mod 4 (Stim's SQRT_XX is exp(−iπ/4·XX) up to a phase)."""


def to_stim(
    circuit: PauliCircuit, *, qubits: Sequence[int] | None = None, measure_flips: Sequence[float] | None = None
) -> stim.Circuit:
    """The circuit for Stim: its gates, ``PAULI_CHANNEL_1``/``PAULI_CHANNEL_2`` (a correlated-error chain for a
    channel on more qubits) and ``M``; measurement record k is the k-th ``Measure`` step.

    ``qubits``: the Stim qubit of each compact position (the device's own numbers, for an export); the compact
    positions themselves when None. ``measure_flips``: per compact position, a symmetric readout flip written as
    ``M(p)``; readout left out when None (the sampler applies it per shot).
    """
    where = list(range(circuit.num_qubits)) if qubits is None else list(qubits)
    out = stim.Circuit()
    for step in circuit.steps:
        if isinstance(step, Gate):
            for gate, targets in _stim_gate(step.operation.name, tuple(float(p) for p in step.operation.params)):
                out.append(gate, [where[step.positions[target]] for target in targets])
        elif isinstance(step, Noise):
            _append_pauli_channel(out, step, where)
        else:
            flip = 0.0 if measure_flips is None else measure_flips[step.position]
            out.append("M", [where[step.position]], [flip] if flip > 0 else [])
    return out


@lru_cache(maxsize=256)
def _stim_gate(name: str, params: tuple[float, ...]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Stim gates (name, targets among the instruction's qubits) for one Clifford instruction."""
    if name in _STIM_GATES:
        targets = (0, 1) if name in {"cx", "cy", "cz", "swap"} else (0,)
        return ((_STIM_GATES[name], targets),)
    if name == "id":
        return ()
    if name in _ROTATION_TURNS:
        turns = params[0] / (math.pi / 2)
        if abs(turns - round(turns)) > 1e-9:
            raise SimulationError(f"{name}({params[0]:.4g}) is not a multiple of π/2, so not a Clifford gate")
        quarter = round(turns) % 4
        targets = (0,) if name == "rz" else (0, 1)
        return tuple((gate, targets) for gate in _ROTATION_TURNS[name][quarter])
    if name == "ecr":
        decomposed = stim.Tableau.from_unitary_matrix(Operator(ECRGate()).data, endian="little").to_circuit()
        return tuple((item.name, tuple(target.value for target in item.targets_copy())) for item in decomposed)
    raise SimulationError(f"{name!r} is not a Clifford gate the stabilizer method supports")


def _append_pauli_channel(out: stim.Circuit, noise: Noise, where: Sequence[int]) -> None:
    terms = [(label, p) for label, p in noise.paulis if set(label) != {"I"} and p > 0]
    if not terms:
        return
    if len(noise.positions) <= 2:
        order = _stim_order(len(noise.positions))
        probabilities = dict(terms)
        name = f"PAULI_CHANNEL_{len(noise.positions)}"
        out.append(name, [where[p] for p in noise.positions], [probabilities.get(label, 0.0) for label in order])
        return
    remaining = 1.0
    for index, (label, probability) in enumerate(terms):
        targets = [
            stim.target_pauli(where[noise.positions[q]], letter)
            for q, letter in enumerate(reversed(label))
            if letter != "I"
        ]
        out.append(
            "CORRELATED_ERROR" if index == 0 else "ELSE_CORRELATED_ERROR", targets, min(1.0, probability / remaining)
        )
        remaining -= probability


@lru_cache(maxsize=2)
def _stim_order(num_qubits: int) -> tuple[str, ...]:
    """The Qiskit labels of Stim's ``PAULI_CHANNEL_n`` arguments in its order (IX, IY, IZ, XI, …, ZZ: the first
    letter on the first target, which is a Qiskit label's last letter)."""
    letters = "IXYZ"
    if num_qubits == 1:
        return ("X", "Y", "Z")
    return tuple(second + first for first in letters for second in letters if first + second != "II")


def sample_bits(circuit: PauliCircuit, shots: int, seed: int) -> np.ndarray:
    """``shots`` × ``num_clbits`` array of each shot's classical bits before readout (column j: clbit j; a clbit
    measured twice holds its last measurement), from Stim's frame simulator seeded with ``seed``.

    Stim's samples for one seed repeat on one Stim version and machine type (its SIMD width), per its docs.
    """
    records = to_stim(circuit).compile_sampler(seed=seed).sample(shots)
    bits = np.zeros((shots, circuit.num_clbits), dtype=np.uint8)
    measures = [step for step in circuit.steps if isinstance(step, Measure)]
    for record, step in enumerate(measures):
        bits[:, step.clbit] = records[:, record]
    return bits


# --- Aer ------------------------------------------------------------------------------------------------------


def to_qiskit(circuit: PauliCircuit) -> QuantumCircuit:
    """The same circuit for Aer: each Pauli channel a ``pauli_error`` instruction (run it without a noise model)."""
    out = QuantumCircuit(circuit.num_qubits, circuit.num_clbits)
    for step in circuit.steps:
        if isinstance(step, Gate):
            out.append(step.operation, list(step.positions))
        elif isinstance(step, Noise):
            out.append(pauli_error(list(step.paulis)).to_instruction(), list(step.positions))
        else:
            out.measure(step.position, step.clbit)
    return out
