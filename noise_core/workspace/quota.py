"""What one user stores, and the limit on it: their saved items, the archived documents they added and their jobs'
inputs and results, counted as stored (compressed or pickled) bytes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from noise_core.errors import WorkspaceError
from noise_core.workspace.database import Workspace
from noise_core.workspace.tables import JobRow, SavedItemRow, SnapshotRow


def stored_bytes(workspace: Workspace, user: str) -> int:
    """What ``user`` stores: their saved items and the archived documents they added (compressed), their jobs'
    inputs and results (pickled), in bytes."""
    with workspace.reading() as session:
        return used_bytes(session, user)


def used_bytes(session: Session, user: str) -> int:
    """``stored_bytes`` inside an open session (a writer checks it in the transaction it writes in)."""
    items = session.scalar(select(func.sum(func.length(SavedItemRow.content))).where(SavedItemRow.owner == user))
    snapshots = session.scalar(select(func.sum(func.length(SnapshotRow.document))).where(SnapshotRow.added_by == user))
    job_bytes = func.length(JobRow.payload) + func.coalesce(func.length(JobRow.result), 0)
    jobs = session.scalar(select(func.sum(job_bytes)).where(JobRow.owner == user))
    return int(items or 0) + int(snapshots or 0) + int(jobs or 0)


def check_quota(session: Session, user: str, adding: int, quota_bytes: int | None) -> None:
    """Refuse ``adding`` more bytes for ``user`` past ``quota_bytes`` (None: no limit), naming the limit."""
    if quota_bytes is None or adding <= 0:
        return
    used = used_bytes(session, user)
    if used + adding > quota_bytes:
        raise WorkspaceError(
            f"{user} stores {used / 1e6:.1f} MB and this needs {adding / 1e6:.1f} MB more, past the "
            f"limit of {quota_bytes / 1e6:.0f} MB per user; delete saved items you no longer need"
        )
