"""Couplers whose two-qubit gate has no reported error: warned about when used, avoidable, drawn dashed."""

from __future__ import annotations

import json
import math
from functools import cache

import numpy as np
import pytest

from components.figures import device_map
from components.logic.map_geometry import qubit_positions
from components.views.sharing import _link_settings
from components.work.jobs import restore_session
from noise_core import (
    BackendCalibration,
    NoiseSpec,
    derive_noise_spec,
    load_calibration,
    load_session,
    save_session,
    simulate,
)
from noise_core.analysis.experiment import prepare_experiment
from noise_core.calibration import coupling_edges, qubit_metrics
from noise_core.simulation import build_target, plan_simulation
from noise_core.simulation.circuits import ghz
from noise_core.simulation.options import RunOptions
from noise_core.simulation.result import SimulationResult
from presets import SNAPSHOT_DIR

UNREPORTED = ((5, 6), (6, 7))
"""Couplers of ibm_fez (row 0: qubits 0-15) whose cz errors the tests remove."""


def fez_without_cz_errors(pairs: tuple[tuple[int, int], ...], *, value: float | None = None) -> dict:
    """ibm_fez's document with the cz gate_error of ``pairs`` (both directions) removed, or set to ``value``."""
    document = json.loads((SNAPSHOT_DIR / "ibm_fez.json").read_text(encoding="utf-8"))
    for entry in document["gates"]:
        if entry["gate"] == "cz" and tuple(sorted(entry["qubits"])) in pairs:
            kept = [p for p in entry["parameters"] if p["name"] != "gate_error"]
            if value is not None:
                kept.append({"date": kept[0]["date"], "name": "gate_error", "unit": "", "value": value})
            entry["parameters"] = kept
    return document


@cache
def device(pairs: tuple[tuple[int, int], ...] = UNREPORTED) -> tuple[BackendCalibration, NoiseSpec]:
    calibration = load_calibration(fez_without_cz_errors(pairs))
    return calibration, derive_noise_spec(calibration)


def couplers_used(result: SimulationResult) -> set[tuple[int, int]]:
    index = {bit: position for position, bit in enumerate(result.transpiled.qubits)}
    return {
        (min(index[q] for q in item.qubits), max(index[q] for q in item.qubits))
        for item in result.transpiled.data
        if len(item.qubits) == 2 and item.operation.name != "barrier"
    }


def test_a_circuit_on_couplers_without_a_reported_error_names_them_and_what_to_do() -> None:
    calibration, spec = device()
    result = simulate(ghz(3), spec, calibration=calibration, seed=7, shots=100, initial_layout=[5, 6, 7])
    assert couplers_used(result) == set(UNREPORTED)
    [warning] = [w for w in result.warnings if "no reported" in w]
    assert "cz on 5–6" in warning and "cz on 6–7" in warning
    assert "relaxation only, so they look better than the device" in warning
    assert "avoid_uncalibrated_couplers=True" in warning


def test_a_run_that_uses_none_of_them_says_nothing_about_them() -> None:
    calibration, spec = device()
    result = simulate(ghz(3), spec, calibration=calibration, seed=7, shots=100, initial_layout=[0, 1, 2])
    assert not [w for w in result.warnings if "reported" in w and "broken" not in w]


def test_a_free_layout_does_not_seek_them_and_avoiding_them_keeps_them_out_and_says_so() -> None:
    """Qiskit's layout scoring reads a missing error as 0: without a score of their own they drew a free GHZ(3)
    onto exactly these couplers. Scored as the median cz, the free layout is where it is with the errors reported."""
    calibration, spec = device()
    drawn = simulate(ghz(3), spec, calibration=calibration, seed=7, shots=100)
    reported = load_calibration(fez_without_cz_errors(()))
    as_reported = simulate(ghz(3), derive_noise_spec(reported), calibration=reported, seed=7, shots=100)
    assert drawn.active_qubits == as_reported.active_qubits and not couplers_used(drawn) & set(UNREPORTED)
    pinned = simulate(ghz(3), spec, calibration=calibration, seed=7, shots=100, initial_layout=[4, 5, 6])
    assert couplers_used(pinned) & set(UNREPORTED)
    avoided = simulate(ghz(6), spec, calibration=calibration, seed=7, shots=100, avoid_uncalibrated_couplers=True)
    assert not couplers_used(avoided) & set(UNREPORTED)
    [note] = [w for w in avoided.warnings if "without a reported gate_error" in w]
    assert "4 entries" in note and "cz on [5, 6]" in note and "avoid_uncalibrated_couplers=True" in note
    plan = plan_simulation(ghz(6), spec, calibration=calibration, seed=7, avoid_uncalibrated_couplers=True)
    assert plan.active_qubits == avoided.active_qubits


