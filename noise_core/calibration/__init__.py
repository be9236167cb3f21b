"""Calibration snapshots: loading within bounds, SI units, the checks that produce findings, tables."""

from noise_core.calibration.checks import find_issues
from noise_core.calibration.fingerprint import calibration_fingerprint, calibration_mismatch
from noise_core.calibration.loader import MAX_DOCUMENT_BYTES, load_calibration
from noise_core.calibration.properties import Timestamped, property_value
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.calibration.tables import coupling_edges, qubit_metrics

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "BackendCalibration",
    "Timestamped",
    "calibration_fingerprint",
    "calibration_mismatch",
    "coupling_edges",
    "find_issues",
    "load_calibration",
    "property_value",
    "qubit_metrics",
]
