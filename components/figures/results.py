"""Result figures (histogram, assignment heatmaps) as pure functions of data: no streamlit, testable alone."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

IDEAL_COLOUR = "#9aa5b1"
NOISY_COLOUR = "#d1495b"
HIGHLIGHT_BAND = "#222222"


HistogramOrder = Literal["noisy", "ideal", "bitstring"]
HISTOGRAM_ORDERS: tuple[HistogramOrder, ...] = ("noisy", "ideal", "bitstring")


def shown_outcomes(table: pd.DataFrame, *, top: int, order: HistogramOrder) -> pd.DataFrame:
    """The ``top`` most likely outcomes (by the larger of ideal and noisy), in ``order``."""
    likely = table.assign(_weight=table[["ideal", "noisy"]].max(axis=1)).nlargest(top, "_weight", keep="first")
    likely = likely.drop(columns="_weight")
    if order == "bitstring":
        return likely.sort_index()
    other = "ideal" if order == "noisy" else "noisy"
    return likely.sort_values([order, other], ascending=False)


def build_histogram_figure(
    table: pd.DataFrame,
    *,
    top: int = 16,
    order: HistogramOrder | None = "noisy",
    log_scale: bool = False,
    title: str = "",
    shots: int = 4000,
    ideal_sampled: bool = False,
    x_title: str = "outcome (clbit 0 last)",
) -> go.Figure:
    """Grouped bars of ideal and noisy probability for the ``top`` most likely rows, in ``order`` (None: all
    rows in the table's order, as a view gives them).

    ``table`` is ``SimulationResult.distribution_table()`` (columns ideal, noisy, ideal_counts,
    noisy_counts; index outcome) or a view of it (``noise_core.simulation.views``), optionally with
    ``noisy_low``/``noisy_high``: the shot-noise interval of sampled noisy bars, drawn as error bars.
    ``ideal_sampled``: the ideal column holds frequencies of ``shots`` sampled shots (a dynamic circuit),
    and its legend says so. A log axis follows ``log_probability_axis``.
    """
    shown = table if order is None else shown_outcomes(table, top=top, order=order)
    figure = go.Figure()
    names = {
        "ideal": f"ideal (sampled, {shots:,} shots)" if ideal_sampled else "ideal",
        "noisy": "noisy (sampled, 95 % shot-noise band)" if "noisy_low" in shown.columns else "noisy",
    }
    for column, counts, colour in (("ideal", "ideal_counts", IDEAL_COLOUR), ("noisy", "noisy_counts", NOISY_COLOUR)):
        figure.add_trace(
            go.Bar(
                x=shown.index,
                y=shown[column],
                name=names[column],
                marker_color=colour,
                customdata=shown[counts],
                error_y=_band(shown) if column == "noisy" and "noisy_low" in shown.columns else None,
                hovertemplate="%{x}<br>" + column + ": %{y:.4g}<br>counts: %{customdata}<extra></extra>",
            )
        )
    hidden = len(table) - len(shown)
    figure.update_layout(
        barmode="group",
        title={"text": title + (f" (top {len(shown)} of {len(table):,} outcomes)" if hidden > 0 else "")},
        xaxis={"title": {"text": x_title}, "type": "category"},
        yaxis=log_probability_axis(shown[["ideal", "noisy"]].to_numpy().ravel(), shots)
        if log_scale
        else {"title": {"text": "probability"}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": 1.1},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        height=380,
    )
    return figure


def log_probability_axis(values: np.ndarray, shots: int) -> dict[str, object]:
    """A log probability axis that starts at the decade of the smallest bar worth reading, one tick per decade
    (10⁻³): the smallest positive value shown, but not below a tenth of one shot (1/(10·shots)), where
    floating-point residue and outcomes no run of ``shots`` would see begin. Exact zeros draw no bar."""
    positive = values[values > 0]
    smallest = max(float(positive.min()) if positive.size else 1.0 / shots, 0.1 / shots)
    return {
        "title": {"text": "probability (log scale)"},
        "type": "log",
        "range": [math.floor(math.log10(smallest)), 0.05],
        "dtick": 1,
        "exponentformat": "power",
    }


def _band(shown: pd.DataFrame) -> dict[str, object]:
    return {
        "type": "data",
        "symmetric": False,
        "array": (shown["noisy_high"] - shown["noisy"]).to_numpy(),
        "arrayminus": (shown["noisy"] - shown["noisy_low"]).to_numpy(),
        "color": HIGHLIGHT_BAND,
        "thickness": 1.5,
        "width": 4,
    }


def build_comparison_histogram(
    ideal: pd.Series, noisy: dict[str, pd.Series], *, top: int = 16, title: str = ""
) -> go.Figure:
    """Ideal bars and one noisy bar per model (``noisy``: legend name → probabilities), for the ``top``
    outcomes most likely under any of them."""
    table = pd.DataFrame({"ideal": ideal, **noisy}).fillna(0.0)
    shown = table.loc[table.max(axis=1).nlargest(top).index]
    colours = (NOISY_COLOUR, "#3d5a80", "#e9c46a")
    figure = go.Figure(go.Bar(x=shown.index, y=shown["ideal"], name="ideal", marker_color=IDEAL_COLOUR))
    for (name, _series), colour in zip(noisy.items(), colours, strict=False):
        figure.add_trace(
            go.Bar(
                x=shown.index, y=shown[name], name=name, marker_color=colour,
                hovertemplate="%{x}<br>" + name + ": %{y:.4g}<extra></extra>",
            )
        )  # fmt: skip
    figure.update_layout(
        barmode="group",
        title={"text": title},
        xaxis={"title": {"text": "outcome (clbit 0 last)"}, "type": "category"},
        yaxis={"title": {"text": "probability"}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": 1.1},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        height=380,
    )
    return figure


def build_assignment_heatmap(matrix: pd.DataFrame, *, title: str) -> go.Figure:
    """P(recorded | prepared) as a heatmap, values written in the cells."""
    figure = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=[f"read {label}" for label in matrix.columns],
            y=[f"prep {label}" for label in matrix.index],
            zmin=0.0,
            zmax=1.0,
            colorscale="Blues",
            text=np.vectorize(lambda value: f"{value:.3f}")(matrix.to_numpy()),
            texttemplate="%{text}",
            hovertemplate="%{y} → %{x}: %{z:.5f}<extra></extra>",
            showscale=False,
        )
    )
    size = len(matrix)
    figure.update_layout(
        title={"text": title, "font": {"size": 13}},
        yaxis={"autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=160 + 28 * size,
    )
    return figure


def build_assignment_difference(joint: pd.DataFrame, product: pd.DataFrame, *, title: str) -> go.Figure:
    """joint − product of marginals, cell by cell: red where correlated readout records more often than independent
    qubits would, blue where less (a diverging scale centred on 0)."""
    difference = joint.to_numpy() - product.to_numpy()
    largest = max(float(np.abs(difference).max()), 1e-12)
    figure = go.Figure(
        go.Heatmap(
            z=difference,
            x=[f"read {label}" for label in joint.columns],
            y=[f"prep {label}" for label in joint.index],
            zmin=-largest,
            zmax=largest,
            colorscale="RdBu_r",
            text=np.vectorize(lambda value: f"{value:+.3f}")(difference),
            texttemplate="%{text}",
            hovertemplate="%{y} → %{x}: %{z:+.5f}<extra></extra>",
            showscale=False,
        )
    )
    figure.update_layout(
        title={"text": title, "font": {"size": 13}},
        yaxis={"autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=160 + 28 * len(joint),
    )
    return figure


IDLE_COLOUR = "#e9ecef"
TIMELINE_COLOURS = {"measure": "#264653", "cz": "#e76f51", "cx": "#e76f51", "ecr": "#e76f51", "sx": "#2a9d8f"}
"""Bars by instruction; two-qubit gates share one colour, other gates are blue-grey."""


def build_timeline_figure(timeline: pd.DataFrame) -> go.Figure:
    """The schedule as a per-qubit timeline (``noise_core.simulation.idle.schedule_timeline``): gates as bars,
    idle periods (delays, where idle relaxation acts) as pale bars; times in ns."""
    figure = go.Figure()
    qubits = sorted(timeline["qubit"].unique())
    labels = {qubit: f"q{qubit}" for qubit in qubits}
    for name, rows in timeline[timeline["duration_ns"] > 0].groupby("instruction", sort=True):
        colour = IDLE_COLOUR if name == "idle" else TIMELINE_COLOURS.get(str(name), "#8d99ae")
        figure.add_trace(
            go.Bar(
                y=[labels[q] for q in rows["qubit"]], x=rows["duration_ns"], base=rows["start_ns"], orientation="h",
                name=str(name), marker={"color": colour, "line": {"color": "#555555", "width": 0.5}},
                hovertemplate=f"{name}<br>%{{y}}: %{{base:.0f}}–%{{x:.0f}} ns long<extra></extra>",
            )
        )  # fmt: skip
    gates = timeline[~timeline["instruction"].isin(["idle", "measure"])]
    measured_from = float(timeline.loc[timeline["instruction"] == "measure", "start_ns"].min() or 0.0)
    end = max(float((gates["start_ns"] + gates["duration_ns"]).max() or 0.0), measured_from)
    figure.update_layout(
        barmode="overlay",
        title={"text": "Schedule (ALAP): what each qubit does over time (measurements cut)", "font": {"size": 14}},
        xaxis={"title": {"text": "time (ns)"}, "range": [0.0, 1.25 * end if end > 0 else None]},
        yaxis={"categoryorder": "array", "categoryarray": [labels[q] for q in reversed(qubits)]},
        legend={"orientation": "h", "y": -0.25},
        height=max(220, 40 * len(qubits) + 140),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return figure
