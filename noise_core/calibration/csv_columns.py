"""The columns of IBM's calibration CSV ("Download calibration data" on a QPU's page), its file name, and
the findings about both.

One table serves the reader (``csv_format``) and the writer (``csv_writer``). Headers are
matched after trimming and collapsing spaces (Eagle files write ``"Prob meas0 prep1 "``) and
ignoring case; a trailing ``(unit)`` is the unit, read through the same tables as JSON units
(``si_units``). Gate error columns name their gate: ``"√x (sx) error"`` → ``sx``,
``"Pauli-X error"`` → ``x``, ``"CZ error"`` → ``cz``.

The calibration time is only in the file name IBM gives the download,
``ibm_fez_calibrations_2025-01-13T16_54_24Z.csv`` (UTC), and so is the backend's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import PurePath

from noise_core.calibration.si_units import si_scale
from noise_core.errors import CalibrationError, UnitError
from noise_core.spec.findings import Finding, FindingKind, Severity, Subject, make_finding


class ColumnKind(StrEnum):
    """What a column holds in each qubit's row."""

    QUBIT = "qubit index"
    PROPERTY = "qubit property"
    OPERATIONAL = "operational flag"
    GATE_ERROR = "gate error"
    ONE_QUBIT_LENGTH = "single-qubit gate length"
    PAIR_LENGTH = "two-qubit gate length"


@dataclass(frozen=True)
class Column:
    """One recognised column: its header as written, what it holds, the property or gate, the unit."""

    header: str
    kind: ColumnKind
    name: str = ""
    """The BackendProperties property (``T1``) or gate (``cz``)."""
    unit: str = ""

    @property
    def two_qubit(self) -> bool:
        """Whether each cell lists pairs (``0_1:0.005;…`` or ``1:0.005;…``) rather than one number."""
        return self.kind is ColumnKind.PAIR_LENGTH or (self.kind is ColumnKind.GATE_ERROR and self.name in PAIR_GATES)


PROPERTY_HEADERS: dict[str, tuple[str, str]] = {
    "T1": ("T1", "us"),
    "T2": ("T2", "us"),
    "frequency": ("Frequency", "GHz"),
    "anharmonicity": ("Anharmonicity", "GHz"),
    "readout_error": ("Readout assignment error", ""),
    "prob_meas0_prep1": ("Prob meas0 prep1", ""),
    "prob_meas1_prep0": ("Prob meas1 prep0", ""),
    "readout_length": ("Readout length", "ns"),
}
"""Qubit property → (label, unit the writer uses). The reader takes the unit a header gives."""

GATE_HEADERS: dict[str, str] = {
    "id": "ID error",
    "rx": "RX error",
    "rz": "Z-axis rotation (rz) error",
    "sx": "√x (sx) error",
    "x": "Pauli-X error",
    "cz": "CZ error",
    "ecr": "ECR error",
    "cx": "CNOT error",
    "rzz": "RZZ error",
    "measure": "MEASURE error",
}
"""Gate → the header of its error column, as IBM writes it."""

PAIR_GATES = ("cz", "ecr", "cx", "rzz")
"""Two-qubit gates with a CSV column. The pair-length column belongs to the first the file has of
``cz``, ``ecr``, ``cx`` (IBM gives no length for ``rzz``)."""
LENGTH_GATES = ("cz", "ecr", "cx")
SHARED_LENGTH_GATES = ("id", "sx", "x", "rx")
"""Gates whose length is the row's "Single-qubit gate length (ns)" (IBM's snapshots give them one length)."""
ONE_QUBIT_LENGTH_HEADER = "Single-qubit gate length"
PAIR_LENGTH_HEADER = "Gate length"
OPERATIONAL_HEADER = "Operational"

