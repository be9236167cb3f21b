"""A vendor-neutral device: what every vendor's calibration document is read into.

A device is its ``BackendProperties``-shaped figures (per qubit T1, T2, readout assignment
errors and readout duration; per gate and qubit tuple the average gate error and duration, all
read by ``BackendCalibration``, the derivation and the simulation) plus a ``device`` block, the
``DeviceInfo`` below: vendor, source document, connectivity (a coupling graph, or all-to-all for
trapped ions), the native gate set and the gate each is simulated as, the device's own qubit
labels, reported standard errors and how each figure was converted. IBM's snapshots carry no such
block and read as before (``device_info`` builds theirs from the snapshot itself).

Vendor loaders (``calibration.vendors``) build the figures with ``DeviceBuilder``: it converts
every reported fidelity to the average gate error ``r = 1 − F_avg``, the quantity Aer's
``from_backend`` reads as ``gate_error`` and matches a depolarizing channel to after relaxation
(``physics.match_depolarizing``). Pauli (process) errors convert with
``r = e_P · d / (d + 1)`` (Horodecki et al., PRA 60, 1888 (1999); Nielsen, PLA 303, 249 (2002)).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from noise_core.errors import CalibrationError
from noise_core.spec.findings import Finding, FindingKind, Subject, make_finding
from noise_core.spec.units import MICROSECONDS_PER_SECOND, NANOSECONDS_PER_SECOND

VIRTUAL_GATE = "rz"
"""Every vendor here applies Z rotations as frame changes: no error, no duration."""


class NativeGate(BaseModel):
    """One gate of the vendor's native set and the Qiskit gate the simulation runs in its place."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(strict=True, min_length=1, max_length=64)
    simulated_as: str = Field(strict=True, min_length=1, max_length=64)


class StandardError(BaseModel):
    """A reported figure's standard error, in the unit of ``property``."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True, serialize_by_alias=True)

    subject: str = Field(strict=True, max_length=128)
    property_name: str = Field(strict=True, max_length=64, alias="property")
    value: float


class DeviceInfo(BaseModel):
    """What a device is beyond its figures: vendor, connectivity, native gates, labels, uncertainty, conversions."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True, serialize_by_alias=True)

    vendor: str = Field(strict=True, min_length=1, max_length=64)
    source: str = Field(strict=True, max_length=256, description="The document it was read from.")
    all_to_all: bool = False
    native_gates: list[NativeGate] = Field(default_factory=list, max_length=64)
    qubit_labels: list[str] = Field(default_factory=list, description="The vendor's name of each qubit, by index.")
    standard_errors: list[StandardError] = Field(default_factory=list)
    conversions: list[Finding] = Field(default_factory=list, description="How each reported figure was read.")

    def label(self, qubit: int) -> str:
        """The vendor's name of ``qubit``: Google's ``q(4, 5)``, IonQ's ``3``."""
        return self.qubit_labels[qubit] if qubit < len(self.qubit_labels) else str(qubit)


def average_error_from_fidelity(fidelity: float) -> float:
    """Average gate error ``1 − F_avg`` from a reported average gate (RB) fidelity."""
    return 1.0 - fidelity


def average_error_from_pauli(pauli_error: float, num_qubits: int) -> float:
    """Average gate error from a Pauli (process) error: ``r = e_P · d / (d + 1)``, d = 2ⁿ (module docstring)."""
    dimension = 1 << num_qubits
    return pauli_error * dimension / (dimension + 1)


