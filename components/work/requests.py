"""What the server sends to the worker processes: devices, circuits, specs, what-ifs and run settings as plain,
picklable values.

Every argument crosses a process boundary by pickling, so jobs take a ``DeviceSource`` (a preset's
name or an upload's bytes) instead of a 156-qubit calibration (pickled both ways that costs
~0.2 s), and a ``SharedSpec`` (a spec's JSON and digest) instead of the spec. This module never
imports streamlit: worker processes import it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from components.logic.caches import SharedCache
from noise_core import (
    BackendCalibration,
    FitPlan,
    LibraryCircuit,
    MeasuredCounts,
    NoiseSpec,
    load_calibration,
    load_counts,
    parse_circuit,
    plan_fit_circuits,
    scale_noise,
)
from noise_core.errors import BareCountsError, CircuitError
from noise_core.gc_pause import garbage_collection_paused
from noise_core.simulation import CIRCUIT_LIBRARY
from noise_core.simulation.options import RunOptions
from noise_core.spec.factors import NoiseFactors
from noise_core.spec.readout import with_qubit_readout
from presets import load_preset


@dataclass(frozen=True)
class DeviceSource:
    """Where a device's calibration comes from: a shipped preset, or the bytes of an upload and its file name."""

    key: str
    preset: str | None = None
    content: bytes | None = None
    filename: str | None = None
    """The upload's name: a calibration CSV's backend and date are only there (``ibm_fez_calibrations_…Z.csv``)."""

    def load(self) -> BackendCalibration:
        if self.preset is not None:
            return load_preset(self.preset)
        return load_calibration(self.content or b"", filename=self.filename)


