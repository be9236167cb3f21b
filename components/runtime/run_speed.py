"""How fast simulations run on this server, learned from its own recent runs.

The cost model's constants (``noise_core.simulation.cost``) were fitted on one machine; this server
may be slower, faster or busier (four worker processes share its cores, and Aer's threads with
them): the same GHZ(16) was estimated at 5.6 s and took 2.2 s on one machine and 8.3 s on another.
Each result carries the cost model's estimate (``SimulationResult.model_seconds``) and the time its
simulation stages took; the median ratio over a method's last ``RECENT_RUNS`` runs estimated at
``LEARN_FROM_SECONDS`` or more (below that, fixed costs dominate) is that method's speed here, and
plans are made in this server's seconds (``SimulationLimits.speed``). One learner serves every
session: they share the machine.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from threading import Lock

import streamlit as st

from components.logic.caches import SharedCache
from noise_core import SimulationResult

RECENT_RUNS = 16
LEARN_FROM_SECONDS = 0.2
"""Runs the cost model puts under this are not learned from: their time is mostly fixed costs."""
FACTOR_BOUNDS = (0.25, 8.0)
"""A learned factor stays within these: one odd run (a paused machine) cannot make every plan absurd."""
FACTOR_STEPS_PER_DOUBLING = 4
"""Factors are rounded to steps of 2^(1/4) (19 %), so results cached under one factor are found again."""


class RunSpeed:
    """Measured seconds per cost-model second, by method, from the recent runs of every session."""

    def __init__(self) -> None:
        self._ratios: dict[str, deque[float]] = {}
        self._seen: SharedCache[SimulationResult] = SharedCache(4 * RECENT_RUNS, "first in")
        """Results learned from, by id, held so that their ids are not reused by new ones."""
        self._lock = Lock()

    def record(self, result: SimulationResult) -> None:
        """Learn from ``result`` once (results come back from caches again and again)."""
        if result.model_seconds < LEARN_FROM_SECONDS:
            return
        if not self._seen.add(id(result), result):
            return
        with self._lock:
            ratios = self._ratios.setdefault(result.method, deque(maxlen=RECENT_RUNS))
            ratios.append(result.simulated_seconds / result.model_seconds)

    def factor(self, method: str) -> float:
        """The median measured/estimated ratio of ``method``'s recent runs (1 before any), bounded and rounded."""
        with self._lock:
            ratios = list(self._ratios.get(method, ()))
        if not ratios:
            return 1.0
        low, high = FACTOR_BOUNDS
        bounded = min(high, max(low, statistics.median(ratios)))
        return float(2 ** (round(FACTOR_STEPS_PER_DOUBLING * math.log2(bounded)) / FACTOR_STEPS_PER_DOUBLING))

    def factors(self) -> tuple[tuple[str, float], ...]:
        """Every learned factor, as ``SimulationLimits.speed`` takes them."""
        with self._lock:
            methods = sorted(self._ratios)
        return tuple((method, self.factor(method)) for method in methods)


@st.cache_resource(show_spinner=False)
def run_speed() -> RunSpeed:
    """The server's one learner."""
    return RunSpeed()
