"""Readout assignment matrices a spec implies, and applying them to distributions and shots.

Convention (Aer's ``ReadoutError``, Classiq's ``assignment_probabilities``): row = prepared
state, column = recorded outcome, ``A[i][j] = P(record j | prepared i)``. Readout errors of
different qubits are independent in the spec, so the joint matrix of qubits (q₀, q₁, …) is the
Kronecker product A_{q_last} ⊗ … ⊗ A_{q₀} in Qiskit's little-endian order (q₀ is the last
character of an outcome bitstring).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import numpy as np
import pandas as pd

from noise_core.spec import NoiseSpec

MAX_JOINT_MATRIX_QUBITS = 8
"""A joint matrix of n qubits has 4ⁿ entries; 8 qubits is 65 536, already unreadable as a heatmap."""


def assignment_matrix(spec: NoiseSpec, qubit: int) -> np.ndarray:
    """The 2×2 matrix on ``qubit``: its local entry, else the global matrix or bit flip, else identity."""
    for entry in spec.local_readout_errors:
        if entry.qubit == qubit:
            return np.array(entry.assignment_probabilities, dtype=float)
    if spec.readout_bit_flip_probability is not None:
        flip = spec.readout_bit_flip_probability
        return np.array([[1.0 - flip, flip], [flip, 1.0 - flip]])
    if spec.readout_assignment_probabilities is not None:
        return np.array(spec.readout_assignment_probabilities, dtype=float)
    return np.eye(2)


def assignment_matrices(spec: NoiseSpec, qubits: Sequence[int]) -> dict[int, pd.DataFrame]:
    """Per-qubit 2×2 matrices as labelled frames (index: prepared, columns: recorded)."""
    return {qubit: labelled_matrix(assignment_matrix(spec, qubit), 1) for qubit in qubits}


def joint_assignment_matrix(spec: NoiseSpec, qubits: Sequence[int]) -> pd.DataFrame:
    """The 2ⁿ×2ⁿ matrix of ``qubits`` (``qubits[0]`` is the last character of each label)."""
    if not 1 <= len(qubits) <= MAX_JOINT_MATRIX_QUBITS:
        raise ValueError(
            f"a joint assignment matrix needs 1 to {MAX_JOINT_MATRIX_QUBITS} qubits; got {len(qubits)} "
            "(use the per-qubit matrices for more)"
        )
    matrices = [assignment_matrix(spec, qubit) for qubit in qubits]
    return labelled_matrix(reduce(np.kron, reversed(matrices)), len(qubits))


def apply_assignment(probabilities: np.ndarray, matrices: Sequence[np.ndarray]) -> np.ndarray:
    """Push a distribution over n bits through per-bit assignment matrices (bit 0 = ``matrices[0]``).

    ``probabilities[k]`` is P(bits = k) with bit 0 least significant. Each bit is mixed along
    its own axis (n small 2×2 contractions instead of one 2ⁿ×2ⁿ product).
    """
    num_bits = len(matrices)
    tensor = np.asarray(probabilities, dtype=float).reshape((2,) * num_bits)
    for bit, matrix in enumerate(matrices):
        axis = num_bits - 1 - bit  # C order: the last axis is bit 0
        tensor = np.moveaxis(np.tensordot(tensor, matrix, axes=([axis], [0])), -1, axis)
    return tensor.reshape(-1)


def sample_assignment(bits: np.ndarray, matrices: Sequence[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Each shot's recorded bits: bit k of every shot re-drawn from row ``bits[:, k]`` of ``matrices[k]``.

    ``bits`` is a shots × k array of prepared (pre-readout) bits. This is how readout acts shot
    by shot, so sampled counts keep their multinomial spread.
    """
    recorded = np.empty_like(bits)
    for column, matrix in enumerate(matrices):
        probability_of_one = np.where(bits[:, column] == 1, matrix[1, 1], matrix[0, 1])
        recorded[:, column] = rng.random(len(bits)) < probability_of_one
    return recorded


def labelled_matrix(matrix: np.ndarray, num_bits: int) -> pd.DataFrame:
    """A 2ⁿ×2ⁿ matrix with bitstring labels: index ``prepared``, columns ``recorded``."""
    labels = [format(index, f"0{num_bits}b") for index in range(2**num_bits)]
    frame = pd.DataFrame(matrix, index=pd.Index(labels, name="prepared"), columns=labels)
    frame.columns.name = "recorded"
    return frame
