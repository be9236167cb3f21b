"""The server's speed, learned from its recent runs: the median measured/estimated ratio per method, bounded,
rounded, each result counted once, and a plan made in this server's seconds."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pandas as pd
import pytest

from components.runtime.run_speed import FACTOR_BOUNDS, LEARN_FROM_SECONDS, RunSpeed
from noise_core import NoiseSpec, SimulationResult, simulate
from noise_core.simulation import plan_simulation
from noise_core.simulation.circuits import ghz
from noise_core.simulation.methods import SimulationLimits


@cache
def base() -> SimulationResult:
    return simulate(ghz(3), NoiseSpec(readout_bit_flip_probability=0.01), shots=10, seed=1)


def run(method: str, estimated: float, measured: float) -> SimulationResult:
    timings = pd.Series({"simulate ideal": 0.1 * measured, "simulate noisy": 0.9 * measured, "total": measured})
    return replace(base(), method=method, model_seconds=estimated, timings=timings)


def test_the_factor_is_the_median_ratio_of_a_methods_recent_runs_rounded_to_quarter_doublings() -> None:
    speed = RunSpeed()
    assert speed.factor("trajectories") == 1.0 and speed.factors() == ()
    for measured in (1.4, 1.5, 9.0):  # one outlier does not move the median
        speed.record(run("trajectories", 1.0, measured))
    assert speed.factor("trajectories") == pytest.approx(2**0.5)  # 1.5 → the nearest 2^(k/4)
    assert speed.factor("density_matrix") == 1.0
    speed.record(run("density_matrix", 2.0, 1.0))
    assert dict(speed.factors()) == {"density_matrix": pytest.approx(0.5), "trajectories": pytest.approx(2**0.5)}


def test_short_runs_are_not_learned_from_a_result_counts_once_and_factors_stay_bounded() -> None:
    speed = RunSpeed()
    speed.record(run("stabilizer", LEARN_FROM_SECONDS / 2, 10.0))  # fixed costs dominate
    assert speed.factor("stabilizer") == 1.0
    served_again = run("stabilizer", 1.0, 3.0)
    for _ in range(5):
        speed.record(served_again)  # the same result, served again from a cache: learned from once
    speed.record(run("stabilizer", 1.0, 1.0))
    speed.record(run("stabilizer", 1.0, 1.0))
    assert speed.factor("stabilizer") == 1.0  # the median of 3, 1, 1 (of 3, 3, 3, 3, 3, 1, 1 it would be 2.8)
    paused = RunSpeed()
    paused.record(run("trajectories", 1.0, 100.0))  # a machine paused mid-run
    assert paused.factor("trajectories") == FACTOR_BOUNDS[1]


def test_a_plan_is_made_in_this_machines_seconds() -> None:
    spec = NoiseSpec(readout_bit_flip_probability=0.01)
    model = plan_simulation(ghz(3), spec, shots=100, seed=1)
    slower = plan_simulation(ghz(3), spec, shots=100, seed=1, limits=SimulationLimits(speed=(("density_matrix", 3.0),)))
    assert slower.estimated_seconds == pytest.approx(3.0 * model.estimated_seconds)
    result = simulate(ghz(3), spec, shots=100, seed=1, limits=SimulationLimits(speed=(("density_matrix", 3.0),)))
    assert result.model_seconds == pytest.approx(model.estimated_seconds)  # what the learner compares with


@pytest.mark.parametrize("factor", [0.0, -1.0, float("nan"), float("inf")])
def test_a_speed_factor_that_is_not_a_positive_number_is_refused(factor: float) -> None:
    from noise_core import SimulationError

    with pytest.raises(SimulationError, match=r"speed factors must be finite and positive"):
        SimulationLimits(speed=(("trajectories", factor),))
