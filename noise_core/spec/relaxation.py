"""Relaxation models of the spec: T1/T2 over a gate's duration, over a qubit's idle periods, and the free
evolution of a waiting qubit (detuning and Ramsey dephasing T2*).

T2 ≤ 2·T1 for both (``check_t2_limit``); infinity is spelled ``null`` (None), since JSON has no ∞.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, model_validator

from noise_core.spec.base import Probability, QubitIndex, SpecModel, rule_error


class ThermalRelaxationParameters(SpecModel):
    """T1/T2 relaxation of one qubit over a gate of duration ``time`` (all in one time unit).

    ``t1=None`` means T1 = ∞ (no amplitude damping: a calibration that does not report T1);
    ``t2=None`` means T2 = ∞ and needs ``t1=None`` too, since T2 ≤ 2·T1. Both ``None`` is the
    identity. JSON cannot hold ∞, so infinity is spelled ``null`` rather than a large number.
    """

    t1: float | None = Field(
        strict=True, gt=0.0, description="Amplitude-damping time T1 (> 0); null = infinite (no amplitude damping)."
    )
    t2: float | None = Field(
        strict=True, gt=0.0, description="Dephasing time T2 (> 0, ≤ 2·T1); null = infinite (only with t1 null)."
    )
    time: float = Field(strict=True, ge=0.0, description="Gate duration, same unit as t1 and t2.")
    excited_state_population: Probability = Field(
        default=0.0, description="Equilibrium |1> population (0 = zero temperature)."
    )

    @model_validator(mode="after")
    def _check_t2_limit(self) -> ThermalRelaxationParameters:
        check_t2_limit(self.t1, self.t2)
        return self


def check_t2_limit(t1: float | None, t2: float | None) -> None:
    """T2 ≤ 2·T1 (∞ spelled None): a coherence T2 above it is no physical channel."""
    if t1 is not None and (t2 is None or t2 > 2.0 * t1):
        raise rule_error(
            "t2_limit",
            f"t2 must be at most 2*t1 = {2.0 * t1!r}; got t2={_infinite_if_none(t2)} with t1={t1!r}",
            field="t2",
        )


def _infinite_if_none(value: float | None) -> str:
    return "null (infinite)" if value is None else repr(value)


class IdleRelaxationNoise(SpecModel):
    """Local extension: thermal relaxation of ``qubit`` while it waits (idle periods of the schedule, delays).

    Times in **nanoseconds**, the unit the schedule's durations are converted to (unlike gate
    relaxation, whose times only enter as ratios). An idle period of d ns applies Aer's
    ``thermal_relaxation_error(t1, t2, d, excited_state_population)``, as the ``RelaxationNoisePass``
    that ``from_backend`` puts on delays does. ``null`` is infinite; both null is the identity.
    """

    qubit: QubitIndex
    t1: float | None = Field(strict=True, gt=0.0, description="T1 in ns (> 0); null = infinite.")
    t2: float | None = Field(
        strict=True, gt=0.0, description="T2 in ns (> 0, ≤ 2·T1); null = infinite (only with t1 null)."
    )
    excited_state_population: Probability = Field(
        default=0.0, description="Equilibrium |1> population (0 = zero temperature)."
    )

    @model_validator(mode="after")
    def _check_t2_limit(self) -> IdleRelaxationNoise:
        check_t2_limit(self.t1, self.t2)
        return self


MAX_DETUNING_KHZ = 100_000.0
"""Largest |δ| accepted (100 MHz): frame errors of calibrated transmons are kHz to a few MHz."""


class IdleDetuningNoise(SpecModel):
    """Local extension: how ``qubit`` evolves freely while it waits: a frequency offset and Ramsey dephasing.

    - ``detuning`` δ in **kHz** (either sign): the qubit's frame is off by δ, so a wait of t ns turns it by
      RZ(2π·δ·t) = exp(−iπ·δ·t·Z) (δ·t in kHz·ns = 10⁻⁶ cycles). A Ramsey fringe (H, wait t, H) then gives
      P(1) = sin²(π·δ·t): it oscillates at δ.
    - ``t2_star`` in **ns**: the dephasing time of free evolution (Ramsey, no echo). IBM reports the echo T2;
      while ``t2_star`` is null a wait dephases with the idle entry's T2 (the echo value, which is longer, so
      the model is the milder one). When set, it replaces that T2 during waits (T1 stays the idle entry's,
      ∞ without one) and must be at most 2·T1.

    Waits are the delays of the ALAP schedule (``idle_noise``): without scheduling a circuit has none.
    """

    qubit: QubitIndex
    detuning: float = Field(
        default=0.0,
        strict=True,
        ge=-MAX_DETUNING_KHZ,
        le=MAX_DETUNING_KHZ,
        description="Frequency offset δ in kHz (either sign): a wait of t turns the qubit by RZ(2π·δ·t).",
    )
    t2_star: float | None = Field(
        default=None,
        strict=True,
        gt=0.0,
        description="Ramsey dephasing time T2* in ns (≤ 2·T1) for waits; null = the idle entry's (echo) T2.",
    )


def check_t2_star_limits(idle: Iterable[IdleRelaxationNoise], detunings: Iterable[IdleDetuningNoise]) -> None:
    """Each T2* at most 2·T1 of its qubit's idle entry (T1 = ∞ without one)."""
    t1_of = {entry.qubit: entry.t1 for entry in idle}
    for index, entry in enumerate(detunings):
        t1 = t1_of.get(entry.qubit)
        if entry.t2_star is not None and t1 is not None and entry.t2_star > 2.0 * t1:
            raise rule_error(
                "t2_star_limit",
                f"t2_star of qubit {entry.qubit} must be at most 2·T1 of its idle entry ({2.0 * t1!r} ns); "
                f"got {entry.t2_star!r}",
                field=f"idle_detuning_errors[{index}].t2_star",
            )
