"""Simulate: a circuit on the device under the noise model in force, with a live what-if; histogram, metrics, tabs."""

import streamlit as st

from components.runtime.session import ChosenCircuit, current_device, set_workbench
from components.views import simulate_inputs, simulate_tabs
from components.views.compare_simulation import render_device_comparison
from components.views.live_result import (
    histogram_options,
    live_result,
    previous_result,
    render_downloads,
    render_histogram,
    render_metrics,
)
from components.views.what_if import what_if_strip
from components.work.requests import WhatIf

st.title("Simulate")
st.caption(f"Device: {current_device().calibration.backend_name}. Edit the noise on the Noise model page.")
chosen = simulate_inputs.circuit_picker()
settings = simulate_inputs.settings()
if chosen is not None and settings is not None:
    set_workbench(chosen, settings)


@st.fragment
def result_panel(valid: bool) -> None:
    """What-if, result and tabs: a what-if or display change reruns only this."""
    what_if: WhatIf = what_if_strip()
    shown = live_result(what_if, key="sim") if valid else previous_result()
    if shown is None:
        st.info("Choose a valid circuit to see a result.", icon=":material/info:")
        return
    render_metrics(shown)
    render_histogram(shown, key="sim", options=histogram_options(shown.result))
    render_downloads(shown)
    parts = {
        "Plan and timings": lambda: simulate_tabs.render_details(shown.result),
        "Transpiled circuit": lambda: simulate_tabs.render_transpiled(shown),
        "Assignment matrices": lambda: simulate_tabs.render_assignment(shown),
        "Layout on the device": lambda: simulate_tabs.render_layout(shown),
        "Noise coverage": lambda: simulate_tabs.render_coverage(shown.result),
        "Schedule": lambda: simulate_tabs.render_schedule(shown),
        "Compare devices": lambda: render_device_comparison(shown),
    }
    for tab, render in zip(st.tabs(list(parts), key="sim_tabs", on_change="rerun"), parts.values(), strict=True):
        if tab.open:  # only the open tab's part runs (the assignment and comparison are simulations)
            with tab:
                render()


result_panel(isinstance(chosen, ChosenCircuit) and settings is not None)
