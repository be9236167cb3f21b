"""Jobs: the error budgets, sweeps, fits and long runs this user submitted, running or done, whatever became
of their tabs."""

import streamlit as st

from components.views.jobs import render_jobs

st.title("Jobs")
render_jobs()
