"""Draw a loaded calibration: summary metrics, qubit and gate tables, findings."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from components.cached import cached_device_map
from components.map_figure import build_device_map_figure
from components.session import LoadedDevice
from noise_core import BackendCalibration, findings_table
from noise_core.calibration import calibration_csv_name, calibration_to_csv


def render_device_summary(device: LoadedDevice) -> None:
    """Backend name in full (a heading, never cut), counts as metrics, provenance in a caption."""
    calibration = device.calibration
    warnings = sum(finding.severity == "warning" for finding in calibration.findings)
    st.subheader(calibration.backend_name, anchor=False)
    columns = st.columns(4)
    columns[0].metric("Qubits", calibration.num_qubits)
    columns[1].metric("Gate entries", len(calibration.document.gates))
    columns[2].metric("Calibrated", calibration.last_update_date.strftime("%Y-%m-%d"))
    columns[3].metric("Findings", len(calibration.findings))
    st.caption(
        f"Source: {device.source} · backend version {calibration.backend_version or 'not given'} · "
        f"last update {calibration.last_update_date.isoformat()} · {warnings} of the findings are warnings · "
        f"fingerprint `{calibration.fingerprint}` (SHA-256 of its values; a derived spec records it)"
    )
    render_snapshot_downloads(calibration)


def render_snapshot_downloads(calibration: BackendCalibration) -> None:
    """The snapshot as BackendProperties JSON (for Qiskit tools, e.g. from a CSV upload) and as IBM's CSV.

    Both documents are built on the click (~0.1 s at 156 qubits), not on every rerun of the page.
    """
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Snapshot as JSON", lambda: json.dumps(calibration.to_dict()),
        file_name=f"{calibration.backend_name}_properties.json", mime="application/json",
        key="device_download_json", icon=":material/download:",
        help="IBM BackendProperties JSON: what Qiskit's BackendProperties.from_dict reads", on_click="ignore",
    )  # fmt: skip
    right.download_button(
        "Snapshot as CSV", lambda: calibration_to_csv(calibration), file_name=calibration_csv_name(calibration),
        mime="text/csv", key="device_download_csv", icon=":material/download:",
        help="IBM's calibration CSV layout (2026); values it has no column for are left out", on_click="ignore",
    )  # fmt: skip


QUBIT_COLUMN_FORMATS = {
    "T1 (µs)": "%.1f",
    "T2 (µs)": "%.1f",
    "frequency (GHz)": "%.4f",
    "readout_error": "%.3g",
    "P(1|0)": "%.3g",
    "P(0|1)": "%.3g",
    "readout_length (ns)": "%.0f",
}
"""printf formats of the qubit table: µs to 0.1, GHz to 0.1 MHz, ns whole, probabilities to 3 significant digits."""


def qubit_display_table(calibration: BackendCalibration) -> pd.DataFrame:
    """The qubit table without the columns the snapshot gives for no qubit (Heron has no frequency)."""
    return calibration.qubit_table().astype(float).dropna(axis="columns", how="all")


def render_qubit_table(calibration: BackendCalibration) -> None:
    """One row per qubit, units in the column names, sensible digits."""
    table = qubit_display_table(calibration)
    st.dataframe(
        table,
        key="device_qubit_table",
        width="stretch",
        column_config={
            name: st.column_config.NumberColumn(format=QUBIT_COLUMN_FORMATS.get(name, "%.3g")) for name in table
        },
    )


def render_gate_table(calibration: BackendCalibration) -> None:
    table = calibration.gate_table()
    _start_filter_on_new_device("device_gate_filter", calibration.gate_names, calibration)
    chosen = st.multiselect("Gates", calibration.gate_names, key="device_gate_filter")
    st.dataframe(
        table[table["gate"].isin(chosen)],
        key="device_gate_table",
        width="stretch",
        hide_index=True,
        column_config={
            "gate_error": st.column_config.NumberColumn(format="%.3g"),
            "gate_length (ns)": st.column_config.NumberColumn(format="%.0f"),
        },
    )


def _start_filter_on_new_device(key: str, everything: list[str], calibration: BackendCalibration) -> None:
    """Select ``everything`` in the filter ``key`` when the device changed, or when the filter was forgotten
    (Streamlit drops a widget's value when its page is left), so the tables never come back empty."""
    seen = f"{key}_device"
    if st.session_state.get(seen) != calibration.fingerprint or key not in st.session_state:
        st.session_state[key] = list(everything)
        st.session_state[seen] = calibration.fingerprint


FINDINGS_ROW_HEIGHT = 72
"""Pixels per findings row: above 4rem Streamlit wraps text, so rule and action are read in full, never cut."""


def render_findings(calibration: BackendCalibration) -> None:
    """The findings table, filtered by kind; rule and action wrap onto several lines instead of being cut."""
    if not calibration.findings:
        st.success("No findings: every value is within its physical rule.")
        return
    st.caption(
        "Loading keeps every value as written. Each finding says which rule a value breaks and what the "
        "noise derivation will do about it."
    )
    table = findings_table(calibration.findings)
    kinds = sorted(table["kind"].unique())
    _start_filter_on_new_device("device_findings_filter", kinds, calibration)
    chosen = st.multiselect("Kinds", kinds, key="device_findings_filter")
    st.dataframe(
        table[table["kind"].isin(chosen)],
        key="device_findings_table",
        width="stretch",
        hide_index=True,
        row_height=FINDINGS_ROW_HEIGHT,
        column_config={
            "severity": st.column_config.TextColumn(width=70),
            "kind": st.column_config.TextColumn(width=120),
            "subject": st.column_config.TextColumn(width=90),
            "property": st.column_config.TextColumn(width=90),
            "value": st.column_config.NumberColumn(format="%.4g", width=60),
            "rule": st.column_config.TextColumn(width=200),
            "action": st.column_config.TextColumn(width=290),
        },
    )


def render_device_map(device: LoadedDevice, *, highlight: tuple[int, ...] = (), key: str = "device_map") -> None:
    """The coupling graph, qubits coloured by a chosen metric and couplers by 2-qubit gate error."""
    positions, edges, metrics = cached_device_map(device.key, device.calibration)
    names = list(metrics.columns)
    metric = st.segmented_control("Colour qubits by", names, default=names[0], key=f"{key}_metric")
    figure = build_device_map_figure(positions, edges, metrics, metric or names[0], highlight=highlight)
    st.plotly_chart(figure, key=key, width="stretch")
    st.caption(
        f"{len(positions)} qubits, {len(edges)} couplers; coupler colour = 2-qubit gate error (quintiles, "
        "green lowest). Qubit colour is clipped to the 2nd–98th percentile so one outlier does not wash out "
        "the rest (range in the title), errors on a log scale. Hover a qubit or a coupler for its true values"
        + ("; ringed qubits are the ones the simulated circuit used." if highlight else ".")
    )
