"""The Noise model page's parts: derive form, channel editors, global readout, changes and resets.

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

import math
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from components.logic.cells import COLUMN_LABELS, EXACT, entry_label, humane, parse_qubits
from components.logic.table_changes import reset_entry, rows_matching, summarize_changes
from components.logic.table_parsing import SpecEditError, spec_from_tables, spec_with_row
from components.logic.wording import in_ui_terms
from components.runtime.cached import cached_changes, cached_sources, cached_tables, spec_json
from components.runtime.session import (
    apply_edit,
    current_device,
    derive,
    noise_state,
    reject_edit,
    reset_to_derived,
    start_from_scratch,
    use_spec,
)
from components.runtime.tasks import TaskStopped
from noise_core import DerivationOptions, NoiseSpec, describe_validation_error
from noise_core.spec import assignment_from_flips
from noise_core.spec.units import TIME_UNITS

TABLES = {
    "qubit_specific": "Qubit-specific channels",
    "all_qubit": "All-qubit channels",
    "readout": "Per-qubit readout",
    "idle": "Idle relaxation",
}
READOUT_MODES = ("none", "bit flip", "matrix")
_HELP = {
    "gate": "Instruction name as Qiskit spells it: sx, cz, ecr…",
    "qubits": "Physical qubits in gate order, e.g. 3,4",
    "depolarizing": "Aer's depolarizing_error parameter; 0 ≤ λ ≤ 4ⁿ/(4ⁿ−1)",
    "pauli": "e.g. X:0.01, Z:0.02 — the identity takes the rest",
    "t1": "Microseconds, one per qubit (comma-separated) or one for all; inf = no decay",
    "t2": "Microseconds, one per qubit; T2 ≤ 2·T1; inf = no dephasing",
    "time": "Nanoseconds, one per qubit (or one for all)",
    "excited": "Thermal excited-state population per qubit (0 to 1)",
    "num_qubits": "How many qubits the gate acts on (a whole number, 1 or more)",
    "qubit": "The device's qubit number",
    "p1_given_0": "Probability of reading 1 when 0 was prepared (0 to 1)",
    "p0_given_1": "Probability of reading 0 when 1 was prepared (0 to 1)",
}
_COLUMN_LABELS: dict[str, Any] = {
    **{column: st.column_config.TextColumn(label, help=_HELP.get(column)) for column, label in COLUMN_LABELS.items()},
    "source": st.column_config.TextColumn("source", help="calibration = as derived; edited / added by you"),
}
"""Every editable column is text: the browser sends what was typed, and the server's rules (the form's) judge it.
A number column would clamp 2 to its maximum and turn 'abc' into 0 in the browser, before any rule could refuse it."""


# --- derive -------------------------------------------------------------------------------


def render_derive_form() -> None:
    """from_backend's options; submitting derives the model again, which replaces the model in force: when that
    holds edits (or is imported, fitted or built by hand) the user must tick that they discard it."""
    state = noise_state()
    options = state.options
    replaced = _what_deriving_replaces()
    with st.form("derive_form"):
        columns = st.columns(4)
        gate_error = columns[0].toggle(
            "Gate errors", value=options.gate_error, help="Depolarizing matched to gate_error"
        )
        readout = columns[1].toggle("Readout errors", value=options.readout_error)
        thermal = columns[2].toggle("Thermal relaxation", value=options.thermal_relaxation, help="T1/T2 over gate time")
        temperature = columns[3].number_input(
            "Temperature (mK)", min_value=0.0, value=options.temperature, step=5.0, help="Sets the excited population"
        )
        overrides = st.data_editor(
            pd.DataFrame(
                [
                    {"gate": o.gate, "qubits": ",".join(map(str, o.qubits or [])), "value": f"{o.value:g}"}
                    for o in options.gate_lengths
                ],
                columns=["gate", "qubits", "value"],
                dtype=object,
            ),
            num_rows="dynamic",
            key="derive_gate_lengths",
            column_config={
                "gate": st.column_config.TextColumn("gate"),
                "qubits": st.column_config.TextColumn("qubits (empty = all)"),
                "value": st.column_config.TextColumn("gate length", help="In the unit chosen below, 0 or more"),
            },
        )
        choices = list(dict.fromkeys(_ascii_micro(unit) for unit in TIME_UNITS))  # µs and us are one unit
        units = st.selectbox(
            "Gate-length unit",
            choices,
            index=choices.index(_ascii_micro(options.gate_length_units)),
            key="derive_units",
        )
        discard = False
        if replaced is not None:
            st.warning(f"Deriving again replaces the model in force, which {replaced}.", icon=":material/warning:")
            discard = st.checkbox("Discard it and derive", key="derive_discard")
        submitted = st.form_submit_button("Derive from the device", type="primary")
    if submitted and replaced is not None and not discard:
        st.error(
            "Not derived; the model in force is unchanged. Tick 'Discard it and derive' to replace it, or download it "
            "first (Export page).",
            icon=":material/error:",
        )
    elif submitted:
        _derive_with(gate_error, readout, thermal, temperature, overrides, units)


def _what_deriving_replaces() -> str | None:
    """What a new derivation would throw away, in words ('holds 2 edits: 2 readout'), or None when the model in
    force is the derived one."""
    state = noise_state()
    if state.spec is state.derived:
        return None
    if state.derived is None:
        return "was imported or built by hand"
    changes = cached_changes(spec_json(state.spec), spec_json(state.derived), state.spec, state.derived)
    if changes.empty:
        return None
    return f"holds {len(changes):,} edit{'s' * (len(changes) != 1)} ({'; '.join(summarize_changes(changes))})"


def _derive_with(
    gate_error: bool, readout: bool, thermal: bool, temperature: float, overrides: pd.DataFrame, units: str
) -> None:
    try:
        lengths = [_override(row, units) for row in overrides.to_dict("records") if str(row.get("gate") or "").strip()]
        options = DerivationOptions(
            gate_error=gate_error,
            readout_error=readout,
            thermal_relaxation=thermal,
            temperature=float(temperature),
            gate_lengths=lengths,
            gate_length_units=units,
        )
    except ValidationError as error:
        problems = "\n".join(f"- {problem}" for problem in describe_validation_error(error))
        st.error(f"The options were not applied; the model in force is unchanged.\n\n{problems}")
        return
    except ValueError as error:
        st.error(f"The options were not applied: {in_ui_terms(error)}")
        return
    try:
        derive(options)
    except TaskStopped as error:
        st.error(f"The options were not applied; the model in force is unchanged: {in_ui_terms(error)}")
        return
    st.toast(f"Derived from {current_device().calibration.backend_name}", icon=":material/check:")


def _ascii_micro(unit: str) -> str:
    """'µs' → 'us': the picker offers each unit once."""
    return unit.replace("µ", "u")


def _override(row: dict[str, Any], units: str) -> dict[str, Any]:
    """One gate-length row as ``GateLengthOverride`` fields; a ValueError names the gate and the rule."""
    gate = str(row["gate"]).strip()
    text = str(row.get("qubits") or "").strip()
    try:
        qubits = parse_qubits(text) if text else None
    except ValueError as error:
        raise ValueError(f"gate length override for {gate!r}: {error}") from None
    typed = str(row.get("value") or "").strip()
    try:
        value = float(typed)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(
            f"gate length override for {gate!r}: the length must be a number of {units}, 0 or more; got {typed!r}"
        )
    return {"gate": gate, "qubits": qubits, "value": value}


# --- editors ------------------------------------------------------------------------------


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
    """The four tables and the global readout; every change is validated at once."""
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
    visible = {name: _shown_rows(bases[name], name) for name in TABLES}
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
    return _tables(noise_state().editor_base)


FILTER_KEY = "noise_filter"


def _restart_from_spec_in_force() -> None:
    """A new filter shows new rows: restart the editors from the spec in force (valid edits kept)."""
    use_spec(noise_state().spec)


def _shown_rows(table: pd.DataFrame, name: str) -> pd.Series:
    return rows_matching(table, name, st.session_state.get(FILTER_KEY) or "")


def _edited_table(name: str) -> pd.DataFrame:
    """The editor's base with its recorded changes applied (streamlit keeps them as a delta).

    Edited and deleted row positions refer to the filtered view, so they are mapped back to the
    base rows shown. Only the shown columns are taken from the delta, as the browser sent them: the
    hidden exact values stay the server's (a value forged there would skip the cells' rules), a new row
    has none, and a position that names no shown row is ignored.
    """
    table = _bases()[name].astype(object)  # a copy that takes whatever the browser sent
    shown = table.index[_shown_rows(table, name)]
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


# --- changes ------------------------------------------------------------------------------


def render_changes() -> None:
    """What differs from the derived model in the spec in force: counts, then at most 50 entries with old → new."""
    state = noise_state()
    if state.derived is None:
        st.caption("No derived model to compare with: this spec was built from scratch or imported.")
        return
    overrides = state.options.overrides()
    if overrides:
        st.info(
            "Derived with options that change the calibration's values: " + "; ".join(overrides) + ".",
            icon=":material/tune:",
        )
    changes = cached_changes(spec_json(state.spec), spec_json(state.derived), state.spec, state.derived)
    if changes.empty:
        if overrides:
            st.caption("No edits since deriving with these options.")
        else:
            st.success("Every value comes from the calibration (as derived).")
        return
    st.markdown("\n".join(f"- {line}" for line in summarize_changes(changes)))
    listed = _render_change_list(changes)
    if not listed.empty:
        _render_reset_entry(listed)


def _render_change_list(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes matching the filter, at most ``MAX_LISTED_CHANGES`` of them; returns those listed."""
    text = st.session_state.get(FILTER_KEY) or ""
    matching = changes[rows_matching(changes, "qubit_specific", text)] if text.strip() else changes
    listed = matching.head(MAX_LISTED_CHANGES)
    shown = listed.assign(table=listed["table"].map(TABLES))[["table", "entry", "change", "values"]]
    st.dataframe(shown, hide_index=True, width="stretch", key="noise_changes")
    hidden, outside = len(matching) - len(listed), len(changes) - len(matching)
    notes = ([f"… and {hidden:,} more; narrow the list with the filter above"] if hidden else []) + (
        [f"{outside:,} outside the filter"] if outside else []
    )
    if notes:
        st.caption("; ".join(notes) + ".")
    return listed


