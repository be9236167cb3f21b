"""Google's calibration metrics (the ``Calibration`` documents shipped with ``cirq-google``), as ``BackendProperties``.

The document is Cirq's JSON of a ``cirq_google.engine.Calibration``: ``{"cirq_type":
"Calibration", "metrics": {"metrics": [{"name", "targets": ["4_5", ...], "values":
[{"doubleVal"}]}]}}`` (or the proto's ``{"metrics": [...], "timestampMs"}``). Read as
cirq-google's ``noise_properties_from_calibration`` reads it (cirq-google 1.7):

- T1 from ``single_qubit_idle_t1_micros``; no T2 is reported (the derivation takes 2·T1, said);
- readout from ``single_qubit_p00_error`` (P(1|0)) and ``single_qubit_p11_error`` (P(0|1));
- one-qubit gates from ``single_qubit_rb_average_error_per_gate``, else the Pauli error per gate
  converted to an average error ``r = e_P · 2/3`` (``device.average_error_from_pauli``);
- CZ from ``two_qubit_parallel_cz_gate_xeb_pauli_error_per_cycle`` (``r = e_P · 4/5``): like
  cirq-google, the whole cycle's error (its one-qubit gates included) is the CZ's. Other
  entangling gates (Sycamore, √iSWAP) have no Qiskit gate here and are skipped, said as findings;
- durations are cirq-google's defaults (``DEFAULT_GATE_NS``): one-qubit gates 25 ns, CZ 32 ns,
  measurement 4 µs.

Qubit i is the i-th grid qubit in (row, column) order; ``DeviceInfo.qubit_labels`` keeps ``q(r, c)``.
The date comes from ``timestampMs``, else from a file name like cirq-google's
``willow_pink_d7v1-2024_08_16_calibration.json``, else it is unknown (a finding says so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from noise_core.calibration.csv_columns import UNKNOWN_DATE
from noise_core.calibration.device import (
    DeviceBuilder,
    DeviceInfo,
    NativeGate,
    average_error_from_pauli,
)
from noise_core.errors import CalibrationError, summarize
from noise_core.spec.findings import Subject
from noise_core.spec.validation import describe_validation_error

ONE_QUBIT_SECONDS = 25e-9
CZ_SECONDS = 32e-9
MEASURE_SECONDS = 4000e-9
MAX_METRICS = 200_000
SKIPPED_PREFIXES = (
    "two_qubit_sycamore",
    "two_qubit_sqrt_iswap",
    "two_qubit_parallel_sycamore",
    "two_qubit_parallel_sqrt",
)
NATIVE_GATES = (
    NativeGate(name="PhasedXZ (π/2)", simulated_as="sx"),
    NativeGate(name="PhasedXZ (π)", simulated_as="x"),
    NativeGate(name="Z (virtual)", simulated_as="rz"),
    NativeGate(name="CZ", simulated_as="cz"),
)
_QUBIT = re.compile(r"^(?:q)?\(?(-?\d{1,6})[_, ]\s*(-?\d{1,6})\)?$")
_FILE_DATE = re.compile(r"(?P<name>[A-Za-z][\w\-]*?)[-_](?P<date>\d{4}_\d{2}_\d{2})")


class _Value(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)
    doubleVal: float | None = None
    """None for the proto's other kinds (int64Val, stringVal), which no metric read here uses."""


class _Metric(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1, max_length=128)
    targets: list[str] = Field(default_factory=list, max_length=2)
    values: list[_Value] = Field(min_length=1)


class _Calibration(BaseModel):
    model_config = ConfigDict(extra="ignore")
    metrics: list[_Metric] = Field(min_length=1, max_length=MAX_METRICS)
    timestampMs: int | None = None


def is_google_calibration(data: Mapping[str, Any]) -> bool:
    return data.get("cirq_type") == "Calibration" or (isinstance(data.get("metrics"), list) and "qubits" not in data)


def google_properties(data: Mapping[str, Any], *, filename: str | None = None) -> dict[str, Any]:
    """The ``BackendProperties`` dict of a Google calibration; ``CalibrationError`` naming each bad field."""
    inner = data.get("metrics") if data.get("cirq_type") == "Calibration" else data
    try:
        calibration = _Calibration.model_validate(inner)
    except ValidationError as error:
        problems = describe_validation_error(error)
        raise CalibrationError(f"not a usable Google calibration: {summarize(problems)}") from None
    return _device(calibration, filename).document()


def _grid(label: str) -> tuple[int, int]:
    match = _QUBIT.match(label.strip())
    if match is None:
        raise CalibrationError(f"not a usable Google calibration: qubit {label!r} is not a grid qubit like '4_5'")
    return int(match[1]), int(match[2])


