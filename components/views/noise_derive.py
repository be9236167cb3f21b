"""The Noise model page's derive form: Aer ``from_backend``'s options, and deriving the model again, which replaces
the model in force only when the user agrees to discard what it holds."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from components.logic.cells import parse_qubits
from components.logic.table_changes import summarize_changes
from components.logic.wording import in_ui_terms
from components.runtime.cached import cached_changes, spec_json
from components.runtime.session import current_device, derive, noise_state
from components.runtime.tasks import TaskStopped
from noise_core import DerivationOptions, describe_validation_error
from noise_core.spec.units import TIME_UNITS


def render_derive_form() -> None:
    """from_backend's options; submitting derives the model again, which replaces the model in force: when that
    holds edits (or is imported, fitted or built by hand) the user must tick that they discard it."""
    state = noise_state()
    options = state.options
    replaced = _what_deriving_replaces()
    with st.form("derive_form"):
        columns = st.columns(5)
        gate_error = columns[0].toggle(
            "Gate errors", value=options.gate_error, help="Depolarizing matched to gate_error"
        )
        readout = columns[1].toggle("Readout errors", value=options.readout_error)
        thermal = columns[2].toggle("Thermal relaxation", value=options.thermal_relaxation, help="T1/T2 over gate time")
        zz = columns[3].toggle(
            "ZZ crosstalk",
            value=options.zz_crosstalk,
            help="Static ZZ per coupler from the snapshot's zz_ab entries (GHz → kHz); not in from_backend",
        )
        temperature = columns[4].number_input(
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
        _derive_with(DerivationSwitches(gate_error, readout, thermal, zz), temperature, overrides, units)


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


class DerivationSwitches(NamedTuple):
    """The derive form's on/off options."""

    gate_error: bool
    readout_error: bool
    thermal_relaxation: bool
    zz_crosstalk: bool


def _derive_with(switches: DerivationSwitches, temperature: float, overrides: pd.DataFrame, units: str) -> None:
    try:
        lengths = [_override(row, units) for row in overrides.to_dict("records") if str(row.get("gate") or "").strip()]
        options = DerivationOptions(
            **switches._asdict(),
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
