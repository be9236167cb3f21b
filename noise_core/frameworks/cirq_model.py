"""The spec as a ``cirq.NoiseModel``, run by Cirq's own density-matrix simulator; circuits from Qiskit to Cirq.

``cirq_noise_model(spec)`` returns a ``SpecNoiseModel`` and its ``ExportReport``:

- **gate channels** (depolarizing, Pauli, thermal relaxation, coherent; all-qubit and
  qubit-specific, with the spec's precedence and order, ``aer.channels.ChannelIndex``) are
  kept exactly: after each operation Cirq recognises as a spec gate on those qubits
  (``spec_gate_name``), the same channel as Kraus operators (``cirq.KrausChannel``);
- **readout** assignment matrices are kept exactly for measurements read at the end: before each
  measured qubit, the channel ρ ↦ Σ_{m,s} P(m|s)·|m⟩⟨s|ρ|s⟩⟨m| (Kraus √P(m|s)·|m⟩⟨s|), which gives the
  same outcome distribution. A qubit measured and then used again starts from the reported
  outcome rather than the true one (approximated, said in the report). Correlated readout groups
  become each qubit's marginal (approximated);
- **noise over the schedule** (idle relaxation and detuning, ZZ crosstalk) is dropped: a Cirq
  noise model acts per operation, not over durations.

Qubits are ``cirq.LineQubit(q)`` with q the device's own qubit number. Qiskit's matrices are
little-endian (the first qubit least significant) and Cirq's big-endian, so a channel on Qiskit
qubits (a, b) acts on Cirq's (b, a).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import cirq
import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import ECRGate

from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.errors import NoiseStudioError
from noise_core.frameworks.report import ExportReport, ReportLine, gate_lines, readout_entries, schedule_lines
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import global_assignment, marginal_assignment

FORMAT = "noise-studio cirq noise model"
KrausOperators = tuple[np.ndarray, ...]


class SpecNoiseModel(cirq.NoiseModel):
    """A spec's channels after the gates Cirq recognises, and its readout before measurements."""

    def __init__(
        self,
        local: dict[tuple[str, tuple[int, ...]], KrausOperators],
        all_qubit: dict[str, KrausOperators],
        readout: dict[int, np.ndarray],
        global_readout: np.ndarray | None,
    ) -> None:
        self.local, self.all_qubit, self.readout, self.global_readout = local, all_qubit, readout, global_readout

    def noisy_operation(self, operation: cirq.Operation) -> Any:
        qubits = tuple(_number(qubit) for qubit in operation.qubits)
        if cirq.is_measurement(operation):
            return [*self._readout_channels(operation.qubits, qubits), operation]
        name = spec_gate_name(operation.gate)
        kraus = None if name is None else self.local.get((name, qubits), self.all_qubit.get(name))
        if kraus is None:
            return operation
        return [operation, cirq.KrausChannel(kraus).on(*operation.qubits[::-1])]

    def _readout_channels(self, targets: Sequence[cirq.Qid], numbers: Sequence[int]) -> list[cirq.Operation]:
        channels = []
        for target, number in zip(targets, numbers, strict=True):
            matrix = self.readout.get(number, self.global_readout)
            if matrix is not None:
                channels.append(cirq.KrausChannel(readout_kraus(matrix)).on(target))
        return channels


def _number(qubit: cirq.Qid) -> int:
    if not isinstance(qubit, cirq.LineQubit):
        raise NoiseStudioError(f"the exported noise model acts on cirq.LineQubit(q), q the device's qubit; got {qubit}")
    return int(qubit.x)


def spec_gate_name(gate: cirq.Gate | None) -> str | None:
    """The Qiskit gate name a Cirq gate is (``cirq.X`` → 'x', ``X**0.5`` → 'sx', ``cirq.rz`` → 'rz', …), else None."""
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
        return "ecr" if cirq.equal_up_to_global_phase(cirq.unitary(gate), _ECR_BIG_ENDIAN) else None
    return None


_SWAP = np.eye(4)[[0, 2, 1, 3]]
_ECR_BIG_ENDIAN = _SWAP @ ECRGate().to_matrix() @ _SWAP
"""Qiskit's ECR (qubit 0 least significant) in Cirq's order."""


def readout_kraus(assignment: np.ndarray | Sequence[Sequence[float]]) -> KrausOperators:
    """Kraus operators √P(m|s)·|m⟩⟨s| of an assignment matrix (rows: prepared s, columns: measured m, as Aer)."""
    matrix = np.asarray(assignment, dtype=float)
    operators = []
    for prepared in range(2):
        for measured in range(2):
            if matrix[prepared, measured] > 0:
                operator = np.zeros((2, 2), dtype=complex)
                operator[measured, prepared] = math.sqrt(matrix[prepared, measured])
                operators.append(operator)
    return tuple(operators)


def channel_kraus(channel: GateChannel) -> KrausOperators | None:
    """The channel's Kraus operators in Qiskit's (little-endian) order, or None when it is the identity."""
    return None if channel.is_identity else tuple(channel.kraus_operators())


