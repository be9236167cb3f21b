"""The timing helper the benchmarks share."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls of ``action``, after one untimed warm-up call."""
    return statistics.median(wall_times(action, repeats))


def wall_times(action: Callable[[], object], repeats: int) -> list[float]:
    """Wall time (s) of each of ``repeats`` calls of ``action``, after one untimed warm-up call."""
    action()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at ``fraction`` (0.5: p50, 0.95: p95) of the sorted samples, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
