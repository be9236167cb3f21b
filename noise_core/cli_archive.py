"""The calibration archive from the command line (``noise_core.workspace``), on the same database as the app:

    python -m noise_core archive import DIR [--as NAME]      # every *.json and *.csv snapshot in DIR, each once
    python -m noise_core archive list [--device NAME] [--json]

The database is ``NOISE_STUDIO_DATABASE_URL`` when set, else the default SQLite file
(``noise_core.workspace.default_database_path``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noise_core.calibration.fingerprint import SHORT_FINGERPRINT

if TYPE_CHECKING:
    from noise_core.workspace import ArchivedSnapshot


def add_commands(commands: Any) -> None:
    """Register ``archive import`` and ``archive list`` on the main parser's subcommands."""
    archive = commands.add_parser("archive", help="the calibration archive in the workspace's database")
    actions = archive.add_subparsers(dest="action", required=True, metavar="ACTION")
    folder = actions.add_parser("import", help="archive every *.json and *.csv snapshot in a folder, each once")
    folder.add_argument("folder", help="a folder of downloads (BackendProperties JSON, IBM calibration CSVs)")
    folder.add_argument("--as", dest="user", default=None, help="who adds them (default: this login's name)")
    folder.set_defaults(run=_import)
    listing = actions.add_parser("list", help="the archived snapshots, oldest calibration first")
    listing.add_argument("--device", help="only this device's snapshots (e.g. ibm_fez)")
    listing.add_argument("--json", action="store_true", help="print the records as JSON")
    listing.set_defaults(run=_list)


def _import(arguments: argparse.Namespace) -> int:
    from noise_core.workspace import import_folder, open_workspace  # SQLAlchemy only for these commands

    workspace = open_workspace()
    try:
        report = import_folder(workspace, Path(arguments.folder), added_by=arguments.user or getpass.getuser())
    finally:
        workspace.close()
    for record in report.added:
        print(f"added {record.file_name}: {_described(record)}")
    for name, record in report.already:
        print(f"already archived {name}: as {record.file_name}, added by {record.added_by} {record.added_at:%Y-%m-%d}")
    for name, reason in report.refused:
        print(f"refused {name}: {reason}", file=sys.stderr)
    print(
        f"{len(report.added)} added, {len(report.already)} already archived, {len(report.refused)} refused, "
        f"{len(report.skipped)} skipped (not .json or .csv) in {workspace.location}",
        file=sys.stderr,
    )
    return 1 if report.refused else 0


def _list(arguments: argparse.Namespace) -> int:
    from noise_core.workspace import archived_snapshots, open_workspace  # SQLAlchemy only for these commands

    workspace = open_workspace()
    try:
        records = archived_snapshots(workspace, backend_name=arguments.device)
    finally:
        workspace.close()
    if arguments.json:
        print(json.dumps([_as_json(record) for record in records], indent=2))
        return 0
    for record in records:
        print(f"{record.fingerprint[:SHORT_FINGERPRINT]}  {_described(record)}  {record.file_name}")
    print(f"{len(records)} snapshots in {workspace.location}", file=sys.stderr)
    return 0


def _described(record: ArchivedSnapshot) -> str:
    when = "calibration time unknown" if record.calibrated_at is None else f"{record.calibrated_at:%Y-%m-%d %H:%M} UTC"
    return f"{record.backend_name}, {record.num_qubits} qubits, calibrated {when}"


def _as_json(record: ArchivedSnapshot) -> dict[str, Any]:
    return {
        "fingerprint": record.fingerprint,
        "backend_name": record.backend_name,
        "num_qubits": record.num_qubits,
        "calibrated_at": None if record.calibrated_at is None else record.calibrated_at.isoformat(),
        "file_name": record.file_name,
        "document_format": record.document_format,
        "document_bytes": record.document_bytes,
        "added_by": record.added_by,
        "added_at": record.added_at.isoformat(),
    }
