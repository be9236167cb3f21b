"""Figures of the Explain page: the budget by kind, the loss map, the sweep. Pure functions of data (no streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from components.figures.device_map import label_colours, lattice_layout

KIND_LABELS = {
    "gate": "gate errors (depolarizing, Pauli)",
    "relaxation": "relaxation in gates (T1, T2)",
    "readout": "readout",
    "idle": "idle relaxation (T1, T2)",
    "coherent": "coherent errors (over-rotations, phases)",
    "detuning": "detuning of waiting qubits (δ)",
    "crosstalk": "ZZ crosstalk of coupled pairs (ξ)",
    "correlation": "correlated readout (beyond independent qubits)",
    "interaction": "interaction (remainder)",
}
LOSS_LABELS = {"success": "success probability lost", "tvd": "total variation distance"}
LOSS_SCALE = "YlOrRd"
"""Sequential: pale (little loss) to dark red (most)."""
MAP_MARGIN = 1.6
"""Lattice units shown around the circuit's qubits on the loss map."""
FACTOR_LABELS = {
    "gate": "gate-error factor",
    "readout": "readout-error factor",
    "relaxation": "T1/T2-rate factor (gates)",
    "idle": "T1/T2-rate factor (idle)",
    "coherent": "coherent-angle factor",
    "detuning": "detuning factor",
    "crosstalk": "ZZ-crosstalk factor",
    "correlation": "readout-correlation factor",
}
METRIC_LABELS = {
    "success_probability": "success probability",
    "total_variation_distance": "total variation distance",
    "hellinger_fidelity": "Hellinger fidelity",
}


def percent(value: float) -> str:
    """A probability (or a difference of probabilities) in percent with 3 significant digits: 0.01109 → '1.11 %'."""
    return f"{value * 100:.3g} %"


def build_budget_figure(by_kind: pd.DataFrame, metric: str) -> go.Figure:
    """Horizontal grouped bars per kind: the loss gone when that kind is removed, and the loss with it alone."""
    labels = [KIND_LABELS.get(str(kind), str(kind)) for kind in by_kind.index]
    figure = go.Figure()
    for column, name, colour in (("alone", "alone", "#2a9d8f"), ("removed", "removed (the rest kept)", "#e76f51")):
        values = by_kind[column].to_numpy(dtype=float)
        figure.add_trace(
            go.Bar(
                y=labels, x=values, name=name, orientation="h", marker_color=colour,
                text=[percent(value) for value in values], cliponaxis=False,
                textposition=["outside" if value >= 0 else "none" for value in values],  # left of 0: the labels
                hovertemplate="%{y}<br>" + name + ": %{x:.4%}<extra></extra>",
            )
        )  # fmt: skip
    figure.update_layout(
        barmode="group",
        title={"text": f"Error budget by kind: {LOSS_LABELS[metric]}", "font": {"size": 14}},
        xaxis={"title": {"text": f"{LOSS_LABELS[metric]} (percentage points)"}, "tickformat": ".2%"},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.3},
        height=360,
        margin={"l": 10, "r": 60, "t": 50, "b": 10},
    )
    return figure


def build_loss_map_figure(
    positions: pd.DataFrame, edges: pd.DataFrame, by_location: pd.DataFrame, column: str
) -> go.Figure:
    """The device around the circuit: its qubits and couplers coloured by the loss each location costs.

    ``by_location`` is ``ErrorBudget.by_location``; ``column`` is the one to draw (``ErrorBudget.location_figure``:
    'loss', or 'first_order' when only the estimate exists). Other qubits and couplers in view are grey.
    """
    loss = {tuple(row.qubits): float(getattr(row, column)) for row in by_location.itertuples()}
    active = sorted({q for location in loss for q in location})
    window = _window(positions, active)
    high = max(max(loss.values(), default=0.0), 1e-12)
    figure = go.Figure()
    _add_grey_edges(figure, window, edges, loss)
    for (q0, q1), value in ((location, value) for location, value in loss.items() if len(location) == 2):
        _add_coupler(figure, window, q0, q1, value, high)
    qubits = window.index.to_numpy()
    values = np.array([loss.get((int(q),), np.nan) for q in qubits])
    used = ~np.isnan(values)
    figure.add_trace(
        go.Scatter(
            x=window["x"][~used], y=window["y"][~used], mode="markers+text", text=[str(q) for q in qubits[~used]],
            textfont={"size": 8, "color": "#777777"}, marker={"size": 14, "color": "#eeeeee"}, hoverinfo="skip",
            showlegend=False,
        )
    )  # fmt: skip
    figure.add_trace(
        go.Scatter(
            x=window["x"][used],
            y=window["y"][used],
            mode="markers+text",
            text=[str(q) for q in qubits[used]],
            textfont={"size": 9, "color": label_colours(values[used], LOSS_SCALE, (0.0, high))},
            hovertext=[f"qubit {q}<br>loss {percent(v)}" for q, v in zip(qubits[used], values[used], strict=True)],
            hoverinfo="text",
            marker={
                "size": 22,
                "color": values[used],
                "colorscale": LOSS_SCALE,
                "cmin": 0.0,
                "cmax": high,
                "showscale": True,
                "colorbar": {"title": {"text": "loss"}, "len": 0.8, "tickformat": ".2%"},
                "line": {"width": 1, "color": "#555555"},
            },
            showlegend=False,
        )
    )
    basis = "exact" if column == "loss" else "first-order estimate"
    figure.update_layout(
        title={"text": f"Loss from each qubit and coupler ({basis}; colour 0 – {percent(high)})", "font": {"size": 13}},
        showlegend=False,
        **lattice_layout(window),
    )
    return figure


