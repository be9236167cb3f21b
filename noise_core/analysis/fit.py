"""``fit_noise``: the factors of a model that best explain measured counts, with 95 % profile-likelihood intervals.

- Estimate: maximum likelihood over the multinomial counts of every circuit,
  θ̂ = argmax Σ n·ln q(θ) on [0, upper]ᵏ (L-BFGS-B from several starts), q from ``FactorModel``:
  the model scaled by ``scale_noise``'s factors (gate, readout, relaxation, idle), or per-qubit
  readout factors.
- Interval: {t : 2·(ℓ(θ̂) − max over the other factors of ℓ(t, …)) ≤ χ²₁(0.95) = 3.84}, the
  profile-likelihood interval (Venzon & Moolgavkar 1988), ends found with Brent's method.
- Identifiability: a factor whose profile stays within 1.92 of the maximum up to the top of its
  search range is not identified by these counts (Raue et al. 2009, practical non-identifiability):
  its interval is open at the top and the fit says which circuits would pin it; so is a factor
  along a direction where the expected (Fisher) information is singular. Correlations from the
  inverse information say which factors trade off against each other. An estimate at the top of
  its search range is said so: the counts ask for more than ``max_factor`` allows.
- Goodness of fit of the fitted model (``goodness``; refitted on every bootstrap draw) and of the
  calibrated model (every factor 1), so the improvement is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from noise_core.analysis.compare import Comparison, check_draws, comparison_at
from noise_core.analysis.counts import MeasuredCounts
from noise_core.analysis.factor_model import Factor, FactorModel
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.spec.models import NoiseSpec
from noise_core.spec.provenance import FitRecord

PROFILE_DROP = float(stats.chi2.ppf(0.95, 1)) / 2.0
"""1.92: how far below its maximum the profile log-likelihood falls at the ends of a 95 % interval."""
START_FACTORS = (1.0, 0.5, 2.0)
"""The fit starts from every factor at each of these values (kept inside the search range)."""
STRONG_CORRELATION = 0.9
"""Correlations above this are named in the notes: the data barely separates the two factors."""
INTERPOLATION_TOLERANCE = 1e-6
"""Largest |interpolated − exact| probability at the estimate before the fit warns (sampling errors of
4000 shots are ~1e-3 and above)."""


@dataclass(frozen=True)
class NoiseFit:
    """Fitted factors with intervals, the goodness of fit before and after, and the fitted spec."""

    estimates: pd.DataFrame
    """By factor: estimate, low, high (95 % profile likelihood), upper (search range), identified, note."""
    log_likelihood: float
    calibrated_log_likelihood: float
    """At every factor 1: the model as derived."""
    fitted: Comparison
    calibrated: Comparison
    correlations: pd.DataFrame
    spec: NoiseSpec
    """The whole device's spec with the fitted factors applied (and a ``FitRecord`` when it has provenance)."""
    source: str
    sha256: str
    simulations: int
    interpolation_error: float
    """Largest |interpolated − exact| model probability at the estimate (``FactorModel``)."""
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        """'fitted to counts.json (sha256 1a2b3c4d5e6f…)'."""
        return f"fitted to {self.source} (sha256 {self.sha256[:12]}…)"


def fit_noise(
    spec: NoiseSpec,
    data: MeasuredCounts,
    *,
    calibration: BackendCalibration | None = None,
    parameters: Sequence[str] = ("gate", "readout"),
    max_factor: float = 5.0,
    seed: int = 0,
    draws: int = 200,
) -> NoiseFit:
    """Fit ``parameters`` (gate, readout, relaxation, idle, readout_per_qubit) of ``spec`` to ``data``.

    Each factor is searched on [0, min(max_factor, its physical limit)]. ``seed`` places circuits
    that name no physical qubits and seeds the bootstrap (``draws`` refits) where χ² asymptotics fail.
    """
    check_draws(draws)
    model = FactorModel(spec, data, calibration=calibration, parameters=parameters, max_factor=max_factor, seed=seed)
    counts = [circuit.measured for circuit in model.circuits]
    theta, best = maximize(model, counts)
    intervals = [profile_interval(model, counts, theta, best, index) for index in range(len(theta))]
    information = fisher_information(model, theta)
    correlations = _correlations(information, model.names)
    estimates = _estimates(model, theta, intervals, correlations, _flat_directions(information))

    def refit(sample: list[np.ndarray]) -> list[np.ndarray]:
        return model.probabilities(maximize(model, sample, starts=[theta])[0])

    fitted = comparison_at(model, model.probabilities(theta), fitted=len(theta), draws=draws, seed=seed, refit=refit)
    calibrated = comparison_at(model, model.probabilities(model.start()), fitted=0, draws=draws, seed=seed)
    interpolation_error = model.interpolation_error(theta)
    warnings: tuple[str, ...] = ()
    if interpolation_error > INTERPOLATION_TOLERANCE:
        warnings = (
            f"the model between its exact grid points is off by up to {interpolation_error:.1e} in probability "
            "at the estimate (a gate at its maximum, or very many noisy gates): treat the intervals with care",
        )
    return NoiseFit(
        estimates=estimates,
        log_likelihood=best,
        calibrated_log_likelihood=model.log_likelihood(model.start()),
        fitted=fitted,
        calibrated=calibrated,
        correlations=correlations,
        spec=_recorded(model.scaled_spec(theta, spec), data, estimates, model.qubits),
        source=data.source,
        sha256=data.sha256,
        simulations=model.simulations,
        interpolation_error=interpolation_error,
        warnings=warnings,
    )


