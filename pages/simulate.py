"""Simulate: a circuit on the device under the noise model in force, with a live what-if; histogram, metrics, tabs."""

import streamlit as st

from components import simulate_view as view
from components.compare_simulation import render_device_comparison
from components.jobs import WhatIf
from components.live_result import (
    histogram_options,
    live_result,
    previous_result,
    render_downloads,
    render_histogram,
    render_metrics,
)
from components.session import ChosenCircuit, current_device, set_workbench

st.title("Simulate")
st.caption(f"Device: {current_device().calibration.backend_name}. Edit the noise on the Noise model page.")
chosen = view.circuit_picker()
settings = view.settings()
if chosen is not None and settings is not None:
    set_workbench(chosen, settings)


@st.fragment
def result_panel(valid: bool) -> None:
    """What-if, result and tabs: a what-if or display change reruns only this."""
    what_if: WhatIf = view.what_if_strip()
    shown = live_result(what_if, key="sim") if valid else previous_result()
    if shown is None:
        st.info("Choose a valid circuit to see a result.", icon=":material/info:")
        return
    render_metrics(shown.result)
    render_histogram(shown, key="sim", options=histogram_options(shown.result))
    render_downloads(shown)
    tabs = st.tabs(
        ["Plan and timings", "Assignment matrices", "Layout on the device", "Noise coverage", "Schedule",
         "Compare devices"],
        key="sim_tabs",
        on_change="rerun",
    )  # fmt: skip
    if tabs[0].open:
        with tabs[0]:
            view.render_details(shown.result)
    if tabs[1].open:
        with tabs[1]:
            view.render_assignment(shown)
    if tabs[2].open:
        with tabs[2]:
            view.render_layout(shown)
    if tabs[3].open:
        with tabs[3]:
            view.render_coverage(shown.result)
    if tabs[4].open:
        with tabs[4]:
            view.render_schedule(shown)
    if tabs[5].open:
        with tabs[5]:
            render_device_comparison(shown)


result_panel(isinstance(chosen, ChosenCircuit) and settings is not None)
