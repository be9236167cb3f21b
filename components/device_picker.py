"""Choose the device: a shipped preset or an uploaded BackendProperties JSON."""

from __future__ import annotations

import hashlib

import streamlit as st

from components.cached import cached_upload
from components.jobs import DeviceSource
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
from presets import DEFAULT_PRESET, list_presets

PRESET_KEY = "device_preset"
UPLOAD_KEY = "device_upload"


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
    content = uploaded.getvalue()
    origin = DeviceSource(f"upload:{hashlib.sha256(content).hexdigest()[:16]}", content=content)
    try:
        set_device(LoadedDevice(cached_upload(origin), f"upload {uploaded.name}", origin))
    except (CalibrationError, TaskStopped) as error:
        set_upload_error(f"{uploaded.name} was not loaded: {error}")


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
        "…or upload a BackendProperties JSON",
        type=["json"],
        key=UPLOAD_KEY,
        on_change=_load_upload,
        help="IBM calibration snapshot (props_*.json, backend.properties().to_dict()); at most 20 MB.",
    )
    message = upload_error()
    if message:
        st.error(f"{message}\n\nStill showing {current_device().source}. Fix the file and upload it again.")
