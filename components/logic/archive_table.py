"""The calibration archive as the Device page shows it: a table with units, one line per snapshot, and a
calendar window as the instants the library filters by."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

import pandas as pd

from noise_core.calibration.fingerprint import SHORT_FINGERPRINT
from noise_core.workspace import ArchivedSnapshot

UNKNOWN_TIME = "unknown"


def _when(moment: datetime | None) -> str:
    return UNKNOWN_TIME if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}"


def archive_table(records: Sequence[ArchivedSnapshot]) -> pd.DataFrame:
    """One row per snapshot, oldest calibration first as given: times in UTC, size in kB, a short fingerprint."""
    return pd.DataFrame(
        {
            "calibrated (UTC)": [_when(record.calibrated_at) for record in records],
            "file": [record.file_name for record in records],
            "qubits": [record.num_qubits for record in records],
            "size (kB)": [round(record.document_bytes / 1000, 1) for record in records],
            "added by": [record.added_by for record in records],
            "added (UTC)": [_when(record.added_at) for record in records],
            "fingerprint": [record.fingerprint[:SHORT_FINGERPRINT] for record in records],
        }
    )


def record_label(record: ArchivedSnapshot) -> str:
    """'2024-03-01 08:00 UTC · props_fez.json' (the calibration time, or 'calibration time unknown')."""
    when = "calibration time unknown" if record.calibrated_at is None else f"{_when(record.calibrated_at)} UTC"
    return f"{when} · {record.file_name}"


def day_window(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants from the start of ``first`` to the end of ``last`` (UTC days, both included)."""
    return datetime.combine(first, time.min, UTC), datetime.combine(last, time.max, UTC)
