"""The device map as a plotly figure: a pure function of data (no streamlit), testable on its own."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go

HIGHLIGHT_COLOUR = "#111111"
EDGE_COLOURS = ("#2a9d8f", "#8ab17d", "#e9c46a", "#f4a261", "#e76f51")
"""Couplers from lowest to highest 2-qubit gate error, in quintiles of the device's errors."""
UNREPORTED_EDGE_COLOUR = "#8c8c8c"
"""Couplers whose 2-qubit gate has no reported error: grey and dashed (the simulation gives them relaxation only)."""
UNREPORTED = "no reported error"
DARK_TEXT, LIGHT_TEXT = "#000000", "#ffffff"
"""Qubit numbers: black or white, whichever contrasts more with the fill (at least 4.6:1, WCAG AA)."""
MISSING_COLOUR = "#d0d0d0"
"""Fill of a qubit the snapshot gives no value for (in the metric shown)."""
CLIP_PERCENTILES = (2.0, 98.0)
"""The colour scale spans these percentiles of the metric, so one outlier does not wash out the rest."""
LOG_FLOOR = 1e-6
"""Errors are coloured by log10, floored here (an error of 0 has no logarithm)."""
UNIT_FORMATS = {"µs": "{:.1f} µs", "GHz": "{:.4f} GHz", "ns": "{:.0f} ns"}
"""How a value is written by the unit in its column name, e.g. ``T1 (µs)``; unitless values get 3 significant digits."""
QUBIT_MARKER_SIZE = 20
QUBIT_LABEL_SIZE = 9
"""Every map of the lattice draws its qubits this size, numbered in this font size (``qubit_markers``)."""


def build_device_map_figure(
    positions: pd.DataFrame,
    edges: pd.DataFrame,
    metrics: pd.DataFrame,
    metric: str,
    *,
    highlight: Collection[int] = (),
    percentiles: tuple[float, float] = CLIP_PERCENTILES,
) -> go.Figure:
    """Coupling graph: qubits coloured by ``metric``, couplers by 2-qubit gate error (dashed grey without one),
    ``highlight`` ringed.

    ``positions`` (index qubit: x, y), ``edges`` (q0, q1, gate, gate_error) and ``metrics``
    (index qubit, one column per metric, units in the column names) come from
    ``noise_core.calibration.tables`` and ``components.logic.map_geometry``. The colour scale is
    clipped to ``percentiles`` of the metric and the title says so; errors are coloured on a
    log scale (they spread over decades); hover shows true values.
    """
    figure = go.Figure()
    _add_edges(figure, positions, edges)
    values = metrics[metric].reindex(positions.index).to_numpy(dtype=float)
    shown, logarithmic = colour_values(metric, values)
    low, high = colour_range(shown, percentiles)
    scale = "Viridis_r" if "error" in metric else "Viridis"
    hover = np.array(
        [
            f"qubit {qubit}<br>"
            + "<br>".join(f"{_bare(name)}: {format_value(name, metrics.at[qubit, name])}" for name in metrics)
            for qubit in positions.index
        ]
    )
    ringed = np.isin(positions.index, list(highlight))
    known = np.isfinite(values)
    for chosen in (known, ~known):
        if chosen.any():
            colouring = _Colouring(shown[chosen], scale, (low, high), metric, logarithmic) if chosen is known else None
            _add_qubits(figure, positions[chosen], list(hover[chosen]), list(ringed[chosen]), colouring)
    figure.update_layout(
        title={
            "text": colour_note(metric, *_real((low, high), logarithmic), percentiles, logarithmic),
            "font": {"size": 13},
        },
        showlegend=True,
        legend={"orientation": "h", "y": -0.02},
        **lattice_layout(positions),
    )
    return figure


def lattice_layout(positions: pd.DataFrame) -> dict[str, object]:
    """The layout every map of the lattice shares: height from its rows, no axes, equal x and y scales."""
    return {
        "height": max(320, 55 * (positions["y"].max() - positions["y"].min() + 2)),
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "xaxis": {"visible": False},
        "yaxis": {"visible": False, "scaleanchor": "x"},
        "plot_bgcolor": "white",
    }


@dataclass(frozen=True)
class _Colouring:
    """Metric values of the qubits drawn, on ``scale`` between ``limits`` (units of ``metric``)."""

    values: np.ndarray
    scale: str
    limits: tuple[float, float]
    metric: str
    logarithmic: bool = False

    @property
    def colour_bar(self) -> dict[str, object]:
        """The colour bar: titled with the metric; on a log scale, ticks at 1-2-5 steps labelled with real values."""
        bar: dict[str, object] = {"title": {"text": self.metric + (" (log)" if self.logarithmic else "")}}
        if self.logarithmic:
            ticks = log_ticks(*self.limits)
            bar |= {"tickvals": [float(np.log10(tick)) for tick in ticks], "ticktext": [f"{tick:g}" for tick in ticks]}
        return bar | {"x": 1.0, "len": 0.8}


