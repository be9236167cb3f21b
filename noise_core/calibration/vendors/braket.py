"""AWS Braket device properties (IonQ, IQM, Rigetti), validated by ``amazon-braket-schemas``, as BackendProperties.

Accepted: a gate-model device's capabilities document (``AwsDevice.properties`` as JSON: IonQ,
IQM or Rigetti), or its ``standardized`` block alone (``braket.device_schema.
standardized_gate_model_qpu_device_properties`` v1, v2 or v3). The document is validated by the
schema class its ``braketSchemaHeader`` names (``BraketSchemaBase.parse_raw_schema``).

- Standardized figures: per-qubit T1 and T2 with their unit; ``RANDOMIZED_BENCHMARKING`` (else
  ``SIMULTANEOUS_RANDOMIZED_BENCHMARKING``) one-qubit fidelity, read as the average gate fidelity
  of every one-qubit gate (``r = 1 − F``); ``READOUT`` fidelity as a symmetric readout error
  ``1 − F``; each pair's two-qubit fidelity per gate (interleaved RB preferred), ``r = 1 − F``.
  Braket's own emulator turns these into a depolarizing probability itself (amazon-braket-sdk
  PR #1170); here ``r`` is handed to Aer's ``from_backend`` physics, which subtracts relaxation.
  Version 3's device-wide figures apply to every qubit without one of its own, and its one two-qubit
  fidelity to every coupled pair on the paradigm's native two-qubit gate (a finding says so).
- IonQ's capabilities carry the figures in ``provider`` (IonQ's characterization, in seconds):
  they are read by ``vendors.ionq``.
- Qubit ids are the vendor's (IQM counts from 1): qubit i is the i-th id in numeric order, and
  ``DeviceInfo.qubit_labels`` keeps the ids.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from itertools import combinations
from pathlib import PurePath
from typing import Any

from noise_core.calibration.device import DeviceBuilder, DeviceInfo, NativeGate, average_error_from_fidelity
from noise_core.calibration.vendors.ionq import IonqCharacterization, ionq_device
from noise_core.errors import CalibrationError, summarize
from noise_core.spec.findings import Subject

SECONDS_PER_UNIT = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
TWO_QUBIT_GATES = {"CZ": "cz", "CNOT": "cx", "ISWAP": "iswap", "ECR": "ecr", "MS": "rxx"}
"""Braket two-qubit gate names and the Qiskit gate simulated for each; others are skipped, said as findings."""
_PAIR_GATES = frozenset(TWO_QUBIT_GATES.values())
MAX_BRAKET_QUBITS = 1000
"""Most qubits a Braket document may name: Braket's largest gate-model devices have about 100."""
ONE_QUBIT_RB = ("RANDOMIZED_BENCHMARKING", "SIMULTANEOUS_RANDOMIZED_BENCHMARKING")
TWO_QUBIT_PREFERENCE = ("INTERLEAVED_RANDOMIZED_BENCHMARKING", "RANDOMIZED_BENCHMARKING")
DIRECTED_GATES = frozenset({"cx", "ecr"})
"""Gates whose error holds for the named (control, target) only; the others apply both ways round."""
STANDARDIZED = "braket.device_schema.standardized_gate_model_qpu_device_properties"


def is_braket_document(data: Mapping[str, Any]) -> bool:
    header = data.get("braketSchemaHeader")
    return isinstance(header, Mapping) and str(header.get("name", "")).startswith("braket.device_schema.")


