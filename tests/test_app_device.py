"""AppTest: the Device page shows the default preset, switches presets, takes good and bad uploads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from presets import DEFAULT_PRESET, SNAPSHOT_DIR
from tests.conftest import minimal_snapshot

pytestmark = pytest.mark.slow  # runs the app in AppTest

APP = str(Path(__file__).parents[1] / "app.py")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/device.py").run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="device_upload").set_value((name, content, "application/json"))
    return at.run()


def test_opens_on_the_default_preset_with_tables_and_findings(app: AppTest) -> None:
    shown = metrics(app)
    assert shown["Backend"] == DEFAULT_PRESET
    assert shown["Qubits"] == "156"
    assert [tab.label for tab in app.tabs] == ["Map", "Qubits", "Gates", f"Findings ({shown['Findings']})"]
    assert int(shown["Findings"]) > 0
    qubit_table = app.dataframe[0]
    assert len(qubit_table.value) == 156
    assert "T1 (µs)" in qubit_table.value.columns
    assert not app.error


def test_choosing_another_preset_loads_it(app: AppTest) -> None:
    app.selectbox(key="device_preset").set_value("ibmq_manila").run()
    assert not app.exception
    assert metrics(app)["Backend"] == "ibmq_manila"
    assert metrics(app)["Qubits"] == "5"


def test_good_upload_replaces_the_device(app: AppTest) -> None:
    upload(app, "two.json", json.dumps(minimal_snapshot()).encode())
    assert not app.exception
    assert metrics(app)["Backend"] == "fake_two"
    assert "upload two.json" in app.caption[0].value
    assert not app.error


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not json at all", "not valid JSON: Expecting value at line 1, column 1"),
        (b'{"backend_name": "x"}', "last_update_date: Field required"),
        (json.dumps({**minimal_snapshot(), "gates": [{"gate": "cx", "qubits": [0, 7], "parameters": []}]}).encode(),
         "gates[0] (cx on [0, 7]): qubit 7 is out of range"),
    ],
)  # fmt: skip
def test_bad_upload_shows_why_and_keeps_the_device(app: AppTest, content: bytes, expected: str) -> None:
    before = metrics(app)
    upload(app, "broken.json", content)
    assert not app.exception
    assert len(app.error) == 1
    message = app.error[0].value
    assert message.startswith("broken.json was not loaded: ")
    assert expected in message
    assert f"Still showing preset {DEFAULT_PRESET}" in message
    assert metrics(app) == before


def test_a_good_upload_after_a_bad_one_clears_the_error(app: AppTest) -> None:
    upload(app, "broken.json", b"{")
    assert app.error
    upload(app, "manila.json", (SNAPSHOT_DIR / "ibmq_manila.json").read_bytes())
    assert not app.error
    assert metrics(app)["Backend"] == "ibmq_manila"


def test_findings_filter_narrows_the_table(app: AppTest) -> None:
    app.multiselect(key="device_findings_filter").set_value(["gate_error_one"]).run()
    findings_table = app.dataframe[2].value
    assert set(findings_table["kind"]) == {"gate_error_one"}
