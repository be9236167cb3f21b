"""Other vendors' calibration documents, each read into a ``BackendProperties`` dict with a ``device`` block.

``vendor_properties`` recognises the document by its shape: AWS Braket (``braketSchemaHeader``),
IonQ's characterization, Google's calibration metrics, Quantinuum's emulator parameters. IBM's own
documents are not vendor documents here: they load as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from noise_core.calibration.vendors.braket import braket_properties, is_braket_document
from noise_core.calibration.vendors.google import google_properties, is_google_calibration
from noise_core.calibration.vendors.ionq import ionq_properties, is_ionq_characterization
from noise_core.calibration.vendors.quantinuum import is_quantinuum_parameters, quantinuum_properties

__all__ = [
    "is_braket_document",
    "is_google_calibration",
    "is_ionq_characterization",
    "is_quantinuum_parameters",
    "vendor_properties",
]


def vendor_properties(data: Any, *, filename: str | None = None) -> dict[str, Any] | None:
    """``data`` (decoded JSON) as a ``BackendProperties`` dict when it is another vendor's document, else None."""
    if not isinstance(data, Mapping):
        return None
    if is_braket_document(data):
        return braket_properties(data, filename=filename)
    if is_ionq_characterization(data):
        return ionq_properties(data)
    if is_google_calibration(data):
        return google_properties(data, filename=filename)
    if is_quantinuum_parameters(data):
        return quantinuum_properties(data)
    return None
