"""``python -m noise_core archive``: a folder of downloads imported once, listed, and an unreachable database
said in one line with exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from noise_core import cli
from tests.conftest import REAL_SNAPSHOTS


def test_archive_import_then_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOISE_STUDIO_DATABASE_URL", f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    folder = tmp_path / "downloads"
    folder.mkdir()
    for path in REAL_SNAPSHOTS[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "broken.json").write_text("{")

    assert cli.main(["archive", "import", str(folder), "--as", "ada"]) == 1  # one file refused
    printed = capsys.readouterr()
    assert printed.out.count("added ") == 2
    assert "refused broken.json: not valid JSON" in printed.err
    assert "2 added, 0 already archived, 1 refused, 0 skipped" in printed.err

    (folder / "broken.json").unlink()
    assert cli.main(["archive", "import", str(folder)]) == 0
    assert "0 added, 2 already archived" in capsys.readouterr().err

    assert cli.main(["archive", "list", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {record["file_name"] for record in records} == {path.name for path in REAL_SNAPSHOTS[:2]}
    times = [record["calibrated_at"] for record in records]
    assert None not in times and times == sorted(times)  # oldest calibration first (ISO times in UTC sort as text)
    assert {record["added_by"] for record in records} == {"ada"}
    device = records[0]["backend_name"]
    assert cli.main(["archive", "list", "--device", device]) == 0
    listed = capsys.readouterr()
    assert listed.out.count("\n") == 1 and device in listed.out
    assert "1 snapshots in sqlite:///" in listed.err


def test_archive_on_an_unreachable_database_exits_1_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NOISE_STUDIO_DATABASE_URL", "postgresql://ada:secret@127.0.0.1:9/lab")
    assert cli.main(["archive", "list"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: the database postgresql+psycopg://ada:***@127.0.0.1:9/lab cannot be used")
    assert "secret" not in error
