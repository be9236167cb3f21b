"""The server's runtime: the worker pools, the cached calls into them, each session's state, the server's start
and its measured run speed. May import streamlit, ``components.work`` and ``components.logic``; never plotly,
figures or views (``tests/test_project.py``). Kept empty: ``app.py`` imports ``runtime.startup`` before
anything heavy."""
