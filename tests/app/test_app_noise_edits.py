"""AppTest: the Noise model page keeps what the user has: edits are never dropped silently, every cell and field
goes through the same rules, overrides read as changes, and the filter, tabs and form behave as people expect."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.logic.cells import humane
from components.logic.spec_tables import tables_from_spec
from tests.apptest import edit, noise, open_page, started_app

pytestmark = pytest.mark.slow  # runs the whole app in AppTest

DERIVE = "FormSubmitter:derive_form-Derive from the device"


@pytest.fixture
def app() -> AppTest:
    at = started_app()
    open_page(at, "noise")
    return at


def readout_of(at: AppTest, qubit: int) -> list[list[float]]:
    return next(e.assignment_probabilities for e in noise(at).spec.local_readout_errors if e.qubit == qubit)


def test_deriving_again_over_edits_asks_first_and_an_override_reads_as_a_change(app: AppTest) -> None:
    edit(app, "readout", {"edited_rows": {0: {"p1_given_0": "0.2"}, 1: {"p1_given_0": "0.3"}}})
    edited = noise(app).spec
    app.session_state["derive_gate_lengths"] = {
        "edited_rows": {}, "added_rows": [{"gate": "cz", "qubits": "", "value": "680"}], "deleted_rows": []
    }  # fmt: skip
    assert any("holds 2 edits (2 entries edited: 2 readout)" in warning.value for warning in app.warning)
    app.button(key=DERIVE).click().run()
    assert noise(app).spec is edited  # not derived: the edits stay in force
    assert any("Tick 'Discard it and derive'" in error.value for error in app.error)
    app.checkbox(key="derive_discard").check()
    app.button(key=DERIVE).click().run()
    state = noise(app)
    assert state.spec is state.derived and state.options.gate_lengths[0].value == 680.0
    assert {r.time for e in state.spec.local_thermal_relaxation_errors if e.gate == "cz" for r in e.relaxations} == {
        680.0
    }
    overrides = next(info.value for info in app.info if info.value.startswith("Derived with options"))
    assert "cz length 680 ns on every qubit tuple" in overrides
    assert not any("Every value comes from the calibration" in s.value for s in app.success)


def test_a_gate_length_that_is_not_a_number_is_refused_by_name(app: AppTest) -> None:
    before = noise(app).spec
    app.session_state["derive_gate_lengths"] = {
        "edited_rows": {}, "added_rows": [{"gate": "cz", "qubits": "", "value": "abc"}], "deleted_rows": []
    }  # fmt: skip
    app.run()
    app.button(key=DERIVE).click().run()
    assert any(
        "gate length override for 'cz': the length must be a number of ns, 0 or more; got 'abc'" in error.value
        for error in app.error
    )
    assert noise(app).spec is before


def test_a_forged_editor_delta_cannot_set_hidden_values_or_name_rows_that_are_not_there(app: AppTest) -> None:
    """The browser's delta may carry any column and position: the hidden exact values stay the server's (a forged
    one read back 0.9 for a P(1|0) shown as 0.003906, or raised AttributeError), positions naming no row are
    ignored. (Streamlit's own data editor then raises on such a delta, in that session only.)"""
    before = readout_of(app, 0)
    edit(app, "readout", {"edited_rows": {"1000000000": {"p1_given_0": "0.5"}, "x": {}}, "deleted_rows": [-1, 10**9]})
    assert readout_of(app, 0) == before
    shown = humane(before[0][1])  # the text the cell shows
    edit(app, "readout", {"edited_rows": {"0": {"p1_given_0": shown, "exact": {"p1_given_0": (shown, (0.9,))}}}})
    assert readout_of(app, 0) == before  # the exact value behind the shown text, not the forged one
    edit(app, "readout", {"edited_rows": {"0": {"exact": {"p1_given_0": [{"not": "text"}, [0.5]]}}}})
    assert readout_of(app, 0) == before and "noise" in app.session_state


def success(at: AppTest) -> float:
    return float(next(m.value for m in at.metric if m.label == "Success probability"))


def test_coherent_errors_typed_in_the_tables_move_the_live_result_and_a_bad_angle_is_refused(app: AppTest) -> None:
    before = success(app)
    result = app.session_state["last_simulation"].result
    cz = next(item for item in result.transpiled.data if item.operation.name == "cz")
    coupler = ",".join(str(result.transpiled.find_bit(qubit).index) for qubit in cz.qubits)
    edit(app, "all_qubit", {"added_rows": [{"gate": "sx", "num_qubits": "1", "coherent": "0.5"}]})
    assert [(e.gate, e.angle) for e in noise(app).spec.gate_coherent_errors] == [("sx", 0.5)]
    assert success(app) < before
    rows = tables_from_spec(noise(app).editor_base)["qubit_specific"]
    position = int(rows.index[(rows["gate"] == "cz") & (rows["qubits"] == coupler)][0])
    edit(app, "qubit_specific", {"edited_rows": {position: {"coherent": "0.3", "phases": "0.1, -0.2"}}})
    (local,) = noise(app).spec.local_coherent_errors
    assert (local.gate, local.qubits, local.angle, local.phases) == (
        "cz",
        list(map(int, coupler.split(","))),
        0.3,
        [0.1, -0.2],
    )
    in_force = noise(app).spec
    edit(app, "all_qubit", {"added_rows": [{"gate": "sx", "num_qubits": "1", "coherent": "4"}]})
    assert noise(app).spec is in_force  # the last valid model stays
    assert any(
        "sx on every qubit: coherent ε (rad) must be between -3.14159 and 3.14159; got 4" in error.value
        for error in app.error
    )
    edit(app, "all_qubit", {"added_rows": [{"gate": "h", "num_qubits": "1", "coherent": "0.1"}]})
    assert any("h on every qubit: coherent ε (rad) needs a gate with a rotation axis" in e.value for e in app.error)


def grover_beside_the_editor(app: AppTest):  # type: ignore[no-untyped-def]
    """Grover chosen on the Simulate page (interference: phases show in its counts), back on the Noise model page:
    its success probability and result."""
    open_page(app, "simulate")
    app.selectbox(key="sim_library").set_value("Grover").run()
    open_page(app, "noise")
    return success(app), app.session_state["last_simulation"].result


def test_a_detuning_typed_in_the_idle_table_moves_the_live_result_and_a_t2_star_past_2t1_is_refused(
    app: AppTest,
) -> None:
    before, result = grover_beside_the_editor(app)
    waiting = {
        result.transpiled.find_bit(item.qubits[0]).index
        for item in result.transpiled.data
        if item.operation.name == "delay"
    }
    qubit = min(waiting & {int(q) for q in result.measured_qubits})
    rows = tables_from_spec(noise(app).editor_base)["idle"]
    position = int(rows.index[rows["qubit"] == str(qubit)][0])
    edit(app, "idle", {"edited_rows": {position: {"detuning": "400"}}})
    assert [(e.qubit, e.detuning, e.t2_star) for e in noise(app).spec.idle_detuning_errors] == [(qubit, 400.0, None)]
    assert success(app) != before
    in_force = noise(app).spec
    edit(app, "idle", {"edited_rows": {position: {"detuning": "400", "t2_star": "1e9"}}})
    assert noise(app).spec is in_force
    assert any(f"waits of qubit {qubit}: T2* (µs) must be at most 2·T1 = " in error.value for error in app.error)


def test_a_zz_coupling_typed_in_the_crosstalk_table_moves_the_live_result_and_a_bad_pair_is_refused(
    app: AppTest,
) -> None:
    before, result = grover_beside_the_editor(app)
    two_qubit = next(item for item in result.transpiled.data if item.operation.num_qubits == 2)
    pair = ",".join(str(result.transpiled.find_bit(qubit).index) for qubit in two_qubit.qubits)
    edit(app, "crosstalk", {"added_rows": [{"qubits": pair, "zz": "300"}]})
    assert [(e.qubits, e.zz) for e in noise(app).spec.zz_crosstalk_errors] == [
        (tuple(map(int, pair.split(","))), 300.0)
    ]
    assert success(app) != before
    assert tables_from_spec(noise(app).spec)["crosstalk"]["zz"].tolist() == ["300"]  # read back as typed
    in_force = noise(app).spec
    edit(app, "crosstalk", {"added_rows": [{"qubits": pair, "zz": "300"}, {"qubits": "5", "zz": "2e4"}]})
    assert noise(app).spec is in_force  # the last valid model stays
    problems = " ".join(error.value for error in app.error)
    assert "ZZ of qubits 5: qubits must list two qubits, e.g. 3,4; got 5" in problems
    assert "ZZ of qubits 5: ZZ ξ (kHz) must be between -10000 and 10000; got 2e4" in problems


def test_deriving_with_zz_crosstalk_fills_the_crosstalk_table_from_the_snapshot(app: AppTest) -> None:
    """ibm_pittsburgh reports zz_ab for its couplers (GHz): the toggle derives them as ξ in kHz, and says so."""
    next(toggle for toggle in app.toggle if toggle.label == "ZZ crosstalk").set_value(
        True
    )  # in the form: sent on submit
    app.button(key=DERIVE).click().run()
    state = noise(app)
    assert state.options.zz_crosstalk and len(state.spec.zz_crosstalk_errors) == 174
    crosstalk = tables_from_spec(state.spec)["crosstalk"]
    assert len(crosstalk) == 174 and crosstalk["qubits"].str.count(",").eq(1).all()
    overrides = next(info.value for info in app.info if info.value.startswith("Derived with options"))
    assert "ZZ crosstalk from the snapshot" in overrides


def test_a_joint_readout_matrix_typed_for_two_measured_qubits_moves_the_result_and_a_bad_row_is_refused(
    app: AppTest,
) -> None:
    before = success(app)
    measured = sorted(int(q) for q in app.session_state["last_simulation"].result.measured_qubits)[:2]
    group = ",".join(map(str, measured))
    matrix = "0.8, 0, 0, 0.2; 0, 1, 0, 0; 0, 0, 1, 0; 0.2, 0, 0, 0.8"  # |00⟩ and |11⟩ swap 20 % of the time
    edit(app, "correlated", {"added_rows": [{"qubits": group, "matrix": matrix}]})
    (entry,) = noise(app).spec.correlated_readout_errors
    assert entry.qubits == measured and entry.assignment_probabilities[0] == [0.8, 0.0, 0.0, 0.2]
    assert success(app) != before
    assert tables_from_spec(noise(app).spec)["correlated"]["matrix"].tolist() == [
        "0.8, 0, 0, 0.2; 0, 1, 0, 0; 0, 0, 1, 0; 0.2, 0, 0, 0.8"
    ]
    in_force = noise(app).spec
    edit(
        app,
        "correlated",
        {"added_rows": [{"qubits": group, "matrix": matrix.replace("0.8, 0, 0, 0.2", "0.8, 0, 0, 0.3")}]},
    )
    assert noise(app).spec is in_force
    problems = " ".join(error.value for error in app.error)
    assert f"joint readout of qubits {group}: joint matrix (row = prepared): assignment matrix row 0" in problems
    edit(app, "correlated", {"added_rows": [{"qubits": group, "matrix": "0.9, 0.1; 0.1, 0.9"}]})
    assert "needs 4 rows of 4 numbers, rows separated by ';'" in " ".join(error.value for error in app.error)
