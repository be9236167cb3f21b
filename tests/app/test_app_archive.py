"""The Device page's archive: uploads stored once, listed and filtered, one put in force, and the comparison and
drift read from it; a database that cannot be opened leaves the app working and says so."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_app_compare import week_later
from tests.apptest import open_page, served_workspace, started_app


def archive_listing(app: AppTest) -> pd.DataFrame:
    """The Archive tab's table (AppTest keeps no dataframe keys: it is the one with a fingerprint column)."""
    (table,) = [frame.value for frame in app.dataframe if "fingerprint" in frame.value.columns]
    return table


def upload(app: AppTest, file: tuple[str, bytes, str]) -> None:
    app.file_uploader(key="device_upload").set_value(file).run()
    assert not app.exception and not app.error


@pytest.mark.slow
@pytest.mark.usefixtures("database")
def test_uploads_are_archived_once_listed_by_window_and_put_in_force_again() -> None:
    app = started_app(180)
    open_page(app, "device")
    weeks = [week_later("ibmq_manila", week, 1.0 - 0.1 * week) for week in (1, 2, 3)]
    for file in weeks:
        upload(app, file)
    captions = [caption.value.replace("\\", "") for caption in app.caption]  # file names are escaped Markdown
    assert any("ibmq_manila_week3.json is stored in the archive" in caption for caption in captions)
    upload(app, (*weeks[0][:1], weeks[0][1], "application/json"))  # the first again
    captions = [caption.value.replace("\\", "") for caption in app.caption]
    assert any("was in the archive already: the same calibration values as ibmq_manila_week1.json" in caption
               for caption in captions)  # fmt: skip

    app.session_state["device_tabs"] = "Archive"
    app.run()
    assert not app.exception and not app.error
    table = archive_listing(app)
    assert table["file"].tolist() == ["ibmq_manila_week1.json", "ibmq_manila_week2.json", "ibmq_manila_week3.json"]
    assert table.columns.tolist()[:4] == ["calibrated (UTC)", "file", "qubits", "size (kB)"]
    window = app.date_input(key="archive_window")
    first, _last = window.value
    window.set_value((first, first)).run()
    assert archive_listing(app)["file"].tolist() == ["ibmq_manila_week1.json"]

    app.button(key="archive_open").click().run()
    assert not app.exception
    device = app.session_state["device"]
    assert device.source == f"archive snapshot {table['fingerprint'][0]}"
    t1 = json.loads(weeks[0][1])["qubits"][0][0]
    assert device.calibration.qubit_value(0, "T1") == pytest.approx(t1["value"] * 1e-6)


@pytest.mark.slow
@pytest.mark.usefixtures("database")
def test_the_comparison_draws_drift_from_the_archive_without_uploading_again() -> None:
    app = started_app(180)
    open_page(app, "device")
    for week in (1, 2, 3):
        upload(app, week_later("ibmq_manila", week, 1.0 - 0.1 * week))
    fresh = started_app(180)  # another session, later: nothing uploaded in it
    open_page(fresh, "device")
    fresh.selectbox(key="device_preset").set_value("ibmq_manila").run()
    fresh.session_state["device_tabs"] = "Compare with another snapshot"
    fresh.run()
    fresh.segmented_control(key="compare_source").set_value("the archive").run()
    assert not fresh.exception and not fresh.error
    assert fresh.selectbox(key="compare_archived").value.file_name == "ibmq_manila_week3.json"
    drift = json.loads(fresh.get_by_key("drift_chart").proto.spec)
    assert len(drift["data"][0]["x"]) == 4  # the preset in force and three archived weeks
    assert json.loads(fresh.get_by_key("compare_map").proto.spec)["data"]  # compared with week 3


@pytest.mark.slow
def test_a_database_that_cannot_be_opened_leaves_the_app_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    with served_workspace(f"sqlite:///{tmp_path / 'a_file' / 'workspace.sqlite3'}", monkeypatch):
        app = started_app(180)
        open_page(app, "device")
        upload(app, week_later("ibmq_manila", 1, 0.9))
        assert app.session_state["device"].source == "upload ibmq_manila_week1.json"  # loaded all the same
        warning = " ".join(element.value for element in app.warning).replace("\\", "")
        assert "ibmq_manila_week1.json is loaded but not archived. Saving is off: cannot create the folder" in warning
        assert "The app works on without saving." in warning
        app.session_state["device_tabs"] = "Archive"
        app.run()
        assert not app.exception and any("Saving is off" in element.value for element in app.warning)
