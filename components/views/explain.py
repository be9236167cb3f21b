"""The Explain page's parts: what-if sliders, the error budget (bars and map), and a sweep with its answer."""

from __future__ import annotations

from typing import cast

import numpy as np
import streamlit as st

from components.figures.explain import (
    FACTOR_LABELS,
    LOSS_LABELS,
    METRIC_LABELS,
    build_budget_figure,
    build_loss_map_figure,
    build_sweep_figure,
    percent,
)
from components.logic.wording import in_ui_terms
from components.runtime.background import JobFailed, JobPending
from components.runtime.cached import cached_budget, cached_device_map, cached_sweep
from components.runtime.session import ShownSimulation, current_device
from components.runtime.tasks import TaskStopped
from components.views.jobs import render_job_state
from components.views.what_if import WHAT_IF_FACTORS
from components.work.requests import WhatIf
from noise_core import ErrorBudget, NoiseStudioError, factor_reaching
from noise_core.analysis.budget import Metric
from noise_core.spec.factors import NoiseFactors

SLIDER_MAX = 4.0
SWEEP_POINTS = 21


def what_if_sliders() -> WhatIf:
    """Gate, readout, relaxation and idle factors on the model in force, for this page's result and explanations."""
    columns = st.columns(len(WHAT_IF_FACTORS))
    factors = {
        name: float(
            column.slider(
                label, 0.0, SLIDER_MAX, 1.0, 0.05, format="×%.2f", key=f"explain_{name}", persist_state="session",
                help=help_text,
            )
        )
        for column, (name, label, help_text) in zip(columns, WHAT_IF_FACTORS, strict=True)
    }  # fmt: skip
    return WhatIf(NoiseFactors.of(factors))


def metric_choice(shown: ShownSimulation) -> Metric:
    """Success (when the circuit has expected outcomes) or TVD: what the budget counts as loss."""
    has_success = shown.result.expected_outcomes is not None
    options: list[Metric] = ["success", "tvd"] if has_success else ["tvd"]
    chosen = st.segmented_control(
        "loss measured as", options, default=options[0], key=f"explain_metric_{has_success}",
        format_func=lambda option: LOSS_LABELS[option], persist_state="session",
        help="Success: ideal − noisy probability of the expected outcomes. TVD: distance between the distributions.",
    )  # fmt: skip
    return cast(Metric, chosen or options[0])


def budget_of(shown: ShownSimulation, metric: Metric) -> ErrorBudget | None:
    """The error budget of the result shown (computed in a worker), or None with the reason said."""
    label = f"Error budget ({LOSS_LABELS[metric]}) of {shown.label} on {shown.backend_name}"
    try:
        return cached_budget(
            shown.origin, shown.spec, shown.what_if, shown.request, shown.settings, metric, label=label
        )
    except (JobPending, JobFailed) as state:
        render_job_state(state, failed="No error budget")
        return None
    except (NoiseStudioError, TaskStopped) as error:
        st.error(f"No error budget: {in_ui_terms(error)}", icon=":material/error:")
        return None


APPROXIMATE_RUNS = {
    "twirled": "each run samples the model Pauli-twirled, as the Simulate page's plan tab states and measures",
    "matrix_product_state": "each run is a matrix-product state, truncated as the Simulate page's plan tab states",
}
"""What an approximate method (``noise_core.simulation.methods.APPROXIMATE_METHODS``) means for a budget or a sweep."""


def approximate_runs(method: str) -> str:
    """' Approximate: …' for a budget or sweep run with an approximate method, else ''."""
    return f" Approximate: {APPROXIMATE_RUNS[method]}." if method in APPROXIMATE_RUNS else ""


def render_budget(budget: ErrorBudget) -> None:
    """Bars by kind, what they mean, and the tables as CSV."""
    basis = "exact (density matrix)" if budget.exact else f"sampled, {budget.shots:,} shots each"
    st.caption(
        f"Total {LOSS_LABELS[budget.metric]}: **{percent(budget.total_loss)}**, {basis}; "
        f"{budget.simulations} simulations. "
        "*Removed*: what goes away when that kind alone is removed. *Alone*: the loss with only that kind. "
        "Kinds overlap, so neither sums to the total on its own; the interaction bar holds the rest."
        + approximate_runs(budget.method)
    )
    st.plotly_chart(build_budget_figure(budget.by_kind, budget.metric), key="explain_budget_chart", width="stretch")
    st.download_button(
        "Budget by kind (CSV)", budget.by_kind.to_csv(), file_name="noise-studio-budget-by-kind.csv",
        mime="text/csv", key="explain_budget_csv", icon=":material/download:", on_click="ignore",
    )  # fmt: skip


