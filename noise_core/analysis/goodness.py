"""How well a model's distributions explain measured counts: distances, residuals, and a goodness-of-fit test.

- TVD ½·Σ|p − q| and Hellinger fidelity (Σ√(p·q))² (Qiskit's ``hellinger_fidelity``) between the
  measured frequencies and a model.
- Residuals per outcome: measured − model probability, with the binomial sampling error
  √(q(1 − q)/N) the model implies for N shots, and z = residual / error.
- Goodness of fit over all circuits together: the deviance G = 2·Σ n·ln(n / (N·q)) (the
  likelihood-ratio statistic against the saturated model) and Pearson's X². Its p-value is the
  χ² tail with Σ(cells − 1) − (fitted factors) degrees of freedom when the expected counts allow
  it (Cochran's rule: every expected count ≥ 1 and ≥ 80 % of them ≥ 5), else a parametric
  bootstrap: counts drawn from the model itself (refitted on each draw when factors were fitted),
  p = (1 + #{G_b ≥ G}) / (B + 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

BOOTSTRAP_CELLS = 2**22
"""Most drawn counts held at once by the bootstrap (32 MB of int64)."""
Refit = Callable[[list[np.ndarray]], list[np.ndarray]]
"""Counts by circuit → the refitted model's probabilities by circuit."""


@dataclass(frozen=True)
class GoodnessOfFit:
    """The deviance test of a model against counts."""

    deviance: float
    pearson: float
    degrees_of_freedom: int
    p_value: float
    method: str
    """'χ² (asymptotic)', or 'parametric bootstrap, B draws'."""
    impossible_outcomes: int = 0
    """Measured outcomes the model gives probability 0 (then G = ∞ and p = 0)."""
    draws: int = 0
    """Bootstrap draws behind the p-value (0: χ² tail)."""

    def describe(self) -> str:
        """'G = 31.2 on 28 degrees of freedom, p = 0.31 (χ² (asymptotic))'."""
        if self.impossible_outcomes:
            return f"the model cannot produce {self.impossible_outcomes} of the measured outcomes (p = 0)"
        if self.degrees_of_freedom <= 0:
            return "no test: no degrees of freedom are left (the counts have no more free numbers than factors fitted)"
        return (
            f"G = {self.deviance:.4g} on {self.degrees_of_freedom} degrees of freedom, {self.p_text()} ({self.method})"
        )

    def p_text(self) -> str:
        """'p = 0.31', or 'p ≤ 0.005' where no bootstrap draw was as far from the model as the counts."""
        if np.isnan(self.p_value):
            return "no test"
        smallest = 1.0 / (self.draws + 1) if self.draws else 0.0
        return f"p ≤ {smallest:.2g}" if self.draws and self.p_value <= smallest else f"p = {self.p_value:.3g}"


def total_variation(measured: np.ndarray, model: np.ndarray) -> float:
    """½·Σ|p − q| between the measured frequencies and the model."""
    return 0.5 * float(np.abs(measured / measured.sum() - model).sum())


def hellinger_fidelity(measured: np.ndarray, model: np.ndarray) -> float:
    """(Σ√(p·q))², 1 for equal distributions."""
    return float(np.sqrt(measured / measured.sum() * model).sum() ** 2)


def residuals(measured: np.ndarray, model: np.ndarray, ideal: np.ndarray, labels: pd.Index) -> pd.DataFrame:
    """Per outcome (measured, model or ideal above 0): counts, probabilities, residual, its sampling error, z."""
    shots = measured.sum()
    frequency = measured / shots
    error = np.sqrt(model * (1.0 - model) / shots)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(error > 0, (frequency - model) / error, np.nan)
    table = pd.DataFrame(
        {
            "measured": measured.astype(np.int64),
            "measured_probability": frequency,
            "model": model,
            "ideal": ideal,
            "residual": frequency - model,
            "sampling_error": error,
            "z": z,
        },
        index=labels,
    )
    shown = (measured > 0) | (model > 0) | (ideal > 0)
    return table[shown]