def test_a_pinned_layout_is_routed_around_an_avoided_coupler() -> None:
    calibration, spec = device(((5, 6),))
    result = simulate(
        ghz(3), spec, calibration=calibration, seed=7, shots=100, initial_layout=[5, 6, 7],
        avoid_uncalibrated_couplers=True,
    )  # fmt: skip
    assert result.initial_layout == (5, 6, 7)
    assert (5, 6) not in couplers_used(result)
    assert not [w for w in result.warnings if "no reported" in w]


def test_budgets_and_sweeps_place_the_circuit_as_simulate_does() -> None:
    calibration, spec = device()
    experiment = prepare_experiment(ghz(3), spec, calibration=calibration, seed=7, avoid_uncalibrated_couplers=True)
    avoided = simulate(ghz(3), spec, calibration=calibration, seed=7, shots=10, avoid_uncalibrated_couplers=True)
    assert experiment.placed.active_qubits == avoided.active_qubits


@pytest.mark.parametrize("value", [None, math.nan, -0.01], ids=["missing", "nan", "negative"])
def test_a_missing_or_invalid_error_is_scored_as_the_median_coupler_and_avoidable(value: float | None) -> None:
    calibration = load_calibration(fez_without_cz_errors(((5, 6),), value=value))
    target = build_target(calibration).target
    reported = [p.error for q, p in target["cz"].items() if q not in ((5, 6), (6, 5))]
    assert target["cz"][(5, 6)].error == pytest.approx(np.median(reported)) and target["cz"][(5, 6)].duration > 0
    avoiding = build_target(calibration, avoid_uncalibrated_couplers=True)
    assert (5, 6) not in avoiding.target["cz"] and (4, 5) in avoiding.target["cz"]
    assert {entry.qubits for entry in avoiding.left_out if "reported gate_error" in entry.reason} == {(5, 6), (6, 5)}


@pytest.mark.parametrize("value", [math.nan, -0.01], ids=["nan", "negative"])
def test_coupling_edges_mark_an_invalid_error_as_not_reported(value: float) -> None:
    """The derivation treats an invalid gate_error as missing (a finding says so): the map and the Target too."""
    edges = coupling_edges(load_calibration(fez_without_cz_errors(((5, 6),), value=value)))
    assert edges.set_index(["q0", "q1"])["gate_error"].isna().to_dict()[(5, 6)]
    assert edges["gate_error"].isna().sum() == 1


def test_the_map_draws_couplers_without_an_error_dashed_and_counts_what_it_draws() -> None:
    calibration, _spec = device()
    edges = coupling_edges(calibration)
    figure = device_map.build_device_map_figure(
        qubit_positions(calibration, edges), edges, qubit_metrics(calibration), "T1 (µs)"
    )
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    drawn = sum(len([x for x in trace.x if x is not None]) // 2 for trace in lines)
    [dashed] = [trace for trace in lines if trace.line.dash == "dash"]
    assert drawn == len(edges) == 176
    assert len([x for x in dashed.x if x is not None]) // 2 == 2
    assert dashed.name == "2q gate: no reported error"
    hover = next(trace for trace in figure.data if trace.name == "couplers").hovertext
    assert sum("no reported error" in text for text in hover) == 2
    assert device_map.coupler_summary(edges) == "176 couplers (2 without a reported error, dashed)"


def test_a_session_bundle_carries_the_choice_and_reproduces_the_avoiding_run() -> None:
    calibration, spec = device()
    document = json.dumps(fez_without_cz_errors(UNREPORTED))
    text = save_session(
        calibration=calibration, spec=spec, circuit="ghz:3", shots=100, seed=7, snapshot=document,
        filename="fez.json", avoid_uncalibrated_couplers=True,
    )  # fmt: skip
    session = load_session(text)
    assert session.bundle.run.avoid_uncalibrated_couplers is True
    assert not couplers_used(session.simulate()) & set(UNREPORTED)
    assert restore_session(text.encode()).settings.avoid_uncalibrated_couplers is True
    older = json.loads(text)
    del older["run"]["avoid_uncalibrated_couplers"]  # saved before the option: it ran with them
    assert load_session(json.dumps(older)).bundle.run.avoid_uncalibrated_couplers is False


def test_a_link_carries_the_choice_checked_like_the_others() -> None:
    settings = RunOptions(shots=100, seed=7, method="auto")
    chosen, problems = _link_settings({"avoid_uncalibrated": "1"}, settings)
    assert chosen.avoid_uncalibrated_couplers is True and not problems
    kept, problems = _link_settings({"avoid_uncalibrated": "yes"}, settings)
    assert kept == settings
    assert problems == ["The link's avoid_uncalibrated 'yes' was not used: it must be 0 or 1."]
