"""A fast superoperator of an Aer ``QuantumError``, for comparing thousands of channels.

``qiskit.quantum_info.SuperOp(error)`` takes ~20 ms for one of ``from_backend``'s 2-qubit
errors; this builds the same matrix in NumPy from each circuit's Kraus operators (Qiskit's
column-stacking convention, S = Σ conj(K) ⊗ K; ``test_superoperator_matches_qiskit`` checks it).
"""

from __future__ import annotations

import numpy as np
from qiskit.quantum_info import Operator
from qiskit_aer.noise import QuantumError

_RESET_KRAUS = (np.array([[1, 0], [0, 0]], complex), np.array([[0, 1], [0, 0]], complex))


def superoperator(error: QuantumError | None, num_qubits: int) -> np.ndarray:
    """The channel's superoperator; ``None`` (no error) is the identity."""
    dimension = 2**num_qubits
    if error is None:
        return np.eye(dimension**2, dtype=complex)
    total = np.zeros((dimension**2, dimension**2), dtype=complex)
    embedded: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}  # instructions shared between circuits
    for circuit, probability in zip(error.circuits, error.probabilities, strict=True):
        channel = np.eye(dimension**2, dtype=complex)
        for instruction in circuit.data:
            positions = tuple(circuit.find_bit(qubit).index for qubit in instruction.qubits)
            key = (id(instruction.operation), positions)
            if key not in embedded:
                embedded[key] = _embedded_superoperator(_kraus_of(instruction.operation), positions, num_qubits)
            channel = embedded[key] @ channel
        total += probability * channel
    return total


def _embedded_superoperator(kraus: tuple[np.ndarray, ...], positions: tuple[int, ...], num_qubits: int) -> np.ndarray:
    key = (positions, num_qubits, tuple(k.tobytes() for k in kraus))
    if key not in _SUPEROPERATORS:
        operators = [_embed(k, positions, num_qubits) for k in kraus]
        _SUPEROPERATORS[key] = sum(_kron(k.conj(), k) for k in operators)
    return _SUPEROPERATORS[key]


_SUPEROPERATORS: dict[tuple, np.ndarray] = {}
"""Embedded superoperators by content: Aer's errors repeat the same Paulis and resets."""


def _kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.kron`` for matrices, without its generic-shape overhead."""
    return (a[:, None, :, None] * b[None, :, None, :]).reshape(a.shape[0] * b.shape[0], a.shape[1] * b.shape[1])


def _kraus_of(operation) -> tuple[np.ndarray, ...]:
    if operation.name == "kraus":
        return tuple(np.asarray(k, dtype=complex) for k in operation.params)
    if operation.name == "reset":
        return _RESET_KRAUS
    key = (operation.name, tuple(str(p) for p in operation.params))
    if key not in _UNITARIES:
        _UNITARIES[key] = Operator(operation).data
    return (_UNITARIES[key],)


_UNITARIES: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
"""Gate matrices by (name, params): Pauli and standard gates repeat across thousands of errors."""


def _embed(operator: np.ndarray, positions: tuple[int, ...], num_qubits: int) -> np.ndarray:
    """``operator`` acting on qubits ``positions`` (its qubit i on positions[i]) of ``num_qubits``.

    Qiskit is little-endian: qubit 0 is the last tensor factor. The operator is padded with
    identities and its tensor axes permuted into place.
    """
    others = [q for q in range(num_qubits) if q not in positions]
    full = _kron(np.eye(2 ** len(others)), operator)  # factors: others (high) ⊗ positions (low)
    order = list(positions) + others  # tensor qubit j of `full` sits on physical qubit order[j]
    axes_out = [num_qubits - 1 - order.index(q) for q in reversed(range(num_qubits))]
    tensor = full.reshape([2] * (2 * num_qubits))
    permutation = axes_out + [num_qubits + a for a in axes_out]
    return tensor.transpose(permutation).reshape(2**num_qubits, 2**num_qubits)
