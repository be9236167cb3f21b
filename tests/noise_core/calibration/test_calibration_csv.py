"""IBM's calibration CSV: the four layouts, the file name's date, damage, and round trips with JSON.

The fixtures under ``tests/data/csv/`` are small files written for these tests in each layout's shape
(headers as IBM writes them): Eagle 2025 (kyiv), Heron r2 early 2025 (fez), Heron mid-2025 with RZZ
(marrakesh), 2026 (boston) and Nighthawk 2026 (miami).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from qiskit_ibm_runtime.models import BackendProperties

from noise_core import BackendCalibration, CalibrationError, FindingKind, load_calibration
from noise_core.calibration import (
    UNKNOWN_BACKEND,
    UNKNOWN_DATE,
    calibration_csv_name,
    calibration_from_csv,
    calibration_to_csv,
    looks_like_csv,
)
from presets import list_presets, load_preset
from tests.conftest import REAL_SNAPSHOTS

CSV_DIR = Path(__file__).parents[2] / "data" / "csv"
EAGLE = CSV_DIR / "ibm_kyiv_calibrations_2025-02-03T08_12_45Z.csv"
HERON_2025 = CSV_DIR / "ibm_fez_calibrations_2025-01-13T16_54_24Z.csv"
HERON_RZZ = CSV_DIR / "ibm_marrakesh_calibrations_2025-06-20T09_05_11Z.csv"
LAYOUT_2026 = CSV_DIR / "ibm_boston_calibrations_2026-01-20T11_30_00Z.csv"
NIGHTHAWK = CSV_DIR / "ibm_miami_calibrations_2026-03-02T07_45_59Z.csv"
HEADER_2026 = (
    '"Qubit","T1 (us)","T2 (us)","Readout assignment error","Prob meas0 prep1","Prob meas1 prep0",'
    '"Readout length (ns)","ID error","Single-qubit gate length (ns)","RX error","Z-axis rotation (rz) error",'
    '"√x (sx) error","Pauli-X error","CZ error","Gate length (ns)","RZZ error","MEASURE error","Operational"'
)


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def findings_of(calibration: BackendCalibration, kind: FindingKind) -> list[Any]:
    return [finding for finding in calibration.findings if finding.kind is kind]


# --- the four layouts --------------------------------------------------------------------------


def test_eagle_2025_quoted_headers_with_trailing_spaces_and_one_direction_ecr() -> None:
    calibration = load_calibration(EAGLE)
    assert (calibration.backend_name, calibration.num_qubits) == ("ibm_kyiv", 4)
    assert calibration.last_update_date == datetime(2025, 2, 3, 8, 12, 45, tzinfo=UTC)
    assert calibration.t1(0) == pytest.approx(245.7e-6, rel=1e-12)
    assert calibration.frequency(1) == pytest.approx(4.8350e9, rel=1e-12)
    assert calibration.qubit_value(2, "anharmonicity") == pytest.approx(-0.3121e9, rel=1e-12)
    assert calibration.readout_error(0) == 0.0142  # "Readout assignment error " (trailing space) is recognised
    assert calibration.qubit_value(0, "prob_meas0_prep1") == 0.0188
    assert set(calibration.gate_property("ecr")) == {(0, 1), (2, 1), (2, 3)}  # as written, one direction
    assert calibration.gate_error("ecr", (2, 1)) == 0.00731
    assert calibration.gate_length("ecr", (2, 1)) == pytest.approx(533.333e-9, rel=1e-12)
    assert calibration.gate_value("sx", (0,), "gate_length") is None  # 2025 files give no 1-qubit length
    assert calibration.gate_length("rz", 0) == 0.0  # virtual
    (not_operational,) = findings_of(calibration, FindingKind.NOT_OPERATIONAL)
    assert not_operational.subject == "qubit 3"


def test_heron_2025_both_directions_broken_edges_and_missing_frequency() -> None:
    calibration = load_calibration(HERON_2025)
    assert (calibration.backend_name, calibration.last_update_date) == (
        "ibm_fez",
        datetime(2025, 1, 13, 16, 54, 24, tzinfo=UTC),
    )
    assert set(calibration.gate_property("cz")) == {(0, 1), (1, 2), (1, 0), (2, 1), (2, 3), (3, 2)}
    assert calibration.gate_error("cz", (1, 0)) == 0.00937
    assert calibration.gate_length("cz", (1, 0)) == pytest.approx(68e-9)
    assert calibration.qubit_value(0, "frequency") is None  # empty cells are missing, not zero
    assert calibration.qubit_value(0, "anharmonicity") is None
    broken = findings_of(calibration, FindingKind.GATE_ERROR_ONE)  # checks.py's rule, reported once per gate
    assert sorted(finding.subject for finding in broken) == ["cz on [1, 2]", "cz on [2, 1]"]
    assert [finding.subject for finding in findings_of(calibration, FindingKind.NOT_OPERATIONAL)] == ["qubit 2"]
    assert calibration.qubit_value(0, "operational") == 1.0


def test_heron_mid_2025_rzz_errors_have_no_length_and_the_lengths_are_cz_s() -> None:
    calibration = load_calibration(HERON_RZZ)
    assert calibration.gate_error("rzz", (1, 2)) == 0.00287
    assert calibration.gate_value("rzz", (1, 2), "gate_length") is None
    assert calibration.gate_length("cz", (1, 2)) == pytest.approx(84e-9)


def test_2026_partner_only_cells_single_qubit_length_and_measure() -> None:
    calibration = load_calibration(LAYOUT_2026)
    assert set(calibration.gate_property("cz")) == {(0, 1), (1, 2), (1, 0), (2, 1), (2, 3), (3, 2)}
    assert calibration.gate_error("cz", (1, 2)) == 0.00099  # '2:0.00099' on qubit 1's row
    assert calibration.gate_error("cz", (1, 0)) == 0.00213
    assert calibration.gate_error("rzz", (2, 3)) == 0.00230
    for gate in ("id", "rx", "sx", "x"):
        assert calibration.gate_length(gate, 3) == pytest.approx(32e-9)
    assert calibration.gate_length("rz", 3) == 0.0
    assert calibration.gate_error("measure", 2) == 0.0131
    assert calibration.gate_length("measure", 2) == calibration.readout_length(2) == pytest.approx(2280e-9)
    assert calibration.qubit_value(0, "frequency") is None
    assert not findings_of(calibration, FindingKind.NOT_OPERATIONAL)


def test_nighthawk_lengths_per_pair_and_lengths_without_an_error() -> None:
    calibration = load_calibration(NIGHTHAWK)
    assert "rzz" not in calibration.gate_names
    lengths = {qubits: calibration.gate_length("cz", qubits) * 1e9 for qubits in calibration.gate_property("cz")}
    assert min(lengths.values()) == pytest.approx(68) and max(lengths.values()) == pytest.approx(508)
    assert calibration.gate_value("cz", (1, 2), "gate_length") == pytest.approx(124e-9)
    assert calibration.gate_value("cz", (1, 2), "gate_error") is None  # a partner with a length and no error
    missing = [f.subject for f in findings_of(calibration, FindingKind.MISSING_DATA) if f.property_name == "gate_error"]
    assert sorted(missing) == ["cz on [1, 2]", "cz on [2, 1]"]


@pytest.mark.parametrize("path", [EAGLE, HERON_2025, HERON_RZZ, LAYOUT_2026, NIGHTHAWK], ids=lambda p: p.name[:10])
def test_a_calibration_with_a_file_name_has_no_file_findings(path: Path) -> None:
    calibration = load_calibration(path)
    about_the_file = [f for f in calibration.findings if f.property_name in ("calibration date", "backend name")]
    assert not about_the_file


# --- the file name: backend and date ------------------------------------------------------------

FEZ_TIME = datetime(2025, 1, 13, 16, 54, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    ("filename", "backend", "date"),
    [
        ("ibm_fez_calibrations_2025-01-13T16_54_24Z.csv", "ibm_fez", FEZ_TIME),
        ("ibm_fez_calibrations_2025-01-13T16_54_24Z (1).csv", "ibm_fez", FEZ_TIME),  # a browser's second copy
        ("C:\\Users\\ana\\Downloads\\ibm_fez_calibrations_2025-01-13T16_54_24Z.csv", "ibm_fez", FEZ_TIME),
        ("ibm_fez_calibrations.csv", "ibm_fez", None),
        ("calibration data.csv", None, None),
        ("ibm_fez_calibrations_2025-13-45T16_54_24Z.csv", "ibm_fez", None),  # not a time
    ],
)
def test_backend_and_date_come_from_the_file_name(filename: str, backend: str | None, date: datetime | None) -> None:
    calibration = load_calibration(text_of(LAYOUT_2026), filename=filename)
    assert calibration.backend_name == (backend or UNKNOWN_BACKEND)
    assert calibration.last_update_date == (date or UNKNOWN_DATE)
    said = {f.property_name for f in findings_of(calibration, FindingKind.MISSING_DATA) if f.subject == "device"}
    assert ("calibration date" in said) is (date is None)
    assert ("backend name" in said) is (backend is None)


def test_without_a_file_name_the_date_is_unknown_and_said() -> None:
    calibration = load_calibration(text_of(LAYOUT_2026))
    assert (calibration.backend_name, calibration.last_update_date) == (UNKNOWN_BACKEND, UNKNOWN_DATE)
    (date,) = [f for f in calibration.findings if f.property_name == "calibration date"]
    assert date.value is None
    assert "no file name was given, so the date is unknown" in date.message
    assert "ibm_<device>_calibrations_<YYYY-MM-DDTHH_MM_SS>Z.csv" in date.message


# --- sources: text, bytes, paths ----------------------------------------------------------------


def test_text_bytes_and_paths_give_the_same_calibration(tmp_path: Path) -> None:
    expected = load_calibration(HERON_2025)
    name = HERON_2025.name
    text = text_of(HERON_2025)
    assert load_calibration(text, filename=name) == expected
    assert load_calibration(text.encode(), filename=name) == expected
    assert load_calibration(str(HERON_2025)) == expected
    assert load_calibration(("\ufeff" + text.replace("\n", "\r\n")).encode(), filename=name) == expected  # Excel
    renamed = tmp_path / "fez.csv"
    renamed.write_text(text, encoding="utf-8")
    assert load_calibration(renamed).last_update_date == UNKNOWN_DATE  # a path gives its own name
    assert load_calibration(renamed, filename=name) == expected  # filename= wins


@pytest.mark.parametrize(
    ("document", "filename", "is_csv"),
    [
        (b'{"backend_name": "x"}', None, False),
        (b'{"backend_name": "x"}', "props.csv", False),  # content first: JSON is JSON
        (b"Qubit,T1 (us)\n0,100\n", None, True),
        (b'\xef\xbb\xbf"Qubit","T1 (us)"\n', None, True),
        (b"T1 (us),T2 (us)\n100,80\n", None, True),  # IBM's columns without Qubit: the CSV reader explains
        (b"T1 (fortnights),T2 (us)\n100,80\n", None, True),
        (b"anything", "notes.CSV", True),
        (b"\xff\xfe\x00garbage", None, False),
    ],
)
def test_the_format_is_told_by_content(document: bytes, filename: str | None, is_csv: bool) -> None:
    assert looks_like_csv(document, filename) is is_csv


def test_an_oversized_csv_is_refused_before_parsing() -> None:
    with pytest.raises(CalibrationError, match=r"the document is 20.\d MB; the limit is 20.0 MB"):
        load_calibration(b"Qubit,T1 (us)\n" + b"0,1\n" * (5 * 2**20 + 1))


# --- damage ---------------------------------------------------------------------------------------

Q2026 = text_of(LAYOUT_2026)
DAMAGED = [
    ("no Qubit column", Q2026.replace('"Qubit",', '"Index",'), r"no 'Qubit' column: the header starts 'Index', 'T1 \(us\)'"),
    ("header only", Q2026.splitlines()[0], r"the CSV has a header but no qubit rows"),
    ("empty", "\n\n", r"the document is empty|the CSV is empty"),
    ("semicolons", Q2026.replace('","', '";"'), r"one cell with ';' or tabs .* re-saved the file with another separator"),
    ("unknown unit", Q2026.replace("T1 (us)", "T1 (fortnights)"), r"column 'T1 \(fortnights\)': T1 has unknown unit 'fortnights'.*IBM writes 'T1 \(us\)'"),
    ("no unit", Q2026.replace("T1 (us)", "T1"), r"column 'T1': T1 has unit '', a dimensionless unit; expected a time unit"),
    ("two T1 columns", Q2026.replace("T2 (us)", "T1 (ns)"), r"columns 'T1 \(us\)' and 'T1 \(ns\)' both give the qubit property T1"),
    ("non-numeric", Q2026.replace('"305.2"', '"n/a"'), r"line 3 \(qubit 1\), column 'T1 \(us\)': 'n/a' is not a number"),
    ("decimal comma", Q2026.replace('"305.2"', '"305,2"'), r"'305,2' is not a number; that is a decimal comma"),
    ("time in a number cell", Q2026.replace('"305.2"', '"05:05:12"'), r"'05:05:12' is not a number; that looks like a date or time a spreadsheet"),
    ("wrong pair syntax", Q2026.replace('"2:0.00099;0:0.00213"', '"1-2:0.00099;0:0.00213"'), r"line 3 \(qubit 1\), column 'CZ error': '1-2:0.00099' is not a pair entry; expected 'partner:value'"),
    ("pair without value", Q2026.replace('"2:68;0:68"', '"2:;0:68"'), r"column 'Gate length \(ns\)': '2:' is not a pair entry"),
    ("bare number in a pair column", Q2026.replace('"2:0.00099;0:0.00213"', '"0.00099"'), r"'0.00099' is not a pair entry"),
    ("partner out of range", Q2026.replace('"2:0.00185"', '"7:0.00185"'), r"line 5 \(qubit 3\), column 'CZ error': '7:0.00185' names qubit 7, out of range: the file has 4 qubits \(0..3\)"),
    ("explicit pair out of range", Q2026.replace('"2:0.00185"', '"3_4:0.00185"'), r"'3_4:0.00185' names qubit 4, out of range"),
    ("pair with itself", Q2026.replace('"2:0.00185"', '"3:0.00185"'), r"'3:0.00185' pairs qubit 3 with itself"),
    ("Qubit out of range", Q2026.replace('"3","224.9"', '"4","224.9"'), r"line 5, column 'Qubit': qubit 4 is out of range: the file has 4 qubit rows, so qubits are 0..3"),
    ("Qubit twice", Q2026.replace('"3","224.9"', '"2","224.9"'), r"line 5: a second row for qubit 2 \(the first is line 4\)"),
    ("Qubit not an index", Q2026.replace('"3","224.9"', '"Q3","224.9"'), r"line 5, column 'Qubit': 'Q3' is not a qubit index"),
    ("short row", Q2026.replace(',"Yes"\n"3"', '\n"3"'), r"line 4 has 17 cells but the header has 18 columns"),
    ("operational", Q2026.replace('"0.0080","Yes"', '"0.0080","Maybe"'), r"line 3 \(qubit 1\), column 'Operational': 'Maybe' is not Yes/No or TRUE/FALSE"),
    ("length without its gate", Q2026.replace('"CZ error"', '"XY error"'), r"a two-qubit 'Gate length' column needs a 'CZ error', 'ECR error' or 'CNOT error' column"),
    ("not UTF-8", Q2026.encode("utf-8").replace("√".encode(), b"\xfb"), r"the CSV is not UTF-8 text \(byte 0xfb at offset \d+\): re-download it"),
    ("a giant cell", Q2026.replace('"305.2"', '"' + "9" * 200_000 + '"'), r"line 3: not readable as CSV \(field larger than field limit"),
    ("a long cell", Q2026.replace('"305.2"', '"' + "1" * 5_000 + '"'), r"column 'T1 \(us\)': the cell has 5,000 characters; IBM's cells are under 100"),
    ("digits then a letter", Q2026.replace('"305.2"', '"' + "1" * 900 + 'x"'), r"'1111111111111111111111111111111111111111'… \(901 characters\) is not a number"),
    ("a huge qubit index", Q2026.replace('"3","224.9"', '"' + "9" * 5_000 + '","224.9"'), r"line 5, column 'Qubit': '9{40}'… \(5,000 characters\) is not a qubit index"),
    ("a huge partner", Q2026.replace('"2:0.00185"', '"' + "9" * 5_00 + ':0.00185"'), r"is not a pair entry"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "document", "expected"), DAMAGED, ids=[case[0] for case in DAMAGED])
def test_damaged_csv_raises_naming_the_place(case: str, document: str | bytes, expected: str) -> None:
    with pytest.raises(CalibrationError, match=expected):
        load_calibration(document, filename=LAYOUT_2026.name)


@pytest.mark.parametrize("mangled", ["2:08:00", "02:08:00", "2:08:00 AM", "02:08", "1900-01-01 02:08:00"])
def test_a_spreadsheet_s_time_in_a_pair_cell_is_found_and_left_out(mangled: str) -> None:
    """'1:68' (partner 1, 68 ns) re-saved by a spreadsheet reads as 1 h 68 min = 2:08."""
    document = Q2026.replace('"1:68","1:0.00276"', f'"{mangled}","1:0.00276"')
    calibration = load_calibration(document, filename=LAYOUT_2026.name)
    (finding,) = [f for f in findings_of(calibration, FindingKind.INVALID_VALUE) if f.subject == "qubit 0"]
    assert finding.property_name == "Gate length (ns)"
    assert (
        f"a spreadsheet that re-saved the file turned this cell into the time {mangled!r} (line 2)" in finding.message
    )
    assert "re-download the CSV" in finding.message
    assert calibration.gate_value("cz", (0, 1), "gate_length") is None  # left out, not guessed
    assert calibration.gate_error("cz", (0, 1)) == 0.00213  # the rest of the row loads
    assert calibration.gate_length("cz", (1, 0)) == pytest.approx(68e-9)


def test_unknown_columns_are_listed_and_the_rest_loads() -> None:
    header, *rows = Q2026.splitlines()
    extra_header, extra_cells = ',"Coupler temperature (mK)","",""', ',"12","7",""'  # the last: a spreadsheet's
    document = "\n".join([header + extra_header, *(row + extra_cells for row in rows)])
    calibration = load_calibration(document, filename=LAYOUT_2026.name)
    (skipped,) = findings_of(calibration, FindingKind.SKIPPED_ENTRY)
    assert skipped.value == 2  # the unnamed empty column is not worth a word
    assert skipped.message.endswith("left out: 'Coupler temperature (mK)', 'column 20 (no header)'")
    assert calibration == load_calibration(LAYOUT_2026)


def test_a_pair_given_twice_with_two_values_keeps_the_later_and_says_so() -> None:
    document = text_of(EAGLE).replace(
        '"1216","0.000312","0","0.000312","0.000312","",""',
        '"1216","0.000312","0","0.000312","0.000312","0_1:0.006",""',
    )
    calibration = load_calibration(document, filename=EAGLE.name)
    assert calibration.gate_error("ecr", (0, 1)) == 0.006
    (twice,) = findings_of(calibration, FindingKind.DUPLICATE_ENTRY)
    assert twice.subject == "ecr on [0, 1]"
    assert "the later cell (line 3 (qubit 1), column 'ECR error') is used; the earlier gave 0.005124" in twice.message


def test_a_file_name_without_the_time_is_named_in_the_finding() -> None:
    calibration = load_calibration(text_of(NIGHTHAWK), filename="miami.csv")
    said = {f.property_name: f.message for f in calibration.findings if f.subject == "device"}
    assert "the file name 'miami.csv' holds no calibration time, so the date is unknown" in said["calibration date"]
    assert (
        "the file name 'miami.csv' names no backend, so the device is called 'unknown_backend'" in said["backend name"]
    )


def test_missing_columns_are_said_and_their_values_missing() -> None:
    header, *rows = Q2026.splitlines()
    cut = [",".join(line.split(",")[:2] + line.split(",")[3:]) for line in (header, *rows)]  # no "T2 (us)"
    calibration = load_calibration("\n".join(cut), filename=LAYOUT_2026.name)
    said = [f.property_name for f in findings_of(calibration, FindingKind.MISSING_DATA) if f.subject == "device"]
    assert "column 'T2 (us)'" in said
    assert calibration.qubit_value(0, "T2") is None


def test_an_empty_cell_is_missing_not_zero() -> None:
    calibration = load_calibration(Q2026.replace('"305.2"', '""'), filename=LAYOUT_2026.name)
    assert calibration.qubit_value(1, "T1") is None
    assert "qubit 1" in {
        f.subject for f in findings_of(calibration, FindingKind.MISSING_DATA) if f.property_name == "T1"
    }


# --- round trips ----------------------------------------------------------------------------------

NOT_IN_THE_LAYOUT = {"reset", "reset_2", "measure_2", "u1", "u2", "u3", "p", "u"}
"""Gates IBM's CSV has no column for."""


