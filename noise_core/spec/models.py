"""The noise specification: Classiq's ``ClassiqSimulatorNoiseSpecification`` plus local extensions.

Field names and shapes follow Classiq's SDK (``from classiq import
ClassiqSimulatorNoiseSpecification``, classiq 1.34; its JSON Schema is in
``tests/data/classiq_1.34.0_noise_spec.schema.json``) so that the Classiq subset of a spec is
accepted there as is; ``noise_core.export`` holds what that subset cannot express. Local extensions carry
what a device-derived model needs and Classiq's schema lacks (``export.LOCAL_EXTENSIONS``): relaxation and
detuning (``relaxation.py``), coherent errors (``coherent.py``), ZZ crosstalk (``crosstalk.py``) and correlated
readout (``correlated.py``).

Semantics, shared with Aer (``qiskit_aer.noise.errors.standard_errors``):

- Depolarizing λ on n qubits applies a uniform non-identity Pauli with probability
  (4ⁿ−1)/4ⁿ·λ (Aer's ``depolarizing_error(λ, n)``). λ may go up to 4ⁿ/(4ⁿ−1); above 1 it is
  valid physics that Classiq's subset cannot express
  (``noise_core.export.classiq_incompatibilities``).
- Pauli labels use Qiskit's order: the *last* character acts on the gate's first qubit.
- Thermal-relaxation times (t1, t2, time) share one unit of the writer's choice; T2 ≤ 2·T1.
  Idle relaxation times are in ns (the schedule's durations are).
- Assignment matrices: row = prepared state, column = recorded outcome,
  ``[[P(0|0), P(1|0)], [P(0|1), P(1|1)]]``.
- Precedence: a qubit-specific entry replaces the all-qubit entry of the same kind on that
  gate and those qubits. Composition on one gate occurrence: coherent → depolarizing → Pauli → thermal.

The models are stricter than Classiq's (which silently accepts these): unknown keys, NaN/±inf,
booleans as numbers, malformed or duplicated Pauli labels, repeated qubits, duplicated
entries and gate-arity mismatches are all rejected, each with the field, the rule and the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator

from noise_core.spec.base import (
    MAX_GATE_QUBITS,
    GateName,
    NumQubits,
    Probability,
    QubitIndex,
    SpecModel,
    normalize_distribution,
    rule_error,
)
from noise_core.spec.coherent import CoherentErrorOnGate, LocalCoherentErrorOnGate
from noise_core.spec.correlated import CorrelatedReadoutNoise, check_disjoint_groups
from noise_core.spec.crosstalk import ZZCrosstalkNoise, check_one_entry_per_pair
from noise_core.spec.gates import known_gate_arity, max_depolarizing_probability
from noise_core.spec.matrices import AssignmentMatrix
from noise_core.spec.provenance import Provenance
from noise_core.spec.relaxation import (
    IdleDetuningNoise,
    IdleRelaxationNoise,
    ThermalRelaxationParameters,
    check_t2_star_limits,
)


def _check_known_arity(gate: str, num_qubits: int, *, field: str) -> None:
    arity = known_gate_arity(gate)
    if arity is not None and arity != num_qubits:
        raise rule_error(
            "gate_arity",
            f"gate {gate!r} acts on {arity} qubit(s) but {field} says {num_qubits}",
            field=field,
        )


def _check_distinct_qubits(qubits: Sequence[int]) -> None:
    if len(set(qubits)) != len(qubits):
        raise rule_error("repeated_qubit", f"qubits must be distinct; got {list(qubits)!r}", field="qubits")


class DepolarizingNoiseOnGate(SpecModel):
    """Depolarizing noise on every occurrence of ``gate`` (Classiq's ``DepolarizingNoiseOnGate``)."""

    gate: GateName
    probability: float = Field(
        strict=True,
        ge=0.0,
        description="Depolarizing parameter λ, 0 ≤ λ ≤ 4ⁿ/(4ⁿ−1); Classiq accepts λ ≤ 1.",
    )
    num_qubits: NumQubits

    @model_validator(mode="after")
    def _check_probability_and_arity(self) -> DepolarizingNoiseOnGate:
        limit = max_depolarizing_probability(self.num_qubits)
        if self.probability > limit:
            raise rule_error(
                "depolarizing_limit",
                f"probability must be at most 4^n/(4^n-1) = {limit!r} for num_qubits={self.num_qubits}; "
                f"got {self.probability!r}",
                field="probability",
            )
        _check_known_arity(self.gate, self.num_qubits, field="num_qubits")
        return self


class LocalDepolarizingNoiseOnGate(DepolarizingNoiseOnGate):
    """Depolarizing noise only when ``gate`` acts on exactly ``qubits`` (ordered)."""

    qubits: list[QubitIndex] = Field(
        max_length=MAX_GATE_QUBITS, description="Ordered qubit tuple; len(qubits) == num_qubits."
    )

    @model_validator(mode="after")
    def _check_qubits(self) -> LocalDepolarizingNoiseOnGate:
        if len(self.qubits) != self.num_qubits:
            raise rule_error(
                "qubits_length",
                f"len(qubits) must equal num_qubits={self.num_qubits}; got qubits={self.qubits!r}",
                field="qubits",
            )
        _check_distinct_qubits(self.qubits)
        return self


class PauliNoiseTerm(SpecModel):
    """One Pauli product and the probability it is applied."""

    pauli: str = Field(
        strict=True,
        pattern=r"^[IXYZ]+$",
        max_length=MAX_GATE_QUBITS,
        description="Uppercase I/X/Y/Z, one per qubit; the last character acts on the gate's first qubit.",
    )
    probability: Probability


def is_identity_pauli(label: str) -> bool:
    """Whether a Pauli label ('II', 'I') is the identity: the term that applies no error."""
    return not label.strip("I")


def _check_pauli_terms(terms: list[PauliNoiseTerm]) -> list[PauliNoiseTerm]:
    """Non-empty, no label twice, probabilities summing to 1 (stored exactly normalized)."""
    if not terms:
        raise rule_error("pauli_terms_empty", "pauli_terms must hold at least one term")
    labels = [term.pauli for term in terms]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise rule_error("duplicate_pauli", f"each Pauli label may appear once; repeated: {repeated!r}")
    normalized = normalize_distribution([term.probability for term in terms], what="pauli_terms probabilities")
    return [PauliNoiseTerm(pauli=term.pauli, probability=p) for term, p in zip(terms, normalized, strict=True)]


PauliTerms = Annotated[list[PauliNoiseTerm], AfterValidator(_check_pauli_terms)]


def _check_pauli_lengths(terms: Iterable[PauliNoiseTerm], num_qubits: int) -> None:
    for term in terms:
        if len(term.pauli) != num_qubits:
            raise rule_error(
                "pauli_length",
                f"Pauli label {term.pauli!r} has {len(term.pauli)} letter(s); the gate acts on {num_qubits} qubit(s)",
                field="pauli_terms",
            )


class PauliNoiseOnGate(SpecModel):
    """A Pauli mixture on every occurrence of ``gate`` (Classiq's ``PauliNoiseOnGate``)."""

    gate: GateName
    num_qubits: NumQubits
    pauli_terms: PauliTerms

    @model_validator(mode="after")
    def _check_shape(self) -> PauliNoiseOnGate:
        _check_known_arity(self.gate, self.num_qubits, field="num_qubits")
        _check_pauli_lengths(self.pauli_terms, self.num_qubits)
        return self


class LocalPauliNoiseOnGate(SpecModel):
    """Local extension: a Pauli mixture only when ``gate`` acts on exactly ``qubits``."""

    gate: GateName
    qubits: list[QubitIndex] = Field(
        min_length=1, max_length=MAX_GATE_QUBITS, description="Ordered qubit tuple the gate acts on."
    )
    pauli_terms: PauliTerms

    @model_validator(mode="after")
    def _check_shape(self) -> LocalPauliNoiseOnGate:
        _check_distinct_qubits(self.qubits)
        _check_known_arity(self.gate, len(self.qubits), field="qubits")
        _check_pauli_lengths(self.pauli_terms, len(self.qubits))
        return self


class ThermalRelaxationNoiseOnGate(ThermalRelaxationParameters):
    """Thermal relaxation on every occurrence of a *single-qubit* ``gate`` (Classiq's model).

    Classiq's schema needs finite times, so ``t1`` and ``t2`` are required numbers here.
    """

    gate: GateName
    t1: float = Field(strict=True, gt=0.0, description="Amplitude-damping time T1 (> 0).")
    t2: float = Field(strict=True, gt=0.0, description="Dephasing time T2 (> 0, ≤ 2·T1).")

    @model_validator(mode="after")
    def _check_single_qubit_gate(self) -> ThermalRelaxationNoiseOnGate:
        arity = known_gate_arity(self.gate)
        if arity is not None and arity != 1:
            raise rule_error(
                "thermal_single_qubit",
                f"gate_thermal_relaxation_errors is for single-qubit gates; {self.gate!r} acts on "
                f"{arity} qubits (use local_thermal_relaxation_errors)",
                field="gate",
            )
        return self


class LocalThermalRelaxationNoiseOnGate(SpecModel):
    """Local extension: relaxation of each qubit of ``gate`` when it acts on exactly ``qubits``.

    ``relaxations[i]`` applies to ``qubits[i]``; a two-qubit gate relaxes both of its qubits,
    as ``from_backend`` does.
    """

    gate: GateName
    qubits: list[QubitIndex] = Field(
        min_length=1, max_length=MAX_GATE_QUBITS, description="Ordered qubit tuple the gate acts on."
    )
    relaxations: list[ThermalRelaxationParameters] = Field(description="One entry per qubit, in qubits order.")

    @model_validator(mode="after")
    def _check_shape(self) -> LocalThermalRelaxationNoiseOnGate:
        _check_distinct_qubits(self.qubits)
        _check_known_arity(self.gate, len(self.qubits), field="qubits")
        if len(self.relaxations) != len(self.qubits):
            raise rule_error(
                "relaxations_length",
                f"relaxations needs one entry per qubit ({len(self.qubits)} for qubits={self.qubits!r}); "
                f"got {len(self.relaxations)}",
                field="relaxations",
            )
        return self


class LocalReadoutNoise(SpecModel):
    """A 2×2 assignment matrix for one qubit's measurement (Classiq's ``LocalReadoutNoise``)."""

    qubit: QubitIndex
    assignment_probabilities: AssignmentMatrix


GateChannel = (
    DepolarizingNoiseOnGate
    | PauliNoiseOnGate
    | ThermalRelaxationNoiseOnGate
    | LocalPauliNoiseOnGate
    | LocalThermalRelaxationNoiseOnGate
    | CoherentErrorOnGate
)


def _gate_arity_of(entry: GateChannel) -> int:
    if isinstance(entry, (LocalPauliNoiseOnGate, LocalThermalRelaxationNoiseOnGate)):
        return len(entry.qubits)
    if isinstance(entry, ThermalRelaxationNoiseOnGate):
        return 1
    return entry.num_qubits


def entry_target(entry: Any) -> tuple[Any, ...]:
    """What an entry applies to: (gate,), (gate, qubits) or (qubit,)."""
    if isinstance(entry, (LocalReadoutNoise, IdleRelaxationNoise, IdleDetuningNoise)):
        return (entry.qubit,)
    qubits = getattr(entry, "qubits", None)
    return (entry.gate,) if qubits is None else (entry.gate, tuple(qubits))


GATE_CHANNEL_FIELDS = (
    "gate_depolarizing_errors",
    "local_depolarizing_errors",
    "gate_pauli_errors",
    "local_pauli_errors",
    "gate_thermal_relaxation_errors",
    "local_thermal_relaxation_errors",
    "gate_coherent_errors",
    "local_coherent_errors",
)


QUBIT_FIELDS = ("local_readout_errors", "idle_relaxation_errors", "idle_detuning_errors")
"""Spec fields with one entry per qubit."""
PAIR_FIELDS = ("zz_crosstalk_errors",)  # one entry per pair of qubits (``entry.pair``)
GROUP_FIELDS = ("correlated_readout_errors",)  # one entry per group of qubits (``entry.qubits``)


class NoiseSpec(SpecModel):
    """A validated noise specification. Empty means an ideal (noise-free) simulation."""

    basis_gates: list[GateName] | None = Field(
        default=None, description="Primitive gate names to decompose into; None = simulator default."
    )
    gate_depolarizing_errors: list[DepolarizingNoiseOnGate] = Field(default_factory=list)
    local_depolarizing_errors: list[LocalDepolarizingNoiseOnGate] = Field(default_factory=list)
    gate_pauli_errors: list[PauliNoiseOnGate] = Field(default_factory=list)
    local_pauli_errors: list[LocalPauliNoiseOnGate] = Field(
        default_factory=list, description="Local extension (not in Classiq's schema)."
    )
    gate_thermal_relaxation_errors: list[ThermalRelaxationNoiseOnGate] = Field(default_factory=list)
    local_thermal_relaxation_errors: list[LocalThermalRelaxationNoiseOnGate] = Field(
        default_factory=list, description="Local extension (not in Classiq's schema)."
    )
    gate_coherent_errors: list[CoherentErrorOnGate] = Field(
        default_factory=list, description="Local extension (not in Classiq's schema): a unitary error after a gate."
    )
    local_coherent_errors: list[LocalCoherentErrorOnGate] = Field(
        default_factory=list, description="Local extension (not in Classiq's schema)."
    )
    readout_bit_flip_probability: Probability | None = Field(
        default=None, description="Symmetric readout flip on every qubit; excludes the global matrix."
    )
    readout_assignment_probabilities: AssignmentMatrix | None = Field(
        default=None, description="One assignment matrix for every qubit; excludes the bit-flip field."
    )
    local_readout_errors: list[LocalReadoutNoise] = Field(default_factory=list)
    correlated_readout_errors: list[CorrelatedReadoutNoise] = Field(
        default_factory=list, description="Local extension: joint matrices of 2–3 qubits; replace their own."
    )
    idle_relaxation_errors: list[IdleRelaxationNoise] = Field(
        default_factory=list,
        description="Local extension (not in Classiq's schema): relaxation of each qubit while it idles, times in ns.",
    )
    idle_detuning_errors: list[IdleDetuningNoise] = Field(
        default_factory=list,
        description="Local extension (not in Classiq's schema): detuning (kHz) and T2* (ns) of each qubit's waits.",
    )
    zz_crosstalk_errors: list[ZZCrosstalkNoise] = Field(
        default_factory=list, description="Local extension (not in Classiq's schema): static ZZ of qubit pairs (kHz)."
    )
    provenance: Provenance | None = Field(
        default=None, description="Source snapshot, options and adjustments of a derived spec (not in Classiq's)."
    )

    @field_validator("basis_gates")
    @classmethod
    def _check_basis_gates(cls, gates: list[str] | None) -> list[str] | None:
        if gates is not None:
            repeated = sorted({gate for gate in gates if gates.count(gate) > 1})
            if repeated:
                raise rule_error("duplicate_basis_gate", f"basis_gates lists {repeated!r} more than once")
        return gates

    @model_validator(mode="after")
    def _check_whole_spec(self) -> NoiseSpec:
        if self.readout_bit_flip_probability is not None and self.readout_assignment_probabilities is not None:
            raise rule_error(
                "readout_exclusive",
                "readout_bit_flip_probability and readout_assignment_probabilities are mutually exclusive; "
                f"got {self.readout_bit_flip_probability!r} and {self.readout_assignment_probabilities!r}",
                field="readout_assignment_probabilities",
            )
        for field in (*GATE_CHANNEL_FIELDS, *QUBIT_FIELDS):
            self._check_no_duplicate_targets(field)
        self._check_consistent_arity()
        check_t2_star_limits(self.idle_relaxation_errors, self.idle_detuning_errors)
        check_one_entry_per_pair(self.zz_crosstalk_errors)
        check_disjoint_groups(self.correlated_readout_errors)
        return self

    def _check_no_duplicate_targets(self, field: str) -> None:
        first_index: dict[tuple[Any, ...], int] = {}
        for index, entry in enumerate(getattr(self, field)):
            target = entry_target(entry)
            if target in first_index:
                raise rule_error(
                    "duplicate_entry",
                    f"repeats {field}[{first_index[target]}] ({describe_target(target)}); merge them into one entry",
                    field=f"{field}[{index}]",
                )
            first_index[target] = index

    def _check_consistent_arity(self) -> None:
        arity_by_gate: dict[str, tuple[int, str]] = {}
        for field in GATE_CHANNEL_FIELDS:
            for index, entry in enumerate(getattr(self, field)):
                arity, where = _gate_arity_of(entry), f"{field}[{index}]"
                first = arity_by_gate.setdefault(entry.gate, (arity, where))
                if first[0] != arity:
                    raise rule_error(
                        "gate_arity",
                        f"gate {entry.gate!r} acts on {arity} qubit(s) in {where} but on {first[0]} in {first[1]}",
                        field=where,
                    )

    @property
    def is_ideal(self) -> bool:
        """True when no channel is set: simulating this spec is noise-free."""
        fields = (*GATE_CHANNEL_FIELDS, *QUBIT_FIELDS, *PAIR_FIELDS, *GROUP_FIELDS)
        has_channel = any(getattr(self, field) for field in fields)
        has_global_readout = (
            self.readout_bit_flip_probability is not None or self.readout_assignment_probabilities is not None
        )
        return not (has_channel or has_global_readout)


def describe_target(target: tuple[Any, ...]) -> str:
    """An ``entry_target`` in words: 'qubit 3', "gate 'sx'" or "gate 'cx' on qubits [0, 1]"."""
    if len(target) == 1 and isinstance(target[0], int):
        return f"qubit {target[0]}"
    if len(target) == 1:
        return f"gate {target[0]!r}"
    return f"gate {target[0]!r} on qubits {list(target[1])!r}"
