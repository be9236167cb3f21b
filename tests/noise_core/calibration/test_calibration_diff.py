"""Comparing calibration snapshots: identities, a planted change found, devices of different sizes, the CLI."""

from __future__ import annotations

import copy
import json
from datetime import UTC, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from noise_core.calibration import BackendCalibration, load_calibration
from noise_core.calibration.diff import calibration_drift, compare_calibrations, coupler_drift, utc_time
from noise_core.cli import main
from noise_core.errors import CalibrationError
from presets import load_preset

SNAPSHOTS = Path(__file__).parents[3] / "presets" / "snapshots"


@cache
def preset(name: str) -> BackendCalibration:
    return load_preset(name)


def planted(name: str = "ibm_fez") -> tuple[BackendCalibration, dict[str, Any]]:
    """The preset with qubit 0's T1 halved and the first cz entry reported broken (gate_error = 1)."""
    document = copy.deepcopy(preset(name).to_dict())
    for record in document["qubits"][0]:
        if record["name"] == "T1":
            record["value"] /= 2
    cz = next(gate for gate in document["gates"] if gate["gate"] == "cz")
    for parameter in cz["parameters"]:
        if parameter["name"] == "gate_error":
            parameter["value"] = 1.0
    return BackendCalibration.from_dict(document), cz


def test_a_snapshot_against_itself_changes_nothing() -> None:
    diff = compare_calibrations(preset("ibm_fez"), preset("ibm_fez"))
    assert (diff.qubits["difference"].dropna() == 0).all()
    assert np.allclose(diff.qubits["ratio"].dropna(), 1.0)
    assert set(diff.gates["status"]) == {"unchanged"}
    assert diff.summary[["worse", "better"]].fillna(0).to_numpy().sum() == 0
    assert diff.notes == ()


def test_swapping_the_snapshots_negates_differences_and_swaps_statuses() -> None:
    forward = compare_calibrations(preset("ibm_fez"), preset("ibm_kingston"))
    backward = compare_calibrations(preset("ibm_kingston"), preset("ibm_fez"))
    pd.testing.assert_series_equal(forward.qubits["difference"], -backward.qubits["difference"], check_names=False)
    finite = np.isfinite(forward.qubits["ratio"]) & (forward.qubits["ratio"] > 0)
    assert np.allclose(forward.qubits["ratio"][finite], 1 / backward.qubits["ratio"][finite])
    swap = {"broken": "repaired", "repaired": "broken", "appeared": "disappeared", "disappeared": "appeared"}
    assert (
        forward.gates["status"].map(lambda s: swap.get(s, s)).equals(backward.gates["status"].loc[forward.gates.index])
    )
    assert (forward.summary["worse"].dropna() == backward.summary["better"].dropna()).all()


def test_a_planted_change_is_found_with_its_direction() -> None:
    after, cz = planted()
    diff = compare_calibrations(preset("ibm_fez"), after)
    t1 = diff.qubits.loc[(0, "T1 (µs)")]
    assert t1["ratio"] == pytest.approx(0.5) and t1["worse"] == 1.0 and t1["better"] == 0.0
    assert diff.summary.loc["T1 (µs)", "worse"] == 1
    key = ("cz", ",".join(map(str, cz["qubits"])))
    assert diff.gates.loc[key, "status"] == "broken"
    assert (diff.gates["status"] != "unchanged").sum() == 1
    assert diff.largest_changes(1).index[0] == (0, "T1 (µs)")


def test_the_threshold_decides_what_counts_as_worse() -> None:
    after, _ = planted()
    assert compare_calibrations(preset("ibm_fez"), after, threshold=1.5).summary.loc["T1 (µs)", "worse"] == 0
    with pytest.raises(CalibrationError, match="threshold must be a fraction ≥ 0"):
        compare_calibrations(preset("ibm_fez"), after, threshold=-0.1)


def test_devices_of_different_sizes_compare_what_they_share_and_say_so() -> None:
    diff = compare_calibrations(preset("ibm_algiers"), preset("ibm_fez"))
    assert diff.qubits.index.get_level_values("qubit").max() == 26
    assert any("ibm_algiers has 27 qubits and ibm_fez 156; qubits 0..26 are compared" in n for n in diff.notes)
    assert {"appeared", "disappeared"} <= set(diff.gates["status"])  # ecr on algiers, cz on fez


def test_frequency_and_lengths_have_no_direction() -> None:
    diff = compare_calibrations(preset("ibm_algiers"), preset("ibm_sherbrooke"))
    frequency = diff.qubits.xs("frequency (GHz)", level="metric")
    assert frequency["worse"].isna().all() and not frequency["difference"].isna().all()


