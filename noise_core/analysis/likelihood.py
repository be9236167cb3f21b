"""Maximum likelihood over measured circuits: the estimate, profile-likelihood intervals, the Fisher information.

What ``fit_noise`` and the model selection (``selection``) share, for either kind of model: global factors
(``FactorModel``, interpolated) or per-location parameters (``LocalModel``, exact, with an adjoint gradient).

- Estimate: θ̂ = argmax Σ n·ln q(θ) within the search ranges, L-BFGS-B from the model's starts.
- Interval: {t : 2·(ℓ(θ̂) − max over the others of ℓ(t, …)) ≤ χ²₁(0.95) = 3.84}, the profile-likelihood
  interval (Venzon & Moolgavkar 1988), ends found with Brent's method.
- Information: Σ_circuits N·Σ_outcomes (∂q/∂θᵢ)(∂q/∂θⱼ)/q, the expected information of the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from noise_core.analysis.factor_model import FactorModel
from noise_core.analysis.local_model import LocalModel

Model = FactorModel | LocalModel
"""What a fit maximises: global factors (interpolated) or per-location parameters (exact)."""

PROFILE_DROP = float(stats.chi2.ppf(0.95, 1)) / 2.0
"""1.92: how far below its maximum the profile log-likelihood falls at the ends of a 95 % interval."""

FACTOR_OPTIONS = {"ftol": 1e-15, "gtol": 1e-10, "maxiter": 1000}
"""L-BFGS-B's options for global factors (a handful of them, an interpolated model: cheap to evaluate)."""

LOCAL_OPTIONS = {"ftol": 1e-9, "gtol": 1e-6, "maxiter": 400}
"""L-BFGS-B's options for per-location parameters: the objective (the negative log-likelihood per shot, about 1, in
units of the ranges; in nats, in units of standard errors) to a relative 1e-9: 1e-4 nats over 10⁵ shots either way,
far below the 1.92 of an interval's end."""


