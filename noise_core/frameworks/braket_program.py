"""One circuit under the model as an Amazon Braket OpenQASM 3 program with noise pragmas, run on Braket's own
local density-matrix simulator.

Braket's SDK applies a ``NoiseModel`` by writing its channels into the circuit as ``#pragma braket noise``
instructions; this writes the same program directly from the spec's per-operation channels
(``frameworks.kraus``): after each gate its channel as ``kraus(...)`` on the device's own qubits (``$q``),
and before each measurement the qubit's readout channel. The program runs on
``braket.default_simulator.DensityMatrixSimulator`` (``LocalSimulator("braket_dm")`` in the SDK). The SDK
itself is not needed: amazon-braket-sdk 1.127 pins ``cloudpickle==2.2.1``, which Dask (``distributed``, a
dependency here) cannot run with; the simulator package has no such pin.

Braket's matrices are big-endian (the first target most significant), so a channel on Qiskit qubits
(a, b) targets ``$b, $a``; ECR and ZZ phases are written as ``unitary`` pragmas of Qiskit's matrix, to the
same end. As the export is of one circuit, the schedule's noise is kept as ``simulate`` applies it: each wait
followed by its idle channel, ZZ crosstalk phases on the schedule (``noisy_circuit``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Instruction

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import NoiseStudioError
from noise_core.frameworks.kraus import (
    KrausOperators,
    KrausTables,
    kraus_tables,
    outcome_key,
    per_operation_report,
    readout_kraus,
)
from noise_core.frameworks.report import ExportReport, ReportLine
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.crosstalk import timed_circuit
from noise_core.simulation.idle import with_idle_noise
from noise_core.simulation.options import RunOptions
from noise_core.simulation.placement import PlacedCircuit
from noise_core.simulation.prepare import prepare_simulation
from noise_core.spec.models import NoiseSpec

BRAKET_GATES = {"x": "x", "y": "y", "h": "h", "sx": "v", "cz": "cz", "cx": "cnot", "id": "i"}
"""Qiskit gates with a Braket gate of the same matrix; others with a matrix (ECR, a ZZ phase) go as a unitary."""
ROTATIONS = {"rz": "rz", "rxx": "xx", "rzz": "zz"}


@dataclass(frozen=True)
class BraketExport:
    """The program (with measurements), its report, and where each classical bit was measured."""

    program: str
    report: ExportReport
    measured: tuple[int, ...]
    """The device qubit of each classical bit, in clbit order."""

    def text(self) -> str:
        """The file: the report as ``//`` comments, then the program."""
        lines = [f"// Noise Studio export to Amazon Braket. {self.report.summary}"]
        lines += [f"// {line.status}: {line.field} ({line.entries}): {line.detail}" for line in self.report.lines]
        return "\n".join(lines) + "\n" + self.program


def braket_export(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    calibration: BackendCalibration | None,
    options: RunOptions | None = None,
) -> BraketExport:
    """``circuit`` placed as ``simulate`` places it, with the noise ``simulate`` runs it with, as a Braket program."""
    prepared = prepare_simulation(circuit, spec, calibration, replace(options or RunOptions(), shots=1).seeded())
    placed, model = prepared.placed, prepared.spec
    program, measured = braket_program(noisy_circuit(placed, model), kraus_tables(model), physical=placed.active_qubits)
    return BraketExport(program, braket_report(model), tuple(measured))


def noisy_circuit(placed: PlacedCircuit, spec: NoiseSpec) -> QuantumCircuit:
    """The compact circuit as Aer runs it: ZZ crosstalk on its schedule, each wait followed by its idle channel."""
    return with_idle_noise(timed_circuit(placed, spec), placed.active_qubits, spec)


def braket_report(spec: NoiseSpec) -> ExportReport:
    """Per-operation channels as ``kraus.per_operation_report``; the schedule's noise kept exactly, after each wait
    and on the schedule, as in ``simulate``."""
    report = per_operation_report(spec, "Amazon Braket", "#pragma braket noise kraus")
    kept = {
        "idle_relaxation_errors": "a kraus pragma after each wait, for its length",
        "idle_detuning_errors": "a kraus pragma after each wait, for its length",
        "zz_crosstalk_errors": "a unitary pragma of each ZZ phase, on the schedule",
    }
    lines = tuple(
        ReportLine(line.field, line.entries, "kept exactly", kept[line.field]) if line.field in kept else line
        for line in report.lines
    )
    return ExportReport(report.framework, lines)


