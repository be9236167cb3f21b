"""AppTest of the live loop: what-if, result options, stale labels, layout pinning, the result beside the editor."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from noise_core.spec.factors import FACTOR_KINDS
from tests.apptest import figure, open_page

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


def metric(at: AppTest, label: str) -> float:
    return float(next(m.value for m in at.metric if m.label == label))


def test_a_what_if_factor_redraws_the_result_and_leaves_the_model_in_force(app: AppTest) -> None:
    spec_before = app.session_state["noise"].spec
    success = metric(app, "Success probability")
    app.number_input(key="whatif_readout").set_value(3.0).run()
    assert not app.exception
    assert metric(app, "Success probability") < success  # three times the readout error
    assert app.session_state["noise"].spec is spec_before
    assert "readout errors ×3" in app.session_state["last_simulation"].described
    app.number_input(key="whatif_readout").set_value(0.0)
    app.number_input(key="whatif_gate").set_value(0.0)
    app.number_input(key="whatif_idle").set_value(0.0)
    app.number_input(key="whatif_relaxation").set_value(0.0).run()
    assert metric(app, "Success probability") == pytest.approx(1.0)  # every kind of noise removed


def test_an_unphysical_factor_names_the_entry_and_keeps_the_last_result_marked_stale(app: AppTest) -> None:
    app.number_input(key="whatif_readout").set_value(50.0).run()
    assert any("largest allowed readout factor is" in error.value for error in app.error)
    assert any(warning.value.startswith("Stale: the result below was computed for GHZ(3)") for warning in app.warning)
    assert figure(app, "sim_histogram")


def test_one_qubits_readout_what_if_changes_only_that_qubit(app: AppTest) -> None:
    measured = sorted(int(q) for q in app.session_state["last_simulation"].result.measured_qubits)
    app.selectbox(key="whatif_qubit").set_value(measured[0]).run()
    app.number_input(key="whatif_p10").set_value(0.5).run()
    described = app.session_state["last_simulation"].described
    assert f"qubit {measured[0]} readout P(1|0) 0.5" in described
    assert metric(app, "Success probability") < 0.8  # |000⟩ half the time read with that bit flipped


def test_choosing_a_qubit_for_the_readout_what_if_starts_from_its_values_and_changes_nothing(app: AppTest) -> None:
    success = metric(app, "Success probability")
    qubit = sorted(int(q) for q in app.session_state["last_simulation"].result.measured_qubits)[0]
    entry = next(e for e in app.session_state["noise"].spec.local_readout_errors if e.qubit == qubit)
    app.selectbox(key="whatif_qubit").set_value(qubit).run()
    assert app.number_input(key="whatif_p10").value == entry.assignment_probabilities[0][1]
    assert app.number_input(key="whatif_p01").value == entry.assignment_probabilities[1][0]
    assert metric(app, "Success probability") == success
    assert "what-if" not in app.session_state["last_simulation"].described
    app.number_input(key="whatif_p01").set_value(0.2).run()
    assert f"qubit {qubit} readout P(1|0) {entry.assignment_probabilities[0][1]:g}, P(0|1) 0.2" in (
        app.session_state["last_simulation"].described
    )


def test_a_what_if_can_be_put_in_force_and_the_strip_returns_to_rest(app: AppTest) -> None:
    before = app.session_state["noise"].spec
    app.number_input(key="whatif_coherent").set_value(2.0)
    app.number_input(key="whatif_detuning").set_value(3.0)
    app.number_input(key="whatif_readout").set_value(2.0).run()
    scaled = metric(app, "Success probability")
    app.button(key="whatif_apply").click().run()
    assert not app.exception and not app.error
    spec = app.session_state["noise"].spec
    assert spec.local_readout_errors[0].assignment_probabilities[0][1] == pytest.approx(
        2 * before.local_readout_errors[0].assignment_probabilities[0][1]
    )
    assert all(app.number_input(key=f"whatif_{kind}").value == 1.0 for kind in FACTOR_KINDS)  # every factor at rest
    assert "what-if" not in app.session_state["last_simulation"].described
    assert metric(app, "Success probability") == scaled  # the same model, now in force


def test_log_scale_top_k_order_and_the_sampled_band(app: AppTest) -> None:
    app.toggle(key="sim_log").set_value(True).run()
    assert figure(app, "sim_histogram")["layout"]["yaxis"]["type"] == "log"
    app.number_input(key="sim_top").set_value(2).run()
    assert len(figure(app, "sim_histogram")["data"][0]["x"]) == 2
    app.selectbox(key="sim_order").set_value("bitstring").run()
    assert figure(app, "sim_histogram")["data"][0]["x"] == sorted(figure(app, "sim_histogram")["data"][0]["x"])
    app.toggle(key="sim_sampled_True").set_value(True).run()
    noisy = figure(app, "sim_histogram")["data"][1]
    assert "shot-noise band" in noisy["name"] and noisy["error_y"]["type"] == "data"


def test_changing_the_circuit_to_one_that_waits_keeps_the_old_title_and_marks_it_stale(app: AppTest) -> None:
    app.number_input(key="sim_GHZ_n").set_value(17).run()
    assert "GHZ(3): ideal vs noisy" in figure(app, "sim_histogram")["layout"]["title"]["text"]
    stale = next(w.value for w in app.warning if w.value.startswith("Stale"))
    assert "GHZ(3), ibm_pittsburgh" in stale and "4,000 shots, seed 7" in stale


def test_pinning_the_layout_keeps_the_circuit_on_its_device_qubits_when_the_seed_changes(app: AppTest) -> None:
    """The pinned box gets the device's qubit numbers the result ran on (once 0,1,2: indices that moved the run)."""
    app.session_state["sim_tabs"] = "Layout on the device"
    app.run()
    before = app.session_state["last_simulation"].result
    assert set(before.initial_layout) == set(before.active_qubits) != {0, 1, 2}
    assert f"Active physical qubits: {list(before.active_qubits)}" in " ".join(c.value for c in app.caption)
    app.button(key="sim_pin_layout").click().run()
    assert app.text_input(key="sim_layout").value == ",".join(map(str, before.initial_layout))
    pinned = app.session_state["last_simulation"].result
    assert pinned.active_qubits == before.active_qubits
    assert pinned.metrics.success_probability == pytest.approx(before.metrics.success_probability, abs=1e-12)
    app.number_input(key="sim_seed").set_value(123).run()
    assert app.session_state["last_simulation"].result.active_qubits == before.active_qubits
    app.text_input(key="sim_layout").set_value("0,1,2").run()  # a chain on the first heavy-hex row
    assert app.session_state["last_simulation"].result.initial_layout == (0, 1, 2)
    app.text_input(key="sim_layout").set_value("3,x").run()
    assert any("Pinned layout: qubits are written like" in error.value for error in app.error)


