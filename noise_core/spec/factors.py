"""``NoiseFactors``: how much stronger or weaker each kind of noise is, in one checked value.

What-if scaling (``scale_noise``), the analyses' variants (``Variant``), the error budget's kinds,
sweeps, fits and the app's what-if strip and sliders all read the kinds and their meaning from here.
A factor of 1 leaves that kind as it is, 0 removes it; the rules of each kind are in
``noise_core.spec.scaling``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from noise_core.errors import ScalingError

FactorKind = Literal["gate", "readout", "relaxation", "idle", "coherent", "detuning", "crosstalk", "correlation"]
FACTOR_KINDS: tuple[FactorKind, ...] = get_args(FactorKind)
"""The kinds of noise a factor scales, in the order the app shows them."""
FACTOR_MEANINGS: dict[FactorKind, str] = {
    "gate": "Multiplies every depolarizing λ and non-identity Pauli probability; 0 removes them",
    "readout": "Multiplies P(1|0) and P(0|1) of every qubit (and the global flip probability); 0 removes them",
    "relaxation": "Multiplies the rates 1/T1 and 1/T2 during gates (2 halves T1 and T2); 0 removes that relaxation",
    "idle": "Multiplies the rates 1/T1, 1/T2 and 1/T2* while qubits wait (2 halves them); 0 removes idle relaxation",
    "coherent": "Multiplies every coherent angle ε and phase φ (each stays within ±π); 0 removes coherent errors",
    "detuning": "Multiplies every qubit's detuning δ (signs kept); 0 removes it",
    "crosstalk": "Multiplies every pair's ZZ coupling ξ (signs kept); 0 removes ZZ crosstalk",
    "correlation": "Multiplies each joint readout matrix's departure from the product of its qubits' marginals; 0 "
    "reads them independently",
}
"""What each factor does, in one line: the spec's field descriptions and the app's help read it."""


@dataclass(frozen=True)
class NoiseFactors:
    """A factor per kind of noise (``FACTOR_MEANINGS``): each finite and ≥ 0, 1 = unchanged, 0 = removed.

    Checked when made: a bad factor raises ``ScalingError`` naming its kind.
    """

    gate: float = 1.0
    readout: float = 1.0
    relaxation: float = 1.0
    idle: float = 1.0
    coherent: float = 1.0
    detuning: float = 1.0
    crosstalk: float = 1.0
    correlation: float = 1.0

    def __post_init__(self) -> None:
        for kind in FACTOR_KINDS:
            object.__setattr__(self, kind, checked_factor(kind, getattr(self, kind)))

    @classmethod
    def of(cls, factors: Mapping[Any, object]) -> NoiseFactors:
        """The factors named in ``factors`` (the kinds not named stay 1); an unknown kind is refused."""
        unknown = sorted(set(factors) - set(FACTOR_KINDS))
        if unknown:
            raise ScalingError(f"unknown factor {unknown[0]!r}; the factors are {', '.join(FACTOR_KINDS)}")
        return cls(**{kind: factors[kind] for kind in FACTOR_KINDS if kind in factors})  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, float]:
        """The factors by kind (``scale_noise``'s keywords)."""
        return asdict(self)

    @property
    def is_identity(self) -> bool:
        """Every factor 1: the model as it is."""
        return all(value == 1.0 for value in self.as_dict().values())

    def with_factor(self, kind: str, value: object) -> NoiseFactors:
        """These factors with ``kind``'s set to ``value`` (checked)."""
        return NoiseFactors.of({**self.as_dict(), kind: value})


def checked_factor(kind: str, value: object) -> float:
    """``value`` as a float when it is a finite number ≥ 0; else ``ScalingError`` naming ``kind`` and the rule."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ScalingError(f"{kind} factor {value!r:.40} is not a number") from None
    if isinstance(value, bool) or not math.isfinite(number) or number < 0:
        raise ScalingError(f"{kind} factor must be a finite number ≥ 0 (1 = unchanged, 0 = removed); got {value!r:.40}")
    return number
