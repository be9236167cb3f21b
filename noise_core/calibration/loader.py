"""``load_calibration``: a snapshot from a path, JSON bytes or text, or a dict, read within bounds."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import CalibrationError
from noise_core.json_bounds import json_bounds_problem

MAX_DOCUMENT_BYTES = 20 * 2**20
"""Largest snapshot accepted, as Streamlit's ``maxUploadSize = 20`` (the biggest real one is 0.7 MB)."""


def _read_source(source: str | bytes | Path | Mapping[str, Any]) -> Any:
    """Parse a path, JSON bytes/str, or an already-decoded dict into a JSON value."""
    if isinstance(source, Mapping):
        return source
    if isinstance(source, str) and not source.strip():
        raise CalibrationError("the document is empty; expected a BackendProperties JSON object")
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith(("{", "["))):
        path = Path(source)
        if not path.is_file():
            raise CalibrationError(f"no calibration file at {str(path)!r}")
        source = path.read_bytes()
    document = source.encode("utf-8") if isinstance(source, str) else source
    problem = json_bounds_problem(document, max_bytes=MAX_DOCUMENT_BYTES)
    if problem is not None:
        raise CalibrationError(f"{problem} for a calibration snapshot (the largest real one is under 1 MB, 5 deep)")
    if not document.strip():
        raise CalibrationError("the document is empty; expected a BackendProperties JSON object")
    try:
        return json.loads(document)
    except UnicodeDecodeError:
        raise CalibrationError("the document is not UTF-8 text; expected a BackendProperties JSON file") from None
    except json.JSONDecodeError as error:
        raise CalibrationError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None


def load_calibration(source: str | bytes | Path | Mapping[str, Any]) -> BackendCalibration:
    """Load a ``BackendProperties`` snapshot from a path, JSON bytes or text, or a dict.

    Raises ``CalibrationError`` naming the path inside the document (``qubits[3][1].value``)
    and the rule for anything unusable: not JSON, wrong types, missing required keys, unknown
    units, out-of-range or repeated qubit indices. Physically suspicious values load and are
    listed in ``.findings``.
    """
    return BackendCalibration.from_dict(_read_source(source))