def _render_reset_entry(listed: pd.DataFrame) -> None:
    state = noise_state()
    labels = [f"{TABLES[row.table]}: {row.entry} ({row.change})" for row in listed.itertuples()]
    left, right = st.columns([3, 1])
    chosen = left.selectbox("Entry", labels, key="noise_reset_choice")  # labels: never a stale position
    if right.button("Reset this entry to derived", key="noise_reset_entry") and state.derived is not None:
        change = listed.iloc[labels.index(chosen) if chosen in labels else 0]
        tables = reset_entry(
            _tables(state.spec), _tables(state.derived), change["table"], change["entry"], change["change"]
        )
        use_spec(spec_from_tables(tables, state.spec))
        st.rerun()


MAX_LISTED_CHANGES = 50
"""Changes listed one by one; a bulk change (e.g. starting from scratch) is summarized by counts."""


def _tables(spec: NoiseSpec) -> dict[str, pd.DataFrame]:
    return cached_tables(spec_json(spec), spec)


# --- one entry as a form ------------------------------------------------------------------

FORM_FIELDS_PER_ROW = 3
_FORM_FIELDS = {
    "qubit_specific": ("depolarizing", "pauli", "t1", "t2", "time", "excited"),
    "readout": ("p1_given_0", "p0_given_1"),
}


