"""Device: pick or upload a calibration snapshot and inspect it."""

import streamlit as st

from components.runtime.session import current_device
from components.views.archive import render_archive
from components.views.compare import render_compare
from components.views.device import (
    render_device_map,
    render_device_summary,
    render_findings,
    render_gate_table,
    render_qubit_table,
)
from components.views.device_picker import device_picker

st.title("Device")
device_picker()
device = current_device()
render_device_summary(device)

map_tab, qubits_tab, gates_tab, findings_tab, compare_tab, archive_tab = st.tabs(
    [
        "Map",
        "Qubits",
        "Gates",
        f"Findings ({len(device.calibration.findings)})",
        "Compare with another snapshot",
        "Archive",
    ],
    key="device_tabs",
    on_change="rerun",
)
with map_tab:
    render_device_map(device)
with qubits_tab:
    render_qubit_table(device.calibration)
with gates_tab:
    render_gate_table(device.calibration)
with findings_tab:
    render_findings(device.calibration)
if compare_tab.open:  # computed only while open
    with compare_tab:
        render_compare(device)
if archive_tab.open:  # read from the database only while open
    with archive_tab:
        render_archive(device)