def _add_qubits(
    figure: go.Figure, positions: pd.DataFrame, hover: list[str], ringed: list[bool], colouring: _Colouring | None
) -> None:
    """One marker per qubit, numbered in a text colour that reads on its fill; no ``colouring``: no value (grey)."""
    if colouring is None:
        fill: object = MISSING_COLOUR
        text_colours = [DARK_TEXT] * len(positions)
        scale: dict[str, object] = {}
    else:
        fill = colouring.values
        text_colours = label_colours(colouring.values, colouring.scale, colouring.limits)
        scale = {
            "colorscale": colouring.scale,
            "cmin": colouring.limits[0],
            "cmax": colouring.limits[1],
            "showscale": True,
            "colorbar": colouring.colour_bar,
        }
    figure.add_trace(
        qubit_markers(
            positions,
            {"color": fill, **scale},
            text_colours,
            hover,
            rings=([3 if ring else 0.5 for ring in ringed], [HIGHLIGHT_COLOUR if ring else "white" for ring in ringed]),
            name="qubits" if colouring is not None else "qubits without a value",
            showlegend=colouring is None,
        )
    )


def qubit_markers(
    positions: pd.DataFrame,
    colouring: dict[str, object],
    text_colours: list[str],
    hover: list[str],
    *,
    rings: tuple[list[float], list[str]],
    **trace: object,
) -> go.Scatter:
    """The qubits of a map of the lattice: one marker per qubit of ``positions``, numbered in ``text_colours``.

    ``colouring`` is the marker's fill (``color`` and, for a colour scale, ``colorscale``, ``cmin``…),
    ``rings`` the width and colour of each qubit's outline, ``trace`` further trace properties (name,
    legend). Size and font are the same on every map (``QUBIT_MARKER_SIZE``, ``QUBIT_LABEL_SIZE``).
    """
    widths, colours = rings
    return go.Scatter(
        x=positions["x"],
        y=positions["y"],
        mode="markers+text",
        text=[str(qubit) for qubit in positions.index],
        textfont={"size": QUBIT_LABEL_SIZE, "color": text_colours},
        hovertext=hover,
        hoverinfo="text",
        marker={"size": QUBIT_MARKER_SIZE, **colouring, "line": {"width": widths, "color": colours}},
        **trace,
    )


def colour_values(metric: str, values: np.ndarray) -> tuple[np.ndarray, bool]:
    """What the colour scale maps, and whether it is log10: errors spread over decades, so they are logged."""
    if "error" in metric:
        return np.log10(np.maximum(values, LOG_FLOOR)), True
    return values, False


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 values (real units) between 10**low and 10**high, for a log colour bar; the ends if none fall inside."""
    ticks = [
        mantissa * 10.0**decade
        for decade in range(int(np.floor(low)), int(np.ceil(high)) + 1)
        for mantissa in (1, 2, 5)
        if low <= np.log10(mantissa * 10.0**decade) <= high
    ]
    return ticks or [float(10**low), float(10**high)]


def _real(limits: tuple[float, float], logarithmic: bool) -> tuple[float, float]:
    """Colour-scale limits back in the metric's units."""
    return (float(10 ** limits[0]), float(10 ** limits[1])) if logarithmic else limits


