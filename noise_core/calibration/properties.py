"""A snapshot's properties as the library holds them: ``{name: (SI value, date)}``, and reading one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

Timestamped = tuple[float, datetime | None]
"""A property's SI value and the date it was measured."""


def property_value(properties: Mapping[str, Timestamped], name: str) -> float | None:
    """The SI value of property ``name`` as written, or None when it is absent."""
    entry = properties.get(name)
    return None if entry is None else entry[0]
