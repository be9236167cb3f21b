"""Pure logic of the dashboard: spec tables and their cells, changes against the derived model, map geometry,
wording. Imports nothing else from ``components`` and neither streamlit nor plotly (``tests/test_project.py``)."""
