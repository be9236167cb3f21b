"""The calibration archive: every snapshot stored once, keyed by its fingerprint, with who added it and when.

The document is kept as it was uploaded (zlib-compressed), so a snapshot loads again exactly as it first did: a
calibration CSV reads its backend and date from the file name it was added under. A listing never reads the
documents, so it costs the same whatever the snapshots weigh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import exc, func, select

from noise_core.calibration import MAX_DOCUMENT_BYTES, UNKNOWN_DATE, BackendCalibration, load_calibration
from noise_core.calibration.diff import utc_time
from noise_core.calibration.loader import looks_like_csv
from noise_core.errors import CalibrationError, WorkspaceError
from noise_core.workspace.blobs import deflated, inflated
from noise_core.workspace.database import Workspace
from noise_core.workspace.names import checked_name
from noise_core.workspace.quota import check_quota
from noise_core.workspace.tables import SnapshotRow

SNAPSHOT_SUFFIXES = (".json", ".csv")
"""The files ``import_folder`` reads (any case); others are listed as skipped."""


@dataclass(frozen=True)
class ArchivedSnapshot:
    """One archived snapshot's record (without its document)."""

    fingerprint: str
    backend_name: str
    num_qubits: int
    calibrated_at: datetime | None
    """Its calibration time (UTC), or None where the document gives none."""
    file_name: str
    document_format: str
    """'json' or 'csv'."""
    document_bytes: int
    added_by: str
    added_at: datetime

    @classmethod
    def of(cls, row: SnapshotRow) -> ArchivedSnapshot:
        return cls(
            row.fingerprint, row.backend_name, row.num_qubits, row.calibrated_at, row.file_name,
            row.document_format, row.document_bytes, row.added_by, row.added_at,
        )  # fmt: skip


@dataclass(frozen=True)
class Archived:
    """What ``archive_snapshot`` did: the record, and whether it is new (False: that fingerprint was stored before,
    and the record is the first copy's, its name and adder kept)."""

    snapshot: ArchivedSnapshot
    added: bool


@dataclass
class FolderImport:
    """What ``import_folder`` did with each file of the folder."""

    added: list[ArchivedSnapshot] = field(default_factory=list)
    already: list[tuple[str, ArchivedSnapshot]] = field(default_factory=list)
    """Files whose snapshot was archived before: the file's name and the stored record."""
    refused: list[tuple[str, str]] = field(default_factory=list)
    """Files that are not usable snapshots: the name and why."""
    skipped: list[str] = field(default_factory=list)
    """Entries that are not ``.json`` or ``.csv`` files."""


def archive_snapshot(
    workspace: Workspace,
    document: bytes,
    file_name: str,
    *,
    added_by: str,
    calibration: BackendCalibration | None = None,
    quota_bytes: int | None = None,
) -> Archived:
    """Store ``document`` (a snapshot's JSON or CSV bytes, as uploaded) unless its fingerprint is archived already.

    ``calibration``: the document already loaded (``load_calibration(document, filename=file_name)``), to save
    loading it again. ``quota_bytes``: what ``added_by`` may store in all (``noise_core.workspace.quota``; a
    snapshot archived before costs nothing). Raises ``CalibrationError`` for a document that does not load
    (nothing is stored), ``WorkspaceError`` for an unusable name or a full quota, ``DatabaseUnavailable`` when
    the database cannot be written.
    """
    name = checked_name(Path(file_name.replace("\\", "/")).name, "file name")
    adder = checked_name(added_by, "user name")
    if len(document) > MAX_DOCUMENT_BYTES:
        raise CalibrationError(f"the document has {len(document)} bytes; at most {MAX_DOCUMENT_BYTES} are archived")
    if calibration is None:
        calibration = load_calibration(document, filename=name)
    row = SnapshotRow(
        fingerprint=calibration.fingerprint,
        backend_name=checked_name(calibration.backend_name, "backend name"),
        num_qubits=calibration.num_qubits,
        calibrated_at=_calibration_time(calibration),
        file_name=name,
        document_format="csv" if looks_like_csv(document, name) else "json",
        document=deflated(document),
        document_bytes=len(document),
        added_by=adder,
        added_at=datetime.now(UTC),
    )
    try:
        with workspace.writing() as session:
            stored = session.get(SnapshotRow, row.fingerprint)
            if stored is not None:
                return Archived(ArchivedSnapshot.of(stored), added=False)
            check_quota(session, adder, len(row.document), quota_bytes)
            session.add(row)
            record = ArchivedSnapshot.of(row)
        return Archived(record, added=True)
    except exc.IntegrityError:  # another session stored the same fingerprint between our look and our write
        return Archived(archived_snapshot(workspace, row.fingerprint), added=False)