def flat(calibration: BackendCalibration) -> dict[tuple[Any, ...], float]:
    """Every value of a calibration in SI units, keyed by (qubit or gate, qubits, property)."""
    values: dict[tuple[Any, ...], float] = {}
    for qubit in range(calibration.num_qubits):
        for name, (value, _date) in calibration.qubit_property(qubit).items():
            values[("qubit", qubit, name)] = value
    for gate, qubits, properties in calibration.gate_entries():
        for name, (value, _date) in properties.items():
            values[(gate, qubits, name)] = value
    return values


def carried_by_csv(key: tuple[Any, ...]) -> bool:
    """Whether IBM's layout holds this value (no reset, no rzz length, no gates without a column)."""
    gate, _qubits, name = key
    return gate not in NOT_IN_THE_LAYOUT and not (gate == "rzz" and name == "gate_length")


def assert_same_values(json_calibration: BackendCalibration, csv_calibration: BackendCalibration) -> None:
    expected = {key: value for key, value in flat(json_calibration).items() if carried_by_csv(key)}
    got = flat(csv_calibration)
    assert got.keys() == expected.keys()
    different = {key: (expected[key], got[key]) for key in got if repr(got[key]) != repr(expected[key])}
    assert not different  # exactly the same floats, NaN included


@pytest.mark.parametrize("name", [preset.name for preset in list_presets() if preset.name.startswith("ibm")])
def test_every_ibm_preset_round_trips_json_csv_json_value_by_value(name: str) -> None:
    calibration = load_preset(name)
    back = load_calibration(calibration_to_csv(calibration), filename=calibration_csv_name(calibration))
    assert (back.backend_name, back.last_update_date, back.num_qubits) == (
        calibration.backend_name,
        calibration.last_update_date,
        calibration.num_qubits,
    )
    assert_same_values(calibration, back)


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL_SNAPSHOTS, ids=lambda path: path.stem)
def test_every_real_snapshot_round_trips_value_by_value(path: Path) -> None:
    calibration = load_calibration(path)
    back = load_calibration(calibration_to_csv(calibration), filename=calibration_csv_name(calibration))
    # a snapshot with two entangling gates keeps the first of cz, ecr, cx in the CSV
    kept, got = {key: value for key, value in flat(calibration).items() if carried_by_csv(key)}, flat(back)
    lost = kept.keys() - got.keys()
    assert {key[0] for key in lost} <= {"cx", "ecr"} and all(len(key[1]) == 2 for key in lost)
    assert {key: value for key, value in got.items() if repr(value) != repr(kept[key])} == {}


