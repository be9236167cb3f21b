"""What the worker processes send back besides the library's own results: plain values for the server to show
or put in force. This module never imports streamlit: worker processes import it."""

from __future__ import annotations

from dataclasses import dataclass

from components.work.requests import CircuitRequest, DeviceSource
from noise_core import DerivationOptions, NoiseSpec
from noise_core.frameworks.report import ExportReport
from noise_core.simulation.options import RunOptions


@dataclass(frozen=True)
class CountsSummary:
    """What an upload holds, without its circuits (circuits stay in the workers): for the page to show."""

    source: str
    sha256: str
    experiments: tuple[tuple[str, str, int, tuple[int, ...] | None], ...]
    """(name, circuit reference, shots, physical qubits) of each circuit."""
    bare: bool
    """Read as the Simulate page's circuit (a Qiskit counts dict or CSV), not a counts file."""


@dataclass(frozen=True)
class FrameworkExport:
    """One export to another framework: its file (None when it cannot be made, ``problem`` says why) and report."""

    framework: str
    suffix: str
    """The file name's ending, e.g. '.cirq.json'."""
    mime: str
    document: str | None
    report: ExportReport | None
    problem: str = ""


@dataclass(frozen=True)
class Exports:
    """The documents of a spec, as text: the full JSON, Classiq's (with the approximations it needed) and Aer's (with
    what it leaves out), each with its report, and the per-operation models of other frameworks."""

    full: str
    classiq: str
    classiq_notes: list[str]
    classiq_report: ExportReport
    aer: str
    aer_notes: list[str]
    aer_report: ExportReport
    frameworks: tuple[FrameworkExport, ...]


@dataclass(frozen=True)
class PlanDownload:
    """A plan as the page offers it: the zip, the instructions and the notes, and the circuits' names."""

    archive: bytes
    instructions: str
    notes: tuple[str, ...]
    circuits: tuple[tuple[str, str], ...]
    """(name, purpose) of each planned circuit."""


@dataclass(frozen=True)
class RestoredSession:
    """A session bundle read and checked in a worker, as plain data for the server to put in force."""

    device: DeviceSource
    device_label: str
    spec: NoiseSpec
    derived: NoiseSpec | None
    options: DerivationOptions
    circuit: CircuitRequest
    settings: RunOptions
