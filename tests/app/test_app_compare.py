"""The Device page's comparison with another snapshot, and the change map's colour convention."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.figures.change_map import worse_log2
from noise_core.simulation.result import total_variation_distance
from presets import load_preset
from tests.apptest import open_page, started_app

SNAPSHOTS = Path(__file__).parents[2] / "presets" / "snapshots"


def test_worse_is_positive_for_errors_up_and_coherence_down() -> None:
    ratio = pd.Series([2.0, 0.5, 1.0, 0.0, np.nan])
    assert worse_log2("sx error", ratio).tolist()[:4] == [1.0, -1.0, 0.0, -np.inf]  # an error gone to zero: better
    assert worse_log2("T1 (µs)", ratio).tolist()[:4] == [-1.0, 1.0, 0.0, np.inf]  # T1 fallen to zero: worst
    assert np.isnan(worse_log2("T1 (µs)", ratio).iloc[4])  # 0 → 0: no comparison (drawn with a grey ring)


@pytest.mark.slow
def test_the_device_page_compares_with_a_preset_of_the_same_size_first() -> None:
    app = started_app(180)
    open_page(app, "device")
    app.session_state["device_tabs"] = "Compare with another snapshot"
    app.run()
    assert not app.exception and not app.error
    assert app.selectbox(key="compare_preset").value in {"ibm_fez", "ibm_kingston"}  # 156 qubits, as pittsburgh
    figure = json.loads(app.get_by_key("compare_map").proto.spec)
    assert figure["data"][1]["marker"]["colorscale"] and "T1 (µs): after vs before" in figure["layout"]["title"]["text"]
    app.selectbox(key="compare_metric").set_value("readout_error").run()
    assert "readout_error" in json.loads(app.get_by_key("compare_map").proto.spec)["layout"]["title"]["text"]
    assert any("qubits compared by index" in info.value for info in app.info)


def plotted(values: object) -> np.ndarray:
    """A trace's values as sent to the browser: a list, or plotly's typed array (dtype + base64 bytes)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def week_later(
    name: str, weeks: int, t1_factor: float, values: dict[tuple[int, str], float] | None = None
) -> tuple[str, bytes, str]:
    """An upload: the preset as if calibrated ``weeks`` later, every T1 times ``t1_factor``, and the qubit
    properties in ``values`` set ({(qubit, 'readout_error'): 0.005})."""
    document = json.loads((SNAPSHOTS / f"{name}.json").read_text())
    moment = datetime.fromisoformat(document["last_update_date"]) + timedelta(weeks=weeks)
    document["last_update_date"] = moment.isoformat()
    for qubit, records in enumerate(document["qubits"]):
        for record in records:
            if record["name"] == "T1":
                record["value"] *= t1_factor
            record["value"] = (values or {}).get((qubit, record["name"]), record["value"])
    return f"{name}_week{weeks}.json", json.dumps(document).encode(), "application/json"


def device_page_comparing_uploads(files: list[tuple[str, bytes, str]]) -> AppTest:
    """The Device page on ibm_fez, its comparison tab fed ``files``."""
    app = started_app(180)
    open_page(app, "device")
    app.selectbox(key="device_preset").set_value("ibm_fez").run()
    app.session_state["device_tabs"] = "Compare with another snapshot"
    app.run()
    app.segmented_control(key="compare_source").set_value("an upload").run()
    app.file_uploader(key="compare_upload").set_value(files).run()
    assert not app.exception and not app.error
    return app


