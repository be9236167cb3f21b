"""Export: download the model in force in three formats; import a spec JSON back."""

import streamlit as st

from components.views.export import render_downloads, render_import

st.title("Export")
render_downloads()
st.divider()
render_import()
