"""Figures and tables of the Fit page: measured vs model vs ideal, residuals, estimates. Pure (no streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.figures.results import IDEAL_COLOUR, NOISY_COLOUR, log_probability_axis
from noise_core.analysis.compare import CircuitComparison

MEASURED_COLOUR = "#264653"
FITTED_COLOUR = "#2a9d8f"
Z_BAND = 2.0
"""Residuals beyond ±2 sampling errors stand out (about 5 % of outcomes would by chance)."""


def shown_outcomes(fitted: CircuitComparison, calibrated: CircuitComparison, top: int) -> pd.Index:
    """The ``top`` outcomes by their largest measured, modelled (in force or fitted) or ideal probability."""
    columns = [fitted.table[["measured_probability", "model", "ideal"]], calibrated.table["model"].rename("in_force")]
    weight = pd.concat(columns, axis=1).fillna(0.0).max(axis=1)
    return weight.sort_values(ascending=False, kind="stable").index[:top]


def build_counts_figure(
    fitted: CircuitComparison, calibrated: CircuitComparison, *, top: int = 16, log: bool = False
) -> go.Figure:
    """Grouped bars per outcome: measured frequency (with its binomial 95 % band), the model in force and the
    fitted one, and the ideal circuit; ``log``: a log probability axis, so rare outcomes show."""
    outcomes = list(shown_outcomes(fitted, calibrated, top))
    measured = fitted.table.reindex(outcomes)
    series = (
        ("measured", measured["measured_probability"], MEASURED_COLOUR),
        ("model in force", calibrated.table["model"].reindex(outcomes), NOISY_COLOUR),
        ("fitted model", measured["model"], FITTED_COLOUR),
        ("ideal", measured["ideal"], IDEAL_COLOUR),
    )
    figure = go.Figure()
    for name, values, colour in series:
        bar = go.Bar(
            x=outcomes, y=values.fillna(0.0), name=name, marker_color=colour,
            hovertemplate="%{x}<br>" + name + ": %{y:.3%}<extra></extra>",
        )  # fmt: skip
        if name == "measured":
            bar.error_y = {"type": "data", "array": 1.96 * measured["sampling_error"].fillna(0.0), "thickness": 1}
        figure.add_trace(bar)
    figure.update_layout(
        barmode="group",
        title={"text": f"{fitted.name}: measured ({fitted.shots:,} shots) and modelled", "font": {"size": 14}},
        xaxis={"title": {"text": "outcome (clbit 0 last)"}, "type": "category"},
        yaxis=log_probability_axis(
            pd.concat([values.fillna(0.0) for _name, values, _colour in series]).to_numpy(), fitted.shots
        )
        if log
        else {"title": {"text": "probability"}, "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.25},
        height=380,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def build_residual_figure(fitted: CircuitComparison, calibrated: CircuitComparison, *, top: int = 16) -> go.Figure:
    """Residual z = (measured − model) / sampling error per outcome, for the model in force and the fitted one,
    with the ±2 band where chance alone leaves about 95 % of them."""
    outcomes = list(shown_outcomes(fitted, calibrated, top))
    figure = go.Figure()
    for name, comparison, colour, symbol in (
        ("model in force", calibrated, NOISY_COLOUR, "circle-open"),
        ("fitted model", fitted, FITTED_COLOUR, "circle"),
    ):
        z = comparison.table["z"].reindex(outcomes)
        figure.add_trace(
            go.Scatter(
                x=outcomes, y=z, name=name, mode="markers", marker={"color": colour, "size": 10, "symbol": symbol},
                hovertemplate="%{x}<br>" + name + ": z = %{y:.2f}<extra></extra>",
            )
        )  # fmt: skip
    figure.add_hrect(y0=-Z_BAND, y1=Z_BAND, fillcolor="#e9ecef", line_width=0, layer="below")
    figure.add_hline(y=0.0, line={"color": "#888", "width": 1})
    figure.update_layout(
        title={"text": "Residuals in sampling errors (grey: ±2)", "font": {"size": 14}},
        xaxis={"title": {"text": "outcome (clbit 0 last)"}, "type": "category"},
        yaxis={"title": {"text": "z = (measured − model) / σ"}},
        legend={"orientation": "h", "y": -0.25},
        height=340,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def estimates_table(estimates: pd.DataFrame) -> pd.DataFrame:
    """The fit's estimates for people, 3 significant digits with their unit: the estimate, the model in force's
    value, the 95 % interval, identified, note."""
    rows = []
    for name, row in estimates.iterrows():
        unit = str(row.get("unit", "×"))

        def shown(value: float, unit: str = unit) -> str:
            return f"×{value:.3g}" if unit == "×" else f"{value:.3g} {unit}".strip()

        top = shown(row.high) if row.identified else f"{shown(row.high)} (search bound)"
        rows.append(
            {
                "parameter": name,
                "estimate": shown(row.estimate),
                "model in force": shown(row.get("calibrated", 1.0)),
                "95 % interval": f"{shown(row.low)} – {top}",
                "identified": "yes" if row.identified else "no",
                "note": row.note,
            }
        )
    return pd.DataFrame(rows).set_index("parameter")


def support_table(support: pd.DataFrame) -> pd.DataFrame:
    """``NoiseFit.support`` for people: per family, its kind, the verdict, the held-out gain in nats (1 decimal)."""
    return pd.DataFrame(
        {
            "kind": support["kind"],
            "verdict": support["status"],
            "held-out gain": support["held-out gain (nats)"].map(lambda v: "—" if np.isnan(v) else f"{v:+.1f} nats"),
            "parameters": support["parameters"],
            "not identifiable": support["not identifiable"],
        }
    )


def precision_table(precision: pd.DataFrame) -> pd.DataFrame:
    """``FitPlan.precision`` for people: ± one standard error in the parameter's unit (2 significant digits), or
    'not identifiable'."""

    def shown(row: pd.Series) -> str:
        if not row.identified:
            return "not identifiable from these circuits"
        unit = {"×": " (factor)", "": ""}.get(row.unit, f" {row.unit}")
        return f"±{row.standard_error:.2g}{unit}"

    return pd.DataFrame({"standard error": [shown(row) for _name, row in precision.iterrows()]}, index=precision.index)


def summary_table(fitted: pd.DataFrame, calibrated: pd.DataFrame) -> pd.DataFrame:
    """Per circuit: shots, TVD of the counts to the model in force, the fitted model and the ideal, in %; the
    p-value of the fitted model on that circuit alone (its factors were fitted to all circuits together)."""
    return pd.DataFrame(
        {
            "shots": fitted["shots"],
            "TVD to model in force": (calibrated["tvd_model"] * 100).map("{:.3g} %".format),
            "TVD to fitted model": (fitted["tvd_model"] * 100).map("{:.3g} %".format),
            "TVD to ideal": (fitted["tvd_ideal"] * 100).map("{:.3g} %".format),
            "p, fitted model (this circuit)": fitted["p_value"].map(lambda p: "—" if np.isnan(p) else f"{p:.3g}"),
        }
    )