def braket_properties(data: Mapping[str, Any], *, filename: str | None = None) -> dict[str, Any]:
    """The ``BackendProperties`` dict of a Braket device document; ``CalibrationError`` naming each bad field.

    Braket's documents do not name the device (its ARN is outside them): the name is the file's stem
    (``ionq_harmony.json`` → ``ionq_harmony``), else ``braket_<vendor>_device``.
    """
    document = _validated(data)
    header = document.braketSchemaHeader.name
    if header == STANDARDIZED:
        name = _device_name(filename, "braket_device")
        return _standardized_device(document, None, backend_name=name, source=header).document()
    paradigm = getattr(document, "paradigm", None)
    if paradigm is None or not hasattr(document, "standardized"):
        raise CalibrationError(f"a Braket {header!r} document is not a gate-model device's properties")
    updated = document.service.updatedAt
    name = _device_name(filename, f"braket_{header.split('.')[2]}_device")
    if header.endswith("ionq_device_capabilities"):
        return _ionq_device(document, paradigm, name, updated).document()
    if document.standardized is None:
        raise CalibrationError(f"the Braket document ({header}) has no 'standardized' block: no figures to read")
    standardized = document.standardized
    return _standardized_device(standardized, paradigm, backend_name=name, source=header, updated=updated).document()


def _device_name(filename: str | None, default: str) -> str:
    return PurePath(filename).stem if filename else default


def _validated(data: Mapping[str, Any]) -> Any:
    from braket.schema_common import BraketSchemaBase  # amazon-braket-schemas: pydantic v1 models
    from pydantic.v1 import ValidationError as V1ValidationError

    try:
        return BraketSchemaBase.parse_raw_schema(json.dumps(data))
    except V1ValidationError as error:
        problems = [f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()]
        raise CalibrationError(f"not a valid Braket device document: {summarize(problems)}") from None
    except (ModuleNotFoundError, AttributeError, ValueError) as error:
        raise CalibrationError(f"not a Braket device document amazon-braket-schemas knows: {error}") from None


def _ionq_device(document: Any, paradigm: Any, name: str, updated: datetime | None) -> DeviceBuilder:
    if document.provider is None:
        raise CalibrationError("the Braket IonQ document has no 'provider' block with IonQ's fidelity and timing")
    provider = document.provider
    timing = {key.lower(): value for key, value in provider.timing.items()}
    fidelity = {key.lower(): value for key, value in provider.fidelity.items()}
    characterization = {
        "backend": name,
        "date": (updated or datetime.fromtimestamp(0, UTC)).isoformat(),
        "qubits": paradigm.qubitCount,
        "connectivity": None if paradigm.connectivity.fullyConnected else _graph_pairs(paradigm),
        "fidelity": fidelity,
        "timing": timing,
    }
    from pydantic import ValidationError

    from noise_core.spec.validation import describe_validation_error

    try:
        parsed = IonqCharacterization.model_validate(characterization)
    except ValidationError as error:
        problems = describe_validation_error(error)
        raise CalibrationError(f"the Braket IonQ provider block is not usable: {summarize(problems)}") from None
    return ionq_device(parsed, source="AWS Braket IonQ device capabilities")


def _graph_pairs(paradigm: Any) -> list[tuple[int, int]]:
    """The connectivity graph's pairs; ``CalibrationError`` for a qubit id that is not an integer."""
    graph = paradigm.connectivity.connectivityGraph
    return [(_number(a), _number(b)) for a, targets in graph.items() for b in targets]


def _number(label: str) -> int:
    try:
        return int(label)
    except ValueError:
        raise CalibrationError(f"Braket qubit ids must be integers; got {label[:40]!r}") from None


class _Ids:
    """The vendor's qubit ids (integers, written as strings) in numeric order, and their indices."""

    def __init__(self, labels: list[str]) -> None:
        numbers = sorted({_number(label) for label in labels})
        self.labels = [str(number) for number in numbers]
        self.position = {number: position for position, number in enumerate(numbers)}

    def index(self, label: str | int) -> int:
        return self.position[_number(label) if isinstance(label, str) else label]


def _pair_ids(key: str) -> list[str]:
    """The two qubit ids of a ``twoQubitProperties`` key ('0-1')."""
    parts = key.split("-")
    if len(parts) != 2 or _number(parts[0]) == _number(parts[1]):
        raise CalibrationError(f"twoQubitProperties key {key[:40]!r} must name two different qubits, as in '0-1'")
    return parts


