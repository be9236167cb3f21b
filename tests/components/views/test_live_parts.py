"""The live result's pure parts: the shot-noise band, outcome choice and order, what-if equality, the budget error."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from components.figures.results import build_histogram_figure, shown_outcomes
from components.work.requests import NO_WHAT_IF, WhatIf
from noise_core import NoiseSpec
from noise_core.errors import OverBudgetError
from noise_core.simulation.circuits import ghz
from noise_core.simulation.result import shot_noise_interval
from noise_core.simulation.simulate import plan_simulation


def test_the_shot_noise_band_is_the_wilson_interval_and_covers_the_frequency() -> None:
    counts = pd.Series({"00": 0, "01": 40, "11": 960})
    interval = shot_noise_interval(counts, 1000)
    assert interval.loc["00", "low"] == 0.0 and interval.loc["00", "high"] == pytest.approx(3.83e-3, rel=1e-2)
    assert (interval["low"] <= counts / 1000).all() and (counts / 1000 <= interval["high"]).all()
    assert interval.loc["01", "low"] == pytest.approx(0.029511, rel=1e-4)  # Wilson, z = 1.96
    with pytest.raises(ValueError, match="shots must be at least 1"):
        shot_noise_interval(counts, 0)


def test_outcomes_are_chosen_by_likelihood_then_ordered_as_asked() -> None:
    table = pd.DataFrame(
        {"ideal": [0.5, 0.5, 0.0], "noisy": [0.4, 0.45, 0.15], "ideal_counts": [1, 1, 0], "noisy_counts": [1, 1, 1]},
        index=pd.Index(["111", "000", "010"], name="outcome"),
    )
    assert list(shown_outcomes(table, top=2, order="bitstring").index) == ["000", "111"]
    assert list(shown_outcomes(table, top=3, order="noisy").index) == ["000", "111", "010"]
    assert build_histogram_figure(table, top=2, log_scale=True).layout.yaxis.type == "log"


def test_a_what_if_without_a_qubit_ignores_its_flips() -> None:
    assert WhatIf(p1_given_0=0.3, p0_given_1=0.1) == NO_WHAT_IF
    assert WhatIf(p1_given_0=0.3, p0_given_1=0.1).is_identity
    assert WhatIf(qubit=2, p1_given_0=0.3) != NO_WHAT_IF


def test_the_budget_error_crosses_a_process_boundary_with_its_plan() -> None:
    plan = plan_simulation(ghz(3), NoiseSpec(), shots=10, seed=1)
    copy = pickle.loads(pickle.dumps(OverBudgetError(plan, 0.5)))
    assert copy.plan == plan and copy.budget_seconds == 0.5
    assert "over the 0.5 s asked for" in str(copy)
