"""IBM's calibration CSV read into the ``BackendProperties`` dict that ``BackendCalibration.from_dict`` takes.

Every layout IBM has served loads, told apart by its columns, not by a version:

- **Eagle, 2025**: quoted headers with trailing spaces, ``Frequency``/``Anharmonicity``, ``ECR error``
  and ``Gate time (ns)`` as pairs ``0_1:0.005124;…`` in one direction, ``Operational`` ``Yes``/``No``;
- **Heron r2, 2025**: unquoted, ``CZ error`` with both directions (``1_2:1;1_0:0.00937``, an error of 1
  is a broken coupler), ``Operational`` ``TRUE``/``FALSE``; mid-2025 adds ``RZZ error``;
- **2026**: no frequency, a ``Single-qubit gate length (ns)``, ``RX``/``RZZ``/``MEASURE`` errors, and
  pair cells naming only the partner (``2:0.00099;0:0.00213`` on qubit 1's row is (1, 2) and (1, 0));
- **Nighthawk, 2026**: no ``RZZ error``; lengths per pair (68–508 ns), some for partners with no error.

What the file lacks is missing, never zero: no frequency on Heron, no 1-qubit lengths before 2026,
no ``rzz`` lengths. Two lengths follow from IBM's definitions and every ``BackendProperties`` JSON:
``rz`` is virtual (length 0) and ``measure`` lasts the qubit's readout length. Each property is dated
with the calibration time from the file name (``columns.date_from_file_name``); the file's own
problems (no date, unknown columns, cells a spreadsheet turned into times) are findings, and
anything unreadable is a ``CalibrationError`` naming the line, qubit, column and cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from noise_core.calibration.csv_columns import (
    LENGTH_GATES,
    PAIR_GATES,
    SHARED_LENGTH_GATES,
    UNKNOWN_BACKEND,
    UNKNOWN_DATE,
    Column,
    ColumnKind,
    backend_from_file_name,
    column_findings,
    date_from_file_name,
    file_name_findings,
    recognise,
)
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import CalibrationError
from noise_core.spec.findings import Finding, FindingKind, Subject, make_finding

Value = tuple[float, str]
"""A property's value and its unit, as the file writes it."""

_NUMBER = re.compile(  # one way to split any digit run: linear time, even on a hostile cell
    r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?|[+-]?(?:nan|inf|infinity)", re.IGNORECASE | re.ASCII
)
_ENTRY = re.compile(r"\s*(?:(?P<a>\d{1,6})_(?P<b>\d{1,6})|(?P<partner>\d{1,6}))\s*:\s*(?P<value>\S+)\s*", re.ASCII)
MAX_CELL_CHARACTERS = 1000
"""Longest cell read: IBM's longest (a pair cell with four partners) is under 100 characters."""
SHOWN_CHARACTERS = 40
"""How much of a refused cell a message repeats."""
_TIME_LIKE = re.compile(
    r"^\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\s*(?:[ap]\.?m\.?)?$"  # 02:08:00, 2:08:00 AM
    r"|^\d{1,2}:\d{2}\s*[ap]\.?m\.?$"  # 2:08 AM
    r"|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T]\d{1,2}:\d{2}"  # 1900-01-01 02:08:00
    r"|^0\d+:|:0\d+$",  # 02:08 (IBM writes no leading zeros)
    re.IGNORECASE,
)
_BOOLEANS = {"yes": 1.0, "true": 1.0, "1": 1.0, "no": 0.0, "false": 0.0, "0": 0.0}


@dataclass(frozen=True)
class CsvReading:
    """A calibration CSV as a ``BackendProperties`` dict, and the findings about the file itself."""

    properties: dict[str, Any]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class _Cell:
    line: int
    qubit: int
    column: Column
    text: str

    @property
    def where(self) -> str:
        return f"line {self.line} (qubit {self.qubit}), column {self.column.header!r}"


def _shown(text: str) -> str:
    """A cell as a message repeats it: quoted, and cut after ``SHOWN_CHARACTERS`` characters."""
    text = text.strip()
    return repr(text) if len(text) <= SHOWN_CHARACTERS else f"{text[:SHOWN_CHARACTERS]!r}… ({len(text):,} characters)"


