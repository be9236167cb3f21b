"""A spec as editable tables and back, with every problem tied to the row a user typed it in.

Three tables, one row per thing a user thinks about:

- ``all_qubit``: one row per gate: depolarizing λ, Pauli terms, thermal relaxation.
- ``qubit_specific``: one row per (gate, qubits): the same kinds, per placement; relaxation
  times are listed per qubit ("52000, 61000"), ``inf`` for an infinite T1/T2.
- ``readout``: one row per qubit: P(1|0) and P(0|1).

Pauli terms are written ``"X:0.01, Z:0.02"``; the identity gets the remaining probability
unless it is written. ``spec_from_tables`` validates through ``NoiseSpec`` and raises
``SpecEditError`` whose problems name the table, the row, the field and the rule. What
differs from the derived tables is ``components.table_changes``' concern.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from noise_core import NoiseSpec, NoiseStudioError, describe_validation_error
from noise_core.spec import assignment_from_flips

ALL_QUBIT_COLUMNS = ["gate", "num_qubits", "depolarizing", "pauli", "t1", "t2", "time", "excited"]
QUBIT_SPECIFIC_COLUMNS = ["gate", "qubits", "depolarizing", "pauli", "t1", "t2", "time", "excited"]
READOUT_COLUMNS = ["qubit", "p1_given_0", "p0_given_1"]
TABLE_KEYS = {
    "all_qubit": ("gate",),
    "qubit_specific": ("gate", "qubits"),
    "readout": ("qubit",),
}
"""Columns that identify a row when comparing with the derived tables."""


class SpecEditError(NoiseStudioError):
    """Edited tables that do not make a valid spec; ``problems`` has one line per broken rule."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def tables_from_spec(spec: NoiseSpec) -> dict[str, pd.DataFrame]:
    """The spec's channels as the three editable tables."""
    return {
        "all_qubit": _all_qubit_table(spec),
        "qubit_specific": _qubit_specific_table(spec),
        "readout": pd.DataFrame(
            [
                {
                    "qubit": entry.qubit,
                    "p1_given_0": entry.assignment_probabilities[0][1],
                    "p0_given_1": entry.assignment_probabilities[1][0],
                }
                for entry in spec.local_readout_errors
            ],
            columns=READOUT_COLUMNS,
        ),
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
    origins: dict[str, list[str]] = {}
    _collect(document, origins, problems, "all_qubit", tables["all_qubit"], _all_qubit_entries)
    _collect(document, origins, problems, "qubit_specific", tables["qubit_specific"], _qubit_specific_entries)
    _collect(document, origins, problems, "readout", tables["readout"], _readout_entries)
    if problems:
        raise SpecEditError(problems)
    try:
        return NoiseSpec.model_validate(document)
    except ValidationError as error:
        raise SpecEditError([_locate(problem, origins) for problem in describe_validation_error(error)]) from None


# --- spec → tables ------------------------------------------------------------------------


def _all_qubit_table(spec: NoiseSpec) -> pd.DataFrame:
    rows: dict[str, dict[str, Any]] = {}

    def row(gate: str, num_qubits: int) -> dict[str, Any]:
        return rows.setdefault(gate, {**dict.fromkeys(ALL_QUBIT_COLUMNS), "gate": gate, "num_qubits": num_qubits})

    for depolarizing in spec.gate_depolarizing_errors:
        row(depolarizing.gate, depolarizing.num_qubits)["depolarizing"] = depolarizing.probability
    for pauli in spec.gate_pauli_errors:
        row(pauli.gate, pauli.num_qubits)["pauli"] = _pauli_text(pauli.pauli_terms)
    for thermal in spec.gate_thermal_relaxation_errors:
        row(thermal.gate, 1).update(
            t1=thermal.t1, t2=thermal.t2, time=thermal.time, excited=thermal.excited_state_population
        )
    table = pd.DataFrame(list(rows.values()), columns=ALL_QUBIT_COLUMNS)
    return table.astype({"depolarizing": float, "t1": float, "t2": float, "time": float, "excited": float})


def _qubit_specific_table(spec: NoiseSpec) -> pd.DataFrame:
    rows: dict[tuple[str, tuple[int, ...]], dict[str, Any]] = {}

    def row(gate: str, qubits: list[int]) -> dict[str, Any]:
        key = (gate, tuple(qubits))
        return rows.setdefault(
            key, {**dict.fromkeys(QUBIT_SPECIFIC_COLUMNS), "gate": gate, "qubits": ",".join(map(str, qubits))}
        )

    for depolarizing in spec.local_depolarizing_errors:
        row(depolarizing.gate, depolarizing.qubits)["depolarizing"] = depolarizing.probability
    for pauli in spec.local_pauli_errors:
        row(pauli.gate, pauli.qubits)["pauli"] = _pauli_text(pauli.pauli_terms)
    for thermal in spec.local_thermal_relaxation_errors:
        relaxations = thermal.relaxations
        row(thermal.gate, thermal.qubits).update(
            t1=_list_text(r.t1 for r in relaxations),
            t2=_list_text(r.t2 for r in relaxations),
            time=_list_text(r.time for r in relaxations),
            excited=_list_text(r.excited_state_population for r in relaxations),
        )
    table = pd.DataFrame(list(rows.values()), columns=QUBIT_SPECIFIC_COLUMNS)
    return table.astype({"depolarizing": float})


def _pauli_text(terms: Iterable[Any]) -> str:
    return ", ".join(f"{term.pauli}:{term.probability!r}" for term in terms if term.pauli.strip("I"))


def _list_text(values: Iterable[float | None]) -> str:
    return ", ".join("inf" if value is None else repr(float(value)) for value in values)


# --- tables → spec ------------------------------------------------------------------------

RowParser = Callable[[pd.Series], dict[str, list[dict[str, Any]]]]


def _collect(
    document: dict[str, Any],
    origins: dict[str, list[str]],
    problems: list[str],
    table_name: str,
    table: pd.DataFrame,
    parse: RowParser,
) -> None:
    """Parse each row into spec entries, remembering which row each entry came from."""
    for position, (_, row) in enumerate(table.iterrows()):
        label = _row_label(table_name, position, row)
        if _is_blank(row):
            continue
        try:
            entries = parse(row)
        except ValueError as error:
            problems.append(f"{label}: {error}")
            continue
        for field, values in entries.items():
            document.setdefault(field, []).extend(values)
            origins.setdefault(field, []).extend([label] * len(values))


def _all_qubit_entries(row: pd.Series) -> dict[str, list[dict[str, Any]]]:
    gate = _text(row.get("gate"), "gate")
    num_qubits = _integer(row.get("num_qubits"), "num_qubits")
    entries: dict[str, list[dict[str, Any]]] = {}
    if is_present(row.get("depolarizing")):
        probability = _number(row.get("depolarizing"), "depolarizing")
        entries["gate_depolarizing_errors"] = [{"gate": gate, "num_qubits": num_qubits, "probability": probability}]
    if is_present(row.get("pauli")):
        terms = _pauli_terms(row.get("pauli"), num_qubits)
        entries["gate_pauli_errors"] = [{"gate": gate, "num_qubits": num_qubits, "pauli_terms": terms}]
    if any(is_present(row.get(column)) for column in ("t1", "t2", "time")):
        entries["gate_thermal_relaxation_errors"] = [
            {
                "gate": gate,
                "t1": _number(row.get("t1"), "t1"),
                "t2": _number(row.get("t2"), "t2"),
                "time": _number(row.get("time"), "time"),
                "excited_state_population": _number(row.get("excited"), "excited")
                if is_present(row.get("excited"))
                else 0.0,
            }
        ]
    return entries


def _qubit_specific_entries(row: pd.Series) -> dict[str, list[dict[str, Any]]]:
    gate = _text(row.get("gate"), "gate")
    qubits = parse_qubits(row.get("qubits"))
    entries: dict[str, list[dict[str, Any]]] = {}
    if is_present(row.get("depolarizing")):
        probability = _number(row.get("depolarizing"), "depolarizing")
        entries["local_depolarizing_errors"] = [
            {"gate": gate, "qubits": qubits, "num_qubits": len(qubits), "probability": probability}
        ]
    if is_present(row.get("pauli")):
        entries["local_pauli_errors"] = [
            {"gate": gate, "qubits": qubits, "pauli_terms": _pauli_terms(row.get("pauli"), len(qubits))}
        ]
    if any(is_present(row.get(column)) for column in ("t1", "t2", "time")):
        columns = {
            name: _per_qubit(row.get(name), name, len(qubits), infinite_allowed=name in ("t1", "t2"))
            for name in ("t1", "t2", "time")
        }
        excited = (
            _per_qubit(row.get("excited"), "excited", len(qubits), infinite_allowed=False)
            if is_present(row.get("excited"))
            else [0.0] * len(qubits)
        )
        entries["local_thermal_relaxation_errors"] = [
            {
                "gate": gate,
                "qubits": qubits,
                "relaxations": [
                    {"t1": t1, "t2": t2, "time": time, "excited_state_population": population}
                    for t1, t2, time, population in zip(
                        columns["t1"], columns["t2"], columns["time"], excited, strict=True
                    )
                ],
            }
        ]
    return entries


def _readout_entries(row: pd.Series) -> dict[str, list[dict[str, Any]]]:
    qubit = _integer(row.get("qubit"), "qubit")
    one_given_zero = _number(row.get("p1_given_0"), "P(1|0)")
    zero_given_one = _number(row.get("p0_given_1"), "P(0|1)")
    matrix = assignment_from_flips(one_given_zero, zero_given_one)
    return {"local_readout_errors": [{"qubit": qubit, "assignment_probabilities": matrix}]}


_PAULI_TERM = re.compile(r"^\s*([IXYZ]+)\s*:\s*([^,]+?)\s*$")


def _pauli_terms(text: Any, num_qubits: int) -> list[dict[str, Any]]:
    terms: list[dict[str, Any]] = []
    for part in str(text).split(","):
        match = _PAULI_TERM.match(part)
        if not match:
            raise ValueError(f"Pauli terms are written like 'X:0.01, Z:0.02'; could not read {part.strip()!r}")
        terms.append({"pauli": match.group(1), "probability": _number(match.group(2), f"Pauli {match.group(1)}")})
    identity = "I" * num_qubits
    if all(term["pauli"] != identity for term in terms):
        total = math.fsum(float(term["probability"]) for term in terms)
        if total > 1.0:
            raise ValueError(f"Pauli terms sum to {total:.6g} > 1; lower them (the identity takes the rest)")
        terms.insert(0, {"pauli": identity, "probability": 1.0 - total})
    return terms


def parse_qubits(value: Any) -> list[int]:
    """'3' or '3,4' → [3] or [3, 4]; anything else raises a ValueError saying how to write it."""
    text = str(value).strip() if is_present(value) else ""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise ValueError(f"qubits are written like '3' or '3,4' (non-negative integers); got {text!r}")
    return [int(part) for part in parts]


def _per_qubit(value: Any, name: str, count: int, *, infinite_allowed: bool) -> list[float | None]:
    parts = [part.strip() for part in str(value).split(",")] if is_present(value) else []
    if len(parts) == 1 and count > 1:
        parts = parts * count
    if len(parts) != count:
        raise ValueError(f"{name} needs one value per qubit ({count}), e.g. '52000, 61000'; got {value!r}")
    values: list[float | None] = []
    for part in parts:
        if infinite_allowed and part.lower() in ("inf", "∞"):
            values.append(None)
        else:
            values.append(_number(part, name))
    return values


def _number(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if math.isnan(number):
        raise ValueError(f"{name} is empty; enter a number")
    return number


def _integer(value: Any, name: str) -> int:
    number = _number(value, name)
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    return int(number)


def _text(value: Any, name: str) -> str:
    if not is_present(value) or not str(value).strip():
        raise ValueError(f"{name} is empty; enter a gate name such as 'sx' or 'cz'")
    return str(value).strip()


def is_present(value: Any) -> bool:
    """False for what a user left blank: None, NaN, or text of spaces only."""
    if value is None:
        return False
    if isinstance(value, float | np.floating) and math.isnan(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def _is_blank(row: pd.Series) -> bool:
    return not any(is_present(value) for value in row.to_numpy())


def entry_label(table: str, row: pd.Series) -> str:
    """How a row is named to a user: 'qubit 3', 'cz on 3,4' or the gate."""
    if table == "readout":
        return f"qubit {qubit_label(row.get('qubit'))}"
    if table == "qubit_specific":
        return f"{row.get('gate')} on {row.get('qubits')}"
    return str(row.get("gate"))


def _row_label(table: str, position: int, row: pd.Series) -> str:
    """'qubit-specific row 13 (cz on 3,4)': the table, the 1-based row, and the entry (or 'new row')."""
    name = {"all_qubit": "all-qubit", "qubit_specific": "qubit-specific", "readout": "readout"}[table]
    what = entry_label(table, row) if is_present(row.get(TABLE_KEYS[table][0])) else "new row"
    return f"{name} row {position + 1} ({what})"


def qubit_label(value: Any) -> str:
    """A qubit index as typed: 2.0 (a float column) shows as 2."""
    return str(int(value)) if isinstance(value, float | np.floating) and float(value).is_integer() else str(value)


def _locate(problem: Any, origins: dict[str, list[str]]) -> str:
    """'local_depolarizing_errors[12].probability: …' → 'qubit-specific row 13 (cz on 3,4): probability: …'."""
    match = re.match(r"^(\w+)\[(\d+)\](?:\.(.+))?$", problem.path)
    if match and match.group(1) in origins and int(match.group(2)) < len(origins[match.group(1)]):
        label = origins[match.group(1)][int(match.group(2))]
        field = match.group(3) or match.group(1)
        return f"{label}: {field}: {problem.message} [rule: {problem.rule}]"
    return f"{problem.path or 'spec'}: {problem.message} [rule: {problem.rule}]"
