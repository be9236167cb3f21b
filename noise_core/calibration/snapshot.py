"""A calibration snapshot as typed records, and ``BackendCalibration``: its values in SI units.

The document is IBM's ``BackendProperties`` (``qiskit.providers.models.BackendProperties`` in
Qiskit < 2, ``qiskit_ibm_runtime.models.BackendProperties`` now): ``qubits`` is a list (one per
qubit) of Nduv records ``{"name", "date", "unit", "value"}``; ``gates`` is a list of
``{"gate", "qubits", "parameters": [Nduv...], "name"}``; ``general`` is a list of Nduv. Every
generation of the format shipped by ``qiskit-ibm-runtime`` (2019 to 2026, 1 to 156 qubits)
loads.

Strict about what makes a document unusable (``CalibrationError`` naming the path) and lenient
about physics: suspicious values are kept as they are and reported as findings
(``noise_core.calibration.checks``). When a property appears twice, the last entry wins, as in
Qiskit's ``BackendProperties``; the duplicate is reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cached_property
from typing import Annotated, Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from noise_core.calibration.checks import find_issues
from noise_core.calibration.device import DeviceInfo, NativeGate
from noise_core.calibration.fingerprint import calibration_fingerprint
from noise_core.calibration.properties import Timestamped, property_value
from noise_core.calibration.si_units import HERTZ_PER_UNIT, si_scale
from noise_core.errors import CalibrationError, PropertyNotFoundError, UnitError, summarize
from noise_core.gc_pause import garbage_collection_paused
from noise_core.spec.findings import Finding
from noise_core.spec.units import MICROSECONDS_PER_SECOND, NANOSECONDS_PER_SECOND
from noise_core.spec.validation import describe_validation_error

Number = Annotated[float, Field(strict=True, description="Value in the record's own unit; NaN kept.")]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")


class NduvRecord(_Record):
    """Name, date, unit, value: one measured property, as written in the snapshot."""

    name: str = Field(strict=True)
    value: Number
    unit: str = Field(default="", strict=True)
    date: datetime | None = None


class GateRecord(_Record):
    """One gate on one ordered qubit tuple, with its parameters (gate_error, gate_length...)."""

    gate: str = Field(strict=True, min_length=1)
    qubits: list[Annotated[int, Field(strict=True, ge=0)]] = Field(min_length=1)
    parameters: list[NduvRecord] = Field(default_factory=list)
    name: str | None = None


class CalibrationDocument(_Record):
    """The whole snapshot as written: the source for ``to_dict``."""

    backend_name: str = Field(strict=True, min_length=1)
    backend_version: str = Field(default="", strict=True)
    last_update_date: datetime
    qubits: list[list[NduvRecord]] = Field(min_length=1)
    gates: list[GateRecord] = Field(default_factory=list)
    general: list[NduvRecord] = Field(default_factory=list)
    device: DeviceInfo | None = None
    """Vendor, connectivity, native gates and conversions (``calibration.device``); absent in IBM's snapshots."""


def validated_document(data: Any) -> CalibrationDocument:
    """``data`` (decoded JSON) as a ``CalibrationDocument``, or ``CalibrationError`` naming each problem's path."""
    if not isinstance(data, Mapping):
        raise CalibrationError(
            f"expected a JSON object with backend_name, last_update_date, qubits and gates; got a {type(data).__name__}"
        )
    try:
        return CalibrationDocument.model_validate(data)
    except ValidationError as error:
        problems = describe_validation_error(error)
        raise CalibrationError(f"not a usable BackendProperties snapshot: {summarize(problems)}") from None


