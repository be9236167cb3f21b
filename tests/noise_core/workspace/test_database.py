"""Opening the workspace: migrations reach the models, a restart keeps everything, and a database that cannot be
reached or is full says so, names no password and loses nothing."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, text

from noise_core.errors import DatabaseFull, DatabaseUnavailable, WorkspaceError
from noise_core.workspace import (
    archive_snapshot,
    archived_snapshots,
    database_url,
    default_database_path,
    load_archived,
    open_workspace,
)
from noise_core.workspace.tables import Base
from tests.conftest import REAL_SNAPSHOTS, minimal_snapshot


def test_the_migrated_database_is_what_the_models_describe(database_url: str) -> None:
    workspace = open_workspace(database_url)
    with workspace.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    workspace.close()
    assert differences == []
    assert version == "0003"


def test_a_restarted_workspace_holds_what_was_stored(database_url: str) -> None:
    first = open_workspace(database_url)
    documents = {path.name: path.read_bytes() for path in REAL_SNAPSHOTS[:3]}
    stored = {archive_snapshot(first, content, name, added_by="ada").snapshot for name, content in documents.items()}
    first.close()

    again = open_workspace(database_url)  # a new process would open it the same way, migrations already done
    listed = set(archived_snapshots(again))
    assert listed == stored
    for record in listed:
        assert load_archived(again, record.fingerprint).fingerprint == record.fingerprint
        assert record.added_at.tzinfo is not None and record.calibrated_at is not None
    again.close()


def test_the_default_database_is_a_file_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NOISE_STUDIO_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_database_path() == tmp_path / "data" / "noise-studio" / "workspace.sqlite3"
    workspace = open_workspace()
    workspace.close()
    assert default_database_path().is_file()
    monkeypatch.setenv("NOISE_STUDIO_DATABASE_URL", "sqlite:////elsewhere/w.sqlite3")
    assert database_url() == "sqlite:////elsewhere/w.sqlite3"


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://user:secret@localhost/db", "no driver for the database 'mysql://user:\\*\\*\\*@localhost/db'"),
    ],
)
def test_a_url_that_names_no_usable_database_is_refused_by_name(url: str, rule: str) -> None:
    with pytest.raises(WorkspaceError, match=rule) as raised:
        open_workspace(url)
    assert "secret" not in str(raised.value)


def test_an_unreachable_server_is_named_without_its_password() -> None:
    with pytest.raises(DatabaseUnavailable, match=r"cannot be used .*Check that it runs and is reachable") as raised:
        open_workspace("postgresql://ada:secret@127.0.0.1:9/lab")  # port 9 (discard): nothing listens
    assert "secret" not in str(raised.value) and "ada:***@127.0.0.1:9/lab" in str(raised.value)


def test_a_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    with pytest.raises(
        DatabaseUnavailable, match=r"cannot create the folder of the database .*NOISE_STUDIO_DATABASE_URL"
    ):
        open_workspace(f"sqlite:///{tmp_path / 'a_file' / 'workspace.sqlite3'}")


def test_a_full_database_saves_nothing_and_keeps_what_it_holds(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    workspace = open_workspace(url)
    kept = archive_snapshot(workspace, REAL_SNAPSHOTS[0].read_bytes(), "kept.json", added_by="ada").snapshot
    with workspace.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()

    @event.listens_for(workspace.engine, "connect")
    def no_room_left(connection, _record):  # type: ignore[no-untyped-def]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    workspace.engine.dispose()  # new connections, each with the size limit
    big = max(REAL_SNAPSHOTS, key=lambda path: path.stat().st_size)
    with pytest.raises(DatabaseFull, match=r"is full .*nothing was saved, and what it holds is untouched"):
        archive_snapshot(workspace, big.read_bytes(), big.name, added_by="ada")
    assert archived_snapshots(workspace) == [kept]
    assert load_archived(workspace, kept.fingerprint).fingerprint == kept.fingerprint
    workspace.close()


def test_a_document_damaged_in_the_database_is_refused_not_inflated(tmp_path: Path) -> None:
    workspace = open_workspace(f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    record = archive_snapshot(workspace, json.dumps(minimal_snapshot()).encode(), "two.json", added_by="ada").snapshot
    bomb = zlib.compress(b"\0" * (64 * 2**20))  # 64 MiB of zeros in 64 KiB
    with workspace.writing() as session:
        session.execute(text("UPDATE snapshots SET document = :bomb"), {"bomb": bomb})
    with pytest.raises(WorkspaceError, match="is damaged or over 20971520 bytes"):
        load_archived(workspace, record.fingerprint)
    workspace.close()
