"""Assignment matrices as labelled tables: what the spec specifies, and what calibration circuits estimate.

The *specified* matrices come straight from the spec (``noise_core.spec.readout``). The
*estimated* ones are what a user would measure on the device with readout-calibration circuits
(prepare a basis state with X, measure): they differ from the specified ones by the X gates'
own noise and by shot noise, so showing both tells a user how much a readout calibration on
hardware can be trusted.

They are computed exactly, then sampled: two density-matrix runs (all qubits prepared in |0⟩,
all in |1⟩) give each qubit's exact P(recorded | prepared), X-gate errors included. Every
channel in the spec acts on one qubit at a time and the circuits have no two-qubit gates, so
without correlated readout the joint distribution of any prepared basis state is the product of
these marginals; each row of an estimate is then a multinomial sample of ``shots`` from its exact
row. This has the distribution of running each calibration circuit with ``shots`` shots, at the
cost of two runs instead of 2 + 2ⁿ. When a correlated group (``correlated_readout_errors``) touches
the joint qubits, their readouts are not independent and the joint's rows come from one exact run
per prepared basis state (2ⁿ runs of n ≤ 3 qubits by default).

``marginal_product_joint`` is the product of the specified per-qubit marginals: its difference from
the specified joint is what correlated readout adds.
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
from noise_core.simulation.readout_sampling import apply_readout
from noise_core.simulation.simulate import simulate
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import assignment_matrix, readout_blocks, readout_group

MAX_JOINT_MATRIX_QUBITS = 8
"""A joint matrix of n qubits has 4ⁿ entries; 8 qubits is 65 536, already unreadable as a heatmap."""

EXACT_GROUP_QUBITS = 8
"""Qubits per exact run: an 8-qubit density matrix is 1 MiB, far inside the exact budget."""

DEFAULT_JOINT_QUBITS = 3
"""The joint matrix covers the first three measured qubits by default."""


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
    marginal_product_joint: pd.DataFrame | None = None
    """The Kronecker product of the joint qubits' specified marginals (equal to ``specified_joint`` without
    correlated readout)."""

    @property
    def correlated(self) -> bool:
        """True when the specified joint differs from the product of its marginals (correlated readout)."""
        if self.specified_joint is None or self.marginal_product_joint is None:
            return False
        return not np.allclose(self.specified_joint.to_numpy(), self.marginal_product_joint.to_numpy(), atol=1e-12)


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

    ``shots`` per calibration circuit; ``seed`` fixes the sampling. The joint matrices cover the
    first ``joint_qubits`` qubits; ``qubits[0]`` is the last character of joint labels.
    """
    qubits = tuple(dict.fromkeys(int(q) for q in qubits))
    if not qubits:
        raise SimulationError("an assignment report needs at least one qubit")
    joint = qubits[: max(0, joint_qubits)]
    exact = exact_recorded_marginals(spec, qubits, calibration, seed)
    rng = np.random.default_rng(seed)
    estimated = {qubit: labelled_matrix(_sampled_rows(exact[qubit], shots, rng), 1) for qubit in qubits}
    specified_joint = estimated_joint = product_joint = None
    if joint:
        specified_joint = joint_assignment_matrix(spec, joint)
        product_joint = labelled_matrix(
            reduce(np.kron, [assignment_matrix(spec, q) for q in reversed(joint)]), len(joint)
        )
        if any(readout_group(spec, qubit) is not None for qubit in joint):
            exact_joint = _exact_joint(spec, joint, calibration, seed)
        else:
            exact_joint = reduce(np.kron, [exact[qubit] for qubit in reversed(joint)])
        estimated_joint = labelled_matrix(_sampled_rows(exact_joint, shots, rng), len(joint))
    return AssignmentReport(
        qubits=qubits,
        specified=assignment_matrices(spec, qubits),
        estimated=estimated,
        joint_qubits=joint,
        specified_joint=specified_joint,
        estimated_joint=estimated_joint,
        shots=shots,
        marginal_product_joint=product_joint,
    )


