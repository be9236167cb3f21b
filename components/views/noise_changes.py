"""The Noise model page's changes: what differs from the derived model in the spec in force, entry by entry, and
resetting one entry to its derived value."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.logic.table_changes import reset_entry, rows_matching, summarize_changes
from components.logic.table_parsing import spec_from_tables
from components.runtime.cached import cached_changes, spec_json
from components.runtime.session import noise_state, use_spec
from components.views.noise_tables import FILTER_KEY, TABLES, spec_tables_of


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
            spec_tables_of(state.spec),
            spec_tables_of(state.derived),
            change["table"],
            change["entry"],
            change["change"],
        )
        use_spec(spec_from_tables(tables, state.spec))
        st.rerun()


MAX_LISTED_CHANGES = 50
"""Changes listed one by one; a bulk change (e.g. starting from scratch) is summarized by counts."""