def render_locations(budget: ErrorBudget) -> None:
    """The map around the circuit coloured by each location's loss, the costliest named, and the table."""
    device = current_device()
    positions, edges, _metrics = cached_device_map(device.key, device.calibration)
    table = budget.by_location
    if table.empty:
        st.info("The circuit touches no qubit with noise.", icon=":material/info:")
        return
    column = budget.location_figure
    top = table.iloc[0]
    st.caption(
        f"Costliest: **{top['location']}** ({top['kind']}), {percent(top[column])} of {LOSS_LABELS[budget.metric]}. "
        "A qubit's noise is its readout, its one-qubit gates and its idle periods; a coupler's, its two-qubit gates. "
        + (
            "Loss: exact gain when that location's noise is removed. First order: the chance that a shot meets "
            "an error there and nowhere else (it counts every error as spoiling the shot)."
            if budget.exact
            else f"The result is sampled ({budget.method}: more than 11 active qubits, mid-circuit measurements or a "
            "sampled method chosen), so only first-order estimates are computed: the chance that a shot meets an "
            "error there and nowhere else."
        )
    )
    if budget.active_qubits and all(q in positions.index for q in budget.active_qubits):
        figure = build_loss_map_figure(positions, edges, table, column)
        st.plotly_chart(figure, key="explain_loss_map", width="stretch")
    in_points = table.drop(columns="qubits").assign(loss=table["loss"] * 100, first_order=table["first_order"] * 100)
    st.dataframe(
        in_points, key="explain_locations", hide_index=True, width="stretch",
        column_config={
            "loss": st.column_config.NumberColumn("loss (percentage points)", format="%.4f"),
            "first_order": st.column_config.NumberColumn("first order (percentage points)", format="%.4f"),
        },
    )  # fmt: skip
    st.download_button(
        "Loss by location (CSV)", table.to_csv(index=False), file_name="noise-studio-budget-by-location.csv",
        mime="text/csv", key="explain_locations_csv", icon=":material/download:", on_click="ignore",
    )  # fmt: skip


def render_sweep(shown: ShownSimulation) -> None:
    """One factor swept from 0, the others as the sliders set them; the factor at which a target is reached."""
    has_success = shown.result.expected_outcomes is not None
    columns = st.columns(4)
    kind = columns[0].selectbox(
        "factor", list(FACTOR_LABELS), key="explain_sweep_kind", format_func=lambda k: FACTOR_LABELS[k],
        persist_state="session",
    )  # fmt: skip
    top = columns[1].number_input(
        "up to ×", 0.1, 20.0, 3.0, 0.5, key="explain_sweep_max", persist_state="session",
        help="The sweep runs from 0 (that noise removed) to this factor",
    )  # fmt: skip
    metric = "success_probability" if has_success else "total_variation_distance"
    target = columns[2].number_input(
        f"target {METRIC_LABELS[metric]}", 0.0, 1.0, 0.9 if has_success else 0.05, 0.01, format="%.3f",
        key=f"explain_sweep_target_{metric}", persist_state="session",
    )  # fmt: skip
    points = int(columns[3].number_input("points", 3, 41, SWEEP_POINTS, key="explain_sweep_points"))
    values = tuple(float(value) for value in np.round(np.linspace(0.0, float(top), points), 10))
    label = f"Sweep of {FACTOR_LABELS[kind]} to ×{top:g} for {shown.label} on {shown.backend_name}"
    try:
        frame = cached_sweep(
            shown.origin, shown.spec, shown.what_if, shown.request, shown.settings, kind, values, label=label
        )
    except (JobPending, JobFailed) as state:
        render_job_state(state, failed="Not swept")
        return
    except (NoiseStudioError, TaskStopped) as error:
        st.error(f"Not swept: {in_ui_terms(error)}", icon=":material/error:")
        return
    current = shown.what_if.factors.as_dict()[kind]
    reached = factor_reaching(frame, factor=kind, target=float(target), metric=metric)
    answer = (
        f"{METRIC_LABELS[metric]} reaches {target:g} at {FACTOR_LABELS[kind]} **×{reached:.3g}**"
        if reached is not None
        else f"{METRIC_LABELS[metric]} does not reach {target:g} between ×0 and ×{top:g}"
    )
    st.markdown(answer + f" (now ×{current:g}; linear interpolation between the {points} points).")
    if approximate_runs(str(frame.attrs.get("method"))):
        st.caption(approximate_runs(str(frame.attrs["method"])).strip())
    figure = build_sweep_figure(frame, kind, metric, current=current, target=float(target), reached=reached)
    st.plotly_chart(figure, key="explain_sweep_chart", width="stretch")
    st.download_button(
        "Sweep (CSV)", frame.to_csv(index=False), file_name=f"noise-studio-sweep-{kind}.csv", mime="text/csv",
        key="explain_sweep_csv", icon=":material/download:", on_click="ignore",
    )  # fmt: skip