@dataclass
class _Snapshot:
    """What the rows say, gathered: per qubit and per (gate, qubits), property → (value, unit)."""

    num_qubits: int
    length_gate: str | None
    """The gate the pair lengths belong to (``_length_gate``)."""
    qubits: list[dict[str, Value]] = field(default_factory=list)
    gates: dict[tuple[str, tuple[int, ...]], dict[str, Value]] = field(default_factory=dict)
    one_qubit_lengths: dict[int, Value] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def set_gate(self, gate: str, qubits: tuple[int, ...], name: str, value: Value, *, cell: _Cell) -> None:
        """Record one gate property; the same pair given twice with another value keeps the later one, said."""
        properties = self.gates.setdefault((gate, qubits), {})
        if name in properties and properties[name] != value:
            self.findings.append(
                make_finding(
                    Subject.gate_on(gate, qubits),
                    FindingKind.DUPLICATE_ENTRY,
                    name,
                    value[0],
                    rule="each pair once per column",
                    action=f"the later cell ({cell.where}) is used; the earlier gave {properties[name][0]:.6g}",
                )
            )
        properties[name] = value


def calibration_from_csv(text: str, *, filename: str | None = None) -> BackendCalibration:
    """Load IBM calibration CSV ``text``; ``filename`` (as downloaded) gives the backend and the date.

    The result is the same ``BackendCalibration`` as for JSON, with the file's findings after the
    snapshot's own. ``CalibrationError`` names the line, qubit, column and cell of anything unreadable.
    """
    reading = read_calibration_csv(text, filename=filename)
    calibration = BackendCalibration.from_dict(reading.properties)
    calibration.findings = (*calibration.findings, *reading.findings)
    return calibration


def read_calibration_csv(text: str, *, filename: str | None = None) -> CsvReading:
    """The ``BackendProperties`` dict of calibration CSV ``text``, and the findings about the file."""
    header, body = _records(text)
    columns = _columns(header)
    rows = _qubit_rows(body, columns)
    snapshot = _Snapshot(len(rows), _length_gate(columns))
    for qubit, (line, cells) in enumerate(rows):
        snapshot.qubits.append({})
        for column, cell in zip(columns, cells, strict=True):
            if column is not None and column.kind is not ColumnKind.QUBIT and cell.strip():
                _read_cell(snapshot, _Cell(line, qubit, column, cell.strip()))
    _derived_lengths(snapshot, [column for column in columns if column is not None])
    filled = {number for _line, cells in rows for number, cell in enumerate(cells) if cell.strip()}
    findings = (*file_name_findings(filename), *column_findings(header, columns, filled), *snapshot.findings)
    backend = backend_from_file_name(filename) or UNKNOWN_BACKEND
    return CsvReading(
        _document(snapshot, backend, (date_from_file_name(filename) or UNKNOWN_DATE).isoformat()), findings
    )


def _records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows with their line numbers, read by Python's ``csv``."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    records: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((reader.line_num, cells))
    except csv.Error as error:
        raise CalibrationError(f"line {reader.line_num}: not readable as CSV ({error})") from None
    if not records:
        raise CalibrationError('the CSV is empty; expected a header line starting with "Qubit","T1 (us)",…')
    return records[0][1], records[1:]


def _columns(header: Sequence[str]) -> list[Column | None]:
    """Each header cell recognised (None for one that is not IBM's); refuses a file without a Qubit column."""
    if len(header) == 1 and any(separator in header[0] for separator in ";\t"):
        raise CalibrationError(
            "the header is one cell with ';' or tabs between the column names: a spreadsheet re-saved the file "
            "with another separator. Re-download the CSV from IBM Quantum, or save it with ',' between columns "
            "and '.' as the decimal point"
        )
    columns = [recognise(cell) for cell in header]
    seen: dict[tuple[ColumnKind, str], str] = {}
    for column in columns:
        if column is None:
            continue
        key = (column.kind, column.name)
        if key in seen:
            what = f"{column.kind.value} {column.name}".strip()
            raise CalibrationError(f"columns {seen[key]!r} and {column.header!r} both give the {what}; keep one")
        seen[key] = column.header
    if (ColumnKind.QUBIT, "") not in seen:
        shown = ", ".join(repr(cell.strip()) for cell in header[:4])
        raise CalibrationError(
            f'no \'Qubit\' column: the header starts {shown}; IBM\'s calibration CSV starts "Qubit","T1 (us)",… '
            "and each row gives one qubit"
        )
    if any(c is not None and c.kind is ColumnKind.PAIR_LENGTH for c in columns) and not _length_gate(columns):
        raise CalibrationError(
            "a two-qubit 'Gate length' column needs a 'CZ error', 'ECR error' or 'CNOT error' "
            "column to say which gate the lengths belong to"
        )
    return columns


