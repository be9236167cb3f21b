"""What Classiq's approximation of a model does to one circuit's result."""

from __future__ import annotations

import pytest

from noise_core import NoiseSpec, approximate_for_classiq, derive_noise_spec, simulate
from noise_core.analysis import classiq_approximation_cost
from noise_core.simulation.circuits import ghz
from noise_core.simulation.result import total_variation_distance
from presets import load_preset

MANILA = load_preset("ibmq_manila")


def test_the_cost_is_the_tvd_between_the_model_and_its_approximation_run_alike() -> None:
    """The derived model loses its idle relaxation and folds its relaxation into depolarizing λ: the cost is the
    TVD between the two exact results, with the approximation's notes."""
    spec = derive_noise_spec(MANILA)
    cost = classiq_approximation_cost(ghz(4), spec, calibration=MANILA, seed=5, idle_noise=True)
    folded, notes = approximate_for_classiq(spec)
    model = simulate(ghz(4), spec, calibration=MANILA, seed=5, idle_noise=True)
    approximation = simulate(ghz(4), folded, calibration=MANILA, seed=5, idle_noise=True)
    expected = total_variation_distance(model.noisy_probabilities, approximation.noisy_probabilities)
    assert cost.exact and cost.notes == tuple(notes)
    assert cost.tvd == pytest.approx(expected, abs=1e-15)
    assert cost.tvd > 1e-4  # dropping GHZ(4)'s waits and folding T1/T2 shows


def test_an_exactly_expressible_model_costs_nothing_and_a_sampled_run_says_so() -> None:
    exact = NoiseSpec.model_validate(
        {"gate_depolarizing_errors": [{"gate": "cx", "num_qubits": 2, "probability": 0.02}]}
    )
    assert classiq_approximation_cost(ghz(3), exact, seed=1).tvd == 0.0
    spec = derive_noise_spec(MANILA)
    sampled = classiq_approximation_cost(ghz(3), spec, calibration=MANILA, seed=1, method="trajectories", shots=2000)
    assert not sampled.exact and sampled.shots == 2000 and 0.0 < sampled.tvd < 1.0
