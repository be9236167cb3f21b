"""One placed circuit compiled once, evaluated exactly under many noise specs at a time: what fits evaluate.

``explicit_noise_circuit`` writes a spec's channels into the circuit for Aer, about 8 ms per spec for a
three-qubit Trotter circuit (4 ms to write, 4 ms to run). A fit of per-location parameters evaluates
hundreds of specs that differ in a few numbers, and a finite-difference gradient k + 1 of them at once. Here
the circuit is compiled once into steps, each on a few compact qubits:

- an instruction of the (time-ordered) compact circuit: its gate's superoperator, then its channel *slot*:
  the (gate, physical qubits) placement, or a delay's (qubit, nanoseconds), or the channel just before a
  measurement, looked up in each spec as ``explicit_noise_circuit`` does (``ChannelIndex.placement``,
  ``IdleEntries.channel``);
- after an instruction, a pair's ZZ phase over the time ``zz_phases`` assigns it (slot: pair, nanoseconds),
  ZZPhase(2π·ξ·t) with ξ the spec's value for the pair (0: the identity). The schedule's phases of every
  pair in ``zz_pairs`` are compiled, so specs may differ in ξ; merging a time slot's pairs into one
  diagonal, as ``timed_circuit`` does, changes nothing (they commute).

At a batch of specs each distinct slot's superoperator is built once per spec (cached by channel) and the
steps act on the batch of vectorised density matrices (``numpy.einsum``); a step equal in every spec acts
on all of them at once. Readout stays outside, as in ``experiment.before_readout``, which this equals to
rounding (``tests/noise_core/analysis/test_compiled.py`` checks it against Aer).
"""

from __future__ import annotations

import math
import string
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from qiskit.circuit import Instruction
from qiskit.quantum_info import Operator

from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.errors import FitError
from noise_core.simulation.crosstalk import ZZPhase, zz_phases
from noise_core.simulation.idle import KHZ_NS, IdleEntries, delay_nanoseconds
from noise_core.simulation.placement import PlacedCircuit
from noise_core.simulation.run import MeasuredBits
from noise_core.spec.crosstalk import ZZCrosstalkNoise
from noise_core.spec.models import NoiseSpec

MAX_COMPILED_QUBITS = 6
"""Widest register compiled (a 4096-entry density matrix per spec)."""
FULL_REGISTER_QUBITS = 4
"""Up to this width each step is one 4ⁿ × 4ⁿ matrix on the whole register (256 × 256: 1 MiB), a plain matrix
product; wider registers apply each step on its own qubits (``numpy.einsum``)."""

Slot = tuple[str, tuple[int, ...], float | str]
"""Where a spec's noise enters: ('gate', physical qubits, name), ('delay', (qubit,), ns), ('zz', pair, ns)."""


@dataclass(frozen=True)
class Step:
    """One step on compact ``positions``: the gate's superoperator (None for a delay or a ZZ phase), then the
    slot's channel."""

    positions: tuple[int, ...]
    gate: np.ndarray | None
    slot: Slot | None
    width: int
    whole: bool = False
    """True for a run of fused steps (``CompiledCircuit.fused``): ``gate`` is already the whole register's."""

    def matrix(self, channels: SpecChannels) -> np.ndarray | None:
        """The step's superoperator under one spec, channel · gate, on the whole register (4ⁿ × 4ⁿ, acting on
        ``ρ.reshape(-1)``) when it has at most ``FULL_REGISTER_QUBITS`` qubits, else on its own qubits; None for
        the identity. One array object per distinct value, so equal steps are seen as equal by identity."""
        if self.whole:
            return self.gate
        channel = None if self.slot is None else channels.superoperator(self.slot)
        if self.gate is None and channel is None:
            return None
        key = (id(channel), id(self.gate), self.positions, self.width)
        cached = _COMPOSED.get(key)
        if cached is None or cached[0] is not channel or cached[1] is not self.gate:
            local = _composition(channel, self.gate)
            matrix = _on_register(local, self.positions, self.width) if self.width <= FULL_REGISTER_QUBITS else local
            if len(_COMPOSED) >= MAX_COMPOSED:
                _COMPOSED.clear()
            cached = _COMPOSED[key] = (channel, self.gate, matrix)
        return cached[2]


