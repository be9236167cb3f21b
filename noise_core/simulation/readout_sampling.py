"""Readout confusion applied by hand: to an exact distribution, and to sampled shots.

Matrices follow ``noise_core.spec.readout``: row = prepared state, column = recorded outcome. The readout of the
measured bits is a list of ``ReadoutBlock``: a qubit's own 2×2 matrix, or the joint matrix of the measured qubits
of a correlated group; different blocks err independently.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from noise_core.errors import SimulationError
from noise_core.spec.readout import ReadoutBlock


def apply_readout(probabilities: np.ndarray, blocks: Sequence[ReadoutBlock]) -> np.ndarray:
    """Push a distribution over n bits (index Σ bᵢ·2ⁱ) through each block's matrix on its bits.

    The vector is viewed as a tensor with one axis per bit; a block's axes are moved last, in the order that makes
    their flat index its matrix's state index, multiplied by the matrix and moved back: a few small products
    instead of one 2ⁿ×2ⁿ one.
    """
    mixed = np.array(probabilities, dtype=float)
    count = sum(len(block.bits) for block in blocks)
    if mixed.shape != (2**count,):
        raise SimulationError(f"readout of {count} bits needs 2^{count} probabilities; got {mixed.shape}")
    tensor = mixed.reshape((2,) * count)
    for block in blocks:
        axes = [count - 1 - bit for bit in reversed(block.bits)]  # axis 0 is the highest bit
        moved = np.moveaxis(tensor, axes, range(count - len(axes), count))
        shape = moved.shape
        moved = (moved.reshape(-1, block.matrix.shape[0]) @ block.matrix).reshape(shape)
        tensor = np.moveaxis(moved, range(count - len(axes), count), axes)
    return np.asarray(tensor.reshape(-1))


def sample_readout(bits: np.ndarray, blocks: Sequence[ReadoutBlock], rng: np.random.Generator) -> np.ndarray:
    """Each shot's recorded bits: each block's bits re-drawn from the row of its matrix their prepared values pick.

    ``bits`` is a shots × k array of prepared (pre-readout) bits. This is how readout acts shot by shot, so
    sampled counts keep their multinomial spread. One uniform draw per shot and block.
    """
    recorded = np.empty_like(bits)
    for block in blocks:
        prepared = sum(bits[:, bit].astype(np.int64) << position for position, bit in enumerate(block.bits))
        draws = rng.random(len(bits))
        if len(block.bits) == 1:
            outcome = (draws < block.matrix[prepared, 1]).astype(np.int64)
        else:
            cumulative = np.cumsum(block.matrix, axis=1)[prepared]
            outcome = np.minimum((draws[:, None] >= cumulative).sum(axis=1), block.matrix.shape[1] - 1)
        for position, bit in enumerate(block.bits):
            recorded[:, bit] = (outcome >> position) & 1
    return recorded
