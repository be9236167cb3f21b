"""Static ZZ crosstalk: two coupled qubits pick up a conditional phase as time passes.

Convention (stated because the literature uses two): with ħ = 1 the pair's Hamiltonian is

    H = 2π·ξ·|11⟩⟨11|,

so a time t multiplies |11⟩ by exp(−i·2π·ξ·t) and leaves |00⟩, |01⟩, |10⟩ alone. ξ is the shift of one
qubit's frequency when its neighbour is excited, f(neighbour in |1⟩) − f(neighbour in |0⟩): the f_ZZ of
Qiskit Experiments' ``ZZRamsey`` (``qiskit_experiments.library.characterization.zz_ramsey``), whose Hamiltonian
h·(f₀/2·ZI + f₁/2·IZ + f_ZZ/4·ZZ) is this one up to local Z terms: 2πξ|11⟩⟨11| = 2πξ/4·(II − ZI − IZ + ZZ).
A user who has a (ζ/4)·ZZ coefficient in rad/s enters ξ = ζ/(2π); one with ZZ/2 conventions doubles it. In a
conditional Ramsey (|+⟩ next to |0⟩ versus |1⟩, wait t) the two fringes differ in phase by 2π·ξ·t.

Where it acts (``noise_core.simulation.crosstalk``): on the ALAP schedule, while both qubits of the pair are in
the circuit and neither is being measured; not during a gate on both (its calibration holds that phase).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, field_validator

from noise_core.spec.base import QubitIndex, SpecModel, rule_error

MAX_ZZ_KHZ = 1e4
"""Largest |ξ| accepted (10 MHz): fixed-frequency transmons reach hundreds of kHz, tunable couplers a few kHz."""


class ZZCrosstalkNoise(SpecModel):
    """Local extension: the static ZZ coupling ξ (kHz, either sign) of one pair of qubits (module docstring)."""

    qubits: tuple[QubitIndex, QubitIndex] = Field(description="The two qubits of the pair (a coupler), distinct.")
    zz: float = Field(
        strict=True,
        ge=-MAX_ZZ_KHZ,
        le=MAX_ZZ_KHZ,
        description="ZZ coupling ξ in kHz (either sign): H = 2π·ξ·|11⟩⟨11|, a phase 2π·ξ·t on |11⟩ after t.",
    )

    @field_validator("qubits")
    @classmethod
    def _check_distinct(cls, qubits: tuple[int, int]) -> tuple[int, int]:
        if qubits[0] == qubits[1]:
            raise rule_error("zz_pair", f"a ZZ pair needs two different qubits; got {list(qubits)!r}")
        return qubits

    @property
    def pair(self) -> tuple[int, int]:
        """The two qubits in increasing order: (3, 4) and (4, 3) are one pair."""
        return (min(self.qubits), max(self.qubits))


def check_one_entry_per_pair(entries: Iterable[ZZCrosstalkNoise]) -> None:
    """No pair twice (in either order)."""
    first: dict[tuple[int, int], int] = {}
    for index, entry in enumerate(entries):
        if entry.pair in first:
            raise rule_error(
                "duplicate_entry",
                f"repeats zz_crosstalk_errors[{first[entry.pair]}] (qubits {list(entry.pair)!r}); "
                "merge them into one entry",
                field=f"zz_crosstalk_errors[{index}]",
            )
        first[entry.pair] = index