MAX_COMPOSED = 20_000
"""Composed step matrices kept (each at most 1 MiB; a fit's iteration makes a few hundred)."""
_COMPOSED: dict[tuple[int, int, tuple[int, ...], int], tuple[np.ndarray | None, np.ndarray | None, np.ndarray]] = {}
"""Channel · gate by the two arrays' identities, positions and width: the arrays kept alive with their product, so
steps and circuits that meet the same channel share one matrix."""


class SpecChannels:
    """One spec's channel at each slot (``ChannelIndex`` and ``IdleEntries`` built once per spec)."""

    def __init__(self, spec: NoiseSpec) -> None:
        self._index = ChannelIndex.of(spec)
        self._idle = IdleEntries.of(spec)
        self._zz = {tuple(sorted(entry.pair)): entry.zz for entry in spec.zz_crosstalk_errors}
        self._slots: dict[Slot, np.ndarray | None] = {}

    def superoperator(self, slot: Slot) -> np.ndarray | None:
        """The slot's channel as a superoperator; None for the identity. Looked up once per slot."""
        if slot not in self._slots:
            self._slots[slot] = self._superoperator(slot)
        return self._slots[slot]

    def _superoperator(self, slot: Slot) -> np.ndarray | None:
        kind, qubits, detail = slot
        if kind == "zz":
            zz = self._zz.get((qubits[0], qubits[1]), 0.0)
            phase = math.remainder(2.0 * math.pi * zz * float(detail) * KHZ_NS, 2.0 * math.pi)
            return _zz_superoperator(phase) if phase else None
        if kind == "delay":
            channel = self._idle.channel(qubits[0], float(detail))
        else:
            channel = self._index.placement(str(detail), qubits).channel
        return None if channel is None or channel.is_identity else _channel_superoperator(channel)


