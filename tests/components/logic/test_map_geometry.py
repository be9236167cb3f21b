"""Device-map geometry and the dashboard's pure figure builders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.colors as pcolors
import pytest

from components.figures.change_map import build_change_map_figure
from components.figures.device_map import (
    MISSING_COLOUR,
    QUBIT_LABEL_SIZE,
    QUBIT_MARKER_SIZE,
    build_device_map_figure,
    contrast_ratio,
    format_value,
)
from components.figures.results import build_assignment_heatmap, build_histogram_figure
from components.logic.map_geometry import grid_layout, is_grid_drawing, qubit_positions
from noise_core.calibration import coupling_edges, qubit_metrics
from presets import load_preset

HEAVY_HEX_PRESETS = ["ibm_algiers", "ibm_sherbrooke", "ibm_torino", "ibm_fez", "ibm_kingston", "ibm_pittsburgh"]
"""Falcon 27q, Eagle 127q, Heron r1 133q and Heron r2 156q: every shipped heavy-hex lattice."""


def coupler_steps(positions: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """|dx|, |dy| of every coupler in the drawing (grid steps)."""
    return pd.DataFrame(
        {
            "dx": (positions.loc[edges["q0"], "x"].to_numpy() - positions.loc[edges["q1"], "x"].to_numpy()).__abs__(),
            "dy": (positions.loc[edges["q0"], "y"].to_numpy() - positions.loc[edges["q1"], "y"].to_numpy()).__abs__(),
        }
    )


@pytest.mark.parametrize("name", [*HEAVY_HEX_PRESETS, "ibmq_manila"])
def test_every_coupler_is_one_horizontal_or_vertical_step_and_no_two_qubits_share_a_spot(name: str) -> None:
    calibration = load_preset(name)
    edges = coupling_edges(calibration)
    positions = qubit_positions(calibration, edges)
    assert len(positions) == calibration.num_qubits and np.isfinite(positions.to_numpy()).all()
    steps = coupler_steps(positions, edges)
    horizontal = (steps["dx"] == 1) & (steps["dy"] == 0)
    vertical = (steps["dx"] == 0) & (steps["dy"] == 1)
    assert (horizontal | vertical).all(), edges[~(horizontal | vertical)].head()
    assert len(positions.drop_duplicates()) == calibration.num_qubits
    assert is_grid_drawing(positions.to_numpy(), zip(edges["q0"], edges["q1"], strict=True))


def test_the_eagle_bottom_row_sits_on_its_columns() -> None:
    """ibm_sherbrooke has kyiv's Eagle lattice: bridges 109-112 stand straight between rows 94-108 and 113-126."""
    positions = qubit_positions(load_preset("ibm_sherbrooke"))
    for upper, bridge, lower in [(96, 109, 114), (100, 110, 118), (104, 111, 122), (108, 112, 126)]:
        assert positions.at[upper, "x"] == positions.at[bridge, "x"] == positions.at[lower, "x"]
        assert positions.at[upper, "y"] - 1 == positions.at[bridge, "y"] == positions.at[lower, "y"] + 1
    bottom = positions.loc[113:126]
    assert bottom["y"].nunique() == 1 and list(bottom["x"]) == list(range(1, 15))  # one column in from row 94-108


def test_falcon_is_drawn_as_ibm_draws_it_two_rows_of_ten_with_stubs_outside() -> None:
    positions = qubit_positions(load_preset("ibm_algiers"))
    top, bottom = [0, 1, 4, 7, 10, 12, 15, 18, 21, 23], [3, 5, 8, 11, 14, 16, 19, 22, 25, 26]
    assert positions.loc[top, "y"].nunique() == 1 and list(positions.loc[top, "x"]) == list(range(10))
    assert positions.loc[bottom, "y"].nunique() == 1 and list(positions.loc[bottom, "x"]) == list(range(1, 11))
    assert positions.loc[top, "y"].iloc[0] - positions.loc[bottom, "y"].iloc[0] == 2
    assert (positions.loc[[6, 17], "y"] > positions.loc[top, "y"].iloc[0]).all()  # stubs above the top row
    assert (positions.loc[[9, 20], "y"] < positions.loc[bottom, "y"].iloc[0]).all()  # and below the bottom one


@pytest.mark.parametrize("name", ["ibm_algiers", "ibm_sherbrooke", "ibm_pittsburgh"])
def test_a_heavy_hex_lattice_numbered_in_any_order_is_still_drawn_on_the_grid(name: str) -> None:
    calibration = load_preset(name)
    edges = coupling_edges(calibration)
    relabel = np.random.default_rng(5).permutation(calibration.num_qubits)
    pairs = [(int(relabel[a]), int(relabel[b])) for a, b in zip(edges["q0"], edges["q1"], strict=True)]
    positions = grid_layout(calibration.num_qubits, pairs)
    assert positions is not None and is_grid_drawing(positions, pairs)