@pytest.mark.slow
def test_uploads_of_the_device_draw_its_drift_and_another_device_is_left_out() -> None:
    other = ("ibm_kingston.json", (SNAPSHOTS / "ibm_kingston.json").read_bytes(), "application/json")
    app = device_page_comparing_uploads([week_later("ibm_fez", 1, 0.9), week_later("ibm_fez", 2, 0.8), other])
    drift = json.loads(app.get_by_key("drift_chart").proto.spec)
    assert [trace["name"] for trace in drift["data"][1:]] == [
        "qubits' 25th–75th percentile",
        "median over qubits",
        "qubit 0",
    ]
    assert len(drift["data"][2]["x"]) == 3  # the median at each of the three fez snapshots
    assert any("left out: ibm_kingston" in caption.value for caption in app.caption)
    app.selectbox(key="drift_metric").set_value("T1 (µs)").run()
    t1 = plotted(json.loads(app.get_by_key("drift_chart").proto.spec)["data"][3]["y"])  # qubit 0's T1
    assert t1[1] == pytest.approx(0.9 * t1[0]) and t1[2] == pytest.approx(0.8 * t1[0])
    app.selectbox(key="drift_metric").set_value("cz error").run()  # the two-qubit gate's error, per coupler
    app.selectbox(key="drift_coupler").set_value("72,73").run()
    cz = json.loads(app.get_by_key("drift_chart").proto.spec)
    assert [trace["name"] for trace in cz["data"][1:]] == [
        "couplers' 25th–75th percentile",
        "median over couplers",
        "coupler 72,73",
    ]
    fez = load_preset("ibm_fez").gate_table().query("gate == 'cz'")["gate_error"]
    assert plotted(cz["data"][2]["y"]) == pytest.approx([fez.median()] * 3)
    assert plotted(cz["data"][3]["y"]) == pytest.approx([load_preset("ibm_fez").gate_error("cz", [72, 73])] * 3)
    # the latest upload is compared with, and the earlier snapshot is 'before'
    caption = next(c.value for c in app.caption if c.value.startswith("Before (the earlier)"))
    assert caption.index("ibm_fez") < caption.index("after: ibm_kingston")


@pytest.mark.slow
def test_a_snapshot_uploaded_twice_or_equal_to_the_device_in_force_counts_once_in_the_drift() -> None:
    again = week_later("ibm_fez", 1, 0.9)
    files = [week_later("ibm_fez", 1, 0.9), ("ibm_fez_week1_again.json", *again[1:]), week_later("ibm_fez", 0, 1.0)]
    app = device_page_comparing_uploads([*files, week_later("ibm_fez", 2, 0.8)])
    assert any(md.value == "**Drift of ibm_fez over 3 snapshots**" for md in app.markdown)
    assert len(json.loads(app.get_by_key("drift_chart").proto.spec)["data"][2]["x"]) == 3
    assert any(
        c.value == "Counted once, the same calibration as another snapshot here: "
        "ibm_fez_week1_again.json (as ibm_fez_week1.json), ibm_fez_week0.json (as ibm_fez, in force)."
        for c in app.caption
    )


@pytest.mark.slow
def test_the_largest_changes_rank_a_large_readout_move_above_a_tiny_move_to_zero_and_show_no_infinity() -> None:
    """fez's worst readout 0.106 → 0.005 against P(1|0) 0.000488 → 0 (ratio 0) and 0 → 0.0498 (ratio ∞)."""
    values = {(113, "readout_error"): 0.005, (28, "prob_meas1_prep0"): 0.0, (4, "prob_meas1_prep0"): 0.0498}
    app = device_page_comparing_uploads([week_later("ibm_fez", 1, 1.0, values)])
    largest = next(table.value for table in app.dataframe if {"before", "after", "ratio"} <= set(table.value.columns))
    ranking = list(largest.index)
    assert ranking.index((113, "readout_error")) < ranking.index((28, "P(1|0)"))
    assert np.isfinite(largest.select_dtypes("number").fillna(0.0).to_numpy()).all()
    assert any(c.value.startswith("Ranked by error_change: how much the error") for c in app.caption)


@pytest.mark.slow
def test_the_simulate_page_runs_the_circuit_on_another_device_on_the_same_qubits() -> None:
    app = started_app(180)
    shown = app.session_state["last_simulation"].result
    assert set(shown.active_qubits) != set(range(3))  # a layout away from 0..2, where indices and qubits differ
    app.session_state["sim_tabs"] = "Compare devices"
    app.run()
    assert not app.exception and not app.error
    values = {metric.label: metric.value for metric in app.metric}
    other = app.selectbox(key="sim_compare_preset").value
    assert f"Success on {other}" in values and float(values["TVD between the two devices"]) > 0
    caption = next(c.value for c in app.caption if c.value.startswith("Physical qubits:"))
    same = list(shown.active_qubits)
    assert f"ibm_pittsburgh {same}, {other} {same}" in caption  # the same device qubits by default
    figure = json.loads(app.get_by_key("sim_compare_histogram").proto.spec)
    assert [trace["name"] for trace in figure["data"]] == [
        "ideal", "noisy, ibm_pittsburgh (in force)", f"noisy, {other} (derived)"
    ]  # fmt: skip


def test_total_variation_distance_counts_outcomes_missing_on_one_side() -> None:
    first, second = pd.Series({"00": 0.5, "11": 0.5}), pd.Series({"00": 0.5, "01": 0.25, "11": 0.25})
    assert total_variation_distance(first, second) == pytest.approx(0.25)
    assert total_variation_distance(first, first) == 0.0
