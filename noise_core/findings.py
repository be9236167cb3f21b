"""Findings: everything physically suspicious in a calibration snapshot, reported, never fixed.

Loading keeps every value as written. Each finding names the qubit or gate, the value, the
rule it breaks, and what the noise derivation will do about it (the same adjustments Aer's
``NoiseModel.from_backend`` makes silently: T2 capped at 2·T1, gate errors clipped to the
depolarizing limit, missing T1 as infinite, missing T2 as 2·T1).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from noise_core.gates import depolarizing_error_limit

if TYPE_CHECKING:
    from noise_core.calibration import BackendCalibration, NduvRecord, Timestamped

STALE_AFTER = timedelta(days=7)
"""A property measured longer than this before ``last_update_date`` is reported as stale."""
FUTURE_TOLERANCE = timedelta(hours=1)
"""A property dated later than ``last_update_date`` by more than this is reported."""

POSITIVE_PROPERTIES = frozenset({"T1", "T2", "frequency"})
NON_NEGATIVE_PROPERTIES = frozenset({"readout_length", "gate_length"})
PROBABILITY_PROPERTIES = frozenset({"readout_error", "prob_meas0_prep1", "prob_meas1_prep0", "gate_error"})
NON_UNITARY_GATES = frozenset({"measure", "reset", "delay"})
"""Instructions that carry no gate_error in IBM snapshots (``measure_2``, ``reset_2`` too)."""


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


class Finding(BaseModel):
    """One suspicious value: where, what, which rule, and what the derivation does about it."""

    model_config = ConfigDict(frozen=True, ser_json_inf_nan="strings")
    """A NaN value (an invalid snapshot entry) is written as "NaN" in JSON and read back as NaN."""

    kind: FindingKind
    severity: Literal["warning", "info"]
    subject: str
    """'qubit 3', 'cx on [3, 4]' or 'device'."""
    property: str
    value: float | None
    rule: str
    action: str
    gate: str | None = None
    qubits: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        if self.value is None:
            return f"{self.subject}: {self.property} is missing; {self.action}"
        return f"{self.subject}: {self.property} = {self.value:.6g} breaks '{self.rule}'; {self.action}"


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
    severity: Literal["warning", "info"] = "warning",
) -> Finding:
    return Finding(
        kind=kind,
        severity=severity,
        subject=subject.label,
        gate=subject.gate,
        qubits=subject.qubits,
        property=property_name,
        value=value,
        rule=rule,
        action=action,
    )


def find_issues(calibration: BackendCalibration) -> Iterator[Finding]:
    """Every finding of ``calibration``, qubits first, then gates, duplicates, dates, device."""
    for qubit in range(calibration.num_qubits):
        yield from _qubit_findings(Subject.qubit(qubit), calibration.qubit_property(qubit))
    for gate, qubits, properties in calibration.gate_entries():
        yield from _gate_findings(Subject.gate_on(gate, qubits), properties)
    yield from _duplicate_findings(calibration)
    yield from _date_findings(calibration)
    yield from _device_findings(calibration)


def _broken_rule(name: str, value: float) -> str | None:
    """The rule a single value breaks on its own, or None. gate_error ≥ 1 has its own finding."""
    if math.isnan(value):
        return "a number, not NaN"
    if name in POSITIVE_PROPERTIES and value <= 0:
        return f"{name} > 0"
    if name in NON_NEGATIVE_PROPERTIES and value < 0:
        return f"{name} ≥ 0"
    if name in PROBABILITY_PROPERTIES and (value < 0 or (value > 1 and name != "gate_error")):
        return f"0 ≤ {name} ≤ 1"
    return None


def _value_findings(subject: Subject, properties: Mapping[str, Timestamped]) -> Iterator[Finding]:
    """NaN, non-positive times/frequencies, negative lengths, probabilities outside [0, 1]."""
    for name, (value, _date) in properties.items():
        rule = _broken_rule(name, value)
        if rule:
            yield make_finding(
                subject,
                FindingKind.INVALID_VALUE,
                name,
                value,
                rule=rule,
                action="the derivation treats this property as missing",
            )
        if name == "operational" and value == 0:
            yield make_finding(
                subject,
                FindingKind.NOT_OPERATIONAL,
                name,
                value,
                rule="operational = 1",
                action="kept in the model; a layout should avoid it",
            )


def usable_value(properties: Mapping[str, Timestamped], name: str) -> float | None:
    """The SI value if present and not breaking its own rule (see ``_broken_rule``), else None."""
    entry = properties.get(name)
    if entry is None or _broken_rule(name, entry[0]) is not None:
        return None
    return entry[0]


def _missing(subject: Subject, name: str, action: str) -> Finding:
    return make_finding(subject, FindingKind.MISSING_DATA, name, None, rule=f"{name} reported", action=action)


def _qubit_findings(subject: Subject, properties: Mapping[str, Timestamped]) -> Iterator[Finding]:
    yield from _value_findings(subject, properties)
    t1, t2 = usable_value(properties, "T1"), usable_value(properties, "T2")
    if t1 is None:
        yield _missing(subject, "T1", "no amplitude damping on this qubit (T1 taken as infinite)")
    if t2 is None:
        yield _missing(subject, "T2", "T2 taken as 2·T1" if t1 is not None else "no relaxation on this qubit")
    if t1 is not None and t2 is not None and t2 > 2 * t1:
        cap = f"{2 * t1 * 1e6:.6g} µs"
        yield make_finding(
            subject,
            FindingKind.T2_ABOVE_LIMIT,
            "T2 (µs)",
            t2 * 1e6,
            rule=f"T2 ≤ 2·T1 = {cap}",
            action=f"the derivation caps T2 at 2·T1 = {cap}, as Aer does",
        )
    readout = usable_value(properties, "readout_error")
    has_matrix = (
        usable_value(properties, "prob_meas1_prep0") is not None
        and usable_value(properties, "prob_meas0_prep1") is not None
    )
    if readout is None and not has_matrix:
        yield _missing(subject, "readout_error", "no readout error on this qubit")
    if readout is not None and readout >= 0.5:
        yield make_finding(
            subject,
            FindingKind.READOUT_AT_CHANCE,
            "readout_error",
            readout,
            rule="readout_error < 0.5 (0.5 is a coin flip)",
            action="kept as is: this qubit's measurement carries no information",
        )


def _gate_findings(subject: Subject, properties: Mapping[str, Timestamped]) -> Iterator[Finding]:
    yield from _value_findings(subject, properties)
    limit = depolarizing_error_limit(len(subject.qubits))
    error = usable_value(properties, "gate_error")
    if error is not None and error >= 1:
        yield make_finding(
            subject,
            FindingKind.GATE_ERROR_ONE,
            "gate_error",
            error,
            rule="gate_error < 1 (IBM writes 1 for a gate it could not calibrate)",
            action=f"the derivation clips it to the depolarizing limit d/(d+1) = {limit:.4g} (fully depolarizing)",
        )
    elif error is not None and error > limit:
        yield make_finding(
            subject,
            FindingKind.GATE_ERROR_ABOVE_LIMIT,
            "gate_error",
            error,
            rule=f"gate_error ≤ d/(d+1) = {limit:.4g}",
            action=f"the derivation clips it to {limit:.4g}, as Aer does",
        )
    assert subject.gate is not None
    if subject.gate.split("_")[0] in NON_UNITARY_GATES:
        return
    if error is None:
        yield _missing(subject, "gate_error", "no depolarizing error on this gate (relaxation only)")
    if usable_value(properties, "gate_length") is None:
        yield _missing(subject, "gate_length", "no thermal relaxation on this gate")


def _duplicate_findings(calibration: BackendCalibration) -> Iterator[Finding]:
    """Names repeated within a qubit or gate entry, and repeated (gate, qubits) entries; the last wins."""
    action = "the last entry is used, as Qiskit's BackendProperties does"
    for qubit, records in enumerate(calibration.document.qubits):
        for name, count in _repeated_names(records).items():
            yield make_finding(
                Subject.qubit(qubit),
                FindingKind.DUPLICATE_ENTRY,
                name,
                float(count),
                rule="each property once per qubit",
                action=action,
            )
    entries = Counter((entry.gate, tuple(entry.qubits)) for entry in calibration.document.gates)
    for (gate, qubits), count in entries.items():
        if count > 1:
            yield make_finding(
                Subject.gate_on(gate, qubits),
                FindingKind.DUPLICATE_ENTRY,
                "gate entry",
                float(count),
                rule="one entry per (gate, qubits)",
                action=action,
            )
    for entry in calibration.document.gates:
        for name, count in _repeated_names(entry.parameters).items():
            yield make_finding(
                Subject.gate_on(entry.gate, tuple(entry.qubits)),
                FindingKind.DUPLICATE_ENTRY,
                name,
                float(count),
                rule="each parameter once per gate entry",
                action=action,
            )


def _repeated_names(records: Sequence[NduvRecord]) -> dict[str, int]:
    """Names that occur more than once, with their counts (a set check first: repeats are rare)."""
    names = [record.name for record in records]
    if len(set(names)) == len(names):
        return {}
    return {name: count for name, count in Counter(names).items() if count > 1}


def _aware(moment: datetime) -> datetime:
    """Naive dates are read as UTC so they compare with the snapshot's aware dates."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _date_findings(calibration: BackendCalibration) -> Iterator[Finding]:
    """Per qubit or gate: its oldest property if stale, its newest if after the snapshot date."""
    reference = _aware(calibration.last_update_date)
    subjects = [(Subject.qubit(q), calibration.qubit_property(q)) for q in range(calibration.num_qubits)]
    subjects += [(Subject.gate_on(gate, qubits), props) for gate, qubits, props in calibration.gate_entries()]
    for subject, properties in subjects:
        ages = [(reference - _aware(date), name) for name, (_value, date) in properties.items() if date is not None]
        if not ages:
            continue
        oldest_age, oldest_name = max(ages)
        if oldest_age > STALE_AFTER:
            yield make_finding(
                subject,
                FindingKind.STALE_DATE,
                f"{oldest_name} age (days)",
                oldest_age / timedelta(days=1),
                rule=f"measured within {STALE_AFTER.days} days of last_update_date",
                action="used as is",
                severity="info",
            )
        newest_age, newest_name = min(ages)
        if -newest_age > FUTURE_TOLERANCE:
            yield make_finding(
                subject,
                FindingKind.FUTURE_DATE,
                f"{newest_name} age (days)",
                newest_age / timedelta(days=1),
                rule="measured no later than last_update_date",
                action="used as is",
                severity="info",
            )


def _device_findings(calibration: BackendCalibration) -> Iterator[Finding]:
    without_frequency = [q for q in range(calibration.num_qubits) if calibration.qubit_value(q, "frequency") is None]
    if without_frequency:
        yield make_finding(
            Subject("device"),
            FindingKind.MISSING_DATA,
            "frequency (qubits without)",
            float(len(without_frequency)),
            rule="frequency reported for every qubit",
            action="a temperature above 0 K gives those qubits no excited-state population",
            severity="info",
        )


def findings_table(findings: Iterable[Finding]) -> pd.DataFrame:
    """One row per finding, for display and filtering."""
    columns = ["severity", "kind", "subject", "property", "value", "rule", "action"]
    rows = [
        {
            "severity": finding.severity,
            "kind": finding.kind.value,
            "subject": finding.subject,
            "property": finding.property,
            "value": finding.value,
            "rule": finding.rule,
            "action": finding.action,
        }
        for finding in findings
    ]
    return pd.DataFrame(rows, columns=columns)