def _standardized_device(
    standardized: Any, paradigm: Any, *, backend_name: str, source: str, updated: datetime | None = None
) -> DeviceBuilder:
    one = standardized.oneQubitProperties or {}
    two = getattr(standardized, "twoQubitProperties", None) or {}
    graph = _graph_pairs(paradigm) if paradigm is not None and not paradigm.connectivity.fullyConnected else []
    ids = _Ids([*one, *(part for key in two for part in _pair_ids(key)), *(str(q) for pair in graph for q in pair)])
    if not ids.labels:
        raise CalibrationError("the Braket document has no qubits in oneQubitProperties or twoQubitProperties")
    if len(ids.labels) > MAX_BRAKET_QUBITS:
        raise CalibrationError(
            f"the Braket document names {len(ids.labels)} qubits; at most {MAX_BRAKET_QUBITS} are read (a fully "
            "connected device's pairs grow as the square)"
        )
    native = [_native(name) for name in (paradigm.nativeGateSet if paradigm else [])]
    info = DeviceInfo(
        vendor="AWS Braket",
        source=source,
        all_to_all=bool(paradigm and paradigm.connectivity.fullyConnected),
        native_gates=[gate for gate in native if gate is not None],
        qubit_labels=ids.labels,
    )
    updated = getattr(standardized, "updatedAt", None) or updated or datetime.fromtimestamp(0, UTC)
    device = DeviceBuilder(info, backend_name=backend_name, calibrated_at=updated, num_qubits=len(ids.labels))
    for label, properties in one.items():
        _read_qubit(device, ids.index(label), properties, standardized)
    device.virtual_z()
    for key, properties in two.items():
        qubits = [ids.index(part) for part in _pair_ids(key)]
        _read_pair(device, qubits, properties.twoQubitGateFidelity, standardized, ids)
    if not two:
        _read_device_wide_pairs(device, standardized, info, [(ids.index(a), ids.index(b)) for a, b in graph])
    return device


def _read_device_wide_pairs(
    device: DeviceBuilder, standardized: Any, info: DeviceInfo, graph: list[tuple[int, int]]
) -> None:
    """Schema v3's one two-qubit fidelity, for every coupled pair, on the native two-qubit gate."""
    entry = _first(getattr(standardized, "twoQubitGateFidelity", None))
    if entry is None:
        return
    gate = next((native.simulated_as for native in info.native_gates if native.simulated_as in _PAIR_GATES), None)
    if gate is None:
        device.convert(Subject("device"), "twoQubitGateFidelity", entry.fidelity, rule="a native two-qubit gate "
                       "Qiskit simulates (the paradigm's nativeGateSet)", action="skipped")  # fmt: skip
        return
    count = len(info.qubit_labels)
    pairs = list(combinations(range(count), 2)) if info.all_to_all else graph
    duration = _seconds(getattr(standardized, "twoQubitGateDuration", None))
    for a, b in pairs:
        for placement in ((a, b), (b, a)):
            device.gate(gate, placement, error=average_error_from_fidelity(entry.fidelity), duration=duration)
    device.convert(
        Subject("device"),
        "twoQubitGateFidelity",
        entry.fidelity,
        rule="one device-wide figure (schema v3), not one per pair",
        action=f"read as the average gate fidelity of {gate} on every coupled pair: gate_error = 1 − F",
    )


def _native(name: str) -> NativeGate | None:
    simulated = {"prx": "sx", "rx": "sx", "gpi2": "sx", "gpi": "x", "rz": "rz"}.get(name.lower())
    simulated = simulated or TWO_QUBIT_GATES.get(name.upper())
    return NativeGate(name=name, simulated_as=simulated) if simulated else None


