"""Simulate: a circuit on the device under the noise model in force; histogram, metrics, heatmaps."""

import streamlit as st

from components import simulate_view as view
from components.session import current_device

st.title("Simulate")
st.caption(f"Device: {current_device().calibration.backend_name}. Change the noise on the Noise model page.")
chosen = view.circuit_picker()
shots, seed, method = view.settings()
result = view.run_or_show(chosen, shots, seed, method) if chosen is not None else view.previous_result()
if result is None:
    st.info("Choose a valid circuit to see a result.")
    st.stop()
view.render_metrics(result)
view.render_histogram(result, chosen.label if chosen is not None else "last circuit")
readout_tab, layout_tab, coverage_tab, timing_tab = st.tabs(
    ["Assignment matrices", "Layout on the device", "Noise coverage", "Timings"]
)
with readout_tab:
    view.render_assignment(result, shots, seed)
with layout_tab:
    view.render_layout(result)
with coverage_tab:
    view.render_coverage(result)
with timing_tab:
    view.render_details(result)
