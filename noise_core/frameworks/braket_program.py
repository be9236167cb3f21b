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
(a, b) targets ``$b, $a``. ECR is written as a ``unitary`` pragma of Qiskit's matrix, to the same end.
Noise over the schedule (idle relaxation and detuning, ZZ crosstalk) is dropped, as in the Cirq export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from qiskit import QuantumCircuit

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import NoiseStudioError
from noise_core.frameworks.kraus import (
    ECR_BIG_ENDIAN,
    KrausTables,
    kraus_tables,
    outcome_key,
    per_operation_report,
    readout_kraus,
)
from noise_core.frameworks.report import ExportReport
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.options import RunOptions
from noise_core.simulation.prepare import prepare_simulation
from noise_core.spec.models import NoiseSpec

BRAKET_GATES = {"x": "x", "y": "y", "h": "h", "sx": "v", "cz": "cz", "cx": "cnot", "id": "i"}
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
    """``circuit`` placed as ``simulate`` places it, under ``spec``'s per-operation channels, as a Braket program."""
    prepared = prepare_simulation(circuit, spec, calibration, replace(options or RunOptions(), shots=1).seeded())
    transpiled = prepared.placed.transpiled
    program, measured = braket_program(transpiled, kraus_tables(prepared.spec), probabilities=False)
    report = per_operation_report(prepared.spec, "Amazon Braket", "#pragma braket noise kraus")
    return BraketExport(program, report, tuple(measured))


def braket_program(circuit: QuantumCircuit, tables: KrausTables, *, probabilities: bool) -> tuple[str, list[int]]:
    """The OpenQASM 3 program of a circuit on device qubits, and the qubit of each clbit. With ``probabilities``,
    the measurements become one ``probability`` result over the measured qubits in ascending order (for an exact
    run; ``braket_distribution`` reads it)."""
    lines = ["OPENQASM 3.0;", f"bit[{circuit.num_clbits}] c;"] if not probabilities else ["OPENQASM 3.0;"]
    measured: dict[int, int] = {}
    for instruction in circuit.data:
        name = instruction.operation.name
        qubits = [circuit.find_bit(qubit).index for qubit in instruction.qubits]
        if name in ("barrier", "delay"):
            continue
        if name == "measure":
            if qubits[0] in measured.values():
                raise NoiseStudioError("the Braket export takes circuits measured at the end only")
            measured[circuit.find_bit(instruction.clbits[0]).index] = qubits[0]
            continue
        if set(qubits) & set(measured.values()):
            raise NoiseStudioError("the Braket export takes circuits measured at the end only")
        lines.append(_gate_line(name, [float(p) for p in instruction.operation.params], qubits))
        kraus = tables.channel(name, tuple(qubits))
        if kraus is not None:
            lines.append(f"#pragma braket noise kraus({', '.join(_matrix(k) for k in kraus)}) {_targets(qubits[::-1])}")
    order = [measured[clbit] for clbit in sorted(measured)]
    for clbit, qubit in sorted(measured.items()):
        matrix = tables.assignment(qubit)
        if matrix is not None:
            lines.append(f"#pragma braket noise kraus({', '.join(_matrix(k) for k in readout_kraus(matrix))}) ${qubit}")
        if not probabilities:
            lines.append(f"c[{clbit}] = measure ${qubit};")
    if probabilities:  # ascending: the default simulator 1.41 misplaces bits of a probability over unsorted targets
        lines.append(f"#pragma braket result probability {_targets(sorted(order))}")
    return "\n".join(lines) + "\n", order


def _gate_line(name: str, params: Sequence[float], qubits: Sequence[int]) -> str:
    if name in BRAKET_GATES:
        return f"{BRAKET_GATES[name]} {_targets(qubits)};"
    if name in ROTATIONS:
        return f"{ROTATIONS[name]}({params[0]!r}) {_targets(qubits)};"
    if name == "ecr":
        return f"#pragma braket unitary({_matrix(ECR_BIG_ENDIAN)}) {_targets(qubits)}"
    raise NoiseStudioError(f"no Braket gate for {name!r}: transpile to the device's basis first")


def _targets(qubits: Sequence[int]) -> str:
    return ", ".join(f"${qubit}" for qubit in qubits)


def _matrix(matrix: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(_complex(value) for value in row) + "]" for row in matrix) + "]"


def _complex(value: complex) -> str:
    real, imaginary = float(np.real(value)), float(np.imag(value))
    return repr(real) if imaginary == 0 else f"{real!r}{imaginary:+.17g}im"


def braket_distribution(circuit: QuantumCircuit, tables: KrausTables) -> dict[str, float]:
    """The exact outcome distribution of ``circuit`` under ``tables`` by Braket's local density-matrix simulator."""
    from braket.default_simulator import DensityMatrixSimulator
    from braket.ir.openqasm import Program

    program, order = braket_program(circuit, tables, probabilities=True)
    result = DensityMatrixSimulator().run_openqasm(Program(source=program), shots=0)
    values = np.asarray(result.resultTypes[0].value, dtype=float)
    targets = sorted(order)
    shift = {clbit: len(targets) - 1 - targets.index(qubit) for clbit, qubit in enumerate(order)}
    distribution: dict[str, float] = {}
    for index, probability in enumerate(values):
        bits = {clbit: (index >> shift[clbit]) & 1 for clbit in shift}
        key = outcome_key(bits, circuit.num_clbits)
        distribution[key] = distribution.get(key, 0.0) + float(probability)
    return distribution
