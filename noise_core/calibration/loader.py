"""``load_calibration``: a snapshot from a path, bytes or text (JSON or IBM's calibration CSV), or a dict.

The format is told by content: JSON starts with ``{``; a CSV's first line names a ``Qubit`` column
(or IBM's other columns, or the file name ends in ``.csv``). Both are bounded by size before they
are parsed, and both give the same ``BackendCalibration``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from noise_core.calibration.csv_columns import recognise
from noise_core.calibration.csv_format import calibration_from_csv
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.calibration.vendors import vendor_properties
from noise_core.errors import CalibrationError
from noise_core.json_bounds import json_bounds_problem

MAX_DOCUMENT_BYTES = 20 * 2**20
"""Largest snapshot accepted (the Device page's uploader says so; the biggest real one is 0.7 MB)."""
_EXPECTED = "expected a BackendProperties JSON object or an IBM calibration CSV"


def _read_document(source: str | bytes | Path) -> tuple[bytes, str | None]:
    """The bytes of a path, or of JSON/CSV bytes or text, with the path's file name (None for content)."""
    if isinstance(source, str) and not source.strip():
        raise CalibrationError(f"the document is empty; {_EXPECTED}")
    if isinstance(source, Path) or (isinstance(source, str) and not _is_content(source)):
        path = Path(source)
        try:
            if not path.is_file():
                raise CalibrationError(f"no calibration file at {str(path)[:200]!r}")
            if path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise CalibrationError(_size_problem(path.stat().st_size))
            return path.read_bytes(), path.name
        except OSError as error:  # a name too long, a directory, no permission
            raise CalibrationError(f"cannot read {str(path)[:200]!r}: {error.strerror or error}") from None
    return (source.encode("utf-8") if isinstance(source, str) else source), None


def _is_content(text: str) -> bool:
    """Whether a string is a document (JSON or CSV) rather than a path: several lines, or JSON, or a CSV header."""
    return "\n" in text or text.lstrip().startswith(("{", "[")) or looks_like_csv(text.encode("utf-8", "replace"))


def looks_like_csv(document: bytes, filename: str | None = None) -> bool:
    """Whether ``document`` is a calibration CSV: not JSON, and a first line naming a ``Qubit`` column or
    two of IBM's other columns, or a file name ending in ``.csv``."""
    head = document[:4096].decode("utf-8", "replace").removeprefix("\ufeff").lstrip()
    if head.startswith(("{", "[")):
        return False
    if filename is not None and filename.lower().endswith(".csv"):
        return True
    first_line = head.split("\n", 1)[0]
    cells = [cell.strip().strip('"').strip() for cell in first_line.replace(";", ",").split(",")]
    return "qubit" in (cell.lower() for cell in cells) or sum(_is_column(cell) for cell in cells) >= 2


def _is_column(header: str) -> bool:
    """Whether ``header`` names one of IBM's columns (one with a unit it cannot use counts: the reader says why)."""
    try:
        return recognise(header) is not None
    except CalibrationError:
        return True


def _size_problem(size: int) -> str:
    return (
        f"the document is {size / 2**20:.1f} MB; the limit is {MAX_DOCUMENT_BYTES / 2**20:.1f} MB for a calibration "
        "snapshot (the largest real one is under 1 MB)"
    )


def _parsed_json(document: bytes) -> Any:
    """The JSON value of ``document``, bounded in size and nesting."""
    problem = json_bounds_problem(document, max_bytes=MAX_DOCUMENT_BYTES)
    if problem is not None:
        raise CalibrationError(f"{problem} for a calibration snapshot (the largest real one is under 1 MB, 5 deep)")
    if not document.strip():
        raise CalibrationError(f"the document is empty; {_EXPECTED}")
    try:
        return json.loads(document)
    except UnicodeDecodeError:
        raise CalibrationError(f"the document is not UTF-8 text; {_EXPECTED}") from None
    except json.JSONDecodeError as error:
        hint = "" if document.lstrip().startswith((b"{", b"[")) else f" ({_EXPECTED})"
        raise CalibrationError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}{hint}"
        ) from None


def _decoded_csv(document: bytes) -> str:
    """CSV bytes as text: UTF-8, with or without the byte-order mark a spreadsheet adds."""
    if len(document) > MAX_DOCUMENT_BYTES:
        raise CalibrationError(_size_problem(len(document)))
    try:
        return document.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CalibrationError(
            f"the CSV is not UTF-8 text (byte {document[error.start]:#04x} at offset {error.start}): re-download it, "
            "or save it as 'CSV UTF-8'"
        ) from None


def load_calibration(
    source: str | bytes | Path | Mapping[str, Any], *, filename: str | None = None
) -> BackendCalibration:
    """Load a snapshot from a path, JSON or CSV bytes or text, or a decoded ``BackendProperties`` dict.

    An IBM calibration CSV takes its backend name and calibration time from ``filename`` (as
    downloaded: ``ibm_fez_calibrations_2025-01-13T16_54_24Z.csv``; a path gives its own name);
    without them both are unknown, said as findings (``csv_format``). JSON carries its own.

    Raises ``CalibrationError`` naming the place and the rule for anything unusable: the path
    inside a JSON document (``qubits[3][1].value``) or the line, qubit, column and cell of a CSV;
    not JSON, wrong types, missing required keys, unknown units, out-of-range or repeated qubit
    indices. Physically suspicious values load and are listed in ``.findings``.
    """
    if isinstance(source, Mapping):
        return BackendCalibration.from_dict(vendor_properties(source, filename=filename) or source)
    document, own_name = _read_document(source)
    name = filename if filename is not None else own_name
    if len(document) > MAX_DOCUMENT_BYTES:
        raise CalibrationError(_size_problem(len(document)))
    if looks_like_csv(document, name):
        return calibration_from_csv(_decoded_csv(document), filename=name)
    data = _parsed_json(document)
    return BackendCalibration.from_dict(vendor_properties(data, filename=name) or data)