def cirq_noise_model(spec: NoiseSpec, *, qubits: Iterable[int] | None = None) -> tuple[SpecNoiseModel, ExportReport]:
    """``spec`` as a ``cirq.NoiseModel`` (module docstring), restricted to ``qubits`` if given, and its report."""
    keep = None if qubits is None else frozenset(qubits)
    index = ChannelIndex.of(spec)
    all_qubit = {gate: kraus for gate, channel in index.all_qubit_channels() if (kraus := channel_kraus(channel))}
    local = {}
    for key, channel in index.local_channels(within=keep):
        kraus = channel_kraus(channel)  # an identity here still overrides the gate's all-qubit channel
        local[key] = kraus if kraus is not None else (np.eye(2 ** len(key[1]), dtype=complex),)
    grouped = {qubit for group in spec.correlated_readout_errors for qubit in group.qubits}
    readout = {
        entry.qubit: np.asarray(entry.assignment_probabilities)
        for entry in spec.local_readout_errors
        if (keep is None or entry.qubit in keep) and entry.qubit not in grouped
    }
    for group in spec.correlated_readout_errors:
        readout.update({qubit: np.asarray(marginal_assignment(group, [qubit])) for qubit in group.qubits})
    matrix = global_assignment(spec)
    model = SpecNoiseModel(local, all_qubit, readout, None if matrix is None else np.asarray(matrix))
    return model, cirq_report(spec)


def cirq_report(spec: NoiseSpec) -> ExportReport:
    """What ``cirq_noise_model`` keeps exactly, approximates and drops of ``spec``."""
    lines = gate_lines(spec, "a cirq.KrausChannel after each operation of that gate on those qubits")
    if readout_entries(spec):
        lines.append(
            ReportLine(
                "local_readout_errors",
                readout_entries(spec),
                "kept exactly",
                "a channel before each measurement: the same outcome distribution for measurements read at the end",
            )
        )
        lines.append(
            ReportLine(
                "mid-circuit measurements",
                readout_entries(spec),
                "approximated",
                "a qubit measured and used again continues from the reported outcome, not the true one",
            )
        )
    if spec.correlated_readout_errors:
        lines.append(
            ReportLine(
                "correlated_readout_errors",
                len(spec.correlated_readout_errors),
                "approximated",
                "each qubit's marginal assignment matrix: the correlation between qubits is lost",
            )
        )
    return ExportReport("Cirq", tuple(lines + schedule_lines(spec, "Cirq")))


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
        return cirq.MatrixGate(_ECR_BIG_ENDIAN, name="ecr")
    if name == "id":
        return cirq.I
    if name == "reset":
        return cirq.ResetChannel()
    raise NoiseStudioError(f"no Cirq gate for {name!r}: transpile to the device's basis first")


def cirq_distribution(circuit: cirq.Circuit, model: cirq.NoiseModel, num_clbits: int) -> dict[str, float]:
    """The exact outcome distribution by Cirq's ``DensityMatrixSimulator`` (complex128), keyed as Qiskit's counts.

    The noise is applied first (``circuit.with_noise``), then each measurement is replaced by the
    dephasing it causes (``cirq.dephase_measurements``), so the final density matrix's diagonal is
    the distribution of the measured bits. Outcome keys put ``c{k}`` at position k from the right.
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
        bits = ["0"] * num_clbits
        for position, qubit in enumerate(qubits):
            if qubit in clbit_of:
                bits[num_clbits - 1 - clbit_of[qubit]] = str((index >> (len(qubits) - 1 - position)) & 1)
        key = "".join(bits)
        distribution[key] = distribution.get(key, 0.0) + float(probability)
    return distribution


def cirq_export_document(spec: NoiseSpec) -> dict[str, Any]:
    """The Cirq export as JSON: its report, then each channel's Kraus operators as [re, im] pairs (Qiskit order).

    ``noise_model_from_document`` reads it back into a ``SpecNoiseModel``.
    """
    model, report = cirq_noise_model(spec)
    return {
        "format": FORMAT,
        "report": report.to_dict(),
        "qubits": "cirq.LineQubit(q), q the device's own qubit number",
        "gate_channels": [
            {"gate": gate, "qubits": list(qubits), "kraus": _encoded(kraus)}
            for (gate, qubits), kraus in model.local.items()
        ],
        "all_qubit_channels": [{"gate": gate, "kraus": _encoded(kraus)} for gate, kraus in model.all_qubit.items()],
        "readout": [{"qubit": qubit, "assignment": matrix.tolist()} for qubit, matrix in model.readout.items()],
        "global_readout": None if model.global_readout is None else model.global_readout.tolist(),
    }


def noise_model_from_document(document: dict[str, Any]) -> SpecNoiseModel:
    """The ``SpecNoiseModel`` a ``cirq_export_document`` describes."""
    if document.get("format") != FORMAT:
        raise NoiseStudioError(f"not a {FORMAT!r} document (its 'format' is {document.get('format')!r})")
    local = {(e["gate"], tuple(e["qubits"])): _decoded(e["kraus"]) for e in document["gate_channels"]}
    all_qubit = {e["gate"]: _decoded(e["kraus"]) for e in document["all_qubit_channels"]}
    readout = {e["qubit"]: np.asarray(e["assignment"], dtype=float) for e in document["readout"]}
    matrix = document.get("global_readout")
    return SpecNoiseModel(local, all_qubit, readout, None if matrix is None else np.asarray(matrix, dtype=float))


def _encoded(kraus: KrausOperators) -> list[list[list[list[float]]]]:
    return [[[[value.real, value.imag] for value in row] for row in operator] for operator in kraus]


def _decoded(encoded: list[list[list[list[float]]]]) -> KrausOperators:
    return tuple(np.asarray(operator, dtype=float) @ np.array([1, 1j]) for operator in encoded)
