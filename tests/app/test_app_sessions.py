"""AppTest: a link's query parameters open a view; bad ones are each said. (Restoring a bundle from the sidebar
is tested in a real browser, ``tests/app/test_browser.py``: AppTest does not run the app script after a callback of
a sidebar widget that ``app.py`` draws around ``st.navigation``.)"""

from __future__ import annotations

from functools import cache

import pytest
from streamlit.testing.v1 import AppTest

from noise_core import NoiseSpec, derive_noise_spec, simulate
from noise_core.simulation.references import library_circuit
from presets import load_preset
from tests.apptest import app_test

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


@cache
def manila() -> NoiseSpec:
    return derive_noise_spec(load_preset("ibmq_manila"))


def shown_counts(at: AppTest) -> dict[str, int]:
    return {str(k): int(v) for k, v in at.session_state["last_simulation"].result.noisy_counts.items()}


def test_a_link_opens_its_preset_circuit_and_settings() -> None:
    at = app_test(180)
    at.query_params.update(
        {"preset": "ibmq_manila", "circuit": "ghz:4", "shots": "2000", "seed": "5", "method": "auto"}
    )
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["device"].calibration.backend_name == "ibmq_manila"
    expected = simulate(library_circuit("ghz:4"), manila(), calibration=load_preset("ibmq_manila"), shots=2000, seed=5)
    assert shown_counts(at) == {str(k): int(v) for k, v in expected.noisy_counts.items()}
    link = at.sidebar.code[0].value
    assert "preset=ibmq_manila" in link and "circuit=ghz%3A4" in link and "shots=2000" in link


def test_a_links_bad_parameters_are_each_said_and_the_rest_used() -> None:
    at = app_test(180)
    at.query_params.update({"preset": "../etc", "circuit": "ghz:x", "shots": "-3", "seed": "5"})
    at.run()
    assert not at.exception
    said = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown escapes: the sender's text as written
    assert "The link's preset '../etc' is not shipped here" in said
    assert "The link's circuit was not used: num_qubits must be a whole number; got 'x'" in said
    assert "The link's shots '-3' was not used: it must be a whole number from 1 to" in said
    assert at.number_input(key="sim_seed").value == 5
    assert at.session_state["device"].calibration.backend_name == "ibm_pittsburgh"
