"""What-if scaling: the same model with gate, readout or relaxation noise made stronger or weaker.

``scale_noise(spec, gate=g, readout=r, relaxation=s)``:

- ``gate`` multiplies every depolarizing λ and every non-identity Pauli probability; the
  identity term takes the rest (added when the entry had none);
- ``readout`` multiplies the off-diagonal assignment probabilities P(1|0) and P(0|1) (and the
  global bit-flip probability), and the off-diagonal mass of each correlated group's joint matrix in the same
  proportions (J' = (1 − f)·I + f·J, the same rule on a 2×2 matrix); each row stays stochastic;
- ``relaxation`` multiplies the rates 1/T1 and 1/T2 of gate relaxation, so T1 → T1/s and
  T2 → T2/s (T2 ≤ 2·T1 still holds); the gate time and the excited-state population stay;
- ``idle`` does the same for the idle relaxation (``idle_relaxation_errors``) and T2* of waits;
- ``coherent`` multiplies every coherent angle ε and phase φ (``gate_coherent_errors``,
  ``local_coherent_errors``), keeping each sign; each must stay within ±π;
- ``detuning`` multiplies every qubit's detuning δ (``idle_detuning_errors``), keeping its sign;
- ``crosstalk`` multiplies every pair's ZZ coupling ξ (``zz_crosstalk_errors``), keeping its sign;
- ``correlation`` multiplies each correlated group's departure from independence: J → P + c·(J − P), with P the
  Kronecker product of the group's per-qubit marginals; 0 reads the qubits independently (with the same
  marginals), and c is limited where an entry would turn negative.

A factor of 0 removes that kind of noise (its entries are dropped). A factor that would push a
channel past its physical limit (λ above 4ⁿ/(4ⁿ−1), a probability above 1) is refused with the
entry and the largest allowed factor named; nothing is clipped. One exception, stated: an
entry already *at* its maximum (a gate the calibration reports broken, gate_error = 1) cannot
get worse, so a factor > 1 leaves it there and lists it in ``kept_at_maximum``. The factors
are appended to ``provenance.scalings`` when the spec has a provenance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial, reduce
from typing import Any

import numpy as np

from noise_core.errors import ScalingError
from noise_core.spec.crosstalk import MAX_ZZ_KHZ
from noise_core.spec.factors import NoiseFactors
from noise_core.spec.gates import max_depolarizing_probability
from noise_core.spec.models import (
    GATE_CHANNEL_FIELDS,
    GROUP_FIELDS,
    PAIR_FIELDS,
    QUBIT_FIELDS,
    NoiseSpec,
    describe_target,
    is_identity_pauli,
)
from noise_core.spec.provenance import NoiseScaling
from noise_core.spec.readout import assignment_matrix, marginal_of, with_qubit_readout
from noise_core.spec.relaxation import MAX_DETUNING_KHZ
from noise_core.spec.restriction import restrict_spec

Document = dict[str, Any]


def scale_noise(spec: NoiseSpec, factors: NoiseFactors | None = None, **shortcuts: float) -> NoiseSpec:
    """``spec`` with gate, readout, relaxation and idle noise scaled by ``factors`` (module docstring).

    The factors' fields may be given as keywords (``gate=2``), which replace those of ``factors``.
    """
    factors = _factors(factors, shortcuts)
    if factors.is_identity:
        return spec
    document = spec.model_dump(mode="json")
    kept = _scale("gate", factors.gate, _gate_knobs(document))
    kept += _scale("readout", factors.readout, _readout_knobs(document))
    kept += _scale("coherent", factors.coherent, _coherent_knobs(document))
    kept += _scale("detuning", factors.detuning, _detuning_knobs(document))
    kept += _scale("crosstalk", factors.crosstalk, _crosstalk_knobs(document))
    kept += _scale("correlation", factors.correlation, _correlation_knobs(document))
    _remove_zeroed(document, factors)
    _scale_relaxation(document, factors.relaxation)
    _scale_idle(document, factors.idle)
    if document.get("provenance") is not None:
        record = NoiseScaling(**factors.as_dict(), kept_at_maximum=kept)
        document["provenance"]["scalings"].append(record.model_dump(mode="json"))
    return NoiseSpec.model_validate(document)


def scale_noise_on(
    spec: NoiseSpec, qubits: Iterable[int], factors: NoiseFactors | None = None, **shortcuts: float
) -> NoiseSpec:
    """``scale_noise`` of only the entries that act on ``qubits`` alone (the entries ``restrict_spec`` keeps:
    qubit-specific ones whose qubits are all listed, and the all-qubit ones); every other qubit-specific
    entry stays as it is, and only the scaled entries limit the factors. The scaling's provenance record
    lists ``qubits``."""
    kept = frozenset(qubits)
    restricted = restrict_spec(spec, kept)
    scaled = scale_noise(restricted, factors, **shortcuts)
    if scaled is not restricted and scaled.provenance is not None:  # a new scaling record: say where it acted
        last = scaled.provenance.scalings[-1].model_copy(update={"qubits": sorted(kept)})
        scaled = scaled.model_copy(
            update={
                "provenance": scaled.provenance.model_copy(
                    update={"scalings": [*scaled.provenance.scalings[:-1], last]}
                )
            }
        )
    update: dict[str, Any] = {
        field: [
            *getattr(scaled, field),
            *(e for e in getattr(spec, field) if not kept.issuperset(getattr(e, "qubits", ()))),
        ]
        for field in GATE_CHANNEL_FIELDS
    }
    for field in QUBIT_FIELDS:
        update[field] = [*getattr(scaled, field), *(e for e in getattr(spec, field) if e.qubit not in kept)]
    for field in PAIR_FIELDS:
        update[field] = [*getattr(scaled, field), *(e for e in getattr(spec, field) if not kept.issuperset(e.pair))]
    for field in GROUP_FIELDS:
        update[field] = [*getattr(scaled, field), *(e for e in getattr(spec, field) if not kept.intersection(e.qubits))]
    return NoiseSpec.model_validate(scaled.model_copy(update=update).model_dump())


def largest_factor(spec: NoiseSpec, kind: str) -> float:
    """The largest ``kind`` factor ``scale_noise`` accepts on ``spec``: ∞ for relaxation and idle (rates have
    no upper limit) and where no entry of that kind is below its maximum."""
    knobs = {
        "gate": _gate_knobs, "readout": _readout_knobs, "coherent": _coherent_knobs, "detuning": _detuning_knobs,
        "crosstalk": _crosstalk_knobs, "correlation": _correlation_knobs,
    }.get(kind)  # fmt: skip
    if knobs is None:
        return math.inf
    live = [knob for knob in knobs(spec.model_dump(mode="json")) if 0.0 < knob.value < knob.maximum]
    return min((knob.maximum / knob.value for knob in live), default=math.inf)


def scale_qubit_readout(spec: NoiseSpec, factors: Mapping[int, float]) -> NoiseSpec:
    """``spec`` with each listed qubit's P(1|0) and P(0|1) multiplied by its factor (``readout``'s rule, one
    qubit at a time), written as that qubit's own readout entry; refused past a probability of 1."""
    for qubit, factor in factors.items():
        matrix = assignment_matrix(spec, qubit)
        up, down = float(matrix[0, 1]) * factor, float(matrix[1, 0]) * factor
        if not (math.isfinite(factor) and factor >= 0.0) or max(up, down) > 1.0:
            raise ScalingError(
                f"readout factor {factor:g} of qubit {qubit} is not a finite number ≥ 0 that keeps "
                "P(1|0) and P(0|1) at most 1"
            )
        spec = with_qubit_readout(spec, qubit, up, down)
    return spec


