"""Export and import: our full spec JSON, Classiq's field set, and Aer's noise-model dict.

- Full format: ``NoiseSpec`` JSON with provenance (``spec_to_json`` / ``spec_from_json``).
- Classiq: ``to_classiq_dict`` writes exactly ``ClassiqSimulatorNoiseSpecification``'s fields
  (classiq 1.34). What that schema cannot express raises ``ClassiqExportError`` listing the
  entries, or, with ``approximate=True``, is folded into local depolarizing entries matched to
  the same process fidelity (``approximate_for_classiq`` returns the list of approximations).
- Aer: ``to_aer_dict`` is ``NoiseModel.to_dict(serializable=True)`` of ``build_noise_model`` (coherent errors as
  unitary errors); ``aer_dict_omissions`` lists what it cannot hold (noise on the schedule's waits).
"""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from pydantic import ValidationError
from qiskit_aer.noise import NoiseModel

from noise_core.aer import build_noise_model
from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.errors import ClassiqExportError, SpecImportError
from noise_core.json_bounds import json_bounds_problem
from noise_core.spec.correlated import CorrelatedReadoutNoise
from noise_core.spec.crosstalk import ZZCrosstalkNoise
from noise_core.spec.models import (
    DepolarizingNoiseOnGate,
    LocalDepolarizingNoiseOnGate,
    LocalReadoutNoise,
    NoiseSpec,
    describe_target,
    entry_target,
)
from noise_core.spec.readout import marginal_assignment
from noise_core.spec.validation import FieldProblem, untrusted_problems

CLASSIQ_FIELDS = (
    "basis_gates",
    "gate_depolarizing_errors",
    "local_depolarizing_errors",
    "gate_pauli_errors",
    "gate_thermal_relaxation_errors",
    "readout_bit_flip_probability",
    "readout_assignment_probabilities",
    "local_readout_errors",
)
"""The fields of Classiq's ``ClassiqSimulatorNoiseSpecification`` (classiq 1.34; schema in ``tests/data``)."""
MAX_SPEC_BYTES = 20 * 2**20
"""Largest spec document imported (a derived 156-qubit spec is ~0.5 MB)."""
CLASSIQ_MAX_GATE_QUBITS = 2
"""Classiq's ``num_qubits`` is ``Literal[1, 2]`` (classiq 1.34)."""
LOCAL_EXTENSIONS = (
    "local_pauli_errors",
    "local_thermal_relaxation_errors",
    "idle_relaxation_errors",
    "idle_detuning_errors",
    "gate_coherent_errors",
    "local_coherent_errors",
    "zz_crosstalk_errors",
    "correlated_readout_errors",
)
"""Our fields Classiq's schema lacks."""


def classiq_incompatibilities(spec: NoiseSpec) -> list[str]:
    """Entries Classiq's schema cannot express (valid here), one line each; empty if none.

    Classiq accepts depolarizing λ ≤ 1 on 1- or 2-qubit gates, Pauli noise on 1- or 2-qubit
    gates, and has no local Pauli, local thermal-relaxation, idle or coherent lists.
    """
    problems = [
        f"{field}[{index}]: depolarizing probability {entry.probability!r} > 1 (Classiq accepts λ ≤ 1)"
        for field in ("gate_depolarizing_errors", "local_depolarizing_errors")
        for index, entry in enumerate(getattr(spec, field))
        if entry.probability > 1.0
    ]
    problems += [
        f"{field}[{index}]: acts on {entry.num_qubits} qubits (Classiq accepts num_qubits 1 or 2)"
        for field in ("gate_depolarizing_errors", "local_depolarizing_errors", "gate_pauli_errors")
        for index, entry in enumerate(getattr(spec, field))
        if entry.num_qubits > CLASSIQ_MAX_GATE_QUBITS
    ]
    problems += [
        f"{field}[{index}]: {field} is a local extension for {_described(entry)}"
        for field in LOCAL_EXTENSIONS
        for index, entry in enumerate(getattr(spec, field))
    ]
    return problems


def _described(entry: Any) -> str:
    """What an entry applies to, in words: a pair of qubits for ZZ crosstalk, else ``describe_target``."""
    if isinstance(entry, ZZCrosstalkNoise):
        return f"qubits {list(entry.pair)}"
    if isinstance(entry, CorrelatedReadoutNoise):
        return f"the readout of qubits {entry.qubits}"
    return describe_target(entry_target(entry))


def spec_to_json(spec: NoiseSpec) -> str:
    """The full format: every field, provenance included; ``spec_from_json`` reads it back equal."""
    return spec.model_dump_json(indent=2)


