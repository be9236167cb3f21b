"""Unit tables for calibration snapshots: every value is converted to SI once, at load time.

IBM snapshots write times in ``us`` (older ones ``µs``) and ``ns`` (the table is
``noise_core.spec.units``), frequencies in ``GHz``, probabilities with an empty unit.
"""

from __future__ import annotations

from enum import StrEnum

from noise_core.errors import UnitError
from noise_core.spec.units import SECONDS_PER_TIME_UNIT


class Dimension(StrEnum):
    """What a property measures."""

    TIME = "time"
    FREQUENCY = "frequency"
    DIMENSIONLESS = "dimensionless"


HERTZ_PER_UNIT: dict[str, float] = {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9}

_UNITS: dict[str, tuple[Dimension, float]] = {
    "": (Dimension.DIMENSIONLESS, 1.0),
    **{unit: (Dimension.TIME, scale) for unit, scale in SECONDS_PER_TIME_UNIT.items()},
    **{unit: (Dimension.FREQUENCY, scale) for unit, scale in HERTZ_PER_UNIT.items()},
}

EXPECTED_DIMENSION: dict[str, Dimension] = {
    "T1": Dimension.TIME,
    "T2": Dimension.TIME,
    "readout_length": Dimension.TIME,
    "gate_length": Dimension.TIME,
    "frequency": Dimension.FREQUENCY,
    "anharmonicity": Dimension.FREQUENCY,
    "readout_error": Dimension.DIMENSIONLESS,
    "prob_meas0_prep1": Dimension.DIMENSIONLESS,
    "prob_meas1_prep0": Dimension.DIMENSIONLESS,
    "gate_error": Dimension.DIMENSIONLESS,
}
"""Properties whose unit must be of one dimension; others accept any known unit."""

KNOWN_UNITS = ", ".join(repr(unit) for unit in _UNITS)


def si_scale(unit: str, *, property_name: str) -> float:
    """Factor that converts a value of ``property_name`` written in ``unit`` to SI (s, Hz, 1)."""
    if unit not in _UNITS:
        raise UnitError(f"{property_name} has unknown unit {unit!r}; known units: {KNOWN_UNITS}")
    dimension, scale = _UNITS[unit]
    expected = EXPECTED_DIMENSION.get(property_name)
    if expected is not None and dimension is not expected:
        raise UnitError(
            f"{property_name} has unit {unit!r}, a {dimension.value} unit; expected a {expected.value} unit"
        )
    return scale
