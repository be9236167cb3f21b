"""Explaining a result: which noise costs most (error budget), and how the result moves with it (sweeps).

``error_budget`` and ``sweep`` share one preparation (``experiment.prepare_experiment``: the
circuit transpiled once) and one evaluator of noise variants (``experiment.run_variants``), which
runs here or on any ``concurrent.futures.Executor`` (e.g. a Dask cluster).

Against the hardware: ``load_counts`` reads measured counts, ``compare_counts`` sets them against
the model, ``fit_noise`` fits what-if factors to them (``factor_model.FactorModel``: the exact
model as a function of the factors), and ``plan_fit_circuits`` gives the circuits a fit needs.

Against an export: ``classiq_approximation_cost`` says how far Classiq's approximation moves one circuit's result.
"""

from noise_core.analysis.approximation import ApproximationCost, classiq_approximation_cost
from noise_core.analysis.budget import ErrorBudget, error_budget
from noise_core.analysis.compare import Comparison, compare_counts
from noise_core.analysis.counts import MeasuredCounts, load_counts
from noise_core.analysis.experiment import Experiment, Variant, prepare_experiment, run_variants
from noise_core.analysis.fit import NoiseFit, fit_noise
from noise_core.analysis.planning import FitPlan, plan_fit_circuits
from noise_core.analysis.sweep import MAX_SWEEP_POINTS, factor_reaching, sweep

__all__ = [
    "MAX_SWEEP_POINTS",
    "ApproximationCost",
    "Comparison",
    "ErrorBudget",
    "Experiment",
    "FitPlan",
    "MeasuredCounts",
    "NoiseFit",
    "Variant",
    "classiq_approximation_cost",
    "compare_counts",
    "error_budget",
    "factor_reaching",
    "fit_noise",
    "load_counts",
    "plan_fit_circuits",
    "prepare_experiment",
    "run_variants",
    "sweep",
]
