"""Noise Studio's library: noise specifications, calibration snapshots and the physics between them.

Pure Python: never imports streamlit or plotly. Rooms, along the data flow:
``spec`` (the models) ← ``calibration`` (snapshots and their findings) → ``derive`` (device
physics → spec) → ``aer`` (spec → Aer noise model) → ``simulation`` (circuits on a device);
``export`` (JSON, Classiq, Aer dict), ``cli`` (the command line), ``errors`` (one base class).
"""

from noise_core.aer import build_noise_model
from noise_core.calibration import BackendCalibration, load_calibration
from noise_core.calibration.diff import CalibrationDiff, compare_calibrations
from noise_core.derive import derive_noise_spec
from noise_core.errors import (
    CalibrationError,
    CircuitParseError,
    ClassiqExportError,
    NoiseStudioError,
    PropertyNotFoundError,
    SimulationError,
    SpecImportError,
)
from noise_core.export import (
    approximate_for_classiq,
    spec_from_json,
    spec_to_json,
    to_aer_dict,
    to_classiq_dict,
)
from noise_core.simulation import (
    CIRCUIT_LIBRARY,
    AssignmentReport,
    DeviceTarget,
    LibraryCircuit,
    SimulationLimits,
    SimulationMetrics,
    SimulationResult,
    assignment_report,
    build_target,
    joint_assignment_matrix,
    noise_coverage,
    parse_circuit,
    simulate,
)
from noise_core.spec import (
    DepolarizingNoiseOnGate,
    DerivationOptions,
    FieldProblem,
    Finding,
    FindingKind,
    GateLengthOverride,
    LocalDepolarizingNoiseOnGate,
    LocalPauliNoiseOnGate,
    LocalReadoutNoise,
    LocalThermalRelaxationNoiseOnGate,
    NoiseSpec,
    PauliNoiseOnGate,
    PauliNoiseTerm,
    Provenance,
    ThermalRelaxationNoiseOnGate,
    ThermalRelaxationParameters,
    assignment_matrix,
    describe_validation_error,
    findings_table,
    scale_noise,
)

__all__ = [
    "CIRCUIT_LIBRARY",
    "AssignmentReport",
    "BackendCalibration",
    "CalibrationDiff",
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
    "NoiseStudioError",
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
    "compare_calibrations",
    "derive_noise_spec",
    "describe_validation_error",
    "findings_table",
    "joint_assignment_matrix",
    "load_calibration",
    "noise_coverage",
    "parse_circuit",
    "scale_noise",
    "simulate",
    "spec_from_json",
    "spec_to_json",
    "to_aer_dict",
    "to_classiq_dict",
]
