"""Fit: measured counts against the model in force, and the factors that make the model explain them."""

import streamlit as st

from components.runtime.session import current_device
from components.views import fit as view

st.title("Fit")
st.caption(
    f"How well does the model of {current_device().calibration.backend_name} explain what the device returned? "
    "Run the planned circuits on the device, upload their counts, and fit the model's factors to them."
)
with st.expander("1 · Circuits to run on the device", expanded=True):
    view.render_plan()
st.subheader("2 · Measured counts")
accepted = view.measured_counts()
if accepted is None:
    st.info("Upload counts to compare them with the model (or make example counts above).", icon=":material/info:")
else:
    st.subheader("3 · Fit")
    fit = view.fit_of(accepted, view.parameter_choice())
    if fit is not None:
        view.render_fit(fit)
        view.render_circuits(fit)
