"""The noise specification: channel models, their shared base, provenance, findings, schema, gate arity."""

from noise_core.spec.coherent import CoherentErrorOnGate, LocalCoherentErrorOnGate
from noise_core.spec.correlated import CorrelatedReadoutNoise
from noise_core.spec.crosstalk import ZZCrosstalkNoise
from noise_core.spec.factors import FACTOR_KINDS, NoiseFactors
from noise_core.spec.findings import Finding, FindingKind, findings_table
from noise_core.spec.fingerprint import spec_fingerprint
from noise_core.spec.models import (
    GATE_CHANNEL_FIELDS,
    DepolarizingNoiseOnGate,
    LocalDepolarizingNoiseOnGate,
    LocalPauliNoiseOnGate,
    LocalReadoutNoise,
    LocalThermalRelaxationNoiseOnGate,
    NoiseSpec,
    PauliNoiseOnGate,
    PauliNoiseTerm,
    ThermalRelaxationNoiseOnGate,
)
from noise_core.spec.provenance import DerivationOptions, GateLengthOverride, NoiseScaling, Provenance
from noise_core.spec.readout import assignment_from_flips, assignment_matrix
from noise_core.spec.relaxation import IdleDetuningNoise, IdleRelaxationNoise, ThermalRelaxationParameters
from noise_core.spec.scaling import scale_noise
from noise_core.spec.validation import FieldProblem, describe_validation_error

__all__ = [
    "FACTOR_KINDS",
    "GATE_CHANNEL_FIELDS",
    "CoherentErrorOnGate",
    "CorrelatedReadoutNoise",
    "DepolarizingNoiseOnGate",
    "DerivationOptions",
    "FieldProblem",
    "Finding",
    "FindingKind",
    "GateLengthOverride",
    "IdleDetuningNoise",
    "IdleRelaxationNoise",
    "LocalCoherentErrorOnGate",
    "LocalDepolarizingNoiseOnGate",
    "LocalPauliNoiseOnGate",
    "LocalReadoutNoise",
    "LocalThermalRelaxationNoiseOnGate",
    "NoiseFactors",
    "NoiseScaling",
    "NoiseSpec",
    "PauliNoiseOnGate",
    "PauliNoiseTerm",
    "Provenance",
    "ThermalRelaxationNoiseOnGate",
    "ThermalRelaxationParameters",
    "ZZCrosstalkNoise",
    "assignment_from_flips",
    "assignment_matrix",
    "describe_validation_error",
    "findings_table",
    "scale_noise",
    "spec_fingerprint",
]
