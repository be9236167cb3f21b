"""Choose the device: a shipped preset, or an uploaded BackendProperties JSON or IBM calibration CSV."""

from __future__ import annotations

import streamlit as st

from components.cached import cached_upload
from components.jobs import upload_source
from components.session import (
    LoadedDevice,
    current_device,
    preset_device,
    set_device,
    set_upload_error,
    upload_error,
)
from components.tasks import TaskStopped
from noise_core import CalibrationError
from noise_core.calibration import MAX_DOCUMENT_BYTES
from presets import DEFAULT_PRESET, list_presets

PRESET_KEY = "device_preset"
UPLOAD_KEY = "device_upload"
TRANSPORT_LIMIT_MB = 50
"""What the browser may send (MiB; ``server.maxUploadSize`` must be at least this): above the loader's limit,
so an over-size snapshot reaches the server and gets its own message instead of an icon on the file chip."""
TYPICAL_SNAPSHOT_MB = 1
"""Real calibration snapshots are under this (156 qubits: 0.66 MB)."""


def _load_selected_preset() -> None:
    name = st.session_state[PRESET_KEY]
    try:
        set_device(preset_device(name))
    except TaskStopped as error:
        set_upload_error(f"{name} was not loaded: {error}")


def _load_upload() -> None:
    uploaded = st.session_state[UPLOAD_KEY]
    if uploaded is None:  # the user removed the file: keep the device in force
        return
    problem = size_problem(uploaded.name, uploaded.size)
    if problem is not None:
        set_upload_error(problem)
        return
    content = uploaded.getvalue()
    origin = upload_source(uploaded.name, content)
    try:
        set_device(LoadedDevice(cached_upload(origin), f"upload {uploaded.name}", origin))
    except (CalibrationError, TaskStopped) as error:
        set_upload_error(f"{uploaded.name} was not loaded: {error}")


def size_problem(name: str, size: int) -> str | None:
    """Why a file of ``size`` bytes is refused before it is read, or None if it is within the loader's limit."""
    if size <= MAX_DOCUMENT_BYTES:
        return None
    return (
        f"{name} was not loaded: it is {size / 2**20:.3g} MB; calibration snapshots are under "
        f"{TYPICAL_SNAPSHOT_MB} MB and the limit is {MAX_DOCUMENT_BYTES // 2**20} MB."
    )


def device_picker() -> None:
    """Preset select box and upload box; a rejected upload leaves the current device in force."""
    presets = {preset.name: preset for preset in list_presets()}
    names = list(presets)
    left, right = st.columns(2)
    left.selectbox(
        "Preset device",
        names,
        index=names.index(DEFAULT_PRESET),
        format_func=lambda name: presets[name].label,
        key=PRESET_KEY,
        on_change=_load_selected_preset,
        help="Real IBM calibration snapshots shipped with qiskit-ibm-runtime (Apache-2.0).",
    )
    right.file_uploader(
        f"…or upload a BackendProperties JSON or IBM calibration CSV (at most {MAX_DOCUMENT_BYTES // 2**20} MB)",
        type=["json", "csv"],
        key=UPLOAD_KEY,
        on_change=_load_upload,
        max_upload_size=TRANSPORT_LIMIT_MB,
        help="IBM calibration snapshot: props_*.json or backend.properties().to_dict(), or the CSV from a QPU's "
        "page on IBM Quantum Platform ('Download calibration data'; keep its file name, which holds the backend "
        "and the calibration time). The limit is "
        f"{MAX_DOCUMENT_BYTES // 2**20} MB (real snapshots are under {TYPICAL_SNAPSHOT_MB} MB); the browser sends "
        f"up to {TRANSPORT_LIMIT_MB} MB so that a larger file gets a message here. The device in force stays "
        "until a file loads.",
    )
    message = upload_error()
    if message:
        st.error(f"{message}\n\nStill showing {current_device().source}. Fix the file and upload it again.")