REPORT_KEY = "noise_studio_report"
"""Where an exported JSON file carries its report of what it kept (``frameworks.report``). Classiq 1.34's schema
sets no ``additionalProperties`` and Aer's ``NoiseModel.from_dict`` reads ``errors`` only, so both read the file as
before and pass over the report; so does ``spec_from_json``."""


def without_report(encoded: bytes) -> bytes:
    """A JSON object's text without its top-level ``REPORT_KEY`` (the text itself when it has none)."""
    if REPORT_KEY.encode() not in encoded:
        return encoded
    try:
        data = json.loads(encoded)
    except ValueError:  # not JSON: the validator says so, naming the place
        return encoded
    if isinstance(data, dict):
        data.pop(REPORT_KEY, None)
    return json.dumps(data).encode()


def spec_from_json(document: str | bytes) -> NoiseSpec:
    """Parse and validate a spec document (full format or Classiq's field set), within size and nesting bounds."""
    encoded = document.encode("utf-8") if isinstance(document, str) else document
    problem = json_bounds_problem(encoded, max_bytes=MAX_SPEC_BYTES)
    if problem is not None:
        raise SpecImportError([FieldProblem(path="", rule="document_bounds", message=f"{problem} for a noise spec")])
    try:
        return NoiseSpec.model_validate_json(without_report(encoded))
    except ValidationError as error:
        if _looks_like_calibration(encoded):
            raise SpecImportError([CALIBRATION_SNAPSHOT]) from None
        raise SpecImportError(untrusted_problems(error, document="a noise spec")) from None


CALIBRATION_KEYS = frozenset({"backend_name", "backend_version", "last_update_date", "qubits", "gates", "general"})
"""Top-level keys of IBM's ``BackendProperties`` document (a calibration snapshot)."""
CALIBRATION_SNAPSHOT = FieldProblem(
    path="",
    rule="calibration_snapshot",
    message="this is a calibration snapshot (IBM BackendProperties: backend_name, qubits, gates), not a noise "
    "spec: load it on the Device page, where the noise model is derived from it",
)


def _looks_like_calibration(encoded: bytes) -> bool:
    """True for a JSON object with ``backend_name`` and at least two more BackendProperties keys."""
    try:
        data = json.loads(encoded)
    except ValueError:
        return False
    return isinstance(data, dict) and "backend_name" in data and len(CALIBRATION_KEYS & data.keys()) >= 3


def to_classiq_dict(spec: NoiseSpec, *, approximate: bool = False) -> dict[str, Any]:
    """Exactly Classiq's field set; raises ``ClassiqExportError`` unless ``approximate``."""
    if approximate:
        spec, _approximations = approximate_for_classiq(spec)
    elif incompatibilities := classiq_incompatibilities(spec):
        raise ClassiqExportError(incompatibilities)
    return spec.model_dump(mode="json", include=set(CLASSIQ_FIELDS))


def to_aer_dict(spec: NoiseSpec, *, qubits: Iterable[int] | None = None) -> dict[str, Any]:
    """Aer's ``NoiseModel.to_dict(serializable=True)`` of the spec's model (JSON-ready)."""
    document: dict[str, Any] = build_noise_model(spec, qubits=qubits).to_dict(serializable=True)
    return document


def aer_dict_omissions(spec: NoiseSpec) -> list[str]:
    """What Aer's noise-model dict leaves out of ``spec``, one line each: noise bound to the schedule's waits, which
    a ``NoiseModel`` has no entry for (``simulate`` puts it after each delay of the scheduled circuit; Aer's own
    ``from_backend`` does it for relaxation through a transpiler pass that the dict does not carry)."""
    waits = {
        "idle_relaxation_errors": "relaxation while waiting",
        "idle_detuning_errors": "detuning and T2* while waiting",
    }
    omitted = [
        f"{field} ({_qubits(len(getattr(spec, field)))}): {what} acts on the scheduled circuit's delays, "
        "not in the dict"
        for field, what in waits.items()
        if getattr(spec, field)
    ]
    if spec.correlated_readout_errors:
        omitted.append(
            f"correlated_readout_errors ({_groups(len(spec.correlated_readout_errors))}): Aer applies a joint readout "
            "error only to one measure instruction over the whole group; a circuit that measures its qubits one by "
            "one gets each qubit's marginal, which the dict also holds"
        )
    if spec.zz_crosstalk_errors:
        omitted.append(
            f"zz_crosstalk_errors ({_pairs(len(spec.zz_crosstalk_errors))}): ZZ crosstalk acts over the scheduled "
            "circuit's time, not in the dict"
        )
    return omitted


