"""The readout assignment matrix a spec gives each qubit, and the one rule for building one from flips.

Convention (Aer's ``ReadoutError``, Classiq's ``assignment_probabilities``): row = prepared
state, column = recorded outcome, ``A[i][j] = P(record j | prepared i)``, so
``[[P(0|0), P(1|0)], [P(0|1), P(1|1)]]``.
"""

from __future__ import annotations

import numpy as np

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
    """The 2×2 matrix on ``qubit``: its local entry, else the global matrix or bit flip, else identity."""
    for entry in spec.local_readout_errors:
        if entry.qubit == qubit:
            return np.array(entry.assignment_probabilities, dtype=float)
    matrix = global_assignment(spec)
    return np.eye(2) if matrix is None else np.array(matrix, dtype=float)


def with_qubit_readout(spec: NoiseSpec, qubit: int, one_given_zero: float, zero_given_one: float) -> NoiseSpec:
    """``spec`` with ``qubit``'s own readout entry set from these flips (replaced, or added if it had none)."""
    entry = LocalReadoutNoise(
        qubit=qubit, assignment_probabilities=assignment_from_flips(one_given_zero, zero_given_one)
    )
    others = [existing for existing in spec.local_readout_errors if existing.qubit != qubit]
    return spec.model_copy(update={"local_readout_errors": sorted([*others, entry], key=lambda e: e.qubit)})
