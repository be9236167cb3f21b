"""Explaining a result: which noise costs most (error budget), and how the result moves with it (sweeps).

``error_budget`` and ``sweep`` share one preparation (``experiment.prepare_experiment``: the
circuit transpiled once) and one evaluator of noise variants (``experiment.run_variants``), which
runs here or on any ``concurrent.futures.Executor`` (e.g. a Dask cluster).
"""

from noise_core.analysis.budget import ErrorBudget, error_budget
from noise_core.analysis.experiment import Experiment, Variant, prepare_experiment, run_variants
from noise_core.analysis.sweep import MAX_SWEEP_POINTS, factor_reaching, sweep

__all__ = [
    "MAX_SWEEP_POINTS",
    "ErrorBudget",
    "Experiment",
    "Variant",
    "error_budget",
    "factor_reaching",
    "prepare_experiment",
    "run_variants",
    "sweep",
]