def test_the_cli_prints_the_summary_and_the_broken_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    after, _ = planted()
    path = tmp_path / "after.json"
    path.write_text(json.dumps(after.to_dict()))
    assert main(["diff", str(SNAPSHOTS / "ibm_fez.json"), str(path)]) == 0
    printed = capsys.readouterr().out
    assert "T1 (µs)" in printed and "broken" in printed and "by error_change" in printed
    assert main(["diff", str(SNAPSHOTS / "ibm_fez.json"), str(path), "--json", "--top", "3"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["summary"]["T1 (µs)"]["worse"] == 1
    assert len(document["largest_changes"]) == 3
    assert document["gates_broken_or_repaired"][0]["status"] == "broken"


def test_the_cli_exits_1_with_a_message_on_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["diff", str(bad), str(SNAPSHOTS / "ibm_fez.json")]) == 1
    assert "error: not valid JSON" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "missing.json"), str(SNAPSHOTS / "ibm_fez.json")]) == 1
    assert "no calibration file at" in capsys.readouterr().err


def test_the_drift_table_holds_each_snapshot_in_time_order() -> None:
    snapshots = [preset("ibm_kingston"), preset("ibm_fez"), preset("ibm_pittsburgh")]
    drift = calibration_drift(snapshots)
    assert drift["date"].is_monotonic_increasing
    assert str(drift["date"].dt.tz) == "UTC"
    fez_t1 = drift[(drift["date"] == drift["date"].min()) & (drift["metric"] == "T1 (µs)")].set_index("qubit")["value"]
    assert fez_t1.loc[0] == pytest.approx(preset("ibm_fez").qubit_table().loc[0, "T1 (µs)"])
    assert len(drift["date"].unique()) == 3
    with pytest.raises(CalibrationError, match="at least one snapshot"):
        calibration_drift([])


CSV_FIXTURES = Path(__file__).parents[2] / "data" / "csv"


def test_convert_turns_an_ibm_csv_into_backendproperties_json(tmp_path: Path) -> None:
    source = CSV_FIXTURES / "ibm_fez_calibrations_2025-01-13T16_54_24Z.csv"
    output = tmp_path / "fez.json"
    assert main(["convert", str(source), "-o", str(output)]) == 0
    converted = BackendCalibration.from_dict(json.loads(output.read_text()))
    original = load_calibration(source)
    assert converted == original and converted.backend_name == "ibm_fez"
    assert compare_calibrations(original, converted).gates["status"].eq("unchanged").all()


def test_convert_writes_csv_that_reads_back_equal(tmp_path: Path) -> None:
    output = tmp_path / "ibm_fez_calibrations_2025-02-26T20_16_25Z.csv"
    assert main(["convert", str(SNAPSHOTS / "ibm_fez.json"), "--to", "csv", "-o", str(output)]) == 0
    back = load_calibration(output)
    diff = compare_calibrations(preset("ibm_fez"), back)
    assert (back.backend_name, back.last_update_date) == ("ibm_fez", preset("ibm_fez").last_update_date)
    assert diff.qubits[["before", "after"]].notna().all(axis=None) and (diff.qubits["difference"] == 0).all()
    changed = diff.gates[diff.gates["status"] != "unchanged"]
    assert set(changed.index.get_level_values("gate")) <= {"measure_2", "reset", "rzz"}  # no column for these


def test_a_value_falling_to_zero_is_the_largest_change_and_counted_worse() -> None:
    document = copy.deepcopy(preset("ibm_fez").to_dict())
    for record in document["qubits"][5]:
        if record["name"] == "T1":
            record["value"] = 0.0
    diff = compare_calibrations(preset("ibm_fez"), BackendCalibration.from_dict(document))
    assert diff.qubits.loc[(5, "T1 (µs)"), "worse"] == 1.0
    assert diff.largest_changes(1).index[0] == (5, "T1 (µs)")


def test_a_snapshot_without_gates_compares_without_failing() -> None:
    document = copy.deepcopy(preset("ibm_fez").to_dict())
    document["gates"] = []
    diff = compare_calibrations(BackendCalibration.from_dict(document), preset("ibm_fez"))
    assert set(diff.gates["status"]) == {"appeared"}
    assert diff.gates["error_ratio"].isna().all()