def maximize(
    model: FactorModel,
    counts: Sequence[np.ndarray],
    *,
    starts: Sequence[np.ndarray] | None = None,
    fixed: tuple[int, float] | None = None,
) -> tuple[np.ndarray, float]:
    """The factors of largest log-likelihood of ``counts`` (with factor ``fixed[0]`` held at ``fixed[1]``), and it."""
    size = len(model.factors)
    free = [index for index in range(size) if fixed is None or index != fixed[0]]
    bounds = [model.bounds[index] for index in free]
    shots = float(sum(n.sum() for n in counts))

    def full(x: np.ndarray) -> np.ndarray:
        theta = np.empty(size)
        theta[free] = x
        if fixed is not None:
            theta[fixed[0]] = fixed[1]
        return theta

    def objective(x: np.ndarray) -> float:
        return -model.log_likelihood(full(x), counts) / shots

    if starts is None:
        upper = np.array([high for _low, high in model.bounds])
        starts = [np.minimum(value, upper) for value in START_FACTORS]
    if not free:
        theta = full(np.empty(0))
        return theta, model.log_likelihood(theta, counts)
    options = {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 1000}
    results = [
        optimize.minimize(objective, np.asarray(start)[free], method="L-BFGS-B", bounds=bounds, options=options)
        for start in starts
    ]
    best = min(results, key=lambda result: result.fun)
    return full(best.x), -best.fun * shots


def profile_interval(
    model: FactorModel, counts: Sequence[np.ndarray], theta: np.ndarray, best: float, index: int
) -> tuple[float, float, bool]:
    """(low, high, bounded above) of factor ``index``'s 95 % profile-likelihood interval; an end that the
    profile never crosses inside [0, upper] is that bound (0 is physical: data consistent with no such noise)."""

    previous = [theta]

    def drop(value: float) -> float:
        """How far the profile at ``value`` is below the 95 % threshold; started from the estimate and from the
        last profile point (warm), the better kept."""
        point, likelihood = maximize(model, counts, starts=[theta, previous[-1]], fixed=(index, value))
        previous.append(point)
        return best - likelihood - PROFILE_DROP

    estimate, upper = float(theta[index]), model.factors[index].upper
    bounded = estimate < upper and drop(upper) > 0.0
    high = float(optimize.brentq(drop, estimate, upper, xtol=1e-6)) if bounded else upper
    low = float(optimize.brentq(drop, 0.0, estimate, xtol=1e-6)) if estimate > 0.0 and drop(0.0) > 0.0 else 0.0
    return low, high, bounded


def fisher_information(model: FactorModel, theta: np.ndarray) -> np.ndarray:
    """The expected (Fisher) information Σ_circuits N·Σ_outcomes (∂q/∂θᵢ)(∂q/∂θⱼ)/q at ``theta``: central
    differences of the model's probabilities, kept inside the search range; outcomes with q < 1e-12 left out
    (their weight 1/q would rest on rounding)."""
    step = 1e-5
    upper = np.array([high for _low, high in model.bounds])
    centre = np.clip(theta, step, upper - step)
    columns = []
    for index in range(len(theta)):
        shift = np.eye(len(theta))[index] * step
        up, down = model.probabilities(centre + shift), model.probabilities(centre - shift)
        columns.append([(a - b) / (2 * step) for a, b in zip(up, down, strict=True)])
    information = np.zeros((len(theta), len(theta)))
    for circuit_index, (circuit, q) in enumerate(zip(model.circuits, model.probabilities(centre), strict=True)):
        gradient = np.array([column[circuit_index] for column in columns])
        weight = np.where(q > 1e-12, 1.0 / np.maximum(q, 1e-12), 0.0)
        information += circuit.measured.sum() * (gradient * weight) @ gradient.T
    return information