class CompiledCircuit:
    """A placed circuit as steps (module docstring); ``before_readout`` evaluates it under specs."""

    def __init__(self, placed: PlacedCircuit, zz_pairs: Sequence[tuple[int, int]] = ()) -> None:
        if not placed.terminal:
            raise FitError("only circuits whose measurements come last can be compiled for a fit")
        width = len(placed.active_qubits)
        if width > MAX_COMPILED_QUBITS:
            raise FitError(f"fits compile circuits of at most {MAX_COMPILED_QUBITS} active qubits; this has {width}")
        self.width = width
        self.measured = [position for _clbit, position, _physical in MeasuredBits(placed).measured]
        self._set_steps(_steps(placed, _probe_zz(placed, zz_pairs)))

    def _set_steps(self, steps: list[Step]) -> None:
        """Keep ``steps`` and, per slot, its steps grouped by gate and qubits (a group's steps share one matrix under
        any spec)."""
        self.steps = steps
        self._groups_of: dict[Slot, dict[tuple[int, tuple[int, ...]], list[int]]] = defaultdict(dict)
        for index, step in enumerate(self.steps):
            if step.slot is not None:
                self._groups_of[step.slot].setdefault((id(step.gate), step.positions), []).append(index)

    @property
    def slots(self) -> set[Slot]:
        """Every slot a spec's noise enters this circuit at."""
        return set(self._groups_of)

    def fused(self, live: set[Slot], channels: SpecChannels) -> CompiledCircuit:
        """A copy whose runs of steps outside ``live`` (slots no fitted parameter changes) are each one
        whole-register matrix, their product under ``channels``: a fit then multiplies only where it can change
        something. Unchanged for widths above ``FULL_REGISTER_QUBITS``."""
        if not self.adjoint:
            return self
        steps: list[Step] = []
        run: np.ndarray | None = None
        for step in self.steps:
            if step.slot in live:
                if run is not None:
                    steps.append(Step(tuple(range(self.width)), run, None, self.width, whole=True))
                    run = None
                steps.append(step)
                continue
            matrix = step.matrix(channels)
            if matrix is not None:
                run = matrix if run is None else matrix @ run
        if run is not None:
            steps.append(Step(tuple(range(self.width)), run, None, self.width, whole=True))
        copy = object.__new__(CompiledCircuit)
        copy.width, copy.measured = self.width, self.measured
        copy._set_steps(steps)
        return copy

    @property
    def adjoint(self) -> bool:
        """True when ``first_order_jacobian`` applies (steps are whole-register matrices)."""
        return self.width <= FULL_REGISTER_QUBITS

    def forward(self, channels: SpecChannels) -> np.ndarray:
        """The register's vectorised state before each step and after the last (row k: before step k), under one
        spec (whole-register widths only)."""
        states = np.empty((len(self.steps) + 1, 4**self.width), dtype=complex)
        states[0] = 0.0
        states[0, 0] = 1.0
        for index, step in enumerate(self.steps):
            matrix = step.matrix(channels)
            states[index + 1] = states[index] if matrix is None else matrix @ states[index]
        return states

    def measured_probabilities(self, state: np.ndarray) -> np.ndarray:
        """The distribution over the measured bits of one vectorised state (as ``before_readout``)."""
        return np.asarray(self._measured_probabilities(state[np.newaxis])[0], dtype=float)

    def first_order_jacobian(
        self, base: SpecChannels, states: np.ndarray, others: Sequence[tuple[SpecChannels, set[Slot]]]
    ) -> np.ndarray:
        """Row per (spec, the slots where it may differ from ``base``) of ``others``: the first-order change of the
        distribution over the measured bits before readout, b, from ``base`` to that spec, by the adjoint method
        (Giles & Pierce, *An introduction to the adjoint approach to design*, 2000): bₒ's change is
        Σₖ Re aₖ₊₁,ₒ·(M′ₖ − Mₖ)·sₖ, with sₖ the state before step k (``forward``) and aₖ₊₁,ₒ the sensitivity of bₒ to
        the state after it (``_adjoints``). The steps of one slot, gate and qubits share M and M′, so their terms add
        up to Re ⟨M′ − M, Gₒ⟩ with Gₒ = Σₖ aₖ₊₁,ₒ ⊗ sₖ, formed once per circuit and group (one at a time: 16 MiB at
        4 qubits): a spec then costs one product per group whose slot it changes. Divided by the parameter's step, a
        row is the forward difference of b."""
        adjoints = self._adjoints(base)
        outcomes = adjoints.shape[1]
        jacobian = np.zeros((len(others), outcomes))
        changing: dict[Slot, list[int]] = defaultdict(list)
        for column, (other, slots) in enumerate(others):
            for slot in slots & self._groups_of.keys():
                if other.superoperator(slot) is not base.superoperator(slot):
                    changing[slot].append(column)
        for slot, columns in changing.items():
            for indices in self._groups_of[slot].values():
                picked = np.array(indices)
                sensitivity = (adjoints[picked + 1].reshape(len(indices), -1).T @ states[picked]).reshape(outcomes, -1)
                step = self.steps[indices[0]]
                matrix = self._dense(step.matrix(base))
                for column in columns:
                    delta = self._dense(step.matrix(others[column][0])) - matrix
                    jacobian[column] += np.real(sensitivity @ delta.reshape(-1))
        return jacobian

    def _dense(self, matrix: np.ndarray | None) -> np.ndarray:
        """A step's whole-register matrix, the identity written out for None."""
        return np.eye(4**self.width, dtype=complex) if matrix is None else matrix

    def _adjoints(self, channels: SpecChannels) -> np.ndarray:
        """[k, o]: the sensitivity of the probability of measured outcome o to the state before step k (row K: after
        the last step, where it reads o's entries off the diagonal)."""
        n = self.width
        outcome = np.zeros(2**n, dtype=int)
        for bit, position in enumerate(self.measured):
            outcome |= ((np.arange(2**n) >> position) & 1) << bit
        adjoints = np.zeros((len(self.steps) + 1, 2 ** len(self.measured), 4**n), dtype=complex)
        adjoints[-1, outcome, np.arange(2**n) * (2**n + 1)] = 1.0
        for index in range(len(self.steps) - 1, -1, -1):
            matrix = self.steps[index].matrix(channels)
            adjoints[index] = adjoints[index + 1] if matrix is None else adjoints[index + 1] @ matrix
        return adjoints

    def before_readout(self, channels: Sequence[SpecChannels], varying: set[Slot] | None = None) -> np.ndarray:
        """Each spec's exact distribution over the measured bits before readout (row per spec; bit i the i-th
        measured clbit, as ``MeasuredBits``); with ``varying``, the specs differ in those slots only."""
        n, batch = self.width, len(channels)
        full = n <= FULL_REGISTER_QUBITS
        state = np.zeros((batch, 4**n), dtype=complex)
        state[:, 0] = 1.0
        if not full:
            state = state.reshape((batch,) + (2,) * (2 * n))
        for step in self.steps:
            same = varying is not None and step.slot not in varying
            matrices = [step.matrix(channels[0])] if same else [step.matrix(item) for item in channels]
            first = matrices[0]
            if all(matrix is first for matrix in matrices):
                if first is not None:
                    state = state @ first.T if full else _apply(first, step.positions, n, state, batched=False)
                continue
            if full:
                groups: dict[int, tuple[np.ndarray | None, list[int]]] = {}
                for column, matrix in enumerate(matrices):
                    groups.setdefault(id(matrix), (matrix, []))[1].append(column)
                for matrix, columns in groups.values():
                    if matrix is not None:
                        state[columns] = state[columns] @ matrix.T
                continue
            identity = np.eye(4 ** len(step.positions), dtype=complex)
            stacked = np.stack([identity if matrix is None else matrix for matrix in matrices])
            state = _apply(stacked, step.positions, n, state, batched=True)
        return self._measured_probabilities(state)

    def _measured_probabilities(self, state: np.ndarray) -> np.ndarray:
        n, batch = self.width, state.shape[0]
        state = state.reshape(batch, 4**n)
        diagonal = np.einsum("bii->bi", state.reshape(batch, 2**n, 2**n)).real.reshape((batch,) + (2,) * n)
        axes = [n - 1 - position for position in reversed(self.measured)]
        others = tuple(1 + axis for axis in range(n) if axis not in axes)
        kept = [axis for axis in range(n) if axis in axes]
        marginal = diagonal.sum(axis=others) if others else diagonal
        order = [kept.index(axis) for axis in axes]
        result = np.transpose(marginal, [0, *(1 + index for index in order)]).reshape(batch, 2 ** len(self.measured))
        return np.asarray(result, dtype=float)


