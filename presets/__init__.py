"""Calibration snapshots the app ships with, and their loader.

See ``presets/generate.py`` for where the snapshots come from and ``snapshots/MANIFEST.json``
for each one's source, licence and checksum.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from noise_core import BackendCalibration, CalibrationError, load_calibration

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"
DEFAULT_PRESET = "ibm_pittsburgh"
"""The snapshot the app opens on: a 156-qubit Heron r2, the name Classiq uses for its preset."""


@dataclass(frozen=True)
class PresetInfo:
    """What a picker shows about a preset before loading it."""

    name: str
    num_qubits: int
    last_update_date: str
    source: str

    @property
    def label(self) -> str:
        return f"{self.name} · {self.num_qubits} qubits · {self.last_update_date[:10]}"


def list_presets() -> list[PresetInfo]:
    """Shipped snapshots, smallest device first."""
    presets = [
        PresetInfo(entry["name"], entry["num_qubits"], entry["last_update_date"], entry["source"])
        for entry in _manifest()
    ]
    return sorted(presets, key=lambda preset: (preset.num_qubits, preset.name))


def load_preset(name: str) -> BackendCalibration:
    """Load the shipped snapshot called ``name`` (see ``list_presets``)."""
    names = [preset.name for preset in list_presets()]
    if name not in names:
        raise CalibrationError(f"no preset named {name!r}; available: {', '.join(names)}")
    document_name = next(entry.get("document_name") for entry in _manifest() if entry["name"] == name)
    return load_calibration(SNAPSHOT_DIR / f"{name}.json", filename=document_name)


def _manifest() -> list[dict[str, Any]]:
    """``snapshots/MANIFEST.json``: per preset its name, size, date, source, licence, SHA-256 and, where the file
    was renamed, the source document's own name (Google's carries the calibration date)."""
    manifest: list[dict[str, Any]] = json.loads((SNAPSHOT_DIR / "MANIFEST.json").read_text())
    return manifest
