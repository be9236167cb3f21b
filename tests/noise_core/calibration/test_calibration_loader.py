"""load_calibration over every real snapshot and over malformed documents."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from qiskit_ibm_runtime.models import BackendProperties

from noise_core import BackendCalibration, CalibrationError, PropertyNotFoundError, load_calibration
from noise_core.spec.units import SECONDS_PER_TIME_UNIT, nanoseconds
from tests.conftest import REAL_SNAPSHOTS, nduv


def test_real_snapshots_are_all_found() -> None:
    assert len(REAL_SNAPSHOTS) >= 60  # qiskit-ibm-runtime 0.51 ships 69, 1 to 156 qubits


@pytest.mark.parametrize("path", REAL_SNAPSHOTS, ids=lambda path: path.stem)
def test_real_snapshot_values_match_qiskit_backend_properties(path: Path) -> None:
    """Every accessor agrees with qiskit-ibm-runtime's own BackendProperties (SI units)."""
    raw = json.loads(path.read_text())
    ours = load_calibration(path)
    theirs = BackendProperties.from_dict(raw)
    assert ours.num_qubits == len(raw["qubits"])
    assert ours.backend_name == raw["backend_name"]
    for qubit, records in enumerate(raw["qubits"]):
        for record in records:
            value, date = ours.qubit_property(qubit, record["name"])
            assert value == pytest.approx(theirs.qubit_property(qubit, record["name"])[0], rel=1e-12)
            assert date == datetime.fromisoformat(record["date"])
    for entry in raw["gates"]:
        for record in entry["parameters"]:
            ours_value = ours.gate_property(entry["gate"], entry["qubits"], record["name"])[0]
            theirs_value = theirs.gate_property(entry["gate"], entry["qubits"], record["name"])[0]
            assert ours_value == pytest.approx(theirs_value, rel=1e-12)


@pytest.mark.parametrize("path", REAL_SNAPSHOTS, ids=lambda path: path.stem)
def test_real_snapshot_round_trips_through_to_dict(path: Path) -> None:
    raw = json.loads(path.read_text())
    calibration = load_calibration(path)
    exported = calibration.to_dict()
    assert BackendCalibration.from_dict(exported) == calibration
    assert _with_parsed_dates(exported) == _with_parsed_dates(raw)


def _with_parsed_dates(value: Any) -> Any:
    """Dates compare as instants: '+00:00' and 'Z' are the same moment."""
    if isinstance(value, dict):
        return {
            key: datetime.fromisoformat(item) if key in {"date", "last_update_date"} else _with_parsed_dates(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_with_parsed_dates(item) for item in value]
    return value


def test_accessors_return_si_units(snapshot: dict[str, Any]) -> None:
    calibration = load_calibration(snapshot)
    assert calibration.t1(0) == pytest.approx(100e-6)
    assert calibration.t2(1) == pytest.approx(80e-6)
    assert calibration.frequency(0) == pytest.approx(5e9)
    assert calibration.readout_error(0) == 0.02
    assert calibration.readout_length(0) == pytest.approx(800e-9)
    assert calibration.gate_error("cx", [0, 1]) == 0.01
    assert calibration.gate_length("sx", 0) == pytest.approx(35.5e-9)
    assert calibration.gate_property("cx", (0, 1)) == {
        "gate_error": (0.01, datetime.fromisoformat(snapshot["last_update_date"])),
        "gate_length": (pytest.approx(300e-9), datetime.fromisoformat(snapshot["last_update_date"])),
    }
    assert set(calibration.gate_property("sx")) == {(0,), (1,)}
    assert calibration.qubit_value(0, "anharmonicity") is None


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda cal: cal.t1(2), r"fake_two has qubits 0..1; qubit 2 does not exist"),
        (lambda cal: cal.qubit_property(0, "anharmonicity"), r"qubit 0 has no 'anharmonicity' property"),
        (lambda cal: cal.gate_error("ecr", [0, 1]), r"no gate 'ecr' in the snapshot"),
        (lambda cal: cal.gate_error("cx", [1, 0]), r"no 'cx' on qubits \[1, 0\]"),
        (lambda cal: cal.gate_property("cx", name="gate_error"), r"needs qubits as well"),
    ],
)
def test_missing_properties_raise_a_named_error(snapshot: dict[str, Any], call: Any, expected: str) -> None:
    calibration = load_calibration(snapshot)
    with pytest.raises(PropertyNotFoundError, match=expected):
        call(calibration)


def test_every_source_kind_gives_the_same_calibration(snapshot: dict[str, Any], tmp_path: Path) -> None:
    text = json.dumps(snapshot)
    file = tmp_path / "props.json"
    file.write_text(text)
    expected = load_calibration(snapshot)
    for source in (text, text.encode(), file, str(file)):
        assert load_calibration(source) == expected


@pytest.mark.parametrize(
    ("unit", "value", "seconds"),
    [("s", 1e-4, 1e-4), ("ms", 0.1, 1e-4), ("us", 100, 1e-4), ("µs", 100, 1e-4), ("μs", 100, 1e-4), ("ns", 1e5, 1e-4)],
)
def test_time_units_convert_through_the_table(
    snapshot: dict[str, Any], unit: str, value: float, seconds: float
) -> None:
    snapshot["qubits"][0][0] = nduv("T1", value, unit)
    assert load_calibration(snapshot).t1(0) == pytest.approx(seconds, rel=1e-12)


@pytest.mark.parametrize(("unit", "value"), [("Hz", 5e9), ("kHz", 5e6), ("MHz", 5e3), ("GHz", 5.0)])
def test_frequency_units_convert_through_the_table(snapshot: dict[str, Any], unit: str, value: float) -> None:
    snapshot["qubits"][0][2] = nduv("frequency", value, unit)
    assert load_calibration(snapshot).frequency(0) == pytest.approx(5e9, rel=1e-12)


