"""Findings: every suspicious value is reported with subject, value, rule and action; nothing is clamped."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any

import pytest

from noise_core import Finding, FindingKind, findings_table, load_calibration
from presets import load_preset
from tests.conftest import nduv


def test_clean_snapshot_has_no_findings(snapshot: dict[str, Any]) -> None:
    assert load_calibration(snapshot).findings == ()


def _only_finding(snapshot: dict[str, Any]) -> Any:
    findings = load_calibration(snapshot).findings
    assert len(findings) == 1, [finding.message for finding in findings]
    return findings[0]


def _set(snapshot: dict[str, Any], qubit: int, name: str, value: float) -> None:
    next(record for record in snapshot["qubits"][qubit] if record["name"] == name)["value"] = value


def _drop(snapshot: dict[str, Any], qubit: int, *names: str) -> None:
    snapshot["qubits"][qubit] = [record for record in snapshot["qubits"][qubit] if record["name"] not in names]


def test_t2_above_twice_t1_is_reported_and_kept(snapshot: dict[str, Any]) -> None:
    _set(snapshot, 1, "T2", 250.0)
    finding = _only_finding(snapshot)
    assert (finding.kind, finding.subject, finding.value) == (FindingKind.T2_ABOVE_LIMIT, "qubit 1", 250.0)
    assert finding.message == (
        "qubit 1: T2 (µs) = 250 breaks 'T2 ≤ 2·T1 = 200 µs'; the derivation caps T2 at 2·T1 = 200 µs, as Aer does"
    )
    assert load_calibration(snapshot).t2(1) == pytest.approx(250e-6)  # the loader never clamps


@pytest.mark.parametrize(
    ("gate_index", "error", "kind", "message"),
    [
        (2, 1.0, FindingKind.GATE_ERROR_ONE, r"^cx on \[0, 1\]: gate_error = 1 breaks 'gate_error < 1 .*d/\(d\+1\) = 0.8 "),
        (2, 0.85, FindingKind.GATE_ERROR_ABOVE_LIMIT, r"^cx on \[0, 1\]: gate_error = 0.85 breaks 'gate_error ≤ d/\(d\+1\) = 0.8'"),
        (0, 0.7, FindingKind.GATE_ERROR_ABOVE_LIMIT, r"^sx on \[0\]: gate_error = 0.7 breaks 'gate_error ≤ d/\(d\+1\) = 0.6667'"),
    ],
)  # fmt: skip
def test_gate_errors_at_or_above_the_depolarizing_limit(
    snapshot: dict[str, Any], gate_index: int, error: float, kind: FindingKind, message: str
) -> None:
    snapshot["gates"][gate_index]["parameters"][0]["value"] = error
    finding = _only_finding(snapshot)
    assert finding.kind == kind
    assert finding.gate == snapshot["gates"][gate_index]["gate"]
    assert finding.qubits == tuple(snapshot["gates"][gate_index]["qubits"])
    assert re.match(message, finding.message), finding.message


def test_gate_error_just_at_the_limit_is_fine(snapshot: dict[str, Any]) -> None:
    snapshot["gates"][2]["parameters"][0]["value"] = 0.8
    assert load_calibration(snapshot).findings == ()


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("T1",), [("T1", "no amplitude damping on this qubit (T1 taken as infinite)")]),
        (("T2",), [("T2", "T2 taken as 2·T1")]),
        (("T1", "T2"), [("T1", "no amplitude damping on this qubit (T1 taken as infinite)"),
                        ("T2", "no relaxation on this qubit")]),
        (("readout_error", "prob_meas0_prep1"), [("readout_error", "no readout error on this qubit")]),
        (("readout_error",), []),  # the asymmetric pair is enough for a readout matrix
    ],
)  # fmt: skip
def test_missing_qubit_data(snapshot: dict[str, Any], names: tuple[str, ...], expected: list[tuple[str, str]]) -> None:
    _drop(snapshot, 0, *names)
    findings = load_calibration(snapshot).findings
    assert [(f.property_name, f.action) for f in findings] == expected
    assert all(f.kind == FindingKind.MISSING_DATA and f.subject == "qubit 0" and f.value is None for f in findings)


def test_missing_gate_data_is_reported_for_unitary_gates_only(snapshot: dict[str, Any]) -> None:
    snapshot["gates"][2]["parameters"] = []
    snapshot["gates"].append({"qubits": [0], "gate": "reset", "parameters": [nduv("gate_length", 1000, "ns")]})
    findings = load_calibration(snapshot).findings
    assert [(f.subject, f.property_name) for f in findings] == [
        ("cx on [0, 1]", "gate_error"),
        ("cx on [0, 1]", "gate_length"),
    ]


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("T1", math.nan, "a number, not NaN"),
        ("T1", -5.0, "T1 > 0"),
        ("T2", 0.0, "T2 > 0"),
        ("frequency", -4.9, "frequency > 0"),
        ("readout_error", 1.2, "0 ≤ readout_error ≤ 1"),
        ("prob_meas1_prep0", -0.01, "0 ≤ prob_meas1_prep0 ≤ 1"),
        ("readout_length", -1.0, "readout_length ≥ 0"),
    ],
)
def test_invalid_values_are_reported(snapshot: dict[str, Any], name: str, value: float, rule: str) -> None:
    _set(snapshot, 0, name, value)
    invalid = [f for f in load_calibration(snapshot).findings if f.kind == FindingKind.INVALID_VALUE]
    assert [(f.subject, f.property_name, f.rule) for f in invalid] == [("qubit 0", name, rule)]
    assert invalid[0].action == "the derivation treats this property as missing"


def test_negative_anharmonicity_is_physical_not_a_finding(snapshot: dict[str, Any]) -> None:
    snapshot["qubits"][0].append(nduv("anharmonicity", -0.34, "GHz"))
    assert load_calibration(snapshot).findings == ()


def test_readout_no_better_than_chance(snapshot: dict[str, Any]) -> None:
    _set(snapshot, 1, "readout_error", 0.507)
    finding = _only_finding(snapshot)
    assert (finding.kind, finding.subject, finding.value) == (FindingKind.READOUT_AT_CHANCE, "qubit 1", 0.507)


def test_duplicates_are_reported_and_last_wins(snapshot: dict[str, Any]) -> None:
    snapshot["qubits"][0].append(nduv("T1", 90.0, "us"))
    snapshot["gates"].append(
        {"qubits": [0, 1], "gate": "cx", "parameters": [nduv("gate_error", 0.02), nduv("gate_length", 300, "ns")]}
    )
    snapshot["gates"][0]["parameters"].append(nduv("gate_error", 4e-4))
    findings = load_calibration(snapshot).findings
    assert [(f.kind, f.subject, f.property_name, f.value) for f in findings] == [
        (FindingKind.DUPLICATE_ENTRY, "qubit 0", "T1", 2.0),
        (FindingKind.DUPLICATE_ENTRY, "cx on [0, 1]", "gate entry", 2.0),
        (FindingKind.DUPLICATE_ENTRY, "sx on [0]", "gate_error", 2.0),
    ]
    assert load_calibration(snapshot).gate_error("cx", [0, 1]) == 0.02
    assert load_calibration(snapshot).gate_error("sx", [0]) == 4e-4


def test_non_operational_flag(snapshot: dict[str, Any]) -> None:
    snapshot["qubits"][1].append(nduv("operational", 0))
    finding = _only_finding(snapshot)
    assert (finding.kind, finding.subject) == (FindingKind.NOT_OPERATIONAL, "qubit 1")


@pytest.mark.parametrize(
    ("date", "kind", "days"),
    [
        ("2024-04-23T10:00:00+00:00", FindingKind.STALE_DATE, 8.0),
        ("2024-05-01T12:30:00+02:00", None, None),  # 10:30 UTC: 30 min after the snapshot date, tolerated
        ("2024-05-01T12:00:00+00:00", FindingKind.FUTURE_DATE, -2 / 24),
        ("2024-04-24T10:00:00", None, None),  # naive dates read as UTC: exactly 7 days old
    ],
)
def test_dates_far_from_the_snapshot_date(snapshot: dict[str, Any], date: str, kind: Any, days: Any) -> None:
    snapshot["qubits"][0][0]["date"] = date
    findings = load_calibration(snapshot).findings
    if kind is None:
        assert findings == ()
        return
    assert [(f.kind, f.subject, f.property_name) for f in findings] == [(kind, "qubit 0", "T1 age (days)")]
    assert findings[0].value == pytest.approx(days)
    assert findings[0].severity == "info"


def test_device_without_frequencies(snapshot: dict[str, Any]) -> None:
    _drop(snapshot, 0, "frequency")
    finding = _only_finding(snapshot)
    assert (finding.subject, finding.property_name, finding.value) == ("device", "frequency (qubits without)", 1.0)


def test_findings_in_the_real_torino_and_kingston_snapshots() -> None:
    torino = Counter(f.kind for f in load_preset("ibm_torino").findings)
    assert torino[FindingKind.GATE_ERROR_ONE] == 322
    kingston = load_preset("ibm_kingston").findings
    qubit_146 = {(f.kind, f.property_name) for f in kingston if f.subject == "qubit 146"}
    assert qubit_146 == {
        (FindingKind.MISSING_DATA, "T1"),
        (FindingKind.MISSING_DATA, "T2"),
        (FindingKind.READOUT_AT_CHANCE, "readout_error"),
    }


def test_findings_table_has_one_row_per_finding() -> None:
    findings = load_preset("ibm_torino").findings
    table = findings_table(findings)
    assert len(table) == len(findings)
    assert list(table.columns) == ["severity", "kind", "subject", "property", "value", "rule", "action"]


def test_a_finding_is_written_and_read_with_the_key_property(snapshot: dict[str, Any]) -> None:
    _drop(snapshot, 0, "frequency")
    finding = _only_finding(snapshot)
    document = json.loads(finding.model_dump_json())
    assert document["property"] == "frequency (qubits without)" and "property_name" not in document
    assert Finding.model_validate(document) == finding
