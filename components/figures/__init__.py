"""Figures: plotly builders, pure functions of data (device maps, result histograms and heatmaps, the explain
and fit charts). They may import plotly and ``components.logic``, never streamlit (``tests/test_project.py``)."""