def _length_gate(columns: Sequence[Column | None]) -> str | None:
    """The gate the pair-length column belongs to: the first of cz, ecr, cx the file has (rzz has no length)."""
    gates = {column.name for column in columns if column is not None and column.kind is ColumnKind.GATE_ERROR}
    return next((gate for gate in LENGTH_GATES if gate in gates), None)


def _qubit_rows(body: list[tuple[int, list[str]]], columns: list[Column | None]) -> list[tuple[int, list[str]]]:
    """The rows ordered by qubit; every qubit 0..n-1 exactly once, every row as wide as the header."""
    if not body:
        raise CalibrationError("the CSV has a header but no qubit rows")
    index = next(i for i, column in enumerate(columns) if column is not None and column.kind is ColumnKind.QUBIT)
    by_qubit: dict[int, tuple[int, list[str]]] = {}
    for line, cells in body:
        if len(cells) != len(columns):
            raise CalibrationError(
                f"line {line} has {len(cells)} cells but the header has {len(columns)} columns "
                "(a value with a comma that is not quoted, or a cut line?)"
            )
        text = cells[index].strip()
        if not re.fullmatch(r"[0-9]{1,6}", text):
            raise CalibrationError(f"line {line}, column 'Qubit': {_shown(text)} is not a qubit index (0, 1, 2, …)")
        qubit = int(text)
        if qubit >= len(body):
            raise CalibrationError(
                f"line {line}, column 'Qubit': qubit {qubit} is out of range: the file has {len(body)} qubit rows, "
                f"so qubits are 0..{len(body) - 1} (is a row missing?)"
            )
        if qubit in by_qubit:
            raise CalibrationError(
                f"line {line}: a second row for qubit {qubit} (the first is line {by_qubit[qubit][0]})"
            )
        by_qubit[qubit] = (line, cells)
    return [by_qubit[qubit] for qubit in range(len(body))]


def _read_cell(snapshot: _Snapshot, cell: _Cell) -> None:
    """One non-empty cell into ``snapshot``: a qubit property, a flag, a gate's error or length."""
    if len(cell.text) > MAX_CELL_CHARACTERS:
        raise CalibrationError(
            f"{cell.where}: the cell has {len(cell.text):,} characters; IBM's cells are under 100 "
            f"(limit {MAX_CELL_CHARACTERS:,}). Is this an IBM calibration CSV?"
        )
    column = cell.column
    if column.kind is ColumnKind.PROPERTY:
        snapshot.qubits[cell.qubit][column.name] = (_number(cell.text, cell), column.unit)
    elif column.kind is ColumnKind.OPERATIONAL:
        snapshot.qubits[cell.qubit]["operational"] = (_flag(cell), "")
    elif column.kind is ColumnKind.ONE_QUBIT_LENGTH:
        snapshot.one_qubit_lengths[cell.qubit] = (_number(cell.text, cell), column.unit)
    elif not column.two_qubit:
        snapshot.set_gate(column.name, (cell.qubit,), "gate_error", (_number(cell.text, cell), ""), cell=cell)
    elif _mangled(cell.text):
        snapshot.findings.append(_mangled_finding(cell))
    else:
        is_error = column.kind is ColumnKind.GATE_ERROR
        gate, name = (column.name, "gate_error") if is_error else (snapshot.length_gate or "", "gate_length")
        for qubits, value in _pairs(cell, snapshot.num_qubits):
            snapshot.set_gate(gate, qubits, name, (value, column.unit), cell=cell)


def _number(text: str, cell: _Cell) -> float:
    """``text`` as a float; ``CalibrationError`` naming the cell for anything else (decimal commas, words)."""
    if _NUMBER.fullmatch(text.strip()):
        return float(text)
    hint = "write a number such as 0.0012 or 120.5, or leave the cell empty where the value is missing"
    if re.fullmatch(r"[+-]?\d+,\d+", text.strip()):
        hint = "that is a decimal comma (a spreadsheet in another locale re-saved the file); write '.' instead"
    elif _mangled(text):
        hint = "that looks like a date or time a spreadsheet made of the value; re-download the CSV"
    raise CalibrationError(f"{cell.where}: {_shown(text)} is not a number; {hint}")