def _identity(calibration: _Calibration, filename: str | None) -> tuple[str, datetime]:
    match = _FILE_DATE.search(filename or "")
    name = f"google_{match['name']}" if match else "google_device"
    try:
        if calibration.timestampMs is not None:
            return name, datetime.fromtimestamp(calibration.timestampMs / 1000, UTC)
        if match:
            return name, datetime.strptime(match["date"], "%Y_%m_%d").replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        moment = calibration.timestampMs if calibration.timestampMs is not None else match and match["date"]
        raise CalibrationError(f"not a usable Google calibration: {moment!r} is not a calibration time") from None
    return name, UNKNOWN_DATE


def _device(calibration: _Calibration, filename: str | None) -> DeviceBuilder:
    by_name: dict[str, dict[tuple[tuple[int, int], ...], float]] = {}
    for metric in calibration.metrics:
        targets = tuple(_grid(target) for target in metric.targets)
        value = metric.values[0].doubleVal
        if value is not None:
            by_name.setdefault(metric.name, {})[targets] = value
    grid = sorted({qubit for values in by_name.values() for targets in values for qubit in targets})
    if not grid:
        raise CalibrationError("not a usable Google calibration: no metric names a qubit")
    index = {qubit: position for position, qubit in enumerate(grid)}
    name, date = _identity(calibration, filename)
    info = DeviceInfo(
        vendor="Google",
        source="Google calibration metrics (cirq-google)",
        native_gates=list(NATIVE_GATES),
        qubit_labels=[f"q({row}, {column})" for row, column in grid],
    )
    device = DeviceBuilder(info, backend_name=name, calibrated_at=date, num_qubits=len(grid))
    _read_qubits(device, by_name, index)
    _read_pairs(device, by_name, index)
    return device


def _per_qubit(by_name: dict[str, dict[Any, float]], name: str, index: dict[tuple[int, int], int]) -> dict[int, float]:
    return {index[targets[0]]: value for targets, value in by_name.get(name, {}).items() if len(targets) == 1}


def _read_qubits(device: DeviceBuilder, by_name: dict[str, dict[Any, float]], index: dict[Any, int]) -> None:
    for qubit, value in _per_qubit(by_name, "single_qubit_idle_t1_micros", index).items():
        device.qubit(qubit, "T1", value * 1e-6)
    for metric, name in (
        ("single_qubit_p00_error", "prob_meas1_prep0"),
        ("single_qubit_p11_error", "prob_meas0_prep1"),
    ):
        for qubit, value in _per_qubit(by_name, metric, index).items():
            device.qubit(qubit, name, value)
    for qubit in index.values():
        device.qubit(qubit, "readout_length", MEASURE_SECONDS)
    average = _per_qubit(by_name, "single_qubit_rb_average_error_per_gate", index)
    pauli = _per_qubit(by_name, "single_qubit_rb_pauli_error_per_gate", index)
    for qubit in index.values():
        error = average.get(qubit)
        if error is None and qubit in pauli:
            error = average_error_from_pauli(pauli[qubit], 1)
        for gate in ("sx", "x"):
            device.gate(gate, [qubit], error=error, duration=ONE_QUBIT_SECONDS)
    if pauli and not average:
        device.convert(
            Subject("device"),
            "single_qubit_rb_pauli_error_per_gate",
            None,
            rule="a Pauli (process) error, not an average gate error",
            action="gate_error = e_P · 2/3 (r = e_P·d/(d+1), d = 2)",
        )
    device.virtual_z()


def _read_pairs(device: DeviceBuilder, by_name: dict[str, dict[Any, float]], index: dict[Any, int]) -> None:
    cz = by_name.get("two_qubit_parallel_cz_gate_xeb_pauli_error_per_cycle", {})
    for targets, value in cz.items():
        pair = [index[qubit] for qubit in targets]
        if len(pair) != 2:
            continue
        for placement in (pair, pair[::-1]):
            device.gate("cz", placement, error=average_error_from_pauli(value, 2), duration=CZ_SECONDS)
    if cz:
        device.convert(
            Subject("device"),
            "two_qubit_parallel_cz_gate_xeb_pauli_error_per_cycle",
            None,
            rule="a per-cycle Pauli error (the cycle's one-qubit gates included), as cirq-google reads it",
            action="gate_error of cz = e_P · 4/5 (r = e_P·d/(d+1), d = 4)",
        )
    skipped = sorted({name for name in by_name if name.startswith(SKIPPED_PREFIXES)})
    for name in skipped:
        device.convert(Subject("device"), name, None, rule="a gate Qiskit simulates", action="skipped")
    device.convert(
        Subject("device"),
        "gate and measurement durations",
        None,
        rule="Google's calibration reports none",
        action="cirq-google's defaults: one-qubit gates 25 ns, CZ 32 ns, measurement 4 µs",
    )