def _groups(count: int) -> str:
    return f"{count} group" if count == 1 else f"{count} groups"


def _pairs(count: int) -> str:
    return f"{count} pair" if count == 1 else f"{count} pairs"


def _qubits(count: int) -> str:
    return f"{count} qubit" if count == 1 else f"{count} qubits"


def noise_model_from_aer_dict(document: dict[str, Any]) -> NoiseModel:
    """Read an Aer noise-model dict back, including Kraus operators and unitaries (coherent errors).

    ``to_dict(serializable=True)`` writes each complex number as ``[re, im]``, and Aer 0.18's
    (deprecated) ``NoiseModel.from_dict`` does not turn them back, so it fails on any model
    with a Kraus error, its own ``from_backend`` models included (checked on FakeAlgiers).
    This decodes the Kraus matrices first.
    """
    decoded = copy.deepcopy({key: value for key, value in document.items() if key != REPORT_KEY})
    for error in decoded.get("errors", []):
        for circuit in error.get("instructions", []):
            for operation in circuit:
                if operation.get("name") in ("kraus", "unitary"):
                    operation["params"] = [_complex_matrix(matrix) for matrix in operation["params"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return NoiseModel.from_dict(decoded)


def _complex_matrix(rows: list[Any]) -> np.ndarray:
    array = np.asarray(rows, dtype=float)
    return array[..., 0] + 1j * array[..., 1] if array.ndim == 3 else array.astype(complex)


def approximate_for_classiq(spec: NoiseSpec) -> tuple[NoiseSpec, list[str]]:
    """A spec Classiq accepts, and one line per approximation made to get there.

    Each gate placement with something Classiq cannot express (local Pauli, thermal or coherent
    entries, an all-qubit coherent error on its gate, λ > 1) gets one local depolarizing entry
    instead, and an all-qubit coherent error becomes the all-qubit depolarizing λ of its gate
    (depolarizing, not a Pauli twirl: Classiq has no local Pauli list). λ is chosen so that the
    placement or gate keeps its process fidelity F (so its average gate fidelity too) with the
    all-qubit channels that still apply there in Classiq: for a channel E of fidelity f after
    depolarizing, F = (1 − λ)·f + λ/d², so λ = (f − F)/(f − 1/d²), clamped to [0, 1]. Without
    relaxation this is what ``from_backend(thermal_relaxation=False)`` does. Entries on more
    than 2 qubits, and idle
    relaxation (Classiq has no idle channel), are dropped.
    """
    index = ChannelIndex.of(spec)
    approximations: list[str] = []
    kept: dict[str, list[Any]] = {
        "gate_depolarizing_errors": [],
        "gate_pauli_errors": [],
        "local_depolarizing_errors": [],
    }
    coherent_gates = {entry.gate for entry in spec.gate_coherent_errors}
    for entry in spec.gate_depolarizing_errors:
        if entry.gate in coherent_gates:
            continue  # matched below, with the coherent error
        if entry.num_qubits > CLASSIQ_MAX_GATE_QUBITS:
            approximations.append(
                f"gate_depolarizing_errors {entry.gate!r}: dropped (acts on {entry.num_qubits} qubits)"
            )
        elif entry.probability > 1.0:
            approximations.append(f"gate_depolarizing_errors {entry.gate!r}: λ {entry.probability:.6g} lowered to 1")
            kept["gate_depolarizing_errors"].append(entry.model_copy(update={"probability": 1.0}))
        else:
            kept["gate_depolarizing_errors"].append(entry)
    for pauli in spec.gate_pauli_errors:
        if pauli.num_qubits > CLASSIQ_MAX_GATE_QUBITS:
            approximations.append(f"gate_pauli_errors {pauli.gate!r}: dropped (acts on {pauli.num_qubits} qubits)")
        else:
            kept["gate_pauli_errors"].append(pauli)
    for gate, channel in index.all_qubit_channels():
        if gate in coherent_gates:
            matched, note = _matched_depolarizing(gate, None, channel, index.all_qubit_channel_except_depolarizing)
            kept["gate_depolarizing_errors"].append(matched)
            approximations.append(note)
    folded = _placements_to_fold(spec)
    for entry in spec.local_depolarizing_errors:
        if (entry.gate, tuple(entry.qubits)) not in folded:
            kept["local_depolarizing_errors"].append(entry)
    for (gate, qubits), channel in index.local_channels():
        if (gate, qubits) not in folded:
            continue
        if len(qubits) > CLASSIQ_MAX_GATE_QUBITS:
            approximations.append(f"{gate} on {list(qubits)}: dropped (acts on {len(qubits)} qubits)")
            continue
        entry, note = _matched_depolarizing(gate, qubits, channel, index.all_qubit_channel_except_depolarizing)
        kept["local_depolarizing_errors"].append(entry)
        approximations.append(note)
    for field in ("idle_relaxation_errors", "idle_detuning_errors"):
        if getattr(spec, field):
            approximations.append(
                f"{field}: dropped ({_qubits(len(getattr(spec, field)))}; Classiq has no idle channel)"
            )
    if spec.zz_crosstalk_errors:
        approximations.append(
            f"zz_crosstalk_errors: dropped ({_pairs(len(spec.zz_crosstalk_errors))}; Classiq has no crosstalk channel)"
        )
    for group in spec.correlated_readout_errors:
        approximations.append(
            f"correlated_readout_errors {group.qubits}: each qubit's marginal instead (Classiq has no joint readout)"
        )
    update: dict[str, list[Any]] = {field: [] for field in LOCAL_EXTENSIONS}
    update["local_readout_errors"] = _readout_with_marginals(spec)
    approximated = spec.model_copy(update={**kept, **update, "provenance": None})
    return NoiseSpec.model_validate(approximated.model_dump()), approximations


def _readout_with_marginals(spec: NoiseSpec) -> list[LocalReadoutNoise]:
    """The spec's per-qubit readout entries, each qubit of a correlated group with its marginal instead."""
    grouped = {qubit: group for group in spec.correlated_readout_errors for qubit in group.qubits}
    entries = [entry for entry in spec.local_readout_errors if entry.qubit not in grouped]
    entries += [
        LocalReadoutNoise(qubit=qubit, assignment_probabilities=marginal_assignment(group, [qubit]).tolist())
        for qubit, group in grouped.items()
    ]
    return sorted(entries, key=lambda entry: entry.qubit)


def _placements_to_fold(spec: NoiseSpec) -> set[tuple[str, tuple[int, ...]]]:
    placements = {(e.gate, tuple(e.qubits)) for e in spec.local_pauli_errors}
    placements |= {(e.gate, tuple(e.qubits)) for e in spec.local_thermal_relaxation_errors}
    placements |= {(e.gate, tuple(e.qubits)) for e in spec.local_coherent_errors}
    coherent_gates = {e.gate for e in spec.gate_coherent_errors}
    placements |= {
        (e.gate, tuple(e.qubits))
        for field in ("local_depolarizing_errors", "local_pauli_errors")
        for e in getattr(spec, field)
        if e.gate in coherent_gates
    }
    placements |= {
        (e.gate, tuple(e.qubits))
        for e in spec.local_depolarizing_errors
        if e.probability > 1.0 or e.num_qubits > CLASSIQ_MAX_GATE_QUBITS
    }
    return placements


def _matched_depolarizing(
    gate: str,
    qubits: tuple[int, ...] | None,
    channel: GateChannel,
    remaining_of: Callable[[str, int], GateChannel],
) -> tuple[DepolarizingNoiseOnGate, str]:
    """The depolarizing λ that keeps ``channel``'s process fidelity given the all-qubit channels Classiq keeps
    (``remaining_of``): a local entry on ``qubits``, or the all-qubit entry of ``gate`` when ``qubits`` is None."""
    num_qubits = channel.num_qubits
    dimension_squared = 4**num_qubits
    target, remaining_fidelity = channel.process_fidelity(), remaining_of(gate, num_qubits).process_fidelity()
    exact = (remaining_fidelity - target) / (remaining_fidelity - 1.0 / dimension_squared)
    probability = min(max(exact, 0.0), 1.0)
    where = f"{gate} on every qubit tuple" if qubits is None else f"{gate} on {list(qubits)}"
    note = (
        f"{where}: folded into {'all-qubit' if qubits is None else 'local'} depolarizing λ = {probability:.6g} "
        f"(process fidelity {target:.6g} kept"
        + ("" if probability == exact else f"; λ {exact:.6g} clamped to [0, 1], fidelity not kept")
        + ")"
    )
    if qubits is None:
        return DepolarizingNoiseOnGate(gate=gate, num_qubits=num_qubits, probability=probability), note
    entry = LocalDepolarizingNoiseOnGate(gate=gate, qubits=list(qubits), num_qubits=num_qubits, probability=probability)
    return entry, note
