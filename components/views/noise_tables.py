"""The Noise model page's channel editors: the six tables, the global readout and the filter; every edit
validated as one spec. The derive form, the changes and the one-entry form are ``noise_derive``,
``noise_changes`` and ``noise_entry_form``.

Editing model: each table is a ``st.data_editor`` started from ``NoiseState.editor_base``.
After any change, every table is rebuilt from its base plus the editor's recorded changes and
validated as one spec (``components.logic.table_parsing.spec_from_tables``). A valid result becomes the spec
in force; an invalid one leaves the last valid spec in force and its problems are shown under
the tables, one per wrong field, naming the entry and the column as labelled here.

Numbers: T1/T2 in µs and gate times in ns with about four significant digits; the exact values
stay on the server (``cells.EXACT``, never sent to the browser), so a cell left alone
reads back exactly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components.logic.cells import COLUMN_LABELS, EXACT
from components.logic.table_changes import rows_matching
from components.logic.table_parsing import SpecEditError, spec_from_tables
from components.runtime.cached import cached_sources, cached_tables, spec_json
from components.runtime.session import (
    apply_edit,
    current_device,
    noise_state,
    reject_edit,
    reset_to_derived,
    start_from_scratch,
    use_spec,
)
from noise_core import NoiseSpec
from noise_core.spec import assignment_from_flips

TABLES = {
    "qubit_specific": "Qubit-specific channels",
    "all_qubit": "All-qubit channels",
    "readout": "Per-qubit readout",
    "idle": "Idle (waits)",
    "crosstalk": "ZZ crosstalk (pairs)",
    "correlated": "Correlated readout (groups)",
}
READOUT_MODES = ("none", "bit flip", "matrix")
COLUMN_HELP = {
    "gate": "Instruction name as Qiskit spells it: sx, cz, ecr…",
    "qubits": "Physical qubits in gate order, e.g. 3,4",
    "depolarizing": "Aer's depolarizing_error parameter; 0 ≤ λ ≤ 4ⁿ/(4ⁿ−1)",
    "pauli": "e.g. X:0.01, Z:0.02 — the identity takes the rest",
    "t1": "Microseconds, one per qubit (comma-separated) or one for all; inf = no decay",
    "t2": "Microseconds, one per qubit; T2 ≤ 2·T1; inf = no dephasing",
    "time": "Nanoseconds, one per qubit (or one for all)",
    "excited": "Thermal excited-state population per qubit (0 to 1)",
    "coherent": "Over-rotation ε in rad (|ε| ≤ π) after the gate: RX(ε) on x, sx; RZ(ε) on rz; RZZ(ε) on cz, ecr",
    "phases": "Two-qubit gates only: RZ(φ0), RZ(φ1) in rad on the gate's first and second qubit, e.g. 0.01, -0.02",
    "detuning": "Frequency offset δ in kHz (either sign): a wait of t turns the qubit by RZ(2π·δ·t)",
    "t2_star": "Ramsey dephasing time in µs for waits (≤ 2·T1); empty = the echo T2 of the T2 column",
    "zz": "Static ZZ coupling ξ in kHz (either sign): |11⟩ turns by 2π·ξ·t while the pair waits or a neighbour's gate "
    "runs (H = 2π·ξ·|11⟩⟨11|)",
    "matrix": "Joint assignment matrix, rows separated by ';': row = prepared state, column = recorded, state index "
    "Σ bₖ·2ᵏ over the listed qubits (the first is bit 0); it replaces their own readout",
    "num_qubits": "How many qubits the gate acts on (a whole number, 1 or more)",
    "qubit": "The device's qubit number",
    "p1_given_0": "Probability of reading 1 when 0 was prepared (0 to 1)",
    "p0_given_1": "Probability of reading 0 when 1 was prepared (0 to 1)",
}
_COLUMN_LABELS: dict[str, Any] = {
    **{
        column: st.column_config.TextColumn(label, help=COLUMN_HELP.get(column))
        for column, label in COLUMN_LABELS.items()
    },
    "source": st.column_config.TextColumn("source", help="calibration = as derived; edited / added by you"),
}
"""Every editable column is text: the browser sends what was typed, and the server's rules (the form's) judge it.
A number column would clamp 2 to its maximum and turn 'abc' into 0 in the browser, before any rule could refuse it."""


def _editor_key(table: str) -> str:
    return f"noise_editor_{table}_{noise_state().generation}"


def _readout_key(part: str) -> str:
    return f"noise_readout_{part}_{noise_state().generation}"


def render_origin() -> None:
    """Which device is in force and where the model in force comes from, derivation options included."""
    state, device = noise_state(), current_device()
    if state.derived is None:
        origin = "edited, based on nothing (built by hand or imported)"
    else:
        origin = (
            "derived from the device"
            if state.spec is state.derived
            else "edited, based on the model derived from the device"
        )
        overrides = state.options.overrides()
        origin += f" (derived with {'; '.join(overrides)})" if overrides else ""
    st.caption(
        f"Device: {device.calibration.backend_name} ({device.source}). The model in force is {origin}; "
        "simulations use it."
    )


def render_start_buttons() -> None:
    state = noise_state()
    left, right, _ = st.columns([1, 1, 3])
    left.button(
        "Reset all to derived",
        key="noise_reset_all",
        on_click=reset_to_derived,
        disabled=state.derived is None,
        help="Throw away every edit and use the model derived from the device",
    )
    right.button(
        "Start from scratch (ideal)",
        key="noise_scratch",
        on_click=start_from_scratch,
        help="No channels at all; add your own",
    )


def render_editors() -> None:
    """The six tables and the global readout; every change is validated at once."""
    state = noise_state()
    bases = _bases()
    sources = (
        cached_sources(spec_json(state.editor_base), spec_json(state.derived), state.editor_base, state.derived)
        if state.derived is not None
        else None
    )
    st.text_input(
        "Show only entries on these qubits or gates",
        key=FILTER_KEY,
        placeholder="e.g. 113, 114 or cz",
        on_change=_restart_from_spec_in_force,
        help="Filters the tables below; edits you made stay in force.",
    )
    visible = {name: rows_matching_filter(bases[name], name) for name in TABLES}
    tabs = st.tabs([*TABLES.values(), "Global readout"], key="noise_tabs")  # fixed labels: a filter keeps the tab
    for tab, (name, _title) in zip(tabs, TABLES.items(), strict=False):
        with tab:
            st.caption(rows_shown(int(visible[name].sum()), len(bases[name])))
            shown = bases[name][visible[name]].drop(columns=[EXACT], errors="ignore").reset_index(drop=True)
            if sources is not None:
                shown.insert(0, "source", sources[name][visible[name]].to_numpy())
            st.data_editor(
                shown,
                key=_editor_key(name),
                num_rows="dynamic",
                hide_index=True,
                width="stretch",
                height=320,
                disabled=["source"],
                column_config=_COLUMN_LABELS,
            )
    with tabs[-1]:
        _render_global_readout(state.editor_base)
    if state.problems:
        st.error(
            "**This edit is not applied** — simulations still use the last valid model. Fix:\n\n"
            + "\n".join(f"- {problem}" for problem in state.problems[:12])
            + (f"\n- … and {len(state.problems) - 12} more" if len(state.problems) > 12 else "")
        )


def rows_shown(shown: int, total: int) -> str:
    """'1,484 entries', or '12 of 1,484 entries match the filter' while it hides some."""
    noun = "entry" if total == 1 else "entries"
    return f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun} match the filter"


def _render_global_readout(base: NoiseSpec) -> None:
    mode = "bit flip" if base.readout_bit_flip_probability is not None else (
        "matrix" if base.readout_assignment_probabilities is not None else "none"
    )  # fmt: skip
    st.radio(
        "Readout on every qubit without a per-qubit entry",
        READOUT_MODES,
        index=READOUT_MODES.index(mode),
        key=_readout_key("mode"),
        horizontal=True,
    )
    matrix = base.readout_assignment_probabilities or [[1.0, 0.0], [0.0, 1.0]]
    left, middle, right = st.columns(3)
    left.number_input(
        "bit-flip probability", value=base.readout_bit_flip_probability or 0.0, min_value=0.0, max_value=1.0,
        step=0.005, format="%.4f", key=_readout_key("flip"),
    )  # fmt: skip
    middle.number_input(
        "matrix P(1|0)", value=matrix[0][1], min_value=0.0, max_value=1.0, step=0.005, format="%.4f",
        key=_readout_key("p10"),
    )  # fmt: skip
    right.number_input(
        "matrix P(0|1)", value=matrix[1][0], min_value=0.0, max_value=1.0, step=0.005, format="%.4f",
        key=_readout_key("p01"),
    )  # fmt: skip


_LAST_VALIDATED = "noise_editor_last_validated"


def apply_pending_edits() -> None:
    """When any editor changed since the last check, validate all of them as one spec.

    Widget values arrive before the script runs, so a page calls this first: what it shows above
    the editors (the model's origin) then already reflects the edit just made.
    """
    keys = [_editor_key(name) for name in TABLES] + [_readout_key(part) for part in ("mode", "flip", "p10", "p01")]
    if not any(key in st.session_state for key in keys) and noise_state().spec is not noise_state().editor_base:
        # Streamlit forgot the editors' changes when the user left the page: the valid ones are in
        # the spec in force, so the editors restart from it instead of undoing them.
        use_spec(noise_state().spec)
        return
    fingerprint = repr([st.session_state.get(key) for key in keys])  # any delta a browser sends, mixed keys too
    if st.session_state.get(_LAST_VALIDATED) == (noise_state().generation, fingerprint):
        return
    st.session_state[_LAST_VALIDATED] = (noise_state().generation, fingerprint)
    if _has_changes():
        validate_edits()
    elif noise_state().spec is not noise_state().editor_base or noise_state().problems:
        apply_edit(noise_state().editor_base)  # every edit was undone


def _has_changes() -> bool:
    for name in TABLES:
        delta = st.session_state.get(_editor_key(name)) or {}
        if delta.get("edited_rows") or delta.get("added_rows") or delta.get("deleted_rows"):
            return True
    base = noise_state().editor_base
    return _with_global_readout(base) != base


def validate_edits() -> None:
    """Rebuild the spec from all editors; apply it, or keep the last valid one and record why not."""
    state = noise_state()
    tables = {name: _edited_table(name) for name in TABLES}
    try:
        spec = spec_from_tables(tables, _with_global_readout(state.editor_base))
    except SpecEditError as error:
        reject_edit(error.problems)
        return
    apply_edit(spec)


def _bases() -> dict[str, pd.DataFrame]:
    return spec_tables_of(noise_state().editor_base)


FILTER_KEY = "noise_filter"


def _restart_from_spec_in_force() -> None:
    """A new filter shows new rows: restart the editors from the spec in force (valid edits kept)."""
    use_spec(noise_state().spec)


def rows_matching_filter(table: pd.DataFrame, name: str) -> pd.Series:
    """Which rows of table ``name`` the page's filter shows (all of them while it is empty)."""
    return rows_matching(table, name, st.session_state.get(FILTER_KEY) or "")


def _edited_table(name: str) -> pd.DataFrame:
    """The editor's base with its recorded changes applied (streamlit keeps them as a delta).

    Edited and deleted row positions refer to the filtered view, so they are mapped back to the
    base rows shown. Only the shown columns are taken from the delta, as the browser sent them: the
    hidden exact values stay the server's (a value forged there would skip the cells' rules), a new row
    has none, and a position that names no shown row is ignored.
    """
    table = _bases()[name].astype(object)  # a copy that takes whatever the browser sent
    shown = table.index[rows_matching_filter(table, name)]
    columns = [column for column in table.columns if column != EXACT]
    changes = st.session_state.get(_editor_key(name)) or {}
    for position, values in (changes.get("edited_rows") or {}).items():
        row = _shown_row(shown, position)
        for column, value in (values if row is not None and isinstance(values, dict) else {}).items():
            if column in columns:
                table.loc[row, column] = value
    deleted = [
        row for position in changes.get("deleted_rows") or [] if (row := _shown_row(shown, position)) is not None
    ]
    table = table.drop(index=deleted)
    added = [
        {column: row.get(column) for column in columns}
        for row in changes.get("added_rows") or [] if isinstance(row, dict)
    ]  # fmt: skip
    if added:
        table = pd.concat([table, pd.DataFrame(added, columns=table.columns)], ignore_index=True)
    return table.reset_index(drop=True)


def _shown_row(shown: pd.Index, position: object) -> object | None:
    """The table row at ``position`` of the filtered view, or None when the position names none."""
    try:
        index = int(str(position))
    except ValueError:
        return None
    return shown[index] if 0 <= index < len(shown) else None


def _with_global_readout(base: NoiseSpec) -> NoiseSpec:
    mode = st.session_state.get(_readout_key("mode"))
    if mode is None:
        return base
    flip = st.session_state.get(_readout_key("flip"), 0.0)
    p10 = st.session_state.get(_readout_key("p10"), 0.0)
    p01 = st.session_state.get(_readout_key("p01"), 0.0)
    return base.model_copy(
        update={
            "readout_bit_flip_probability": flip if mode == "bit flip" else None,
            "readout_assignment_probabilities": assignment_from_flips(p10, p01) if mode == "matrix" else None,
        }
    )


def spec_tables_of(spec: NoiseSpec) -> dict[str, pd.DataFrame]:
    """The six tables of ``spec``, built once per spec (``cached_tables``)."""
    return cached_tables(spec_json(spec), spec)
