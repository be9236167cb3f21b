"""Result figures (histogram, assignment heatmaps) as pure functions of data: no streamlit, testable alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

IDEAL_COLOUR = "#9aa5b1"
NOISY_COLOUR = "#d1495b"


def build_histogram_figure(table: pd.DataFrame, *, top: int = 16, title: str = "") -> go.Figure:
    """Grouped bars of ideal and noisy probability for the ``top`` most likely outcomes.

    ``table`` is ``SimulationResult.distribution_table()`` (columns ideal, noisy, ideal_counts,
    noisy_counts; index outcome).
    """
    shown = table.head(top)
    figure = go.Figure()
    for column, counts, colour in (("ideal", "ideal_counts", IDEAL_COLOUR), ("noisy", "noisy_counts", NOISY_COLOUR)):
        figure.add_trace(
            go.Bar(
                x=shown.index,
                y=shown[column],
                name=column,
                marker_color=colour,
                customdata=shown[counts],
                hovertemplate="%{x}<br>" + column + ": %{y:.4f}<br>counts: %{customdata}<extra></extra>",
            )
        )
    hidden = len(table) - len(shown)
    figure.update_layout(
        barmode="group",
        title={"text": title + (f" (top {top} of {len(table)} outcomes)" if hidden > 0 else "")},
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
