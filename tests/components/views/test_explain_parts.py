"""The Explain page's words for budgets and sweeps run with an approximate method."""

from __future__ import annotations

from components.views.explain import APPROXIMATE_RUNS, approximate_runs
from noise_core.simulation.methods import APPROXIMATE_METHODS, METHODS


def test_every_approximate_method_and_only_those_says_so_on_budgets_and_sweeps() -> None:
    assert set(APPROXIMATE_RUNS) == APPROXIMATE_METHODS
    for method in METHODS:
        assert approximate_runs(method).startswith(" Approximate: ") == (method in APPROXIMATE_METHODS)
