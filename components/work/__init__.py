"""Worker requests and jobs: the values the server sends to its worker processes and gets back, the jobs the
workers run, and the limits a worker plans under. Worker processes import these modules, so they import
neither streamlit nor plotly, and nothing in ``components`` beyond ``components.logic`` (``tests/test_project.py``)."""