def _window(positions: pd.DataFrame, active: list[int]) -> pd.DataFrame:
    """The positions within ``MAP_MARGIN`` of the active qubits' bounding box."""
    placed = positions.reindex(active).dropna()
    if placed.empty:
        return positions
    x_low, x_high = placed["x"].min() - MAP_MARGIN, placed["x"].max() + MAP_MARGIN
    y_low, y_high = placed["y"].min() - MAP_MARGIN, placed["y"].max() + MAP_MARGIN
    inside = positions["x"].between(x_low, x_high) & positions["y"].between(y_low, y_high)
    return positions[inside]


def _add_grey_edges(
    figure: go.Figure, window: pd.DataFrame, edges: pd.DataFrame, loss: dict[tuple[int, ...], float]
) -> None:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for q0, q1 in zip(edges["q0"], edges["q1"], strict=True):
        if q0 in window.index and q1 in window.index and tuple(sorted((q0, q1))) not in loss:
            xs += [window.at[q0, "x"], window.at[q1, "x"], None]
            ys += [window.at[q0, "y"], window.at[q1, "y"], None]
    figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#dddddd", "width": 3}, hoverinfo="skip"))


def _add_coupler(figure: go.Figure, window: pd.DataFrame, q0: int, q1: int, value: float, high: float) -> None:
    if q0 not in window.index or q1 not in window.index:
        return
    colour = _scale_colour(value / high)
    x = [window.at[q0, "x"], window.at[q1, "x"]]
    y = [window.at[q0, "y"], window.at[q1, "y"]]
    figure.add_trace(go.Scatter(x=x, y=y, mode="lines", line={"color": colour, "width": 9}, hoverinfo="skip"))
    figure.add_trace(
        go.Scatter(
            x=[sum(x) / 2], y=[sum(y) / 2], mode="markers", marker={"size": 10, "color": colour, "symbol": "diamond"},
            hovertext=[f"coupler {q0}–{q1}<br>loss {percent(value)}"], hoverinfo="text",
        )
    )  # fmt: skip


def _scale_colour(fraction: float) -> str:
    return str(sample_colorscale(LOSS_SCALE, [min(max(fraction, 0.0), 1.0)])[0])


def build_sweep_figure(
    frame: pd.DataFrame,
    factor: str,
    metric: str,
    *,
    current: float,
    target: float | None = None,
    reached: float | None = None,
) -> go.Figure:
    """``metric`` against the swept factor, the current setting marked; with ``target``, where it is reached."""
    ordered = frame.sort_values(factor)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=ordered[factor], y=ordered[metric], mode="lines+markers", name=METRIC_LABELS[metric],
            line={"color": "#2a9d8f"},
            hovertemplate=f"×%{{x:.3g}}<br>{METRIC_LABELS[metric]} %{{y:.4f}}<extra></extra>",
        )
    )  # fmt: skip
    if ordered[factor].min() <= current <= ordered[factor].max():
        at_current = float(np.interp(current, ordered[factor], ordered[metric]))
        figure.add_trace(
            go.Scatter(
                x=[current], y=[at_current], mode="markers", name=f"current (×{current:g})",
                marker={"size": 14, "color": "#d1495b", "symbol": "star"},
            )
        )  # fmt: skip
    if target is not None:
        figure.add_hline(y=target, line_dash="dot", line_color="#777777")
        if reached is not None:
            figure.add_trace(
                go.Scatter(
                    x=[reached], y=[target], mode="markers", name=f"reaches {target:g} at ×{reached:.3g}",
                    marker={"size": 12, "color": "#264653", "symbol": "x"},
                )
            )  # fmt: skip
    figure.update_layout(
        title={"text": f"{METRIC_LABELS[metric]} vs {FACTOR_LABELS[factor]}", "font": {"size": 14}},
        xaxis={"title": {"text": f"{FACTOR_LABELS[factor]} (× the model in force)"}},
        yaxis={"title": {"text": METRIC_LABELS[metric]}},
        legend={"orientation": "h", "y": -0.25},
        height=400,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure
