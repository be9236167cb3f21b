"""The spec as a ``cirq.NoiseModel``, run by Cirq's own density-matrix simulator; circuits from Qiskit to Cirq.

``cirq_noise_model(spec)`` returns a ``SpecNoiseModel`` and its ``ExportReport``: the spec's per-operation
channels (``frameworks.kraus``: gate channels and end-of-circuit readout kept exactly, noise over the
schedule dropped) after each operation Cirq recognises as a spec gate (``spec_gate_name``), as
``cirq.KrausChannel``; readout as a channel before each measured qubit.

Qubits are ``cirq.LineQubit(q)`` with q the device's own qubit number. Qiskit's matrices are little-endian (the
first qubit least significant) and Cirq's big-endian, so a channel on Qiskit qubits (a, b) acts on Cirq's (b, a).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import cirq
import numpy as np
from qiskit import QuantumCircuit

from noise_core.errors import NoiseStudioError
from noise_core.frameworks.kraus import (
    ECR_BIG_ENDIAN,
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


class SpecNoiseModel(cirq.NoiseModel):
    """A spec's channels after the gates Cirq recognises, and its readout before measurements."""

    def __init__(self, tables: KrausTables) -> None:
        self.tables = tables

    def noisy_operation(self, operation: cirq.Operation) -> Any:
        qubits = tuple(_number(qubit) for qubit in operation.qubits)
        if cirq.is_measurement(operation):
            return [*self._readout_channels(operation.qubits, qubits), operation]
        kraus = self.tables.channel(spec_gate_name(operation.gate), qubits)
        if kraus is None:
            return operation
        return [operation, cirq.KrausChannel(kraus).on(*operation.qubits[::-1])]

    def _readout_channels(self, targets: Sequence[cirq.Qid], numbers: Sequence[int]) -> list[cirq.Operation]:
        channels = []
        for target, number in zip(targets, numbers, strict=True):
            matrix = self.tables.assignment(number)
            if matrix is not None:
                channels.append(cirq.KrausChannel(readout_kraus(matrix)).on(target))
        return channels


def _number(qubit: cirq.Qid) -> int:
    if not isinstance(qubit, cirq.LineQubit):
        raise NoiseStudioError(f"the exported noise model acts on cirq.LineQubit(q), q the device's qubit; got {qubit}")
    return int(qubit.x)


def spec_gate_name(gate: cirq.Gate | None) -> str | None:
    """The Qiskit gate name a Cirq gate is (``cirq.X`` → 'x', ``X**0.5`` → 'sx', any Z rotation → 'rz', …), else
    None (no noise is added after it)."""
    if gate is None:
        return None
    exponent = getattr(gate, "exponent", None)
    whole = {cirq.XPowGate: "x", cirq.YPowGate: "y", cirq.HPowGate: "h", cirq.CZPowGate: "cz", cirq.CXPowGate: "cx"}
    for kind, name in whole.items():
        if isinstance(gate, kind) and exponent == 1:
            return name
    if isinstance(gate, cirq.XPowGate) and exponent == 0.5:
        return "sx"
    families = {cirq.ZPowGate: "rz", cirq.XXPowGate: "rxx", cirq.ZZPowGate: "rzz", cirq.IdentityGate: "id"}
    for kind, name in families.items():
        if isinstance(gate, kind):
            return name
    if isinstance(gate, cirq.ISwapPowGate) and exponent == 1:
        return "iswap"
    if isinstance(gate, cirq.MatrixGate) and cirq.num_qubits(gate) == 2:
        return "ecr" if cirq.equal_up_to_global_phase(cirq.unitary(gate), ECR_BIG_ENDIAN) else None
    return None


def cirq_report(spec: NoiseSpec) -> ExportReport:
    """What the Cirq model keeps exactly, approximates and drops of ``spec`` (``kraus.per_operation_report``)."""
    return framework_report(spec, "cirq")


