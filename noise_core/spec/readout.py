"""The readout a spec gives the measured qubits: per-qubit matrices, the joint ones of correlated groups, and the
one rule for building a matrix from flips.

Convention (``noise_core.spec.matrices``; Aer's ``ReadoutError``, Classiq's ``assignment_probabilities``): row =
prepared state, column = recorded outcome, ``A[i][j] = P(record j | prepared i)``, so
``[[P(0|0), P(1|0)], [P(0|1), P(1|1)]]`` on one qubit. A qubit in a correlated group
(``correlated_readout_errors``) is read through the group's joint matrix, not its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from noise_core.errors import ScalingError
from noise_core.spec.correlated import CorrelatedReadoutNoise
from noise_core.spec.models import LocalReadoutNoise, NoiseSpec


def assignment_from_flips(one_given_zero: float, zero_given_one: float | None = None) -> list[list[float]]:
    """``[[1 − P(1|0), P(1|0)], [P(0|1), 1 − P(0|1)]]``; a symmetric bit flip p when ``zero_given_one`` is None."""
    flip_down = one_given_zero if zero_given_one is None else zero_given_one
    return [[1.0 - one_given_zero, one_given_zero], [flip_down, 1.0 - flip_down]]


def global_assignment(spec: NoiseSpec) -> list[list[float]] | None:
    """The matrix of every qubit without a local entry: the bit flip or the global matrix, else None."""
    if spec.readout_bit_flip_probability is not None:
        return assignment_from_flips(spec.readout_bit_flip_probability)
    return spec.readout_assignment_probabilities


def assignment_matrix(spec: NoiseSpec, qubit: int) -> np.ndarray:
    """The 2×2 matrix on ``qubit``: its group's marginal (``marginal_assignment``), else its local entry, else the
    global matrix or bit flip, else identity."""
    group = readout_group(spec, qubit)
    if group is not None:
        return marginal_assignment(group, [qubit])
    for entry in spec.local_readout_errors:
        if entry.qubit == qubit:
            return np.array(entry.assignment_probabilities, dtype=float)
    matrix = global_assignment(spec)
    return np.eye(2) if matrix is None else np.array(matrix, dtype=float)


def with_qubit_readout(spec: NoiseSpec, qubit: int, one_given_zero: float, zero_given_one: float) -> NoiseSpec:
    """``spec`` with ``qubit``'s own readout entry set from these flips (replaced, or added if it had none);
    ``ScalingError`` for a qubit of a correlated group, whose readout is the group's matrix."""
    group = readout_group(spec, qubit)
    if group is not None:
        raise ScalingError(
            f"qubit {qubit} is read out with the joint matrix of qubits {group.qubits}; change that group's matrix "
            "(or remove the group) to change its readout"
        )
    entry = LocalReadoutNoise(
        qubit=qubit, assignment_probabilities=assignment_from_flips(one_given_zero, zero_given_one)
    )
    others = [existing for existing in spec.local_readout_errors if existing.qubit != qubit]
    return spec.model_copy(update={"local_readout_errors": sorted([*others, entry], key=lambda e: e.qubit)})


def symmetrized_readout(spec: NoiseSpec) -> NoiseSpec:
    """``spec`` with every qubit's readout one symmetric flip p̄ = (P(1|0) + P(0|1)) / 2 of its own matrix
    (``assignment_matrix``: a correlated group's qubits their marginals), as a Pauli-frame sampler such as Stim's
    ``M(p)`` holds readout. The average assignment error is kept; the asymmetry and the correlations go."""
    grouped = [qubit for group in spec.correlated_readout_errors for qubit in group.qubits]
    qubits = sorted({entry.qubit for entry in spec.local_readout_errors} | set(grouped))
    local = [
        LocalReadoutNoise(qubit=qubit, assignment_probabilities=assignment_from_flips(_mean_flip(matrix)))
        for qubit in qubits
        if (matrix := assignment_matrix(spec, qubit)) is not None
    ]
    shared = global_assignment(spec)
    flip = None if shared is None else _mean_flip(np.asarray(shared, dtype=float))
    return spec.model_copy(
        update={
            "local_readout_errors": local,
            "correlated_readout_errors": [],
            "readout_assignment_probabilities": None,
            "readout_bit_flip_probability": flip,
        }
    )


