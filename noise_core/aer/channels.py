"""A spec resolved per gate placement: which channels act there, after precedence, merged.

``ChannelIndex`` applies the spec's precedence (a qubit-specific entry replaces the all-qubit
entry of the same kind) and composition order (coherent → depolarizing → Pauli → thermal
relaxation); each placement becomes one ``GateChannel``: a coherent rotation, then a Pauli
mixture, then per-qubit relaxation.
``build_noise_model`` turns these into Aer errors; the Classiq export reads their fidelities.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
from qiskit.quantum_info import Pauli

from noise_core.physics import CoherentRotation, Relaxation
from noise_core.spec.coherent import CoherentErrorOnGate, coherent_axis
from noise_core.spec.models import NoiseSpec, PauliNoiseTerm, is_identity_pauli
from noise_core.spec.relaxation import ThermalRelaxationParameters

PauliProbabilities = dict[str, float]
"""Pauli label (Qiskit order: last letter on the gate's first qubit) → probability."""


@dataclass(frozen=True)
class GateChannel:
    """The noise on one gate placement: a coherent rotation, a merged Pauli mixture, then per-qubit relaxation."""

    num_qubits: int
    paulis: tuple[tuple[str, float], ...]
    relaxations: tuple[Relaxation | None, ...]
    coherent: CoherentRotation | None = None

    @property
    def is_identity(self) -> bool:
        only_identity = all(is_identity_pauli(label) for label, p in self.paulis if p > 0)
        no_rotation = self.coherent is None or self.coherent.is_identity
        return only_identity and no_rotation and all(r is None or r.is_identity for r in self.relaxations)

    @property
    def is_pauli(self) -> bool:
        """Only a Pauli mixture acts (no relaxation, no coherent rotation): what the stabilizer method can run."""
        no_rotation = self.coherent is None or self.coherent.is_identity
        return no_rotation and all(r is None or r.is_identity for r in self.relaxations)

    def process_fidelity(self) -> float:
        """F_pro = Σ_P p_P Σ_k |Tr(K_k σ_P U)|² / d², K_k the Kraus operators of the relaxations' tensor, U the
        coherent rotation (the identity without one).

        The Kraus operators of the whole channel are √p_P·K_k·σ_P·U, and F_pro = Σ |Tr(A)|² / d² over
        Kraus operators A (Nielsen, Phys. Lett. A 303, 249 (2002)).
        """
        kraus = _tensor_kraus(self.relaxations)
        dimension = 2**self.num_qubits
        rotation = np.eye(dimension, dtype=complex) if self.coherent is None else self.coherent.matrix()
        total = math.fsum(
            probability * sum(abs(np.trace(k @ _pauli_matrix(label) @ rotation)) ** 2 for k in kraus)
            for label, probability in self.paulis
        )
        return float(total / dimension**2)

    def kraus_operators(self) -> list[np.ndarray]:
        """√p_P·K_k·σ_P·U for each Pauli P and relaxation Kraus operator K_k (Qiskit's little-endian order).

        Built from the numbers (no Choi decomposition), as ``superoperator``; Σ A†A = I to rounding.
        """
        dimension = 2**self.num_qubits
        rotation = np.eye(dimension, dtype=complex) if self.coherent is None else self.coherent.matrix()
        return [
            math.sqrt(probability) * k @ _pauli_matrix(label) @ rotation
            for label, probability in self.paulis
            if probability > 0
            for k in _tensor_kraus(self.relaxations)
        ]

    def superoperator(self) -> np.ndarray:
        """The channel as a 4ⁿ×4ⁿ superoperator in Qiskit's convention (``qiskit.quantum_info.SuperOp``).

        S = S_relax · S_Pauli · S_U with S_U = Ū ⊗ U for the coherent rotation U, S_Pauli = Σ_P p_P · P̄ ⊗ P
        and S_relax = Σ_k K̄_k ⊗ K_k over the Kraus operators of the relaxations' tensor (column-stacking
        vectorisation, Watrous, *The Theory of Quantum Information*, §2.2). Built directly from the numbers, with
        no Choi decomposition, so it is exact to rounding.
        """
        pauli_part = np.sum(
            [
                probability * np.kron(np.conj(_pauli_matrix(label)), _pauli_matrix(label))
                for label, probability in self.paulis
                if probability > 0
            ],
            axis=0,
        )
        relaxation_part = np.sum([np.kron(np.conj(k), k) for k in _tensor_kraus(self.relaxations)], axis=0)
        if self.coherent is None:
            return np.asarray(relaxation_part @ pauli_part, dtype=complex)
        rotation = self.coherent.matrix()
        return np.asarray(relaxation_part @ pauli_part @ np.kron(np.conj(rotation), rotation), dtype=complex)


@dataclass(frozen=True)
class Placement:
    """The noise on one gate placement and where each kind of it comes from."""

    source: str
    """'qubit-specific' (a local entry exists), 'all-qubit', or 'none'."""
    local_kinds: tuple[str, ...]
    global_kinds: tuple[str, ...]
    channel: GateChannel | None

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.local_kinds + self.global_kinds


@dataclass
class ChannelIndex:
    """The spec's entries by gate (all-qubit) and by (gate, qubits) (local), one dict per kind."""

    depolarizing: dict[str, tuple[int, float]] = field(default_factory=dict)
    pauli: dict[str, tuple[int, list[PauliNoiseTerm]]] = field(default_factory=dict)
    thermal: dict[str, ThermalRelaxationParameters] = field(default_factory=dict)
    local_depolarizing: dict[tuple[str, tuple[int, ...]], float] = field(default_factory=dict)
    local_pauli: dict[tuple[str, tuple[int, ...]], list[PauliNoiseTerm]] = field(default_factory=dict)
    local_thermal: dict[tuple[str, tuple[int, ...]], list[ThermalRelaxationParameters]] = field(default_factory=dict)
    coherent: dict[str, CoherentErrorOnGate] = field(default_factory=dict)
    local_coherent: dict[tuple[str, tuple[int, ...]], CoherentErrorOnGate] = field(default_factory=dict)

    @classmethod
    def of(cls, spec: NoiseSpec) -> ChannelIndex:
        index = cls()
        index.depolarizing = {e.gate: (e.num_qubits, e.probability) for e in spec.gate_depolarizing_errors}
        index.pauli = {e.gate: (e.num_qubits, e.pauli_terms) for e in spec.gate_pauli_errors}
        index.thermal = {e.gate: e for e in spec.gate_thermal_relaxation_errors}
        index.local_depolarizing = {(e.gate, tuple(e.qubits)): e.probability for e in spec.local_depolarizing_errors}
        index.local_pauli = {(e.gate, tuple(e.qubits)): e.pauli_terms for e in spec.local_pauli_errors}
        index.local_thermal = {(e.gate, tuple(e.qubits)): e.relaxations for e in spec.local_thermal_relaxation_errors}
        index.coherent = {e.gate: e for e in spec.gate_coherent_errors}
        index.local_coherent = {(e.gate, tuple(e.qubits)): e for e in spec.local_coherent_errors}
        return index

    def all_qubit_channels(self) -> Iterable[tuple[str, GateChannel]]:
        for gate in {**self.depolarizing, **self.pauli, **self.thermal, **self.coherent}:
            num_qubits = self._arity(gate)
            yield gate, self._channel(gate, num_qubits, None, None, None)

    def local_channels(
        self, within: frozenset[int] | None = None
    ) -> Iterable[tuple[tuple[str, tuple[int, ...]], GateChannel]]:
        """Each placement with a qubit-specific entry (all its qubits in ``within``, if given)."""
        local = {**self.local_depolarizing, **self.local_pauli, **self.local_thermal, **self.local_coherent}
        for gate, qubits in local:
            if within is not None and not within.issuperset(qubits):
                continue
            key = (gate, qubits)
            yield (
                key,
                self._channel(
                    gate,
                    len(qubits),
                    self.local_depolarizing.get(key),
                    self.local_pauli.get(key),
                    self.local_thermal.get(key),
                    self.local_coherent.get(key),
                ),
            )

    def placement(self, gate: str, qubits: Sequence[int]) -> Placement:
        """What acts on one occurrence of ``gate`` on ``qubits`` (physical indices), as Aer applies it."""
        key = (gate, tuple(qubits))
        local_kinds = [
            kind
            for kind, entries in (
                ("depolarizing", self.local_depolarizing),
                ("Pauli", self.local_pauli),
                ("thermal relaxation", self.local_thermal),
                ("coherent", self.local_coherent),
            )
            if key in entries
        ]
        global_kinds = [
            kind
            for kind, entries in (
                ("depolarizing", self.depolarizing),
                ("Pauli", self.pauli),
                ("thermal relaxation", self.thermal),
                ("coherent", self.coherent),
            )
            if gate in entries and kind not in local_kinds
        ]
        if local_kinds:
            channel = self._channel(
                gate,
                len(key[1]),
                self.local_depolarizing.get(key),
                self.local_pauli.get(key),
                self.local_thermal.get(key),
                self.local_coherent.get(key),
            )
            return Placement("qubit-specific", tuple(local_kinds), tuple(global_kinds), channel)
        if global_kinds:
            channel = self._channel(gate, len(key[1]), None, None, None)
            return Placement("all-qubit", (), tuple(global_kinds), channel)
        return Placement("none", (), (), None)

    def all_qubit_channel_except_depolarizing(self, gate: str, num_qubits: int) -> GateChannel:
        """The all-qubit Pauli and thermal channels of ``gate``: what a local depolarizing entry leaves where a
        spec holds no coherent errors (Classiq's)."""
        return replace(self._channel(gate, num_qubits, 0.0, None, None), coherent=None)

    def has_all_qubit_channel(self, gate: str) -> bool:
        return gate in self.depolarizing or gate in self.pauli or gate in self.thermal or gate in self.coherent

    def _arity(self, gate: str) -> int:
        if gate in self.depolarizing:
            return self.depolarizing[gate][0]
        if gate in self.pauli:
            return self.pauli[gate][0]
        if gate in self.coherent:
            return self.coherent[gate].num_qubits
        return 1

    def _channel(
        self,
        gate: str,
        num_qubits: int,
        local_depolarizing: float | None,
        local_pauli: list[PauliNoiseTerm] | None,
        local_thermal: Sequence[ThermalRelaxationParameters] | None,
        local_coherent: CoherentErrorOnGate | None = None,
    ) -> GateChannel:
        """Each kind from the local entry when there is one, else from the all-qubit entry."""
        depolarizing = (
            local_depolarizing if local_depolarizing is not None else self.depolarizing.get(gate, (0, 0.0))[1]
        )
        paulis = depolarizing_paulis(depolarizing, num_qubits)
        pauli_terms = local_pauli if local_pauli is not None else self.pauli.get(gate, (0, None))[1]
        if pauli_terms is not None:
            paulis = compose_pauli_channels(paulis, {term.pauli: term.probability for term in pauli_terms})
        if local_thermal is None and gate in self.thermal:
            local_thermal = [self.thermal[gate]]
        relaxations = tuple(_relaxation(p) for p in local_thermal) if local_thermal else (None,) * num_qubits
        coherent = _rotation(local_coherent if local_coherent is not None else self.coherent.get(gate))
        return GateChannel(num_qubits, tuple(sorted(paulis.items())), relaxations, coherent)


def depolarizing_paulis(probability: float, num_qubits: int) -> PauliProbabilities:
    """Aer's ``depolarizing_error(λ, n)`` as a Pauli mixture: each non-identity Pauli λ/4ⁿ."""
    identity = "I" * num_qubits
    if probability == 0.0:
        return {identity: 1.0}
    size = 4**num_qubits
    each = probability / size
    labels = [_pauli_label(index, num_qubits) for index in range(size)]
    return {label: (max(0.0, 1.0 - probability * (size - 1) / size) if label == identity else each) for label in labels}


def compose_pauli_channels(first: PauliProbabilities, then: PauliProbabilities) -> PauliProbabilities:
    """The Pauli mixture of applying ``first`` then ``then``: P(c) = Σ_{a·b ∝ c} p(a)·q(b)."""
    result: dict[int, float] = {}
    num_qubits = len(next(iter(first)))
    for label_a, p_a in first.items():
        code_a = _pauli_code(label_a)
        for label_b, p_b in then.items():
            code = code_a ^ _pauli_code(label_b)
            result[code] = result.get(code, 0.0) + p_a * p_b
    return {_pauli_label(code, num_qubits): p for code, p in result.items() if p > 0}


_LETTER_BITS = {"I": 0, "X": 1, "Z": 2, "Y": 3}
_BITS_LETTER = "IXZY"


def _pauli_code(label: str) -> int:
    """Two bits (x, z) per qubit, qubit 0 (the label's last letter) lowest; products are XORs."""
    code = 0
    for position, letter in enumerate(reversed(label)):
        code |= _LETTER_BITS[letter] << (2 * position)
    return code


def _pauli_label(code: int, num_qubits: int) -> str:
    return "".join(_BITS_LETTER[(code >> (2 * qubit)) & 3] for qubit in reversed(range(num_qubits)))


def _tensor_kraus(relaxations: Sequence[Relaxation | None]) -> list[np.ndarray]:
    """Kraus operators of ⊗ relaxations, the first qubit least significant (Qiskit order)."""
    operators = [np.eye(1, dtype=complex)]
    for relaxation in relaxations:
        own = [np.eye(2, dtype=complex)] if relaxation is None else relaxation.kraus_operators()
        operators = [np.kron(new, old) for new in own for old in operators]
    return operators


@cache
def _pauli_matrix(label: str) -> np.ndarray:
    return np.asarray(Pauli(label).to_matrix(), dtype=complex)


def _rotation(entry: CoherentErrorOnGate | None) -> CoherentRotation | None:
    """The entry's unitary; None without an entry or for a zero one (no rotation)."""
    axis = None if entry is None else coherent_axis(entry.gate)
    if entry is None or axis is None or entry.is_identity:
        return None
    return CoherentRotation(axis, entry.angle, tuple(entry.phases or ()))


def _relaxation(parameters: ThermalRelaxationParameters) -> Relaxation:
    return Relaxation(parameters.t1, parameters.t2, parameters.time, parameters.excited_state_population)
