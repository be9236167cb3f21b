"""What an export kept exactly, approximated or dropped of a spec: one report for every framework.

Each line names a kind of noise (the spec's field), how many entries it has, its status and why.
The report goes into the exported file (``ExportReport.to_dict``) and onto the Export page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from noise_core.export import REPORT_KEY
from noise_core.spec.models import GATE_CHANNEL_FIELDS, NoiseSpec

Status = Literal["kept exactly", "approximated", "dropped"]
STATUSES: tuple[Status, ...] = ("kept exactly", "approximated", "dropped")

GATE_FIELDS = GATE_CHANNEL_FIELDS
"""Channels bound to a gate on its qubits (``spec.models``): every framework here has a per-gate channel for them."""
SCHEDULE_FIELDS = {
    "idle_relaxation_errors": "relaxation while a qubit waits",
    "idle_detuning_errors": "detuning and T2* while a qubit waits",
    "zz_crosstalk_errors": "ZZ crosstalk over the circuit's time",
}
"""Noise that acts over the scheduled circuit's time, which a per-gate noise model has no place for."""


@dataclass(frozen=True)
class ReportLine:
    """One kind of noise: the spec's field, its entry count, what the export did and why."""

    field: str
    entries: int
    status: Status
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "entries": self.entries, "status": self.status, "detail": self.detail}


@dataclass(frozen=True)
class ExportReport:
    """What one export of one spec kept exactly, approximated and dropped."""

    framework: str
    lines: tuple[ReportLine, ...]

    def by_status(self, status: Status) -> tuple[ReportLine, ...]:
        return tuple(line for line in self.lines if line.status == status)

    @property
    def summary(self) -> str:
        """The entries by status: 'Cirq: entries 275 kept exactly, 0 approximated, 11 dropped'."""
        counts = [f"{sum(line.entries for line in self.by_status(status))} {status}" for status in STATUSES]
        return f"{self.framework}: entries " + ", ".join(counts)

    def to_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "summary": self.summary, "lines": [line.to_dict() for line in self.lines]}


def gate_lines(spec: NoiseSpec, detail: str) -> list[ReportLine]:
    """Every non-empty gate field of ``spec`` as kept exactly, with ``detail`` saying how."""
    return [
        ReportLine(field, len(getattr(spec, field)), "kept exactly", detail)
        for field in GATE_FIELDS
        if getattr(spec, field)
    ]


def schedule_lines(spec: NoiseSpec, framework: str) -> list[ReportLine]:
    """Noise on the schedule's waits and crosstalk: dropped by a per-gate noise model of ``framework``."""
    return [
        ReportLine(field, len(getattr(spec, field)), "dropped", f"{what}: {framework}'s noise model acts per gate")
        for field, what in SCHEDULE_FIELDS.items()
        if getattr(spec, field)
    ]


def readout_entries(spec: NoiseSpec) -> int:
    """How many readout entries ``spec`` has: local matrices plus a global one (bit flip or matrix)."""
    has_global = spec.readout_bit_flip_probability is not None or spec.readout_assignment_probabilities is not None
    return len(spec.local_readout_errors) + int(has_global)


CLASSIQ_OWN = (
    "gate_depolarizing_errors",
    "local_depolarizing_errors",
    "gate_pauli_errors",
    "gate_thermal_relaxation_errors",
)
CLASSIQ_FOLDED = (
    "local_pauli_errors",
    "local_thermal_relaxation_errors",
    "gate_coherent_errors",
    "local_coherent_errors",
)
"""Our fields Classiq has no list for: folded into one local depolarizing entry per placement
(``export.approximate_for_classiq``)."""


def with_report(document: dict[str, Any], report: ExportReport) -> dict[str, Any]:
    """``document`` with its report under ``REPORT_KEY``."""
    return {**document, REPORT_KEY: report.to_dict()}


def classiq_report(spec: NoiseSpec, notes: list[str]) -> ExportReport:
    """What the Classiq export keeps of ``spec``; ``notes``: ``export.approximate_for_classiq``'s, one per change."""
    lowered = sum("lowered to 1" in note for note in notes)
    lines = [
        ReportLine(field, len(getattr(spec, field)), "kept exactly", "Classiq's own list")
        for field in CLASSIQ_OWN
        if getattr(spec, field)
    ]
    if lowered:
        lines.append(ReportLine("depolarizing λ > 1", lowered, "approximated", "lowered to 1, Classiq's limit"))
    detail = "folded with the placement's other channels into one local depolarizing entry of the same process fidelity"
    lines += [
        ReportLine(field, len(getattr(spec, field)), "approximated", detail)
        for field in CLASSIQ_FOLDED
        if getattr(spec, field)
    ]
    if readout_entries(spec):
        lines.append(ReportLine("readout", readout_entries(spec), "kept exactly", "Classiq's readout fields"))
    if spec.correlated_readout_errors:
        detail = "each qubit's marginal: Classiq has no joint readout"
        lines.append(
            ReportLine("correlated_readout_errors", len(spec.correlated_readout_errors), "approximated", detail)
        )
    lines += schedule_lines(spec, "Classiq")
    return ExportReport("Classiq", tuple(lines))


def aer_report(spec: NoiseSpec) -> ExportReport:
    """What Aer's noise-model dict (``export.to_aer_dict``) keeps of ``spec``."""
    lines = gate_lines(spec, "an Aer QuantumError on that gate and those qubits (coherent errors as unitaries)")
    if readout_entries(spec):
        lines.append(ReportLine("readout", readout_entries(spec), "kept exactly", "an Aer ReadoutError per qubit"))
    if spec.correlated_readout_errors:
        detail = (
            "the joint ReadoutError for a measure instruction over the whole group; each qubit's marginal for a "
            "qubit measured alone"
        )
        lines.append(
            ReportLine("correlated_readout_errors", len(spec.correlated_readout_errors), "approximated", detail)
        )
    lines += schedule_lines(spec, "Aer")
    return ExportReport("Qiskit Aer", tuple(lines))
