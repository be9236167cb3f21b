"""AppTest: the Device page shows the default preset, switches presets, takes good and bad uploads."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.views.device import gates_not_simulated
from noise_core import build_target, derive_noise_spec, spec_to_json
from noise_core.calibration import MAX_DOCUMENT_BYTES
from noise_core.spec.gates import is_measurement
from presets import DEFAULT_PRESET, SNAPSHOT_DIR, list_presets, load_preset
from tests.apptest import open_page, started_app
from tests.conftest import minimal_snapshot

pytestmark = pytest.mark.slow  # runs the app in AppTest

ROOT = Path(__file__).parents[2]


@pytest.fixture
def app() -> AppTest:
    at = started_app(120)
    open_page(at, "device")
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
        "Archive",
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
    """The browser refuses it first (the widget's limit); a client that skips that check gets the loader's rule."""
    before = metrics(app)
    upload(app, "broken.json", b"{")
    assert "broken.json was not loaded" in app.error[0].value
    upload(app, "x.json", b" " * (31 * 2**20))
    assert not app.exception
    assert len(app.error) == 1  # the previous file's message is replaced, not kept
    message = app.error[0].value
    assert message.startswith(
        "x.json was not loaded: the document is 31.0 MB; the limit is 20.0 MB for a calibration snapshot"
    )
    assert f"Still showing preset {DEFAULT_PRESET}" in message
    assert metrics(app) == before


def test_the_upload_states_one_limit_the_loaders_and_the_browser_enforces_it(app: AppTest) -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    uploader = app.file_uploader(key="device_upload").proto
    assert uploader.max_upload_size_mb * 2**20 == MAX_DOCUMENT_BYTES
    assert uploader.max_upload_size_mb <= config["server"]["maxUploadSize"]
    assert "at most 20 MB" in uploader.label and "The limit is 20 MB" in uploader.help
    assert "50" not in uploader.label + uploader.help


def test_an_upload_in_force_is_said_in_the_preset_box_and_stays_said_when_its_file_is_removed(app: AppTest) -> None:
    upload(app, "props_manila.json", (SNAPSHOT_DIR / "ibmq_manila.json").read_bytes())
    box = app.selectbox(key="device_preset")
    assert box.value is None
    assert box.proto.placeholder == "In force: ibmq_manila (upload props_manila.json)"
    app.file_uploader(key="device_upload").set_value(None).run()
    assert not app.exception and metrics(app)["Backend"] == "ibmq_manila"
    assert app.selectbox(key="device_preset").value is None
    said = " ".join(caption.value for caption in app.caption)
    assert "In force: upload props_manila.json (ibmq_manila, 5 qubits)" in said
    assert "stays in force until a preset is picked or another file is loaded" in said
    app.selectbox(key="device_preset").set_value(DEFAULT_PRESET).run()  # the preset shown before is picked again
    assert metrics(app)["Backend"] == DEFAULT_PRESET
    assert app.selectbox(key="device_preset").value == DEFAULT_PRESET
    assert "In force:" not in " ".join(caption.value for caption in app.caption)


def test_a_noise_spec_on_the_device_page_is_sent_to_the_export_page(app: AppTest) -> None:
    spec = spec_to_json(derive_noise_spec(load_preset("ibmq_manila"))).encode()
    upload(app, "manila.noise_spec.json", spec)
    assert not app.exception
    message = app.error[0].value
    assert message.startswith(
        "manila.noise_spec.json was not loaded: this is a noise spec (Noise Studio's full format): import it on the "
        "Export page"
    )
    assert "Field required" not in message and f"Still showing preset {DEFAULT_PRESET}" in message
    assert [link.proto.page for link in app.get("page_link")] == ["export"]
    assert metrics(app)["Backend"] == DEFAULT_PRESET


def test_findings_filter_narrows_the_table(app: AppTest) -> None:
    app.multiselect(key="device_findings_filter").set_value(["gate_error_one"]).run()
    findings_table = app.dataframe[2].value
    assert set(findings_table["kind"]) == {"gate_error_one"}


def findings_shown(at: AppTest) -> list[str]:
    """The subjects of the findings drawn, group after group (the qubit and gate tables come first)."""
    return [subject for table in at.dataframe[2:] for subject in table.value["subject"]]


def test_findings_are_grouped_by_gate_and_kind_and_those_on_gates_the_simulation_leaves_out_are_said(
    app: AppTest,
) -> None:
    app.selectbox(key="device_preset").set_value("ibm_torino").run()
    assert not app.exception
    findings = load_preset("ibm_torino").findings
    unused = sum(finding.gate in {"rx", "rzz"} for finding in findings)
    said = " ".join(info.value for info in app.info)
    assert f"{unused} of {len(findings)} findings concern gates the simulation does not use (rx, rzz)" in said
    assert "they change no result" in said
    labels = [expander.label for expander in app.expander]
    assert "gate cz · gate_error_one: 22 findings" in labels
    assert "gate rzz · gate_error_one: 300 findings (a gate the simulation does not use)" in labels
    assert labels.index("gate cz · gate_error_one: 22 findings") < labels.index(
        "gate rzz · gate_error_one: 300 findings (a gate the simulation does not use)"
    )
    assert sorted(findings_shown(app)) == sorted(finding.subject for finding in findings)


@pytest.mark.parametrize("preset", [info.name for info in list_presets()])
def test_the_gates_said_not_simulated_are_those_build_target_leaves_out_or_measures_by_readout(preset: str) -> None:
    calibration = load_preset(preset)
    offered = build_target(calibration).target.operation_names
    expected = {gate for gate in calibration.gate_names if gate not in offered or is_measurement(gate)}
    assert gates_not_simulated(calibration.gate_names) == sorted(expected)


def test_findings_filter_by_gate_and_by_qubit(app: AppTest) -> None:
    app.selectbox(key="device_preset").set_value("ibm_torino").run()
    findings = load_preset("ibm_torino").findings
    app.multiselect(key="device_findings_scope").set_value(["gate cz"]).run()
    assert sorted(findings_shown(app)) == sorted(f.subject for f in findings if f.gate == "cz")
    qubit = 19  # has findings on cz, rzz and its own properties
    app.multiselect(key="device_findings_scope").set_value(["gate cz", "qubit properties"])
    app.multiselect(key="device_findings_qubits").set_value([qubit]).run()
    expected = [f.subject for f in findings if f.gate in {"cz", None} and f.subject != "device" and qubit in f.qubits]
    assert sorted(findings_shown(app)) == sorted(expected) and "qubit 19" in expected and "cz on [15, 19]" in expected
    app.selectbox(key="device_preset").set_value("ibm_fez").run()  # a new device starts with every finding shown
    assert app.multiselect(key="device_findings_qubits").value == []
    assert len(findings_shown(app)) == len(load_preset("ibm_fez").findings)


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


@pytest.mark.parametrize("preset", ["ionq_harmony", "google_willow_pink_d7v1", "quantinuum_h1_1"])
def test_a_vendor_preset_loads_derives_and_simulates_without_an_exception(app: AppTest, preset: str) -> None:
    app.selectbox(key="device_preset").set_value(preset).run()
    assert not app.exception
    assert metrics(app)["Backend"] == preset
    conversions = [f.subject for f in load_preset(preset).findings if f.kind == "converted"]
    assert conversions and set(conversions) <= set(findings_shown(app))  # how each figure was read is on the page
    for page in ("noise", "simulate", "export"):
        open_page(app, page)
        assert not app.exception, page