_GATE_WORDS = {
    "id": "id",
    "pauli-x": "x",
    "x": "x",
    "sx": "sx",
    "rx": "rx",
    "rz": "rz",
    "cz": "cz",
    "ecr": "ecr",
    "cnot": "cx",
    "cx": "cx",
    "rzz": "rzz",
    "measure": "measure",
}
_LABELLED_PROPERTIES = {label.lower(): name for name, (label, _unit) in PROPERTY_HEADERS.items()}
_LENGTH_LABELS = {
    "single-qubit gate length": ColumnKind.ONE_QUBIT_LENGTH,
    "gate length": ColumnKind.PAIR_LENGTH,
    "gate time": ColumnKind.PAIR_LENGTH,
}
_UNIT = re.compile(r"^(?P<label>.*?)\s*\((?P<unit>[^()]*)\)$")
_GATE_IN_PARENTHESES = re.compile(r"\((?P<gate>[a-z_0-9]+)\)\s+error$")
_PLAIN_GATE = re.compile(r"^(?P<gate>\S+)\s+error$")


def recognise(header: str) -> Column | None:
    """The column ``header`` names, or None when it is not one of IBM's; ``CalibrationError`` for a bad unit."""
    text = " ".join(header.split())
    key = text.lower()
    if key == "qubit":
        return Column(text, ColumnKind.QUBIT)
    if key == "operational":
        return Column(text, ColumnKind.OPERATIONAL, "operational")
    match = _UNIT.match(key)
    label, unit = (match["label"], _unit_as_written(text, match)) if match else (key, "")
    if label in _LABELLED_PROPERTIES:
        return _with_unit(Column(text, ColumnKind.PROPERTY, _LABELLED_PROPERTIES[label], unit))
    if label in _LENGTH_LABELS:
        return _with_unit(Column(text, _LENGTH_LABELS[label], "gate_length", unit))
    gate = _GATE_IN_PARENTHESES.search(key) or _PLAIN_GATE.match(key)
    if gate is not None and gate["gate"] in _GATE_WORDS:
        return Column(text, ColumnKind.GATE_ERROR, _GATE_WORDS[gate["gate"]])
    return None


def _unit_as_written(text: str, match: re.Match[str]) -> str:
    """The unit in the header's own case (``GHz``, not ``ghz``)."""
    return text[text.rfind("(") + 1 : -1].strip() if match else ""


def _with_unit(column: Column) -> Column:
    """``column`` once its unit is known for its property (``T1 (fortnights)`` is refused, naming the column)."""
    property_name = column.name
    try:
        si_scale(column.unit, property_name=property_name)
    except UnitError as error:
        hint = f"; IBM writes {written_header(column)!r}" if column.kind is ColumnKind.PROPERTY else ""
        raise CalibrationError(f"column {column.header!r}: {error}{hint}") from None
    return column


def written_header(column: Column) -> str:
    """The header IBM writes for ``column``'s property (``T1 (us)``)."""
    label, unit = PROPERTY_HEADERS.get(column.name, (column.header, ""))
    return f"{label} ({unit})" if unit else label


# --- the file name: backend and calibration time -------------------------------------------------

UNKNOWN_BACKEND = "unknown_backend"
"""The backend name of a CSV whose file name does not give one."""
UNKNOWN_DATE = datetime(1970, 1, 1, tzinfo=UTC)
"""The ``last_update_date`` of a CSV whose file name has no calibration time (a finding says so)."""

_BACKEND = re.compile(r"^(?P<backend>[A-Za-z0-9][A-Za-z0-9_\-]*?)_calibrations", re.IGNORECASE)
_STAMP = re.compile(r"(?P<day>\d{4}-\d{2}-\d{2})T(?P<h>\d{2})[_:](?P<m>\d{2})[_:](?P<s>\d{2})(?P<f>\.\d{1,6})?Z")


def backend_from_file_name(filename: str | None) -> str | None:
    """``ibm_fez`` from ``…/ibm_fez_calibrations_2025-01-13T16_54_24Z.csv``, or None."""
    if not filename:
        return None
    match = _BACKEND.match(PurePath(filename.replace("\\", "/")).name)
    return match["backend"] if match else None


def date_from_file_name(filename: str | None) -> datetime | None:
    """The UTC calibration time in an IBM download's name (``…_2025-01-13T16_54_24Z.csv``), or None."""
    match = _STAMP.search(PurePath((filename or "").replace("\\", "/")).name)
    if match is None:
        return None
    try:
        moment = datetime.fromisoformat(f"{match['day']}T{match['h']}:{match['m']}:{match['s']}{match['f'] or ''}")
    except ValueError:  # 2025-13-45: not a time, so the date is unknown
        return None
    return moment.replace(tzinfo=UTC)


