"""IonQ's characterization document: device-wide median fidelities and timings, read as a ``BackendProperties``.

The document is what IonQ's API returns for ``/backends/{backend}/characterizations`` (and what
``cirq_ionq.Calibration`` wraps): ``{id, backend (or target), date, qubits, connectivity,
fidelity: {1q, 2q, spam: {median or mean, stderr}}, timing: {t1, t2, 1q, 2q, readout, reset}}``,
times in seconds. IonQ does not say which metric "fidelity" is; it is read as the average gate
fidelity (``r = 1 − F``), and ``spam`` as a symmetric readout error ``1 − F_spam``, both said as
findings. Native gates GPi, GPi2 and MS are simulated as ``x``, ``sx`` and ``rxx`` (MS(0, 0) is
RXX(π/2)), with ``rz`` as IonQ's virtual Z.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from noise_core.calibration.device import DeviceBuilder, DeviceInfo, NativeGate, average_error_from_fidelity
from noise_core.errors import CalibrationError, summarize
from noise_core.spec.findings import Subject
from noise_core.spec.validation import describe_validation_error

MAX_IONQ_QUBITS = 100
"""IonQ's largest system has 100 qubits (Tempo); all-to-all, that is 9,900 two-qubit entries."""
NATIVE_GATES = (
    NativeGate(name="gpi", simulated_as="x"),
    NativeGate(name="gpi2", simulated_as="sx"),
    NativeGate(name="ms", simulated_as="rxx"),
    NativeGate(name="virtual z", simulated_as="rz"),
)


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)


class IonqFidelity(_Strict):
    """One fidelity figure: IonQ writes ``median`` (API v0.3) or ``mean`` (older, and Braket's copy)."""

    median: float | None = Field(default=None, ge=0, le=1)
    mean: float | None = Field(default=None, ge=0, le=1)
    stderr: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _has_value(self) -> IonqFidelity:
        if self.median is None and self.mean is None:
            raise ValueError("needs 'median' or 'mean'")
        return self

    @property
    def value(self) -> float:
        return self.median if self.median is not None else float(self.mean)  # type: ignore[arg-type]


class IonqFidelities(_Strict):
    one_qubit: IonqFidelity = Field(alias="1q")
    two_qubit: IonqFidelity = Field(alias="2q")
    spam: IonqFidelity | None = None


class IonqTiming(_Strict):
    """Durations and coherence times, in seconds."""

    t1: float | None = Field(default=None, gt=0)
    t2: float | None = Field(default=None, gt=0)
    one_qubit: float = Field(alias="1q", ge=0)
    two_qubit: float = Field(alias="2q", ge=0)
    readout: float | None = Field(default=None, ge=0)


class IonqCharacterization(_Strict):
    backend: str = Field(min_length=1, max_length=128)
    date: datetime
    qubits: int = Field(strict=True, ge=1, le=MAX_IONQ_QUBITS)
    connectivity: list[tuple[int, int]] | None = None
    fidelity: IonqFidelities
    timing: IonqTiming

    @model_validator(mode="before")
    @classmethod
    def _backend_or_target(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "backend" not in data and "target" in data:
            return {**data, "backend": data["target"]}
        return data


def is_ionq_characterization(data: Mapping[str, Any]) -> bool:
    return "braketSchemaHeader" not in data and {"fidelity", "timing", "qubits"} <= set(data)


def ionq_properties(data: Mapping[str, Any], *, source: str = "IonQ characterization") -> dict[str, Any]:
    """The ``BackendProperties`` dict of an IonQ characterization; ``CalibrationError`` naming each bad field."""
    try:
        document = IonqCharacterization.model_validate(data)
    except ValidationError as error:
        raise CalibrationError(
            f"not a usable IonQ characterization: {summarize(describe_validation_error(error))}"
        ) from None
    return ionq_device(document, source=source).document()


def ionq_device(document: IonqCharacterization, *, source: str) -> DeviceBuilder:
    """Every qubit gets the device-wide figures; every listed pair (all pairs if none are) an MS gate."""
    count = document.qubits
    pairs = _couplers(document.connectivity, count)
    info = DeviceInfo(
        vendor="IonQ",
        source=source,
        all_to_all=len(pairs) == count * (count - 1) // 2,
        native_gates=list(NATIVE_GATES),
        qubit_labels=[str(qubit) for qubit in range(count)],
    )
    date = document.date if document.date.tzinfo else document.date.replace(tzinfo=UTC)
    device = DeviceBuilder(info, backend_name=document.backend, calibrated_at=date, num_qubits=count)
    timing, fidelity = document.timing, document.fidelity
    _read_fidelities(device, fidelity)
    for qubit in range(count):
        for name, value in (("T1", timing.t1), ("T2", timing.t2), ("readout_length", timing.readout)):
            if value is not None:
                device.qubit(qubit, name, value)
        if fidelity.spam is not None:
            device.readout(qubit, error=1 - fidelity.spam.value, standard_error=fidelity.spam.stderr, reported="spam")
        for gate in ("x", "sx"):
            error = average_error_from_fidelity(fidelity.one_qubit.value)
            device.gate(gate, [qubit], error=error, duration=timing.one_qubit, standard_error=fidelity.one_qubit.stderr)
    device.virtual_z()
    for a, b in pairs:
        for qubits in ((a, b), (b, a)):
            error = average_error_from_fidelity(fidelity.two_qubit.value)
            device.gate("rxx", qubits, error=error, duration=timing.two_qubit, standard_error=fidelity.two_qubit.stderr)
    return device


def _read_fidelities(device: DeviceBuilder, fidelity: IonqFidelities) -> None:
    for name, figure in (("1q fidelity", fidelity.one_qubit), ("2q fidelity", fidelity.two_qubit)):
        device.convert(
            Subject("device"),
            name,
            figure.value,
            rule="IonQ does not state the metric; one device-wide median, not per qubit or pair",
            action="read as the average gate fidelity on every qubit or pair: gate_error = 1 − F",
        )


def _couplers(connectivity: list[tuple[int, int]] | None, count: int) -> list[tuple[int, int]]:
    if connectivity is None:
        return list(combinations(range(count), 2))
    pairs = set()
    for index, (a, b) in enumerate(connectivity):
        if not (0 <= a < count and 0 <= b < count) or a == b:
            raise CalibrationError(
                f"not a usable IonQ characterization: connectivity[{index}] = [{a}, {b}] must name two different "
                f"qubits in 0…{count - 1}"
            )
        pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)
