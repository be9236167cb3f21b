"""Pauli twirling: a channel replaced by the Pauli channel with the same Pauli-transfer-matrix diagonal.

Averaging a channel E over conjugation by the n-qubit Paulis (E ↦ 4⁻ⁿ Σ_Q Q·E(Q·ρ·Q)·Q) keeps the diagonal of
its Pauli transfer matrix, λ_P = Tr(P·E(P))/2ⁿ, and zeroes the rest; what is left is the Pauli channel
Σ_Q p_Q·Q·ρ·Q with p_Q = 4⁻ⁿ Σ_P ω(P, Q)·λ_P, ω = +1 where P and Q commute and −1 where they anticommute
(Wallman & Emerson, Phys. Rev. A 94, 052325 (2016), eq. 5; Magesan, Gambetta & Emerson, Phys. Rev. A 85, 042311
(2012) for the twirl). The process fidelity is λ's mean, so twirling keeps it, and with it the average gate
fidelity (d·F_pro + 1)/(d + 1) (Nielsen 2002): the infidelity a benchmark sees is unchanged. What changes is
everything coherent (a rotation's errors add in amplitude, a Pauli channel's in probability) and relaxation's
bias towards |0⟩ (amplitude damping becomes symmetric X/Y flips).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from qiskit.quantum_info import Choi, Pauli, SuperOp

from noise_core.aer.channels import GateChannel
from noise_core.errors import SimulationError

NEGATIVE_ROUNDING = 1e-12
"""Twirled probabilities down to −this are rounding of a zero and read as 0; below it the input was not a channel."""


@lru_cache(maxsize=4096)
def pauli_twirl(channel: GateChannel) -> GateChannel:
    """``channel`` Pauli-twirled: a Pauli-only ``GateChannel`` with the same Pauli-transfer diagonal.

    A Pauli-only channel comes back as it is. Cached: a circuit repeats its placements.
    """
    if channel.is_pauli:
        return channel
    paulis = twirled_probabilities(channel.superoperator(), channel.num_qubits)
    return GateChannel(channel.num_qubits, paulis, (None,) * channel.num_qubits)


def twirled_probabilities(superoperator: np.ndarray, num_qubits: int) -> tuple[tuple[str, float], ...]:
    """The Pauli probabilities (Qiskit labels, sorted, zeros left out) of the twirl of the channel whose
    superoperator (Qiskit's column-stacking convention) is given: p = 4⁻ⁿ·Ω·λ (module docstring)."""
    labels, matrices = _paulis(num_qubits)
    dimension = 2**num_qubits
    diagonal = (
        np.array(
            [
                np.trace(
                    matrix @ (superoperator @ matrix.reshape(-1, order="F")).reshape(dimension, dimension, order="F")
                )
                for matrix in matrices
            ]
        ).real
        / dimension
    )
    probabilities = _commutation_signs(num_qubits) @ diagonal / dimension**2
    if probabilities.min() < -NEGATIVE_ROUNDING:
        raise SimulationError(
            f"a channel to twirl is not completely positive (its twirl has a probability {probabilities.min():.3g}); "
            "check the spec's entries for that gate"
        )
    probabilities = np.clip(probabilities, 0.0, None)
    probabilities /= probabilities.sum()
    return tuple((label, float(p)) for label, p in sorted(zip(labels, probabilities, strict=True)) if p > 0)


def twirled_diagonal_unitary(diagonal: tuple[complex, ...]) -> tuple[tuple[str, float], ...]:
    """The twirl of the diagonal unitary diag(``diagonal``) (basis state k: qubit i is bit i of k): only Z-type
    Paulis Q, with p_Q = |Tr(Q·U)/2ⁿ|², the Walsh–Hadamard transform of the diagonal squared. For ZZ crosstalk
    (``crosstalk.ZZPhaseGate``) over any number of qubits, where a 4ⁿ superoperator would not do."""
    entries = np.asarray(diagonal, dtype=complex)
    num_qubits = int(entries.size).bit_length() - 1
    states = np.arange(entries.size)
    terms = []
    for mask in range(entries.size):
        signs = 1 - 2 * (np.bitwise_count(states & mask).astype(int) & 1)
        probability = abs(np.sum(signs * entries) / entries.size) ** 2
        if probability > NEGATIVE_ROUNDING:
            terms.append(
                ("".join("Z" if mask >> q & 1 else "I" for q in reversed(range(num_qubits))), float(probability))
            )
    total = sum(p for _label, p in terms)
    return tuple(sorted((label, p / total) for label, p in terms))


@lru_cache(maxsize=4096)
def twirl_error_bound(channel: GateChannel) -> float:
    """An upper bound on ½‖E − T(E)‖_⋄, the most twirling ``channel`` can move any output in total variation:
    ½‖J(E) − J(T(E))‖₁ over the (unnormalised) Choi matrices, since ‖Φ‖_⋄ ≤ ‖J(Φ)‖₁ (Watrous, *The Theory of
    Quantum Information*, Prop. 3.44 and its corollaries). 0 for a Pauli channel. Over a circuit the bounds add
    (each channel replaced in turn), and readout, applied after, cannot increase the distance."""
    if channel.is_pauli:
        return 0.0
    difference = Choi(SuperOp(channel.superoperator())).data - Choi(SuperOp(pauli_twirl(channel).superoperator())).data
    return float(0.5 * np.abs(np.linalg.eigvalsh(difference)).sum())


def diagonal_twirl_error_bound(diagonal: tuple[complex, ...]) -> float:
    """An upper bound on ½‖U − T(U)‖_⋄ for the diagonal unitary channel U (``twirled_diagonal_unitary``), cheap at
    any width: ½‖U − id‖_⋄ ≤ max_x |U_xx − U_00| (U_00 taken as the global phase), and ½‖id − T(U)‖_⋄ = 1 − p_I."""
    entries = np.asarray(diagonal, dtype=complex)
    identity_weight = dict(twirled_diagonal_unitary(diagonal)).get("I" * (int(entries.size).bit_length() - 1), 0.0)
    return float(np.max(np.abs(entries - entries[0])) + (1.0 - identity_weight))


@cache
def _paulis(num_qubits: int) -> tuple[tuple[str, ...], tuple[np.ndarray, ...]]:
    labels = tuple(_labels(num_qubits))
    return labels, tuple(np.asarray(Pauli(label).to_matrix(), dtype=complex) for label in labels)


def _labels(num_qubits: int) -> list[str]:
    if num_qubits == 0:
        return [""]
    return [letter + rest for letter in "IXYZ" for rest in _labels(num_qubits - 1)]


@cache
def _commutation_signs(num_qubits: int) -> np.ndarray:
    """Ω[Q, P] = +1 where Paulis Q and P commute, −1 where they anticommute."""
    paulis = [Pauli(label) for label in _paulis(num_qubits)[0]]
    return np.array([[1.0 if q.commutes(p) else -1.0 for p in paulis] for q in paulis])


@dataclass(frozen=True)
class TwirlMeasurement:
    """The twirl's effect on a narrower copy of a circuit, both distributions exact."""

    circuit: str
    """The narrower copy's name, e.g. 'GHZ(10)'."""
    physical_qubits: tuple[int, ...]
    distance: float
    """Total variation distance between the exact and the twirled model's distributions."""
    exact_success: float | None
    twirled_success: float | None
    """Probability of the circuit's ideal outcomes under each, where it has known ones."""

    def statement(self) -> str:
        """The measurement in words, for a result or a plan."""
        success = (
            ""
            if self.exact_success is None or self.twirled_success is None
            else f"; success probability {self.exact_success:.4f} exact, {self.twirled_success:.4f} twirled"
        )
        return (
            f"On {self.circuit} on qubits {list(self.physical_qubits)}, where both run exactly, the twirl moves the "
            f"distribution by {self.distance:.2g} in total variation{success}"
        )
