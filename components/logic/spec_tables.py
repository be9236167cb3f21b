"""A spec as the six editable tables, in the units a physicist reads.

Six tables, one row per thing a user thinks about:

- ``all_qubit``: one row per gate: depolarizing λ, Pauli terms, thermal relaxation, coherent
  error (ε and the two-qubit phases φ0, φ1 in rad).
- ``qubit_specific``: one row per (gate, qubits): the same kinds, per placement; relaxation
  values are listed per qubit ("52.1, 61.3"), ``inf`` for an infinite T1/T2.
- ``readout``: one row per qubit: P(1|0) and P(0|1).
- ``idle``: one row per qubit: T1, T2 and excited population while it waits (idle relaxation),
  and its free evolution: detuning δ (kHz) and Ramsey T2* (µs).
- ``crosstalk``: one row per pair of qubits: its static ZZ coupling ξ (kHz).
- ``correlated``: one row per group of 2–3 qubits read out together: its joint assignment matrix, row by row.

Every cell is text, read on the server: the browser sends what was typed (a number column there
would clamp 2 to its maximum or turn 'abc' into 0 before any rule could refuse it), and every
value goes through the same rules as the one-entry form. Units and digits: T1 and T2 are shown
in µs and gate times in ns (the spec holds ns), probabilities and λ with about four
significant digits (``humane``). Each row also keeps, in its ``exact`` column (never shown to
the user), the text each number cell was displayed with and the exact values behind it: a cell
left as shown, or retyped as the same numbers ('0.003906' for 0.00390625), reads back exactly,
so showing rounded numbers never changes the spec in force. Pauli terms are written
``"X:0.01, Z:0.02"``; the identity gets the remaining probability unless it is written.

Reading edited tables back into a spec, with problems in the user's terms, is
``components.logic.table_parsing``; how one cell is shown and read, ``components.logic.cells``; what
differs from the derived tables, ``components.logic.table_changes``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from components.logic.cells import EXACT, ORDER, SPEC_PER_SHOWN_UNIT, humane
from noise_core import NoiseSpec
from noise_core.spec.models import is_identity_pauli

ALL_QUBIT_COLUMNS = ["gate", "num_qubits", "depolarizing", "pauli", "t1", "t2", "time", "excited", "coherent", "phases"]
QUBIT_SPECIFIC_COLUMNS = [
    "gate",
    "qubits",
    "depolarizing",
    "pauli",
    "t1",
    "t2",
    "time",
    "excited",
    "coherent",
    "phases",
]
READOUT_COLUMNS = ["qubit", "p1_given_0", "p0_given_1"]
IDLE_COLUMNS = ["qubit", "t1", "t2", "excited", "detuning", "t2_star"]
CROSSTALK_COLUMNS = ["qubits", "zz"]
CORRELATED_COLUMNS = ["qubits", "matrix"]
RELAXATION_ATTRIBUTES = {"t1": "t1", "t2": "t2", "time": "time", "excited": "excited_state_population"}
IDLE_ATTRIBUTES = {"t1": "t1", "t2": "t2", "excited": "excited_state_population"}


def tables_from_spec(spec: NoiseSpec) -> dict[str, pd.DataFrame]:
    """The spec's channels as the six editable tables: texts in display units (object columns, which take
    whatever a browser sends), exact values kept."""
    return {
        "all_qubit": _all_qubit_table(spec),
        "qubit_specific": _qubit_specific_table(spec),
        "readout": _readout_table(spec),
        "idle": _idle_table(spec),
        "crosstalk": _crosstalk_table(spec),
        "correlated": _correlated_table(spec),
    }


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


def _add_coherent(row: dict[str, Any], entry: Any) -> None:
    """ε and, when set, the phases φ0, φ1 (rad) as texts; exact values kept."""
    _add_numbers(row, "coherent", (entry.angle,))
    if entry.phases is not None:
        _add_numbers(row, "phases", tuple(entry.phases))


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
    for index, coherent in enumerate(spec.gate_coherent_errors):
        _add_coherent(_add_order(row(coherent.gate, coherent.num_qubits), "gate_coherent_errors", index), coherent)
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
    for index, coherent in enumerate(spec.local_coherent_errors):
        _add_coherent(_add_order(row(coherent.gate, coherent.qubits), "local_coherent_errors", index), coherent)
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
    rows: dict[int, dict[str, Any]] = {}

    def row(qubit: int) -> dict[str, Any]:
        return rows.setdefault(qubit, {**dict.fromkeys(IDLE_COLUMNS), "qubit": str(qubit), EXACT: {}})

    for index, entry in enumerate(spec.idle_relaxation_errors):
        _add_relaxation(_add_order(row(entry.qubit), "idle_relaxation_errors", index), [entry], IDLE_ATTRIBUTES)
    for index, detuning in enumerate(spec.idle_detuning_errors):
        cells = _add_numbers(
            _add_order(row(detuning.qubit), "idle_detuning_errors", index), "detuning", (detuning.detuning,)
        )
        if detuning.t2_star is not None:
            _add_numbers(cells, "t2_star", (detuning.t2_star,))
    return pd.DataFrame(list(rows.values()), columns=[*IDLE_COLUMNS, EXACT], dtype=object)


def _crosstalk_table(spec: NoiseSpec) -> pd.DataFrame:
    rows = []
    for index, entry in enumerate(spec.zz_crosstalk_errors):
        row: dict[str, Any] = {"qubits": ",".join(map(str, entry.qubits)), EXACT: {}}
        rows.append(_add_order(_add_numbers(row, "zz", (entry.zz,)), "zz_crosstalk_errors", index))
    return pd.DataFrame(rows, columns=[*CROSSTALK_COLUMNS, EXACT], dtype=object)


def _correlated_table(spec: NoiseSpec) -> pd.DataFrame:
    """One row per group: its qubits and its joint matrix written row by row ('0.92, 0, 0, 0.08; …')."""
    rows = []
    for index, entry in enumerate(spec.correlated_readout_errors):
        matrix = entry.assignment_probabilities
        text = "; ".join(", ".join(humane(value) for value in row) for row in matrix)
        exact = {"matrix": (text, tuple(value for row in matrix for value in row))}
        row: dict[str, Any] = {"qubits": ",".join(map(str, entry.qubits)), "matrix": text, EXACT: exact}
        rows.append(_add_order(row, "correlated_readout_errors", index))
    return pd.DataFrame(rows, columns=[*CORRELATED_COLUMNS, EXACT], dtype=object)


def _pauli_text(terms: Iterable[Any]) -> str:
    return ", ".join(f"{term.pauli}:{term.probability!r}" for term in terms if not is_identity_pauli(term.pauli))
