"""The Device page's comparison: the device in force against a second snapshot (a preset or an upload)."""

from __future__ import annotations

import hashlib

import streamlit as st

from components.cached import cached_device_map, cached_preset, cached_upload
from components.change_map import build_change_map_figure
from components.jobs import DeviceSource, preset_source
from components.session import LoadedDevice
from components.tasks import TaskStopped
from noise_core import BackendCalibration, CalibrationDiff, CalibrationError, compare_calibrations
from noise_core.calibration.diff import DEFAULT_THRESHOLD
from presets import list_presets

_UPLOAD = "compare_upload"


@st.cache_resource(max_entries=8, show_spinner=False)
def _cached_diff(
    before_key: str, after_key: str, threshold: float, _before: BackendCalibration, _after: BackendCalibration
) -> CalibrationDiff:
    return compare_calibrations(_before, _after, threshold=threshold)


def render_compare(device: LoadedDevice) -> None:
    """Pick the other snapshot; show notes, the change map, the summary, the largest changes and gate changes."""
    other = _other_snapshot(device)
    if other is None:
        return
    calibration, key = other
    threshold = st.slider(
        "Count a qubit as worse or better when it moved more than (ratio)",
        0.05, 1.0, DEFAULT_THRESHOLD, 0.05, format="%.2f", key="compare_threshold",
        help="0.2: an error ×1.2 or more is worse, T1 ÷1.2 or more is worse",
    )  # fmt: skip
    diff = _cached_diff(device.key, key, threshold, device.calibration, calibration)
    st.caption(f"Before: {diff.before} · after: {diff.after} (the device in force is 'before').")
    for note in diff.notes:
        st.info(note, icon=":material/info:")
    metric = st.selectbox("Colour the map by the change of", list(diff.summary.index), key="compare_metric")
    positions, edges, _metrics = cached_device_map(device.key, device.calibration)
    changes = diff.qubits.xs(metric, level="metric")
    st.plotly_chart(build_change_map_figure(positions, edges, changes, metric), key="compare_map", width="stretch")
    st.markdown("**Per metric**")
    st.dataframe(diff.summary, key="compare_summary", width="stretch")
    st.markdown("**Largest changes**")
    st.dataframe(diff.largest_changes(20), key="compare_largest", width="stretch")
    gate_changes = diff.gates[diff.gates["status"].isin(["broken", "repaired"])]
    st.markdown(f"**Gates broken or repaired** ({len(gate_changes)}; gate_error = 1 means broken)")
    st.dataframe(gate_changes, key="compare_gates", width="stretch")


def _other_snapshot(device: LoadedDevice) -> tuple[BackendCalibration, str] | None:
    """The snapshot to compare with and its key, or None (with a message) when none is chosen or it is unusable."""
    source = st.segmented_control("Compare with", ["a preset", "an upload"], default="a preset", key="compare_source")
    if source == "an upload":
        uploaded = st.file_uploader("Snapshot to compare with", type=["json", "csv"], key=_UPLOAD)
        if uploaded is None:
            st.caption("Upload an earlier (or another device's) calibration snapshot.")
            return None
        content = uploaded.getvalue()
        origin = DeviceSource(f"upload:{hashlib.sha256(content).hexdigest()[:16]}", content=content)
        try:
            return cached_upload(origin), origin.key
        except (CalibrationError, TaskStopped) as error:
            st.error(f"{uploaded.name} was not loaded: {error}", icon=":material/error:")
            return None
    others = [preset for preset in list_presets() if preset_source(preset.name).key != device.key]
    same_size_first = sorted(others, key=lambda preset: preset.num_qubits != device.calibration.num_qubits)
    name = st.selectbox(
        "Preset", [preset.name for preset in same_size_first], key="compare_preset",
        help="Devices of the device's size first: a family compared qubit by qubit",
    )  # fmt: skip
    return cached_preset(name), preset_source(name).key