def cirq_noise_model(spec: NoiseSpec) -> tuple[SpecNoiseModel, ExportReport]:
    """``spec`` as a ``cirq.NoiseModel`` (module docstring), and its report."""
    return SpecNoiseModel(kraus_tables(spec)), cirq_report(spec)


def cirq_export_document(spec: NoiseSpec) -> dict[str, Any]:
    """The Cirq export as JSON (``kraus.kraus_document``); ``noise_model_from_document`` reads it back."""
    return kraus_document(spec, cirq_report(spec))


def noise_model_from_document(document: dict[str, Any]) -> SpecNoiseModel:
    """The ``SpecNoiseModel`` a ``cirq_export_document`` describes."""
    return SpecNoiseModel(tables_from_document(document))


def cirq_circuit(circuit: QuantumCircuit) -> cirq.Circuit:
    """A Qiskit circuit in the spec's gates as a Cirq circuit on ``LineQubit(q)``; measurements keyed ``c{clbit}``.

    Barriers and delays are left out (a Cirq circuit has no durations); any other gate outside
    ``x, sx, rz, y, h, cz, cx, ecr, rxx, rzz, id, measure, reset`` raises ``NoiseStudioError``.
    """
    operations: list[cirq.Operation] = []
    for instruction in circuit.data:
        name = instruction.operation.name
        qubits = [cirq.LineQubit(circuit.find_bit(qubit).index) for qubit in instruction.qubits]
        if name in ("barrier", "delay"):
            continue
        if name == "measure":
            clbit = circuit.find_bit(instruction.clbits[0]).index
            operations.append(cirq.measure(*qubits, key=f"c{clbit}"))
            continue
        operations.append(_cirq_gate(name, [float(p) for p in instruction.operation.params]).on(*qubits))
    return cirq.Circuit(operations)


def _cirq_gate(name: str, params: list[float]) -> cirq.Gate:
    fixed = {"x": cirq.X, "y": cirq.Y, "h": cirq.H, "sx": cirq.XPowGate(exponent=0.5), "cz": cirq.CZ, "cx": cirq.CNOT}
    if name in fixed:
        return fixed[name]
    if name == "rz":
        return cirq.rz(params[0])
    if name in ("rxx", "rzz"):
        kind = cirq.XXPowGate if name == "rxx" else cirq.ZZPowGate
        return kind(exponent=params[0] / math.pi, global_shift=-0.5)
    if name == "ecr":
        return cirq.MatrixGate(ECR_BIG_ENDIAN, name="ecr")
    if name == "id":
        return cirq.I
    if name == "reset":
        return cirq.ResetChannel()
    raise NoiseStudioError(f"no Cirq gate for {name!r}: transpile to the device's basis first")


def cirq_distribution(circuit: cirq.Circuit, model: cirq.NoiseModel, num_clbits: int) -> dict[str, float]:
    """The exact outcome distribution by Cirq's ``DensityMatrixSimulator`` (complex128), keyed as Qiskit's counts.

    The noise is applied first (``circuit.with_noise``), then each measurement is replaced by the dephasing it
    causes (``cirq.dephase_measurements``), so the final density matrix's diagonal is the distribution of the
    measured bits.
    """
    noisy = cirq.dephase_measurements(circuit.with_noise(model))
    clbit_of = {
        op.qubits[0]: int(cirq.measurement_key_name(op)[1:])
        for op in circuit.all_operations()
        if cirq.is_measurement(op)
    }
    qubits = sorted(circuit.all_qubits())
    simulator = cirq.DensityMatrixSimulator(dtype=np.complex128)
    diagonal = np.real(np.diag(simulator.simulate(noisy, qubit_order=qubits).final_density_matrix))
    distribution: dict[str, float] = {}
    for index, probability in enumerate(diagonal):
        bits = {
            clbit_of[qubit]: (index >> (len(qubits) - 1 - position)) & 1
            for position, qubit in enumerate(qubits)
            if qubit in clbit_of
        }
        key = outcome_key(bits, num_clbits)
        distribution[key] = distribution.get(key, 0.0) + float(probability)
    return distribution
