"""The formulas behind device-derived noise, as plain functions of numbers.

They reproduce Qiskit Aer's ``noise/device/models.py`` (``_device_depolarizing_error``,
``_device_thermal_relaxation_error``, ``_excited_population``) and
``errors/standard_errors.py::thermal_relaxation_error`` in closed form, so that deriving a
156-qubit model needs no channel objects at all. Times may be in any one unit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from noise_core.spec.gates import depolarizing_error_limit, max_depolarizing_probability

PLANCK_OVER_BOLTZMANN_MK_PER_HZ = 47.99243e-9
"""h/k_B in mK·s (4.135667696e-15 eV·s / 8.617333262e-5 eV/K × 1e3), as in Aer's ``_excited_population``."""


@dataclass(frozen=True)
class Relaxation:
    """One qubit's relaxation over one gate: T1, T2 (``None`` = infinite), duration, |1> population."""

    t1: float | None
    t2: float | None
    time: float
    excited_state_population: float = 0.0

    @property
    def is_identity(self) -> bool:
        """No decay: zero duration, or T1 = T2 = ∞."""
        return self.time == 0.0 or (self.t1 is None and self.t2 is None)

    @property
    def reset_probability(self) -> float:
        """p_r = 1 − e^{−t/T1}: the chance of relaxing to equilibrium within the gate."""
        return 0.0 if self.t1 is None else -math.expm1(-self.time / self.t1)

    @property
    def coherence_factor(self) -> float:
        """e^{−t/T2}: what remains of an off-diagonal element ⟨0|ρ|1⟩."""
        return 1.0 if self.t2 is None else math.exp(-self.time / self.t2)

    @property
    def process_fidelity(self) -> float:
        """F_pro = (2 − p_r + 2·e^{−t/T2})/4, the channel's Choi-state overlap with the identity."""
        return (2.0 - self.reset_probability + 2.0 * self.coherence_factor) / 4.0

    def kraus_operators(self) -> list[np.ndarray]:
        """Kraus operators of Aer's ``thermal_relaxation_error(t1, t2, time, population)``.

        The channel (Aer's Choi matrix) maps |0⟩⟨0| ↦ (1 − p₁p_r)|0⟩⟨0| + p₁p_r|1⟩⟨1|,
        |1⟩⟨1| ↦ p₀p_r|0⟩⟨0| + (1 − p₀p_r)|1⟩⟨1| and |0⟩⟨1| ↦ e^{−t/T2}|0⟩⟨1|. The two jumps
        are √(p₁p_r)|1⟩⟨0| and √(p₀p_r)|0⟩⟨1|; the diagonal part comes from the Cholesky factor
        of [[A, c], [c, B]] with A = 1 − p₁p_r, B = 1 − p₀p_r, c = e^{−t/T2} (PSD iff T2 ≤ 2·T1).
        Zero operators are dropped.
        """
        p_reset, coherence = self.reset_probability, self.coherence_factor
        excited = self.excited_state_population
        stay_0, stay_1 = 1.0 - excited * p_reset, 1.0 - (1.0 - excited) * p_reset
        lower = coherence / math.sqrt(stay_0) if stay_0 > 0 else 0.0
        operators = [
            np.array([[math.sqrt(stay_0), 0.0], [0.0, lower]], dtype=complex),
            np.array([[0.0, 0.0], [0.0, math.sqrt(max(stay_1 - lower * lower, 0.0))]], dtype=complex),
            np.array([[0.0, 0.0], [math.sqrt(excited * p_reset), 0.0]], dtype=complex),
            np.array([[0.0, math.sqrt((1.0 - excited) * p_reset)], [0.0, 0.0]], dtype=complex),
        ]
        return [operator for operator in operators if np.any(operator)]


def excited_state_population(frequency_hz: float | None, temperature_mk: float) -> float:
    """Thermal |1⟩ population p₁ = 1/(1 + exp(h·f/(k_B·T))) of a two-level qubit; 0 at T = 0.

    Maxwell–Boltzmann over |0⟩, |1⟩ only (Aer ``_excited_population``; see
    Phys. Rev. Lett. 114, 240501 (2015)). An unknown frequency gives 0, as in Aer.
    """
    if frequency_hz is None or temperature_mk == 0.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(PLANCK_OVER_BOLTZMANN_MK_PER_HZ * frequency_hz / temperature_mk))


