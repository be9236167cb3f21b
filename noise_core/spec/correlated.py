"""Correlated readout: one joint assignment matrix for a group of 2–3 qubits read out together.

IBM's per-qubit matrices assume each qubit's readout errs on its own; on real devices neighbouring readouts
disturb each other (a shared feedline, measurement-induced transitions), so P(record 11 | prepared 00) can be far
from P(1|0)·P(1|0). A group's matrix (Qiskit Experiments' ``CorrelatedReadoutError`` measures one) replaces the
per-qubit matrices of its qubits. Convention (``noise_core.spec.matrices``): row = prepared state, column =
recorded, state index Σₖ bₖ·2ᵏ with bₖ the bit of ``qubits[k]`` (``qubits[0]`` is a label's last character).

When a circuit measures only some qubits of a group, those get the group's matrix summed over the others'
recorded bits and averaged over their prepared states (``spec.readout.marginal_assignment``): the others are not
read, so what they would have recorded is summed out, and what they hold is not known to the readout model.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, ValidationInfo, field_validator

from noise_core.spec.base import Probability, QubitIndex, SpecModel, rule_error
from noise_core.spec.matrices import checked_assignment_matrix

MAX_GROUP_QUBITS = 3
"""Largest group: 3 qubits are an 8×8 matrix of 64 entries, what a calibration of 8 circuits estimates well."""


class CorrelatedReadoutNoise(SpecModel):
    """Local extension: a joint assignment matrix on 2–3 qubits, replacing their per-qubit ones (module docstring)."""

    qubits: list[QubitIndex] = Field(
        min_length=2, max_length=MAX_GROUP_QUBITS, description="The group's qubits; qubits[0] is bit 0 of a state."
    )
    assignment_probabilities: list[list[Probability]] = Field(
        description="2ⁿ×2ⁿ: row = prepared state, column = recorded, state index Σ bₖ·2ᵏ over qubits[k]; rows sum to 1."
    )

    @field_validator("qubits")
    @classmethod
    def _check_distinct(cls, qubits: list[int]) -> list[int]:
        if len(set(qubits)) != len(qubits):
            raise rule_error("distinct_qubits", f"qubits must be distinct; got {qubits!r}")
        return qubits

    @field_validator("assignment_probabilities")
    @classmethod
    def _check_matrix(cls, matrix: list[list[float]], info: ValidationInfo) -> list[list[float]]:
        qubits = info.data.get("qubits")
        return matrix if qubits is None else checked_assignment_matrix(matrix, len(qubits))


def check_disjoint_groups(groups: Iterable[CorrelatedReadoutNoise]) -> None:
    """Each qubit in one group at most: two joint matrices cannot both describe its readout."""
    first: dict[int, int] = {}
    for index, group in enumerate(groups):
        for qubit in group.qubits:
            if qubit in first:
                raise rule_error(
                    "readout_group_overlap",
                    f"qubit {qubit} is already in correlated_readout_errors[{first[qubit]}]; a qubit belongs to one "
                    "group",
                    field=f"correlated_readout_errors[{index}].qubits",
                )
            first[qubit] = index
