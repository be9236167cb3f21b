"""The Noise model page's one-entry form: a qubit-specific or readout entry in plain inputs, applied when valid,
explained when not."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components.logic.cells import COLUMN_LABELS, entry_label, humane, is_present
from components.logic.table_parsing import SpecEditError, spec_with_row
from components.runtime.session import noise_state, use_spec
from components.views.noise_tables import COLUMN_HELP, rows_matching_filter, spec_tables_of
from noise_core.spec.coherent import coherent_axis

FORM_FIELDS_PER_ROW = 3
_FORM_FIELDS = {
    "qubit_specific": ("depolarizing", "pauli", "t1", "t2", "time", "excited", "coherent", "phases"),
    "readout": ("p1_given_0", "p0_given_1"),
}


def render_entry_form() -> None:
    """Edit one qubit-specific or readout entry in plain inputs; invalid values are explained, not applied."""
    state = noise_state()
    tables = spec_tables_of(state.spec)
    choices = [
        (name, position)
        for name in _FORM_FIELDS
        for position in tables[name].index[rows_matching_filter(tables[name], name)]
    ]
    if not choices:
        st.caption("No entry matches the filter.")
        return
    labels = [_choice_label(tables, *choice) for choice in choices]
    chosen = st.selectbox(  # labels, not positions: a filter that changes the list cannot point it elsewhere
        "Entry",
        labels,
        key="noise_form_entry",
        help="Narrow the list with the filter above, e.g. the qubits your circuit uses.",
    )
    name, position = choices[labels.index(chosen) if chosen in labels else 0]
    row = tables[name].loc[position]
    fields = _fields_of(name, row)
    shown = {field: _form_text(row[field]) for field in fields}
    keys = {field: f"noise_form_{field}_{state.generation}_{chosen}" for field in fields}
    with st.form("noise_entry_form"):
        for start in range(0, len(fields), FORM_FIELDS_PER_ROW):  # wide enough for '2.596e-04' and its label
            row_fields = fields[start : start + FORM_FIELDS_PER_ROW]
            for field, column in zip(row_fields, st.columns(FORM_FIELDS_PER_ROW), strict=False):
                column.text_input(COLUMN_LABELS[field], shown[field], help=COLUMN_HELP.get(field), key=keys[field])
        st.form_submit_button(  # applied in the callback, before the rerun draws anything
            "Apply to this entry", on_click=_apply_entry, args=(name, position, shown, keys, chosen)
        )
    entry, problems = st.session_state.get(_FORM_PROBLEMS, (None, []))
    if problems and entry == (chosen, state.generation):  # another entry, or a new model, starts clean
        st.error("**Not applied** — the model in force is unchanged. Fix:\n\n" + "\n".join(f"- {p}" for p in problems))


_FORM_PROBLEMS = "noise_form_problems"


def _fields_of(name: str, row: pd.Series) -> tuple[str, ...]:
    """The form's fields for this entry: a gate without a rotation axis (id, h, measure) has no coherent error, and
    only two-qubit gates have the phases φ0, φ1 (``COHERENT_AXES``)."""
    if name != "qubit_specific":
        return _FORM_FIELDS[name]
    axis = coherent_axis(str(row["gate"]))
    dropped = {"coherent", "phases"} if axis is None else ({"phases"} if axis != "zz" else set())
    return tuple(field for field in _FORM_FIELDS[name] if field not in dropped or is_present(row[field]))


def _apply_entry(name: str, position: int, shown: dict[str, str], keys: dict[str, str], label: str) -> None:
    """The form's callback: put the fields the user changed (as typed) into the entry, or say why not.

    Fields left as shown keep their exact values: the form shows rounded numbers. Running as a
    callback, it applies before the rerun, which then draws the new model once.
    """
    state = noise_state()
    typed = {field: str(st.session_state.get(key, shown[field])) for field, key in keys.items()}
    values = {field: text for field, text in typed.items() if text != shown[field]}
    if not values:
        st.session_state.pop(_FORM_PROBLEMS, None)
        return
    row = {
        **spec_tables_of(state.spec)[name].loc[position].to_dict(),
        **{f: t.strip() or None for f, t in values.items()},
    }
    try:
        spec = spec_with_row(state.spec, name, row)
    except SpecEditError as error:
        st.session_state[_FORM_PROBLEMS] = ((label, state.generation), error.problems)
        return
    st.session_state.pop(_FORM_PROBLEMS, None)
    use_spec(spec)


def _choice_label(tables: dict[str, pd.DataFrame], name: str, position: int) -> str:
    label = entry_label(name, tables[name].loc[position])
    return f"readout on {label}" if name == "readout" else label


def _form_text(value: Any) -> str:
    """A cell as the form shows it: blank, about four significant digits, or the table's text."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return humane(float(value)) if isinstance(value, float) else str(value)
