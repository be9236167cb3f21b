"""Fisher scoring for per-location parameters: Newton's step with the expected information for the Hessian.

One adjoint pass per circuit gives every outcome probability's Jacobian J = ∂q/∂θ
(``LocalModel.probabilities_and_jacobian``), hence both the gradient of the log-likelihood, g = Σ Jᵀ·(n/q), and the
expected (Fisher) information I = Σ N·Jᵀ·diag(1/q)·J of the counts. The step Δ = I⁻¹·g is Newton's with I for the
Hessian (Fisher scoring: Jennrich & Sampson, *Technometrics* 18, 11, 1976); from a start near the optimum, as every
profile point has, it converges in a few steps where L-BFGS-B, learning the curvature from gradients, took 15–20.

- Damping: (I + λ·diag I)·Δ = g (Levenberg–Marquardt, Marquardt 1963), updated as Nielsen's (Madsen, Nielsen &
  Tingleff, *Methods for non-linear least squares problems*, 2004, eq. 2.21): after a step that gained ρ of what the
  quadratic model predicted, λ·max(1/3, 1 − (2ρ − 1)³); after one that lost, λ·2, ·4, ·8…; so every accepted step
  is uphill and λ does not swing between too small and too large (a tenfold rule lost every other step).
- Bounds: the step is the quadratic model's best within the search ranges (``_step``), not Newton's clipped.
- Stop: when that step at the least damping predicts a gain under ``SCORING_TOLERANCE``, or after a small step
  that went as predicted (``LAST_STEP``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import optimize

from noise_core.analysis.factor_model import SMALLEST_PROBABILITY
from noise_core.analysis.local_model import LocalModel

SCORING_TOLERANCE = 1e-5
"""Nats: a climb stops when its step at the least damping would gain less (a profile's end needs ~1e-3: an error δ
in the profile's maximum moves r = √(2(ℓ̂ − ℓ_p)) by δ/1.96)."""
LAST_STEP = 1e-4
"""Nats: when the least-damped step would gain less than this and the step taken gained at least half of what it
predicted, that step is the last (where the quadratic model holds, Newton's convergence is quadratic: what it leaves
is far under ``SCORING_TOLERANCE``); the Jacobian that would confirm it is not taken. Judged on the least-damped
step's gain, not the step taken: after rejected steps λ is large, every step small, and a toy climb stopped 0.2
nats short on the damped one."""
SCORING_STEPS = 60
"""Accepted steps one climb may take (3–10 is usual)."""
DAMPING = (1e-4, 1e-3, 1e8)
"""The damping λ: its floor, its start, and its ceiling, past which no step gains and the climb ends where it is."""


def scores(model: LocalModel, theta: np.ndarray, counts: Sequence[np.ndarray]) -> tuple[float, np.ndarray, np.ndarray]:
    """The log-likelihood of ``counts`` at ``theta`` (nats, without the multinomial constant), its gradient and the
    expected information (per parameter unit and its square), from one Jacobian of the model's probabilities;
    outcomes with q < 1e-12 are left out of the information (their weight 1/q would rest on rounding)."""
    probabilities, jacobians = model.probabilities_and_jacobian(theta)
    size = len(theta)
    value, gradient, information = 0.0, np.zeros(size), np.zeros((size, size))
    for q, jacobian, n in zip(probabilities, jacobians, counts, strict=True):
        floored = np.maximum(q, SMALLEST_PROBABILITY)
        value += float(n @ np.log(floored))
        gradient += jacobian.T @ (n / floored)
        weight = np.where(q > 1e-12, 1.0 / np.maximum(q, 1e-12), 0.0)
        information += n.sum() * (jacobian.T * weight) @ jacobian
    return value, gradient, information


def climb(
    model: LocalModel, counts: Sequence[np.ndarray], start: np.ndarray, free: Sequence[int]
) -> tuple[np.ndarray, float]:
    """The parameters ``free`` moved from ``start`` (the others held) to the largest log-likelihood of ``counts``
    by damped Fisher scoring inside the search ranges (module docstring), and that log-likelihood."""
    lower = np.array([low for low, _high in model.bounds])[free]
    upper = np.array([high for _low, high in model.bounds])[free]
    theta = np.asarray(start, dtype=float).copy()
    theta[free] = _within(theta[free], lower, upper)
    value, gradient, information = scores(model, theta, counts)
    floor, damping, ceiling = DAMPING
    for _ in range(SCORING_STEPS):
        g, fisher = gradient[free], information[np.ix_(free, free)]
        ranges = (lower - theta[free], upper - theta[free])
        reach = _step(g, fisher, floor, ranges)[1]
        if reach < SCORING_TOLERANCE:
            break
        growth = 2.0
        while True:
            candidate = theta.copy()
            step, predicted = _step(g, fisher, damping, ranges)
            candidate[free] = _within(theta[free] + step, lower, upper)
            gained = model.log_likelihood(candidate, counts) - value
            if gained > 0.0:
                break
            damping, growth = damping * growth, growth * 2.0
            if damping > ceiling:
                return theta, value
        ratio = gained / predicted if predicted > 0.0 else 1.0  # a step BVLS put at 0 can still gain, by snapping
        theta, damping = candidate, max(damping * max(1.0 / 3.0, 1.0 - (2.0 * ratio - 1.0) ** 3), floor)
        if reach < LAST_STEP and 0.0 < predicted < 2.0 * gained:  # the quadratic model holds: what is left is less
            return theta, value + gained
        value, gradient, information = scores(model, theta, counts)
    return theta, value


def _step(
    gradient: np.ndarray, information: np.ndarray, damping: float, ranges: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, float]:
    """The step Δ within ``ranges`` (its lowest and highest value per parameter) that maximises the quadratic model
    g·Δ − ½·Δᵀ(I + λ·diag I)·Δ, and the gain g·Δ − ½·ΔᵀIΔ it predicts. With I = Σ wᵢvᵢvᵢᵀ this is the bounded least
    squares ‖AΔ − b‖² with rows √wᵢ·vᵢ (target vᵢ·g/√wᵢ) and √(λ·Iⱼⱼ)·eⱼ (target 0), solved exactly by BVLS (Stark
    & Parker, *Comput. Stat.* 10, 129, 1995; ``scipy.optimize.lsq_linear``): a parameter the step would push
    through its bound stops there and the others still take their best step given it, where clipping Newton's
    step made climbs crawl along a bound (60 steps of 0.003 nats on Heron's gate[cz:5,6] profile)."""
    weights, vectors = np.linalg.eigh(information)
    keep = weights > 1e-12 * max(float(weights.max(initial=0.0)), 1e-300)
    roots = np.sqrt(weights[keep])
    diagonal = np.maximum(np.diag(information), 1e-12 * max(float(np.diag(information).max(initial=0.0)), 1e-300))
    matrix = np.vstack([(roots * vectors[:, keep]).T, np.diag(np.sqrt(damping * diagonal))])
    target = np.concatenate([(vectors[:, keep].T @ gradient) / roots, np.zeros(len(gradient))])
    step = optimize.lsq_linear(matrix, target, bounds=ranges, method="bvls").x
    return step, float(gradient @ step - step @ information @ step / 2.0)


def _within(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``values`` clipped to [lower, upper], and those within 1e-12 of the range of a bound put on it: BVLS ends a
    step on a bound to rounding (5.6e-17 for 0), and a parameter on its bound is held there by the profiles."""
    tolerance = 1e-12 * (upper - lower)
    clipped = np.clip(values, lower, upper)
    return np.where(clipped - lower < tolerance, lower, np.where(upper - clipped < tolerance, upper, clipped))
