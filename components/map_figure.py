"""The device map as a plotly figure: a pure function of data (no streamlit), testable on its own."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd
import plotly.graph_objects as go

HIGHLIGHT_COLOUR = "#111111"
EDGE_COLOURS = ("#2a9d8f", "#8ab17d", "#e9c46a", "#f4a261", "#e76f51")
"""Couplers from lowest to highest 2-qubit gate error, in quintiles of the device's errors."""


def build_device_map_figure(
    positions: pd.DataFrame,
    edges: pd.DataFrame,
    metrics: pd.DataFrame,
    metric: str,
    *,
    highlight: Collection[int] = (),
) -> go.Figure:
    """Coupling graph: qubits coloured by ``metric``, couplers by 2-qubit gate error, ``highlight`` ringed.

    ``positions`` (index qubit: x, y), ``edges`` (q0, q1, gate, gate_error) and ``metrics``
    (index qubit, one column per metric) come from ``noise_core.calibration.tables`` and ``components.map_geometry``.
    """
    figure = go.Figure()
    _add_edges(figure, positions, edges)
    values = metrics[metric]
    hover = [
        f"qubit {qubit}<br>" + "<br>".join(f"{name}: {_short(metrics.at[qubit, name])}" for name in metrics.columns)
        for qubit in metrics.index
    ]
    highlighted = set(highlight)
    figure.add_trace(
        go.Scatter(
            x=positions["x"],
            y=positions["y"],
            mode="markers+text",
            text=[str(qubit) for qubit in positions.index],
            textfont={"size": 8, "color": "white"},
            hovertext=hover,
            hoverinfo="text",
            name="qubits",
            showlegend=False,
            marker={
                "size": 18,
                "color": values,
                "colorscale": "Viridis_r" if "error" in metric else "Viridis",
                "showscale": True,
                "colorbar": {"title": {"text": metric}, "x": 1.0, "len": 0.8},
                "line": {
                    "width": [3 if qubit in highlighted else 0.5 for qubit in positions.index],
                    "color": [HIGHLIGHT_COLOUR if qubit in highlighted else "white" for qubit in positions.index],
                },
            },
        )
    )
    figure.update_layout(
        showlegend=True,
        legend={"orientation": "h", "y": -0.02},
        height=max(320, 55 * (positions["y"].max() - positions["y"].min() + 2)),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        plot_bgcolor="white",
    )
    return figure


def _add_edges(figure: go.Figure, positions: pd.DataFrame, edges: pd.DataFrame) -> None:
    """One line trace per error band (a plotly line has one colour), plus invisible hover points."""
    errors = edges["gate_error"].to_numpy(dtype=float)
    finite = errors[np.isfinite(errors)]
    edges_of_bands = np.quantile(finite, np.linspace(0, 1, len(EDGE_COLOURS) + 1)) if finite.size else np.zeros(6)
    bands = np.clip(np.digitize(errors, edges_of_bands[1:-1]), 0, len(EDGE_COLOURS) - 1)
    for band, colour in enumerate(EDGE_COLOURS):
        chosen = edges[(bands == band) & np.isfinite(errors)]
        xs: list[float | None] = []
        ys: list[float | None] = []
        for q0, q1 in zip(chosen["q0"], chosen["q1"], strict=True):
            xs += [positions.at[q0, "x"], positions.at[q1, "x"], None]
            ys += [positions.at[q0, "y"], positions.at[q1, "y"], None]
        low, high = edges_of_bands[band], edges_of_bands[band + 1]
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", line={"color": colour, "width": 4}, hoverinfo="skip",
                name=f"2q gate error {low:.2g}–{high:.2g}",
            )
        )  # fmt: skip
    middle_x = [
        (positions.at[a, "x"] + positions.at[b, "x"]) / 2 for a, b in zip(edges["q0"], edges["q1"], strict=True)
    ]
    middle_y = [
        (positions.at[a, "y"] + positions.at[b, "y"]) / 2 for a, b in zip(edges["q0"], edges["q1"], strict=True)
    ]
    figure.add_trace(
        go.Scatter(
            x=middle_x,
            y=middle_y,
            mode="markers",
            marker={"size": 6, "color": "rgba(0,0,0,0)"},
            hovertext=[
                f"{row.gate} {row.q0}–{row.q1}<br>gate_error: {_short(row.gate_error)}" for row in edges.itertuples()
            ],
            hoverinfo="text",
            name="couplers",
            showlegend=False,
        )
    )


def _short(value: object) -> str:
    if isinstance(value, float | np.floating):
        return "n/a" if np.isnan(value) else f"{value:.4g}"
    return str(value)
