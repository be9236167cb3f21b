"""A spec as per-operation channels: Kraus operators per gate placement, an assignment matrix per qubit.

This is what a framework's per-operation noise model (Cirq's ``NoiseModel``, PennyLane's ``NoiseModel``) applies:

- **gate channels** (depolarizing, Pauli, thermal relaxation, coherent; all-qubit and qubit-specific, with the
  spec's precedence and composition order: ``aer.channels.ChannelIndex``) are kept exactly, as the Kraus
  operators √p_P·K_k·σ_P·U of ``GateChannel.kraus_operators`` (Qiskit's little-endian order);
- **readout** assignment matrices are kept exactly for measurements read at the end: before each measured
  qubit, the channel ρ ↦ Σ_{m,s} P(m|s)·|m⟩⟨s|ρ|s⟩⟨m| (``readout_kraus``), which gives the same outcome
  distribution. A qubit measured and then used again continues from the reported outcome rather than the
  true one (approximated). Correlated readout groups become each qubit's marginal (approximated);
- **noise over the schedule** (idle relaxation and detuning, ZZ crosstalk) is dropped: these models act per
  operation, not over durations.

``kraus_document`` writes the tables as JSON with the framework's report; ``tables_from_document`` reads them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from qiskit.circuit.library import ECRGate

from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.errors import NoiseStudioError
from noise_core.frameworks.report import ExportReport, ReportLine, gate_lines, readout_entries, schedule_lines
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import global_assignment, marginal_assignment

FORMAT = "noise-studio kraus noise model"
_SWAP = np.eye(4)[[0, 2, 1, 3]]
ECR_BIG_ENDIAN = _SWAP @ ECRGate().to_matrix() @ _SWAP
"""Qiskit's ECR (qubit 0 least significant) in Cirq's order (the first qubit most significant)."""
KrausOperators = tuple[np.ndarray, ...]


@dataclass(frozen=True)
class KrausTables:
    """Each placement's and each gate's channel, and each qubit's readout, as a per-operation model reads them."""

    local: dict[tuple[str, tuple[int, ...]], KrausOperators]
    all_qubit: dict[str, KrausOperators]
    readout: dict[int, np.ndarray]
    global_readout: np.ndarray | None

    def channel(self, gate: str | None, qubits: tuple[int, ...]) -> KrausOperators | None:
        """The Kraus operators after ``gate`` on ``qubits`` (little-endian), or None when no noise acts there."""
        if gate is None:
            return None
        return self.local.get((gate, qubits), self.all_qubit.get(gate))

    def assignment(self, qubit: int) -> np.ndarray | None:
        """The assignment matrix (rows prepared, columns measured) of ``qubit``, or None."""
        return self.readout.get(qubit, self.global_readout)


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


@lru_cache(maxsize=4096)
def channel_kraus(channel: GateChannel) -> KrausOperators | None:
    """The channel's Kraus operators in Qiskit's (little-endian) order, or None when it is the identity. Cached by
    channel: on IonQ or Quantinuum every pair has the same one."""
    return None if channel.is_identity else tuple(channel.kraus_operators())


def kraus_tables(spec: NoiseSpec, *, qubits: Iterable[int] | None = None) -> KrausTables:
    """``spec``'s per-operation channels (module docstring), restricted to ``qubits`` if given."""
    keep = None if qubits is None else frozenset(qubits)
    index = ChannelIndex.of(spec)
    all_qubit = {gate: kraus for gate, channel in index.all_qubit_channels() if (kraus := channel_kraus(channel))}
    local = {}
    for key, channel in index.local_channels(within=keep):
        kraus = channel_kraus(channel)  # an identity here still overrides the gate's all-qubit channel
        local[key] = kraus if kraus is not None else (np.eye(2 ** len(key[1]), dtype=complex),)
    grouped = {qubit for group in spec.correlated_readout_errors for qubit in group.qubits}
    readout = {
        entry.qubit: np.asarray(entry.assignment_probabilities, dtype=float)
        for entry in spec.local_readout_errors
        if (keep is None or entry.qubit in keep) and entry.qubit not in grouped
    }
    for group in spec.correlated_readout_errors:
        readout.update({qubit: np.asarray(marginal_assignment(group, [qubit])) for qubit in group.qubits})
    matrix = global_assignment(spec)
    return KrausTables(local, all_qubit, readout, None if matrix is None else np.asarray(matrix, dtype=float))