def relaxation_process_fidelity(relaxations: Iterable[Relaxation]) -> float:
    """Process fidelity of the tensor product of per-qubit relaxations: ∏ F_pro,q."""
    return math.prod(relaxation.process_fidelity for relaxation in relaxations)


def average_gate_fidelity(process_fidelity: float, num_qubits: int) -> float:
    """F = (d·F_pro + 1)/(d + 1), d = 2ⁿ (Horodecki et al., Phys. Rev. A 60, 1888 (1999))."""
    dimension = 2.0**num_qubits
    return (dimension * process_fidelity + 1.0) / (dimension + 1.0)


@dataclass(frozen=True)
class MatchedDepolarizing:
    """The depolarizing λ that, before a relaxation of fidelity F_r, reproduces a gate error.

    ``probability`` is None when no depolarizing term is added (reported error ≤ relaxation
    error). ``model_error`` is the combined channel's average gate error, which differs from
    the reported one when the report is below the relaxation limit, above d/(d+1), or λ hit
    its cap.
    """

    probability: float | None
    model_error: float
    relaxation_error: float
    clipped_error: float


def match_depolarizing(gate_error: float | None, relaxation_fidelity: float, num_qubits: int) -> MatchedDepolarizing:
    """λ = d·(min(e, d/(d+1)) − r)/(d·F_r − 1) capped at 4ⁿ/(4ⁿ−1), when e > r = 1 − F_r.

    Aer's ``_device_depolarizing_error``: for E = R∘D_λ the average gate fidelity is
    F = F_r − λ·(d·F_r − 1)/d, solved for F = 1 − e. When d·F_r ≤ 1 the relaxation alone is
    at least as bad as full depolarization and λ is set to its cap (Aer would divide by ≤ 0).
    """
    dimension = 2**num_qubits
    relaxation_error = 1.0 - relaxation_fidelity
    if gate_error is None or gate_error <= relaxation_error:
        return MatchedDepolarizing(None, relaxation_error, relaxation_error, gate_error or 0.0)
    clipped = min(gate_error, depolarizing_error_limit(num_qubits))
    cap = max_depolarizing_probability(num_qubits)
    denominator = dimension * relaxation_fidelity - 1.0
    probability = cap if denominator <= 0 else min(dimension * (clipped - relaxation_error) / denominator, cap)
    model_fidelity = relaxation_fidelity - probability * denominator / dimension
    return MatchedDepolarizing(probability, 1.0 - model_fidelity, relaxation_error, clipped)


@dataclass(frozen=True)
class CoherentRotation:
    """A coherent error as a unitary (``noise_core.spec.coherent``): RX, RY or RZ(ε) on one qubit, or RZZ(ε) then
    RZ(φ₀) ⊗ RZ(φ₁) on two, with Qiskit's conventions (R_P(θ) = exp(−iθP/2)) and qubit order (the gate's first
    qubit least significant). Angles in rad."""

    axis: str
    angle: float
    phases: tuple[float, ...] = ()

    @property
    def is_identity(self) -> bool:
        return self.angle == 0.0 and not any(self.phases)

    def matrix(self) -> np.ndarray:
        """The unitary, 2×2 or 4×4."""
        if self.axis != "zz":
            return _rotation(_PAULIS[self.axis], self.angle)
        conditional = _rotation(np.kron(_PAULIS["z"], _PAULIS["z"]), self.angle)
        first, second = (self.phases or (0.0, 0.0))[:2]
        local = np.kron(_rotation(_PAULIS["z"], second), _rotation(_PAULIS["z"], first))
        return np.asarray(local @ conditional, dtype=complex)


_PAULIS = {
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "z": np.array([[1, 0], [0, -1]], dtype=complex),
}


def _rotation(pauli: np.ndarray, angle: float) -> np.ndarray:
    """exp(−i·angle·P/2) = cos(angle/2)·I − i·sin(angle/2)·P for a Pauli (product) P."""
    return np.asarray(math.cos(angle / 2) * np.eye(len(pauli)) - 1j * math.sin(angle / 2) * pauli, dtype=complex)
