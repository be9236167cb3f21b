"""identify_document: every document the library reads is told apart by its shape; anything else is None."""

from __future__ import annotations

import json
from functools import cache

import pytest

from noise_core import DocumentKind, derive_noise_spec, identify_document, save_session, spec_to_json, to_aer_dict
from noise_core.calibration import calibration_to_csv
from noise_core.documents import MAX_IDENTIFIED_BYTES
from noise_core.export import to_classiq_dict
from presets import SNAPSHOT_DIR, load_preset
from tests.conftest import classiq_combining_channels, minimal_snapshot


@cache
def documents() -> dict[str, tuple[bytes, DocumentKind]]:
    """One document of each kind, as the library writes it or as a user brings it."""
    manila = load_preset("ibmq_manila")
    spec = derive_noise_spec(manila)
    bundle = save_session(calibration=manila, spec=spec, circuit="ghz:3", shots=100, seed=1, preset="ibmq_manila")
    counts_file = {"format": "noise-studio-counts", "version": 1, "experiments": [{"circuit": "ghz:2", "counts": {}}]}
    return {
        "snapshot": ((SNAPSHOT_DIR / "ibmq_manila.json").read_bytes(), DocumentKind.CALIBRATION_JSON),
        "minimal snapshot": (json.dumps(minimal_snapshot()).encode(), DocumentKind.CALIBRATION_JSON),
        "calibration CSV": (calibration_to_csv(manila).encode("utf-8-sig"), DocumentKind.CALIBRATION_CSV),
        "Google calibration": (
            (SNAPSHOT_DIR / "google_willow_pink_d7v1.json").read_bytes(),
            DocumentKind.VENDOR_CALIBRATION,
        ),
        "Braket device": ((SNAPSHOT_DIR / "ionq_harmony.json").read_bytes(), DocumentKind.VENDOR_CALIBRATION),
        "full spec": (spec_to_json(spec).encode(), DocumentKind.NOISE_SPEC),
        "Classiq spec": (json.dumps(classiq_combining_channels()).encode(), DocumentKind.CLASSIQ_SPEC),
        "Classiq export": (json.dumps(to_classiq_dict(spec, approximate=True)).encode(), DocumentKind.CLASSIQ_SPEC),
        "Aer dict": (json.dumps(to_aer_dict(spec, qubits=[0])).encode(), DocumentKind.AER_NOISE_MODEL),
        "session bundle": (bundle.encode(), DocumentKind.SESSION),
        "counts file": (json.dumps(counts_file).encode(), DocumentKind.COUNTS),
        "bare experiments": (json.dumps([{"circuit": "ghz:2", "counts": {"00": 5}}]).encode(), DocumentKind.COUNTS),
        "Qiskit counts": (b'{"00 1": 480, "0x3": 520.0}', DocumentKind.COUNTS),
        "Qiskit counts list": (b'[{"00": 480}, {"11": 3}]', DocumentKind.COUNTS),
        "counts CSV": (b"outcome,count\n00,480\n11,520\n", DocumentKind.COUNTS),
        "headless counts CSV": (b"0101, 7\n", DocumentKind.COUNTS),
    }


@pytest.mark.parametrize("name", list(documents()))
def test_each_document_is_told_by_its_shape(name: str) -> None:
    content, kind = documents()[name]
    assert identify_document(content) == kind


@pytest.mark.parametrize(
    "content",
    [
        b"", b"   ", b"hello", b"{}", b"[]", b"{", b"null", b"42", b'"text"', b'{"backend_name": "x"}',
        b'{"basis_gates": [], "typo": 1}', b'{"00": true}', b'{"012": 3}', b"[1, 2]", b'[{"00": 1}, 3]',
        b"a,b,c\n", b"outcome,many\n", b"\xff\xfe{", "{\"qubits\": 1}".encode("utf-16"),
        b"[" * 40 + b"]" * 40, b"9" * 5000, b'{"format": "noise-studio-session", ' + b'"x": ' * 100,
    ],
    ids=repr,
)  # fmt: skip
def test_anything_else_is_not_recognised_and_never_raises(content: bytes) -> None:
    assert identify_document(content) is None


def test_a_document_over_every_loaders_limit_is_not_parsed() -> None:
    assert identify_document(json.dumps(minimal_snapshot()).encode() + b" " * MAX_IDENTIFIED_BYTES) is None


def test_the_kind_reads_after_this_is() -> None:
    assert f"this is {DocumentKind.CALIBRATION_JSON}" == "this is a calibration snapshot (IBM BackendProperties JSON)"