def upload_source(name: str, content: bytes) -> DeviceSource:
    """The source of an uploaded file; its key covers the content and the name (a CSV's backend and date
    come from the name), so a renamed copy is not served another file's date."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\0" + content).hexdigest()
    return DeviceSource(f"upload:{digest[:16]}", content=content, filename=name)


def preset_source(name: str) -> DeviceSource:
    """The source of a shipped preset; its key names it, so every session shares its results."""
    return DeviceSource(f"preset:{name}", preset=name)


@dataclass(frozen=True)
class CircuitRequest:
    """A circuit as plain data: a library entry with its parameters, or OpenQASM text and its expected outcomes."""

    key: str
    """Names everything the circuit is built from (library entry and parameters, or the program's digest and
    its expected outcomes): results are kept under it."""
    library: str | None = None
    parameters: tuple[tuple[str, object], ...] = ()
    qasm: str | None = None
    expected: tuple[str, ...] = ()
    """For OpenQASM: the outcomes an ideal device returns (bitstrings, clbit 0 last), so success is defined."""

    def build(self) -> LibraryCircuit | str:
        """The library circuit, the program with its expected outcomes, or its text (``CircuitError`` if bad)."""
        if self.library is not None:
            return CIRCUIT_LIBRARY[self.library](**dict(self.parameters))
        if not self.expected:
            return self.qasm or ""
        circuit = parse_circuit(self.qasm or "")
        for outcome in self.expected:
            if len(outcome) != circuit.num_clbits or set(outcome) - {"0", "1"}:
                raise CircuitError(
                    f"expected outcome {outcome!r} must be {circuit.num_clbits} bits of 0/1 (one per classical bit, "
                    "clbit 0 last)"
                )
        return LibraryCircuit(circuit.name, circuit, frozenset(self.expected), "OpenQASM program")


def library_request(name: str, parameters: Mapping[str, object]) -> CircuitRequest:
    """The request for library entry ``name`` with these keyword parameters (its key names both)."""
    ordered = tuple(sorted(parameters.items()))
    return CircuitRequest(f"library:{name}:{ordered!r}", library=name, parameters=ordered)


def qasm_request(text: str, expected: Sequence[str]) -> CircuitRequest:
    """The request for an OpenQASM program and its expected outcomes (its key: the text's digest and them)."""
    outcomes = tuple(dict.fromkeys(expected))
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return CircuitRequest(f"qasm:{digest}:{','.join(outcomes)}", qasm=text, expected=outcomes)


@dataclass(frozen=True)
class SharedSpec:
    """A spec as its JSON text and digest: cheap to send (a 156-qubit spec pickles in ~20 ms and unpickles
    in ~30 ms), and each worker validates a given digest once and keeps it."""

    digest: str
    text: str

    def spec(self) -> NoiseSpec:
        """The spec, from this worker's cache when it has seen the digest (least recently used out)."""
        return _SPECS.get_or_compute(self.digest, self._validated)

    def _validated(self) -> NoiseSpec:
        with garbage_collection_paused():  # thousands of small objects, no cycles (~30 ms, not ~170)
            return NoiseSpec.model_validate_json(self.text)


SPECS_KEPT = 8
"""Specs each worker keeps validated, by digest."""
_SPECS: SharedCache[NoiseSpec] = SharedCache(SPECS_KEPT)


@dataclass(frozen=True)
class WhatIf:
    """A what-if on the model in force, applied in the worker: ``factors`` (``scale_noise``) and one qubit's
    readout."""

    factors: NoiseFactors = field(default_factory=NoiseFactors)
    qubit: int | None = None
    """The qubit whose readout is replaced by ``p1_given_0``/``p0_given_1``; None leaves readout per qubit as is."""
    p1_given_0: float = 0.0
    p0_given_1: float = 0.0

    def __post_init__(self) -> None:
        if self.qubit is None:  # the flips mean nothing without a qubit: equal what-ifs compare equal
            object.__setattr__(self, "p1_given_0", 0.0)
            object.__setattr__(self, "p0_given_1", 0.0)

    @property
    def is_identity(self) -> bool:
        return self.factors.is_identity and self.qubit is None

    def with_factor(self, kind: str, factor: float) -> WhatIf:
        """This what-if with the ``kind`` factor (one of ``FACTOR_KINDS``) set to ``factor``."""
        return replace(self, factors=self.factors.with_factor(kind, factor))

    def describe(self) -> str:
        """'what-if: gate ×2, qubit 3 readout P(1|0) 0.05, P(0|1) 0.1' (only what differs from the model)."""
        parts = [f"{FACTOR_LABELS[kind]} ×{value:g}" for kind, value in self.factors.as_dict().items() if value != 1.0]
        if self.qubit is not None:
            parts.append(f"qubit {self.qubit} readout P(1|0) {self.p1_given_0:g}, P(0|1) {self.p0_given_1:g}")
        return "what-if: " + ", ".join(parts)

    def apply(self, spec: NoiseSpec) -> NoiseSpec:
        """The spec the what-if describes (``ScalingError`` for a factor past a channel's limit)."""
        scaled = scale_noise(spec, self.factors)
        if self.qubit is None:
            return scaled
        return with_qubit_readout(scaled, self.qubit, self.p1_given_0, self.p0_given_1)


FACTOR_LABELS = {
    "gate": "gate errors",
    "readout": "readout errors",
    "relaxation": "T1/T2 rates (gates)",
    "idle": "T1/T2 rates (idle)",
    "coherent": "coherent angles",
    "detuning": "detuning δ",
    "crosstalk": "ZZ crosstalk ξ",
    "correlation": "readout correlation",
}
"""How the app names each of ``FACTOR_KINDS`` (the what-if strip, the sliders, a what-if's description)."""


NO_WHAT_IF = WhatIf()


@dataclass(frozen=True)
class CountsUpload:
    """Measured counts as uploaded (bytes and file name), and what reads bare counts: the Simulate page's
    circuit, its pinned layout and its seed (the transpiler's layout depends on it)."""

    key: str
    content: bytes
    filename: str
    circuit: CircuitRequest
    layout: tuple[int, ...] | None
    seed: int

    def measured(self) -> tuple[MeasuredCounts, bool]:
        """The counts, and whether they were bare: a counts file names its circuits; bare counts are read as
        the Simulate page's circuit on its layout."""
        try:
            return load_counts(self.content, name=self.filename), False
        except BareCountsError:
            layout = None if self.layout is None else list(self.layout)
            bare = load_counts(self.content, name=self.filename, circuits=self.circuit.build(), physical_qubits=layout)
            return bare, True

    def placement_seed(self, bare: bool) -> int:
        """The transpiler seed: 0 for a counts file (what the plan's instructions say), the page's for bare counts."""
        return self.seed if bare else 0

    def as_counts_file(self) -> CountsUpload:
        """The same upload keyed by its content alone: a counts file does not depend on the Simulate page."""
        return replace(self, key=f"counts:{hashlib.sha256(self.content).hexdigest()[:16]}")


def counts_upload(name: str, content: bytes, circuit: CircuitRequest, settings: RunOptions) -> CountsUpload:
    """An upload's source; its key covers the content, and for bare counts the circuit, layout and seed."""
    digest = hashlib.sha256(content).hexdigest()
    seed = 0 if settings.seed is None else settings.seed  # the app's run settings always carry one
    key = f"counts:{digest[:16]}:{circuit.key}:{settings.initial_layout}:{seed}"
    return CountsUpload(key, content, name, circuit, settings.initial_layout, seed)


@dataclass(frozen=True)
class PlanRequest:
    """The Fit page's plan: device qubits (virtual qubit i on ``qubits[i]``), mirror depth, and whether it adds the
    characterization circuits (``plan_fit_circuits``)."""

    qubits: tuple[int, ...]
    depth: int
    characterization: bool = False

    def plan(self, calibration: BackendCalibration) -> FitPlan:
        """The plan on ``calibration``'s device (``FitError`` naming a rule the qubits break)."""
        return plan_fit_circuits(
            calibration, self.qubits, mirror_depth=self.depth, characterization=self.characterization
        )
