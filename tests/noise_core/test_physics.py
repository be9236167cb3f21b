"""The closed-form physics against Aer's own channel objects and Qiskit's fidelity functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit.quantum_info import Choi, Kraus, SuperOp, average_gate_fidelity, process_fidelity
from qiskit_aer.noise import depolarizing_error, thermal_relaxation_error

from noise_core.physics import (
    Relaxation,
    excited_state_population,
    match_depolarizing,
    relaxation_process_fidelity,
)
from noise_core.physics import (
    average_gate_fidelity as closed_form_average_fidelity,
)
from noise_core.spec.gates import depolarizing_error_limit, max_depolarizing_probability

RELAXATIONS = [
    Relaxation(100e3, 80e3, 35.5),  # T2 < T1: Aer builds a reset mixture
    Relaxation(100e3, 190e3, 60.0),  # T1 < T2 ≤ 2·T1: Aer builds Kraus operators
    Relaxation(50e3, 100e3, 5000.0, 0.05),  # T2 = 2·T1 exactly, hot qubit, long gate
    Relaxation(None, 30e3, 500.0),  # T1 unknown: pure dephasing
    Relaxation(20e3, 10e3, 1e6, 0.3),  # t ≫ T1: close to the equilibrium state
]


def aer_relaxation(relaxation: Relaxation):
    t1 = math.inf if relaxation.t1 is None else relaxation.t1
    t2 = math.inf if relaxation.t2 is None else relaxation.t2
    return thermal_relaxation_error(t1, t2, relaxation.time, relaxation.excited_state_population)


@pytest.mark.parametrize("relaxation", RELAXATIONS, ids=repr)
def test_kraus_operators_are_aers_thermal_relaxation_channel(relaxation: Relaxation) -> None:
    ours = SuperOp(Kraus(relaxation.kraus_operators())).data
    np.testing.assert_allclose(ours, SuperOp(aer_relaxation(relaxation)).data, atol=1e-14)


@pytest.mark.parametrize("relaxation", RELAXATIONS, ids=repr)
def test_kraus_operators_are_trace_preserving(relaxation: Relaxation) -> None:
    completeness = sum(k.conj().T @ k for k in relaxation.kraus_operators())
    np.testing.assert_allclose(completeness, np.eye(2), atol=1e-14)


@pytest.mark.parametrize("relaxation", RELAXATIONS, ids=repr)
def test_process_fidelity_matches_qiskit(relaxation: Relaxation) -> None:
    assert relaxation.process_fidelity == pytest.approx(process_fidelity(aer_relaxation(relaxation)), abs=1e-14)


@pytest.mark.parametrize(
    "relaxation",
    [Relaxation(100e3, 80e3, 0.0), Relaxation(None, None, 300.0), Relaxation(None, None, 0.0, 0.2)],
    ids=repr,
)
def test_zero_time_or_infinite_times_is_the_identity(relaxation: Relaxation) -> None:
    assert relaxation.is_identity
    assert relaxation.process_fidelity == 1.0
    np.testing.assert_allclose(SuperOp(Kraus(relaxation.kraus_operators())).data, np.eye(4), atol=1e-15)


def test_two_qubit_relaxation_fidelity_is_the_product() -> None:
    first, second = RELAXATIONS[0], RELAXATIONS[1]
    tensor = aer_relaxation(first).expand(aer_relaxation(second))
    assert relaxation_process_fidelity([first, second]) == pytest.approx(process_fidelity(tensor), abs=1e-14)
    expected = average_gate_fidelity(tensor)
    assert closed_form_average_fidelity(first.process_fidelity * second.process_fidelity, 2) == pytest.approx(
        expected, abs=1e-14
    )


def test_excited_state_population_limits_and_value() -> None:
    assert excited_state_population(5e9, 0.0) == 0.0
    assert excited_state_population(None, 50.0) == 0.0
    assert excited_state_population(5e9, 1e9) == pytest.approx(0.5, abs=1e-6)  # hot: equal populations
    # 5 GHz at 50 mK: h·f/(k_B·T) = 47.99243e-9 · 5e9 / 50 = 4.799243
    assert excited_state_population(5e9, 50.0) == pytest.approx(1 / (1 + math.exp(4.799243)), rel=1e-12)


@pytest.mark.parametrize("num_qubits", [1, 2])
@pytest.mark.parametrize("gate_error", [1e-4, 3e-3, 0.05])
def test_matched_depolarizing_reproduces_the_reported_gate_error(num_qubits: int, gate_error: float) -> None:
    relaxations = [Relaxation(120e3, 90e3, 300.0), Relaxation(80e3, 150e3, 300.0)][:num_qubits]
    relaxation_channel = aer_relaxation(relaxations[0])
    for extra in relaxations[1:]:
        relaxation_channel = relaxation_channel.expand(aer_relaxation(extra))
    fidelity = closed_form_average_fidelity(relaxation_process_fidelity(relaxations), num_qubits)
    matched = match_depolarizing(gate_error, fidelity, num_qubits)
    if matched.probability is None:
        assert gate_error <= matched.relaxation_error
        return
    combined = depolarizing_error(matched.probability, num_qubits).compose(relaxation_channel)
    assert 1 - average_gate_fidelity(combined) == pytest.approx(gate_error, abs=1e-13)
    assert matched.model_error == pytest.approx(gate_error, abs=1e-13)


def test_error_below_the_relaxation_error_adds_no_depolarizing_term() -> None:
    fidelity = closed_form_average_fidelity(Relaxation(10e3, 5e3, 500.0).process_fidelity, 1)
    matched = match_depolarizing(1e-4, fidelity, 1)
    assert matched.probability is None
    assert matched.model_error == pytest.approx(1 - fidelity)
    assert matched.model_error > 1e-4


@pytest.mark.parametrize("num_qubits", [1, 2])
def test_without_relaxation_the_limit_is_full_depolarization(num_qubits: int) -> None:
    dimension = 2**num_qubits
    matched = match_depolarizing(0.01, 1.0, num_qubits)
    assert matched.probability == pytest.approx(dimension * 0.01 / (dimension - 1))
    at_limit = match_depolarizing(1.0, 1.0, num_qubits)
    assert at_limit.clipped_error == depolarizing_error_limit(num_qubits)
    assert at_limit.probability == pytest.approx(max_depolarizing_probability(num_qubits))


def test_clipped_error_with_relaxation_caps_lambda_and_reports_the_model_error() -> None:
    fidelity = closed_form_average_fidelity(Relaxation(50e3, 40e3, 300.0).process_fidelity, 1)
    matched = match_depolarizing(1.0, fidelity, 1)
    assert matched.probability == max_depolarizing_probability(1)
    channel = depolarizing_error(matched.probability, 1).compose(aer_relaxation(Relaxation(50e3, 40e3, 300.0)))
    assert matched.model_error == pytest.approx(1 - average_gate_fidelity(channel), abs=1e-13)
    assert matched.model_error < depolarizing_error_limit(1)


def test_aer_relaxation_drops_a_small_choi_eigenvalue() -> None:
    """Qubit 2 of ibm_algiers at 40 mK over its 284 ns cx: Aer's channel is 4.4e-9 off its Choi matrix."""
    relaxation = Relaxation(102977.9723070978, 205955.9446141956, 284.4444444444445, 0.0023221816556677705)
    p_reset, coherence, excited = relaxation.reset_probability, relaxation.coherence_factor, 0.0023221816556677705
    choi = np.array(
        [
            [1 - excited * p_reset, 0, 0, coherence],
            [0, excited * p_reset, 0, 0],
            [0, 0, (1 - excited) * p_reset, 0],
            [coherence, 0, 0, 1 - (1 - excited) * p_reset],
        ]
    )
    assert np.linalg.eigvalsh(choi)[0] < 1e-8  # below the truncation threshold of Qiskit's Kraus conversion
    exact = SuperOp(Choi(choi)).data
    ours = SuperOp(Kraus(relaxation.kraus_operators())).data
    aer = SuperOp(aer_relaxation(relaxation)).data
    assert np.abs(ours - exact).max() < 1e-15
    assert 1e-9 < np.abs(aer - exact).max() < 1e-8