def test_drift_dates_are_utc_whatever_zone_the_snapshot_wrote() -> None:
    """fez writes −05:00; a copy six hours later written without a zone (read as UTC) comes after it."""
    document = copy.deepcopy(preset("ibm_fez").to_dict())
    fez_utc = preset("ibm_fez").last_update_date.astimezone(UTC)
    document["last_update_date"] = (fez_utc + timedelta(hours=6)).replace(tzinfo=None).isoformat()
    drift = calibration_drift([BackendCalibration.from_dict(document), preset("ibm_fez")])
    dates = list(dict.fromkeys(drift["date"]))
    assert dates == [pd.Timestamp(fez_utc), pd.Timestamp(fez_utc + timedelta(hours=6))]


def with_qubit_values(values: dict[tuple[int, str], float]) -> BackendCalibration:
    """ibm_fez with some qubit properties set: {(qubit, 'readout_error'): 0.172, ...}."""
    document = copy.deepcopy(preset("ibm_fez").to_dict())
    for (qubit, name), value in values.items():
        next(record for record in document["qubits"][qubit] if record["name"] == name)["value"] = value
    return BackendCalibration.from_dict(document)


def test_largest_changes_rank_by_the_error_a_circuit_meets_so_a_dead_qubit_and_a_readout_move_lead() -> None:
    """A ratio ranked 0.0017 → 0 (ratio 0) and 0 → 0.0498 (ratio ∞) above readout 0.172 → 0.005; a log-ratio with a
    median floor put a T1 fallen 40× below a readout error grown 3×. In error probability they order as they matter."""
    before = with_qubit_values({(113, "readout_error"): 0.172, (28, "prob_meas1_prep0"): 0.0017, (10, "T1"): 168.7})
    after = with_qubit_values(
        {(113, "readout_error"): 0.005, (28, "prob_meas1_prep0"): 0.0, (4, "prob_meas1_prep0"): 0.0498,
         (10, "T1"): 4.2, (20, "readout_error"): 0.0154}
    )  # fmt: skip
    diff = compare_calibrations(before, after)
    largest = diff.largest_changes(200)
    ranking = list(largest.index)
    assert ranking[:2] == [(10, "T1 (µs)"), (113, "readout_error")]
    assert ranking.index((4, "P(1|0)")) < ranking.index((28, "P(1|0)"))
    assert largest.loc[(10, "T1 (µs)"), "error_change"] == pytest.approx(np.exp(-1 / 168.7) - np.exp(-1 / 4.2))
    assert largest.loc[(113, "readout_error"), "error_change"] == pytest.approx(0.005 - 0.172)
    assert largest.loc[(4, "P(1|0)"), "error_change"] == pytest.approx(0.0498 - fez_value(4, "prob_meas1_prep0"))
    assert np.isfinite(largest.select_dtypes("number").fillna(0.0).to_numpy()).all()  # no ±inf to show
    assert largest.loc[(28, "P(1|0)"), "ratio"] == 0.0 and largest.loc[(28, "P(1|0)"), "error_change"] == -0.0017
    assert not largest.index.get_level_values("metric").isin(["frequency (GHz)", "readout_length (ns)"]).any()
    swapped = compare_calibrations(after, before).largest_changes(200)
    assert swapped.loc[(10, "T1 (µs)"), "error_change"] == pytest.approx(-largest.loc[(10, "T1 (µs)"), "error_change"])


def fez_value(qubit: int, name: str) -> float:
    return float(next(r["value"] for r in preset("ibm_fez").to_dict()["qubits"][qubit] if r["name"] == name))


def test_coupler_drift_holds_each_coupler_once_per_snapshot_in_time_order() -> None:
    drift = coupler_drift([preset("ibm_fez"), preset("ibm_kingston")])
    assert list(drift.columns) == ["date", "coupler", "metric", "value"]
    assert drift["date"].is_monotonic_increasing and str(drift["date"].dt.tz) == "UTC"
    assert {"cz error"} <= set(drift["metric"])
    fez = drift[(drift["date"] == utc_time(preset("ibm_fez").last_update_date)) & (drift["metric"] == "cz error")]
    assert fez["coupler"].is_unique  # cz on 72,73 and on 73,72 is one coupler
    assert fez.set_index("coupler").loc["72,73", "value"] == pytest.approx(preset("ibm_fez").gate_error("cz", [72, 73]))
    assert len(fez) == (preset("ibm_fez").gate_table()["gate"] == "cz").sum() // 2
    ecr = coupler_drift([preset("ibm_sherbrooke")])  # ecr lists one direction per coupler
    assert set(ecr["metric"]) == {"ecr error"}
    assert all(int(a) < int(b) for a, b in ecr["coupler"].str.split(","))
