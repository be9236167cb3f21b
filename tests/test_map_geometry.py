"""Device-map geometry and the dashboard's pure figure builders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components.figures import build_assignment_heatmap, build_histogram_figure
from components.map_figure import build_device_map_figure
from components.map_geometry import qubit_positions
from noise_core.calibration import coupling_edges, qubit_metrics
from presets import load_preset


@pytest.mark.parametrize("name", ["ibm_pittsburgh", "ibm_torino", "ibm_sherbrooke", "ibmq_manila"])
def test_row_major_devices_are_drawn_as_a_lattice_with_coupled_qubits_side_by_side(name: str) -> None:
    calibration = load_preset(name)
    edges = coupling_edges(calibration)
    positions = qubit_positions(calibration, edges)
    assert len(positions) == calibration.num_qubits and np.isfinite(positions.to_numpy()).all()
    lengths = np.hypot(
        positions.loc[edges["q0"], "x"].to_numpy() - positions.loc[edges["q1"], "x"].to_numpy(),
        positions.loc[edges["q0"], "y"].to_numpy() - positions.loc[edges["q1"], "y"].to_numpy(),
    )
    assert lengths.min() == pytest.approx(1.0)
    assert lengths.max() <= 1.5  # every coupler joins neighbouring points (bridges may sit on a diagonal)
    assert len(positions.drop_duplicates()) == calibration.num_qubits  # no two qubits on one spot


def test_a_lattice_that_is_not_numbered_by_rows_gets_a_spring_layout() -> None:
    calibration = load_preset("ibm_algiers")
    positions = qubit_positions(calibration)
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
    assert list(metrics.columns) == ["T1 (µs)", "T2 (µs)", "readout_error", "sx gate_error"]
    assert metrics.loc[0, "sx gate_error"] == calibration.gate_error("sx", 0)


def test_the_device_map_figure_has_qubits_error_bands_and_highlights() -> None:
    calibration = load_preset("ibmq_manila")
    edges = coupling_edges(calibration)
    figure = build_device_map_figure(
        qubit_positions(calibration, edges), edges, qubit_metrics(calibration), "T1 (µs)", highlight=[1, 2]
    )
    qubits = next(trace for trace in figure.data if trace.name == "qubits")
    assert list(qubits.marker.line.width) == [0.5, 3, 3, 0.5, 0.5]
    assert sum(len([x for x in trace.x if x is not None]) // 2 for trace in figure.data if trace.mode == "lines") == 4


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
