"""Calibration snapshots: loading within bounds (JSON or IBM's calibration CSV), SI units, the checks that
produce findings, tables."""

from noise_core.calibration.checks import find_issues
from noise_core.calibration.csv_columns import UNKNOWN_BACKEND, UNKNOWN_DATE
from noise_core.calibration.csv_format import CsvReading, calibration_from_csv, read_calibration_csv
from noise_core.calibration.csv_writer import calibration_csv_name, calibration_to_csv
from noise_core.calibration.fingerprint import calibration_fingerprint, calibration_mismatch
from noise_core.calibration.loader import MAX_DOCUMENT_BYTES, load_calibration, looks_like_csv
from noise_core.calibration.properties import Timestamped, property_value
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.calibration.tables import coupling_edges, qubit_metrics

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "UNKNOWN_BACKEND",
    "UNKNOWN_DATE",
    "BackendCalibration",
    "CsvReading",
    "Timestamped",
    "calibration_csv_name",
    "calibration_fingerprint",
    "calibration_from_csv",
    "calibration_mismatch",
    "calibration_to_csv",
    "coupling_edges",
    "find_issues",
    "load_calibration",
    "looks_like_csv",
    "property_value",
    "qubit_metrics",
    "read_calibration_csv",
]