def test_a_lattice_that_does_not_fit_the_grid_gets_a_spring_layout() -> None:
    triangle_and_tail = [(0, 1), (1, 2), (0, 2), (2, 3)]
    assert grid_layout(4, triangle_and_tail) is None
    calibration = load_preset("ibm_algiers")
    bent = pd.DataFrame({"q0": [0, 1, 0, 2], "q1": [1, 2, 2, 3]})
    positions = qubit_positions(calibration, bent)
    assert np.isfinite(positions.to_numpy()).all()
    assert len(positions.round(6).drop_duplicates()) == 27


def test_couplers_carry_the_entangling_gate_error_and_qubits_their_metrics() -> None:
    calibration = load_preset("ibm_pittsburgh")
    edges = coupling_edges(calibration)
    assert len(edges) == 176 and set(edges["gate"]) == {"cz"}
    row = edges.iloc[0]
    expected = np.mean([calibration.gate_error("cz", [row.q0, row.q1]), calibration.gate_error("cz", [row.q1, row.q0])])
    assert row.gate_error == pytest.approx(expected)
    metrics = qubit_metrics(calibration)
    assert list(metrics.columns) == ["T1 (µs)", "T2 (µs)", "readout_error", "sx gate_error"]  # Heron: no frequency
    assert metrics.loc[0, "sx gate_error"] == calibration.gate_error("sx", 0)
    assert "frequency (GHz)" in qubit_metrics(load_preset("ibm_sherbrooke"))