def colour_range(values: Sequence[float] | np.ndarray, percentiles: tuple[float, float]) -> tuple[float, float]:
    """The ``percentiles`` of the finite ``values`` (same units): the span of the colour scale."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 0.0, 1.0
    low, high = np.percentile(finite, percentiles)
    return float(low), float(high)


def colour_note(
    metric: str, low: float, high: float, percentiles: tuple[float, float], logarithmic: bool = False
) -> str:
    """E.g. "Colour: T1 (µs), clipped to the 2nd–98th percentile: 40.1–310.2 µs (hover: true values)"."""
    first, last = (_ordinal(p) for p in percentiles)
    return (
        f"Colour: {metric}{' on a log scale' if logarithmic else ''}, clipped to the {first}–{last} percentile: "
        f"{_number(metric, low)}–{format_value(metric, high)} (hover: true values)"
    )


def label_colours(values: np.ndarray, scale: str, limits: tuple[float, float]) -> list[str]:
    """Dark or light text for each value's fill on ``scale`` clipped to ``limits``: whichever contrasts more (WCAG)."""
    low, high = limits
    span = high - low
    where = np.clip((values - low) / span, 0.0, 1.0) if span > 0 else np.full(len(values), 0.5)
    fills = pcolors.sample_colorscale(pcolors.get_colorscale(scale), list(where))
    return [max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast_ratio(text, fill)) for fill in fills]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance (0 black … 1 white) of an ``rgb(r, g, b)`` or ``#rrggbb`` colour."""
    if colour.startswith("#"):
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [round(float(c)) for c in re.findall(r"[\d.]+", colour)[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def format_value(name: str, value: object) -> str:
    """``value`` with the unit named in ``name`` ("T1 (µs)" → "245.3 µs"); unitless numbers to 3 significant digits."""
    if not isinstance(value, float | int | np.floating | np.integer) or isinstance(value, bool):
        return str(value)
    if np.isnan(value):
        return "n/a"
    unit = re.search(r"\(([^)]+)\)\s*$", name)
    if unit and abs(float(value)) >= 1e6:  # trapped ions' T1 of hours: significant digits, not decimals
        return f"{float(value):.3g} {unit.group(1)}"
    template = UNIT_FORMATS.get(unit.group(1), "{:.3g}") if unit else "{:.3g}"
    return template.format(float(value))


def _number(name: str, value: float) -> str:
    """``format_value`` without the unit (for the low end of a range)."""
    text = format_value(name, value)
    return text.rsplit(" ", 1)[0] if " " in text else text


def _bare(name: str) -> str:
    """A column name without its unit: "T1 (µs)" → "T1" (the value carries the unit)."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)


def _ordinal(number: float) -> str:
    whole = int(number)
    suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    return f"{number:g}{suffix}"


def coupler_summary(edges: pd.DataFrame) -> str:
    """How many couplers the map draws, and how many of them dashed, e.g. "176 couplers (8 without a reported
    error, dashed)"."""
    unreported = int(edges["gate_error"].isna().sum())
    note = f" ({unreported} without a reported error, dashed)" if unreported else ""
    return f"{len(edges)} coupler{'s' * (len(edges) != 1)}{note}"


def coupler_segments(positions: pd.DataFrame, chosen: pd.DataFrame) -> tuple[list[float | None], list[float | None]]:
    """x and y of one line trace drawing every coupler in ``chosen``, each a segment ended by None."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for q0, q1 in zip(chosen["q0"], chosen["q1"], strict=True):
        xs += [positions.at[q0, "x"], positions.at[q1, "x"], None]
        ys += [positions.at[q0, "y"], positions.at[q1, "y"], None]
    return xs, ys


def _add_edges(figure: go.Figure, positions: pd.DataFrame, edges: pd.DataFrame) -> None:
    """One line trace per error band (a plotly line has one colour), one dashed for couplers without a reported
    error (when there are any), plus invisible hover points."""
    errors = edges["gate_error"].to_numpy(dtype=float)
    finite = errors[np.isfinite(errors)]
    edges_of_bands = np.quantile(finite, np.linspace(0, 1, len(EDGE_COLOURS) + 1)) if finite.size else np.zeros(6)
    bands = np.clip(np.digitize(errors, edges_of_bands[1:-1]), 0, len(EDGE_COLOURS) - 1)
    for band, colour in enumerate(EDGE_COLOURS):
        xs, ys = coupler_segments(positions, edges[(bands == band) & np.isfinite(errors)])
        low, high = edges_of_bands[band], edges_of_bands[band + 1]
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", line={"color": colour, "width": 4}, hoverinfo="skip",
                name=f"2q gate error {low:.3g}–{high:.3g}",
            )
        )  # fmt: skip
    if not np.isfinite(errors).all():
        xs, ys = coupler_segments(positions, edges[~np.isfinite(errors)])
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", line={"color": UNREPORTED_EDGE_COLOUR, "width": 3, "dash": "dash"},
                hoverinfo="skip", name=f"2q gate: {UNREPORTED}",
            )
        )  # fmt: skip
    middle_x = [
        (positions.at[a, "x"] + positions.at[b, "x"]) / 2 for a, b in zip(edges["q0"], edges["q1"], strict=True)
    ]
    middle_y = [
        (positions.at[a, "y"] + positions.at[b, "y"]) / 2 for a, b in zip(edges["q0"], edges["q1"], strict=True)
    ]
    lengths = edges["gate_length (ns)"] if "gate_length (ns)" in edges else pd.Series(np.nan, index=edges.index)
    figure.add_trace(
        go.Scatter(
            x=middle_x,
            y=middle_y,
            mode="markers",
            marker={"size": 6, "color": "rgba(0,0,0,0)"},
            hovertext=[
                f"{row.gate} {row.q0}–{row.q1}<br>gate_error: {_edge_error(row.gate_error)}"
                f"<br>gate_length: {format_value('gate_length (ns)', length)}"
                for row, length in zip(edges.itertuples(), lengths, strict=True)
            ],
            hoverinfo="text",
            name="couplers",
            showlegend=False,
        )
    )


def _edge_error(error: float) -> str:
    """A coupler's error for its hover: the value, or that the snapshot reports none."""
    return UNREPORTED if np.isnan(error) else format_value("gate_error", error)
