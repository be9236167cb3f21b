"""What a document is, told from its shape, whichever loader it was given to: ``identify_document(bytes)``.

Each loader refuses what is not its own with a schema error ("backend_name: Field required") that
does not say the file was simply put in the wrong place. This tells the documents the library reads
apart, by the same marks their loaders rely on, so a caller can say where the file goes instead:

- a calibration snapshot: a JSON object with ``backend_name`` and two more of IBM's ``BackendProperties``
  keys (``noise_core.export.CALIBRATION_KEYS``), or a CSV whose first line names IBM's calibration
  columns (``noise_core.calibration.looks_like_csv``, by content only);
- a noise spec: a JSON object of ``NoiseSpec`` fields only, Classiq's when they are all among
  ``CLASSIQ_FIELDS``;
- another vendor's calibration: AWS Braket's device document, IonQ's characterization, Google's calibration
  metrics, Quantinuum's emulator parameters (``noise_core.calibration.vendors``);
- Qiskit Aer's noise-model dict: ``{"errors": [...]}``, what the Export page writes for Aer;
- a session bundle: ``"format": "noise-studio-session"``;
- measured counts: ``"format": "noise-studio-counts"`` or ``experiments``, a Qiskit counts dict (bitstring or
  hex keys, numeric values) or a list of them, or CSV rows ``outcome,count``.

The content is never trusted: it is bounded in size and nesting before it is parsed (the largest
any loader reads), only its top level is looked at, and anything else is ``None`` (not recognised).
"""

from __future__ import annotations

import json
import re
from enum import StrEnum

from noise_core.analysis.counts import COUNTS_FORMAT, MAX_COUNTS_BYTES
from noise_core.calibration import MAX_DOCUMENT_BYTES, looks_like_csv
from noise_core.calibration.vendors import (
    is_braket_document,
    is_google_calibration,
    is_ionq_characterization,
    is_quantinuum_parameters,
)
from noise_core.export import CALIBRATION_KEYS, CLASSIQ_FIELDS, MAX_SPEC_BYTES, REPORT_KEY
from noise_core.json_bounds import json_bounds_problem
from noise_core.sessions import MAX_SESSION_BYTES, SESSION_FORMAT
from noise_core.spec.models import NoiseSpec

MAX_IDENTIFIED_BYTES = max(MAX_DOCUMENT_BYTES, MAX_SPEC_BYTES, MAX_SESSION_BYTES, MAX_COUNTS_BYTES)
"""Largest document looked at: the largest any loader reads (a larger one is refused by every loader's size rule)."""
HEAD_BYTES = 4096
"""How much of a document tells JSON from CSV, and a CSV's kind (its first line)."""
AER_KEYS = frozenset({"errors", "x90_gates"})
"""Top-level keys of ``NoiseModel.to_dict()``."""
VENDOR_DOCUMENTS = (is_braket_document, is_ionq_characterization, is_google_calibration, is_quantinuum_parameters)
_OUTCOME = re.compile(r"[01]+(?: [01]+)*|0x[0-9a-fA-F]+")
"""A Qiskit outcome: a bitstring (registers separated by spaces) or hex (``noise_core.analysis.counts``)."""


class DocumentKind(StrEnum):
    """The documents Noise Studio reads or writes, each named as a person would say it after 'this is'."""

    CALIBRATION_JSON = "a calibration snapshot (IBM BackendProperties JSON)"
    CALIBRATION_CSV = "a calibration snapshot (IBM calibration CSV)"
    VENDOR_CALIBRATION = "a calibration (AWS Braket, IonQ, Google or Quantinuum)"
    NOISE_SPEC = "a noise spec (Noise Studio's full format)"
    CLASSIQ_SPEC = "a noise spec (Classiq's fields)"
    AER_NOISE_MODEL = "a Qiskit Aer noise-model dict"
    SESSION = "a session bundle"
    COUNTS = "a counts file (measured counts)"


def identify_document(document: bytes) -> DocumentKind | None:
    """What ``document`` is, from its top level only; None when it is none of ``DocumentKind`` or is out of bounds.

    The content decides, never the file name: a renamed file is still itself.
    """
    if len(document) > MAX_IDENTIFIED_BYTES:
        return None
    head = document[:HEAD_BYTES].decode("utf-8", "replace").removeprefix("\ufeff").lstrip()
    if head.startswith(("{", "[")):
        return _json_kind(document)
    if looks_like_csv(document):
        return DocumentKind.CALIBRATION_CSV
    return DocumentKind.COUNTS if _is_counts_csv(head) else None


def _json_kind(document: bytes) -> DocumentKind | None:
    """The kind of a JSON document, parsed within the size and nesting bounds; None if it is not valid JSON."""
    if json_bounds_problem(document, max_bytes=MAX_IDENTIFIED_BYTES) is not None:
        return None
    try:
        data = json.loads(document)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, a number of too many digits
        return None
    if isinstance(data, list):
        return DocumentKind.COUNTS if data and all(_is_experiment(item) for item in data) else None
    return _object_kind(data) if isinstance(data, dict) and data else None


def _object_kind(data: dict[str, object]) -> DocumentKind | None:
    keys = data.keys() - {REPORT_KEY}  # an export's report of what it kept
    if data.get("format") == SESSION_FORMAT:
        return DocumentKind.SESSION
    if data.get("format") == COUNTS_FORMAT or "experiments" in keys or _is_counts_dict(data):
        return DocumentKind.COUNTS
    if "backend_name" in keys and len(CALIBRATION_KEYS & keys) >= 3:  # as ``spec_from_json`` tells a snapshot
        return DocumentKind.CALIBRATION_JSON
    if any(test(data) for test in VENDOR_DOCUMENTS):
        return DocumentKind.VENDOR_CALIBRATION
    if "errors" in keys and keys <= AER_KEYS:
        return DocumentKind.AER_NOISE_MODEL
    if keys <= set(CLASSIQ_FIELDS):
        return DocumentKind.CLASSIQ_SPEC
    return DocumentKind.NOISE_SPEC if keys <= NoiseSpec.model_fields.keys() else None


def _is_experiment(item: object) -> bool:
    """One entry of a counts list: an experiment with its ``counts``, or a bare Qiskit counts dict."""
    return isinstance(item, dict) and ("counts" in item or _is_counts_dict(item))


def _is_counts_dict(data: dict[str, object]) -> bool:
    """Qiskit's counts: every key an outcome, every value a number."""
    return bool(data) and all(
        _OUTCOME.fullmatch(key) is not None and isinstance(value, int | float) and not isinstance(value, bool)
        for key, value in data.items()
    )


def _is_counts_csv(head: str) -> bool:
    """A first line ``outcome,count``: the header ``load_counts`` skips, or an outcome and a number."""
    cells = [cell.strip() for cell in head.split("\n", 1)[0].split(",")]
    if len(cells) != 2:
        return False
    outcome, count = cells
    if count.lower() in {"count", "counts"}:
        return True
    try:
        float(count)
    except ValueError:
        return False
    return _OUTCOME.fullmatch(outcome) is not None
