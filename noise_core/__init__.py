"""Noise Studio's library: noise specifications, calibration snapshots and the physics between them.

Pure Python: never imports streamlit or plotly.
"""

from noise_core.aer_model import build_noise_model
from noise_core.calibration import BackendCalibration, CalibrationError, PropertyNotFoundError, load_calibration
from noise_core.derive import derive_noise_spec
from noise_core.export import (
    ClassiqExportError,
    SpecImportError,
    approximate_for_classiq,
    spec_from_json,
    spec_to_json,
    to_aer_dict,
    to_classiq_dict,
)
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
    "ClassiqExportError",
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
    "SpecImportError",
    "ThermalRelaxationNoiseOnGate",
    "ThermalRelaxationParameters",
    "approximate_for_classiq",
    "build_noise_model",
    "derive_noise_spec",
    "describe_validation_error",
    "findings_table",
    "load_calibration",
    "spec_from_json",
    "spec_to_json",
    "to_aer_dict",
    "to_classiq_dict",
]
