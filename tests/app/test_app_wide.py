"""AppTest: a 100-qubit GHZ circuit on the default device runs, says it is approximate and how much, and its error
budget says so too."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import figure, open_page, started_app

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


@pytest.fixture(scope="module")
def app() -> AppTest:
    at = started_app(240)
    at.number_input(key="sim_GHZ_n").set_value(100).run()
    assert not at.exception and not at.error, [error.value for error in at.error]
    return at


def test_ghz_100_runs_twirled_and_says_what_it_approximated_and_by_how_much(app: AppTest) -> None:
    result = app.session_state["last_simulation"].result
    assert result.method == "twirled" and len(result.active_qubits) == 100
    measured = result.twirl_measured
    notes = [info.value for info in app.info if info.value.startswith("Approximate: Pauli-twirled")]
    assert len(notes) == 1 and f"On GHZ(8) on qubits {list(measured.physical_qubits)}" in notes[0]
    table = next(frame.value for frame in app.dataframe if list(frame.value.columns) == ["quantity", "value"])
    assert table["value"].tolist() == [measured.distance, measured.exact_success, measured.twirled_success]
    assert any(markdown.value.startswith("**Approximation**: Pauli-twirled") for markdown in app.markdown)


def test_the_wide_histogram_sums_outcomes_with_shot_noise_bands(app: AppTest) -> None:
    histogram = figure(app, "sim_histogram")
    assert histogram["layout"]["xaxis"]["title"]["text"] == "Hamming weight (bits reading 1)"
    noisy = histogram["data"][1]
    assert noisy["error_y"]["type"] == "data" and "arrayminus" in noisy["error_y"]  # the 95 % shot-noise band
    app.selectbox(key="sim_view_wide").set_value("parity").run()
    assert figure(app, "sim_histogram")["data"][0]["x"] == ["even", "odd"]


def test_the_error_budget_of_ghz_100_is_first_order_by_location_and_says_it_is_approximate(app: AppTest) -> None:
    open_page(app, "explain")
    assert not app.exception and not app.error, [error.value for error in app.error]
    captions = " ".join(caption.value for caption in app.caption)
    assert "Approximate: each run samples the model Pauli-twirled" in captions
    assert "only first-order estimates are computed" in captions
