"""Readout confusion applied by hand: to an exact distribution, and to sampled shots.

Matrices follow ``noise_core.spec.readout``: row = prepared state, column = recorded outcome.
Readout errors of different qubits are independent in the spec, so each bit is mixed by its
own 2×2 matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from noise_core.errors import SimulationError


def apply_assignment(probabilities: np.ndarray, matrices: Sequence[np.ndarray]) -> np.ndarray:
    """Push a distribution over n bits through per-bit assignment matrices (bit 0 = ``matrices[0]``).

    ``probabilities[k]`` is P(bits = k) with bit 0 least significant. Each bit is mixed along its
    own axis, viewing the vector as (higher bits, this bit, lower bits): n small 2×2 mixes instead of
    one 2ⁿ×2ⁿ product.
    """
    mixed = np.array(probabilities, dtype=float)
    if mixed.shape != (2 ** len(matrices),):
        count = len(matrices)
        raise SimulationError(f"{count} assignment matrices need 2^{count} probabilities; got {mixed.shape}")
    for bit, matrix in enumerate(matrices):
        view = mixed.reshape(-1, 2, 2**bit)
        zero, one = view[:, 0, :].copy(), view[:, 1, :].copy()
        view[:, 0, :] = zero * matrix[0, 0] + one * matrix[1, 0]
        view[:, 1, :] = zero * matrix[0, 1] + one * matrix[1, 1]
    return mixed


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
