"""Shipped presets: present, loadable, and identical to the snapshots they were copied from."""

from __future__ import annotations

import hashlib
import json

import pytest

from noise_core import CalibrationError
from presets import DEFAULT_PRESET, SNAPSHOT_DIR, list_presets, load_preset
from presets.generate import CHOSEN, source_path
from presets.generate_vendors import QUANTINUUM_H1_1, ionq_harmony_document

VENDOR_PRESETS = ("google_willow_pink_d7v1", "ionq_harmony", "quantinuum_h1_1")


def test_presets_cover_the_sizes_and_names_classiq_uses() -> None:
    presets = list_presets()
    names = {preset.name for preset in presets}
    assert {"ibm_pittsburgh", "ibm_fez", "ibm_torino"} <= names
    assert {5, 27, 127, 156} <= {preset.num_qubits for preset in presets}
    assert DEFAULT_PRESET in names
    assert [p.num_qubits for p in presets] == sorted(p.num_qubits for p in presets)


@pytest.mark.parametrize("preset", list_presets(), ids=lambda preset: preset.name)
def test_each_preset_loads_and_matches_its_manifest(preset) -> None:  # type: ignore[no-untyped-def]
    calibration = load_preset(preset.name)
    assert calibration.backend_name == preset.name
    assert calibration.num_qubits == preset.num_qubits
    assert preset.label.startswith(f"{preset.name} · {preset.num_qubits} qubits · 20")


def test_snapshots_are_byte_identical_to_their_qiskit_ibm_runtime_source() -> None:
    manifest = {entry["name"]: entry for entry in json.loads((SNAPSHOT_DIR / "MANIFEST.json").read_text())}
    assert len(manifest) == len(CHOSEN) + len(VENDOR_PRESETS)
    for short_name in CHOSEN:
        raw = source_path(short_name).read_bytes()
        name = json.loads(raw)["backend_name"]
        shipped = (SNAPSHOT_DIR / f"{name}.json").read_bytes()
        assert hashlib.sha256(shipped).hexdigest() == manifest[name]["sha256"]
        assert shipped == raw, f"{name} drifted from qiskit-ibm-runtime: run `python -m presets.generate`"


def test_unknown_preset_names_the_available_ones() -> None:
    with pytest.raises(
        CalibrationError,
        match=r"no preset named 'ibm_nowhere'; available: ibmq_manila, ionq_harmony, quantinuum_h1_1, ibm_algiers",
    ):
        load_preset("ibm_nowhere")


def test_vendor_presets_match_their_manifest_and_the_ionq_document_its_generator() -> None:
    manifest = {entry["name"]: entry for entry in json.loads((SNAPSHOT_DIR / "MANIFEST.json").read_text())}
    for name in VENDOR_PRESETS:
        shipped = (SNAPSHOT_DIR / f"{name}.json").read_bytes()
        assert hashlib.sha256(shipped).hexdigest() == manifest[name]["sha256"]
        assert manifest[name]["licence"] == "Apache-2.0"
    assert json.loads((SNAPSHOT_DIR / "ionq_harmony.json").read_text()) == ionq_harmony_document()
    assert json.loads((SNAPSHOT_DIR / "quantinuum_h1_1.json").read_text()) == QUANTINUUM_H1_1
    assert "not one day's calibration" in manifest["ionq_harmony"]["source"]