def test_a_heron_preset_is_written_in_the_2026_layout_and_an_eagle_one_with_ecr_and_frequency() -> None:
    assert calibration_to_csv(load_preset("ibm_pittsburgh")).splitlines()[0] == HEADER_2026
    eagle = calibration_to_csv(load_preset("ibm_sherbrooke")).splitlines()[0]
    assert '"Frequency (GHz)","Anharmonicity (GHz)"' in eagle and '"ECR error","Gate length (ns)"' in eagle
    assert "RZZ" not in eagle and "MEASURE" not in eagle  # the snapshot has neither


@pytest.mark.parametrize("path", [EAGLE, HERON_2025, HERON_RZZ, LAYOUT_2026, NIGHTHAWK], ids=lambda p: p.name[:10])
def test_every_layout_round_trips_through_the_writer(path: Path) -> None:
    calibration = load_calibration(path)
    written = calibration_to_csv(calibration)
    assert calibration_csv_name(calibration) == path.name
    assert load_calibration(written, filename=path.name) == calibration


@pytest.mark.parametrize("path", [EAGLE, HERON_2025, LAYOUT_2026, NIGHTHAWK], ids=lambda p: p.name[:10])
def test_a_csv_exports_as_backend_properties_json_qiskit_reads(path: Path) -> None:
    calibration = load_calibration(path)
    document = json.loads(json.dumps(calibration.to_dict()))
    again = load_calibration(json.dumps(document))
    assert again == calibration
    assert flat(again) == flat(calibration)
    qiskit = BackendProperties.from_dict(document)
    assert qiskit.t1(0) == pytest.approx(calibration.t1(0), rel=1e-12)  # Qiskit scales units its own way
    assert qiskit.last_update_date == calibration.last_update_date
    operational = [qiskit.is_qubit_operational(qubit) for qubit in range(calibration.num_qubits)]
    assert operational == [calibration.qubit_value(q, "operational") != 0 for q in range(calibration.num_qubits)]
    assert all(record["date"] == document["last_update_date"] for record in document["qubits"][0])


