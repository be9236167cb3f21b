"""Findings: one suspicious value of a calibration, or one adjustment a derivation made to it.

A finding names the qubit or gate, the value, the rule it breaks and what the derivation does
about it. The calibration checks (``noise_core.calibration.checks``) produce them when a
snapshot loads; ``derive_noise_spec`` records the adjustments it made in its provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["warning", "info"]


class FindingKind(StrEnum):
    """What kind of problem a finding reports."""

    INVALID_VALUE = "invalid_value"
    MISSING_DATA = "missing_data"
    T2_ABOVE_LIMIT = "t2_above_2t1"
    GATE_ERROR_ONE = "gate_error_one"
    GATE_ERROR_ABOVE_LIMIT = "gate_error_above_depolarizing_limit"
    READOUT_AT_CHANCE = "readout_at_chance"
    DUPLICATE_ENTRY = "duplicate_entry"
    NOT_OPERATIONAL = "not_operational"
    STALE_DATE = "stale_date"
    FUTURE_DATE = "future_date"
    BELOW_COHERENCE_LIMIT = "gate_error_below_relaxation_limit"
    SKIPPED_ENTRY = "skipped_entry"
    ZZ_REPORTED = "zz_reported"
    CONVERTED = "converted"
    """How a vendor's reported figure was read (``calibration.device``)."""


class Finding(BaseModel):
    """One suspicious value: where, what, which rule, and what the derivation does about it."""

    model_config = ConfigDict(
        frozen=True, ser_json_inf_nan="strings", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )
    """A NaN value (an invalid snapshot entry) is written as "NaN" in JSON and read back as NaN."""

    kind: FindingKind
    severity: Severity
    subject: str
    """'qubit 3', 'cx on [3, 4]' or 'device'."""
    property_name: str = Field(alias="property", description="The property, e.g. 'T2 (µs)'; 'property' in JSON.")
    value: float | None
    rule: str
    action: str
    gate: str | None = None
    qubits: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        if self.kind is FindingKind.CONVERTED:
            value = "" if self.value is None else f" = {self.value:.6g}"
            return f"{self.subject}: {self.property_name}{value}: {self.rule}; {self.action}"
        if self.value is None:
            return f"{self.subject}: {self.property_name} is missing; {self.action}"
        return f"{self.subject}: {self.property_name} = {self.value:.6g} breaks '{self.rule}'; {self.action}"


@dataclass(frozen=True)
class Subject:
    """What a finding is about: a qubit, a gate on a qubit tuple, or the device."""

    label: str
    qubits: tuple[int, ...] = ()
    gate: str | None = None

    @classmethod
    def qubit(cls, qubit: int) -> Subject:
        return cls(f"qubit {qubit}", (qubit,))

    @classmethod
    def gate_on(cls, gate: str, qubits: tuple[int, ...]) -> Subject:
        return cls(f"{gate} on {list(qubits)}", qubits, gate)


def make_finding(
    subject: Subject,
    kind: FindingKind,
    property_name: str,
    value: float | None,
    *,
    rule: str,
    action: str,
    severity: Severity = "warning",
) -> Finding:
    """A finding about ``subject``: ``property_name`` = ``value`` breaks ``rule``, and ``action`` says what follows."""
    return Finding(
        kind=kind,
        severity=severity,
        subject=subject.label,
        gate=subject.gate,
        qubits=subject.qubits,
        property_name=property_name,
        value=value,
        rule=rule,
        action=action,
    )


def findings_table(findings: Iterable[Finding]) -> pd.DataFrame:
    """One row per finding, for display and filtering."""
    columns = ["severity", "kind", "subject", "property", "value", "rule", "action"]
    rows = [
        {
            "severity": finding.severity,
            "kind": finding.kind.value,
            "subject": finding.subject,
            "property": finding.property_name,
            "value": finding.value,
            "rule": finding.rule,
            "action": finding.action,
        }
        for finding in findings
    ]
    return pd.DataFrame(rows, columns=columns)
