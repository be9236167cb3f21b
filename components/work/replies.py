"""What the worker processes send back besides the library's own results: plain values for the server to show
or put in force. This module never imports streamlit: worker processes import it."""

from __future__ import annotations

from dataclasses import dataclass

from components.work.requests import CircuitRequest, DeviceSource
from noise_core import DerivationOptions, NoiseSpec
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
class Exports:
    """The three documents of a spec, as text, the approximations the Classiq one needed and what the Aer one
    leaves out."""

    full: str
    classiq: str
    classiq_notes: list[str]
    aer: str
    aer_notes: list[str]


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
