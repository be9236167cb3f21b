"""The session state the pages share: one place for its keys, typed accessors around them."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.cached import cached_preset
from noise_core import BackendCalibration
from presets import DEFAULT_PRESET

_DEVICE = "device"
_UPLOAD_ERROR = "device_upload_error"


@dataclass(frozen=True)
class LoadedDevice:
    """The calibration in force and where it came from ('preset ibm_fez', 'upload props.json')."""

    calibration: BackendCalibration
    source: str


def init_session() -> None:
    """Open on the default preset; runs once per session (later reruns keep what the user loaded)."""
    if _DEVICE not in st.session_state:
        st.session_state[_DEVICE] = LoadedDevice(cached_preset(DEFAULT_PRESET), f"preset {DEFAULT_PRESET}")


def current_device() -> LoadedDevice:
    return st.session_state[_DEVICE]


def set_device(device: LoadedDevice) -> None:
    st.session_state[_DEVICE] = device
    st.session_state.pop(_UPLOAD_ERROR, None)


def upload_error() -> str | None:
    """The last rejected upload's message, shown until a device loads successfully."""
    return st.session_state.get(_UPLOAD_ERROR)


def set_upload_error(message: str) -> None:
    st.session_state[_UPLOAD_ERROR] = message