def _probe_zz(placed: PlacedCircuit, pairs: Sequence[tuple[int, int]]) -> list[ZZPhase]:
    """Where the schedule puts each pair's ZZ phase (computed at ξ = 1 kHz; the slot keeps the time)."""
    probe = NoiseSpec(zz_crosstalk_errors=[ZZCrosstalkNoise(qubits=list(pair), zz=1.0) for pair in sorted(set(pairs))])
    return zz_phases(placed, probe)


def _steps(placed: PlacedCircuit, phases: list[ZZPhase]) -> list[Step]:
    """The compact circuit's instructions in time order (as ``timed_circuit`` orders them), each with its slot,
    and the ZZ slots after them; measurements leave only their channel."""
    circuit = placed.compact
    order = list(range(len(circuit.data)))
    if placed.timing is not None:
        timing = placed.timing
        order.sort(key=lambda index: (timing[index][0] + timing[index][1] / 2.0, index))
    after: dict[int, list[ZZPhase]] = defaultdict(list)
    for phase in phases:
        after[phase.after].append(phase)
    steps = []
    width = len(placed.active_qubits)
    for index in order:
        item = circuit.data[index]
        positions = tuple(circuit.find_bit(qubit).index for qubit in item.qubits)
        physical = tuple(placed.active_qubits[position] for position in positions)
        name = item.operation.name
        if name == "measure":
            steps.append(Step(positions, None, ("gate", physical, "measure"), width))
        elif name == "delay":
            steps.append(Step(positions, None, ("delay", physical, delay_nanoseconds(item.operation)), width))
        elif name != "barrier":
            steps.append(Step(positions, _gate_superoperator(item.operation), ("gate", physical, name), width))
        for phase in after.get(index, []):
            pair = tuple(sorted(placed.active_qubits[position] for position in phase.positions))
            steps.append(Step(tuple(sorted(phase.positions)), None, ("zz", pair, phase.nanoseconds), width))
    return steps


def _gate_superoperator(operation: Instruction) -> np.ndarray:
    """conj(U) ⊗ U of the gate's unitary (Qiskit's column-stacking ``SuperOp`` convention), one array per gate."""
    try:
        key = (operation.name, tuple(float(parameter) for parameter in operation.params))
    except TypeError:
        raise FitError(f"a fit cannot compile the instruction {operation.name!r}: it has unbound parameters") from None
    return _superoperator_of(key, operation)


_GATES: dict[tuple[str, tuple[float, ...]], np.ndarray] = {}


