"""AppTest of the Explain page: the budget, the loss map and the sweep explain the result shown, and follow its sliders.

The figures are read back from their plotly specs and compared with ``noise_core`` run directly on
the same inputs (the default preset, GHZ(3), the default settings), to rounding.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from components.runtime.session import DEFAULT_SETTINGS
from noise_core import ErrorBudget, NoiseSpec, derive_noise_spec, error_budget, scale_noise
from noise_core.simulation.circuits import ghz
from noise_core.spec.readout import with_qubit_readout
from presets import DEFAULT_PRESET, load_preset
from tests.apptest import open_page, started_app

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


@pytest.fixture
def app() -> AppTest:
    at = started_app(180)
    open_page(at, "explain")
    assert not at.exception and not at.error
    return at


@cache
def model() -> NoiseSpec:
    return derive_noise_spec(load_preset(DEFAULT_PRESET))


def budget_of(spec: NoiseSpec, metric: str = "success") -> ErrorBudget:
    return error_budget(
        ghz(3), spec, calibration=load_preset(DEFAULT_PRESET), metric=metric,  # type: ignore[arg-type]
        shots=DEFAULT_SETTINGS.shots, seed=DEFAULT_SETTINGS.seed,
    )  # fmt: skip


def figure(at: AppTest, key: str) -> dict:
    return json.loads(at.get_by_key(key).proto.spec)


def values(trace: dict, axis: str) -> np.ndarray:
    """A trace's numbers: plotly sends them as a typed array (base64) or a plain list."""
    data = trace[axis]
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
    return np.asarray(data, dtype=float)


def bars(at: AppTest) -> dict[str, np.ndarray]:
    return {trace["name"]: values(trace, "x") for trace in figure(at, "explain_budget_chart")["data"]}


def test_the_budget_bars_are_the_librarys_budget_of_the_result_shown(app: AppTest) -> None:
    expected = budget_of(model())
    shown = bars(app)
    assert shown["alone"] == pytest.approx(expected.by_kind["alone"].to_numpy(), abs=1e-12)
    assert shown["removed (the rest kept)"] == pytest.approx(expected.by_kind["removed"].to_numpy(), abs=1e-12)
    assert any(f"{expected.total_loss * 100:.3g} %" in caption.value for caption in app.caption)


def test_a_slider_rescales_the_result_and_its_budget(app: AppTest) -> None:
    before = {metric.label: metric.value for metric in app.metric}
    app.slider(key="explain_readout").set_value(0.0).run()
    assert not app.exception
    after = {metric.label: metric.value for metric in app.metric}
    assert float(after["Success probability"]) > float(before["Success probability"])
    shown = bars(app)
    assert shown["alone"][1] == 0.0 and shown["removed (the rest kept)"][1] == 0.0  # readout is the second kind
    expected = budget_of(scale_noise(model(), readout=0.0))
    assert shown["alone"] == pytest.approx(expected.by_kind["alone"].to_numpy(), abs=1e-12)


def test_tvd_as_the_loss_changes_the_budget(app: AppTest) -> None:
    app.get_by_key("explain_metric_True").set_value("tvd").run()
    assert not app.exception
    assert "total variation distance" in figure(app, "explain_budget_chart")["layout"]["title"]["text"]
    assert bars(app)["alone"] == pytest.approx(budget_of(model(), "tvd").by_kind["alone"].to_numpy(), abs=1e-12)


def test_the_map_colours_each_used_qubit_by_its_loss_and_names_the_costliest(app: AppTest) -> None:
    expected = budget_of(model()).by_location
    traces = figure(app, "explain_loss_map")["data"]
    coloured = next(trace for trace in traces if trace.get("marker", {}).get("colorscale"))
    qubits = [int(text) for text in coloured["text"]]
    qubit_rows = expected[expected["kind"] == "qubit"].set_index("location")["loss"]
    assert values(coloured["marker"], "color") == pytest.approx([qubit_rows[f"q{q}"] for q in qubits], abs=1e-12)
    assert any(f"Costliest: **{expected['location'].iloc[0]}**" in caption.value for caption in app.caption)


def test_the_sweep_marks_the_current_factor_and_answers_the_target(app: AppTest) -> None:
    app.session_state["explain_tabs"] = "Sweep a factor"
    app.run()
    app.number_input(key="explain_sweep_max").set_value(10.0).run()
    app.number_input(key="explain_sweep_target_success_probability").set_value(0.985).run()
    assert not app.exception and not app.error
    traces = figure(app, "explain_sweep_chart")["data"]
    curve, current = traces[0], traces[1]
    assert values(curve, "x")[-1] == 10.0 and len(values(curve, "x")) == 21
    assert current["name"] == "current (×1)"
    answer = next(block.value for block in app.markdown if "reaches 0.985" in block.value)
    reached = float(answer.split("**×")[1].split("**")[0])
    success = np.interp(reached, values(curve, "x"), values(curve, "y"))
    assert success == pytest.approx(0.985, abs=1e-3)
    assert app.get_by_key("explain_sweep_csv") is not None


def test_a_sweep_past_a_channels_limit_says_which_entry_and_the_largest_factor(app: AppTest) -> None:
    spec = model()
    for qubit in (113, 114, 119):  # GHZ(3)'s qubits under the default seed: P(1|0) 0.3 allows readout ×3.33 at most
        spec = with_qubit_readout(spec, qubit, 0.3, 0.2)
    app.session_state["noise"] = replace(app.session_state["noise"], spec=spec)
    app.session_state["explain_tabs"] = "Sweep a factor"
    app.run()
    app.selectbox(key="explain_sweep_kind").set_value("readout").run()
    app.number_input(key="explain_sweep_max").set_value(20.0).run()
    assert not app.exception
    errors = [error.value for error in app.error]
    assert any(
        "Not swept: readout factor 4 would make P(1|0) of qubit 113" in error  # the first point past the limit
        and "the largest allowed readout factor is 3.333" in error
        for error in errors
    ), errors
    assert {metric.label for metric in app.metric} >= {"Success probability"}  # the result above stays
