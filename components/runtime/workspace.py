"""The server's workspace (``noise_core.workspace``): opened once for every session, on first use.

A database that cannot be opened leaves the app working without saving: ``server_workspace()`` is None and
``workspace_problem()`` says why; it is tried again at most every ``RETRY_SECONDS``. A database that fails later
(a server gone, a disk full) fails that one save or listing, said where it happened (``archive_upload``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from threading import Lock

import streamlit as st

from components.logic.wording import plain
from components.runtime.identity import this_user
from noise_core import BackendCalibration
from noise_core.errors import WorkspaceError
from noise_core.workspace import Workspace, archive_snapshot, open_workspace

USER_STORAGE_VARIABLE = "NOISE_STUDIO_USER_STORAGE_MB"
"""What one user may store (saved items and archived uploads, compressed), in MB; default ``USER_STORAGE_MB``."""
USER_STORAGE_MB = 200
RETRY_SECONDS = 30.0
"""How long after a failed opening the next session's request tries again."""
NOT_SAVING = "The app works on without saving."


@dataclass
class _Opener:
    """The workspace once open, or why it is not and when that was found."""

    lock: Lock = field(default_factory=Lock)
    workspace: Workspace | None = None
    problem: str | None = None
    failed_at: float = float("-inf")

    def get(self) -> Workspace | None:
        with self.lock:
            if self.workspace is None and time.monotonic() - self.failed_at >= RETRY_SECONDS:
                try:
                    self.workspace, self.problem = open_workspace(), None
                except WorkspaceError as error:
                    self.problem, self.failed_at = str(error), time.monotonic()
            return self.workspace


@st.cache_resource(show_spinner=False)
def _opener() -> _Opener:
    return _Opener()


def server_workspace() -> Workspace | None:
    """The workspace every session shares, or None while its database cannot be opened."""
    return _opener().get()


def workspace_problem() -> str:
    """Why there is no workspace, and that the app goes on without it."""
    return f"Saving is off: {str(_opener().problem).rstrip('.')}. {NOT_SAVING}"


def user_storage_bytes() -> int:
    """The per-user storage limit in bytes (``NOISE_STUDIO_USER_STORAGE_MB``, read on each save); a setting that
    is not a positive number raises ``WorkspaceError`` naming it (nothing is saved until it is fixed)."""
    text = os.environ.get(USER_STORAGE_VARIABLE, "").strip() or str(USER_STORAGE_MB)
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = float("nan")
    if not megabytes > 0:
        raise WorkspaceError(
            f"the server's {USER_STORAGE_VARIABLE} must be a positive number of MB; it is {text[:40]!r}"
        )
    return int(megabytes * 1e6)


def archive_upload(content: bytes, file_name: str, calibration: BackendCalibration) -> tuple[bool, str]:
    """Store a loaded upload in the archive; (whether the archive has it now, what to tell the user)."""
    workspace = server_workspace()
    if workspace is None:
        return False, f"{plain(file_name)} is loaded but not archived. {workspace_problem()}"
    try:
        archived = archive_snapshot(
            workspace, content, file_name, added_by=this_user(), calibration=calibration,
            quota_bytes=user_storage_bytes(),
        )  # fmt: skip
    except WorkspaceError as error:
        return False, f"{plain(file_name)} is loaded but not archived: {plain(str(error))}"
    if archived.added:
        return True, f"{plain(file_name)} is stored in the archive (Device page, Archive tab)."
    record = archived.snapshot
    return True, (
        f"{plain(file_name)} was in the archive already: the same calibration values as {plain(record.file_name)}, "
        f"added by {plain(record.added_by)} on {record.added_at:%Y-%m-%d %H:%M} UTC."
    )