def _seconds(figure: Any) -> float | None:
    if figure is None:
        return None
    unit = getattr(figure.unit, "value", figure.unit)
    if unit not in SECONDS_PER_UNIT:
        raise CalibrationError(f"unknown time unit {unit!r}; expected one of {', '.join(SECONDS_PER_UNIT)}")
    return float(figure.value) * SECONDS_PER_UNIT[unit]


def _fidelity_name(entry: Any) -> str:
    kind = entry.fidelityType
    name = getattr(kind, "name", None) if kind is not None else None
    return str(getattr(name, "value", name) or "")


def _read_qubit(device: DeviceBuilder, qubit: int, properties: Any, standardized: Any) -> None:
    for name in ("T1", "T2"):
        value = _seconds(getattr(properties, name, None) or getattr(standardized, name, None))
        if value is not None:
            device.qubit(qubit, name, value)
    fidelities = {_fidelity_name(entry): entry for entry in properties.oneQubitFidelity}
    readout = fidelities.get("READOUT") or _first(getattr(standardized, "readoutFidelity", None))
    if readout is not None:
        device.readout(
            qubit, error=1 - readout.fidelity, standard_error=readout.standardError, reported="READOUT fidelity"
        )
    rb = next((fidelities[name] for name in ONE_QUBIT_RB if name in fidelities), None)
    rb = rb or _first(getattr(standardized, "singleQubitFidelity", None))
    duration = _seconds(getattr(standardized, "singleQubitGateDuration", None))
    readout_length = _seconds(getattr(standardized, "readoutDuration", None))
    if readout_length is not None:
        device.qubit(qubit, "readout_length", readout_length)
    if rb is None:
        return
    for gate in ("sx", "x"):
        error = average_error_from_fidelity(rb.fidelity)
        device.gate(gate, [qubit], error=error, duration=duration, standard_error=rb.standardError)


def _first(entries: list[Any] | None) -> Any:
    return entries[0] if entries else None


def _read_pair(device: DeviceBuilder, qubits: list[int], entries: list[Any], standardized: Any, ids: _Ids) -> None:
    duration = _seconds(getattr(standardized, "twoQubitGateDuration", None))
    by_gate: dict[str, list[Any]] = {}
    for entry in entries:
        by_gate.setdefault(entry.gateName.upper(), []).append(entry)
    for name, candidates in by_gate.items():
        gate = TWO_QUBIT_GATES.get(name)
        subject = Subject.gate_on(name, tuple(qubits))
        if gate is None:
            device.convert(
                subject, "gate fidelity", candidates[0].fidelity, rule="a gate Qiskit simulates", action="skipped"
            )
            continue
        candidates.sort(key=lambda entry: _preference(_fidelity_name(entry)))
        chosen = candidates[0]
        order = _ordered(qubits, chosen.direction, ids)
        error = average_error_from_fidelity(chosen.fidelity)
        for placement in (order,) if gate in DIRECTED_GATES else (order, order[::-1]):
            device.gate(gate, placement, error=error, duration=duration, standard_error=chosen.standardError)


def _preference(name: str) -> int:
    return TWO_QUBIT_PREFERENCE.index(name) if name in TWO_QUBIT_PREFERENCE else len(TWO_QUBIT_PREFERENCE)


def _ordered(qubits: list[int], direction: Any, ids: _Ids) -> list[int]:
    """(control, target) when the fidelity names a direction, else the pair as written."""
    if not direction:
        return list(qubits)
    named = {getattr(key, "value", key): value for key, value in direction.items()}
    pair = {ids.labels[qubit] for qubit in qubits}
    if set(named) != {"control", "target"} or {str(value) for value in named.values()} != pair:
        raise CalibrationError(f"a two-qubit direction must name the pair {sorted(pair)} as control and target; "
                               f"got {named}")  # fmt: skip
    return [ids.index(named["control"]), ids.index(named["target"])]