def file_name_for(backend_name: str, date: datetime) -> str:
    """The name IBM gives a download: ``ibm_fez_calibrations_2025-01-13T16_54_24Z.csv`` (time in UTC)."""
    if date == UNKNOWN_DATE:
        return f"{backend_name}_calibrations.csv"
    moment = date.astimezone(UTC) if date.tzinfo is not None else date
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return f"{backend_name}_calibrations_{moment:%Y-%m-%dT%H_%M_%S}{fraction}Z.csv"


# --- what the file name and the columns lack, as findings ---------------------------------------------

EXPECTED_PROPERTIES = ("T1", "T2", "readout_error")
"""Qubit properties every layout has: a file without one gets a finding naming the column."""
_IBM_NAME = "IBM names the download ibm_<device>_calibrations_<YYYY-MM-DDTHH_MM_SS>Z.csv; keep that name"


def file_name_findings(filename: str | None) -> Iterator[Finding]:
    """Findings for a file name without the backend or the calibration time IBM puts in it."""
    if date_from_file_name(filename) is None:
        source = f"the file name {filename!r} holds no calibration time" if filename else "no file name was given"
        yield _device_finding(
            "calibration date",
            rule="the calibration time, from the file name",
            action=f"{source}, so the date is unknown (last_update_date is the placeholder "
            f"{UNKNOWN_DATE:%Y-%m-%d}): {_IBM_NAME}, or pass filename=",
        )
    if backend_from_file_name(filename) is None:
        source = f"the file name {filename!r} names no backend" if filename else "no file name was given"
        yield _device_finding(
            "backend name",
            rule="the backend name, from the file name",
            action=f"{source}, so the device is called {UNKNOWN_BACKEND!r}: {_IBM_NAME}",
        )


def column_findings(header: Sequence[str], columns: Sequence[Column | None], filled: set[int]) -> Iterator[Finding]:
    """Columns that are not IBM's (left out, listed; an unnamed empty one silently) and columns every layout
    has that this file lacks. ``filled``: the positions of columns with a value in some row."""
    unknown = [
        cell.strip() or f"column {position + 1} (no header)"
        for position, (cell, column) in enumerate(zip(header, columns, strict=True))
        if column is None and (cell.strip() or position in filled)
    ]
    if unknown:
        yield make_finding(
            Subject("device"),
            FindingKind.SKIPPED_ENTRY,
            "columns not read",
            float(len(unknown)),
            rule="a column of IBM's calibration CSV (the 2025-2026 layouts)",
            action="left out: " + ", ".join(repr(name) for name in unknown),
        )
    present = {(column.kind, column.name) for column in columns if column is not None}
    for name in (name for name in EXPECTED_PROPERTIES if (ColumnKind.PROPERTY, name) not in present):
        label, unit = PROPERTY_HEADERS[name]
        header_text = f"{label} ({unit})" if unit else label
        yield _device_finding(
            f"column {header_text!r}", rule="every layout has it", action=f"every qubit's {name} is missing"
        )
    if not any((ColumnKind.GATE_ERROR, gate) in present for gate in PAIR_GATES):
        yield _device_finding(
            "two-qubit error column",
            rule="'CZ error', 'ECR error' or 'CNOT error'",
            action="the device has no two-qubit gates: nothing entangles in a simulation",
        )
    if (ColumnKind.ONE_QUBIT_LENGTH, "gate_length") not in present:
        yield _device_finding(
            f"column '{ONE_QUBIT_LENGTH_HEADER} (ns)'",
            rule="1-qubit gate lengths reported (IBM's files have them since 2026)",
            action="the 1-qubit gates' lengths are missing, so they get no thermal relaxation",
            severity="info",
        )


def _device_finding(property_name: str, *, rule: str, action: str, severity: Severity = "warning") -> Finding:
    return make_finding(
        Subject("device"), FindingKind.MISSING_DATA, property_name, None, rule=rule, action=action, severity=severity
    )
