"""The workspace: a database (SQLite by default, PostgreSQL by URL) holding a lab's calibration archive and its
saved models and sessions, and the jobs that run apart from any browser session.

Usable from a notebook and the command line (``python -m noise_core archive``) as from the dashboard::

    from noise_core.workspace import open_workspace, archive_snapshot, archived_snapshots, load_archived
    workspace = open_workspace()  # NOISE_STUDIO_DATABASE_URL, else ~/.local/share/noise-studio/workspace.sqlite3
    archive_snapshot(workspace, Path("props_fez.json").read_bytes(), "props_fez.json", added_by="ada")
    for record in archived_snapshots(workspace, backend_name="ibm_fez"):
        calibration = load_archived(workspace, record.fingerprint)

Not imported by ``import noise_core``: it brings SQLAlchemy and Alembic, which simulations never need.
"""

from noise_core.workspace.archive import (
    Archived,
    ArchivedSnapshot,
    FolderImport,
    archive_snapshot,
    archived_devices,
    archived_document,
    archived_snapshot,
    archived_snapshots,
    import_folder,
    load_archived,
)
from noise_core.workspace.database import (
    DATABASE_URL_VARIABLE,
    Workspace,
    database_url,
    default_database_path,
    open_workspace,
)
from noise_core.workspace.items import (
    ITEM_KINDS,
    ItemKind,
    SavedItem,
    delete_item,
    open_item,
    save_item,
    saved_items,
    share_item,
)
from noise_core.workspace.jobs import Job, JobQueue, JobStatus
from noise_core.workspace.quota import stored_bytes

__all__ = [
    "DATABASE_URL_VARIABLE",
    "ITEM_KINDS",
    "Archived",
    "ArchivedSnapshot",
    "FolderImport",
    "ItemKind",
    "Job",
    "JobQueue",
    "JobStatus",
    "SavedItem",
    "Workspace",
    "archive_snapshot",
    "archived_devices",
    "archived_document",
    "archived_snapshot",
    "archived_snapshots",
    "database_url",
    "default_database_path",
    "delete_item",
    "import_folder",
    "load_archived",
    "open_item",
    "open_workspace",
    "save_item",
    "saved_items",
    "share_item",
    "stored_bytes",
]