def _mean_flip(matrix: np.ndarray) -> float:
    return float((matrix[0][1] + matrix[1][0]) / 2)


def readout_group(spec: NoiseSpec, qubit: int) -> CorrelatedReadoutNoise | None:
    """The correlated group ``qubit`` is read out with, or None."""
    return next((group for group in spec.correlated_readout_errors if qubit in group.qubits), None)


def marginal_assignment(group: CorrelatedReadoutNoise, qubits: Sequence[int]) -> np.ndarray:
    """The group's matrix on ``qubits`` (some of its own, in that bit order): summed over the other qubits' recorded
    bits and averaged over their prepared states (``noise_core.spec.correlated``)."""
    matrix = np.asarray(group.assignment_probabilities, dtype=float)
    return marginal_of(matrix, [group.qubits.index(qubit) for qubit in qubits])


def marginal_of(matrix: np.ndarray, keep: Sequence[int]) -> np.ndarray:
    """A 2ⁿ×2ⁿ assignment matrix on the bits ``keep`` (``keep[0]`` becomes bit 0): the others' recorded bits summed
    out and their prepared states averaged."""
    size = matrix.shape[0].bit_length() - 1
    joint = matrix.reshape((2,) * (2 * size))  # axes: prepared bits size−1 … 0, then recorded bits size−1 … 0
    kept = [size - 1 - bit for bit in keep]
    others = tuple(axis for axis in range(size) if axis not in kept)
    reduced = joint.sum(axis=tuple(size + axis for axis in others)).mean(axis=others)
    remaining = sorted(kept)
    order = [remaining.index(axis) for axis in reversed(kept)]  # highest kept bit first
    count = len(keep)
    return np.asarray(reduced.transpose([*order, *(count + axis for axis in order)]).reshape(2**count, 2**count))


@dataclass(frozen=True)
class ReadoutBlock:
    """One matrix of the readout of measured bits: ``bits`` (positions among them; bits[0] is the matrix's bit 0)
    and the 2ⁿ×2ⁿ ``matrix`` over them."""

    bits: tuple[int, ...]
    matrix: np.ndarray

    def without(self, bit: int) -> ReadoutBlock:
        """This block with ``bit`` read perfectly and the others as before (their marginal)."""
        if bit not in self.bits:
            return self
        keep = [position for position, other in enumerate(self.bits) if other != bit]
        rest = marginal_of(self.matrix, keep) if keep else np.eye(1)
        return ReadoutBlock((*(self.bits[position] for position in keep), bit), np.kron(np.eye(2), rest))

    def scaled(self, factor: float) -> ReadoutBlock:
        """``scale_noise``'s readout rule on this block: each row's off-diagonal mass × ``factor`` in the same
        proportions (J' = (1 − f)·I + f·J); a row already all errors stays so under a factor > 1."""
        matrix = self.matrix.copy()
        for state, row in enumerate(matrix):
            errors = math.fsum(value for column, value in enumerate(row) if column != state)
            if errors > 0.0 and not (errors >= 1.0 and factor > 1.0):
                row *= factor
                row[state] = 1.0 - factor * errors
        return ReadoutBlock(self.bits, matrix)


def readout_blocks(spec: NoiseSpec, measured: Sequence[int]) -> list[ReadoutBlock]:
    """The readout of qubits ``measured`` (bit i = ``measured[i]``): one block per correlated group with measured
    qubits (its marginal on them when some are not measured), one per other qubit."""
    blocks, done = [], set()
    for bit, qubit in enumerate(measured):
        if bit in done:
            continue
        group = readout_group(spec, qubit)
        if group is None:
            blocks.append(ReadoutBlock((bit,), assignment_matrix(spec, qubit)))
            continue
        members = [position for position, other in enumerate(measured) if other in group.qubits]
        done.update(members)
        blocks.append(ReadoutBlock(tuple(members), marginal_assignment(group, [measured[m] for m in members])))
    return blocks
