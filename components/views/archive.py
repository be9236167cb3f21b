"""The Device page's Archive tab: every snapshot the workspace holds, filtered by device and calibration date, and
one of them put in force; and the calendar window the comparison's drift shares."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

import streamlit as st

from components.logic.archive_table import archive_table, day_window, record_label
from components.logic.wording import plain
from components.runtime.cached import cached_upload
from components.runtime.session import LoadedDevice, set_device
from components.runtime.tasks import TaskStopped
from components.runtime.workspace import server_workspace, workspace_problem
from components.work.requests import DeviceSource, upload_source
from noise_core import BackendCalibration, CalibrationError
from noise_core.calibration.fingerprint import SHORT_FINGERPRINT
from noise_core.errors import WorkspaceError
from noise_core.workspace import ArchivedSnapshot, Workspace, archived_devices, archived_document, archived_snapshots

ARCHIVED_KEPT = 64
"""Archived snapshots kept loaded in the server (a drift chart draws at most 60)."""
EMPTY = (
    "The archive is empty. Every snapshot uploaded on this page is stored in it, once; a folder of downloads goes in "
    "with `python -m noise_core archive import DIR`."
)


def open_archive() -> Workspace | None:
    """The workspace, or None after saying why there is none."""
    workspace = server_workspace()
    if workspace is None:
        st.warning(workspace_problem(), icon=":material/cloud_off:")
    return workspace


def render_archive(device: LoadedDevice) -> None:
    """Pick a device and a calibration window; the table of its snapshots; put one in force."""
    workspace = open_archive()
    if workspace is None:
        return
    try:
        records = _chosen_records(workspace, device, "archive")
    except WorkspaceError as error:
        st.warning(f"The archive cannot be read: {error}", icon=":material/cloud_off:")
        return
    if records is None:
        return
    st.dataframe(archive_table(records), key="archive_table", hide_index=True, width="stretch")
    if not records:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox("Snapshot", records, format_func=record_label, key="archive_snapshot")
    if right.button("Put it in force", key="archive_open", icon=":material/input:"):
        _put_in_force(workspace, chosen)


def _chosen_records(workspace: Workspace, device: LoadedDevice, prefix: str) -> list[ArchivedSnapshot] | None:
    """The records of the device and window the user picks (the device in force first when archived), or None
    with a message when the archive is empty."""
    devices = archived_devices(workspace)
    if not devices:
        st.info(EMPTY, icon=":material/inventory_2:")
        return None
    names = list(devices)
    in_force = device.calibration.backend_name
    left, right = st.columns(2)
    name = left.selectbox(
        "Device", names, index=names.index(in_force) if in_force in names else 0, key=f"{prefix}_device",
        format_func=lambda name: f"{name} ({devices[name]} snapshot{'s' if devices[name] != 1 else ''})",
    )  # fmt: skip
    records = archived_snapshots(workspace, backend_name=name)
    return within_window(workspace, records, right, prefix)


def within_window(
    workspace: Workspace, records: Sequence[ArchivedSnapshot], place: st.delta_generator.DeltaGenerator, prefix: str
) -> list[ArchivedSnapshot]:
    """Those of ``records`` (one device's) calibrated within the days the user picks: all of them by default;
    snapshots without a calibration time stay out of a narrowed window."""
    dated = [record.calibrated_at for record in records if record.calibrated_at is not None]
    if not dated:
        return list(records)
    first, last = min(dated).astimezone(UTC).date(), max(dated).astimezone(UTC).date()
    picked = place.date_input(
        "Calibrated between (UTC days)", (first, last), min_value=first, max_value=last, key=f"{prefix}_window",
        help="The calendar days (UTC) whose snapshots are listed, both ends included",
    )  # fmt: skip
    if not isinstance(picked, tuple) or len(picked) != 2 or (picked[0], picked[1]) == (first, last):
        return list(records)  # the whole span, or a range still being picked
    start, end = day_window(picked[0], picked[1])
    given = {record.fingerprint for record in records}
    windowed = archived_snapshots(workspace, backend_name=records[0].backend_name, calibrated_from=start,
                                  calibrated_until=end)  # fmt: skip
    return [record for record in windowed if record.fingerprint in given]


def load_archived_snapshot(workspace: Workspace, record: ArchivedSnapshot) -> tuple[BackendCalibration, DeviceSource]:
    """The archived snapshot loaded in a worker, and how a worker loads it again: its document and file name, as
    when it was uploaded (the same key, so what was computed for the upload is reused)."""
    return _archived(record.fingerprint, workspace)


@st.cache_resource(max_entries=ARCHIVED_KEPT, show_spinner=False)
def _archived(fingerprint: str, _workspace: Workspace) -> tuple[BackendCalibration, DeviceSource]:
    """Kept by fingerprint for every session: a drift chart's snapshots are read from the database once."""
    document, name = archived_document(_workspace, fingerprint)
    source = upload_source(name, document)
    return cached_upload(source), source


def _put_in_force(workspace: Workspace, record: ArchivedSnapshot) -> None:
    try:
        calibration, source = load_archived_snapshot(workspace, record)
        # named by fingerprint: the file name is another user's text, and the source shows in Markdown captions
        set_device(LoadedDevice(calibration, f"archive snapshot {record.fingerprint[:SHORT_FINGERPRINT]}", source))
    except (WorkspaceError, CalibrationError, TaskStopped) as error:
        st.error(f"{plain(record.file_name)} was not put in force: {plain(str(error))}", icon=":material/error:")
        return
    st.rerun()
