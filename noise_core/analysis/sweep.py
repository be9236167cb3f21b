"""``sweep``: a circuit's metrics as what-if factors vary (1-D, 2-D or all three), here or on a cluster.

Every point is the spec scaled by ``scale_noise`` at that point's factors (the factors not swept
stay 1). The circuit is transpiled and placed once for the whole sweep; exact points go to Aer
as one batch per task (``experiment.run_variants``). With ``executor`` (any
``concurrent.futures.Executor``: a process pool, or ``distributed.Client(address).get_executor()``)
the points are split into tasks, each shipping the placed circuit and the spec restricted to its
qubits. Results do not depend on the split.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit
from typing_extensions import Unpack

from noise_core.analysis.experiment import Variant, prepare_experiment, run_variants
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import AnalysisError
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.options import RunOptions, RunShortcuts
from noise_core.spec.factors import FACTOR_KINDS, checked_factor
from noise_core.spec.models import NoiseSpec
from noise_core.spec.scaling import scale_noise

MAX_SWEEP_POINTS = 441
"""At most this many points (21 × 21) in one sweep: each is a simulation."""


def sweep(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    options: RunOptions | None = None,
    *,
    factors: Mapping[str, Sequence[float]],
    calibration: BackendCalibration | None = None,
    executor: Executor | None = None,
    chunks: int | None = None,
    **shortcuts: Unpack[RunShortcuts],
) -> pd.DataFrame:
    """The metrics of ``circuit`` at every combination of ``factors`` (e.g. ``{"gate": [0, 0.5, 1, 2]}``).

    ``factors`` maps gate, readout and/or relaxation to their values (finite, ≥ 0). Returns
    one row per point: the swept factors, then success_probability (NaN without expected outcomes),
    total_variation_distance, hellinger_fidelity, and exact (density matrix, else sampled with
    ``shots``). ``frame.attrs`` holds method, active_qubits, simulations and seed (drawn when none was
    given). Every point is checked with ``scale_noise`` (on the spec restricted to the circuit's
    qubits) before any noisy run: a factor past a channel's limit raises ``ScalingError`` naming the
    entry and the largest allowed factor.
    """
    grid = _grid(factors)
    experiment = prepare_experiment(circuit, spec, options, calibration=calibration, **shortcuts)
    restricted = experiment.spec()
    variants = [Variant.of(point) for point in grid]
    for variant in variants:
        scale_noise(restricted, variant.factors)
    results, runs = run_variants(experiment, variants, executor=executor, chunks=chunks)
    frame = pd.DataFrame(grid)
    frame["success_probability"] = [
        math.nan if m.success_probability is None else m.success_probability for m in results
    ]
    frame["total_variation_distance"] = [m.total_variation_distance for m in results]
    frame["hellinger_fidelity"] = [m.hellinger_fidelity for m in results]
    frame["exact"] = [m.exact for m in results]
    frame.attrs.update(
        method=experiment.method,
        active_qubits=list(experiment.placed.active_qubits),
        simulations=1 + runs,
        seed=experiment.seed,
    )
    return frame


def _grid(factors: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of the factor values, the first factor varying slowest."""
    if not isinstance(factors, Mapping):
        raise AnalysisError(
            f"factors must map {', '.join(FACTOR_KINDS[:-1])} or {FACTOR_KINDS[-1]} to lists of values; "
            f"got {factors!r:.60}"
        )
    if not factors:
        raise AnalysisError(f"sweep at least one factor of {', '.join(FACTOR_KINDS)}")
    unknown = sorted(set(factors) - set(FACTOR_KINDS))
    if unknown:
        raise AnalysisError(f"unknown factor {unknown[0]!r}; sweep {', '.join(FACTOR_KINDS)}")
    for name, listed in factors.items():
        if isinstance(listed, (str, bytes)) or not isinstance(listed, Iterable):
            raise AnalysisError(f"{name} factors must be a list of numbers; got {listed!r:.60}")
    values = {name: [checked_factor(name, value) for value in factors[name]] for name in factors}
    for name, listed in values.items():
        if not listed:
            raise AnalysisError(f"factor {name!r} has no values; give at least one")
    size = math.prod(len(listed) for listed in values.values())
    if size > MAX_SWEEP_POINTS:
        raise AnalysisError(f"{size} sweep points is over the limit of {MAX_SWEEP_POINTS}; use fewer values")
    names = list(values)
    return [dict(zip(names, point, strict=True)) for point in itertools.product(*values.values())]


def factor_reaching(
    frame: pd.DataFrame, *, factor: str, target: float, metric: str = "success_probability"
) -> float | None:
    """The factor at which ``metric`` first reaches ``target`` along a 1-D sweep, by linear interpolation.

    Walks the points in increasing factor; returns the factor where the metric crosses (or
    touches) ``target`` between two neighbouring points, or None when it never does within the
    sweep. E.g. with ``metric="success_probability"`` and a gate sweep, the gate factor at which
    success falls to (or rises to) ``target``.
    """
    if frame[factor].duplicated().any():
        raise AnalysisError(f"factor_reaching needs a 1-D sweep of {factor}; this frame repeats its values")
    ordered = frame.sort_values(factor)
    x = ordered[factor].to_numpy(dtype=float)
    y = ordered[metric].to_numpy(dtype=float) - target
    if np.isnan(y).any():
        raise AnalysisError(f"the sweep has no {metric} at some points (no expected outcomes?); choose another metric")
    for index in range(len(x)):
        if y[index] == 0.0:
            return float(x[index])
        if index and np.sign(y[index]) != np.sign(y[index - 1]):
            fraction = y[index - 1] / (y[index - 1] - y[index])
            return float(x[index - 1] + fraction * (x[index] - x[index - 1]))
    return None
