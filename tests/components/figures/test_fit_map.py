"""The map of per-location estimates: colour is the change from the model in force, hover tells the values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from components.figures.fit_map import build_estimate_map_figure, change_of, fitted_families

POSITIONS = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 9.0], "y": [0.0, 0.0, 0.0, 0.0, 5.0]}, index=[0, 1, 2, 3, 4])
EDGES = pd.DataFrame({"q0": [0, 1, 2, 3], "q1": [1, 2, 3, 4]})


def estimates(rows: dict[str, tuple[float, float, float, float, str]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "low", "high", "calibrated", "unit"])
    return frame.rename_axis("factor")


FIT = estimates(
    {
        "detuning[1]": (20.0, 19.0, 21.0, 0.0, "kHz"),
        "detuning[2]": (-5.0, -6.0, -4.0, 0.0, "kHz"),
        "zz[1,2]": (50.0, 49.0, 51.0, 0.0, "kHz"),
        "gate[cz:1,2]": (2.0, 1.5, 2.5, 1.0, "×"),
        "zphase[cz:1,2@1]": (0.01, 0.0, 0.02, 0.0, "rad"),
        "zphase[cz:1,2@2]": (-0.03, -0.04, -0.02, 0.0, "rad"),
    }
)


def test_families_are_listed_in_the_order_the_fit_has_them() -> None:
    assert fitted_families(FIT) == ["detuning", "zz", "gate[cz]", "zphase[cz]"]
    assert fitted_families(estimates({"gate": (1.8, 1.7, 1.9, 1.0, "×")})) == []  # global factors have no place


def test_a_factor_moves_by_its_log2_and_a_value_by_its_difference() -> None:
    assert change_of(FIT.loc["gate[cz:1,2]"]) == pytest.approx(1.0)
    assert change_of(FIT.loc["detuning[2]"]) == pytest.approx(-5.0)
    assert change_of(estimates({"gate[sx:1]": (0.0, 0.0, 0.1, 1.0, "×")}).iloc[0]) == -math.inf


def test_fitted_qubits_are_coloured_by_their_change_and_the_others_are_grey() -> None:
    figure = build_estimate_map_figure(POSITIONS, EDGES, FIT, "detuning")
    grey, fitted = figure.data[1], figure.data[2]
    assert list(grey.text) == ["0", "3", "4"] and grey.marker.color == "#e4e4e4"
    assert list(fitted.text) == ["1", "2"] and list(fitted.marker.color) == [20.0, -5.0]
    assert (fitted.marker.cmin, fitted.marker.cmax) == (-20.0, 20.0)  # symmetric around no change
    assert fitted.hovertext[0] == "detuning[1]: 20 kHz<br>95 %: 19 – 21 kHz<br>calibrated: 0 kHz"
    assert list(figure.layout.xaxis.range) == [-0.5, 3.5]  # cut to the fitted qubits, qubit 4 left out


def test_a_coupler_family_draws_its_coupler_under_the_qubits_and_a_marker_over_them() -> None:
    figure = build_estimate_map_figure(POSITIONS, EDGES, FIT, "zz")
    segment, marker = figure.data[1], figure.data[-1]
    assert list(segment.x) == [1.0, 2.0] and segment.line.width == 6
    assert marker.marker.symbol == "diamond" and list(marker.x) == [1.5]
    assert marker.marker.showscale  # no qubit carries the colour bar
    assert marker.hovertext[0].startswith("zz[1,2]: 50 kHz")


def test_two_phases_on_one_qubit_are_both_in_its_hover_and_the_larger_change_colours_it() -> None:
    figure = build_estimate_map_figure(POSITIONS, EDGES, FIT, "zphase[cz]")
    fitted = figure.data[-1]
    assert list(fitted.marker.color) == [0.01, -0.03]
    figure = build_estimate_map_figure(POSITIONS, EDGES, FIT.drop(index="zphase[cz:1,2@2]"), "zphase[cz]")
    assert "zphase[cz:1,2@1]: 0.01 rad" in figure.data[-1].hovertext[0]
