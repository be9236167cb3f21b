"""A spec as editable tables and back, in the units a physicist reads, with problems in the user's terms.

Four tables, one row per thing a user thinks about:

- ``all_qubit``: one row per gate: depolarizing λ, Pauli terms, thermal relaxation.
- ``qubit_specific``: one row per (gate, qubits): the same kinds, per placement; relaxation
  values are listed per qubit ("52.1, 61.3"), ``inf`` for an infinite T1/T2.
- ``readout``: one row per qubit: P(1|0) and P(0|1).
- ``idle``: one row per qubit: T1, T2 and excited population while it waits (idle relaxation).

Every cell is text, read on the server: the browser sends what was typed (a number column there
would clamp 2 to its maximum or turn 'abc' into 0 before any rule could refuse it), and every
value goes through the same rules as the one-entry form. Units and digits: T1 and T2 are shown
in µs and gate times in ns (the spec holds ns), probabilities and λ with about four
significant digits (``humane``). Each row also keeps, in its ``exact`` column (never shown to
the user), the text each number cell was displayed with and the exact values behind it: a cell
left as shown, or retyped as the same numbers ('0.003906' for 0.00390625), reads back exactly,
so showing rounded numbers never changes the spec in force. Pauli terms are written
``"X:0.01, Z:0.02"``; the identity gets the remaining probability unless it is written.

``spec_from_tables`` raises ``SpecEditError`` with one problem per wrong field, naming the entry
as the user sees it and the column as labelled: "readout of qubit 113: P(1|0) must be between
0 and 1; got 2". What differs from the derived tables is ``components.logic.table_changes``' concern.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from noise_core import NoiseSpec, NoiseStudioError, describe_validation_error
from noise_core.spec import (
    DepolarizingNoiseOnGate,
    IdleRelaxationNoise,
    LocalDepolarizingNoiseOnGate,
    LocalPauliNoiseOnGate,
    LocalReadoutNoise,
    LocalThermalRelaxationNoiseOnGate,
    PauliNoiseOnGate,
    ThermalRelaxationNoiseOnGate,
    assignment_from_flips,
)
from noise_core.spec.base import SpecModel
from noise_core.spec.gates import known_gate_arity, max_depolarizing_probability
from noise_core.spec.models import entry_target, is_identity_pauli

ALL_QUBIT_COLUMNS = ["gate", "num_qubits", "depolarizing", "pauli", "t1", "t2", "time", "excited"]
QUBIT_SPECIFIC_COLUMNS = ["gate", "qubits", "depolarizing", "pauli", "t1", "t2", "time", "excited"]
READOUT_COLUMNS = ["qubit", "p1_given_0", "p0_given_1"]
IDLE_COLUMNS = ["qubit", "t1", "t2", "excited"]
PER_QUBIT_TABLES = frozenset({"readout", "idle"})
"""Tables with one row per qubit (keyed by ``qubit``)."""
EXACT = "exact"
"""Hidden column of the gate tables: {column: (displayed text, exact values in the spec's units)} and,
under ``ORDER``, {spec field: index of the row's entry in the spec it was built from}."""
ORDER = "order"
NEW_ROWS_AFTER = 1e12
"""Rows without a recorded place come after every entry that has one."""
TABLE_KEYS = {
    "all_qubit": ("gate",),
    "qubit_specific": ("gate", "qubits"),
    "readout": ("qubit",),
    "idle": ("qubit",),
}
"""Columns that identify a row when comparing with the derived tables."""
COLUMN_LABELS = {
    "gate": "gate",
    "num_qubits": "qubits (n)",
    "qubits": "qubits",
    "depolarizing": "depolarizing λ",
    "pauli": "Pauli terms",
    "t1": "T1 (µs)",
    "t2": "T2 (µs)",
    "time": "gate time (ns)",
    "excited": "excited pop.",
    "qubit": "qubit",
    "p1_given_0": "P(1|0)",
    "p0_given_1": "P(0|1)",
}
"""Each column as the editor labels it; problems use the same words."""
SPEC_PER_SHOWN_UNIT = {
    "t1": 1000.0, "t2": 1000.0, "time": 1.0, "excited": 1.0, "depolarizing": 1.0, "p1_given_0": 1.0,
    "p0_given_1": 1.0,
}  # fmt: skip
"""Spec value (ns for times) per displayed unit of each number column: T1/T2 in µs, gate time in ns."""
RELAXATION_ATTRIBUTES = {"t1": "t1", "t2": "t2", "time": "time", "excited": "excited_state_population"}
IDLE_ATTRIBUTES = {"t1": "t1", "t2": "t2", "excited": "excited_state_population"}
SIGNIFICANT_DIGITS = 4


class SpecEditError(NoiseStudioError):
    """Edited tables that do not make a valid spec; ``problems`` has one line per wrong field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def humane(value: float, digits: int = SIGNIFICANT_DIGITS) -> str:
    """``value`` with about ``digits`` significant digits and no exponent between 0.001 and 10⁹.

    Integer digits are never dropped: 66842.29367276978 → '66842', 66.84229 → '66.84',
    88.00000000000001 → '88', 0.00390625 → '0.003906'; below 0.001: '1.235e-04'.
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = abs(value)
    if magnitude < 1e-3 or magnitude >= 1e9:
        return f"{value:.{digits - 1}e}"
    decimals = max(0, digits - 1 - math.floor(math.log10(magnitude)))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def tables_from_spec(spec: NoiseSpec) -> dict[str, pd.DataFrame]:
    """The spec's channels as the four editable tables: texts in display units (object columns, which take
    whatever a browser sends), exact values kept."""
    return {
        "all_qubit": _all_qubit_table(spec),
        "qubit_specific": _qubit_specific_table(spec),
        "readout": _readout_table(spec),
        "idle": _idle_table(spec),
    }


def spec_from_tables(tables: dict[str, pd.DataFrame], base: NoiseSpec) -> NoiseSpec:
    """A validated spec from edited tables; ``base`` supplies the global readout, basis gates and provenance."""
    problems: list[str] = []
    document: dict[str, Any] = {
        "basis_gates": base.basis_gates,
        "readout_bit_flip_probability": base.readout_bit_flip_probability,
        "readout_assignment_probabilities": base.readout_assignment_probabilities,
        "provenance": base.provenance.model_dump() if base.provenance else None,
    }
    pending: dict[str, list[tuple[float, dict[str, Any], str]]] = {}
    _collect(pending, problems, "all_qubit", tables["all_qubit"], _all_qubit_entries)
    _collect(pending, problems, "qubit_specific", tables["qubit_specific"], _qubit_specific_entries)
    _collect(pending, problems, "readout", tables["readout"], _readout_entries)
    _collect(pending, problems, "idle", tables["idle"], _idle_entries)
    if problems:
        raise SpecEditError(problems)
    origins: dict[str, list[str]] = {}
    for field, items in pending.items():
        items.sort(key=lambda item: item[0])  # each entry back in its place in the spec the row came from
        document[field] = [entry for _order, entry, _label in items]
        origins[field] = [label for _order, _entry, label in items]
    try:
        return NoiseSpec.model_validate(document)
    except ValidationError as error:
        raise SpecEditError([_locate(problem, origins) for problem in describe_validation_error(error)]) from None


def spec_with_row(spec: NoiseSpec, table_name: str, row: dict[str, Any]) -> NoiseSpec:
    """``spec`` with the entries of one table row (its key unchanged) replaced by what the row now says.

    The one-entry form's path: it parses one row instead of every table (~0.2 s at 156 qubits).
    Each new entry is validated on its own; the whole-spec rules cannot break, since the entry
    keeps its gate, qubits and place.
    """
    pending: dict[str, list[tuple[float, dict[str, Any], str]]] = {}
    problems: list[str] = []
    _collect(pending, problems, table_name, pd.DataFrame([row]), _ROW_PARSERS[table_name])
    if problems:
        raise SpecEditError(problems)
    try:
        entries = {
            field: [_ENTRY_MODELS[field].model_validate(entry) for _order, entry, _label in items]
            for field, items in pending.items()
        }
    except ValidationError as error:
        where = entry_label(table_name, row)
        raise SpecEditError([f"{where}: {problem}" for problem in describe_validation_error(error)]) from None
    target = _row_target(table_name, row)
    updates: dict[str, list[Any]] = {}
    for field in _TABLE_FIELDS[table_name]:
        current = getattr(spec, field)
        place = next((index for index, entry in enumerate(current) if entry_target(entry) == target), len(current))
        kept = [entry for entry in current if entry_target(entry) != target]
        updates[field] = [*kept[:place], *entries.get(field, []), *kept[place:]]
    return spec.model_copy(update=updates)


def _row_target(table_name: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """The ``entry_target`` of a row's entries: (qubit,), (gate,) or (gate, qubits)."""
    if table_name in PER_QUBIT_TABLES:
        return (int(row["qubit"]),)
    if table_name == "all_qubit":
        return (str(row["gate"]).strip(),)
    return (str(row["gate"]).strip(), tuple(parse_qubits(row["qubits"])))


# --- spec → tables ------------------------------------------------------------------------


def _add_relaxation(
    row: dict[str, Any], relaxations: Sequence[Any], attributes: dict[str, str] = RELAXATION_ATTRIBUTES
) -> None:
    """T1/T2 (µs), time (ns) and excited population as texts, one value per qubit; exact values kept."""
    for column, attribute in attributes.items():
        _add_numbers(row, column, tuple(getattr(relaxation, attribute) for relaxation in relaxations))


def _add_numbers(row: dict[str, Any], column: str, values: tuple[float | None, ...]) -> dict[str, Any]:
    """The cell's text in the shown unit ('52.1, inf'), and under ``EXACT`` that text with the exact values."""
    text = ", ".join("inf" if value is None else humane(value / SPEC_PER_SHOWN_UNIT[column]) for value in values)
    row[column] = text
    row[EXACT][column] = (text, values)
    return row


def _add_order(row: dict[str, Any], field: str, index: int) -> dict[str, Any]:
    """Remember that the row holds entry ``index`` of the spec's ``field`` (so it reads back in place)."""
    row[EXACT].setdefault(ORDER, {})[field] = index
    return row


def _all_qubit_table(spec: NoiseSpec) -> pd.DataFrame:
    rows: dict[str, dict[str, Any]] = {}

    def row(gate: str, num_qubits: int) -> dict[str, Any]:
        empty: dict[str, Any] = {**dict.fromkeys(ALL_QUBIT_COLUMNS), EXACT: {}}  # a new dict per row
        return rows.setdefault(gate, {**empty, "gate": gate, "num_qubits": str(num_qubits)})

    for index, depolarizing in enumerate(spec.gate_depolarizing_errors):
        entry = _add_order(row(depolarizing.gate, depolarizing.num_qubits), "gate_depolarizing_errors", index)
        _add_numbers(entry, "depolarizing", (depolarizing.probability,))
    for index, pauli in enumerate(spec.gate_pauli_errors):
        entry = _add_order(row(pauli.gate, pauli.num_qubits), "gate_pauli_errors", index)
        entry["pauli"] = _pauli_text(pauli.pauli_terms)
    for index, thermal in enumerate(spec.gate_thermal_relaxation_errors):
        _add_relaxation(_add_order(row(thermal.gate, 1), "gate_thermal_relaxation_errors", index), [thermal])
    return pd.DataFrame(list(rows.values()), columns=[*ALL_QUBIT_COLUMNS, EXACT], dtype=object)


def _qubit_specific_table(spec: NoiseSpec) -> pd.DataFrame:
    rows: dict[tuple[str, tuple[int, ...]], dict[str, Any]] = {}

    def row(gate: str, qubits: list[int]) -> dict[str, Any]:
        empty: dict[str, Any] = {**dict.fromkeys(QUBIT_SPECIFIC_COLUMNS), EXACT: {}}
        return rows.setdefault((gate, tuple(qubits)), {**empty, "gate": gate, "qubits": ",".join(map(str, qubits))})

    for index, depolarizing in enumerate(spec.local_depolarizing_errors):
        entry = _add_order(row(depolarizing.gate, depolarizing.qubits), "local_depolarizing_errors", index)
        _add_numbers(entry, "depolarizing", (depolarizing.probability,))
    for index, pauli in enumerate(spec.local_pauli_errors):
        entry = _add_order(row(pauli.gate, pauli.qubits), "local_pauli_errors", index)
        entry["pauli"] = _pauli_text(pauli.pauli_terms)
    for index, thermal in enumerate(spec.local_thermal_relaxation_errors):
        _add_relaxation(
            _add_order(row(thermal.gate, thermal.qubits), "local_thermal_relaxation_errors", index), thermal.relaxations
        )
    return pd.DataFrame(list(rows.values()), columns=[*QUBIT_SPECIFIC_COLUMNS, EXACT], dtype=object)


def _readout_table(spec: NoiseSpec) -> pd.DataFrame:
    rows = []
    for index, entry in enumerate(spec.local_readout_errors):
        row: dict[str, Any] = {"qubit": str(entry.qubit), EXACT: {}}
        _add_numbers(row, "p1_given_0", (entry.assignment_probabilities[0][1],))
        _add_numbers(row, "p0_given_1", (entry.assignment_probabilities[1][0],))
        rows.append(_add_order(row, "local_readout_errors", index))
    return pd.DataFrame(rows, columns=[*READOUT_COLUMNS, EXACT], dtype=object)


def _idle_table(spec: NoiseSpec) -> pd.DataFrame:
    rows = []
    for index, entry in enumerate(spec.idle_relaxation_errors):
        row: dict[str, Any] = {"qubit": str(entry.qubit), EXACT: {}}
        _add_relaxation(_add_order(row, "idle_relaxation_errors", index), [entry], IDLE_ATTRIBUTES)
        rows.append(row)
    return pd.DataFrame(rows, columns=[*IDLE_COLUMNS, EXACT], dtype=object)


def _pauli_text(terms: Iterable[Any]) -> str:
    return ", ".join(f"{term.pauli}:{term.probability!r}" for term in terms if not is_identity_pauli(term.pauli))


# --- tables → spec ------------------------------------------------------------------------

RowParser = Callable[["_Cells"], dict[str, list[dict[str, Any]]]]


def _collect(
    pending: dict[str, list[tuple[float, dict[str, Any], str]]],
    problems: list[str],
    table_name: str,
    table: pd.DataFrame,
    parse: RowParser,
) -> None:
    """Parse each row into (place in the spec, entry, row label) per spec field; a row listed twice is a problem.

    An entry read from a row built from a spec keeps that spec's position; new rows follow, in table order.
    """
    seen: dict[tuple[str, ...], int] = {}
    for position, row in enumerate(table.to_dict("records")):
        if _is_blank(row):
            continue
        cells = _Cells(row, row_label(table_name, position, row))
        entries = parse(cells)
        key = tuple(_key_text(row.get(column)) for column in TABLE_KEYS[table_name])
        if key in seen and not cells.problems:
            cells.problems.append(f"{cells.where}: listed twice (rows {seen[key] + 1} and {position + 1}); keep one")
        seen.setdefault(key, position)
        if cells.problems:
            problems.extend(cells.problems)
            continue
        order = exact_cells(row).get(ORDER, {})
        for field, values in entries.items():
            place = order.get(field, NEW_ROWS_AFTER + position)
            pending.setdefault(field, []).extend((place, value, cells.where) for value in values)


def _key_text(value: Any) -> str:
    return qubit_label(value).replace(" ", "") if is_present(value) else ""


def _all_qubit_entries(cells: _Cells) -> dict[str, list[dict[str, Any]]]:
    gate = cells.gate()
    num_qubits = cells.arity(gate, "num_qubits", cells.integer("num_qubits", low=1))
    entries: dict[str, list[dict[str, Any]]] = {}
    if cells.present("depolarizing"):
        probability = cells.depolarizing(num_qubits)
        entries["gate_depolarizing_errors"] = [{"gate": gate, "num_qubits": num_qubits, "probability": probability}]
    if cells.present("pauli"):
        terms = cells.pauli_terms(num_qubits)
        entries["gate_pauli_errors"] = [{"gate": gate, "num_qubits": num_qubits, "pauli_terms": terms}]
    if any(cells.present(column) for column in ("t1", "t2", "time")):
        relaxation = cells.relaxations(1, infinite_allowed=False)
        entries["gate_thermal_relaxation_errors"] = [{"gate": gate, **relaxation[0]}] if relaxation else []
    return entries


def _qubit_specific_entries(cells: _Cells) -> dict[str, list[dict[str, Any]]]:
    gate = cells.gate()
    qubits = cells.qubits()
    count = cells.arity(gate, "qubits", len(qubits) if qubits else None)
    entries: dict[str, list[dict[str, Any]]] = {}
    if cells.present("depolarizing"):
        probability = cells.depolarizing(count)
        entries["local_depolarizing_errors"] = [
            {"gate": gate, "qubits": qubits, "num_qubits": count, "probability": probability}
        ]
    if cells.present("pauli"):
        terms = cells.pauli_terms(count)
        entries["local_pauli_errors"] = [{"gate": gate, "qubits": qubits, "pauli_terms": terms}]
    if any(cells.present(column) for column in ("t1", "t2", "time")) and count:
        relaxations = cells.relaxations(count, infinite_allowed=True, qubits=qubits)
        entries["local_thermal_relaxation_errors"] = [{"gate": gate, "qubits": qubits, "relaxations": relaxations}]
    return entries


def _readout_entries(cells: _Cells) -> dict[str, list[dict[str, Any]]]:
    qubit = cells.integer("qubit", low=0)
    one_given_zero = cells.number("p1_given_0", low=0.0, high=1.0)
    zero_given_one = cells.number("p0_given_1", low=0.0, high=1.0)
    if one_given_zero is None or zero_given_one is None:
        return {}
    matrix = assignment_from_flips(one_given_zero, zero_given_one)
    return {"local_readout_errors": [{"qubit": qubit, "assignment_probabilities": matrix}]}


def _idle_entries(cells: _Cells) -> dict[str, list[dict[str, Any]]]:
    qubit = cells.integer("qubit", low=0)
    t1, t2 = (cells.per_qubit(column, 1, infinite_allowed=True) for column in ("t1", "t2"))
    excited = cells.per_qubit("excited", 1, infinite_allowed=False) if cells.present("excited") else [0.0]
    if t1 is None or t2 is None or excited is None or not cells.t2_within_limit(t1[0], t2[0]):
        return {}
    entry = {"qubit": qubit, "t1": t1[0], "t2": t2[0], "excited_state_population": excited[0]}
    return {"idle_relaxation_errors": [entry]}


_ROW_PARSERS: dict[str, RowParser] = {
    "all_qubit": _all_qubit_entries,
    "qubit_specific": _qubit_specific_entries,
    "readout": _readout_entries,
    "idle": _idle_entries,
}
_TABLE_FIELDS = {
    "all_qubit": ("gate_depolarizing_errors", "gate_pauli_errors", "gate_thermal_relaxation_errors"),
    "qubit_specific": ("local_depolarizing_errors", "local_pauli_errors", "local_thermal_relaxation_errors"),
    "readout": ("local_readout_errors",),
    "idle": ("idle_relaxation_errors",),
}
_ENTRY_MODELS: dict[str, type[SpecModel]] = {
    "gate_depolarizing_errors": DepolarizingNoiseOnGate,
    "gate_pauli_errors": PauliNoiseOnGate,
    "gate_thermal_relaxation_errors": ThermalRelaxationNoiseOnGate,
    "local_depolarizing_errors": LocalDepolarizingNoiseOnGate,
    "local_pauli_errors": LocalPauliNoiseOnGate,
    "local_thermal_relaxation_errors": LocalThermalRelaxationNoiseOnGate,
    "local_readout_errors": LocalReadoutNoise,
    "idle_relaxation_errors": IdleRelaxationNoise,
}

_PAULI_TERM = re.compile(r"^\s*([IXYZ]+)\s*:\s*([^,]+?)\s*$")


class _Cells:
    """One row's cells read in the user's units; each wrong cell adds one problem and reads as None."""

    def __init__(self, row: dict[str, Any], where: str) -> None:
        self.row = row
        self.where = where
        self.problems: list[str] = []

    def present(self, column: str) -> bool:
        return is_present(self.row.get(column))

    def fail(self, column: str, rule: str) -> None:
        self.problems.append(f"{self.where}: {COLUMN_LABELS[column]} {rule}")

    def shown(self, column: str) -> str:
        """The cell as the user sees it: typed text as typed, numbers with their significant digits."""
        value = self.row.get(column)
        if isinstance(value, int | float | np.number) and not isinstance(value, bool):
            return humane(float(value), 8)
        return str(value).strip()

    def number(
        self, column: str, *, low: float | None = None, high: float | None = None, why: str = ""
    ) -> float | None:
        """A required number in ``[low, high]``; ``why`` explains the bounds (' (4ⁿ/(4ⁿ−1) for 2 qubits)')."""
        if not self.present(column):
            self.fail(column, "is empty; enter a number")
            return None
        unchanged = self.unchanged(column)
        number = unchanged[0] if unchanged is not None and len(unchanged) == 1 else _to_float(self.row.get(column))
        if number is None:
            self.fail(column, f"must be a number; got {self.shown(column)!r}")
        elif (low is not None and number < low) or (high is not None and number > high):
            bounds = (
                f"between {humane(low or 0.0, 6)} and {humane(high, 6)}" if high is not None else f"at least {low:g}"
            )
            self.fail(column, f"must be {bounds}{why}; got {self.shown(column)}")
            return None
        return number

    def integer(self, column: str, *, low: int) -> int | None:
        number = self.number(column, low=low)
        if number is not None and not number.is_integer():
            self.fail(column, f"must be a whole number; got {self.shown(column)}")
            return None
        return None if number is None else int(number)

    def gate(self) -> str | None:
        if not self.present("gate"):
            self.fail("gate", "is empty; enter a gate name such as 'sx' or 'cz'")
            return None
        return str(self.row["gate"]).strip()

    def qubits(self) -> list[int] | None:
        try:
            qubits = parse_qubits(self.row.get("qubits"))
        except ValueError as error:
            self.problems.append(f"{self.where}: {error}")
            return None
        if len(set(qubits)) != len(qubits):
            self.fail("qubits", f"must be distinct; got {self.shown('qubits')}")
            return None
        return qubits

    def arity(self, gate: str | None, column: str, count: int | None) -> int | None:
        """``count`` when it matches what Qiskit's ``gate`` acts on (or the gate is not a standard one)."""
        arity = known_gate_arity(gate) if gate and count else None
        if arity is not None and arity != count:
            what = "list" if column == "qubits" else "be"
            self.fail(column, f"must {what} {arity} qubit{'s' * (arity != 1)} for {gate}; got {count}")
            return None
        return count

    def depolarizing(self, num_qubits: int | None) -> float | None:
        """λ in [0, 4ⁿ/(4ⁿ−1)] for a gate on ``num_qubits`` qubits (only ≥ 0 checked when unknown)."""
        if not num_qubits:
            return self.number("depolarizing", low=0.0)
        why = f" (4ⁿ/(4ⁿ−1) for {num_qubits} qubit{'s' * (num_qubits != 1)})"
        return self.number("depolarizing", low=0.0, high=max_depolarizing_probability(num_qubits), why=why)

    def pauli_terms(self, num_qubits: int | None) -> list[dict[str, Any]] | None:
        terms: list[dict[str, Any]] = []
        for part in str(self.row.get("pauli")).split(","):
            match = _PAULI_TERM.match(part)
            probability = _to_float(match.group(2)) if match else None
            if not match or probability is None or not 0.0 <= probability <= 1.0:
                self.fail("pauli", f"are written like 'X:0.01, Z:0.02' (probabilities 0 to 1); got {part.strip()!r}")
                return None
            if num_qubits and len(match.group(1)) != num_qubits:
                self.fail("pauli", f"need {num_qubits} letter(s) per term, one per qubit; got {match.group(1)!r}")
                return None
            terms.append({"pauli": match.group(1), "probability": probability})
        identity = "I" * (num_qubits or len(terms[0]["pauli"]))
        if all(term["pauli"] != identity for term in terms):
            total = math.fsum(float(term["probability"]) for term in terms)
            if total > 1.0:
                self.fail("pauli", f"sum to {total:.6g} > 1; lower them (the identity takes the rest)")
                return None
            terms.insert(0, {"pauli": identity, "probability": 1.0 - total})
        return terms

    def unchanged(self, column: str) -> tuple[float | None, ...] | None:
        """The exact values behind a cell left as it was shown, or retyped as the same numbers; else None."""
        exact = exact_cells(self.row).get(column)
        if exact is None or not self.present(column):
            return None
        typed, shown = str(self.row.get(column)).strip(), exact[0]
        same = typed == shown or (_numbers(shown) is not None and _numbers(typed) == _numbers(shown))
        return exact[1] if same else None

    def per_qubit(self, column: str, count: int, *, infinite_allowed: bool) -> list[float | None] | None:
        """One value per qubit in the spec's units (ns): exact when the cell shows what it was given."""
        text = str(self.row.get(column)).strip() if self.present(column) else ""
        unchanged = self.unchanged(column)
        if unchanged is not None and len(unchanged) == count:
            return list(unchanged)
        rule, meaning = _RELAXATION_RULES[column]
        if not text:
            self.fail(column, f"is empty; enter {meaning}")
            return None
        parts = [part.strip() for part in text.split(",")]
        parts = parts * count if len(parts) == 1 else parts
        if len(parts) != count:
            example = ", ".join(["52.1", "61.3", "48.7"][:count])
            self.fail(column, f"needs one value per qubit ({count}), e.g. '{example}'; got {text!r}")
            return None
        values: list[float | None] = []
        for part in parts:
            if infinite_allowed and part.lower() in ("inf", "∞"):
                values.append(None)
                continue
            number = _to_float(part)
            if number is None or not rule(number):
                hint = " (inf is for qubit-specific rows)" if column in ("t1", "t2") and not infinite_allowed else ""
                self.fail(column, f"must be {meaning}{hint}; got {part!r}")
                return None
            values.append(number * SPEC_PER_SHOWN_UNIT[column])
        return values

    def relaxations(
        self, count: int, *, infinite_allowed: bool, qubits: list[int] | None = None
    ) -> list[dict[str, Any]]:
        """Per-qubit T1, T2, time and excited population; T2 ≤ 2·T1 checked on each qubit."""
        columns = {
            column: self.per_qubit(column, count, infinite_allowed=infinite_allowed and column in ("t1", "t2"))
            for column in ("t1", "t2", "time")
        }
        excited = self.per_qubit("excited", count, infinite_allowed=False) if self.present("excited") else [0.0] * count
        if excited is None or any(values is None for values in columns.values()):
            return []
        relaxations = []
        for index, (t1, t2, time, population) in enumerate(
            zip(columns["t1"] or [], columns["t2"] or [], columns["time"] or [], excited, strict=True)
        ):
            self.t2_within_limit(t1, t2, f" on qubit {qubits[index]}" if qubits and len(qubits) > 1 else "")
            relaxations.append({"t1": t1, "t2": t2, "time": time, "excited_state_population": population})
        return relaxations

    def t2_within_limit(self, t1: float | None, t2: float | None, where: str = "") -> bool:
        """T2 ≤ 2·T1 (ns, None = ∞), else a problem in the user's units."""
        if t1 is not None and (t2 is None or t2 > 2.0 * t1):
            shown = "inf" if t2 is None else humane(t2 / SPEC_PER_SHOWN_UNIT["t2"])
            limit = humane(2.0 * t1 / SPEC_PER_SHOWN_UNIT["t1"])
            self.fail("t2", f"must be at most 2·T1 = {limit}{where}; got {shown}")
            return False
        return True


_RELAXATION_RULES: dict[str, tuple[Callable[[float], bool], str]] = {
    "t1": (lambda value: value > 0.0, "a positive number of µs"),
    "t2": (lambda value: value > 0.0, "a positive number of µs"),
    "time": (lambda value: value >= 0.0, "a number of ns, 0 or more"),
    "excited": (lambda value: 0.0 <= value <= 1.0, "between 0 and 1"),
}


def _numbers(text: str) -> tuple[float, ...] | None:
    """'52.1, inf' → (52.1, inf): the numbers a cell's text lists, or None when any part is not one."""
    try:
        return tuple(float(part) for part in text.replace("∞", "inf").split(","))
    except ValueError:
        return None


def _to_float(value: Any) -> float | None:
    """A finite number from a cell or a typed text, else None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def parse_qubits(value: Any) -> list[int]:
    """'3' or '3,4' → [3] or [3, 4]; anything else raises a ValueError saying how to write it."""
    text = str(value).strip() if is_present(value) else ""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise ValueError(f"qubits are written like '3' or '3,4' (non-negative integers); got {text!r}")
    return [int(part) for part in parts]


def is_present(value: Any) -> bool:
    """False for what a user left blank: None, NaN, or text of spaces only."""
    if value is None:
        return False
    if isinstance(value, float | np.floating) and math.isnan(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def exact_cells(row: pd.Series | dict[str, Any]) -> dict[str, Any]:
    """The row's hidden exact values (``EXACT``); empty for a row typed in (blank, None or NaN there)."""
    exact = row.get(EXACT)
    return exact if isinstance(exact, dict) else {}


def _is_blank(row: dict[str, Any]) -> bool:
    return not any(is_present(value) for column, value in row.items() if column != EXACT)


def entry_label(table: str, row: pd.Series | dict[str, Any]) -> str:
    """How a row is named in lists: 'qubit 3', 'cz on 3,4' or the gate."""
    if table in PER_QUBIT_TABLES:
        return f"qubit {qubit_label(row.get('qubit'))}"
    if table == "qubit_specific":
        return f"{row.get('gate')} on {row.get('qubits')}"
    return str(row.get("gate"))


def row_label(table: str, position: int, row: pd.Series | dict[str, Any]) -> str:
    """How a problem names a row: 'readout of qubit 113', 'cz on qubits 3,4', 'sx on every qubit'.

    A row whose key is still blank is 'new qubit-specific row 7' (1-based).
    """
    if not is_present(row.get(TABLE_KEYS[table][0])):
        return f"new {table.replace('_', '-')} row {position + 1}"
    if table in PER_QUBIT_TABLES:
        return f"{table} of qubit {qubit_label(row.get('qubit'))}".replace("idle of", "idle relaxation of")
    gate = str(row.get("gate")).strip()
    if table == "all_qubit":
        return f"{gate} on every qubit"
    qubits = str(row.get("qubits") or "").strip()
    return f"{gate} on qubit{'s' * (len(re.findall(r'[0-9]+', qubits)) > 1)} {qubits}"


def qubit_label(value: Any) -> str:
    """A qubit index as typed: 2.0 (a float column) shows as 2."""
    return str(int(value)) if isinstance(value, float | np.floating) and float(value).is_integer() else str(value)


_FIELD_COLUMNS = {
    "probability": "depolarizing",
    "num_qubits": "num_qubits",
    "qubits": "qubits",
    "gate": "gate",
    "pauli_terms": "pauli",
    "t1": "t1",
    "t2": "t2",
    "time": "time",
    "excited_state_population": "excited",
    "qubit": "qubit",
}
_ENTRY_REFERENCE = re.compile(r"\b(\w+_errors)\[(\d+)\]")


def _locate(problem: Any, origins: dict[str, list[str]]) -> str:
    """A rule only the whole spec checks, tied to its row and column: 'cz on qubits 3,4: gate: …'.

    Spec paths in the message ('local_depolarizing_errors[3]') are replaced by the rows they came from.
    """

    def row_of(match: re.Match[str]) -> str:
        labels = origins.get(match.group(1), [])
        index = int(match.group(2))
        return labels[index] if index < len(labels) else match.group(0)

    message = _ENTRY_REFERENCE.sub(row_of, problem.message)
    match = re.match(r"^(\w+)\[(\d+)\](?:\.(.+))?$", problem.path)
    if match and match.group(1) in origins and int(match.group(2)) < len(origins[match.group(1)]):
        label = origins[match.group(1)][int(match.group(2))]
        field = re.sub(r"\[\d+\]", "", (match.group(3) or "").split(".")[-1])
        column = COLUMN_LABELS.get(_FIELD_COLUMNS.get(field, ""), field)
        return f"{label}: {column + ': ' if column else ''}{message}"
    return f"{problem.path or 'spec'}: {message}"
