"""The coverage table as the Simulate page shows it."""

from __future__ import annotations

import math

import pandas as pd

from components.views.simulate_tabs import coverage_for_people
from noise_core.simulation.coverage import COVERAGE_COLUMNS


def test_reported_errors_read_as_text_and_waits_and_zz_pairs_stay_blank() -> None:
    rows = [
        ["cz", "3,4", 2, "qubit-specific", "depolarizing", 1e-3, 2.5e-3, math.nan],
        ["sx", "3", 1, "qubit-specific", "depolarizing", 1e-4, math.nan, math.nan],
        ["delay", "3", 1, "idle", "idle relaxation", 1e-5, math.nan, 500.0],
        ["zz", "3,4", 1, "crosstalk", "ZZ crosstalk (Φ = 0.1 rad)", 1e-3, math.nan, 800.0],
    ]
    shown = coverage_for_people(pd.DataFrame(rows, columns=COVERAGE_COLUMNS))
    assert shown["reported_error"].tolist() == ["2.50e-03", "not reported", "", ""]
