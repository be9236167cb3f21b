"""What an edited spec changed against the derived one, row by row; resets; the table filter.

Rows are compared by their key columns (``cells.TABLE_KEYS``): a row equal to the
derived row with the same key came from the calibration, a different one was edited, a new
key was added, a missing one removed. Each change lists its values in the editor's units and
labels ("P(1|0) 0.003906 → 0.3", "T1 (µs) 120.3 → 80"); ``summarize_changes`` counts them for
bulk changes ("1,796 entries removed: 1,484 qubit-specific, 156 readout, 156 idle").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from components.logic.caches import SharedCache
from components.logic.cells import (
    COLUMN_LABELS,
    EXACT,
    ORDER,
    PER_QUBIT_TABLES,
    QUBIT_SET_TABLES,
    SIGNIFICANT_DIGITS,
    SPEC_PER_SHOWN_UNIT,
    TABLE_KEYS,
    entry_label,
    exact_cells,
    humane,
    is_present,
    qubit_label,
)

CHANGE_COLUMNS = ["table", "entry", "change", "values", "gate", "qubits"]
"""One row per changed entry; ``gate`` and ``qubits`` ("3,4", "" for all-qubit rows) serve the filter."""
Row = Mapping[str, Any]
"""A table row as a dict (``DataFrame.to_dict('records')``)."""
TABLE_WORDS = {
    "qubit_specific": "qubit-specific", "all_qubit": "all-qubit", "readout": "readout", "idle": "idle",
    "crosstalk": "ZZ crosstalk", "correlated": "correlated readout",
}  # fmt: skip


def row_status(edited: pd.DataFrame, derived: pd.DataFrame, table: str) -> pd.Series:
    """'calibration' where a row equals the derived row with the same key, else 'edited' or 'added'."""
    reference = _signatures(derived, table)
    statuses = []
    for key, signature in _signatures(edited, table, unique=False):
        known = reference.get(key)
        statuses.append("added" if known is None else ("calibration" if known == signature else "edited"))
    return pd.Series(statuses, index=edited.index, name="source", dtype=object)


_SIGNATURES_KEPT = 16
_SIGNATURES: SharedCache[tuple[pd.DataFrame, list[Any]]] = SharedCache(_SIGNATURES_KEPT, "first in")
"""(table, its rows' signatures) by (id of the table, its name), shared by every session (first in out)."""


def _signatures(table: pd.DataFrame, name: str, *, unique: bool = True) -> Any:
    """(key, values) per row with blanks as None and numbers as floats; a dict when ``unique``.

    Kept per table object (the tables of a spec are built once, cached, and never changed in
    place), so the derived tables and a new spec's tables are read once for both the editors'
    source column and the changes list (~0.1 s each at 156 qubits).
    """
    pairs = _SIGNATURES.get_or_compute((id(table), name), lambda: (table, _read_signatures(table, name)))[1]
    return dict(pairs) if unique else pairs


def _read_signatures(table: pd.DataFrame, name: str) -> list[Any]:
    keys = TABLE_KEYS[name]
    values = [column for column in table.columns if column not in keys and column != "source"]
    width = len(keys)
    pairs = [
        (tuple(map(_normal, row[:width])), tuple(map(_normal, row[width:])))
        for row in table[[*keys, *values]].itertuples(index=False, name=None)
    ]
    return pairs


def _normal(value: Any) -> Any:
    if isinstance(value, dict):  # the hidden exact values; where a row sat in its spec does not count
        return tuple(sorted((column, cell[1]) for column, cell in value.items() if column != ORDER))
    if not is_present(value):
        return None
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return float(value)
    return str(value).strip()


def changes_from_derived(current: dict[str, pd.DataFrame], derived: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per entry that differs from the derived tables (``CHANGE_COLUMNS``).

    ``change`` is edited, added or removed; ``values`` shows an edit as old → new per changed
    column and an added entry by its values (a removed one has none).
    """
    rows = []
    for name in TABLE_KEYS:
        now, before = current[name], derived[name]
        mine, theirs = _signatures(now, name, unique=False), _signatures(before, name, unique=False)
        reference = dict(theirs)
        derived_rows = before.to_dict("records")
        where = {key: number for number, (key, _values) in enumerate(theirs)}
        for number, (key, signature) in enumerate(mine):
            known = reference.get(key)
            if known == signature:
                continue
            row = now.iloc[number].to_dict()
            old = None if known is None else derived_rows[where[key]]
            rows.append(_change_row(name, row, "added" if old is None else "edited", _values(row, old)))
        present = {key for key, _values in mine}
        rows += [
            _change_row(name, derived_rows[number], "removed", "")
            for number, (key, _values) in enumerate(theirs)
            if key not in present
        ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _change_row(table: str, row: Row, change: str, values: str) -> dict[str, Any]:
    qubits = qubit_label(row.get("qubit")) if table in PER_QUBIT_TABLES else str(row.get("qubits") or "")
    gate = None if table in PER_QUBIT_TABLES or table in QUBIT_SET_TABLES else row.get("gate")
    return {
        "table": table,
        "entry": entry_label(table, row),
        "change": change,
        "values": values,
        "gate": gate,
        "qubits": qubits,
    }


def _values(row: Row, old: Row | None) -> str:
    """'P(1|0) 0.003906 → 0.3; T1 (µs) 120.3 → 80' against ``old``, else 'P(1|0) 0.3; P(0|1) 0.01'."""
    columns = [column for column in row if column not in (*_KEY_COLUMNS, EXACT, "source")]
    if old is None:
        shown = [(COLUMN_LABELS.get(column, column), _shown(row, column)) for column in columns]
        return "; ".join(f"{label} {text}" for label, text in shown if text != "—")
    parts = []
    for column in columns:
        if _normal(old.get(column)) == _normal(row.get(column)) and _exact(old, column) == _exact(row, column):
            continue
        before, after = _shown(old, column), _shown(row, column)
        if before == after:  # the values differ beyond the digits shown
            before, after = _shown(old, column, digits=10), _shown(row, column, digits=10)
        parts.append(f"{COLUMN_LABELS.get(column, column)} {before} → {after}")
    return "; ".join(parts)


_KEY_COLUMNS = ("gate", "qubits", "qubit", "num_qubits")


def _exact(row: Row, column: str) -> tuple[str, tuple[float | None, ...]] | None:
    """(displayed text, exact values in ns) of a relaxation cell built from a spec, else None."""
    return exact_cells(row).get(column)


def _shown(row: Row, column: str, *, digits: int = SIGNIFICANT_DIGITS) -> str:
    """A cell as the editor shows it ('—' when blank), or with more ``digits`` where two values look alike."""
    value = row.get(column)
    if not is_present(value):
        return "—"
    exact = _exact(row, column)
    if digits > SIGNIFICANT_DIGITS and exact is not None and str(value).strip() == exact[0]:
        scale = SPEC_PER_SHOWN_UNIT[column]
        return ", ".join("inf" if item is None else humane(item / scale, digits) for item in exact[1])
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return humane(float(value), digits)
    return str(value).strip()


def summarize_changes(changes: pd.DataFrame) -> list[str]:
    """One line per kind of change: '1,796 entries removed: 1,484 qubit-specific, 156 readout, 156 idle'."""
    lines = []
    for change in ("edited", "added", "removed"):
        chosen = changes[changes["change"] == change]
        if chosen.empty:
            continue
        counts = chosen["table"].value_counts()
        parts = ", ".join(f"{counts[name]:,} {TABLE_WORDS[name]}" for name in TABLE_KEYS if name in counts)
        lines.append(f"{len(chosen):,} entr{'y' if len(chosen) == 1 else 'ies'} {change}: {parts}")
    return lines


def reset_entry(
    current: dict[str, pd.DataFrame], derived: dict[str, pd.DataFrame], table: str, entry: str, change: str
) -> dict[str, pd.DataFrame]:
    """Tables with one entry put back as derived: an edited row restored in place, an added one
    dropped, a removed one appended."""
    tables = {name: frame.copy() for name, frame in current.items()}
    frame, reference = tables[table], derived[table]
    here = [position for position, row in frame.iterrows() if entry_label(table, row) == entry]
    there = [position for position, row in reference.iterrows() if entry_label(table, row) == entry]
    if change == "edited":
        frame.loc[here[0]] = reference.loc[there[0]]
    elif change == "added":
        frame = frame.drop(index=here)
    else:
        frame = pd.concat([frame, reference.loc[there]], ignore_index=True)
    tables[table] = frame
    return tables


def rows_matching(table: pd.DataFrame, name: str, text: str) -> pd.Series:
    """Rows of ``table`` that the filter ``text`` asks for (all when it is empty).

    Terms are separated by commas, semicolons or spaces. Qubit numbers are alternatives, and so are
    gate names; the two combine: '113, 114' is either qubit, 'cz' every cz entry, '113 cz' the cz
    entries on qubit 113. A per-qubit table (readout, idle) has no gate: it shows the listed qubits; an
    all-qubit row acts on every qubit, so only its gate is matched.
    """
    words = re.split(r"[,;\s]+", str(text or "").strip())
    qubits = {word for word in words if word.isdigit()}
    gates = {word for word in words if word and not word.isdigit()}
    if not qubits and not gates:
        return pd.Series(True, index=table.index)
    if name in PER_QUBIT_TABLES:
        return table["qubit"].map(lambda qubit: qubit_label(qubit) in qubits).astype(bool)
    if name in QUBIT_SET_TABLES:  # no gate: a row matches its qubits, and its table's word ('zz', 'readout')
        word = QUBIT_SET_TABLES[name][1]
        listed = [{q.strip() for q in str(value).split(",")} for value in table["qubits"]]
        matches = [(not qubits or bool(qubits & mine)) and (not gates or word in gates) for mine in listed]
        return pd.Series(matches, index=table.index, dtype=bool)
    every_qubit = "qubits" not in table.columns
    row_qubits = (
        [set()] * len(table) if every_qubit else [{p.strip() for p in str(q).split(",")} for q in table["qubits"]]
    )
    matches = [
        (not qubits or every_qubit or bool(qubits & mine)) and (not gates or str(gate).strip() in gates)
        for mine, gate in zip(row_qubits, table["gate"], strict=True)
    ]
    return pd.Series(matches, index=table.index, dtype=bool)