def test_the_device_map_figure_has_qubits_error_bands_and_highlights() -> None:
    calibration = load_preset("ibmq_manila")
    edges = coupling_edges(calibration)
    figure = build_device_map_figure(
        qubit_positions(calibration, edges), edges, qubit_metrics(calibration), "T1 (µs)", highlight=[1, 2]
    )
    qubits = next(trace for trace in figure.data if trace.name == "qubits")
    assert list(qubits.marker.line.width) == [0.5, 3, 3, 0.5, 0.5]
    assert sum(len([x for x in trace.x if x is not None]) // 2 for trace in figure.data if trace.mode == "lines") == 4


def test_the_device_map_and_the_change_map_draw_the_same_qubit_markers() -> None:
    """One marker builder for both maps (they had drifted: font 8 and markers 18 on the change map)."""
    calibration = load_preset("ibmq_manila")
    edges = coupling_edges(calibration)
    positions = qubit_positions(calibration, edges)
    metrics = qubit_metrics(calibration)
    changes = pd.DataFrame({"before": metrics["T1 (µs)"], "after": metrics["T1 (µs)"] * 0.5, "ratio": 0.5})
    device = build_device_map_figure(positions, edges, metrics, "T1 (µs)")
    change = build_change_map_figure(positions, edges, changes, "T1 (µs)")
    for figure in (device, change):
        qubits = next(trace for trace in figure.data if trace.mode == "markers+text")
        assert (qubits.marker.size, qubits.textfont.size) == (QUBIT_MARKER_SIZE, QUBIT_LABEL_SIZE) == (20, 9)
        assert list(qubits.text) == [str(qubit) for qubit in positions.index]
        assert list(qubits.x) == list(positions["x"]) and list(qubits.y) == list(positions["y"])


@pytest.mark.parametrize("metric", ["T1 (µs)", "readout_error", "sx gate_error"])
def test_every_qubit_label_is_legible_on_its_fill(metric: str) -> None:
    calibration = load_preset("ibm_pittsburgh")
    edges = coupling_edges(calibration)
    metrics = qubit_metrics(calibration)
    figure = build_device_map_figure(qubit_positions(calibration, edges), edges, metrics, metric)
    qubits = next(trace for trace in figure.data if trace.name == "qubits")
    low, high = qubits.marker.cmin, qubits.marker.cmax
    where = np.clip((np.asarray(qubits.marker.color) - low) / (high - low), 0, 1)
    fills = pcolors.sample_colorscale([list(step) for step in qubits.marker.colorscale], list(where))
    ratios = [contrast_ratio(text, fill) for text, fill in zip(qubits.textfont.color, fills, strict=True)]
    assert min(ratios) >= 4.5  # WCAG AA for text
    assert {"#000000", "#ffffff"} <= set(qubits.textfont.color)  # both dark and light labels occur on Viridis


def test_one_outlier_does_not_set_the_colour_scale_and_the_clipped_range_is_stated() -> None:
    calibration = load_preset("ibm_sherbrooke")
    edges = coupling_edges(calibration)
    metrics = qubit_metrics(calibration)
    metrics.loc[5, "T1 (µs)"] = 66842.29367276978
    figure = build_device_map_figure(qubit_positions(calibration, edges), edges, metrics, "T1 (µs)")
    qubits = next(trace for trace in figure.data if trace.name == "qubits")
    assert qubits.marker.cmax < 1000 < metrics["T1 (µs)"].max()
    low, high = np.percentile(metrics["T1 (µs)"], [2, 98])
    assert qubits.marker.cmin == pytest.approx(low) and qubits.marker.cmax == pytest.approx(high)
    assert figure.layout.title.text == (
        f"Colour: T1 (µs), clipped to the 2nd–98th percentile: {low:.1f}–{high:.1f} µs (hover: true values)"
    )
    assert "T1: 66842.3 µs" in qubits.hovertext[5]
    assert "66842.29367276978" not in " ".join(qubits.hovertext)


def test_errors_are_coloured_on_a_log_scale_with_real_values_on_the_colour_bar() -> None:
    calibration = load_preset("ibm_sherbrooke")
    edges = coupling_edges(calibration)
    metrics = qubit_metrics(calibration)
    figure = build_device_map_figure(qubit_positions(calibration, edges), edges, metrics, "readout_error")
    qubits = next(trace for trace in figure.data if trace.name == "qubits")
    errors = metrics["readout_error"].to_numpy()
    assert np.asarray(qubits.marker.color) == pytest.approx(np.log10(errors))
    low, high = 10 ** np.percentile(np.log10(errors), [2, 98])
    assert 10**qubits.marker.cmin == pytest.approx(low) and 10**qubits.marker.cmax == pytest.approx(high)
    assert figure.layout.title.text.startswith(
        f"Colour: readout_error on a log scale, clipped to the 2nd–98th percentile: {low:.3g}–{high:.3g}"
    )
    ticks = [float(text) for text in qubits.marker.colorbar.ticktext]
    assert np.log10(ticks) == pytest.approx(list(qubits.marker.colorbar.tickvals))
    assert ticks == sorted(ticks) and low <= ticks[0] and ticks[-1] <= high and len(ticks) >= 3
    middle = np.log10(np.median(errors))  # the typical qubit sits mid-scale, not at one end
    assert 0.2 < (middle - qubits.marker.cmin) / (qubits.marker.cmax - qubits.marker.cmin) < 0.8


def test_hover_writes_units_and_sensible_digits() -> None:
    calibration = load_preset("ibm_sherbrooke")
    edges = coupling_edges(calibration)
    metrics = qubit_metrics(calibration)
    figure = build_device_map_figure(qubit_positions(calibration, edges), edges, metrics, "readout_error")
    hover = next(trace for trace in figure.data if trace.name == "qubits").hovertext[0]
    t1, frequency, readout = metrics.loc[0, ["T1 (µs)", "frequency (GHz)", "readout_error"]]
    assert f"T1: {t1:.1f} µs" in hover and f"frequency: {frequency:.4f} GHz" in hover
    assert f"readout_error: {float(f'{readout:.3g}')}" in hover
    couplers = next(trace for trace in figure.data if trace.name == "couplers").hovertext[0]
    assert couplers.endswith(" ns") and len(couplers.split("gate_error: ")[1].split("<br>")[0].strip("0.")) <= 3
    assert format_value("gate_length (ns)", 533.3333) == "533 ns"
    assert format_value("sx gate_error", 0.000287654) == "0.000288"
    assert format_value("T2 (µs)", float("nan")) == "n/a"


def test_qubits_without_a_value_are_grey_with_dark_labels_and_listed() -> None:
    calibration = load_preset("ibmq_manila")
    edges = coupling_edges(calibration)
    metrics = qubit_metrics(calibration)
    metrics.loc[[0, 3], "T2 (µs)"] = np.nan
    figure = build_device_map_figure(qubit_positions(calibration, edges), edges, metrics, "T2 (µs)")
    missing = next(trace for trace in figure.data if trace.name == "qubits without a value")
    assert list(missing.text) == ["0", "3"] and missing.marker.color == MISSING_COLOUR and missing.showlegend
    assert len(next(trace for trace in figure.data if trace.name == "qubits").x) == 3


def test_the_histogram_shows_ideal_and_noisy_for_the_top_outcomes() -> None:
    table = pd.DataFrame(
        {
            "ideal": [0.5, 0.5, 0.0],
            "noisy": [0.45, 0.44, 0.11],
            "ideal_counts": [50, 50, 0],
            "noisy_counts": [45, 44, 11],
        },
        index=pd.Index(["00", "11", "01"], name="outcome"),
    )
    figure = build_histogram_figure(table, top=2, title="Bell")
    assert [trace.name for trace in figure.data] == ["ideal", "noisy"]
    assert list(figure.data[1].x) == ["00", "11"]
    assert "top 2 of 3 outcomes" in figure.layout.title.text


def test_the_assignment_heatmap_writes_each_probability() -> None:
    matrix = pd.DataFrame([[0.98, 0.02], [0.05, 0.95]], index=["0", "1"], columns=["0", "1"])
    heatmap = build_assignment_heatmap(matrix, title="q0").data[0]
    assert heatmap.text.tolist() == [["0.980", "0.020"], ["0.050", "0.950"]]
    assert list(heatmap.y) == ["prep 0", "prep 1"]
