"""Views of a distribution over many bits that a person can read: per-bit P(1), Hamming weight, parity.

Above ~16 classical bits a histogram of whole outcomes has more bars than shots and labels too
long to read. Each view here sums the distribution table (``SimulationResult.distribution_table``:
columns ideal, noisy, ideal_counts, noisy_counts; index the outcome, clbit 0 last) over outcomes
that share a property, into a table with the same columns, so the same figure draws it:

- ``bit``: for each classical bit, the probability (and the shots) of reading 1 — its marginal;
- ``weight``: the probability of each Hamming weight (how many bits read 1);
- ``parity``: the probability of an even or odd number of ones (GHZ's witness).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

View = Literal["outcome", "bit", "weight", "parity"]
VIEWS: dict[View, str] = {
    "outcome": "outcomes",
    "bit": "P(1) per classical bit",
    "weight": "Hamming weight",
    "parity": "parity",
}
"""Each view and its name for people."""
AXIS_TITLES: dict[View, str] = {
    "outcome": "outcome (clbit 0 last)",
    "bit": "classical bit (its P(1))",
    "weight": "Hamming weight (bits reading 1)",
    "parity": "parity of the ones",
}
VALUE_COLUMNS = ("ideal", "noisy", "ideal_counts", "noisy_counts")
WIDE_OUTCOMES_BITS = 16
"""Outcomes of more bits than this are shown by Hamming weight by default: their bars would not fit."""


def view_of(table: pd.DataFrame, view: View) -> pd.DataFrame:
    """``table`` summed into ``view`` (the same columns; index the bit, weight or parity)."""
    if view == "outcome":
        return table
    values = table[list(VALUE_COLUMNS)]
    if view == "bit":
        summed = _bit_marginals(values)
    else:
        ones = np.array([outcome.count("1") for outcome in table.index])
        keys = ones if view == "weight" else np.where(ones % 2 == 0, "even", "odd")
        summed = values.groupby(keys).sum()
        summed.index = pd.Index(summed.index.astype(str), name=view)
    return summed.astype({"ideal_counts": int, "noisy_counts": int})


def _bit_marginals(values: pd.DataFrame) -> pd.DataFrame:
    """P(clbit i = 1) and the shots that read 1 on it, one row per classical bit (index 'clbit i')."""
    width = len(values.index[0])
    bits = np.array([[int(bit) for bit in reversed(outcome)] for outcome in values.index], dtype=float)
    rows = {f"clbit {clbit}": values.mul(bits[:, clbit], axis=0).sum() for clbit in range(width)}
    marginals = pd.DataFrame(rows).T.round({"ideal_counts": 0, "noisy_counts": 0})
    marginals.index.name = "bit"
    return marginals


def default_view(width: int) -> View:
    """Whole outcomes up to ``WIDE_OUTCOMES_BITS`` bits, Hamming weight above."""
    return "outcome" if width <= WIDE_OUTCOMES_BITS else "weight"
