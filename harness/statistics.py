"""A sampling bound for comparing counts with an exact distribution, derived from the shot count."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

FAILURE_PROBABILITY = 1e-6
"""Chance that a correct sampler fails a check; the seeds are fixed, so a check is deterministic."""


def tvd_bound(num_categories: int, shots: int, failure_probability: float = FAILURE_PROBABILITY) -> float:
    """ε with P(TVD(empirical, exact) > ε) ≤ failure_probability for ``shots`` multinomial draws.

    Bretagnolle–Huber–Carol: P(‖p̂ − p‖₁ ≥ 2ε) ≤ 2^K · exp(−2Nε²), so
    ε = √((K ln 2 + ln(1/δ)) / (2N)).
    """
    return math.sqrt((num_categories * math.log(2) + math.log(1 / failure_probability)) / (2 * shots))


def lumped_tvd(counts: pd.Series, exact: pd.Series, shots: int) -> tuple[float, int]:
    """TVD between frequencies and ``exact`` after lumping outcomes expected < 5 times into one.

    Lumping is a function of the outcome, so it can only shrink the distance; the returned
    category count is what the bound must use.
    """
    exact = exact[exact > 0]
    kept = exact[exact * shots >= 5].index
    frequencies = counts.reindex(exact.index.union(counts.index), fill_value=0) / shots
    probabilities = exact.reindex(frequencies.index, fill_value=0.0)
    rest = ~frequencies.index.isin(kept)
    distance = np.abs(frequencies[~rest] - probabilities[~rest]).sum()
    distance += abs(frequencies[rest].sum() - probabilities[rest].sum())
    return 0.5 * float(distance), len(kept) + 1