class BackendCalibration:
    """A loaded snapshot. Accessors return SI units (seconds, Hz) like Qiskit's ``BackendProperties``.

    Build it with ``load_calibration``; it is immutable and compares equal by content. The
    accessors mirror ``BackendProperties``' (``t1``, ``gate_error``, ``qubit_property``...).
    """

    def __init__(self, document: CalibrationDocument) -> None:
        self.document = document
        self._qubits = [_si_properties(props, where=f"qubits[{index}]") for index, props in enumerate(document.qubits)]
        self._gates: dict[str, dict[tuple[int, ...], dict[str, Timestamped]]] = {}
        for index, entry in enumerate(document.gates):
            _check_gate_qubits(entry, index, self.num_qubits)
            qubits = tuple(entry.qubits)
            self._gates.setdefault(entry.gate, {})[qubits] = _si_properties(
                entry.parameters, where=f"gates[{index}] ({entry.gate} on {entry.qubits})"
            )
        conversions = document.device.conversions if document.device else []
        self.findings: tuple[Finding, ...] = (*conversions, *find_issues(self))

    # --- identity -------------------------------------------------------------------------
    @property
    def backend_name(self) -> str:
        return self.document.backend_name

    @property
    def backend_version(self) -> str:
        return self.document.backend_version

    @property
    def last_update_date(self) -> datetime:
        return self.document.last_update_date

    @property
    def num_qubits(self) -> int:
        return len(self.document.qubits)

    @cached_property
    def device_info(self) -> DeviceInfo:
        """Vendor, connectivity and native gates: the document's ``device`` block, or IBM's from the snapshot."""
        if self.document.device is not None:
            return self.document.device
        native = [NativeGate(name=name, simulated_as=name) for name in self.gate_names]
        return DeviceInfo(vendor="IBM", source="IBM BackendProperties", native_gates=native)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the snapshot's physics (``calibration.fingerprint.calibration_fingerprint``)."""
        return calibration_fingerprint(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BackendCalibration) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BackendCalibration({self.backend_name!r}, {self.num_qubits} qubits, {self.last_update_date})"

    # --- round trip -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The snapshot as a ``BackendProperties`` dict (original units; dates in ISO format)."""
        return self.document.model_dump(mode="json", exclude_unset=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BackendCalibration:
        """The calibration of a decoded ``BackendProperties`` dict; ``CalibrationError`` if unusable."""
        with garbage_collection_paused():
            return cls(validated_document(data))

    # --- qubit accessors (as BackendProperties) -------------------------------------------
    def qubit_property(self, qubit: int, name: str | None = None) -> Any:
        """All of a qubit's properties as ``{name: (si_value, date)}``, or one ``(si_value, date)``."""
        properties = self._qubit(qubit)
        if name is None:
            return dict(properties)
        if name not in properties:
            raise PropertyNotFoundError(f"{self.backend_name}: qubit {qubit} has no {name!r} property")
        return properties[name]

    def t1(self, qubit: int) -> float:
        """T1 of ``qubit`` in seconds."""
        return float(self.qubit_property(qubit, "T1")[0])

    def t2(self, qubit: int) -> float:
        """T2 of ``qubit`` in seconds."""
        return float(self.qubit_property(qubit, "T2")[0])

    def frequency(self, qubit: int) -> float:
        """Qubit frequency in Hz (absent on Heron snapshots)."""
        return float(self.qubit_property(qubit, "frequency")[0])

    def readout_error(self, qubit: int) -> float:
        """Average readout error of ``qubit`` (probability)."""
        return float(self.qubit_property(qubit, "readout_error")[0])

    def readout_length(self, qubit: int) -> float:
        """Readout duration of ``qubit`` in seconds."""
        return float(self.qubit_property(qubit, "readout_length")[0])

    def qubit_value(self, qubit: int, name: str) -> float | None:
        """SI value of a qubit property, or ``None`` when the snapshot lacks it."""
        return property_value(self._qubit(qubit), name)

    # --- gate accessors (as BackendProperties) --------------------------------------------
    def gate_property(
        self, gate: str, qubits: int | tuple[int, ...] | list[int] | None = None, name: str | None = None
    ) -> Any:
        """``{qubits: {name: (si, date)}}`` for a gate, ``{name: (si, date)}`` for one tuple, or one value."""
        if gate not in self._gates:
            raise PropertyNotFoundError(f"{self.backend_name}: no gate {gate!r} in the snapshot")
        if qubits is None:
            if name is not None:
                raise PropertyNotFoundError(f"gate_property({gate!r}, name={name!r}) needs qubits as well")
            return {key: dict(value) for key, value in self._gates[gate].items()}
        key = (qubits,) if isinstance(qubits, int) else tuple(qubits)
        if key not in self._gates[gate]:
            raise PropertyNotFoundError(f"{self.backend_name}: no {gate!r} on qubits {list(key)}")
        properties = self._gates[gate][key]
        if name is None:
            return dict(properties)
        if name not in properties:
            raise PropertyNotFoundError(f"{self.backend_name}: {gate!r} on qubits {list(key)} has no {name!r}")
        return properties[name]

    def gate_value(self, gate: str, qubits: tuple[int, ...], name: str) -> float | None:
        """SI value of one gate placement's property, or None when the snapshot lacks the entry or the property."""
        return property_value(self._gates.get(gate, {}).get(tuple(qubits), {}), name)

    def gate_error(self, gate: str, qubits: int | tuple[int, ...] | list[int]) -> float:
        """Reported average gate error (probability)."""
        return float(self.gate_property(gate, qubits, "gate_error")[0])

    def gate_length(self, gate: str, qubits: int | tuple[int, ...] | list[int]) -> float:
        """Gate duration in seconds."""
        return float(self.gate_property(gate, qubits, "gate_length")[0])

    def gate_entries(self) -> Iterator[tuple[str, tuple[int, ...], dict[str, Timestamped]]]:
        """Every (gate, qubits, {name: (si, date)}) in the snapshot, after last-entry-wins merging."""
        for gate, by_qubits in self._gates.items():
            for qubits, properties in by_qubits.items():
                yield gate, qubits, properties

    @property
    def gate_names(self) -> list[str]:
        return list(self._gates)

    # --- tables for display ---------------------------------------------------------------
    def qubit_table(self) -> pd.DataFrame:
        """One row per qubit: T1/T2 (µs), frequency (GHz), readout errors, readout length (ns)."""
        rows = [
            {
                "qubit": qubit,
                "T1 (µs)": _scaled(self.qubit_value(qubit, "T1"), MICROSECONDS_PER_SECOND),
                "T2 (µs)": _scaled(self.qubit_value(qubit, "T2"), MICROSECONDS_PER_SECOND),
                "frequency (GHz)": _scaled(self.qubit_value(qubit, "frequency"), 1 / HERTZ_PER_UNIT["GHz"]),
                "readout_error": self.qubit_value(qubit, "readout_error"),
                "P(1|0)": self.qubit_value(qubit, "prob_meas1_prep0"),
                "P(0|1)": self.qubit_value(qubit, "prob_meas0_prep1"),
                "readout_length (ns)": _scaled(self.qubit_value(qubit, "readout_length"), NANOSECONDS_PER_SECOND),
            }
            for qubit in range(self.num_qubits)
        ]
        return pd.DataFrame(rows).set_index("qubit")

    def gate_table(self) -> pd.DataFrame:
        """One row per (gate, qubits): gate_error and gate_length (ns)."""
        rows = [
            {
                "gate": gate,
                "qubits": ",".join(map(str, qubits)),
                "gate_error": property_value(properties, "gate_error"),
                "gate_length (ns)": _scaled(property_value(properties, "gate_length"), NANOSECONDS_PER_SECOND),
            }
            for gate, qubits, properties in self.gate_entries()
        ]
        return pd.DataFrame(rows, columns=["gate", "qubits", "gate_error", "gate_length (ns)"])

    def _qubit(self, qubit: int) -> dict[str, Timestamped]:
        if not 0 <= qubit < self.num_qubits:
            raise PropertyNotFoundError(
                f"{self.backend_name} has qubits 0..{self.num_qubits - 1}; qubit {qubit} does not exist"
            )
        return self._qubits[qubit]


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _si_properties(records: list[NduvRecord], *, where: str) -> dict[str, Timestamped]:
    """``{name: (si_value, date)}``; the last record of a name wins, as in Qiskit."""
    properties: dict[str, Timestamped] = {}
    for position, record in enumerate(records):
        try:
            scale = si_scale(record.unit, property_name=record.name)
        except UnitError as error:
            raise CalibrationError(f"{where}[{position}]: {error}") from None
        properties[record.name] = (record.value * scale, record.date)
    return properties


def _check_gate_qubits(entry: GateRecord, index: int, num_qubits: int) -> None:
    where = f"gates[{index}] ({entry.gate} on {entry.qubits})"
    out_of_range = [qubit for qubit in entry.qubits if qubit >= num_qubits]
    if out_of_range:
        raise CalibrationError(
            f"{where}: qubit {out_of_range[0]} is out of range; "
            f"the snapshot has {num_qubits} qubits (0..{num_qubits - 1})"
        )
    if len(set(entry.qubits)) != len(entry.qubits):
        raise CalibrationError(f"{where}: a gate cannot act twice on the same qubit")