def _sampled_rows(matrix: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """Each row replaced by the frequencies of ``shots`` multinomial draws from it."""
    rows = np.clip(matrix, 0.0, None)
    rows = rows / rows.sum(axis=1, keepdims=True)
    return np.array([rng.multinomial(shots, row) for row in rows]) / shots


def exact_recorded_marginals(
    spec: NoiseSpec, qubits: tuple[int, ...], calibration: BackendCalibration | None, seed: int
) -> dict[int, np.ndarray]:
    """Each qubit's exact 2×2 P(recorded | prepared with X or not), from two density-matrix runs per
    group of ``EXACT_GROUP_QUBITS`` (the qubits are independent, so groups change nothing)."""
    marginals = {qubit: np.zeros((2, 2)) for qubit in qubits}
    for start in range(0, len(qubits), EXACT_GROUP_QUBITS):
        group = qubits[start : start + EXACT_GROUP_QUBITS]
        for prepared in (0, 1):
            probabilities = _recorded_probabilities(spec, group, prepared * (2 ** len(group) - 1), calibration, seed)
            for position, qubit in enumerate(group):
                ones = float(probabilities[probabilities.index.str[-1 - position] == "1"].sum())
                marginals[qubit][prepared] = [1.0 - ones, ones]
    return marginals


def _exact_joint(
    spec: NoiseSpec, qubits: tuple[int, ...], calibration: BackendCalibration | None, seed: int
) -> np.ndarray:
    """The exact 2ⁿ×2ⁿ P(recorded | prepared) of ``qubits``, one density-matrix run per prepared basis state."""
    labels = [format(state, f"0{len(qubits)}b") for state in range(2 ** len(qubits))]
    return np.array(
        [
            _recorded_probabilities(spec, qubits, state, calibration, seed).reindex(labels, fill_value=0.0).to_numpy()
            for state in range(2 ** len(qubits))
        ]
    )


def _recorded_probabilities(
    spec: NoiseSpec, qubits: tuple[int, ...], prepared: int, calibration: BackendCalibration | None, seed: int
) -> pd.Series:
    """Exact distribution of preparing the basis state ``prepared`` (bit i: X on ``qubits[i]``) and measuring qubit i
    into clbit i.

    On a device the circuit has one qubit per requested qubit, laid out on them; without one,
    circuit qubit q is spec qubit q, so the circuit spans 0..max(qubits).
    """
    width = len(qubits) if calibration is not None else max(qubits) + 1
    circuit = QuantumCircuit(width, len(qubits), name="readout_calibration")
    for position, qubit in enumerate(qubits):
        wire = position if calibration is not None else qubit
        if (prepared >> position) & 1:
            circuit.x(wire)
        circuit.measure(wire, position)
    layout = list(qubits) if calibration is not None else None
    result = simulate(
        circuit, spec, calibration=calibration, shots=1, seed=seed, initial_layout=layout, method="density_matrix"
    )
    measured = tuple(int(result.measured_qubits[clbit]) for clbit in range(len(qubits)))
    if measured != qubits:
        raise SimulationError(f"readout calibration ran on qubits {list(measured)} instead of {list(qubits)}")
    if result.noisy_probabilities is None:
        raise SimulationError("the readout calibration needs exact probabilities; the density matrix did not run")
    return result.noisy_probabilities


def assignment_matrices(spec: NoiseSpec, qubits: Sequence[int]) -> dict[int, pd.DataFrame]:
    """Per-qubit 2×2 matrices as labelled frames (index: prepared, columns: recorded)."""
    return {qubit: labelled_matrix(assignment_matrix(spec, qubit), 1) for qubit in qubits}


def joint_assignment_matrix(spec: NoiseSpec, qubits: Sequence[int]) -> pd.DataFrame:
    """The 2ⁿ×2ⁿ matrix of ``qubits`` (``qubits[0]`` is the last character of each label).

    The spec's readout of these qubits (``spec.readout.readout_blocks``: per qubit, or the joint matrix of a
    correlated group, its marginal when the group is not all listed) applied to each prepared basis state. Without
    correlated readout it is the Kronecker product A_{q_last} ⊗ … ⊗ A_{q₀} in Qiskit's little-endian order.
    """
    if not 1 <= len(qubits) <= MAX_JOINT_MATRIX_QUBITS:
        raise SimulationError(
            f"a joint assignment matrix needs 1 to {MAX_JOINT_MATRIX_QUBITS} qubits; got {len(qubits)} "
            "(use the per-qubit matrices for more)"
        )
    blocks = readout_blocks(spec, list(qubits))
    rows = [apply_readout(np.eye(2 ** len(qubits))[state], blocks) for state in range(2 ** len(qubits))]
    return labelled_matrix(np.array(rows), len(qubits))


def labelled_matrix(matrix: np.ndarray, num_bits: int) -> pd.DataFrame:
    """A 2ⁿ×2ⁿ matrix with bitstring labels: index ``prepared``, columns ``recorded``."""
    labels = [format(index, f"0{num_bits}b") for index in range(2**num_bits)]
    frame = pd.DataFrame(matrix, index=pd.Index(labels, name="prepared"), columns=labels)
    frame.columns.name = "recorded"
    return frame
