"""Assignment matrices as labelled tables: what the spec specifies, and what calibration circuits estimate.

The *specified* matrices come straight from the spec (``noise_core.spec.readout``). The
*estimated* ones are what a user would measure on the device: run the readout-calibration
circuits (``circuits.readout_calibration``: prepare a basis state with X, measure) through
``simulate`` and count. They differ from the specified ones by the X gates' own noise and by shot noise, so
showing both tells a user how much a readout calibration on hardware can be trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import SimulationError
from noise_core.simulation.simulate import simulate
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import assignment_matrix

MAX_JOINT_MATRIX_QUBITS = 8
"""A joint matrix of n qubits has 4ⁿ entries; 8 qubits is 65 536, already unreadable as a heatmap."""

DEFAULT_JOINT_QUBITS = 3
"""Joint matrices are estimated from 2ⁿ circuits; the first three measured qubits by default."""


@dataclass(frozen=True)
class AssignmentReport:
    """Per-qubit and joint assignment matrices, specified and estimated (index: prepared, columns: recorded)."""

    qubits: tuple[int, ...]
    specified: dict[int, pd.DataFrame]
    estimated: dict[int, pd.DataFrame]
    joint_qubits: tuple[int, ...]
    specified_joint: pd.DataFrame | None
    estimated_joint: pd.DataFrame | None
    shots: int


def assignment_report(
    spec: NoiseSpec,
    qubits: Sequence[int],
    *,
    calibration: BackendCalibration | None = None,
    shots: int = 4000,
    seed: int = 0,
    joint_qubits: int = DEFAULT_JOINT_QUBITS,
) -> AssignmentReport:
    """Specified and estimated matrices of ``qubits`` (physical indices on ``calibration``).

    Per-qubit estimates come from two circuits (all |0⟩, all |1⟩) on all ``qubits`` at once;
    the joint estimate of the first ``joint_qubits`` qubits from one circuit per basis state.
    ``qubits[0]`` is the last character of joint labels.
    """
    qubits = tuple(dict.fromkeys(int(q) for q in qubits))
    if not qubits:
        raise SimulationError("an assignment report needs at least one qubit")
    joint = qubits[: max(0, joint_qubits)]
    estimated_rows = {qubit: np.zeros((2, 2)) for qubit in qubits}
    for prepared in (0, 1):
        frequencies = _recorded_frequencies(spec, qubits, [prepared] * len(qubits), calibration, shots, seed + prepared)
        for position, qubit in enumerate(qubits):
            ones = frequencies[frequencies.index.str[-1 - position] == "1"].sum()
            estimated_rows[qubit][prepared] = [1.0 - ones, ones]
    estimated = {qubit: labelled_matrix(matrix, 1) for qubit, matrix in estimated_rows.items()}
    specified_joint = estimated_joint = None
    if joint:
        specified_joint = joint_assignment_matrix(spec, joint)
        estimated_joint = _estimated_joint(spec, joint, calibration, shots, seed)
    return AssignmentReport(
        qubits=qubits,
        specified=assignment_matrices(spec, qubits),
        estimated=estimated,
        joint_qubits=joint,
        specified_joint=specified_joint,
        estimated_joint=estimated_joint,
        shots=shots,
    )


def _estimated_joint(
    spec: NoiseSpec, qubits: tuple[int, ...], calibration: BackendCalibration | None, shots: int, seed: int
) -> pd.DataFrame:
    size = 2 ** len(qubits)
    matrix = np.zeros((size, size))
    for state in range(size):
        bits = [(state >> position) & 1 for position in range(len(qubits))]
        frequencies = _recorded_frequencies(spec, qubits, bits, calibration, shots, seed + 2 + state)
        for label, frequency in frequencies.items():
            matrix[state, int(label, 2)] = frequency
    return labelled_matrix(matrix, len(qubits))


def _recorded_frequencies(
    spec: NoiseSpec,
    qubits: tuple[int, ...],
    prepared: list[int],
    calibration: BackendCalibration | None,
    shots: int,
    seed: int,
) -> pd.Series:
    """Prepare ``prepared[i]`` on ``qubits[i]`` with X, measure qubit i into clbit i, count."""
    width = max(qubits) + 1
    circuit = QuantumCircuit(width, len(qubits), name="readout_calibration")
    for position, (qubit, bit) in enumerate(zip(qubits, prepared, strict=True)):
        if bit:
            circuit.x(qubit)
        circuit.measure(qubit, position)
    layout = list(range(width)) if calibration is not None else None
    result = simulate(circuit, spec, calibration=calibration, shots=shots, seed=seed, initial_layout=layout)
    measured = tuple(int(result.measured_qubits[clbit]) for clbit in range(len(qubits)))
    if measured != qubits:
        raise SimulationError(f"readout calibration ran on qubits {list(measured)} instead of {list(qubits)}")
    return result.noisy_counts / shots


def assignment_matrices(spec: NoiseSpec, qubits: Sequence[int]) -> dict[int, pd.DataFrame]:
    """Per-qubit 2×2 matrices as labelled frames (index: prepared, columns: recorded)."""
    return {qubit: labelled_matrix(assignment_matrix(spec, qubit), 1) for qubit in qubits}


def joint_assignment_matrix(spec: NoiseSpec, qubits: Sequence[int]) -> pd.DataFrame:
    """The 2ⁿ×2ⁿ matrix of ``qubits`` (``qubits[0]`` is the last character of each label).

    Readout errors of different qubits are independent in the spec, so the joint matrix is the
    Kronecker product A_{q_last} ⊗ … ⊗ A_{q₀} in Qiskit's little-endian order.
    """
    if not 1 <= len(qubits) <= MAX_JOINT_MATRIX_QUBITS:
        raise SimulationError(
            f"a joint assignment matrix needs 1 to {MAX_JOINT_MATRIX_QUBITS} qubits; got {len(qubits)} "
            "(use the per-qubit matrices for more)"
        )
    matrices = [assignment_matrix(spec, qubit) for qubit in qubits]
    return labelled_matrix(reduce(np.kron, reversed(matrices)), len(qubits))


def labelled_matrix(matrix: np.ndarray, num_bits: int) -> pd.DataFrame:
    """A 2ⁿ×2ⁿ matrix with bitstring labels: index ``prepared``, columns ``recorded``."""
    labels = [format(index, f"0{num_bits}b") for index in range(2**num_bits)]
    frame = pd.DataFrame(matrix, index=pd.Index(labels, name="prepared"), columns=labels)
    frame.columns.name = "recorded"
    return frame
