"""AppTest: the Device page shows the default preset, switches presets, takes good and bad uploads."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.device_picker import TRANSPORT_LIMIT_MB
from noise_core.calibration import MAX_DOCUMENT_BYTES
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
    """The summary's metrics, and the backend name (a heading, so a long name is never cut) as "Backend"."""
    return {"Backend": at.subheader[0].value, **{metric.label: metric.value for metric in at.metric}}


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="device_upload").set_value((name, content, "application/json"))
    return at.run()


def test_opens_on_the_default_preset_with_tables_and_findings(app: AppTest) -> None:
    shown = metrics(app)
    assert shown["Backend"] == DEFAULT_PRESET
    assert shown["Qubits"] == "156"
    assert [tab.label for tab in app.tabs] == [
        "Map",
        "Qubits",
        "Gates",
        f"Findings ({shown['Findings']})",
        "Compare with another snapshot",
    ]
    assert int(shown["Findings"]) > 0
    qubit_table = app.dataframe[0]
    assert len(qubit_table.value) == 156
    assert "T1 (µs)" in qubit_table.value.columns
    assert "frequency (GHz)" not in qubit_table.value.columns  # Heron snapshots give none: no column of None
    assert not app.error


def test_the_backend_name_is_a_heading_not_a_metric_that_cuts_it(app: AppTest) -> None:
    assert app.subheader[0].value == DEFAULT_PRESET
    assert "Backend" not in [metric.label for metric in app.metric]


def test_an_eagle_has_its_frequency_column_and_map_metric(app: AppTest) -> None:
    app.selectbox(key="device_preset").set_value("ibm_sherbrooke").run()
    assert not app.exception
    assert "frequency (GHz)" in app.dataframe[0].value.columns
    assert "frequency (GHz)" in app.get("button_group")[0].proto.options[2].content


def test_the_map_offers_only_metrics_the_device_has(app: AppTest) -> None:
    options = [option.content for option in app.get("button_group")[0].proto.options]
    assert options == ["T1 (µs)", "T2 (µs)", "readout_error", "sx gate_error"]


def test_findings_rows_are_tall_enough_to_wrap_the_action_instead_of_cutting_it(app: AppTest) -> None:
    findings = app.dataframe[2]
    assert "action" in findings.value.columns
    assert findings.proto.row_height > 64  # above 4rem Streamlit wraps cell text


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


def test_an_over_size_upload_gets_its_own_message_and_keeps_the_device(app: AppTest) -> None:
    before = metrics(app)
    upload(app, "broken.json", b"{")
    assert "broken.json was not loaded" in app.error[0].value
    upload(app, "x.json", b" " * (31 * 2**20))
    assert not app.exception
    assert len(app.error) == 1  # the previous file's message is replaced, not kept
    message = app.error[0].value
    assert message.startswith(
        "x.json was not loaded: it is 31 MB; calibration snapshots are under 1 MB and the limit is 20 MB."
    )
    assert f"Still showing preset {DEFAULT_PRESET}" in message
    assert metrics(app) == before


def test_the_browser_lets_an_over_size_file_reach_the_server_and_the_help_states_the_limit(app: AppTest) -> None:
    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    uploader = app.get("file_uploader")[0].proto
    assert uploader.max_upload_size_mb == TRANSPORT_LIMIT_MB <= config["server"]["maxUploadSize"]
    assert TRANSPORT_LIMIT_MB * 2**20 > MAX_DOCUMENT_BYTES
    assert "at most 20 MB" in uploader.label and "The limit is 20 MB" in uploader.help


def test_findings_filter_narrows_the_table(app: AppTest) -> None:
    app.multiselect(key="device_findings_filter").set_value(["gate_error_one"]).run()
    findings_table = app.dataframe[2].value
    assert set(findings_table["kind"]) == {"gate_error_one"}


def test_a_new_device_shows_all_its_findings_and_gates_whatever_was_filtered_before(app: AppTest) -> None:
    app.multiselect(key="device_findings_filter").set_value(["gate_error_one"]).run()
    app.multiselect(key="device_gate_filter").set_value(["cz"]).run()
    app.selectbox(key="device_preset").set_value("ibm_sherbrooke").run()
    assert not app.exception
    findings = app.multiselect(key="device_findings_filter")
    assert findings.value == findings.options and "readout_at_chance" in findings.value
    gates = app.multiselect(key="device_gate_filter")
    assert "ecr" in gates.value and gates.value == gates.options
    assert set(app.dataframe[1].value["gate"]) == set(gates.options)


def test_the_snapshot_is_offered_as_json_and_csv(app: AppTest) -> None:
    """A CSV user hands the snapshot to Qiskit tools as BackendProperties JSON (content: test_calibration_diff's
    convert tests and test_calibration_csv's round trips)."""
    assert app.get_by_key("device_download_json") is not None
    assert app.get_by_key("device_download_csv") is not None
