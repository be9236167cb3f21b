"""The spec as a PennyLane ``qml.NoiseModel``, run on PennyLane's own ``default.mixed``; circuits from Qiskit.

``pennylane_noise_model(spec)`` returns the model and its ``ExportReport``: the spec's per-operation channels
(``frameworks.kraus``: gate channels and end-of-circuit readout kept exactly, noise over the schedule dropped)
as ``qml.QubitChannel`` after each operation PennyLane names as a spec gate (``SPEC_GATE_OF``), and readout as a
channel on each measured wire before the measurement (the model's ``meas_map``). PennyLane's own
``qml.io.from_qiskit_noise`` skips readout errors (its documentation says so); this keeps them.

Wires are the device's own qubit numbers. PennyLane's matrices are big-endian (the first wire most
significant) and Qiskit's little-endian, so a channel on Qiskit qubits (a, b) acts on wires (b, a).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pennylane as qml
from qiskit import QuantumCircuit

from noise_core.errors import NoiseStudioError
from noise_core.frameworks.kraus import (
    KrausTables,
    framework_report,
    kraus_document,
    kraus_tables,
    outcome_key,
    readout_kraus,
    tables_from_document,
)
from noise_core.frameworks.report import ExportReport
from noise_core.spec.models import NoiseSpec

SPEC_GATE_OF = {
    "PauliX": "x",
    "PauliY": "y",
    "Hadamard": "h",
    "SX": "sx",
    "RZ": "rz",
    "CZ": "cz",
    "CNOT": "cx",
    "ECR": "ecr",
    "IsingXX": "rxx",
    "IsingZZ": "rzz",
    "ISWAP": "iswap",
    "Identity": "id",
}
"""PennyLane operation name → the spec's (Qiskit's) gate name."""


def pennylane_noise_model(spec: NoiseSpec) -> tuple[Any, ExportReport]:
    """``spec`` as a ``qml.NoiseModel`` (module docstring), and its report."""
    return noise_model_of(kraus_tables(spec)), pennylane_report(spec)


def pennylane_report(spec: NoiseSpec) -> ExportReport:
    """What the PennyLane model keeps exactly, approximates and drops of ``spec`` (``kraus.per_operation_report``)."""
    return framework_report(spec, "pennylane")


def pennylane_export_document(spec: NoiseSpec) -> dict[str, Any]:
    """The PennyLane export as JSON (``kraus.kraus_document``); ``noise_model_from_document`` reads it back."""
    return kraus_document(spec, pennylane_report(spec))


def noise_model_from_document(document: dict[str, Any]) -> Any:
    """The ``qml.NoiseModel`` a ``pennylane_export_document`` (or a Cirq one: the tables are the same) describes."""
    return noise_model_of(tables_from_document(document))


def noise_model_of(tables: KrausTables) -> Any:
    """The ``qml.NoiseModel`` of per-operation tables (also read back from a ``kraus.kraus_document``)."""

    def gate_channel(operation: Any) -> Any:
        return tables.channel(SPEC_GATE_OF.get(operation.name), tuple(int(wire) for wire in operation.wires))

    has_channel = qml.BooleanFn(lambda operation: gate_channel(operation) is not None)

    def add_channel(operation: Any, **_metadata: Any) -> None:
        qml.QubitChannel(list(gate_channel(operation)), wires=list(operation.wires)[::-1])

    has_readout = qml.BooleanFn(
        lambda measurement: any(tables.assignment(int(wire)) is not None for wire in measurement.wires)
    )

    def add_readout(measurement: Any, **_metadata: Any) -> None:
        for wire in measurement.wires:
            matrix = tables.assignment(int(wire))
            if matrix is not None:
                qml.QubitChannel(list(readout_kraus(matrix)), wires=[wire])

    return qml.NoiseModel({has_channel: add_channel}, meas_map={has_readout: add_readout})


def pennylane_operations(circuit: QuantumCircuit) -> tuple[Callable[[], None], dict[int, int]]:
    """A function queuing ``circuit``'s gates as PennyLane operations on wires = device qubits, and the measured
    qubit of each classical bit written; barriers and delays are left out. Measurements must be terminal."""
    steps: list[tuple[str, list[float], list[int]]] = []
    measured: dict[int, int] = {}
    for instruction in circuit.data:
        name = instruction.operation.name
        wires = [circuit.find_bit(qubit).index for qubit in instruction.qubits]
        if name in ("barrier", "delay"):
            continue
        if name == "measure":
            measured[circuit.find_bit(instruction.clbits[0]).index] = wires[0]
            continue
        if set(wires) & set(measured.values()):
            raise NoiseStudioError("the PennyLane conversion takes circuits measured at the end only")
        steps.append((name, [float(p) for p in instruction.operation.params], wires))

    def queue() -> None:
        for name, params, wires in steps:
            _queue_gate(name, params, wires)

    return queue, measured


def _queue_gate(name: str, params: list[float], wires: list[int]) -> None:
    fixed = {"x": qml.PauliX, "y": qml.PauliY, "h": qml.Hadamard, "sx": qml.SX, "cz": qml.CZ, "cx": qml.CNOT}
    if name in fixed:
        fixed[name](wires=wires)
    elif name == "rz":
        qml.RZ(params[0], wires=wires)
    elif name in ("rxx", "rzz"):
        (qml.IsingXX if name == "rxx" else qml.IsingZZ)(params[0], wires=wires)
    elif name == "ecr":
        qml.ECR(wires=wires)
    elif name == "id":
        qml.Identity(wires=wires)
    else:
        raise NoiseStudioError(f"no PennyLane gate for {name!r}: transpile to the device's basis first")


def pennylane_distribution(circuit: QuantumCircuit, model: Any) -> dict[str, float]:
    """The exact outcome distribution of ``circuit`` under ``model`` on ``default.mixed``, keyed as Qiskit's counts."""
    queue, measured = pennylane_operations(circuit)
    used = sorted({circuit.find_bit(q).index for item in circuit.data for q in item.qubits})
    device = qml.device("default.mixed", wires=used)
    clbits = sorted(measured)

    def probabilities() -> Any:
        queue()
        return qml.probs(wires=[measured[clbit] for clbit in clbits])

    values = np.asarray(qml.add_noise(qml.QNode(probabilities, device), model)(), dtype=float)
    distribution: dict[str, float] = {}
    for index, probability in enumerate(values):
        bits = {clbit: (index >> (len(clbits) - 1 - position)) & 1 for position, clbit in enumerate(clbits)}
        key = outcome_key(bits, circuit.num_clbits)
        distribution[key] = distribution.get(key, 0.0) + float(probability)
    return distribution
