"""The device map coloured by change between two snapshots: a pure function of data (no streamlit).

Colour is log₂ of the ratio in the metric's bad direction (errors up, T1/T2 down), so every
metric reads the same way: red got worse, blue got better, white unchanged, and a halving and a
doubling sit at the same distance from white. The scale is symmetric and clipped to the 98th
percentile of |log₂| (the title says so); hover shows before → after and the ratio.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.figures.device_map import coupler_segments, format_value, label_colours, lattice_layout, qubit_markers
from noise_core.calibration.diff import HIGHER_IS_BETTER, NEUTRAL_METRICS

CHANGE_SCALE = "RdBu_r"
"""Diverging: blue (better) – white – red (worse)."""
CLIP_PERCENTILE = 98.0
MIN_LIMIT = 0.05
"""Smallest half-range of the colour scale (×1.035): below it, noise would look like change."""


def worse_log2(metric: str, ratio: pd.Series) -> pd.Series:
    """log₂ of after/before, signed so that positive is worse (for T1/T2, a drop); neutral metrics keep the sign
    of after/before."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logarithm = np.log2(ratio.astype(float))
    signed = -logarithm if HIGHER_IS_BETTER.get(metric, False) else logarithm
    return signed.where(~np.isnan(signed))  # ±∞ (to or from zero) stays: the colour scale clips it


def build_change_map_figure(
    positions: pd.DataFrame, edges: pd.DataFrame, changes: pd.DataFrame, metric: str
) -> go.Figure:
    """Qubits coloured by the change of ``metric`` (``changes``: index qubit; before, after, ratio), couplers grey."""
    figure = go.Figure()
    xs, ys = coupler_segments(positions, edges)
    figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#c8c8c8", "width": 3}, hoverinfo="skip"))
    rows = changes.reindex(positions.index)
    colour = worse_log2(metric, rows["ratio"])
    finite = np.abs(colour[np.isfinite(colour)].to_numpy())
    percentile = float(np.percentile(finite, CLIP_PERCENTILE)) if finite.size else 0.0
    limit = max(percentile, MIN_LIMIT)
    basis = "the 98th percentile of |log₂|" if percentile >= MIN_LIMIT else "the smallest scale drawn"
    shown = colour.clip(-limit, limit)
    hover = [
        f"qubit {qubit}<br>{metric}: {format_value(metric, row.before)} → {format_value(metric, row.after)}"
        + (f"<br>ratio ×{row.ratio:.3g}" if np.isfinite(row.ratio) else "")
        for qubit, row in zip(rows.index, rows.itertuples(), strict=True)
    ]
    direction = "change" if metric in NEUTRAL_METRICS else "worse (red) / better (blue)"
    fill = shown.fillna(0.0).to_numpy()
    colouring = {
        "color": fill, "colorscale": CHANGE_SCALE, "cmin": -limit, "cmax": limit, "showscale": True,
        "colorbar": {"title": {"text": f"log₂ {direction}"}, "len": 0.8},
    }  # fmt: skip
    missing = list(shown.isna())  # no comparison (missing on one side, or 0 → 0): a thick grey ring
    rings = ([2.5 if gap else 0.5 for gap in missing], ["#999999" if gap else "#555555" for gap in missing])
    text_colours = label_colours(fill, CHANGE_SCALE, (-limit, limit))
    figure.add_trace(qubit_markers(positions, colouring, text_colours, hover, rings=rings))
    figure.update_layout(
        title={"text": f"{metric}: after vs before, colour clipped at ±{limit:.2g} (×{2**limit:.3g}), {basis}"},
        showlegend=False,
        **lattice_layout(positions),
    )
    return figure


def build_drift_figure(
    drift: pd.DataFrame, metric: str, one: int | str, *, over: Literal["qubit", "coupler"] = "qubit"
) -> go.Figure:
    """``metric`` over calibration time: the median over qubits or couplers (with the interquartile band) and one.

    ``drift`` is ``noise_core.calibration.diff.calibration_drift`` (date, qubit, metric, value) with ``one`` a
    qubit, or ``coupler_drift`` (date, coupler, metric, value) with ``over="coupler"`` and ``one`` as '4,5'.
    """
    rows = drift[drift["metric"] == metric]
    by_date = rows.groupby("date")["value"]
    summary = pd.DataFrame({"median": by_date.median(), "q1": by_date.quantile(0.25), "q3": by_date.quantile(0.75)})
    single = rows[rows[over] == one].set_index("date")["value"]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=summary.index, y=summary["q3"], mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"
        )
    )
    figure.add_trace(
        go.Scatter(
            x=summary.index, y=summary["q1"], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor="rgba(42,157,143,0.2)", name=f"{over}s' 25th–75th percentile", hoverinfo="skip",
        )
    )  # fmt: skip
    figure.add_trace(
        go.Scatter(x=summary.index, y=summary["median"], mode="lines+markers", name=f"median over {over}s",
                   line={"color": "#2a9d8f"})
    )  # fmt: skip
    figure.add_trace(
        go.Scatter(
            x=single.index, y=single.to_numpy(), mode="lines+markers", name=f"{over} {one}", line={"color": "#d1495b"}
        )
    )
    figure.update_layout(
        title={"text": f"{metric} over calibration time (UTC)"},
        yaxis={"title": {"text": metric}, "type": "log" if "error" in metric or metric.startswith("P(") else "linear"},
        legend={"orientation": "h", "y": -0.2},
        height=380,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return figure
