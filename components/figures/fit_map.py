"""Per-location fit estimates on the device map: a pure function of data (no streamlit).

One family of parameters at a time (``detuning``, ``zz``, ``overrotation[sx]``…, ``selection.family_of``): each
qubit or coupler it sits on is coloured by how far the fit moved it from the model in force, the estimate minus
the calibrated value in the parameter's unit (for a × factor, log₂ of the factor: ×2 and ×½ sit at the same
distance from white). The scale is symmetric around no change; hover gives the estimate, its 95 % interval and the
calibrated value. The map is cut to the fitted qubits' neighbourhood; the other qubits are grey.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.figures.change_map import CHANGE_SCALE
from components.figures.device_map import (
    DARK_TEXT,
    coupler_segments,
    label_colours,
    lattice_layout,
    qubit_markers,
)
from noise_core.analysis.locations import NAME
from noise_core.analysis.selection import family_of

MARGIN = 1.5
"""Lattice units shown around the fitted qubits."""
COUPLER_MARKER_SIZE = 14
OTHER_QUBIT = "#e4e4e4"
SMALLEST_LIMIT = 1e-9
"""Half-range of the colour scale when nothing moved (a scale of zero width has no colours)."""


def fitted_families(estimates: pd.DataFrame) -> list[str]:
    """The families of per-location parameters among ``estimates``' rows, in their order."""
    return list(dict.fromkeys(family_of(name) for name in estimates.index if NAME.match(str(name))))


def change_of(row: pd.Series) -> float:
    """How far the fit moved a parameter: log₂ of a × factor, else estimate − calibrated (its unit)."""
    if row["unit"] == "×":
        return math.log2(row["estimate"] / row["calibrated"]) if row["estimate"] > 0 else -math.inf
    return float(row["estimate"] - row["calibrated"])


def build_estimate_map_figure(
    positions: pd.DataFrame, edges: pd.DataFrame, estimates: pd.DataFrame, family: str
) -> go.Figure:
    """Qubits and couplers of ``family``'s parameters coloured by their change (module docstring)."""
    rows = estimates[[family_of(str(name)) == family for name in estimates.index]]
    changes = np.array([change_of(row) for _name, row in rows.iterrows()])
    finite = np.abs(changes[np.isfinite(changes)])
    limit = max(float(finite.max()) if finite.size else 0.0, SMALLEST_LIMIT)
    changes = np.nan_to_num(changes, posinf=limit, neginf=-limit)
    by_location: dict[tuple[int, ...], list[tuple[float, str]]] = {}
    for (name, row), change in zip(rows.iterrows(), changes, strict=True):
        if math.isnan(row["estimate"]):
            continue  # no estimate: the location stays grey
        by_location.setdefault(_qubits(str(name)), []).append((float(change), _hover(str(name), row)))
    located = {where: max(items, key=lambda item: abs(item[0]))[0] for where, items in by_location.items()}
    hovers = {where: "<br><br>".join(text for _change, text in items) for where, items in by_location.items()}
    unit = str(rows["unit"].iloc[0]) if len(rows) else ""
    label = "log₂ of the factor" if unit == "×" else f"estimate − calibrated ({unit or 'probability'})"
    figure = go.Figure()
    xs, ys = coupler_segments(positions, edges)
    figure.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#d8d8d8", "width": 3}, hoverinfo="skip"))
    values = {where[0]: change for where, change in located.items() if len(where) == 1 and where[0] in positions.index}
    scale = {"colorscale": CHANGE_SCALE, "cmin": -limit, "cmax": limit}
    bar = {"showscale": True, "colorbar": {"title": {"text": label}, "len": 0.8}}
    segments, markers = _coupler_traces(positions, located, hovers, {**scale, **({} if values else bar)})
    for segment in segments:
        figure.add_trace(segment)
    others = positions.drop(index=list(values))
    figure.add_trace(
        qubit_markers(
            others, {"color": OTHER_QUBIT}, [DARK_TEXT] * len(others), [f"qubit {q}" for q in others.index],
            rings=([0.5] * len(others), ["#bbbbbb"] * len(others)),
        )
    )  # fmt: skip
    if values:
        fitted = positions.loc[list(values)]
        shown = np.array(list(values.values()))
        figure.add_trace(
            qubit_markers(
                fitted, {"color": shown, **scale, **bar}, label_colours(shown, CHANGE_SCALE, (-limit, limit)),
                [hovers[(q,)] for q in values], rings=([1.5] * len(values), ["#333333"] * len(values)),
            )
        )  # fmt: skip
    for marker in markers:
        figure.add_trace(marker)
    involved = sorted({q for where in located for q in where})
    layout = lattice_layout(positions.loc[[q for q in involved if q in positions.index]] if involved else positions)
    figure.update_layout(
        title={"text": f"{family}: fitted vs calibrated (colour: {label}, ±{limit:.3g})"},
        showlegend=False,
        **layout,
    )
    _zoom(figure, positions, involved)
    return figure


def _qubits(name: str) -> tuple[int, ...]:
    """The qubits a parameter sits on: zphase's own qubit, else its qubits."""
    match = NAME.match(name)
    if match is None:
        return ()
    if match["on"] is not None:
        return (int(match["on"]),)
    return tuple(sorted(int(q) for q in match["qubits"].split(",")))


def _hover(name: str, row: pd.Series) -> str:
    unit = f" {row['unit']}" if row["unit"] not in ("", "×") else ""
    factor = "×" if row["unit"] == "×" else ""
    return (
        f"{name}: {factor}{row['estimate']:.4g}{unit}<br>95 %: {row['low']:.4g} – {row['high']:.4g}{unit}"
        f"<br>calibrated: {factor}{row['calibrated']:.4g}{unit}"
    )


def _coupler_traces(
    positions: pd.DataFrame,
    located: dict[tuple[int, ...], float],
    hovers: dict[tuple[int, ...], str],
    colouring: dict[str, object],
) -> tuple[list[go.Scatter], list[go.Scatter]]:
    """(dark segments drawn under the qubits, hoverable coloured markers at their middles drawn over them) for
    each coupler a parameter sits on."""
    pairs = [
        (where, change) for where, change in located.items() if len(where) == 2 and set(where) <= set(positions.index)
    ]
    if not pairs:
        return [], []
    segments = [
        go.Scatter(
            x=positions.loc[list(qubits), "x"], y=positions.loc[list(qubits), "y"], mode="lines",
            line={"color": "#555555", "width": 6}, hoverinfo="skip",
        )
        for qubits, _change in pairs
    ]  # fmt: skip
    middles = [
        (positions.loc[list(qubits), "x"].mean(), positions.loc[list(qubits), "y"].mean()) for qubits, _ in pairs
    ]
    marker = go.Scatter(
        x=[x for x, _y in middles], y=[y for _x, y in middles], mode="markers",
        marker={"size": COUPLER_MARKER_SIZE, "symbol": "diamond", "color": [c for _q, c in pairs], **colouring,
                "line": {"width": 1, "color": "#333333"}},
        hovertext=[hovers[qubits] for qubits, _c in pairs], hoverinfo="text",
    )  # fmt: skip
    return segments, [marker]


def _zoom(figure: go.Figure, positions: pd.DataFrame, involved: list[int]) -> None:
    """Axis ranges around the fitted qubits (the whole device when none is on the map)."""
    shown = positions.loc[[q for q in involved if q in positions.index]]
    if shown.empty:
        return
    figure.update_xaxes(range=[shown["x"].min() - MARGIN, shown["x"].max() + MARGIN])
    figure.update_yaxes(range=[shown["y"].min() - MARGIN, shown["y"].max() + MARGIN])