def _factors(factors: NoiseFactors | None, shortcuts: dict[str, float]) -> NoiseFactors:
    """``factors`` (default: all 1) with the keyword shortcuts replacing its fields, checked."""
    base = NoiseFactors() if factors is None else factors
    if not isinstance(base, NoiseFactors):
        raise ScalingError(f"factors must be a NoiseFactors; got {type(base).__name__}")
    return NoiseFactors.of({**base.as_dict(), **shortcuts}) if shortcuts else base


@dataclass(frozen=True)
class _Knob:
    """One scalable number of the document: its value, physical maximum, name, and how to write it back."""

    value: float
    maximum: float
    name: str
    write: Callable[[float], None]


def _scale(kind: str, factor: float, knobs: list[_Knob]) -> list[str]:
    """Multiply every knob by ``factor``, or refuse naming the knob that allows the smallest factor.

    Knobs already at their maximum stay there when ``factor`` > 1; their names are returned.
    """
    live = [knob for knob in knobs if knob.value > 0.0]
    kept = [knob for knob in live if factor > 1.0 and knob.value >= knob.maximum]
    scaled = [knob for knob in live if knob not in kept]
    over = sorted((knob.maximum / knob.value, knob.name) for knob in scaled if knob.value * factor > knob.maximum)
    if over:
        allowed, name = over[0]
        others = f" ({len(over) - 1} more entries too)" if len(over) > 1 else ""
        raise ScalingError(
            f"{kind} factor {factor:g} would make {name} exceed its maximum{others}; the largest allowed {kind} "
            f"factor is {math.floor(allowed * 1000) / 1000:g}"
        )
    for knob in scaled:
        knob.write(knob.value * factor)
    return [knob.name for knob in kept]


