"""Assignment matrices as the spec holds them: square, 2ⁿ × 2ⁿ, each row a distribution over recorded outcomes.

Convention (Aer's ``ReadoutError``, Classiq's ``assignment_probabilities``): row = prepared state, column =
recorded outcome, ``A[i][j] = P(record j | prepared i)``; on n qubits, state index Σₖ bₖ·2ᵏ with bₖ the bit of
the k-th listed qubit (Qiskit's order: the first qubit is the last character of a label).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from noise_core.spec.base import Probability, normalize_distribution, rule_error


def checked_assignment_matrix(matrix: list[list[float]], num_qubits: int) -> list[list[float]]:
    """2ⁿ × 2ⁿ for ``num_qubits`` = n, non-negative (checked per entry), each row a distribution over outcomes."""
    size = 2**num_qubits
    if len(matrix) != size or any(len(row) != size for row in matrix):
        shape = "[[P(0|0), P(1|0)], [P(0|1), P(1|1)]]" if num_qubits == 1 else f"with rows prepared 0…{size - 1}"
        raise rule_error(
            "assignment_matrix_shape",
            f"assignment matrix must be {size}-by-{size} {shape}; got {matrix!r:.300}",
        )
    label = f"0{num_qubits}b"
    return [
        normalize_distribution(row, what=f"assignment matrix row {state} (prepared |{state:{label}}>)")
        for state, row in enumerate(matrix)
    ]


AssignmentMatrix = Annotated[
    list[list[Probability]],
    AfterValidator(lambda matrix: checked_assignment_matrix(matrix, 1)),
    Field(description="Row = prepared state, column = recorded outcome; rows sum to 1."),
]
"""One qubit's 2×2 matrix [[P(0|0), P(1|0)], [P(0|1), P(1|1)]]."""
