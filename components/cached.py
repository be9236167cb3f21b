"""Cached noise_core calls. Cached objects are immutable, so sharing them across reruns is safe."""

from __future__ import annotations

import streamlit as st

from noise_core import BackendCalibration, load_calibration
from presets import load_preset


@st.cache_resource(show_spinner="Loading calibration snapshot…")
def cached_preset(name: str) -> BackendCalibration:
    return load_preset(name)


@st.cache_resource(max_entries=8, show_spinner="Reading uploaded snapshot…")
def cached_upload(content: bytes) -> BackendCalibration:
    """Parse uploaded bytes; a rejected document raises and is not cached."""
    return load_calibration(content)