def _broken(change: Any) -> Any:
    """A malformed document: the minimal snapshot with ``change`` applied, or ``change`` itself."""
    from tests.conftest import minimal_snapshot

    if not callable(change):
        return change
    data = minimal_snapshot()
    change(data)
    return data


MALFORMED = [
    ("not JSON", b"{'backend_name': 'x'}", r"not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
    ("truncated", b'{"backend_name": "x", "qubits": [', r"not valid JSON: .* at line 1"),
    ("empty bytes", b"", r"the document is empty"),
    ("blank text", "   \n", r"^the document is empty"),
    ("UTF-16 garbage", b"\xff\xfe\x00garbage", r"^not valid JSON: Expecting value at line 1, column 1"),
    ("not UTF-8", b"\x80\x81 props", r"^the document is not UTF-8 text"),
    ("a list", b"[1, 2, 3]", r"expected a JSON object with backend_name.*got a list"),
    ("a number", "42", r"no calibration file at '42'"),
    ("missing path", "/no/such/props.json", r"no calibration file at '/no/such/props.json'"),
    ("no qubits key", lambda d: d.pop("qubits"), r"qubits: Field required"),
    ("no backend name", lambda d: d.pop("backend_name"), r"backend_name: Field required"),
    ("empty qubits", lambda d: d.update(qubits=[]), r"qubits: List should have at least 1 item"),
    ("qubits not a list", lambda d: d.update(qubits={"0": []}), r"qubits: Input should be a valid list"),
    ("value is a string", lambda d: d["qubits"][1][0].update(value="100"), r"qubits\[1\]\[0\]\.value: Input should be a valid number; got '100'"),
    ("value is a bool", lambda d: d["qubits"][0][3].update(value=True), r"qubits\[0\]\[3\]\.value: Input should be a valid number; got True"),
    ("value missing", lambda d: d["qubits"][0][0].pop("value"), r"qubits\[0\]\[0\]\.value: Field required"),
    ("value null", lambda d: d["qubits"][0][0].update(value=None), r"qubits\[0\]\[0\]\.value: Input should be a valid number; got None"),
    ("bad date", lambda d: d.update(last_update_date="yesterday"), r"last_update_date: Input should be a valid datetime"),
    ("gate qubit out of range", lambda d: d["gates"][2].update(qubits=[0, 2]), r"gates\[2\] \(cx on \[0, 2\]\): qubit 2 is out of range; the snapshot has 2 qubits \(0..1\)"),
    ("negative gate qubit", lambda d: d["gates"][0].update(qubits=[-1]), r"gates\[0\]\.qubits\[0\]: Input should be greater than or equal to 0; got -1"),
    ("gate on no qubits", lambda d: d["gates"][0].update(qubits=[]), r"gates\[0\]\.qubits: List should have at least 1 item"),
    ("gate twice on a qubit", lambda d: d["gates"][2].update(qubits=[1, 1]), r"gates\[2\] \(cx on \[1, 1\]\): a gate cannot act twice on the same qubit"),
    ("unknown unit", lambda d: d["qubits"][0][0].update(unit="fortnights"), r"qubits\[0\]\[0\]: T1 has unknown unit 'fortnights'; known units: '', 's', 'ms'"),
    ("unit of wrong dimension", lambda d: d["qubits"][1][2].update(unit="ns"), r"qubits\[1\]\[2\]: frequency has unit 'ns', a time unit; expected a frequency unit"),
    ("gate length without unit", lambda d: d["gates"][0]["parameters"][1].update(unit=""), r"gates\[0\] \(sx on \[0\]\)\[1\]: gate_length has unit '', a dimensionless unit; expected a time unit"),
    ("gates not a list", lambda d: d.update(gates="cx"), r"gates: Input should be a valid list"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "document", "expected"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_documents_raise_calibration_error(case: str, document: Any, expected: str) -> None:
    with pytest.raises(CalibrationError, match=expected):
        load_calibration(_broken(document))


def test_calibration_error_is_a_value_error() -> None:
    assert issubclass(CalibrationError, ValueError)


def test_oversized_document_is_refused_before_parsing() -> None:
    with pytest.raises(
        CalibrationError, match=r"the document is 20.\d MB; the limit is 20.0 MB for a calibration snapshot"
    ):
        load_calibration(b" " * (20 * 1024 * 1024 + 1))


def test_nan_loads_and_is_kept(snapshot: dict[str, Any]) -> None:
    snapshot["qubits"][0][0]["value"] = math.nan
    assert math.isnan(load_calibration(snapshot).t1(0))


def test_extra_keys_are_kept_for_the_round_trip(snapshot: dict[str, Any]) -> None:
    snapshot["general_qlists"] = [{"name": "lf_2", "qubits": [0, 1]}]
    assert load_calibration(snapshot).to_dict()["general_qlists"] == [{"name": "lf_2", "qubits": [0, 1]}]


def test_duplicate_property_last_entry_wins_as_in_qiskit(snapshot: dict[str, Any]) -> None:
    snapshot["qubits"][0].append(nduv("T1", 50.0, "us"))
    assert load_calibration(snapshot).t1(0) == pytest.approx(50e-6)
    assert BackendProperties.from_dict(snapshot).t1(0) == pytest.approx(50e-6)


def test_time_unit_factors_are_the_decimal_literals() -> None:
    """Seconds are derived from the one nanosecond table; each factor must be the literal, not one ulp off."""
    assert SECONDS_PER_TIME_UNIT == {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ns": 1e-9}
    assert nanoseconds(400.0, "ns") == 400.0 and nanoseconds(0.2, "us") == 200.0