def _gate_knobs(document: Document) -> list[_Knob]:
    knobs = [
        _Knob(
            entry["probability"],
            max_depolarizing_probability(entry["num_qubits"]),
            f"depolarizing λ of {_entry_name(entry)}",
            _item_writer(entry, "probability"),
        )
        for entry in (*document["gate_depolarizing_errors"], *document["local_depolarizing_errors"])
    ]
    for entry in (*document["gate_pauli_errors"], *document["local_pauli_errors"]):
        total = _non_identity(entry)
        name = f"the non-identity Pauli probabilities of {_entry_name(entry)}"
        knobs.append(_Knob(total, 1.0, name, partial(_rescale_pauli_terms, entry)))
    return knobs


def _non_identity(entry: Document) -> float:
    return math.fsum(term["probability"] for term in entry["pauli_terms"] if not is_identity_pauli(term["pauli"]))


def _rescale_pauli_terms(entry: Document, total: float) -> None:
    """Non-identity terms rescaled to sum to ``total``; the identity term (added if absent) takes the rest."""
    ratio = total / _non_identity(entry)
    identity = "I" * len(entry["pauli_terms"][0]["pauli"])
    terms = [
        {"pauli": term["pauli"], "probability": term["probability"] * ratio}
        for term in entry["pauli_terms"]
        if not is_identity_pauli(term["pauli"])
    ]
    rest = max(0.0, 1.0 - math.fsum(term["probability"] for term in terms))
    entry["pauli_terms"] = [{"pauli": identity, "probability": rest}, *terms] if rest > 0.0 else terms


def _entry_name(entry: Document) -> str:
    qubits = entry.get("qubits")
    return describe_target((entry["gate"],) if qubits is None else (entry["gate"], tuple(qubits)))


def _readout_knobs(document: Document) -> list[_Knob]:
    matrices = [
        (entry["assignment_probabilities"], f"qubit {entry['qubit']}") for entry in document["local_readout_errors"]
    ]
    if document["readout_assignment_probabilities"] is not None:
        matrices.append((document["readout_assignment_probabilities"], "the global readout matrix"))
    knobs = [
        _Knob(matrix[row][1 - row], 1.0, f"{('P(1|0)', 'P(0|1)')[row]} of {name}", _matrix_writer(matrix, row))
        for matrix, name in matrices
        for row in (0, 1)
    ]
    if document["readout_bit_flip_probability"] is not None:
        flip = document["readout_bit_flip_probability"]
        write = _item_writer(document, "readout_bit_flip_probability")
        knobs.append(_Knob(flip, 1.0, "the global bit-flip probability", write))
    for group in document["correlated_readout_errors"]:
        matrix = group["assignment_probabilities"]
        knobs += [
            _Knob(1.0 - matrix[row][row], 1.0, f"row {row} of the joint readout of qubits {group['qubits']}",
                  partial(_scale_row_errors, matrix[row], row))
            for row in range(len(matrix))
        ]  # fmt: skip
    return knobs


def _scale_row_errors(row: list[float], state: int, errors: float) -> None:
    """A joint matrix's row with its off-diagonal mass set to ``errors`` in the same proportions: with the factor
    f, J' = (1 − f)·I + f·J, the per-qubit rule on a 2×2 matrix."""
    ratio = errors / (1.0 - row[state])
    row[:] = [1.0 - errors if column == state else value * ratio for column, value in enumerate(row)]


def _coherent_knobs(document: Document) -> list[_Knob]:
    """|ε| and each |φ| of every coherent entry, at most π; written back with their sign."""
    knobs = []
    for entry in (*document["gate_coherent_errors"], *document["local_coherent_errors"]):
        name = _entry_name(entry)
        knobs.append(_Knob(abs(entry["angle"]), math.pi, f"angle ε of {name}", _signed_writer(entry, "angle")))
        knobs += [
            _Knob(abs(phase), math.pi, f"phase φ{index} of {name}", _signed_writer(entry["phases"], index))
            for index, phase in enumerate(entry["phases"] or ())
        ]
    return knobs


def _detuning_knobs(document: Document) -> list[_Knob]:
    """|δ| of every qubit, at most ``MAX_DETUNING_KHZ``; written back with its sign."""
    return [
        _Knob(
            abs(entry["detuning"]),
            MAX_DETUNING_KHZ,
            f"detuning of qubit {entry['qubit']}",
            _signed_writer(entry, "detuning"),
        )
        for entry in document["idle_detuning_errors"]
    ]