def render_entry_form() -> None:
    """Edit one qubit-specific or readout entry in plain inputs; invalid values are explained, not applied."""
    state = noise_state()
    tables = _tables(state.spec)
    choices = [
        (name, position) for name in _FORM_FIELDS for position in tables[name].index[_shown_rows(tables[name], name)]
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
    shown = {field: _form_text(row[field]) for field in _FORM_FIELDS[name]}
    keys = {field: f"noise_form_{field}_{state.generation}_{chosen}" for field in _FORM_FIELDS[name]}
    with st.form("noise_entry_form"):
        fields = _FORM_FIELDS[name]
        for start in range(0, len(fields), FORM_FIELDS_PER_ROW):  # wide enough for '2.596e-04' and its label
            row_fields = fields[start : start + FORM_FIELDS_PER_ROW]
            for field, column in zip(row_fields, st.columns(FORM_FIELDS_PER_ROW), strict=False):
                column.text_input(COLUMN_LABELS[field], shown[field], help=_HELP.get(field), key=keys[field])
        st.form_submit_button(  # applied in the callback, before the rerun draws anything
            "Apply to this entry", on_click=_apply_entry, args=(name, position, shown, keys, chosen)
        )
    entry, problems = st.session_state.get(_FORM_PROBLEMS, (None, []))
    if problems and entry == (chosen, state.generation):  # another entry, or a new model, starts clean
        st.error("**Not applied** — the model in force is unchanged. Fix:\n\n" + "\n".join(f"- {p}" for p in problems))


_FORM_PROBLEMS = "noise_form_problems"


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
    row = {**_tables(state.spec)[name].loc[position].to_dict(), **{f: t.strip() or None for f, t in values.items()}}
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