class DeviceBuilder:
    """Collects a device's figures in SI units and writes them as a ``BackendProperties`` document."""

    def __init__(self, info: DeviceInfo, *, backend_name: str, calibrated_at: datetime, num_qubits: int) -> None:
        self.info = info
        self.backend_name = backend_name
        self.calibrated_at = calibrated_at
        self.qubits: list[dict[str, float]] = [{} for _ in range(num_qubits)]
        self.gates: dict[tuple[str, tuple[int, ...]], dict[str, float]] = {}
        self.standard_errors: list[StandardError] = []
        self.conversions: list[Finding] = []
        self.symmetric_readout: set[str] = set()

    def qubit(self, qubit: int, name: str, value: float, *, standard_error: float | None = None) -> None:
        """Set a qubit figure: ``T1``/``T2``/``readout_length`` in s, ``prob_meas1_prep0``/``prob_meas0_prep1``."""
        self.qubits[qubit][name] = _finite(value, f"qubit {self.info.label(qubit)}: {name}")
        if standard_error is not None:
            self.standard_errors.append(
                StandardError(subject=f"qubit {qubit}", property_name=name, value=standard_error)
            )

    def gate(
        self,
        gate: str,
        qubits: Sequence[int],
        *,
        error: float | None,
        duration: float | None,
        standard_error: float | None = None,
    ) -> None:
        """Set a gate's average error (``1 − F_avg``) and duration (s) on ``qubits``; None leaves one out."""
        figures = self.gates.setdefault((gate, tuple(qubits)), {})
        where = f"{gate} on {[self.info.label(qubit) for qubit in qubits]}"
        if error is not None:
            figures["gate_error"] = _finite(error, f"{where}: gate error")
        if duration is not None:
            figures["gate_length"] = _finite(duration, f"{where}: duration (s)")
        if standard_error is not None:
            subject = f"{gate} on {list(qubits)}"
            self.standard_errors.append(
                StandardError(subject=subject, property_name="gate_error", value=standard_error)
            )

    def virtual_z(self) -> None:
        """``rz`` on every qubit, error 0 and duration 0 (``VIRTUAL_GATE``)."""
        for qubit in range(len(self.qubits)):
            self.gate(VIRTUAL_GATE, [qubit], error=0.0, duration=0.0)

    def convert(self, subject: Subject, figure: str, value: float | None, *, rule: str, action: str) -> None:
        """Record how a reported figure was read (an ``info`` finding shown with the snapshot's own)."""
        self.conversions.append(
            make_finding(subject, FindingKind.CONVERTED, figure, value, rule=rule, action=action, severity="info")
        )

    def readout(self, qubit: int, *, error: float, standard_error: float | None = None, reported: str) -> None:
        """A single reported readout error, read as symmetric (said once per device, as a finding)."""
        self.qubit(qubit, "prob_meas1_prep0", error, standard_error=standard_error)
        self.qubit(qubit, "prob_meas0_prep1", error)
        if reported in self.symmetric_readout:
            return
        self.symmetric_readout.add(reported)
        self.convert(
            Subject("device"),
            reported,
            None,
            rule="one readout figure per qubit, not one per prepared state",
            action="read as a symmetric readout error on every qubit: P(1|0) = P(0|1) = 1 − F",
        )

    def document(self) -> dict[str, Any]:
        """The ``BackendProperties`` dict, with the ``device`` block (``DeviceInfo``)."""
        date = self.calibrated_at.isoformat()
        info = self.info.model_copy(
            update={"standard_errors": self.standard_errors, "conversions": self.info.conversions + self.conversions}
        )
        return {
            "backend_name": self.backend_name,
            "backend_version": "",
            "last_update_date": date,
            "qubits": [_qubit_records(figures, date) for figures in self.qubits],
            "gates": [
                {"gate": gate, "qubits": list(qubits), "parameters": _gate_records(figures, date)}
                for (gate, qubits), figures in self.gates.items()
            ],
            "general": [],
            "device": info.model_dump(mode="json"),
        }


def _finite(value: float, where: str) -> float:
    """``value`` when it is a finite number; ``CalibrationError`` naming ``where`` for infinity (NaN and range are the
    schema's and the checks' to judge)."""
    if math.isinf(value):
        raise CalibrationError(f"{where} is {value}: a device's figures must be finite numbers")
    return value


def _qubit_records(figures: dict[str, float], date: str) -> list[dict[str, Any]]:
    records = [
        {"name": name, "date": date, "unit": "us", "value": figures[name] * MICROSECONDS_PER_SECOND}
        for name in ("T1", "T2")
        if name in figures
    ]
    flips = [figures[name] for name in ("prob_meas1_prep0", "prob_meas0_prep1") if name in figures]
    if len(flips) == 2:
        records.append({"name": "readout_error", "date": date, "unit": "", "value": sum(flips) / 2})
        records += [{"name": name, "date": date, "unit": "", "value": figures[name]} for name in _FLIP_NAMES]
    if "readout_length" in figures:
        value = figures["readout_length"] * NANOSECONDS_PER_SECOND
        records.append({"name": "readout_length", "date": date, "unit": "ns", "value": value})
    return records


_FLIP_NAMES = ("prob_meas0_prep1", "prob_meas1_prep0")


def _gate_records(figures: dict[str, float], date: str) -> list[dict[str, Any]]:
    records = []
    if "gate_error" in figures:
        records.append({"name": "gate_error", "date": date, "unit": "", "value": figures["gate_error"]})
    if "gate_length" in figures:
        value = figures["gate_length"] * NANOSECONDS_PER_SECOND
        records.append({"name": "gate_length", "date": date, "unit": "ns", "value": value})
    return records