def maximize(
    model: Model,
    counts: Sequence[np.ndarray],
    *,
    starts: Sequence[np.ndarray] | None = None,
    fixed: tuple[int, float] | None = None,
    scales: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """The factors of largest log-likelihood of ``counts`` (with factor ``fixed[0]`` held at ``fixed[1]``), and it.

    Per-location parameters (``LocalModel``) are searched in units of ``scales`` (default: their ranges; a
    profile passes the standard errors, so the curvature of the log-likelihood in nats is about 1 in every
    direction and L-BFGS-B converges in a few steps), with the adjoint gradient and the tolerances
    ``LOCAL_OPTIONS``.
    """
    size = len(model.factors)
    free = [index for index in range(size) if fixed is None or index != fixed[0]]
    exact = isinstance(model, LocalModel)
    low = np.array([model.bounds[index][0] if exact else 0.0 for index in free])
    ranges = np.array([high - low for low, high in model.bounds]) if scales is None else np.asarray(scales)
    width = np.array([ranges[index] if exact else 1.0 for index in free])
    # Per shot in units of the ranges (curvature ~ range²/(SE²·shots), order 1); in nats in units of standard
    # errors (curvature ~ 1): per shot there, one step's gain would be under ftol and the search would stop at once.
    shots = float(sum(n.sum() for n in counts)) if scales is None or not exact else 1.0

    def full(x: np.ndarray) -> np.ndarray:
        theta = np.empty(size)
        theta[free] = low + width * x
        if fixed is not None:
            theta[fixed[0]] = fixed[1]
        return theta

    def objective(x: np.ndarray) -> float:
        return -model.log_likelihood(full(x), counts) / shots

    def objective_and_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        assert isinstance(model, LocalModel)
        value, gradient = model.log_likelihood_and_gradient(full(x), counts)
        return -value / shots, -gradient[free] * width / shots

    fresh = starts is None
    starts = model.starts(counts) if starts is None else starts
    if not free:
        theta = full(np.empty(0))
        return theta, model.log_likelihood(theta, counts)
    limits = [model.bounds[index] for index in free]
    bounds = [((a - b) / w, (c - b) / w) for (a, c), b, w in zip(limits, low, width, strict=True)] if exact else limits

    def climb(start: np.ndarray) -> optimize.OptimizeResult:
        return optimize.minimize(
            objective_and_gradient if exact else objective,
            (np.asarray(start)[free] - low) / width,
            method="L-BFGS-B",
            jac=exact,
            bounds=bounds,
            options=LOCAL_OPTIONS if exact else FACTOR_OPTIONS,
        )

    best = min((climb(start) for start in starts), key=lambda result: result.fun)
    if fresh and exact and fixed is None:  # a fit from scratch: look for a better fringe from where it ended
        assert isinstance(model, LocalModel)
        moved = model.rescanned(full(best.x), counts)
        if moved is not None:
            best = min(best, climb(moved), key=lambda result: result.fun)
    return full(best.x), -best.fun * shots


def profile_interval(
    model: Model,
    counts: Sequence[np.ndarray],
    theta: np.ndarray,
    best: float,
    index: int,
    scales: np.ndarray | None = None,
) -> tuple[float, float, bool]:
    """(low, high, bounded) of factor ``index``'s 95 % profile-likelihood interval; an end that the
    profile never crosses inside [lower, upper] is that bound (a lower bound 0 is physical: data consistent with
    no such noise; a negative lower bound is a search limit, so a signed parameter is bounded only when both
    ends are).

    Each end is bracketed outwards from the estimate, 2, 4, 8… ``scales[index]`` (a standard error) at a time up
    to the bound, then found with Brent's method to a thousandth of that scale: a quadratic profile crosses near
    1.96 standard errors, so a few profile points suffice, and the crossing found lies in the first bracket that
    shows one, near the estimate (a periodic parameter's far fringe is not taken for the interval's end). Without
    ``scales`` the first step is the bound.
    """

    previous = [theta]
    drops: dict[float, float] = {}

    def drop(value: float) -> float:
        """How far the profile at ``value`` is below the 95 % threshold; started from the estimate and from the
        last profile point (warm), the better kept; each value maximised once (Brent's method asks for the
        bracket's ends again)."""
        if value not in drops:
            point, likelihood = maximize(
                model, counts, starts=[theta, previous[-1]], fixed=(index, value), scales=scales
            )
            previous.append(point)
            drops[value] = best - likelihood - PROFILE_DROP
        return drops[value]

    estimate = float(theta[index])
    lower, upper = model.bounds[index]
    step = (upper - lower) if scales is None else float(scales[index])
    tolerance = 1e-6 * (upper - lower) if scales is None else 1e-3 * step

    def end(limit: float) -> float | None:
        """The crossing between the estimate and ``limit``, or None when the profile stays above the threshold."""
        inner, distance = estimate, 2.0 * step
        while inner != limit:
            outer = estimate + distance if limit > estimate else estimate - distance
            outer = min(outer, limit) if limit > estimate else max(outer, limit)
            if drop(outer) > 0.0:
                low_end, high_end = sorted((inner, outer))
                return float(optimize.brentq(drop, low_end, high_end, xtol=tolerance))
            inner, distance = outer, 2.0 * distance
        return None

    high = end(upper) if estimate < upper else None
    low = end(lower) if estimate > lower else None
    return (
        lower if low is None else low,
        upper if high is None else high,
        high is not None and (low is not None or lower >= 0.0),
    )


def standard_errors(model: Model, information: np.ndarray) -> np.ndarray:
    """1/√(information) per parameter, kept within [1e-6, 1] of its search range (the range where the information
    is none): the scale a profile searches each parameter in."""
    ranges = np.array([high - low for low, high in model.bounds])
    diagonal = np.diag(information) if information.size else np.zeros(0)
    errors = np.where(diagonal > 0, 1.0 / np.sqrt(np.maximum(diagonal, 1e-300)), ranges)
    return np.asarray(np.clip(errors, 1e-6 * ranges, ranges), dtype=float)


def fisher_information(model: Model, theta: np.ndarray) -> np.ndarray:
    """The expected (Fisher) information Σ_circuits N·Σ_outcomes (∂q/∂θᵢ)(∂q/∂θⱼ)/q at ``theta``: central
    differences (steps 1e-5 of each search range) of the model's probabilities, kept inside the search range;
    outcomes with q < 1e-12 left out (their weight 1/q would rest on rounding)."""
    if not len(theta):
        return np.zeros((0, 0))
    lower, upper = (np.array(ends) for ends in zip(*model.bounds, strict=True))
    step = 1e-5 * (np.asarray(upper) - np.asarray(lower))
    centre = np.clip(theta, np.asarray(lower) + step, np.asarray(upper) - step)
    shifts = [np.eye(len(theta))[index] * step[index] for index in range(len(theta))]
    points = [centre] + [centre + shift for shift in shifts] + [centre - shift for shift in shifts]
    evaluated = (
        model.probabilities_many(points)
        if isinstance(model, LocalModel)
        else [model.probabilities(point) for point in points]
    )
    size = len(theta)
    columns = [
        [(a - b) / (2 * step[index]) for a, b in zip(evaluated[1 + index], evaluated[1 + size + index], strict=True)]
        for index in range(size)
    ]
    information = np.zeros((size, size))
    for circuit_index, (circuit, q) in enumerate(zip(model.circuits, evaluated[0], strict=True)):
        gradient = np.array([column[circuit_index] for column in columns])
        weight = np.where(q > 1e-12, 1.0 / np.maximum(q, 1e-12), 0.0)
        information += circuit.measured.sum() * (gradient * weight) @ gradient.T
    return information


@dataclass(frozen=True)
class Estimate:
    """The maximum-likelihood estimate of ``model``'s parameters with their 95 % profile intervals."""

    theta: np.ndarray
    log_likelihood: float
    information: np.ndarray
    """The Fisher information at ``theta``."""
    intervals: list[tuple[float, float, bool]]
    """(low, high, bounded) per parameter (``profile_interval``)."""


def estimate(model: Model, counts: Sequence[np.ndarray]) -> Estimate:
    """θ̂ and each parameter's profile interval, profiles searched in units of the standard errors at θ̂."""
    theta, best = maximize(model, counts)
    information = fisher_information(model, theta)
    scales = standard_errors(model, information)
    intervals = [profile_interval(model, counts, theta, best, index, scales) for index in range(len(theta))]
    return Estimate(theta, best, information, intervals)
