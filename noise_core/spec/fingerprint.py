"""Fingerprints: SHA-256 of a canonical JSON of the values that change results.

Canonical means sorted keys, no whitespace, floats in Python's shortest round-trip form, so the
digest does not depend on key order, formatting, or how a number was written (``0.1`` and
``1.0e-1`` are the same double). Lists whose order carries no meaning (a spec's entries, its
basis gates) are sorted too.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from noise_core.spec.models import GATE_CHANNEL_FIELDS, GROUP_FIELDS, PAIR_FIELDS, QUBIT_FIELDS, NoiseSpec

UNORDERED_SPEC_FIELDS = ("basis_gates", *GATE_CHANNEL_FIELDS, *QUBIT_FIELDS, *PAIR_FIELDS, *GROUP_FIELDS)
"""Spec fields that are sets in meaning: their order is not part of the fingerprint."""
FIELDS_ADDED_LATER = (
    "idle_relaxation_errors", "gate_coherent_errors", "local_coherent_errors", "idle_detuning_errors",
    "zz_crosstalk_errors", "correlated_readout_errors",
)  # fmt: skip
"""Spec fields added after fingerprints were first stored (sessions, bundles): left out of the digest when empty."""


def canonical_json(value: Any) -> str:
    """``value`` as JSON with sorted keys and no whitespace (NaN written as ``NaN``)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_digest(value: Any) -> str:
    """SHA-256 (64 hex digits) of ``canonical_json(value)``."""
    return hashlib.sha256(canonical_json(value).encode("ascii")).hexdigest()


def spec_fingerprint(spec: NoiseSpec) -> str:
    """The spec's physics (every channel and readout setting; not its provenance) as a SHA-256 digest."""
    document = spec.model_dump(mode="json", exclude={"provenance"})
    for field in FIELDS_ADDED_LATER:
        if not document[field]:
            del document[field]  # a spec without that kind keeps the fingerprint it had before the field existed
    for field in UNORDERED_SPEC_FIELDS:
        if document.get(field) is not None:
            document[field] = sorted(document[field], key=canonical_json)
    return canonical_digest(document)
