"""Noise Studio's library: noise specifications, calibration snapshots and the physics between them.

Pure Python: never imports streamlit or plotly.
"""

from noise_core.aer_model import build_noise_model
from noise_core.calibration import BackendCalibration, CalibrationError, PropertyNotFoundError, load_calibration
from noise_core.derive import derive_noise_spec
from noise_core.findings import Finding, FindingKind, findings_table
from noise_core.problems import FieldProblem, describe_validation_error
from noise_core.provenance import DerivationOptions, GateLengthOverride, Provenance
from noise_core.spec import (
    DepolarizingNoiseOnGate,
    LocalDepolarizingNoiseOnGate,
    LocalPauliNoiseOnGate,
    LocalReadoutNoise,
    LocalThermalRelaxationNoiseOnGate,
    NoiseSpec,
    PauliNoiseOnGate,
    PauliNoiseTerm,
    ThermalRelaxationNoiseOnGate,
    ThermalRelaxationParameters,
)

__all__ = [
    "BackendCalibration",
    "CalibrationError",
    "DepolarizingNoiseOnGate",
    "DerivationOptions",
    "FieldProblem",
    "Finding",
    "FindingKind",
    "GateLengthOverride",
    "LocalDepolarizingNoiseOnGate",
    "LocalPauliNoiseOnGate",
    "LocalReadoutNoise",
    "LocalThermalRelaxationNoiseOnGate",
    "NoiseSpec",
    "PauliNoiseOnGate",
    "PauliNoiseTerm",
    "PropertyNotFoundError",
    "Provenance",
    "ThermalRelaxationNoiseOnGate",
    "ThermalRelaxationParameters",
    "build_noise_model",
    "derive_noise_spec",
    "describe_validation_error",
    "findings_table",
    "load_calibration",
]