def test_a_not_operational_qubit_is_faulty_for_qiskit() -> None:
    document = load_calibration(EAGLE).to_dict()
    assert BackendProperties.from_dict(document).faulty_qubits() == [3]


def test_calibration_from_csv_puts_the_file_findings_after_the_snapshot_s() -> None:
    calibration = calibration_from_csv(Q2026)
    assert [f.property_name for f in calibration.findings[-2:]] == ["calibration date", "backend name"]
    assert calibration.findings[0].subject.startswith("rzz on")  # checks.py's own come first
    assert math.isclose(calibration.t1(1), 305.2e-6)


# --- the dashboard ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_device_page_loads_an_uploaded_csv_with_its_name_and_date() -> None:
    from tests.apptest import open_page, started_app

    app = open_page(started_app(120), "device")
    app.file_uploader(key="device_upload").set_value((NIGHTHAWK.name, NIGHTHAWK.read_bytes(), "text/csv")).run()
    assert not app.exception and not app.error
    assert app.subheader[0].value == "ibm_miami"
    assert "Calibrated" in [metric.label for metric in app.metric]
    assert {metric.label: metric.value for metric in app.metric}["Calibrated"] == "2026-03-02"
    renamed = ("calibration.csv", NIGHTHAWK.read_bytes(), "text/csv")  # same bytes, no date in the name
    app.file_uploader(key="device_upload").set_value(renamed).run()
    assert app.subheader[0].value == UNKNOWN_BACKEND


@pytest.mark.parametrize("path", [EAGLE, HERON_2025, HERON_RZZ, LAYOUT_2026, NIGHTHAWK], ids=lambda p: p.name[:10])
def test_downstream_code_takes_a_csv_calibration_unchanged(path: Path) -> None:
    from noise_core import derive_noise_spec
    from noise_core.calibration import coupling_edges, qubit_metrics

    calibration = load_calibration(path)
    spec = derive_noise_spec(calibration)
    assert spec.provenance.backend_name == calibration.backend_name
    assert spec.provenance.last_update_date == calibration.last_update_date
    edges = coupling_edges(calibration)
    assert len(edges) == len({tuple(sorted(qubits)) for qubits in calibration.gate_property(edges.gate[0])})
    assert list(qubit_metrics(calibration).index) == list(range(calibration.num_qubits))
