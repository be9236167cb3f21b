"""What an edited spec changed against the derived one, row by row; resets; the table filter.

Rows are compared by their key columns (``spec_tables.TABLE_KEYS``): a row equal to the
derived row with the same key came from the calibration, a different one was edited, a new
key was added, a missing one removed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from components.spec_tables import TABLE_KEYS, entry_label, is_present, qubit_label


def row_status(edited: pd.DataFrame, derived: pd.DataFrame, table: str) -> pd.Series:
    """'calibration' where a row equals the derived row with the same key, else 'edited' or 'added'."""
    reference = _signatures(derived, table)
    statuses = []
    for key, signature in _signatures(edited, table, unique=False):
        known = reference.get(key)
        statuses.append("added" if known is None else ("calibration" if known == signature else "edited"))
    return pd.Series(statuses, index=edited.index, name="source", dtype=object)


def _signatures(table: pd.DataFrame, name: str, *, unique: bool = True) -> Any:
    """(key, values) per row with blanks as None and numbers as floats; a dict when ``unique``."""
    keys = TABLE_KEYS[name]
    values = [column for column in table.columns if column not in keys and column != "source"]
    width = len(keys)
    pairs = [
        (tuple(map(_normal, row[:width])), tuple(map(_normal, row[width:])))
        for row in table[[*keys, *values]].itertuples(index=False, name=None)
    ]
    return dict(pairs) if unique else pairs


def _normal(value: Any) -> Any:
    if not is_present(value):
        return None
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return float(value)
    return str(value).strip()


def _removed_positions(edited: pd.DataFrame, derived: pd.DataFrame, table: str) -> list[Any]:
    present = {key for key, _values in _signatures(edited, table, unique=False)}
    return [
        position
        for position, (key, _values) in zip(derived.index, _signatures(derived, table, unique=False), strict=True)
        if key not in present
    ]


def changes_from_derived(current: dict[str, pd.DataFrame], derived: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per entry that differs from the derived tables: table, entry, change (edited/added/removed)."""
    rows = []
    for name in TABLE_KEYS:
        status = row_status(current[name], derived[name], name)
        rows += [
            {"table": name, "entry": entry_label(name, current[name].loc[position]), "change": status[position]}
            for position in status.index[status != "calibration"]
        ]
        rows += [
            {"table": name, "entry": entry_label(name, derived[name].loc[position]), "change": "removed"}
            for position in _removed_positions(current[name], derived[name], name)
        ]
    return pd.DataFrame(rows, columns=["table", "entry", "change"])


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
    """Rows of ``table`` on any qubit listed in ``text`` or of any gate named there (all when empty)."""
    words = [word.strip() for word in str(text or "").replace(";", ",").split(",")]
    qubits = {word for word in words if word.isdigit()}
    gates = {word for word in words if word and not word.isdigit()}
    if not qubits and not gates:
        return pd.Series(True, index=table.index)
    if name == "readout":
        row_qubits = [{qubit_label(qubit)} for qubit in table["qubit"]]
    elif "qubits" in table.columns:
        row_qubits = [{part.strip() for part in str(text).split(",")} for text in table["qubits"]]
    else:
        row_qubits = [set() for _ in range(len(table))]
    row_gates = list(table["gate"]) if "gate" in table.columns else [None] * len(table)
    matches = [bool(qubits & mine) or gate in gates for mine, gate in zip(row_qubits, row_gates, strict=True)]
    return pd.Series(matches, index=table.index, dtype=bool)