def _crosstalk_knobs(document: Document) -> list[_Knob]:
    """|ξ| of every pair, at most ``MAX_ZZ_KHZ``; written back with its sign."""
    return [
        _Knob(abs(entry["zz"]), MAX_ZZ_KHZ, f"ZZ of qubits {entry['qubits']}", _signed_writer(entry, "zz"))
        for entry in document["zz_crosstalk_errors"]
    ]


def _correlation_knobs(document: Document) -> list[_Knob]:
    """Each correlated group's correlation strength c (1 as given), at most where an entry of P + c·(J − P) reaches
    0 (∞ when none falls)."""
    knobs = []
    for group in document["correlated_readout_errors"]:
        joint = np.array(group["assignment_probabilities"], dtype=float)
        size = len(group["qubits"])
        product = reduce(np.kron, [marginal_of(joint, [bit]) for bit in reversed(range(size))])
        falling = joint < product
        limit = float(np.min(product[falling] / (product - joint)[falling])) if falling.any() else math.inf
        knobs.append(_Knob(1.0, limit, f"the correlation of the joint readout of qubits {group['qubits']}",
                           partial(_write_correlation, group, joint, product)))  # fmt: skip
    return knobs


def _write_correlation(group: Document, joint: np.ndarray, product: np.ndarray, strength: float) -> None:
    group["assignment_probabilities"] = np.clip(product + strength * (joint - product), 0.0, 1.0).tolist()


def _signed_writer(container: Any, key: Any) -> Callable[[float], None]:
    """Writes a magnitude back with the sign the value had."""
    sign = math.copysign(1.0, container[key])

    def write(value: float) -> None:
        container[key] = sign * value

    return write


def _item_writer(document: Document, key: str) -> Callable[[float], None]:
    def write(value: float) -> None:
        document[key] = value

    return write


def _matrix_writer(matrix: list[list[float]], row: int) -> Callable[[float], None]:
    def write(value: float) -> None:
        matrix[row][1 - row], matrix[row][row] = value, 1.0 - value

    return write


def _remove_zeroed(document: Document, factors: NoiseFactors) -> None:
    """A factor of 0 removes its kind's entries (rather than leaving channels of strength 0)."""
    if factors.gate == 0.0:
        for field in (
            "gate_depolarizing_errors",
            "local_depolarizing_errors",
            "gate_pauli_errors",
            "local_pauli_errors",
        ):
            document[field] = []
    if factors.readout == 0.0:
        document.update(
            local_readout_errors=[],
            readout_assignment_probabilities=None,
            readout_bit_flip_probability=None,
            correlated_readout_errors=[],
        )
    if factors.relaxation == 0.0:
        document.update(gate_thermal_relaxation_errors=[], local_thermal_relaxation_errors=[])
    if factors.idle == 0.0:
        document["idle_relaxation_errors"] = []
    if factors.coherent == 0.0:
        document.update(gate_coherent_errors=[], local_coherent_errors=[])
    if factors.crosstalk == 0.0:
        document["zz_crosstalk_errors"] = []
    for entry in document["idle_detuning_errors"]:
        if factors.detuning == 0.0:
            entry["detuning"] = 0.0
        if factors.idle == 0.0:
            entry["t2_star"] = None
    document["idle_detuning_errors"] = [
        entry for entry in document["idle_detuning_errors"] if entry["detuning"] or entry["t2_star"] is not None
    ]


def _scale_relaxation(document: Document, factor: float) -> None:
    """T1 → T1/s and T2 → T2/s on every relaxation (∞, spelled None, stays ∞)."""
    if factor == 0.0:
        return
    parameters = [*document["gate_thermal_relaxation_errors"]]
    parameters += [
        relaxation for entry in document["local_thermal_relaxation_errors"] for relaxation in entry["relaxations"]
    ]
    _divide_times(parameters, factor)


def _scale_idle(document: Document, factor: float) -> None:
    """T1 → T1/s and T2 → T2/s on every idle relaxation, T2* → T2*/s on every wait."""
    if factor not in (0.0, 1.0):
        _divide_times(document["idle_relaxation_errors"], factor)
        for entry in document["idle_detuning_errors"]:
            if entry["t2_star"] is not None:
                entry["t2_star"] /= factor


def _divide_times(parameters: list[Document], factor: float) -> None:
    """T1 and T2 of each relaxation divided by ``factor`` (∞, spelled None, stays ∞)."""
    if factor == 1.0:
        return
    for relaxation in parameters:
        for time in ("t1", "t2"):
            if relaxation[time] is not None:
                relaxation[time] /= factor
