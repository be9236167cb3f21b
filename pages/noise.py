"""Noise model: derive from the device, edit channels in validated tables, and see the result change beside them."""

import streamlit as st

from components.runtime.session import workbench
from components.views.live_result import HistogramOptions, live_result, render_histogram, render_metrics
from components.views.noise_changes import render_changes
from components.views.noise_derive import render_derive_form
from components.views.noise_entry_form import render_entry_form
from components.views.noise_tables import apply_pending_edits, render_editors, render_origin, render_start_buttons

st.title("Noise model")


@st.fragment
def edit_and_see() -> None:
    """Derive form, editors and the live result: an edit reruns only this, the result beside it redraws, and the
    derive form knows what a new derivation would replace."""
    apply_pending_edits()
    with st.expander("Derive from the device (Aer from_backend options)", expanded=False):
        render_derive_form()
    render_start_buttons()
    render_origin()
    editors, result = st.columns([3, 2], gap="medium")
    with result:  # drawn first: the browser gets the new metrics before the editors are rebuilt
        bench = workbench()
        st.markdown(f"**Live result: {bench.circuit.label}**")
        st.caption(
            f"{bench.settings.shots:,} shots, seed {bench.settings.seed}, method {bench.settings.method}; "
            "choose the circuit on the Simulate page."
        )
        shown = live_result(key="noise")
        if shown is not None:
            render_metrics(shown, per_row=2)
            render_histogram(shown, key="noise", options=HistogramOptions(top=8))
    with editors:
        render_editors()
        with st.expander("Edit one entry in a form", expanded=True):
            render_entry_form()
    with st.expander("Changes from the derived model", expanded=True):
        render_changes()


edit_and_see()