def _superoperator_of(key: tuple[str, tuple[float, ...]], operation: Instruction) -> np.ndarray:
    if key not in _GATES:
        try:
            unitary = Operator(operation).data
        except Exception as error:  # Qiskit raises QiskitError or TypeError for a non-unitary instruction
            raise FitError(f"a fit cannot compile the instruction {operation.name!r}: {error}") from None
        if len(_GATES) >= MAX_COMPOSED:
            _GATES.clear()
        _GATES[key] = np.kron(unitary.conj(), unitary)
    return _GATES[key]


@lru_cache(maxsize=8192)
def _channel_superoperator(channel: GateChannel) -> np.ndarray:
    return channel.superoperator()


@lru_cache(maxsize=4096)
def _zz_superoperator(phase: float) -> np.ndarray:
    """conj(D) ⊗ D of D = diag(1, 1, 1, e^{−iφ}) (``crosstalk.ZZPhaseGate``)."""
    diagonal = np.array([1.0, 1.0, 1.0, np.exp(-1j * phase)])
    return np.diag(np.kron(diagonal.conj(), diagonal))


@lru_cache(maxsize=1024)
def _subscripts(positions: tuple[int, ...], n: int, batched: bool) -> str:
    """einsum subscripts applying a superoperator on ``positions`` to a batch of n-qubit density tensors.

    The state's axes: batch, rows of qubits n−1…0, columns of qubits n−1…0 (Qiskit's little-endian order);
    the superoperator's: output columns, output rows, input columns, input rows, each over qubits k−1…0.
    """
    letters = iter(string.ascii_letters)
    rows = [next(letters) for _ in range(n)]  # rows[q]: axis of qubit q
    columns = [next(letters) for _ in range(n)]
    new_rows = {q: next(letters) for q in positions}
    new_columns = {q: next(letters) for q in positions}
    ordered = list(reversed(positions))
    operator = (
        "".join(new_columns[q] for q in ordered)
        + "".join(new_rows[q] for q in ordered)
        + "".join(columns[q] for q in ordered)
        + "".join(rows[q] for q in ordered)
    )
    state_in = "".join(rows[q] for q in reversed(range(n))) + "".join(columns[q] for q in reversed(range(n)))
    state_out = "".join(new_rows.get(q, rows[q]) for q in reversed(range(n))) + "".join(
        new_columns.get(q, columns[q]) for q in reversed(range(n))
    )
    batch = "Z" if batched else ""
    return f"{batch}{operator},Z{state_in}->Z{state_out}"


def _composition(channel: np.ndarray | None, gate: np.ndarray | None) -> np.ndarray:
    """channel · gate, either of them possibly absent (not both)."""
    if channel is None or gate is None:
        present = gate if channel is None else channel
        assert present is not None  # Step.matrix returned before
        return present
    return np.asarray(channel @ gate)


def _on_register(matrix: np.ndarray, positions: tuple[int, ...], n: int) -> np.ndarray:
    """A superoperator on ``positions`` as a 4ⁿ × 4ⁿ matrix acting on the whole register's ``ρ.reshape(-1)``: entry
    (r, r′) is the local entry of the two indices' local parts where their other parts agree, else 0
    (``_register_pattern``)."""
    local, agree = _register_pattern(positions, n)
    return np.asarray(matrix[np.ix_(local, local)] * agree)


@lru_cache(maxsize=256)
def _register_pattern(positions: tuple[int, ...], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per register index its local index on ``positions``, and where two register indices agree off them: read off
    the embeddings (``_embedded``) of diag(0, 1, …) and of the all-ones matrix, which are exact."""
    size = 4 ** len(positions)
    local = np.rint(np.diag(_embedded(np.diag(np.arange(size, dtype=complex)), positions, n)).real).astype(int)
    agree = _embedded(np.ones((size, size), dtype=complex), positions, n).real != 0.0
    return local, agree


def _embedded(matrix: np.ndarray, positions: tuple[int, ...], n: int) -> np.ndarray:
    """The register matrix of a local superoperator by definition: its columns are it applied to each basis matrix."""
    basis = np.eye(4**n, dtype=complex).reshape((4**n,) + (2,) * (2 * n))
    return _apply(matrix, positions, n, basis, batched=False).reshape(4**n, 4**n).T


def _apply(matrix: np.ndarray, positions: tuple[int, ...], n: int, state: np.ndarray, *, batched: bool) -> np.ndarray:
    k = len(positions)
    tensor = matrix.reshape(((matrix.shape[0],) if batched else ()) + (2,) * (4 * k))
    return np.asarray(np.einsum(_subscripts(positions, n, batched), tensor, state))
