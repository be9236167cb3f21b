"""AppTest: a model and a session saved by name from the sidebar, a name refused twice, and a saved item's link
reopening it in another session, edits included; a crafted link opens nothing and says so."""

from __future__ import annotations

import getpass

import pytest
from streamlit.testing.v1 import AppTest

from noise_core.workspace import open_workspace, saved_items
from tests.apptest import app_test, edit, noise, open_page

pytestmark = pytest.mark.slow  # runs the whole app in AppTest

SAVE = "FormSubmitter:saved_form-Save"


def manila_with_an_edit() -> AppTest:
    at = app_test(180)
    at.query_params.update({"preset": "ibmq_manila", "circuit": "ghz:4", "shots": "3000", "seed": "11"})
    at.run()
    open_page(at, "noise")
    edit(at, "readout", {"edited_rows": {0: {"p1_given_0": "0.2"}}})
    assert not at.exception and not at.error
    return at


def save(at: AppTest, name: str, kind: str, *, shared: bool = False) -> str:
    at.sidebar.text_input(key="saved_name").set_value(name)
    at.sidebar.radio(key="saved_kind").set_value(kind)
    at.sidebar.checkbox(key="saved_shared").set_value(shared)
    at.sidebar.button(key=SAVE).click().run()
    assert not at.exception
    return " ".join(element.value for element in [*at.sidebar.success, *at.sidebar.error])


def test_a_saved_session_reopens_by_its_link_with_its_edits(database: str) -> None:
    at = manila_with_an_edit()
    assert save(at, "manila, readout 0.2", "session") == "Saved session 'manila, readout 0.2' (private)."
    assert "you have a session called 'manila, readout 0.2' already" in save(at, "manila, readout 0.2", "session")
    workspace = open_workspace(database)
    (item,) = saved_items(workspace, viewer=getpass.getuser())
    workspace.close()
    assert f"?item={item.token}" in at.sidebar.code[0].value

    other = app_test(180)  # a new browser session, opened on the link
    other.query_params["item"] = item.token
    other.run()
    assert not other.exception and not other.warning, [w.value for w in other.warning]
    assert other.session_state["device"].calibration.backend_name == "ibmq_manila"
    assert noise(other).spec == noise(at).spec  # the edit came back
    assert noise(other).derived == noise(at).derived
    assert other.session_state["last_simulation"].result.noisy_counts.sum() == 3000  # its circuit and shots too


def test_a_saved_model_keeps_the_openers_circuit(database: str) -> None:
    at = manila_with_an_edit()
    save(at, "tuned manila", "model", shared=True)
    workspace = open_workspace(database)
    (item,) = saved_items(workspace, viewer="someone else")  # shared: everyone sees it
    workspace.close()
    other = app_test(180)
    other.run()  # the default view: ibm_pittsburgh, GHZ(3)
    circuit_before = other.session_state["workbench"].circuit
    other.sidebar.selectbox(key="saved_item").set_value(item)
    other.sidebar.button(key="saved_open").click().run()
    assert not other.exception
    assert other.session_state["device"].calibration.backend_name == "ibmq_manila"
    assert noise(other).spec == noise(at).spec
    assert other.session_state["workbench"].circuit == circuit_before


@pytest.mark.parametrize("token", ["../../etc/passwd", "' OR 1=1 --", "A" * 22, "x" * 5000])
def test_a_crafted_item_link_opens_nothing_and_says_so(database: str, token: str) -> None:
    at = app_test(180)
    at.query_params["item"] = token
    at.run()
    assert not at.exception
    said = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "The saved item was not opened: no saved item behind that link for you" in said
    assert at.session_state["device"].calibration.backend_name == "ibm_pittsburgh"
