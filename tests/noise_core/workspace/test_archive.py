"""The calibration archive: each snapshot once by fingerprint, CSVs loaded again with their name's date, filters,
two writers at once losing nothing, hostile names and documents refused, and a folder imported."""

from __future__ import annotations

import copy
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from noise_core import load_calibration
from noise_core.calibration import calibration_to_csv
from noise_core.errors import CalibrationError, WorkspaceError
from noise_core.workspace import (
    archive_snapshot,
    archived_devices,
    archived_document,
    archived_snapshots,
    import_folder,
    load_archived,
    open_workspace,
)
from tests.conftest import minimal_snapshot, nduv

CSV_NAME = "ibm_fez_calibrations_2025-01-13T16_54_24Z.csv"


def variant(t1_us: float, *, backend: str = "fake_two", date: str = "2024-05-01T10:00:00+00:00") -> bytes:
    """The minimal two-qubit snapshot with qubit 0's T1 set (a distinct fingerprint per value), as JSON bytes."""
    document: dict[str, Any] = copy.deepcopy(minimal_snapshot())
    document["qubits"][0][0] = nduv("T1", t1_us, "us")
    document["backend_name"], document["last_update_date"] = backend, date
    return json.dumps(document).encode()


def test_a_snapshot_is_stored_once_and_its_first_record_kept(database_url: str) -> None:
    workspace = open_workspace(database_url)
    first = archive_snapshot(workspace, variant(100.0), "monday.json", added_by="ada")
    again = archive_snapshot(
        workspace, variant(100.0).replace(b'"fake_two"', b'"fake_two" '), "copy.json", added_by="bob"
    )
    assert first.added and not again.added
    assert again.snapshot == first.snapshot  # the name and adder of the first copy
    assert [record.file_name for record in archived_snapshots(workspace)] == ["monday.json"]
    workspace.close()


def test_a_csv_loads_again_with_the_device_and_date_its_file_name_gave(database_url: str) -> None:
    workspace = open_workspace(database_url)
    calibration = load_calibration(variant(90.0))
    document = calibration_to_csv(calibration).encode()
    record = archive_snapshot(workspace, document, CSV_NAME, added_by="ada").snapshot
    assert (record.backend_name, record.document_format) == ("ibm_fez", "csv")
    assert record.calibrated_at == datetime(2025, 1, 13, 16, 54, 24, tzinfo=UTC)
    loaded = load_archived(workspace, record.fingerprint)
    assert (loaded.backend_name, loaded.last_update_date) == ("ibm_fez", record.calibrated_at)
    assert archived_document(workspace, record.fingerprint) == (document, CSV_NAME)
    workspace.close()


def test_a_csv_without_its_date_is_archived_with_the_time_unknown(database_url: str) -> None:
    workspace = open_workspace(database_url)
    document = calibration_to_csv(load_calibration(variant(80.0))).encode()
    record = archive_snapshot(workspace, document, "renamed.csv", added_by="ada").snapshot
    dated = archive_snapshot(workspace, variant(81.0), "dated.json", added_by="ada").snapshot
    assert record.calibrated_at is None
    assert archived_snapshots(workspace) == [dated, record]  # unknown times last
    assert archived_snapshots(workspace, calibrated_from=datetime(2000, 1, 1, tzinfo=UTC)) == [dated]
    workspace.close()


def test_the_archive_lists_by_device_and_calibration_time(database_url: str) -> None:
    workspace = open_workspace(database_url)
    dates = ["2024-03-01T08:00:00+00:00", "2024-01-01T08:00:00+00:00", "2024-02-01T08:00:00+02:00"]
    for n, date in enumerate(dates):
        archive_snapshot(workspace, variant(100.0 + n, backend="ibm_a", date=date), f"a{n}.json", added_by="ada")
    archive_snapshot(workspace, variant(200.0, backend="ibm_b"), "b.json", added_by="bob")
    assert archived_devices(workspace) == {"ibm_a": 3, "ibm_b": 1}
    listed = archived_snapshots(workspace, backend_name="ibm_a")
    assert [record.file_name for record in listed] == ["a1.json", "a2.json", "a0.json"]  # by calibration time
    assert listed[1].calibrated_at == datetime(2024, 2, 1, 6, 0, tzinfo=UTC)  # stored in UTC
    window = archived_snapshots(
        workspace,
        backend_name="ibm_a",
        calibrated_from=datetime(2024, 1, 15, tzinfo=UTC),
        calibrated_until=datetime(2024, 2, 15, tzinfo=UTC),
    )
    assert [record.file_name for record in window] == ["a2.json"]
    workspace.close()


