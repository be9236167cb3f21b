"""Pauli twirling (``simulation.twirl``): the Pauli-transfer diagonal and the average gate fidelity are kept, the
known channels twirl to their known Pauli channels, and the stated bound holds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit.quantum_info import PTM, DensityMatrix, SuperOp, random_statevector

from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.derive import derive_noise_spec
from noise_core.physics import CoherentRotation, Relaxation
from noise_core.simulation.twirl import (
    diagonal_twirl_error_bound,
    pauli_twirl,
    twirl_error_bound,
    twirled_diagonal_unitary,
    twirled_probabilities,
)
from presets import load_preset

RELAXATION = Relaxation(t1=90_000.0, t2=60_000.0, time=400.0, excited_state_population=0.02)


def derived_channels() -> list[GateChannel]:
    """Every placement's channel on ibm_pittsburgh's qubits 0–9, plus coherent and relaxing ones made up here."""
    spec = derive_noise_spec(load_preset("ibm_pittsburgh"))
    channels = [channel for _key, channel in ChannelIndex.of(spec).local_channels(frozenset(range(10)))]
    made_up = [
        GateChannel(1, (("I", 0.998), ("X", 0.002)), (RELAXATION,), CoherentRotation("x", 0.07)),
        GateChannel(
            2,
            (("II", 0.99), ("ZX", 0.004), ("YY", 0.006)),
            (RELAXATION, None),
            CoherentRotation("zz", -0.1, (0.05, 0.02)),
        ),
        GateChannel(1, (("I", 1.0),), (Relaxation(None, 5_000.0, 2_000.0),), CoherentRotation("z", 0.3)),
    ]
    return channels + made_up


def ptm_diagonal(channel: GateChannel) -> np.ndarray:
    return np.real(np.diag(PTM(SuperOp(channel.superoperator())).data))


def average_gate_fidelity(channel: GateChannel) -> float:
    dimension = 2**channel.num_qubits
    return (dimension * channel.process_fidelity() + 1) / (dimension + 1)


@pytest.mark.parametrize("channel", derived_channels()[::7] + derived_channels()[-3:])
def test_twirling_keeps_the_pauli_transfer_diagonal_and_the_average_gate_fidelity(channel: GateChannel) -> None:
    twirled = pauli_twirl(channel)
    assert twirled.is_pauli
    assert ptm_diagonal(twirled) == pytest.approx(ptm_diagonal(channel), abs=1e-12)  # Qiskit's PTM, independent
    assert average_gate_fidelity(twirled) == pytest.approx(average_gate_fidelity(channel), abs=1e-12)
    assert math.fsum(p for _label, p in twirled.paulis) == pytest.approx(1.0, abs=1e-12)
    off_diagonal = PTM(SuperOp(twirled.superoperator())).data - np.diag(ptm_diagonal(twirled))
    assert np.abs(off_diagonal).max() < 1e-12  # a Pauli channel's PTM is diagonal


def test_amplitude_damping_twirls_to_its_known_pauli_channel() -> None:
    """T2 = 2·T1 at zero temperature is pure amplitude damping, γ = 1 − e^(−t/T1): its twirl has p_X = p_Y = γ/4 and
    p_Z = (1 − γ/2 − √(1 − γ))/2 (e.g. Ghosh, Fowler & Geller, Phys. Rev. A 86, 062318 (2012), eq. 9)."""
    t1, time = 50_000.0, 5_000.0
    gamma = 1 - math.exp(-time / t1)
    twirled = dict(pauli_twirl(GateChannel(1, (("I", 1.0),), (Relaxation(t1, 2 * t1, time),))).paulis)
    assert twirled["X"] == pytest.approx(gamma / 4, abs=1e-14)
    assert twirled["Y"] == pytest.approx(gamma / 4, abs=1e-14)
    assert twirled["Z"] == pytest.approx((1 - gamma / 2 - math.sqrt(1 - gamma)) / 2, abs=1e-14)


def test_a_pauli_channel_is_its_own_twirl() -> None:
    channel = GateChannel(2, (("II", 0.97), ("XZ", 0.01), ("YI", 0.02)), (None, None))
    assert pauli_twirl(channel) is channel
    computed = dict(twirled_probabilities(channel.superoperator(), 2))
    assert computed == pytest.approx(dict(channel.paulis), abs=1e-14)
    assert twirl_error_bound(channel) == 0.0


@pytest.mark.parametrize("phase", [0.02, 0.4, -1.3])
def test_a_zz_phase_twirls_to_z_errors_of_a_quarter_sin_squared(phase: float) -> None:
    """diag(1, 1, 1, e^(−iφ)): p_ZI = p_IZ = p_ZZ = sin²(φ/2)/4, as from the superoperator."""
    diagonal = (1, 1, 1, complex(np.exp(-1j * phase)))
    twirled = dict(twirled_diagonal_unitary(diagonal))
    for label in ("IZ", "ZI", "ZZ"):
        assert twirled[label] == pytest.approx(math.sin(phase / 2) ** 2 / 4, abs=1e-14)
    superoperator = np.kron(np.diag(np.conj(diagonal)), np.diag(diagonal))
    assert dict(twirled_probabilities(superoperator, 2)) == pytest.approx(twirled, abs=1e-14)


def moved(first: np.ndarray, second: np.ndarray, state: DensityMatrix, qargs: list[int]) -> float:
    """½‖(E₁ − E₂) ⊗ id (ρ)‖₁ for superoperators E₁, E₂ on ``qargs`` of ``state``."""
    difference = state.evolve(SuperOp(first), qargs=qargs).data - state.evolve(SuperOp(second), qargs=qargs).data
    return float(0.5 * np.abs(np.linalg.eigvalsh(difference)).sum())


def test_the_twirls_bound_holds_on_entangled_inputs_and_is_tight_within_its_factor() -> None:
    """½‖(E − T(E)) ⊗ id (ψ)‖₁ over the maximally entangled input and random pure inputs with an ancilla is at most
    the bound, and the bound is at most the dimension times the largest of them (‖Φ‖⋄ ≥ ‖J(Φ)‖₁ / d)."""
    channel = derived_channels()[-1]
    original, twirled = channel.superoperator(), pauli_twirl(channel).superoperator()
    bound = twirl_error_bound(channel)
    bell = DensityMatrix(np.array([1, 0, 0, 1]) / np.sqrt(2))
    rng = np.random.default_rng(3)
    pure = [DensityMatrix(random_statevector(4, seed=rng)) for _ in range(300)]
    worst = max(moved(original, twirled, state, [0]) for state in [bell, *pure])
    assert 0 < worst <= bound <= 2 * worst + 1e-12  # the maximally entangled input attains ‖J‖₁ / d


def test_the_zz_phases_bound_holds_with_an_ancilla() -> None:
    phase_diagonal = (1, 1, 1, complex(np.exp(-0.3j)))
    unitary = np.kron(np.diag(np.conj(phase_diagonal)), np.diag(phase_diagonal))
    zz = GateChannel(2, tuple(twirled_diagonal_unitary(phase_diagonal)), (None, None)).superoperator()
    rng = np.random.default_rng(4)
    states = [DensityMatrix(random_statevector(8, seed=rng)) for _ in range(100)]
    worst = max(moved(unitary, zz, state, [0, 1]) for state in states)
    assert 0 < worst <= diagonal_twirl_error_bound(phase_diagonal)


def test_a_diagonal_unitary_twirls_with_each_qubits_own_z() -> None:
    """A phase on |1⟩ of qubit 0 only and a ZZ-type phase on qubits 0 and 2 of three: only IIZ, ZIZ and ZII (bit
    order: qubit 0 is the label's last letter) appear, with the Walsh–Hadamard weights of the phases."""
    states = np.arange(8)
    phases = 0.4 * (states & 1) + 0.9 * ((states & 1) & (states >> 2 & 1))
    twirled = dict(twirled_diagonal_unitary(tuple(np.exp(1j * phases))))
    assert set(twirled) == {"III", "IIZ", "ZIZ", "ZII"}
    superoperator = np.kron(np.diag(np.exp(-1j * phases)), np.diag(np.exp(1j * phases)))
    from_superoperator = {label: p for label, p in twirled_probabilities(superoperator, 3) if p > 1e-14}  # not rounding
    assert from_superoperator == pytest.approx(twirled, abs=1e-14)