def test_openqasm_with_expected_outcomes_has_a_success_probability(app: AppTest) -> None:
    app.session_state["sim_source"] = "OpenQASM"
    app.run()
    assert next(m.value for m in app.metric if m.label == "Success probability") == "n/a"
    app.text_input(key="sim_qasm_expected").set_value("000, 111").run()
    assert 0.9 < metric(app, "Success probability") < 1.0
    app.text_input(key="sim_qasm_expected").set_value("00").run()
    assert any("expected outcome '00' must be 3 bits" in error.value for error in app.error)


def test_assignment_matrices_are_computed_only_when_their_tab_is_open(app: AppTest) -> None:
    with pytest.raises(KeyError):
        app.get_by_key("sim_heatmap_joint_estimated")
    app.session_state["sim_tabs"] = "Assignment matrices"
    app.run()
    assert figure(app, "sim_heatmap_joint_estimated")["data"][0]["z"]["shape"] == "8, 8"


def test_the_downloads_hold_the_counts_and_the_inputs(app: AppTest) -> None:
    shown = app.session_state["last_simulation"]
    from components.views.live_result import result_json

    document = json.loads(result_json(shown))
    assert sum(document["noisy_counts"].values()) == 4000
    assert document["computed_for"].startswith("GHZ(3), ibm_pittsburgh")


def test_an_edit_on_the_noise_page_redraws_the_result_beside_the_editor(app: AppTest) -> None:
    open_page(app, "noise")
    success = metric(app, "Success probability")
    assert figure(app, "noise_histogram")
    state = app.session_state["noise"]
    measured = sorted(int(q) for q in app.session_state["last_simulation"].result.measured_qubits)
    app.text_input(key="noise_filter").set_value(str(measured[0])).run()
    entries = app.selectbox(key="noise_form_entry")
    entries.set_value(next(o for o in entries.options if o == f"readout on qubit {measured[0]}")).run()
    form = next(t for t in app.text_input if t.label == "P(1|0)")
    form.set_value("0.4")
    app.button[[b.label for b in app.button].index("Apply to this entry")].click().run()
    assert app.session_state["noise"].spec is not state.spec
    assert metric(app, "Success probability") == pytest.approx(
        success - 0.5 * (0.4 - 0.0039), abs=0.01
    )  # |000⟩ half the time


def test_an_invalid_input_offers_no_run_button_and_keeps_the_last_result_labelled(app: AppTest) -> None:
    app.number_input(key="sim_GHZ_n").set_value(17).run()
    assert app.button(key="sim_run")  # a long run waits for the button
    app.text_input(key="sim_layout").set_value("3,x").run()
    assert not [button for button in app.button if button.key == "sim_run"]
    assert any(warning.value.startswith("Showing the last result, computed for GHZ(3)") for warning in app.warning)


