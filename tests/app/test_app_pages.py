"""AppTest: every page renders, and the flows of the dashboard work end to end without a browser.

Figures are read back from their plotly specs (``at.get_by_key(key).proto.spec``). The noise
editors are ``st.data_editor``s; a test edits one by setting its change record in session state,
which is what the browser sends.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.runtime.session import DEFAULT_CIRCUIT, DEFAULT_SETTINGS
from noise_core import NoiseSpec, derive_noise_spec, spec_to_json
from noise_core.analysis import classiq_approximation_cost
from presets import load_preset
from tests.apptest import edit, figure, noise, open_page

pytestmark = pytest.mark.slow  # runs the whole app in AppTest

PAGES = ["device", "noise", "simulate", "explain", "fit", "export"]


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_an_exception_or_error(app: AppTest, page: str) -> None:
    open_page(app, page)
    assert not app.exception
    assert not app.error


def test_the_app_opens_on_a_simulated_histogram_of_the_default_preset(app: AppTest) -> None:
    assert app.title[0].value == "Simulate"
    spec = figure(app, "sim_histogram")
    assert [trace["name"] for trace in spec["data"]] == ["ideal", "noisy"]
    assert all(trace["type"] == "bar" for trace in spec["data"])
    assert {"000", "111"} <= set(spec["data"][1]["x"])
    assert float(metrics(app)["Success probability"]) < 1.0
    assert "ibm_pittsburgh" in app.caption[0].value


def test_assignment_heatmaps_show_specified_and_estimated_matrices(app: AppTest) -> None:
    app.session_state["sim_tabs"] = "Assignment matrices"  # computed only while their tab is open
    app.run()
    measured = app.session_state["last_simulation"].result.measured_qubits
    for qubit in measured:
        for kind in ("specified", "estimated"):
            heatmap = figure(app, f"sim_heatmap_{qubit}_{kind}")["data"][0]
            assert heatmap["type"] == "heatmap"
            assert heatmap["z"]["shape"] == "2, 2"  # plotly sends numpy arrays as typed arrays
    joint = figure(app, "sim_heatmap_joint_estimated")["data"][0]
    assert joint["z"]["shape"] == "8, 8"


def test_the_device_map_colours_qubits_and_couplers(app: AppTest) -> None:
    open_page(app, "device")
    traces = figure(app, "device_map")["data"]
    qubits = next(trace for trace in traces if trace["name"] == "qubits")
    assert len(qubits["text"]) == 156
    assert qubits["marker"]["showscale"] is True
    assert sum(trace["name"].startswith("2q gate error") for trace in traces) == 5


def test_an_invalid_edit_names_the_row_rule_and_value_and_keeps_the_last_valid_spec(app: AppTest) -> None:
    open_page(app, "noise")
    before = noise(app).spec
    edit(app, "qubit_specific", {"edited_rows": {0: {"depolarizing": 1.5}}})
    assert not app.exception
    message = app.error[0].value
    assert "This edit is not applied" in message
    assert "- id on qubit 0: depolarizing λ must be between 0 and 1.33333 (4ⁿ/(4ⁿ−1) for 1 qubit); got 1.5" in message
    assert noise(app).spec is before
    edit(app, "qubit_specific", {"edited_rows": {0: {"depolarizing": 0.5}}})
    assert not app.error
    assert noise(app).spec.local_depolarizing_errors[0].probability == 0.5


def test_a_value_that_is_not_a_number_is_named_with_its_row(app: AppTest) -> None:
    open_page(app, "noise")
    edit(app, "qubit_specific", {"edited_rows": {2: {"t2": "fast"}}})
    assert "id on qubit 2: T2 (µs) must be a positive number of µs; got 'fast'" in app.error[0].value


def test_a_valid_edit_shows_in_the_changes_and_in_the_next_simulation(app: AppTest) -> None:
    baseline = float(metrics(app)["Success probability"])
    open_page(app, "noise")
    gen = noise(app).generation
    app.radio(key=f"noise_readout_mode_{gen}").set_value("bit flip").run()
    app.number_input(key=f"noise_readout_flip_{gen}").set_value(0.2).run()
    edit(app, "readout", {"deleted_rows": list(range(156))})
    assert noise(app).spec.readout_bit_flip_probability == 0.2
    changes = app.dataframe[-1].value
    assert set(changes["change"]) == {"removed"}
    open_page(app, "simulate")
    assert float(metrics(app)["Success probability"]) < baseline - 0.2


def test_reset_all_and_start_from_scratch(app: AppTest) -> None:
    open_page(app, "noise")
    edit(app, "qubit_specific", {"edited_rows": {0: {"depolarizing": 0.5}}})
    app.button(key="noise_scratch").click().run()
    assert noise(app).spec.is_ideal
    open_page(app, "simulate")
    assert float(metrics(app)["Total variation distance"]) == 0.0
    open_page(app, "noise")
    app.button(key="noise_reset_all").click().run()
    assert noise(app).spec is noise(app).derived


def test_one_edited_entry_can_be_reset_to_its_derived_value(app: AppTest) -> None:
    open_page(app, "noise")
    derived = noise(app).derived
    edit(app, "qubit_specific", {"edited_rows": {0: {"depolarizing": 0.5}}})
    app.button(key="noise_reset_entry").click().run()
    assert not app.exception
    assert noise(app).spec.local_depolarizing_errors[0] == derived.local_depolarizing_errors[0]
    assert "Every value comes from the calibration" in app.success[0].value


def test_deriving_with_other_options_replaces_the_model(app: AppTest) -> None:
    open_page(app, "noise")
    app.toggle[2].set_value(False)  # thermal relaxation
    app.button(key="FormSubmitter:derive_form-Derive from the device").click().run()
    assert not app.exception
    spec = noise(app).spec
    assert not spec.local_thermal_relaxation_errors and spec.local_depolarizing_errors
    assert spec.provenance.options.thermal_relaxation is False


def test_an_expensive_run_waits_for_the_button_and_the_old_result_is_marked_stale(app: AppTest) -> None:
    app.number_input(key="sim_GHZ_n").set_value(17).run()
    assert any("Stale" in warning.value for warning in app.warning)
    assert app.button(key="sim_run")
    app.button(key="sim_run").click().run()
    assert not app.exception
    assert metrics(app)["Active qubits"] == "17"
    assert not any("Stale" in warning.value for warning in app.warning)


def test_bad_openqasm_names_the_line_and_keeps_the_last_result(app: AppTest) -> None:
    app.session_state["sim_source"] = "OpenQASM"
    app.run()
    app.text_area(key="sim_qasm_text").set_value(
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0]\ncx q[0],q[1];'
    ).run()
    assert "line 5, column 1: needed ';'" in app.error[0].value
    assert figure(app, "sim_histogram")  # the previous result is still drawn


def test_the_export_page_measures_the_classiq_approximation_on_the_simulate_pages_circuit(app: AppTest) -> None:
    """The derived model's Classiq export drops idle relaxation and folds T1/T2: the page gives the TVD it causes
    on GHZ(3) (exact), the same figure ``classiq_approximation_cost`` gives."""
    open_page(app, "export")
    caption = next(c.value for c in app.caption if "the Simulate page's circuit, it moves the noisy result" in c.value)
    tvd = float(caption.split("total variation distance of ", 1)[1].split(" ", 1)[0])
    assert "(exact distributions)" in caption and caption.startswith("On GHZ(3),")
    expected = classiq_approximation_cost(
        DEFAULT_CIRCUIT.request.build(), noise(app).spec, DEFAULT_SETTINGS, calibration=load_preset("ibm_pittsburgh")
    )
    assert tvd == pytest.approx(expected.tvd, abs=5e-5) and tvd > 0


def test_a_spec_json_imports_on_the_export_page_and_a_bad_one_is_refused(app: AppTest) -> None:
    open_page(app, "export")
    assert [button.label for button in app.main.get("download_button")] == [  # the sidebar offers the session
        "Download spec JSON",
        "Download Classiq JSON",
        "Download Aer noise-model dict",
        "Download Cirq (cirq.json)",
        "Download PennyLane (pennylane.json)",
        "Download Stim (stim)",
        "Download Amazon Braket (braket.qasm)",
    ]
    app.file_uploader(key="export_import").set_value(
        ("bad.json", b'{"readout_bit_flip_probability": 2}', "application/json")
    )
    app.run()
    assert "bad.json was not imported; the model in force is unchanged" in app.error[0].value
    assert "readout_bit_flip_probability" in app.error[0].value
    mine = NoiseSpec(readout_bit_flip_probability=0.1)
    app.file_uploader(key="export_import").set_value(("mine.json", spec_to_json(mine).encode(), "application/json"))
    app.run()
    app.button(key="export_use_import").click().run()
    assert noise(app).spec == mine


def test_a_spec_from_another_device_needs_confirmation_naming_both_snapshots(app: AppTest) -> None:
    foreign = derive_noise_spec(load_preset("ibm_fez"))
    open_page(app, "export")
    app.file_uploader(key="export_import").set_value(("fez.json", spec_to_json(foreign).encode(), "application/json"))
    app.run()
    warning = app.warning[0].value
    assert "fez.json: the spec was derived from ibm_fez calibrated" in warning
    assert "but the device is ibm_pittsburgh calibrated" in warning
    assert not [button for button in app.button if button.key == "export_use_import"]
    app.checkbox(key="export_confirm_other_device").check().run()
    app.button(key="export_use_import").click().run()
    assert noise(app).spec == foreign
    assert "fingerprint" in app.caption[0].value


def test_a_filtered_table_edits_the_rows_it_shows(app: AppTest) -> None:
    open_page(app, "noise")
    app.text_input(key="noise_filter").set_value("113").run()
    assert not app.exception
    assert [tab.label for tab in app.tabs][:3] == ["Qubit-specific channels", "All-qubit channels", "Per-qubit readout"]
    captions = [caption.value for caption in app.caption]
    assert "17 of 1,484 entries match the filter" in captions and "1 of 156 entries match the filter" in captions
    before = {entry.qubit: entry for entry in noise(app).spec.local_readout_errors}
    edit(app, "readout", {"edited_rows": {0: {"p1_given_0": 0.3}}})
    assert not app.error
    after = {entry.qubit: entry for entry in noise(app).spec.local_readout_errors}
    assert after[113].assignment_probabilities[0] == [0.7, 0.3]
    assert all(after[qubit] == before[qubit] for qubit in before if qubit != 113)


def test_the_one_entry_form_explains_an_invalid_value_and_applies_a_valid_one(app: AppTest) -> None:
    open_page(app, "noise")
    app.text_input(key="noise_filter").set_value("113").run()
    app.selectbox(key="noise_form_entry").set_value("readout on qubit 113").run()
    p10 = next(box for box in app.text_input if box.label == "P(1|0)")
    p10.set_value("2")
    app.button(key="FormSubmitter:noise_entry_form-Apply to this entry").click().run()
    message = app.error[0].value
    assert message.startswith("**Not applied**")
    assert message.endswith("Fix:\n\n- readout of qubit 113: P(1|0) must be between 0 and 1; got 2")
    assert noise(app).spec is noise(app).derived
    p10 = next(box for box in app.text_input if box.label == "P(1|0)")
    p10.set_value("0.25")
    app.button(key="FormSubmitter:noise_entry_form-Apply to this entry").click().run()
    assert not app.error
    readout = {entry.qubit: entry for entry in noise(app).spec.local_readout_errors}
    assert readout[113].assignment_probabilities[0] == [0.75, 0.25]


def test_a_calibration_snapshot_on_the_export_page_is_sent_to_the_device_page(app: AppTest) -> None:
    open_page(app, "export")
    snapshot = (Path(__file__).parents[2] / "presets" / "snapshots" / "ibmq_manila.json").read_bytes()
    app.file_uploader(key="export_import").set_value(("props_manila.json", snapshot, "application/json"))
    app.run()
    assert not app.exception
    message = app.error[0].value
    assert message.startswith("props_manila.json was not imported; the model in force is unchanged.")
    assert "this is a calibration snapshot" in message and "load it on the Device page" in message
    assert "Extra inputs" not in message and "ibmq_manila" not in message and "T1" not in message
    assert [link.proto.page for link in app.get("page_link")] == ["device"]


@pytest.mark.parametrize(
    ("document", "said", "pages"),
    [
        (json.dumps({"0101": 480, "1010": 520}).encode(), "this is a counts file (measured counts): upload it on the "
         "Fit page", ["fit"]),
        (b'{"format": "noise-studio-session", "version": 1}', "this is a session bundle: open it with 'Restore a "
         "session' in the sidebar", []),
    ],
    ids=["counts", "session"],
)  # fmt: skip
def test_another_kind_of_document_on_the_export_page_says_where_it_goes(
    app: AppTest, document: bytes, said: str, pages: list[str]
) -> None:
    open_page(app, "export")
    app.file_uploader(key="export_import").set_value(("mine.json", document, "application/json")).run()
    assert not app.exception
    message = app.error[0].value
    assert message == f"mine.json was not imported; the model in force is unchanged.\n\n- {said}"
    assert [link.proto.page for link in app.get("page_link")] == pages


def test_the_readout_table_reports_a_wrong_probability_once_in_the_users_terms(app: AppTest) -> None:
    open_page(app, "noise")
    app.text_input(key="noise_filter").set_value("113").run()
    edit(app, "readout", {"edited_rows": {0: {"p1_given_0": 2}}})
    message = app.error[0].value
    assert message.count("\n- ") == 1
    assert "- readout of qubit 113: P(1|0) must be between 0 and 1; got 2" in message
    assert "assignment_probabilities" not in message and "row 114" not in message


def test_the_editor_shows_times_in_microseconds_and_nanoseconds_and_a_form_change_keeps_the_rest_exact(
    app: AppTest,
) -> None:
    open_page(app, "noise")
    app.text_input(key="noise_filter").set_value("id").run()
    app.selectbox(key="noise_form_entry").set_value("id on 0").run()
    shown = {box.label: box.value for box in app.text_input if box.label in ("T1 (µs)", "T2 (µs)", "gate time (ns)")}
    assert shown == {"T1 (µs)": "66.84", "T2 (µs)": "112.4", "gate time (ns)": "32"}
    labels = {box.label for box in app.text_input}
    assert "coherent ε (rad)" not in labels and "phases φ0, φ1 (rad)" not in labels  # id turns about no axis
    for gate, expected in (("sx", {"coherent ε (rad)"}), ("cz", {"coherent ε (rad)", "phases φ0, φ1 (rad)"})):
        app.text_input(key="noise_filter").set_value(gate).run()
        entries = app.selectbox(key="noise_form_entry")
        entries.set_value(next(option for option in entries.options if option.startswith(f"{gate} on "))).run()
        assert {box.label for box in app.text_input} & {"coherent ε (rad)", "phases φ0, φ1 (rad)"} == expected
    app.text_input(key="noise_filter").set_value("id").run()
    app.selectbox(key="noise_form_entry").set_value("id on 0").run()
    derived = noise(app).derived
    next(box for box in app.text_input if box.label == "T1 (µs)").set_value("80")
    app.button(key="FormSubmitter:noise_entry_form-Apply to this entry").click().run()
    assert not app.error
    relaxation = noise(app).spec.local_thermal_relaxation_errors[0].relaxations[0]
    assert (relaxation.t1, relaxation.t2) == (80_000.0, derived.local_thermal_relaxation_errors[0].relaxations[0].t2)
    changes = app.dataframe[-1].value
    assert changes["values"].tolist() == ["T1 (µs) 66.84 → 80"]


def test_the_changes_list_shows_old_and_new_values_and_summarizes_a_bulk_change(app: AppTest) -> None:
    open_page(app, "noise")
    app.text_input(key="noise_filter").set_value("113").run()
    edit(app, "readout", {"edited_rows": {0: {"p1_given_0": 0.3}}})
    assert any(md.value == "- 1 entry edited: 1 readout" for md in app.markdown)
    changes = app.dataframe[-1].value
    assert changes.to_dict("records") == [
        {"table": "Per-qubit readout", "entry": "qubit 113", "change": "edited", "values": "P(1|0) 0.003906 → 0.3"}
    ]
    app.text_input(key="noise_filter").set_value("").run()
    app.button(key="noise_scratch").click().run()
    assert any(
        md.value == "- 1,796 entries removed: 1,484 qubit-specific, 156 readout, 156 idle" for md in app.markdown
    )
    assert len(app.dataframe[-1].value) == 50
    assert any(caption.value.startswith("… and 1,746 more") for caption in app.caption)
    assert app.selectbox(key="noise_reset_choice").value == "Qubit-specific channels: id on 0 (removed)"


def test_every_library_circuit_can_be_picked_and_simulated_on_the_simulate_page(app: AppTest) -> None:
    from noise_core import CIRCUIT_LIBRARY

    for name in CIRCUIT_LIBRARY:
        app.selectbox(key="sim_library").set_value(name).run()
        assert not app.exception, name
        assert not app.error, (name, [error.value for error in app.error])
        assert "sim_histogram" in [element.key for element in app.get("plotly_chart")], name


def test_each_export_shows_its_report_and_a_circuit_stim_cannot_hold_is_said(app: AppTest) -> None:
    open_page(app, "export")
    labels = [expander.label for expander in app.expander]
    for framework in ("Classiq", "Qiskit Aer", "Cirq", "PennyLane", "Stim", "Amazon Braket"):
        assert f"What {framework} keeps, approximates and drops" in labels
    captions = " ".join(caption.value for caption in app.caption)
    assert "In the file, under 'noise_studio_report': Classiq: entries " in captions
    assert "In the file, under 'report': Cirq: entries " in captions
    assert "In the file, in its first comment lines: Stim: entries " in captions
    assert [tab.label for tab in app.tabs] == ["Cirq", "PennyLane", "Stim", "Amazon Braket"]