def goodness_of_fit(
    counts: Sequence[np.ndarray],
    probabilities: Sequence[np.ndarray],
    *,
    fitted: int = 0,
    draws: int = 1000,
    rng: np.random.Generator,
    refit: Refit | None = None,
) -> GoodnessOfFit:
    """The deviance test of ``probabilities`` against ``counts`` (all circuits together; module docstring).

    ``fitted``: how many factors were fitted to these counts (degrees of freedom lost); ``refit``
    refits them on each bootstrap draw (without it the model stays fixed).
    """
    impossible = sum(int(np.count_nonzero((n > 0) & (q <= 0.0))) for n, q in zip(counts, probabilities, strict=True))
    freedom = sum(int(np.count_nonzero(q > 0.0)) - 1 for q in probabilities) - fitted
    if impossible:
        return GoodnessOfFit(np.inf, np.inf, freedom, 0.0, "impossible outcomes", impossible)
    observed = _deviance(counts, probabilities)
    pearson = _pearson(counts, probabilities)
    if freedom <= 0:
        return GoodnessOfFit(observed, pearson, freedom, np.nan, "no degrees of freedom left")
    if _asymptotic(counts, probabilities):
        return GoodnessOfFit(observed, pearson, freedom, float(stats.chi2.sf(observed, freedom)), "χ² (asymptotic)")
    drawn = _bootstrap_deviances(counts, probabilities, draws, rng, refit)
    p_value = (1.0 + np.count_nonzero(drawn >= observed - 1e-9 * abs(observed))) / (len(drawn) + 1.0)
    method = f"parametric bootstrap, {draws} draws"
    return GoodnessOfFit(observed, pearson, freedom, float(p_value), method, draws=draws)


def _deviance(counts: Sequence[np.ndarray], probabilities: Sequence[np.ndarray]) -> float:
    total = 0.0
    for n, q in zip(counts, probabilities, strict=True):
        seen = n > 0
        total += 2.0 * float(np.sum(n[seen] * np.log(n[seen] / (n.sum() * q[seen]))))
    return total


def _pearson(counts: Sequence[np.ndarray], probabilities: Sequence[np.ndarray]) -> float:
    total = 0.0
    for n, q in zip(counts, probabilities, strict=True):
        expected = n.sum() * q
        possible = expected > 0
        total += float(np.sum((n[possible] - expected[possible]) ** 2 / expected[possible]))
    return total


def _asymptotic(counts: Sequence[np.ndarray], probabilities: Sequence[np.ndarray]) -> bool:
    """Cochran's rule on the expected counts of every cell the model can produce."""
    expected = np.concatenate([n.sum() * q[q > 0] for n, q in zip(counts, probabilities, strict=True)])
    return bool(expected.min() >= 1.0 and np.mean(expected >= 5.0) >= 0.8)


def _bootstrap_deviances(
    counts: Sequence[np.ndarray],
    probabilities: Sequence[np.ndarray],
    draws: int,
    rng: np.random.Generator,
    refit: Refit | None,
) -> np.ndarray:
    """G of ``draws`` data sets drawn from the model (each refitted first when ``refit`` is given), drawn in
    chunks of at most ``BOOTSTRAP_CELLS`` numbers so memory stays bounded whatever ``draws`` is."""
    cells = sum(len(q) for q in probabilities)
    chunk = max(1, BOOTSTRAP_CELLS // cells)
    deviances = np.empty(draws)
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        drawn = [
            rng.multinomial(int(n.sum()), q / q.sum(), size=size) for n, q in zip(counts, probabilities, strict=True)
        ]
        for offset in range(size):
            sample = [per_circuit[offset].astype(float) for per_circuit in drawn]
            model = probabilities if refit is None else refit(sample)
            deviances[start + offset] = _deviance(sample, model)
    return deviances
