"""Time units: the one table every time conversion in the library reads.

Calibration snapshots write times in ``us`` (older ones ``µs``) and ``ns``; ``from_backend``'s
``gate_length_units`` option takes 'ns', 'us', 'µs', 'ms' or 's'; a derived spec holds every
time (t1, t2, time) in nanoseconds. Both micro signs (U+00B5 and U+03BC) are accepted.
"""

from __future__ import annotations

from typing import Literal, get_args

TimeUnit = Literal["ns", "us", "µs", "ms", "s"]
"""The units ``derive_noise_spec`` takes for gate-length overrides, as Aer's ``from_backend`` does."""
TIME_UNITS: tuple[str, ...] = get_args(TimeUnit)

NANOSECONDS_PER_SECOND = 1e9
MICROSECONDS_PER_SECOND = 1e6
NANOSECONDS_PER_TIME_UNIT: dict[str, float] = {"s": 1e9, "ms": 1e6, "us": 1e3, "µs": 1e3, "μs": 1e3, "ns": 1.0}
"""Nanoseconds in one of each time unit: the factors Aer's ``from_backend`` applies to ``gate_lengths``."""
SECONDS_PER_TIME_UNIT: dict[str, float] = {
    unit: nanoseconds / NANOSECONDS_PER_SECOND for unit, nanoseconds in NANOSECONDS_PER_TIME_UNIT.items()
}
"""Seconds in one of each time unit (each quotient rounds to the decimal literal, e.g. exactly 1e-6)."""

SPEC_TIME_UNIT: Literal["ns"] = "ns"
"""The unit of every time (t1, t2, time) in a derived spec."""


def nanoseconds(value: float, unit: str) -> float:
    """``value`` written in ``unit`` (a key of ``NANOSECONDS_PER_TIME_UNIT``), in nanoseconds."""
    return value * NANOSECONDS_PER_TIME_UNIT[unit]
