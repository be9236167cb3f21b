"""The checks a snapshot goes through when it loads: everything physically suspicious, reported, never fixed.

Loading keeps every value as written. Each finding names the qubit or gate, the value, the
rule it breaks, and what the noise derivation will do about it (the same adjustments Aer's
``NoiseModel.from_backend`` makes silently: T2 capped at 2·T1, gate errors clipped to the
depolarizing limit, missing T1 as infinite, missing T2 as 2·T1). The rules the derivation
applies as well (``usable_value``, ``effective_t2``, ``t2_limit_finding``,
``missing_frequency_finding``) live here once and ``noise_core.derive`` calls them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from noise_core.calibration.properties import Timestamped, property_value
from noise_core.spec.findings import Finding, FindingKind, Severity, Subject, make_finding
from noise_core.spec.gates import depolarizing_error_limit, is_non_unitary
from noise_core.spec.units import MICROSECONDS_PER_SECOND

if TYPE_CHECKING:
    from noise_core.calibration.snapshot import BackendCalibration, NduvRecord

STALE_AFTER = timedelta(days=7)
"""A property measured longer than this before ``last_update_date`` is reported as stale."""
FUTURE_TOLERANCE = timedelta(hours=1)
"""A property dated later than ``last_update_date`` by more than this is reported."""

POSITIVE_PROPERTIES = frozenset({"T1", "T2", "frequency"})
NON_NEGATIVE_PROPERTIES = frozenset({"readout_length", "gate_length"})
PROBABILITY_PROPERTIES = frozenset({"readout_error", "prob_meas0_prep1", "prob_meas1_prep0", "gate_error"})


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
    value = property_value(properties, name)
    return None if value is None or _broken_rule(name, value) is not None else value


def _missing(subject: Subject, name: str, action: str) -> Finding:
    return make_finding(subject, FindingKind.MISSING_DATA, name, None, rule=f"{name} reported", action=action)


def _qubit_findings(subject: Subject, properties: Mapping[str, Timestamped]) -> Iterator[Finding]:
    yield from _value_findings(subject, properties)
    t1, t2 = usable_value(properties, "T1"), usable_value(properties, "T2")
    if t1 is None:
        yield _missing(subject, "T1", "no amplitude damping on this qubit (T1 taken as infinite)")
    if t2 is None:
        yield _missing(subject, "T2", "T2 taken as 2·T1" if t1 is not None else "no relaxation on this qubit")
    over_limit = t2_limit_finding(subject, t1, t2)
    if over_limit is not None:
        yield over_limit
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
    if subject.gate is not None and is_non_unitary(subject.gate):
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
    frequencies = [usable_value(calibration.qubit_property(q), "frequency") for q in range(calibration.num_qubits)]
    without = missing_frequency_finding(
        frequencies, action="a temperature above 0 K gives those qubits no excited-state population"
    )
    if without is not None:
        yield without


# --- rules the derivation applies too -------------------------------------------------------


def effective_t2(t1: float | None, t2: float | None) -> float | None:
    """T2 as Aer's ``from_backend`` uses it: capped at 2·T1, 2·T1 when missing, None (∞) without T1.

    A T2 above 2·T1 is unphysical (the relaxation channel would not be completely positive).
    """
    if t1 is None:
        return t2
    return 2 * t1 if t2 is None else min(t2, 2 * t1)


def t2_limit_finding(subject: Subject, t1: float | None, t2: float | None) -> Finding | None:
    """The finding for T2 > 2·T1 (values in seconds, reported in µs), or None when T2 is within it."""
    if t1 is None or t2 is None or t2 <= 2 * t1:
        return None
    cap = f"{2 * t1 * MICROSECONDS_PER_SECOND:.6g} µs"
    return make_finding(
        subject,
        FindingKind.T2_ABOVE_LIMIT,
        "T2 (µs)",
        t2 * MICROSECONDS_PER_SECOND,
        rule=f"T2 ≤ 2·T1 = {cap}",
        action=f"the derivation caps T2 at 2·T1 = {cap}, as Aer does",
    )


def missing_frequency_finding(
    frequencies: Sequence[float | None], *, action: str, severity: Severity = "info"
) -> Finding | None:
    """One device-wide finding counting the qubits without a usable frequency, or None if all have one.

    Without a frequency a qubit's thermal population cannot be computed (Aer's
    ``_excited_population`` needs it), so ``action`` says what that means where it is reported.
    """
    without = sum(frequency is None for frequency in frequencies)
    if not without:
        return None
    return make_finding(
        Subject("device"),
        FindingKind.MISSING_DATA,
        "frequency (qubits without)",
        float(without),
        rule="frequency reported for every qubit",
        action=action,
        severity=severity,
    )
