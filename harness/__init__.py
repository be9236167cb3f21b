"""What the tests and the benchmarks share, and neither product code nor a test: Aer's own channels as an
independent reference (``aer_reference``), the shot-noise bound for comparing counts with an exact
distribution (``statistics``), the fit's coverage study (``fit_coverage``).

``tests/`` and ``bench/`` import from here; ``bench/`` imports nothing from ``tests/`` and nothing in
``noise_core``, ``components`` or ``pages`` imports this package (``tests/test_project.py``).
"""
