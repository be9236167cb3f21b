"""The dashboard's parts, in five layers; each imports only the layers below it (``tests/test_project.py``).

- ``views``: the widgets of each page area (streamlit); the pages import them.
- ``runtime``: the server's worker pools, cached calls into them, session state, start (streamlit).
- ``figures``: plotly builders, pure functions of data (plotly, never streamlit).
- ``work``: what the worker processes receive, run and send back (neither streamlit nor plotly).
- ``logic``: pure logic: spec tables and cells, changes, map geometry, wording, the shared cache.

views → runtime, figures, work, logic; runtime → work, logic; figures → logic; work → logic.
"""