def _calibration_time(calibration: BackendCalibration) -> datetime | None:
    """The snapshot's calibration time in UTC (a time without a zone read as UTC, the calibration room's rule), or
    None where its document gives none."""
    known = calibration.last_update_date != UNKNOWN_DATE
    return utc_time(calibration.last_update_date).to_pydatetime() if known else None


def archived_snapshot(workspace: Workspace, fingerprint: str) -> ArchivedSnapshot:
    """The record stored under ``fingerprint`` (``WorkspaceError`` when there is none)."""
    with workspace.reading() as session:
        row = session.get(SnapshotRow, fingerprint)
        if row is None:
            raise WorkspaceError(f"no snapshot with fingerprint {fingerprint[:64]!r} in the archive")
        return ArchivedSnapshot.of(row)


def archived_snapshots(
    workspace: Workspace,
    *,
    backend_name: str | None = None,
    calibrated_from: datetime | None = None,
    calibrated_until: datetime | None = None,
) -> list[ArchivedSnapshot]:
    """The archive's records, oldest calibration first (those without a time last), optionally of one device
    and calibrated within [``calibrated_from``, ``calibrated_until``] (aware times; a bound leaves out
    snapshots without a time)."""
    query = select(SnapshotRow).order_by(SnapshotRow.calibrated_at.is_(None), SnapshotRow.calibrated_at)
    if backend_name is not None:
        query = query.where(SnapshotRow.backend_name == backend_name)
    if calibrated_from is not None:
        query = query.where(SnapshotRow.calibrated_at >= calibrated_from)
    if calibrated_until is not None:
        query = query.where(SnapshotRow.calibrated_at <= calibrated_until)
    with workspace.reading() as session:
        return [ArchivedSnapshot.of(row) for row in session.scalars(query)]


def archived_devices(workspace: Workspace) -> dict[str, int]:
    """Each archived device's name and how many snapshots of it the archive holds, by name."""
    query = select(SnapshotRow.backend_name, func.count()).group_by(SnapshotRow.backend_name)
    with workspace.reading() as session:
        return dict(sorted((name, count) for name, count in session.execute(query)))


def archived_document(workspace: Workspace, fingerprint: str) -> tuple[bytes, str]:
    """The document stored under ``fingerprint`` as it was added, and the file name it was added under."""
    query = select(SnapshotRow.document, SnapshotRow.file_name).where(SnapshotRow.fingerprint == fingerprint)
    with workspace.reading() as session:
        found = session.execute(query).first()
    if found is None:
        raise WorkspaceError(f"no snapshot with fingerprint {fingerprint[:64]!r} in the archive")
    compressed, name = found
    return inflated(compressed, MAX_DOCUMENT_BYTES, f"the archived document {fingerprint[:12]}"), name


def load_archived(workspace: Workspace, fingerprint: str) -> BackendCalibration:
    """The archived snapshot, loaded as it was when it was added."""
    document, name = archived_document(workspace, fingerprint)
    return load_calibration(document, filename=name)


def import_folder(workspace: Workspace, folder: Path, *, added_by: str) -> FolderImport:
    """Archive every ``.json`` and ``.csv`` file directly in ``folder`` (in name order), each once.

    A file that is not a usable snapshot is listed with the loader's reason and the others go on; a database
    failure stops the import (``DatabaseUnavailable``), keeping the files stored before it.
    """
    if not folder.is_dir():
        raise WorkspaceError(f"no folder at {str(folder)[:200]!r} to import snapshots from")
    report = FolderImport()
    for path in sorted(folder.iterdir()):
        if not (path.is_file() and path.suffix.lower() in SNAPSHOT_SUFFIXES):
            report.skipped.append(path.name)
            continue
        try:
            if path.stat().st_size > MAX_DOCUMENT_BYTES:  # before reading it
                raise CalibrationError(f"it has {path.stat().st_size} bytes; at most {MAX_DOCUMENT_BYTES} are archived")
            archived = archive_snapshot(workspace, path.read_bytes(), path.name, added_by=added_by)
        except (CalibrationError, OSError) as error:
            report.refused.append((path.name, str(error)))
            continue
        if archived.added:
            report.added.append(archived.snapshot)
        else:
            report.already.append((path.name, archived.snapshot))
    return report
