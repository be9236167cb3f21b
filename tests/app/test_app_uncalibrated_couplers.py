"""AppTest: an upload with couplers that have no reported error draws them dashed, warns when a run uses them,
and the Simulate page's toggle keeps the run off them."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import open_page, started_app
from tests.noise_core.simulation.test_uncalibrated_couplers import fez_without_cz_errors

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


@pytest.fixture
def app() -> AppTest:
    at = started_app(180)
    open_page(at, "device")
    document = json.dumps(fez_without_cz_errors(((5, 6),))).encode()
    at.file_uploader(key="device_upload").set_value(("fez_uncalibrated.json", document, "application/json")).run()
    assert not at.exception
    return at


def test_the_map_draws_them_dashed_and_its_caption_counts_what_it_draws(app: AppTest) -> None:
    figure = json.loads(app.get_by_key("device_map").proto.spec)
    dashed = [trace for trace in figure["data"] if trace.get("line", {}).get("dash") == "dash"]
    assert len(dashed) == 1 and len([x for x in dashed[0]["x"] if x is not None]) == 2
    assert any("156 qubits, 176 couplers (1 without a reported error, dashed)" in c.value for c in app.caption)


def test_a_run_pinned_onto_one_warns_and_avoiding_them_moves_it(app: AppTest) -> None:
    open_page(app, "simulate")
    app.session_state["sim_tabs"] = "Noise coverage"
    app.text_input(key="sim_layout").set_value("5,6,7").run()
    assert not app.exception
    used = app.session_state["last_simulation"].result
    assert used.active_qubits == (5, 6, 7)
    warning = next(w.value for w in app.warning if "no reported cz error (cz on 5–6 ×1)" in w.value)
    assert "with 'Avoid uncalibrated couplers' in the run settings" in warning  # the UI step, not the keyword
    coverage = app.dataframe[0].value.set_index(["instruction", "qubits"])["reported_error"]
    assert coverage[("cz", "5,6")] == "not reported" and float(coverage[("cz", "6,7")]) > 0
    assert all(text == "not reported" or float(text) >= 0 for text in coverage if text)
    app.toggle(key="sim_avoid_uncalibrated").set_value(True).run()
    if [button for button in app.button if button.key == "sim_run"]:  # routed around it, maybe too long to be live
        app.button(key="sim_run").click().run()
    assert not app.exception
    moved = app.session_state["last_simulation"].result
    assert moved.initial_layout == (5, 6, 7) and moved.active_qubits != used.active_qubits
    index = {bit: position for position, bit in enumerate(moved.transpiled.qubits)}
    pairs = {tuple(sorted(index[q] for q in item.qubits)) for item in moved.transpiled.data if len(item.qubits) == 2}
    assert (5, 6) not in pairs
    warnings = " ".join(warning.value for warning in app.warning)
    notes = " ".join(caption.value for caption in app.caption)  # the Target's notes, on the Noise coverage tab
    assert "no reported cz error" not in warnings and "avoided as asked ('Avoid uncalibrated couplers' is on)" in notes


def test_presets_have_none_and_show_no_toggle() -> None:
    app = started_app(180)
    assert not app.exception
    assert not [toggle for toggle in app.toggle if toggle.key == "sim_avoid_uncalibrated"]
