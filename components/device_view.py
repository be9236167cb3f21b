"""Draw a loaded calibration: summary metrics, qubit and gate tables, findings."""

from __future__ import annotations

import streamlit as st

from components.cached import cached_device_map
from components.map_figure import build_device_map_figure
from components.session import LoadedDevice
from noise_core import BackendCalibration, findings_table


def render_device_summary(device: LoadedDevice) -> None:
    calibration = device.calibration
    warnings = sum(finding.severity == "warning" for finding in calibration.findings)
    columns = st.columns(5)
    columns[0].metric("Backend", calibration.backend_name)
    columns[1].metric("Qubits", calibration.num_qubits)
    columns[2].metric("Gate entries", len(calibration.document.gates))
    columns[3].metric("Calibrated", calibration.last_update_date.strftime("%Y-%m-%d"))
    columns[4].metric("Findings", len(calibration.findings))
    st.caption(
        f"Source: {device.source} · backend version {calibration.backend_version or 'not given'} · "
        f"last update {calibration.last_update_date.isoformat()} · {warnings} of the findings are warnings · "
        f"fingerprint `{calibration.fingerprint}` (SHA-256 of its values; a derived spec records it)"
    )


def render_qubit_table(calibration: BackendCalibration) -> None:
    st.dataframe(
        calibration.qubit_table(),
        key="device_qubit_table",
        width="stretch",
        column_config={
            "T1 (µs)": st.column_config.NumberColumn(format="%.1f"),
            "T2 (µs)": st.column_config.NumberColumn(format="%.1f"),
            "frequency (GHz)": st.column_config.NumberColumn(format="%.4f"),
            "readout_error": st.column_config.NumberColumn(format="%.4f"),
            "P(1|0)": st.column_config.NumberColumn(format="%.4f"),
            "P(0|1)": st.column_config.NumberColumn(format="%.4f"),
            "readout_length (ns)": st.column_config.NumberColumn(format="%.0f"),
        },
    )


def render_gate_table(calibration: BackendCalibration) -> None:
    table = calibration.gate_table()
    chosen = st.multiselect("Gates", calibration.gate_names, default=calibration.gate_names, key="device_gate_filter")
    st.dataframe(
        table[table["gate"].isin(chosen)],
        key="device_gate_table",
        width="stretch",
        hide_index=True,
        column_config={
            "gate_error": st.column_config.NumberColumn(format="%.2e"),
            "gate_length (ns)": st.column_config.NumberColumn(format="%.0f"),
        },
    )


def render_findings(calibration: BackendCalibration) -> None:
    if not calibration.findings:
        st.success("No findings: every value is within its physical rule.")
        return
    st.caption(
        "Loading keeps every value as written. Each finding says which rule a value breaks and what the "
        "noise derivation will do about it."
    )
    table = findings_table(calibration.findings)
    kinds = sorted(table["kind"].unique())
    chosen = st.multiselect("Kinds", kinds, default=kinds, key="device_findings_filter")
    st.dataframe(
        table[table["kind"].isin(chosen)],
        key="device_findings_table",
        width="stretch",
        hide_index=True,
        column_config={"value": st.column_config.NumberColumn(format="%.4g")},
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
        "green lowest). Hover a qubit or a coupler for its values"
        + ("; ringed qubits are the ones the simulated circuit used." if highlight else ".")
    )
