"""Coherent errors: a small unitary right after a gate, the over-rotation calibration leaves behind.

A gate's rotation axis fixes the error's form (``COHERENT_AXES``), with Qiskit's rotation conventions
(``qiskit.circuit.library``: RX(θ) = exp(−iθX/2), RZ(θ) = exp(−iθZ/2), RZZ(θ) = exp(−iθ Z⊗Z/2)):

- one-qubit gates about x (x, sx, sxdg, rx): RX(ε); about y (y, ry): RY(ε); about z (z, s, sdg, t, tdg,
  rz, p, u1): RZ(ε). N X gates with ε each are RX(N(π + ε)) up to a global phase, so
  P(1) = sin²(N(π + ε)/2);
- two-qubit entangling gates (cz, cx, ecr, rzz, cp): a conditional phase RZZ(ε) then local phases
  RZ(φ₀) ⊗ RZ(φ₁), φᵢ on the gate's i-th qubit (RZZ(ε)'s conditional phase is −2ε: a CZ with it applies π − 2ε).

Angles are in rad with |ε|, |φᵢ| ≤ π. On one gate occurrence the error acts first, then the
depolarizing, Pauli and relaxation channels (``noise_core.spec.models``): the ideal gate followed by its
coherent error is the gate the device actually applies.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from noise_core.spec.base import MAX_GATE_QUBITS, GateName, QubitIndex, SpecModel, rule_error

CoherentAxis = Literal["x", "y", "z", "zz"]
COHERENT_AXES: dict[str, CoherentAxis] = {
    **dict.fromkeys(("x", "sx", "sxdg", "rx"), "x"),
    **dict.fromkeys(("y", "ry"), "y"),
    **dict.fromkeys(("z", "s", "sdg", "t", "tdg", "rz", "p", "u1"), "z"),
    **dict.fromkeys(("cz", "cx", "ecr", "rzz", "cp"), "zz"),
}
"""The gates a coherent error may sit on, by the axis of the error: RX, RY, RZ, or RZZ with local RZ phases."""

Angle = Annotated[float, Field(strict=True, ge=-math.pi, le=math.pi, description="An angle in rad, |angle| ≤ π.")]


def coherent_axis(gate: str) -> CoherentAxis | None:
    """The axis of ``gate``'s coherent error (``COHERENT_AXES``), or None for a gate without one."""
    return COHERENT_AXES.get(gate)


class CoherentErrorOnGate(SpecModel):
    """Local extension: a coherent error after every occurrence of ``gate`` (module docstring)."""

    gate: GateName
    angle: Angle = Field(description="Over-rotation ε in rad (|ε| ≤ π): RX, RY or RZ(ε), or RZZ(ε) on 2 qubits.")
    phases: list[Angle] | None = Field(
        default=None,
        description="Two-qubit gates only: local phases [φ₀, φ₁] in rad, RZ(φᵢ) on the gate's i-th qubit.",
    )

    @model_validator(mode="after")
    def _check_gate_and_phases(self) -> CoherentErrorOnGate:
        axis = coherent_axis(self.gate)
        if axis is None:
            raise rule_error(
                "coherent_gate",
                f"gate {self.gate!r} has no rotation axis for a coherent error; use one of "
                f"{', '.join(sorted(COHERENT_AXES))}",
                field="gate",
            )
        if self.phases is not None and len(self.phases) != self.num_qubits:
            what = "two-qubit gates take [φ0, φ1]" if axis == "zz" else "only two-qubit gates take phases"
            raise rule_error(
                "coherent_phases",
                f"phases on {self.gate!r}: {what}; got {self.phases!r}",
                field="phases",
            )
        return self

    @property
    def num_qubits(self) -> int:
        """Qubits the gate acts on: 2 for the RZZ gates, else 1."""
        return 2 if coherent_axis(self.gate) == "zz" else 1

    @property
    def is_identity(self) -> bool:
        """No rotation at all: ε = 0 and every φ = 0."""
        return self.angle == 0.0 and not any(self.phases or ())


class LocalCoherentErrorOnGate(CoherentErrorOnGate):
    """Local extension: a coherent error only when ``gate`` acts on exactly ``qubits`` (ordered)."""

    qubits: list[QubitIndex] = Field(
        min_length=1, max_length=MAX_GATE_QUBITS, description="Ordered qubit tuple; phases follow this order."
    )

    @model_validator(mode="after")
    def _check_qubits(self) -> LocalCoherentErrorOnGate:
        if len(self.qubits) != self.num_qubits:
            raise rule_error(
                "qubits_length",
                f"gate {self.gate!r} acts on {self.num_qubits} qubit(s); got qubits={self.qubits!r}",
                field="qubits",
            )
        if len(set(self.qubits)) != len(self.qubits):
            raise rule_error("repeated_qubit", f"qubits must be distinct; got {self.qubits!r}", field="qubits")
        return self
