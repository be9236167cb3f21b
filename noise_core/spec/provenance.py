"""Where a derived noise specification came from: the snapshot, the options, and every adjustment.

A spec produced by ``derive_noise_spec`` carries a ``Provenance``; it travels with the full
JSON export and is dropped from the Classiq export (Classiq's schema has no place for it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from noise_core.spec.base import GateName, QubitIndex, SpecModel
from noise_core.spec.factors import FACTOR_MEANINGS
from noise_core.spec.findings import Finding
from noise_core.spec.units import SPEC_TIME_UNIT, TimeUnit


class GateLengthOverride(SpecModel):
    """One ``gate_lengths`` entry: the duration of ``gate`` (on ``qubits``, or on every tuple)."""

    gate: GateName
    qubits: list[QubitIndex] | None = Field(
        default=None, description="The qubit tuple it applies to; null = every entry of that gate."
    )
    value: Annotated[float, Field(strict=True, ge=0.0, description="Duration in the options' gate_length_units.")]


MAX_GATE_LENGTH_OVERRIDES = 256
"""Gate-length overrides one derivation takes (each is matched against every gate entry: 256 on a 156-qubit
device cost ~0.02 s; an unbounded list sent by a browser would stall the server)."""


class DerivationOptions(SpecModel):
    """The options of ``derive_noise_spec``, named and defaulted as in Aer's ``from_backend``."""

    gate_error: bool = Field(
        default=True, strict=True, description="Depolarizing error matched to each reported gate_error."
    )
    readout_error: bool = Field(default=True, strict=True, description="Per-qubit readout assignment matrices.")
    thermal_relaxation: bool = Field(
        default=True, strict=True, description="T1/T2 relaxation over each gate's duration."
    )
    idle_relaxation: bool = Field(
        default=True,
        strict=True,
        description="T1/T2 relaxation on each qubit's idle periods (from_backend's RelaxationNoisePass on delays); "
        "only with thermal_relaxation.",
    )
    temperature: float = Field(
        default=0.0, strict=True, ge=0.0, description="Qubit temperature in mK; sets the excited-state population."
    )
    zz_crosstalk: bool = Field(
        default=False,
        strict=True,
        description="Static ZZ per coupler from the snapshot's general zz_ab entries (not in from_backend).",
    )
    gate_lengths: list[GateLengthOverride] = Field(
        default_factory=list,
        max_length=MAX_GATE_LENGTH_OVERRIDES,
        description="Durations that override the snapshot's gate_length; the first match wins.",
    )
    gate_length_units: TimeUnit = Field(default="ns", description="Unit of the gate_lengths values.")

    def overrides(self) -> list[str]:
        """Each option that differs from ``from_backend``'s defaults, in words ('cz length 680 ns on every
        pair', 'temperature 20 mK'): what makes a derived model differ from the calibration as reported."""
        defaults = DerivationOptions()
        switches = {
            "gate_error": "gate errors off", "readout_error": "readout errors off",
            "thermal_relaxation": "thermal relaxation off", "idle_relaxation": "idle relaxation off",
        }  # fmt: skip
        words = [text for name, text in switches.items() if getattr(self, name) != getattr(defaults, name)]
        if self.zz_crosstalk:
            words.append("ZZ crosstalk from the snapshot")
        if self.temperature != defaults.temperature:
            words.append(f"temperature {self.temperature:g} mK")
        for override in self.gate_lengths:
            where = "on every qubit tuple" if override.qubits is None else f"on {','.join(map(str, override.qubits))}"
            words.append(f"{override.gate} length {override.value:g} {self.gate_length_units} {where}")
        return words


class NoiseScaling(SpecModel):
    """One what-if scaling applied to a spec (``noise_core.scale_noise``): the ``NoiseFactors`` it applied, as
    recorded in the spec; 1 = unchanged, 0 = removed."""

    gate: float = Field(strict=True, ge=0.0, description=FACTOR_MEANINGS["gate"])
    readout: float = Field(strict=True, ge=0.0, description=FACTOR_MEANINGS["readout"])
    relaxation: float = Field(strict=True, ge=0.0, description=FACTOR_MEANINGS["relaxation"])
    idle: float = Field(default=1.0, strict=True, ge=0.0, description=FACTOR_MEANINGS["idle"])
    coherent: float = Field(default=1.0, strict=True, ge=0.0, description=FACTOR_MEANINGS["coherent"])
    detuning: float = Field(default=1.0, strict=True, ge=0.0, description=FACTOR_MEANINGS["detuning"])
    crosstalk: float = Field(default=1.0, strict=True, ge=0.0, description=FACTOR_MEANINGS["crosstalk"])
    correlation: float = Field(default=1.0, strict=True, ge=0.0, description=FACTOR_MEANINGS["correlation"])
    kept_at_maximum: list[str] = Field(
        default_factory=list,
        description="Entries already at their physical maximum (gates reported broken), left there by a factor > 1.",
    )
    qubits: list[QubitIndex] | None = Field(
        default=None, description="Only the entries on these qubits were scaled (and the all-qubit ones); null = all."
    )


class FitRecord(SpecModel):
    """Factors fitted to measured counts (``noise_core.fit_noise``) and applied to the spec."""

    source: str = Field(description="The counts document's name.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the counts document.")
    factors: dict[str, float] = Field(
        description="Maximum-likelihood factor by name: gate, readout, relaxation, idle, or readout[q] per qubit."
    )
    intervals: dict[str, list[float]] = Field(
        default_factory=dict, description="95 % profile-likelihood interval [low, high] of each identified factor."
    )
    not_identified: list[str] = Field(
        default_factory=list, description="Factors the counts could not pin down (applied at their estimate)."
    )
    qubits: list[QubitIndex] = Field(
        default_factory=list, description="The device qubits the counts came from: the factors apply to their entries."
    )


class Provenance(SpecModel):
    """The source snapshot and options of a derived spec, and what the derivation adjusted."""

    backend_name: str
    backend_version: str
    last_update_date: datetime
    num_qubits: int = Field(strict=True, ge=1)
    calibration_fingerprint: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the source snapshot's physics; null in specs written before fingerprints.",
    )
    options: DerivationOptions
    time_unit: Literal["ns"] = Field(default=SPEC_TIME_UNIT, description="Unit of t1, t2 and time in the spec.")
    derived_by: str = Field(description="The function and the physics it follows.")
    findings: list[Finding] = Field(
        default_factory=list,
        description="Every value the derivation clipped, capped, replaced or skipped, with what it did.",
    )
    scalings: list[NoiseScaling] = Field(
        default_factory=list, description="What-if scalings applied after the derivation, oldest first."
    )
    fits: list[FitRecord] = Field(
        default_factory=list, description="Fits to measured counts applied after the derivation, oldest first."
    )
