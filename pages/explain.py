"""Explain: which noise costs the result most, where on the device, and how the result moves with the noise."""

import streamlit as st

from components.runtime.session import current_device, workbench
from components.views import explain as view
from components.views.live_result import HistogramOptions, live_result, render_histogram, render_metrics

st.title("Explain")
bench = workbench()
st.caption(
    f"{bench.circuit.label} on {current_device().calibration.backend_name}, under the model in force scaled by the "
    "factors below (the model itself is unchanged). Choose the circuit and settings on the Simulate page."
)


@st.fragment
def explain_panel() -> None:
    """Sliders, the live result, and the explanations of that result: a slider move reruns only this."""
    what_if = view.what_if_sliders()
    shown = live_result(what_if, key="explain")
    if shown is None:
        st.info("Choose a valid circuit on the Simulate page to explain its result.", icon=":material/info:")
        return
    result_column, budget_column = st.columns([2, 3], gap="medium")
    with result_column:
        render_metrics(shown, per_row=2)
        render_histogram(shown, key="explain", options=HistogramOptions(top=8))
    tabs = st.tabs(["Where on the device", "Sweep a factor"], key="explain_tabs", on_change="rerun")
    with budget_column:
        metric = view.metric_choice(shown)
        budget = view.budget_of(shown, metric)
        if budget is not None:
            view.render_budget(budget)
    if tabs[0].open and budget is not None:
        with tabs[0]:
            view.render_locations(budget)
    if tabs[1].open:
        with tabs[1]:
            view.render_sweep(shown)


explain_panel()
