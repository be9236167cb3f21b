"""The archive as the Device page shows it: times in UTC, sizes in kB, a calendar window including both days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from components.logic.archive_table import archive_table, day_window, record_label
from noise_core.workspace import ArchivedSnapshot

RECORD = ArchivedSnapshot(
    fingerprint="ab" * 32,
    backend_name="ibm_fez",
    num_qubits=156,
    calibrated_at=datetime(2025, 1, 13, 18, 54, tzinfo=timezone(timedelta(hours=2))),
    file_name="props_fez.json",
    document_format="json",
    document_bytes=616_908,
    added_by="ada",
    added_at=datetime(2026, 12, 7, 9, 5, tzinfo=UTC),
)


def test_the_table_shows_utc_times_kilobytes_and_a_short_fingerprint() -> None:
    unknown = ArchivedSnapshot(**{**RECORD.__dict__, "calibrated_at": None, "file_name": "renamed.csv"})
    table = archive_table([RECORD, unknown])
    assert table.to_dict("records")[0] == {
        "calibrated (UTC)": "2025-01-13 16:54",
        "file": "props_fez.json",
        "qubits": 156,
        "size (kB)": 616.9,
        "added by": "ada",
        "added (UTC)": "2026-12-07 09:05",
        "fingerprint": "abababababab",
    }
    assert table["calibrated (UTC)"].tolist()[1] == "unknown"
    assert record_label(RECORD) == "2025-01-13 16:54 UTC · props_fez.json"
    assert record_label(unknown) == "calibration time unknown · renamed.csv"


def test_a_day_window_holds_both_days_whole() -> None:
    start, end = day_window(date(2025, 1, 13), date(2025, 1, 14))
    assert start == datetime(2025, 1, 13, tzinfo=UTC)
    assert end < datetime(2025, 1, 15, tzinfo=UTC) <= end + timedelta(microseconds=1)