def test_two_writers_at_once_lose_nothing(database_url: str) -> None:
    """Two workspaces (as two server processes would open them) archive 25 snapshots each at the same time, 20 of
    them the same and in the same order (so both often look for one before either has stored it): every distinct
    one is stored once, and neither writer fails."""
    shared = [variant(500.0 + n) for n in range(20)]
    own = {name: [variant(1000.0 * (side + 1) + n) for n in range(5)] for side, name in enumerate(["ada", "bob"])}
    workspaces = [open_workspace(database_url) for _ in own]
    failures: list[BaseException] = []
    start = threading.Barrier(len(own))

    def write(user: str, index: int) -> None:
        start.wait()
        try:
            for n, document in enumerate([*shared, *own[user]]):
                archive_snapshot(workspaces[index], document, f"{user}{n}.json", added_by=user)
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(user, index)) for index, user in enumerate(own)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    stored = {load_calibration(document).fingerprint for document in [*shared, *own["ada"], *own["bob"]]}
    listed = archived_snapshots(workspaces[0])
    assert len(listed) == len(stored) == 30
    assert {record.fingerprint for record in listed} == stored
    for workspace in workspaces:
        workspace.close()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "the file name is empty"),
        ("x" * 256 + ".json", "the file name has 261 characters; at most 255 are stored"),
        ("bad\x00name.json", "holds a control character"),
        ("new\nline.json", "holds a control character"),
    ],
)
def test_an_unusable_file_name_is_refused_and_nothing_stored(tmp_path: Path, name: str, rule: str) -> None:
    workspace = open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with pytest.raises(WorkspaceError, match=rule):
        archive_snapshot(workspace, variant(100.0), name, added_by="ada")
    assert archived_snapshots(workspace) == []
    workspace.close()


def test_a_name_with_folders_is_stored_as_its_last_part(tmp_path: Path) -> None:
    workspace = open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    for n, name in enumerate(["../../etc/passwd.json", "..\\..\\windows\\win.json"]):
        record = archive_snapshot(workspace, variant(100.0 + n), name, added_by="ada").snapshot
        assert "/" not in record.file_name and "\\" not in record.file_name and ".." not in record.file_name
    workspace.close()


def test_a_document_that_does_not_load_is_refused_with_the_loader_reason(tmp_path: Path) -> None:
    workspace = open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with pytest.raises(CalibrationError, match="not valid JSON"):
        archive_snapshot(workspace, b"{not json", "broken.json", added_by="ada")
    with pytest.raises(CalibrationError, match="at most 20971520 are archived"):
        archive_snapshot(workspace, b" " * (20 * 2**20 + 1), "huge.json", added_by="ada",
                         calibration=load_calibration(variant(1.0)))  # fmt: skip
    assert archived_snapshots(workspace) == []
    workspace.close()


def test_a_folder_is_imported_file_by_file(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "a.json").write_bytes(variant(100.0))
    (folder / "b.JSON").write_bytes(variant(101.0))
    (folder / "a_again.json").write_bytes(variant(100.0))
    (folder / "broken.csv").write_text("Qubit,T1 (us)\n0,abc\n")
    (folder / "notes.txt").write_text("not a snapshot")
    (folder / "nested").mkdir()
    workspace = open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    report = import_folder(workspace, folder, added_by="ada")
    assert [record.file_name for record in report.added] == ["a.json", "b.JSON"]
    assert [(name, record.file_name) for name, record in report.already] == [("a_again.json", "a.json")]
    assert [name for name, _reason in report.refused] == ["broken.csv"]
    assert report.skipped == ["nested", "notes.txt"]
    with pytest.raises(WorkspaceError, match=r"no folder at .*missing"):
        import_folder(workspace, tmp_path / "missing", added_by="ada")
    workspace.close()


@pytest.mark.parametrize(
    ("preset", "file_name"),
    [
        ("google_willow_pink_d7v1", "willow_pink_d7v1-2024_08_16_calibration.json"),  # the date is in the name
        ("ionq_harmony", "ionq_harmony.json"),  # Braket's document names no device: the file does
        ("quantinuum_h1_1", "quantinuum_h1_1.json"),
    ],
)
def test_another_vendors_document_loads_again_as_the_same_device(tmp_path: Path, preset: str, file_name: str) -> None:
    from presets import SNAPSHOT_DIR, load_preset

    workspace = open_workspace(f"sqlite:///{tmp_path / 'workspace.sqlite3'}")
    record = archive_snapshot(workspace, (SNAPSHOT_DIR / f"{preset}.json").read_bytes(), file_name, added_by="ada")
    loaded = load_archived(workspace, record.snapshot.fingerprint)
    assert loaded == load_preset(preset) and loaded.device_info == load_preset(preset).device_info
    assert record.snapshot.backend_name == preset
    workspace.close()
