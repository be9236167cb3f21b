"""One table cell in the user's units: how a number is shown, how a row's cells are read back, how rows are named.

A cell is text, read on the server: the browser sends what was typed, and every value goes
through the same rules as the one-entry form. Units and digits: T1 and T2 are shown in µs and
gate times in ns (the spec holds ns), probabilities and λ with about four significant digits
(``humane``). Each row also keeps, in its ``EXACT`` column (never shown to the user), the text each
number cell was displayed with and the exact values behind it: a cell left as shown, or retyped
as the same numbers ('0.003906' for 0.00390625), reads back exactly (``RowCells.unchanged``).
Each wrong cell is one problem naming the row as the user sees it and the column as labelled.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from noise_core.spec.coherent import COHERENT_AXES, coherent_axis
from noise_core.spec.gates import known_gate_arity, max_depolarizing_probability

PER_QUBIT_TABLES = frozenset({"readout", "idle"})
"""Tables with one row per qubit (keyed by ``qubit``)."""
QUBIT_SET_TABLES = {"crosstalk": ("ZZ", "zz"), "correlated": ("joint readout", "readout")}
"""Tables with one row per set of qubits (keyed by ``qubits``) and no gate: what a row is called ('ZZ of qubits
3,4') and the word the filter matches them by."""
EXACT = "exact"
"""Hidden column of the gate tables: {column: (displayed text, exact values in the spec's units)} and,
under ``ORDER``, {spec field: index of the row's entry in the spec it was built from}."""
ORDER = "order"
TABLE_KEYS = {
    "all_qubit": ("gate",),
    "qubit_specific": ("gate", "qubits"),
    "readout": ("qubit",),
    "idle": ("qubit",),
    "crosstalk": ("qubits",),
    "correlated": ("qubits",),
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
    "coherent": "coherent ε (rad)",
    "phases": "phases φ0, φ1 (rad)",
    "detuning": "detuning δ (kHz)",
    "t2_star": "T2* (µs)",
    "zz": "ZZ ξ (kHz)",
    "matrix": "joint matrix (row = prepared)",
    "qubit": "qubit",
    "p1_given_0": "P(1|0)",
    "p0_given_1": "P(0|1)",
}
"""Each column as the editor labels it; problems use the same words."""
SPEC_PER_SHOWN_UNIT = {
    "t1": 1000.0, "t2": 1000.0, "time": 1.0, "excited": 1.0, "depolarizing": 1.0, "p1_given_0": 1.0,
    "p0_given_1": 1.0, "coherent": 1.0, "phases": 1.0, "detuning": 1.0, "t2_star": 1000.0,
    "zz": 1.0, "matrix": 1.0,
}  # fmt: skip
"""Spec value (ns for times) per displayed unit of each number column: T1/T2/T2* in µs, gate time in ns."""
SIGNIFICANT_DIGITS = 4


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


_PAULI_TERM = re.compile(r"^\s*([IXYZ]+)\s*:\s*([^,]+?)\s*$")


class RowCells:
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

    def coherent(self, gate: str | None) -> dict[str, Any] | None:
        """The row's coherent error (ε and, on two-qubit gates, φ0, φ1; rad, within ±π) as entry fields."""
        axis = coherent_axis(gate) if gate else None
        if gate and axis is None:
            self.fail("coherent", f"needs a gate with a rotation axis ({', '.join(sorted(COHERENT_AXES))}); got {gate}")
            return None
        angle = self.number("coherent", low=-math.pi, high=math.pi)
        if not self.present("phases"):
            return None if angle is None else {"angle": angle, "phases": None}
        if axis != "zz":
            self.fail("phases", f"are for two-qubit gates (cz, ecr, cx, rzz, cp); clear the cell for {gate}")
            return None
        unchanged = self.unchanged("phases")
        phases = list(unchanged) if unchanged is not None else _numbers(str(self.row.get("phases")))
        if phases is None or len(phases) != 2 or not all(p is not None and abs(p) <= math.pi for p in phases):
            self.fail("phases", f"are two angles in rad within ±π, e.g. '0.01, -0.02'; got {self.shown('phases')!r}")
            return None
        return None if angle is None else {"angle": angle, "phases": phases}

    def unchanged(self, column: str) -> tuple[float | None, ...] | None:
        """The exact values behind a cell left as it was shown, or retyped as the same numbers; else None."""
        exact = exact_cells(self.row).get(column)
        if exact is None or not self.present(column):
            return None
        typed, shown = str(self.row.get(column)).strip(), exact[0]
        same = typed == shown or (_numbers(shown) is not None and _numbers(typed) == _numbers(shown))
        return exact[1] if same else None

    def matrix(self, column: str, size: int) -> list[list[float]] | None:
        """A size×size matrix typed row by row ('0.9, 0.1; 0.2, 0.8'), entries in [0, 1]: exact when the cell
        shows what it was given (the rows' sums are the spec's rule)."""
        unchanged = self.unchanged(column)
        if unchanged is not None and len(unchanged) == size * size:
            return [[float(value or 0.0) for value in unchanged[row * size : (row + 1) * size]] for row in range(size)]
        rows = [_numbers(",".join(re.split(r"[,\s]+", part.strip()))) for part in str(self.row.get(column)).split(";")]
        shape = [len(row) for row in rows if row is not None]
        if len(shape) != len(rows) or shape != [size] * size:
            self.fail(column, f"needs {size} rows of {size} numbers, rows separated by ';'; got {self.shown(column)!r}")
            return None
        numbers = [value for row in rows if row is not None for value in row]
        if not all(0.0 <= value <= 1.0 for value in numbers):
            self.fail(column, f"must hold probabilities between 0 and 1; got {self.shown(column)!r}")
            return None
        return [list(row) for row in rows if row is not None]

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

    def t2_within_limit(self, t1: float | None, t2: float | None, where: str = "", column: str = "t2") -> bool:
        """T2 (or T2*, ``column``) ≤ 2·T1 (ns, None = ∞), else a problem in the user's units."""
        if t1 is not None and (t2 is None or t2 > 2.0 * t1):
            shown = "inf" if t2 is None else humane(t2 / SPEC_PER_SHOWN_UNIT[column])
            limit = humane(2.0 * t1 / SPEC_PER_SHOWN_UNIT["t1"])
            self.fail(column, f"must be at most 2·T1 = {limit}{where}; got {shown}")
            return False
        return True


_RELAXATION_RULES: dict[str, tuple[Callable[[float], bool], str]] = {
    "t1": (lambda value: value > 0.0, "a positive number of µs"),
    "t2": (lambda value: value > 0.0, "a positive number of µs"),
    "t2_star": (lambda value: value > 0.0, "a positive number of µs"),
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


def entry_label(table: str, row: pd.Series | dict[str, Any]) -> str:
    """How a row is named in lists: 'qubit 3', 'cz on 3,4' or the gate."""
    if table in PER_QUBIT_TABLES:
        return f"qubit {qubit_label(row.get('qubit'))}"
    if table == "qubit_specific":
        return f"{row.get('gate')} on {row.get('qubits')}"
    if table in QUBIT_SET_TABLES:
        return f"{QUBIT_SET_TABLES[table][0]} of qubits {row.get('qubits')}"
    return str(row.get("gate"))


def row_label(table: str, position: int, row: pd.Series | dict[str, Any]) -> str:
    """How a problem names a row: 'readout of qubit 113', 'cz on qubits 3,4', 'sx on every qubit'.

    A row whose key is still blank is 'new qubit-specific row 7' (1-based).
    """
    if not is_present(row.get(TABLE_KEYS[table][0])):
        return f"new {table.replace('_', '-')} row {position + 1}"
    if table in PER_QUBIT_TABLES:
        return f"{table} of qubit {qubit_label(row.get('qubit'))}".replace("idle of", "waits of")
    if table in QUBIT_SET_TABLES:
        return f"{QUBIT_SET_TABLES[table][0]} of qubits {str(row.get('qubits')).strip()}"
    gate = str(row.get("gate")).strip()
    if table == "all_qubit":
        return f"{gate} on every qubit"
    qubits = str(row.get("qubits") or "").strip()
    return f"{gate} on qubit{'s' * (len(re.findall(r'[0-9]+', qubits)) > 1)} {qubits}"


def qubit_label(value: Any) -> str:
    """A qubit index as typed: 2.0 (a float column) shows as 2."""
    return str(int(value)) if isinstance(value, float | np.floating) and float(value).is_integer() else str(value)