def test_the_simulate_choices_survive_a_visit_to_another_page(app: AppTest) -> None:
    app.number_input(key="sim_GHZ_n").set_value(5).run()
    app.number_input(key="sim_seed").set_value(11).run()
    open_page(app, "noise")
    assert "GHZ(5)" in app.markdown[0].value or any("GHZ(5)" in m.value for m in app.markdown)
    open_page(app, "simulate")
    assert app.number_input(key="sim_GHZ_n").value == 5 and app.number_input(key="sim_seed").value == 11
    assert app.session_state["last_simulation"].result.seed == 11


def test_a_table_edit_survives_a_visit_to_another_page(app: AppTest) -> None:
    open_page(app, "noise")
    key = f"noise_editor_readout_{app.session_state['noise'].generation}"
    app.session_state[key] = {"edited_rows": {"0": {"p1_given_0": 0.25}}, "added_rows": [], "deleted_rows": []}
    app.run()
    edited = app.session_state["noise"].spec
    assert edited.local_readout_errors[0].assignment_probabilities[0][1] == 0.25
    open_page(app, "simulate")
    open_page(app, "noise")
    assert app.session_state["noise"].spec.local_readout_errors[0].assignment_probabilities[0][1] == 0.25


def test_a_new_size_keeps_grover_and_qft_parameters_valid_and_says_so(app: AppTest) -> None:
    app.selectbox(key="sim_library").set_value("Grover").run()
    app.number_input(key="sim_Grover_n").set_value(4).run()
    assert not app.error, [error.value for error in app.error]
    assert app.text_input(key="sim_grover_marked").value == "1111"
    assert "Marked bitstring '111' became '1111' for 4 qubits." in [caption.value for caption in app.caption]
    assert app.session_state["last_simulation"].label == "Grover(4)"
    app.selectbox(key="sim_library").set_value("QFT").run()
    app.number_input(key="sim_QFT_n").set_value(2).run()
    assert not app.error, [error.value for error in app.error]
    assert app.number_input(key="sim_qft_value").value == 3
    assert "Value read back 5 became 3, the largest 2 qubits hold." in [caption.value for caption in app.caption]


def test_pasted_openqasm_keeps_one_title_and_a_missing_measurement_says_what_to_write(app: AppTest) -> None:
    app.session_state["sim_source"] = "OpenQASM"
    app.run()
    title = app.session_state["last_simulation"].label
    assert title.startswith("OpenQASM program ") and "circuit-" not in title
    app.number_input(key="sim_seed").set_value(8).run()  # parsed again: the same title
    assert app.session_state["last_simulation"].label == title
    app.text_area(key="sim_qasm_text").set_value('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nh q[0];\n').run()
    message = next(error.value for error in app.error if error.value.startswith("Not simulated"))
    assert "(e.g. `measure q -> c;` in the program)" in message and "measure_all" not in message


def test_a_run_that_would_pass_the_servers_time_limit_is_refused_before_it_starts(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from components.runtime.tasks import TaskLimits
    from components.views import live_result

    monkeypatch.setattr(live_result, "job_seconds", lambda: 1.0)  # runs are jobs: the job limit counts
    app.number_input(key="sim_GHZ_n").set_value(17).run()  # trajectories, estimated ~2 s here
    refusal = next(error.value for error in app.error if error.value.startswith("Not run:"))
    assert "on this server, over its 1 s limit per job" in refusal and "fewer shots" in refusal
    assert not [button for button in app.button if button.key == "sim_run"]  # nothing offered that cannot finish
    monkeypatch.setattr(live_result, "job_seconds", lambda: None)  # no database: runs are tasks
    monkeypatch.setattr(live_result, "task_limits", lambda: TaskLimits(seconds=1.0, memory_bytes=2**34, workers=1))
    app.number_input(key="sim_shots").set_value(3999).run()
    refusal = next(error.value for error in app.error if error.value.startswith("Not run:"))
    assert "on this server, over its 1 s limit per run" in refusal
    assert "NOISE_STUDIO" not in refusal


def test_a_qubit_readout_left_as_started_follows_an_edit_of_the_model_in_force(app: AppTest) -> None:
    qubit = sorted(int(q) for q in app.session_state["last_simulation"].result.measured_qubits)[0]
    app.selectbox(key="whatif_qubit").set_value(qubit).run()
    open_page(app, "noise")
    app.text_input(key="noise_filter").set_value(str(qubit)).run()
    key = f"noise_editor_readout_{app.session_state['noise'].generation}"
    app.session_state[key] = {"edited_rows": {"0": {"p1_given_0": "0.2"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    open_page(app, "simulate")
    assert app.number_input(key="whatif_p10").value == 0.2  # the edit in force, not the value it started from
    assert "what-if" not in app.session_state["last_simulation"].described  # nothing undoes the edit