def _flat_directions(information: np.ndarray) -> np.ndarray:
    """Per factor, True when it lies along a direction the information does not see (structurally unidentified:
    eigenvalue below 1e-9 of the largest, component above 0.1)."""
    values, vectors = np.linalg.eigh(information)
    flat = vectors[:, values <= 1e-9 * max(values.max(), 1e-300)]
    return np.asarray(np.any(np.abs(flat) > 0.1, axis=1), dtype=bool)


def _correlations(information: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Correlations of the factors from the inverse information; NaN when it is (nearly) singular."""
    size = len(names)
    if np.linalg.cond(information) > 1e12:
        return pd.DataFrame(np.full((size, size), np.nan), index=names, columns=names)
    covariance = np.linalg.inv(information)
    diagonal = np.diag(covariance)
    matrix = (
        covariance / np.sqrt(np.outer(diagonal, diagonal)) if np.all(diagonal > 0) else np.full((size, size), np.nan)
    )
    return pd.DataFrame(matrix, index=names, columns=names)


def _estimates(
    model: FactorModel,
    theta: np.ndarray,
    intervals: list[tuple[float, float, bool]],
    correlations: pd.DataFrame,
    flat: np.ndarray,
) -> pd.DataFrame:
    rows = []
    for index, factor in enumerate(model.factors):
        low, high, bounded = intervals[index]
        at_limit = bool(theta[index] >= factor.upper * (1 - 1e-6))
        bounded = bounded and not flat[index] and not at_limit
        rows.append(
            {
                "factor": factor.name,
                "estimate": float(theta[index]),
                "low": low,
                "high": high,
                "upper": factor.upper,
                "identified": bounded,
                "note": _note(factor, low, bounded, bool(flat[index]), at_limit, correlations),
            }
        )
    return pd.DataFrame(rows).set_index("factor")


def _note(factor: Factor, low: float, bounded: bool, flat: bool, at_limit: bool, correlations: pd.DataFrame) -> str:
    """What a user should know about one factor's estimate, in words."""
    others = correlations[factor.name].drop(factor.name).abs()
    partner = others.idxmax() if len(others) and others.max() > STRONG_CORRELATION else None
    trade = (
        f"; it trades off against {partner} (correlation {correlations.loc[factor.name, partner]:+.2f})"
        if partner
        else ""
    )
    if bounded:
        return ("consistent with no such noise (the interval reaches 0)" if low == 0.0 else "") + trade
    if at_limit and not flat:
        return (
            f"at the top of its search range (×{factor.upper:g}): the counts ask for more; raise max_factor, "
            f"unless that is the channel's physical limit{trade}"
        )
    remedy = {
        "readout": "add readout-calibration circuits (prepare |0…0⟩ and |1…1⟩ on the same qubits)",
        "gate": "add circuits with more gates (GHZ, mirror) on the same qubits",
    }.get(factor.kind, "add circuits that spend longer on the same qubits")
    why = (
        "the counts depend on it only together with another factor (the information matrix is singular)"
        if flat
        else f"the likelihood stays within {PROFILE_DROP:.2f} of its maximum up to ×{factor.upper:g}"
    )
    return f"not identified: {why}{trade}; {remedy}"


def _recorded(spec: NoiseSpec, data: MeasuredCounts, estimates: pd.DataFrame, qubits: tuple[int, ...]) -> NoiseSpec:
    """``spec`` with a ``FitRecord`` appended to its provenance (when it has one)."""
    if spec.provenance is None:
        return spec
    record = FitRecord(
        source=data.source,
        sha256=data.sha256,
        factors={name: float(row.estimate) for name, row in estimates.iterrows()},
        intervals={name: [float(row.low), float(row.high)] for name, row in estimates.iterrows() if row.identified},
        not_identified=[str(name) for name, row in estimates.iterrows() if not row.identified],
        qubits=list(qubits),
    )
    provenance = spec.provenance.model_copy(update={"fits": [*spec.provenance.fits, record]})
    return spec.model_copy(update={"provenance": provenance})