def per_operation_report(
    spec: NoiseSpec, framework: str, channel: str, *, mid_circuit_measurements: bool = False
) -> ExportReport:
    """What a per-operation model of ``framework`` keeps exactly, approximates and drops of ``spec``; ``channel`` names
    its channel instruction (``cirq.KrausChannel``). ``mid_circuit_measurements``: the framework runs them (Cirq),
    and the readout channel is then approximate for a qubit used again (a line of 0 entries: the same ones)."""
    lines = gate_lines(spec, f"a {channel} after each operation of that gate on those qubits")
    readouts = readout_entries(spec)
    if readouts:
        detail = "a channel before each measurement: the same outcome distribution for measurements read at the end"
        lines.append(ReportLine("local_readout_errors", readouts, "kept exactly", detail))
    if readouts and mid_circuit_measurements:
        detail = (
            f"the same {readouts} readout entries, for a qubit measured and used again: it continues from the reported "
            "outcome, not the true one"
        )
        lines.append(ReportLine("mid-circuit measurements", 0, "approximated", detail))
    if spec.correlated_readout_errors:
        detail = "each qubit's marginal assignment matrix: the correlation between qubits is lost"
        lines.append(
            ReportLine("correlated_readout_errors", len(spec.correlated_readout_errors), "approximated", detail)
        )
    return ExportReport(framework, tuple(lines + schedule_lines(spec, framework)))


PER_OPERATION_FRAMEWORKS = {
    "cirq": ("Cirq", "cirq.KrausChannel", True),
    "pennylane": ("PennyLane", "qml.QubitChannel", False),
}
"""Each per-operation framework: its name, its channel instruction, and whether it runs mid-circuit measurements."""


def framework_report(spec: NoiseSpec, framework: str) -> ExportReport:
    """``per_operation_report`` for 'cirq' or 'pennylane' (``PER_OPERATION_FRAMEWORKS``)."""
    name, channel, mid_circuit = PER_OPERATION_FRAMEWORKS[framework]
    return per_operation_report(spec, name, channel, mid_circuit_measurements=mid_circuit)


def kraus_document(spec: NoiseSpec, report: ExportReport) -> dict[str, Any]:
    """The tables as JSON: the report, each distinct channel's Kraus operators once as [re, im] pairs (Qiskit's
    order), and each placement and gate by the index of its channel."""
    tables = kraus_tables(spec)
    channels: dict[int, int] = {}
    encoded: list[list[list[list[list[float]]]]] = []

    def number(kraus: KrausOperators) -> int:
        if id(kraus) not in channels:  # channel_kraus returns one tuple per distinct channel
            channels[id(kraus)] = len(encoded)
            encoded.append(_encoded(kraus))
        return channels[id(kraus)]

    return {
        "format": FORMAT,
        "report": report.to_dict(),
        "qubits": "the device's own qubit numbers; Kraus operators little-endian (the first qubit least significant)",
        "gate_channels": [
            {"gate": gate, "qubits": list(qubits), "channel": number(kraus)}
            for (gate, qubits), kraus in tables.local.items()
        ],
        "all_qubit_channels": [{"gate": gate, "channel": number(kraus)} for gate, kraus in tables.all_qubit.items()],
        "channels": encoded,
        "readout": [{"qubit": qubit, "assignment": matrix.tolist()} for qubit, matrix in tables.readout.items()],
        "global_readout": None if tables.global_readout is None else tables.global_readout.tolist(),
    }


def tables_from_document(document: dict[str, Any]) -> KrausTables:
    """The ``KrausTables`` a ``kraus_document`` describes."""
    if document.get("format") != FORMAT:
        raise NoiseStudioError(f"not a {FORMAT!r} document (its 'format' is {document.get('format')!r})")
    channels = [_decoded(kraus) for kraus in document["channels"]]
    local = {(e["gate"], tuple(e["qubits"])): channels[e["channel"]] for e in document["gate_channels"]}
    all_qubit = {e["gate"]: channels[e["channel"]] for e in document["all_qubit_channels"]}
    readout = {e["qubit"]: np.asarray(e["assignment"], dtype=float) for e in document["readout"]}
    matrix = document.get("global_readout")
    return KrausTables(local, all_qubit, readout, None if matrix is None else np.asarray(matrix, dtype=float))


def _encoded(kraus: KrausOperators) -> list[list[list[list[float]]]]:
    return [[[[value.real, value.imag] for value in row] for row in operator] for operator in kraus]


def _decoded(encoded: list[list[list[list[float]]]]) -> KrausOperators:
    return tuple(np.asarray(operator, dtype=float) @ np.array([1, 1j]) for operator in encoded)


def outcome_key(bits: dict[int, int], num_clbits: int) -> str:
    """Qiskit's counts key of ``{clbit: bit}``: clbit k at position k from the right, unwritten clbits 0."""
    return "".join(str(bits.get(clbit, 0)) for clbit in reversed(range(num_clbits)))
