"""Building blocks shared by the specification models: the strict base model, value types, rules.

Kept apart from ``models`` so that ``provenance`` can use them without an import cycle.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

SUM_TOLERANCE = 1e-6
"""Largest |Σp − 1| accepted for a distribution; accepted sums are stored exactly normalized."""


def rule_error(rule: str, message: str, *, field: str | None = None) -> PydanticCustomError:
    """A validation error whose type is ``rule``; ``field`` names the offending sub-field.

    Model-level validators report at the model's location; ``field`` lets
    ``noise_core.spec.validation.describe_validation_error`` extend that path to the exact field.
    The message is used as is: pydantic only substitutes ``{field}`` in it.
    """
    return PydanticCustomError(rule, message, {"field": field} if field else None)


def normalize_distribution(probabilities: Sequence[float], *, what: str) -> list[float]:
    """Return ``probabilities`` rescaled so that ``math.fsum`` of them is exactly 1.0.

    Raises if the sum is further than ``SUM_TOLERANCE`` from 1. A distribution that already
    sums to exactly 1 is returned unchanged, so re-validating exported JSON changes nothing.
    After rescaling, the largest entry is moved one ulp at a time until the sum is exact (a
    step is at most 2⁻⁵³, narrower than the window of sums that round to 1), so Aer's
    stricter completeness checks pass on export.
    """
    total = math.fsum(probabilities)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise rule_error(
            "probabilities_sum",
            f"{what} must sum to 1 (within {SUM_TOLERANCE:g}); got sum {total!r} from {list(probabilities)!r}",
        )
    if total == 1.0:
        return list(probabilities)
    scaled = [p / total for p in probabilities]
    largest = max(range(len(scaled)), key=scaled.__getitem__)
    for _ in range(_MAX_ULP_STEPS):
        gap = 1.0 - math.fsum(scaled)
        if gap == 0.0:
            break
        scaled[largest] = math.nextafter(scaled[largest], math.inf if gap > 0 else -math.inf)
    return scaled


_MAX_ULP_STEPS = 64
"""Rescaling leaves the sum a few ulps from 1; this bounds the nudging loop far above that."""


class SpecModel(BaseModel):
    """Frozen base: unknown keys rejected by name, NaN and ±inf rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Probability = Annotated[float, Field(strict=True, ge=0.0, le=1.0)]
MAX_DEVICE_QUBITS = 10_000
"""Qubit numbers run below this (the largest devices have 156): a number typed or imported past it is refused
before it reaches Aer, whose channels take C++ integers."""
QubitIndex = Annotated[int, Field(strict=True, ge=0, lt=MAX_DEVICE_QUBITS, description="Simulator qubit index.")]
GateName = Annotated[
    str,
    Field(
        strict=True,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Instruction name as Qiskit/Aer spell it, e.g. 'sx', 'cx', 'ecr'.",
    ),
]
MAX_GATE_QUBITS = 5
"""Qubits a gate of a spec may act on: Qiskit's standard gates act on at most 5 (``C4XGate``), and Aer builds a
depolarizing channel on n qubits from its 4ⁿ Paulis (1,024 at 5), so a larger n is refused, not built."""
NumQubits = Annotated[
    int, Field(strict=True, ge=1, le=MAX_GATE_QUBITS, description="Number of qubits the gate acts on.")
]