def _flag(cell: _Cell) -> float:
    """Operational as 1.0 / 0.0, the way ``BackendProperties`` JSON writes ``operational``."""
    value = _BOOLEANS.get(cell.text.lower())
    if value is None:
        raise CalibrationError(f"{cell.where}: {_shown(cell.text)} is not Yes/No or TRUE/FALSE")
    return value


def _pairs(cell: _Cell, num_qubits: int) -> Iterator[tuple[tuple[int, int], float]]:
    """The (qubits, value) entries of a pair cell: ``0_1:0.005`` (both named) or ``2:0.00099`` (the partner)."""
    for entry in (part for part in cell.text.split(";") if part.strip()):
        match = _ENTRY.fullmatch(entry)
        if match is None:
            raise CalibrationError(
                f"{cell.where}: {_shown(entry)} is not a pair entry; expected 'partner:value' (as in 2:0.00099) or "
                "'a_b:value' (as in 0_1:0.005), entries separated by ';'"
            )
        qubits = (int(match["a"]), int(match["b"])) if match["a"] else (cell.qubit, int(match["partner"]))
        for qubit in qubits:
            if qubit >= num_qubits:
                raise CalibrationError(
                    f"{cell.where}: {entry.strip()!r} names qubit {qubit}, out of range: the file has {num_qubits} "
                    f"qubits (0..{num_qubits - 1})"
                )
        if qubits[0] == qubits[1]:
            raise CalibrationError(f"{cell.where}: {entry.strip()!r} pairs qubit {qubits[0]} with itself")
        yield qubits, _number(match["value"], cell)


def _mangled(text: str) -> bool:
    """Whether a cell reads as a time or date a spreadsheet made of it (``1:68`` saved as ``02:08:00``)."""
    return ";" not in text and bool(_TIME_LIKE.search(text.strip()))


def _mangled_finding(cell: _Cell) -> Finding:
    """The finding for a pair cell a spreadsheet turned into a time: its values are left out."""
    what = "error" if cell.column.kind is ColumnKind.GATE_ERROR else "length"
    return make_finding(
        Subject.qubit(cell.qubit),
        FindingKind.INVALID_VALUE,
        cell.column.header,
        None,
        rule="a list of pairs such as '1:68'",
        action=f"a spreadsheet that re-saved the file turned this cell into the time {cell.text!r} (line "
        f"{cell.line}), so the {what} of these couplers is left out: re-download the CSV and open it without "
        "saving it, or import it with every column as text",
    )


def _derived_lengths(snapshot: _Snapshot, columns: list[Column]) -> None:
    """Lengths other columns state: the shared 1-qubit length, rz's 0 and measure's readout length."""
    gates = [column.name for column in columns if column.kind is ColumnKind.GATE_ERROR]
    for qubit, length in snapshot.one_qubit_lengths.items():
        for gate in (gate for gate in SHARED_LENGTH_GATES if gate in gates):
            snapshot.gates.setdefault((gate, (qubit,)), {})["gate_length"] = length
    for (gate, qubits), properties in snapshot.gates.items():
        if gate == "rz":
            properties.setdefault("gate_length", (0.0, "ns"))  # a virtual gate: a frame change, no time
        elif gate == "measure" and "readout_length" in snapshot.qubits[qubits[0]]:
            properties.setdefault("gate_length", snapshot.qubits[qubits[0]]["readout_length"])


def _document(snapshot: _Snapshot, backend: str, date: str) -> dict[str, Any]:
    """The ``BackendProperties`` dict: every property dated ``date``, gates in IBM's order (id0, …, cz0_1)."""

    def nduv(name: str, value: Value) -> dict[str, Any]:
        return {"date": date, "name": name, "unit": value[1], "value": value[0]}

    order = {gate: rank for rank, gate in enumerate(("id", "rx", "rz", "sx", "x", *PAIR_GATES, "measure"))}
    gates = [
        {
            "qubits": list(qubits),
            "gate": gate,
            "parameters": [
                nduv(name, properties[name]) for name in ("gate_error", "gate_length") if name in properties
            ],
            "name": f"{gate}{'_'.join(map(str, qubits))}",
        }
        for (gate, qubits), properties in sorted(snapshot.gates.items(), key=lambda item: order.get(item[0][0], 99))
    ]
    return {
        "backend_name": backend,
        "backend_version": "",
        "last_update_date": date,
        "qubits": [[nduv(name, value) for name, value in qubit.items()] for qubit in snapshot.qubits],
        "gates": gates,
        "general": [],
    }