def braket_program(
    circuit: QuantumCircuit, tables: KrausTables, *, physical: Sequence[int] | None = None, probabilities: bool = False
) -> tuple[str, list[int]]:
    """The OpenQASM 3 program of a circuit, on device qubits (``physical[i]`` for circuit qubit i; i itself when None),
    and the device qubit of each clbit.

    After each instruction, the channel ``tables`` give it (waits included); a Kraus instruction (an idle channel)
    and any other matrix gate (a ZZ phase) become pragmas. With ``probabilities``, the measurements become one
    ``probability`` result over the measured qubits in ascending order (for an exact run: ``braket_distribution``).
    """
    where = list(range(circuit.num_qubits)) if physical is None else list(physical)
    lines = ["OPENQASM 3.0;"] if probabilities else ["OPENQASM 3.0;", f"bit[{circuit.num_clbits}] c;"]
    measured: dict[int, int] = {}
    for instruction in circuit.data:
        name = instruction.operation.name
        qubits = [where[circuit.find_bit(qubit).index] for qubit in instruction.qubits]
        if name == "barrier":
            continue
        if set(qubits) & set(measured.values()):
            raise NoiseStudioError("the Braket export takes circuits measured at the end only")
        if name == "measure":
            measured[circuit.find_bit(instruction.clbits[0]).index] = qubits[0]
            continue
        line = _instruction_line(instruction.operation, qubits)
        lines += [line] if line else []
        kraus = tables.channel(name, tuple(qubits))
        if kraus is not None:
            lines.append(_kraus_line(kraus, qubits))
    order = [measured[clbit] for clbit in sorted(measured)]  # the device qubit of each clbit written, in order
    for clbit, qubit in sorted(measured.items()):
        matrix = tables.assignment(qubit)
        if matrix is not None:
            lines.append(_kraus_line(readout_kraus(matrix), [qubit]))
        if not probabilities:
            lines.append(f"c[{clbit}] = measure ${qubit};")
    if probabilities:  # ascending: the default simulator 1.41 misplaces bits of a probability over unsorted targets
        lines.append(f"#pragma braket result probability {_targets(sorted(order))}")
    return "\n".join(lines) + "\n", order


def _instruction_line(operation: Instruction, qubits: Sequence[int]) -> str:
    """One instruction (little-endian matrices go on the targets reversed, Braket being big-endian); '' for a wait."""
    name, params = operation.name, operation.params
    if name in BRAKET_GATES:
        return f"{BRAKET_GATES[name]} {_targets(qubits)};"
    if name in ROTATIONS:
        return f"{ROTATIONS[name]}({float(params[0])!r}) {_targets(qubits)};"
    if name == "delay":
        return ""
    if name == "kraus":
        return _kraus_line(tuple(np.asarray(matrix, dtype=complex) for matrix in params), qubits)
    if hasattr(operation, "to_matrix") and name not in ("reset", "measure"):
        return f"#pragma braket unitary({_matrix(operation.to_matrix())}) {_targets(qubits[::-1])}"
    raise NoiseStudioError(f"no Braket instruction for {name!r}: transpile to the device's basis first")


def _kraus_line(kraus: KrausOperators, qubits: Sequence[int]) -> str:
    return f"#pragma braket noise kraus({', '.join(_matrix(k) for k in kraus)}) {_targets(qubits[::-1])}"


def _targets(qubits: Sequence[int]) -> str:
    return ", ".join(f"${qubit}" for qubit in qubits)


def _matrix(matrix: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(_complex(value) for value in row) + "]" for row in matrix) + "]"


def _complex(value: complex) -> str:
    real, imaginary = float(np.real(value)), float(np.imag(value))
    return repr(real) if imaginary == 0 else f"{real!r}{imaginary:+.17g}im"


def braket_distribution(
    circuit: QuantumCircuit, tables: KrausTables, *, physical: Sequence[int] | None = None
) -> dict[str, float]:
    """The exact outcome distribution of ``circuit`` under ``tables`` by Braket's local density-matrix simulator."""
    from braket.default_simulator import DensityMatrixSimulator
    from braket.ir.openqasm import Program

    program, order = braket_program(circuit, tables, physical=physical, probabilities=True)
    result = DensityMatrixSimulator().run_openqasm(Program(source=program), shots=0)
    values = np.asarray(result.resultTypes[0].value, dtype=float)
    targets = sorted(order)
    clbits = sorted(
        {circuit.find_bit(item.clbits[0]).index for item in circuit.data if item.operation.name == "measure"}
    )
    shift = {clbit: len(targets) - 1 - targets.index(qubit) for clbit, qubit in zip(clbits, order, strict=True)}
    distribution: dict[str, float] = {}
    for index, probability in enumerate(values):
        bits = {clbit: (index >> shift[clbit]) & 1 for clbit in shift}
        key = outcome_key(bits, circuit.num_clbits)
        distribution[key] = distribution.get(key, 0.0) + float(probability)
    return distribution
