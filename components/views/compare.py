"""The Device page's comparison: the device in force against a second snapshot (a preset or an upload)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.figures.change_map import build_change_map_figure, build_drift_figure
from components.logic.archive_table import record_label
from components.runtime.cached import cached_device_map, cached_preset, cached_upload
from components.runtime.session import LoadedDevice
from components.runtime.tasks import TaskStopped
from components.views.archive import load_archived_snapshot, open_archive, within_window
from components.work.requests import DeviceSource, preset_source, upload_source
from noise_core import BackendCalibration, CalibrationDiff, CalibrationError, compare_calibrations
from noise_core.calibration import MAX_DOCUMENT_BYTES, UNKNOWN_DATE
from noise_core.calibration.diff import (
    DECAY_REFERENCE_US,
    DEFAULT_THRESHOLD,
    calibration_drift,
    coupler_drift,
    utc_time,
)
from noise_core.errors import WorkspaceError
from noise_core.workspace import ArchivedSnapshot, Workspace, archived_snapshots
from presets import list_presets

MAX_DRIFT_SNAPSHOTS = 60
"""The most archived snapshots a drift chart loads (the latest in the window): each is parsed in a worker."""


@st.cache_resource(max_entries=8, show_spinner=False)
def _cached_diff(
    before_key: str, after_key: str, threshold: float, _before: BackendCalibration, _after: BackendCalibration
) -> CalibrationDiff:
    return compare_calibrations(_before, _after, threshold=threshold)


def render_compare(device: LoadedDevice) -> None:
    """Pick the other snapshot; show notes, the change map, the summary, the largest changes and gate changes."""
    other = other_snapshot(device, "compare")
    if other is None:
        return
    calibration, origin = other
    threshold = st.slider(
        "Count a qubit as worse or better when it moved more than (ratio)",
        0.05, 1.0, DEFAULT_THRESHOLD, 0.05, format="%.2f", key="compare_threshold",
        help="0.2: an error ×1.2 or more is worse, T1 ÷1.2 or more is worse",
    )  # fmt: skip
    pair = sorted(  # the earlier snapshot is 'before', whichever is in force
        [(device.calibration, device.key), (calibration, origin.key)],
        key=lambda snapshot: utc_time(snapshot[0].last_update_date),
    )
    (before, before_key), (after, after_key) = pair
    diff = _cached_diff(before_key, after_key, threshold, before, after)
    st.caption(f"Before (the earlier): {diff.before} · after: {diff.after}. Red on the map: worse since before.")
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
    st.caption(
        "Ranked by error_change: how much the error a circuit meets there changed, as a probability (positive: "
        "worse): an error or readout flip's own change; for T1 and T2 the change of the chance to decay within "
        f"{DECAY_REFERENCE_US:g} µs. Frequency and readout length have no good direction and are not ranked. The "
        "ratio is blank where the value rose from zero."
    )
    gate_changes = diff.gates[diff.gates["status"].isin(["broken", "repaired"])]
    st.markdown(f"**Gates broken or repaired** ({len(gate_changes)}; gate_error = 1 means broken)")
    st.dataframe(gate_changes, key="compare_gates", width="stretch")


def _uploaded_snapshot(device: LoadedDevice, prefix: str) -> tuple[BackendCalibration, DeviceSource] | None:
    """The latest of the uploaded snapshots (the comparison), after a drift chart when there are three or more
    snapshots with the device in force."""
    uploads = st.file_uploader(
        "Snapshots to compare with", type=["json", "csv"], accept_multiple_files=True, key=f"{prefix}_upload",
        max_upload_size=MAX_DOCUMENT_BYTES // 2**20,
        help="An earlier (or another device's) snapshot; with several of the device in force, its drift over "
        f"time is drawn too. The comparison uses the latest. At most {MAX_DOCUMENT_BYTES // 2**20} MB each.",
    )  # fmt: skip
    loaded = []
    for uploaded in uploads or []:
        content = uploaded.getvalue()
        origin = upload_source(uploaded.name, content)
        try:
            loaded.append((cached_upload(origin), origin))
        except (CalibrationError, TaskStopped) as error:
            st.error(f"{uploaded.name} was not loaded: {error}", icon=":material/error:")
    if not loaded:
        st.caption("Upload an earlier (or another device's) calibration snapshot.")
        return None
    if len(loaded) >= 2 and prefix == "compare":
        _render_drift([(device.calibration, device.origin), *loaded])
    return max(loaded, key=lambda snapshot: utc_time(snapshot[0].last_update_date))


def _archived_snapshot(device: LoadedDevice, prefix: str) -> tuple[BackendCalibration, DeviceSource] | None:
    """An archived snapshot of the device in force's name (in a calibration window), after its drift over the
    archived snapshots of that window, with the device in force, on the Device page."""
    workspace = open_archive()
    if workspace is None:
        return None
    try:
        records = _other_archived(workspace, device, prefix)
        if not records:
            return None
        if prefix == "compare":
            loaded = [load_archived_snapshot(workspace, record) for record in records]
            _render_drift([(device.calibration, device.origin), *loaded])
        chosen = st.selectbox(
            "Archived snapshot", records, index=len(records) - 1, format_func=record_label, key=f"{prefix}_archived",
            help="The archived snapshots of the device in force, in the window above, oldest first",
        )  # fmt: skip
        return load_archived_snapshot(workspace, chosen)
    except (WorkspaceError, CalibrationError, TaskStopped) as error:
        st.warning(f"The archive cannot be read: {error}", icon=":material/cloud_off:")
        return None


def _other_archived(workspace: Workspace, device: LoadedDevice, prefix: str) -> list[ArchivedSnapshot]:
    """The archived snapshots of the device in force's name other than itself, in the window the user picks (the
    latest ``MAX_DRIFT_SNAPSHOTS``); empty after a message."""
    name = device.calibration.backend_name
    archived = archived_snapshots(workspace, backend_name=name)
    others = [record for record in archived if record.fingerprint != device.calibration.fingerprint]
    if not others:
        st.info(f"The archive holds no other snapshot of {name}.", icon=":material/inventory_2:")
        return []
    records = within_window(workspace, others, st.container(), prefix)
    if not records:
        st.caption("No archived snapshot in that window.")
    elif len(records) > MAX_DRIFT_SNAPSHOTS:
        st.caption(f"The latest {MAX_DRIFT_SNAPSHOTS} of {len(records)} in that window are used; narrow the window.")
    return records[-MAX_DRIFT_SNAPSHOTS:]


def _render_drift(snapshots: list[tuple[BackendCalibration, DeviceSource]]) -> None:
    """Median over qubits (or couplers) and one chosen qubit (or coupler) of a metric over calibration time, for
    the distinct snapshots of the device in force (the first) that have a calibration time; the others are named
    and left out."""
    name = snapshots[0][0].backend_name
    dated = [(c, o) for c, o in snapshots if c.backend_name == name and c.last_update_date != UNKNOWN_DATE]
    left_out = [calibration.backend_name for calibration, origin in snapshots if (calibration, origin) not in dated]
    if left_out:
        st.caption(f"Drift is drawn for {name} only, with known calibration times; left out: {', '.join(left_out)}.")
    kept, repeats = _distinct(dated)
    if repeats:
        st.caption(f"Counted once, the same calibration as another snapshot here: {', '.join(repeats)}.")
    if len(kept) < 3:
        st.caption(f"A drift chart needs three snapshots of {name} with calibration times; there are {len(kept)}.")
        return
    qubits, couplers = _cached_drift(tuple(origin.key for _, origin in kept), [calibration for calibration, _ in kept])
    st.markdown(f"**Drift of {name} over {len(kept)} snapshots**")
    left, right = st.columns([3, 1])
    coupler_metrics = sorted(couplers["metric"].unique())
    metric = left.selectbox(
        "Metric", [*sorted(qubits["metric"].unique()), *coupler_metrics], key="drift_metric",
        help="Per qubit, or a two-qubit gate's error per coupler (the median over couplers and one coupler)",
    )  # fmt: skip
    if metric in coupler_metrics:
        listed = couplers.loc[couplers["metric"] == metric, "coupler"].unique()
        ordered = sorted(listed, key=lambda coupler: tuple(map(int, coupler.split(","))))
        coupler = right.selectbox("Coupler", ordered, key="drift_coupler")
        figure = build_drift_figure(couplers, metric, coupler, over="coupler")
    else:
        qubit = right.number_input("Qubit", 0, int(qubits["qubit"].max()), 0, key="drift_qubit")
        figure = build_drift_figure(qubits, metric, int(qubit))
    st.plotly_chart(figure, key="drift_chart", width="stretch")


def _distinct(
    snapshots: list[tuple[BackendCalibration, DeviceSource]],
) -> tuple[list[tuple[BackendCalibration, DeviceSource]], list[str]]:
    """One snapshot per calibration fingerprint (its values, not its name or date), the first kept, and each
    repeat named with the one it repeats ('b.json (as a.json)'); the first snapshot is the device in force."""
    first: dict[str, DeviceSource] = {}
    kept, repeats = [], []
    for calibration, origin in snapshots:
        seen = first.setdefault(calibration.fingerprint, origin)
        if seen is origin:
            kept.append((calibration, origin))
            continue
        name, twin = _file_name(origin), _file_name(seen) + (", in force" if seen is snapshots[0][1] else "")
        repeats.append(f"{name} (again)" if twin == name else f"{name} (as {twin})")
    return kept, repeats


def _file_name(origin: DeviceSource) -> str:
    return origin.filename or origin.preset or origin.key


@st.cache_resource(max_entries=4, show_spinner=False)
def _cached_drift(
    source_keys: tuple[str, ...], _calibrations: list[BackendCalibration]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Qubit and coupler drift tables, keyed on where each snapshot came from (an upload's key covers its name,
    which holds its date)."""
    return calibration_drift(_calibrations), coupler_drift(_calibrations)


def other_snapshot(device: LoadedDevice, prefix: str) -> tuple[BackendCalibration, DeviceSource] | None:
    """The snapshot to compare with and where it comes from, or None (with a message) when none is chosen or it
    is unusable; ``prefix`` keeps each page's choice apart."""
    source = st.segmented_control(
        "Compare with", ["a preset", "an upload", "the archive"], default="a preset", key=f"{prefix}_source"
    )
    if source == "an upload":
        return _uploaded_snapshot(device, prefix)
    if source == "the archive":
        return _archived_snapshot(device, prefix)
    others = [preset for preset in list_presets() if preset_source(preset.name).key != device.key]
    same_size_first = sorted(others, key=lambda preset: preset.num_qubits != device.calibration.num_qubits)
    name = st.selectbox(
        "Preset", [preset.name for preset in same_size_first], key=f"{prefix}_preset",
        help="Devices of the device's size first: a family compared qubit by qubit",
    )  # fmt: skip
    return cached_preset(name), preset_source(name)
