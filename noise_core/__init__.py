"""Noise Studio's library: noise specifications, calibration snapshots and the physics between them.

Pure Python: never imports streamlit or plotly.
"""

from noise_core.aer_model import build_noise_model
from noise_core.assignment import AssignmentReport, assignment_report
from noise_core.calibration import BackendCalibration, CalibrationError, PropertyNotFoundError, load_calibration
from noise_core.circuits import CIRCUIT_LIBRARY, CircuitParseError, LibraryCircuit, parse_circuit
from noise_core.coverage import noise_coverage
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
from noise_core.readout import assignment_matrix, joint_assignment_matrix
from noise_core.simulation import (
    SimulationError,
    SimulationLimits,
    SimulationMetrics,
    SimulationResult,
    simulate,
)
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
from noise_core.target import DeviceTarget, build_target

__all__ = [
    "CIRCUIT_LIBRARY",
    "AssignmentReport",
    "BackendCalibration",
    "CalibrationError",
    "CircuitParseError",
    "ClassiqExportError",
    "DepolarizingNoiseOnGate",
    "DerivationOptions",
    "DeviceTarget",
    "FieldProblem",
    "Finding",
    "FindingKind",
    "GateLengthOverride",
    "LibraryCircuit",
    "LocalDepolarizingNoiseOnGate",
    "LocalPauliNoiseOnGate",
    "LocalReadoutNoise",
    "LocalThermalRelaxationNoiseOnGate",
    "NoiseSpec",
    "PauliNoiseOnGate",
    "PauliNoiseTerm",
    "PropertyNotFoundError",
    "Provenance",
    "SimulationError",
    "SimulationLimits",
    "SimulationMetrics",
    "SimulationResult",
    "SpecImportError",
    "ThermalRelaxationNoiseOnGate",
    "ThermalRelaxationParameters",
    "approximate_for_classiq",
    "assignment_matrix",
    "assignment_report",
    "build_noise_model",
    "build_target",
    "derive_noise_spec",
    "describe_validation_error",
    "findings_table",
    "joint_assignment_matrix",
    "load_calibration",
    "noise_coverage",
    "parse_circuit",
    "simulate",
    "spec_from_json",
    "spec_to_json",
    "to_aer_dict",
    "to_classiq_dict",
]
