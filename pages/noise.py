"""Noise model: derive from the device, edit channels in validated tables, see what you changed."""

import streamlit as st

from components.noise_editor import (
    apply_pending_edits,
    render_changes,
    render_derive_form,
    render_editors,
    render_entry_form,
    render_start_buttons,
)
from components.session import current_device, noise_state

st.title("Noise model")
device = current_device()
apply_pending_edits()
state = noise_state()
origin = "derived from" if state.spec is state.derived else "edited, based on"
st.caption(
    f"Device: {device.calibration.backend_name} ({device.source}). The model in force is {origin} "
    f"{'the device' if state.derived is not None else 'nothing (built by hand)'}; simulations use it."
)
with st.expander("Derive from the device (Aer from_backend options)", expanded=False):
    render_derive_form()
render_start_buttons()
render_editors()
with st.expander("Edit one entry in a form", expanded=True):
    render_entry_form()
with st.expander("Changes from the derived model", expanded=True):
    render_changes()
