"""What the worker processes run: ``noise_core`` calls on a device they load once and keep.

This module never imports streamlit: it is imported by the worker processes (``tasks``). Every
argument and result crosses a process boundary by pickling, so jobs take a ``DeviceSource``
(a preset's name or an upload's bytes) instead of a 156-qubit calibration (pickled both ways
that costs ~0.2 s), and each worker keeps the calibrations it loaded, and Aer's built errors and
noise models, warm across tasks.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, TypeVar

import pandas as pd

from components.worker_limits import worker_limits
from noise_core import (
    BackendCalibration,
    DerivationOptions,
    ErrorBudget,
    LibraryCircuit,
    MeasuredCounts,
    NoiseFit,
    NoiseSpec,
    SimulationResult,
    approximate_for_classiq,
    assignment_report,
    derive_noise_spec,
    error_budget,
    fit_noise,
    load_calibration,
    load_counts,
    load_session,
    parse_circuit,
    plan_fit_circuits,
    scale_noise,
    simulate,
    spec_to_json,
    sweep,
    to_aer_dict,
    to_classiq_dict,
)
from noise_core.analysis.budget import Metric
from noise_core.errors import BareCountsError, CircuitError, OverBudgetError
from noise_core.gc_pause import garbage_collection_paused
from noise_core.simulation import CIRCUIT_LIBRARY, AssignmentReport, SimulationPlan
from noise_core.simulation.circuit_facts import draw_on_device
from noise_core.simulation.methods import Method
from noise_core.simulation.options import RunOptions
from noise_core.simulation.references import parse_reference
from noise_core.simulation.simulate import prepare_simulation
from noise_core.spec.factors import NoiseFactors
from noise_core.spec.readout import with_qubit_readout
from noise_core.spec.scaling import scale_noise_on
from presets import load_preset

Result = TypeVar("Result")
EXAMPLE_FACTORS = {"gate": 1.8, "readout": 1.3}
"""The factors the example counts are drawn at (the issue's coverage study's)."""
CALIBRATIONS_KEPT = 4
"""Calibrations each worker keeps loaded (a 156-qubit one holds ~20 MB)."""


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
        """The spec, from this worker's cache when it has seen the digest."""
        known = _specs.get(self.digest)
        if known is None:
            with garbage_collection_paused():  # thousands of small objects, no cycles (~30 ms, not ~170)
                known = NoiseSpec.model_validate_json(self.text)
            _specs[self.digest] = known
            if len(_specs) > SPECS_KEPT:
                _specs.popitem(last=False)
        _specs.move_to_end(self.digest)
        return known


SPECS_KEPT = 8
_specs: OrderedDict[str, NoiseSpec] = OrderedDict()


@dataclass(frozen=True)
class WhatIf:
    """A what-if on the model in force, applied in the worker: factors (``scale_noise``) and one qubit's readout."""

    gate: float = 1.0
    readout: float = 1.0
    relaxation: float = 1.0
    qubit: int | None = None
    """The qubit whose readout is replaced by ``p1_given_0``/``p0_given_1``; None leaves readout per qubit as is."""
    p1_given_0: float = 0.0
    p0_given_1: float = 0.0
    idle: float = 1.0

    def __post_init__(self) -> None:
        if self.qubit is None:  # the flips mean nothing without a qubit: equal what-ifs compare equal
            object.__setattr__(self, "p1_given_0", 0.0)
            object.__setattr__(self, "p0_given_1", 0.0)

    @property
    def is_identity(self) -> bool:
        return (self.gate, self.readout, self.relaxation, self.idle, self.qubit) == (1.0, 1.0, 1.0, 1.0, None)

    def with_factor(self, kind: str, factor: float) -> WhatIf:
        """This what-if with the ``kind`` factor (gate, readout or relaxation) set to ``factor``."""
        factors = self.factors()
        if kind not in factors:
            raise ValueError(f"unknown factor {kind!r}; one of {', '.join(factors)}")
        factors[kind] = factor
        return replace(
            self,
            gate=factors["gate"],
            readout=factors["readout"],
            relaxation=factors["relaxation"],
            idle=factors["idle"],
        )

    def factors(self) -> dict[str, float]:
        """The factors by kind, as ``scale_noise`` takes them."""
        return {"gate": self.gate, "readout": self.readout, "relaxation": self.relaxation, "idle": self.idle}

    def describe(self) -> str:
        """'what-if: gate errors ×2, qubit 3 readout P(1|0) 0.05, P(0|1) 0.1' (only what differs from the model)."""
        factors = (
            ("gate errors", self.gate), ("readout errors", self.readout), ("T1/T2 rates", self.relaxation),
            ("idle T1/T2 rates", self.idle),
        )  # fmt: skip
        parts = [f"{name} ×{value:g}" for name, value in factors if value != 1.0]
        if self.qubit is not None:
            parts.append(f"qubit {self.qubit} readout P(1|0) {self.p1_given_0:g}, P(0|1) {self.p0_given_1:g}")
        return "what-if: " + ", ".join(parts)

    def apply(self, spec: NoiseSpec) -> NoiseSpec:
        """The spec the what-if describes (``ScalingError`` for a factor past a channel's limit)."""
        scaled = scale_noise(spec, NoiseFactors.of(self.factors()))
        if self.qubit is None:
            return scaled
        return with_qubit_readout(scaled, self.qubit, self.p1_given_0, self.p0_given_1)


NO_WHAT_IF = WhatIf()


@dataclass(frozen=True)
class RunSettings:
    """How to simulate: shots, seed (transpilation, noise and sampling), method, a pinned layout if any, and whether
    to keep the circuit off couplers without a reported error."""

    shots: int
    seed: int
    method: Method
    initial_layout: tuple[int, ...] | None = None
    """Physical qubit of each circuit qubit; None lets the transpiler choose (it depends on the seed)."""
    avoid_uncalibrated_couplers: bool = False
    """``simulate``'s option of that name: offer the transpiler no coupler without a reported error."""


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


def counts_upload(name: str, content: bytes, circuit: CircuitRequest, settings: RunSettings) -> CountsUpload:
    """An upload's source; its key covers the content, and for bare counts the circuit, layout and seed."""
    digest = hashlib.sha256(content).hexdigest()
    key = f"counts:{digest[:16]}:{circuit.key}:{settings.initial_layout}:{settings.seed}"
    return CountsUpload(key, content, name, circuit, settings.initial_layout, settings.seed)


@dataclass(frozen=True)
class CountsSummary:
    """What an upload holds, without its circuits (circuits stay in the workers): for the page to show."""

    source: str
    sha256: str
    experiments: tuple[tuple[str, str, int, tuple[int, ...] | None], ...]
    """(name, circuit reference, shots, physical qubits) of each circuit."""
    bare: bool
    """Read as the Simulate page's circuit (a Qiskit counts dict or CSV), not a counts file."""


@dataclass(frozen=True)
class Exports:
    """The three documents of a spec, as text, and the approximations the Classiq one needed."""

    full: str
    classiq: str
    classiq_notes: list[str]
    aer: str


def limit_worker_memory(memory_bytes: int) -> None:
    """Worker initializer: cap the process's address space, so an allocation past it fails in the worker."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


OUT_OF_MEMORY_EXIT = 75
"""Exit status of a worker that hit its memory limit (``guarded``)."""


def guarded(function: Callable[..., Result], *args: object) -> Result:
    """``function(*args)``; a ``MemoryError`` ends the worker, whose heap may be left fragmented near its limit.

    Pebble then reports the exit status and starts a fresh worker for the next task.
    """
    try:
        return function(*args)
    except MemoryError:
        os._exit(OUT_OF_MEMORY_EXIT)


def warm_up(device: DeviceSource) -> None:
    """Pay a fresh worker's one-time costs: Qiskit imports its transpiler passes on first use (~1 s),
    and the device the app opens on is loaded (~0.1 s)."""
    simulate(CIRCUIT_LIBRARY["Bell"](), NoiseSpec(), shots=1, seed=0)
    calibration_of(device)


_calibrations: OrderedDict[str, BackendCalibration] = OrderedDict()


def calibration_of(device: DeviceSource) -> BackendCalibration:
    """The device's calibration, loaded on this worker's first use and kept (least recently used out)."""
    if device.key in _calibrations:
        _calibrations.move_to_end(device.key)
        return _calibrations[device.key]
    calibration = device.load()
    _calibrations[device.key] = calibration
    if len(_calibrations) > CALIBRATIONS_KEPT:
        _calibrations.popitem(last=False)
    return calibration


def load_upload(device: DeviceSource) -> BackendCalibration:
    """Parse an upload (bounded: ``load_calibration``); the main process gets the calibration back."""
    return calibration_of(device)


def derive(device: DeviceSource, options: DerivationOptions) -> NoiseSpec:
    """``derive_noise_spec`` on the device (~0.1 s at 156 qubits; an upload's is untrusted work)."""
    return derive_noise_spec(calibration_of(device), options)


def describe_circuit(request: CircuitRequest) -> str:
    """The circuit's name, after building it (library) or parsing it within bounds (OpenQASM)."""
    built = request.build()
    return built.name if isinstance(built, LibraryCircuit) else parse_circuit(built).name


def live_simulation(
    device: DeviceSource,
    spec: SharedSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunSettings,
    live_seconds: float,
    speed: tuple[tuple[str, float], ...] = (),
) -> SimulationResult | SimulationPlan:
    """The result when the run is estimated under ``live_seconds`` on this server (``speed``: its measured
    seconds per cost-model second, by method), planned and run in one task, transpiled once; else the plan that
    says how long it would take. Planned within the memory this worker can still take."""
    arguments = _simulation_arguments(device, _spec_under(spec, what_if), request, settings)
    try:
        result = simulate(
            *arguments[:2], **arguments[2], limits=worker_limits(speed), max_estimated_seconds=live_seconds
        )
    except OverBudgetError as over:
        if not isinstance(over.plan, SimulationPlan):  # errors.py names the plan by what it reads of it
            raise
        return over.plan
    return result


def draw_circuit(
    device: DeviceSource, spec: SharedSpec, what_if: WhatIf, request: CircuitRequest, settings: RunSettings
) -> str | None:
    """The transpiled circuit of that run drawn on device qubits (``draw_on_device``): placed again as
    ``simulate`` places it (the seed fixes the layout), on demand, since drawing costs more than many runs."""
    circuit, scaled, keywords = _simulation_arguments(device, _spec_under(spec, what_if), request, settings)
    calibration = keywords.pop("calibration")
    prepared = prepare_simulation(circuit, scaled, calibration, RunOptions(limits=worker_limits(), **keywords))
    return draw_on_device(prepared.placed.transpiled)


def run_simulation(
    device: DeviceSource, spec: SharedSpec, what_if: WhatIf, request: CircuitRequest, settings: RunSettings
) -> SimulationResult:
    """``simulate`` the circuit on the device under ``spec`` changed by ``what_if``, within this worker's memory."""
    arguments = _simulation_arguments(device, _spec_under(spec, what_if), request, settings)
    return simulate(*arguments[:2], **arguments[2], limits=worker_limits())


@lru_cache(maxsize=SPECS_KEPT)
def _spec_under(spec: SharedSpec, what_if: WhatIf) -> NoiseSpec:
    """``spec`` changed by ``what_if``, kept: the assignment tab and a value toggled back reuse it."""
    return what_if.apply(spec.spec())


def _simulation_arguments(
    device: DeviceSource, spec: NoiseSpec, request: CircuitRequest, settings: RunSettings
) -> tuple[LibraryCircuit | str, NoiseSpec, dict[str, Any]]:
    keywords = {
        "calibration": calibration_of(device),
        "method": settings.method,
        "shots": settings.shots,
        "seed": settings.seed,
        "initial_layout": None if settings.initial_layout is None else tuple(settings.initial_layout),
        "avoid_uncalibrated_couplers": settings.avoid_uncalibrated_couplers,
    }
    return request.build(), spec, keywords


def explain_budget(
    device: DeviceSource,
    spec: SharedSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunSettings,
    metric: Metric,
) -> ErrorBudget:
    """``error_budget`` of the circuit under ``spec`` changed by ``what_if``: the result shown, explained."""
    circuit, scaled, keywords = _simulation_arguments(device, _spec_under(spec, what_if), request, settings)
    return error_budget(circuit, scaled, metric=metric, limits=worker_limits(), **keywords)


def explain_sweep(
    device: DeviceSource,
    spec: SharedSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunSettings,
    kind: str,
    values: tuple[float, ...],
) -> pd.DataFrame:
    """``sweep`` of one factor, the others as ``what_if`` sets them: each value is that factor's absolute
    setting relative to the model in force (so the what-if's own value is a point on the curve)."""
    base = what_if.with_factor(kind, 1.0)
    circuit, scaled, keywords = _simulation_arguments(device, _spec_under(spec, base), request, settings)
    return sweep(circuit, scaled, factors={kind: list(values)}, limits=worker_limits(), **keywords)


def estimate_assignment(
    device: DeviceSource, spec: SharedSpec, what_if: WhatIf, qubits: tuple[int, ...], shots: int, seed: int
) -> AssignmentReport:
    """Specified and estimated assignment matrices of ``qubits`` under ``spec`` changed by ``what_if``."""
    return assignment_report(
        _spec_under(spec, what_if), qubits, calibration=calibration_of(device), shots=shots, seed=seed
    )


def read_counts(upload: CountsUpload) -> CountsSummary:
    """Read an upload strictly (``load_counts``): what it holds, or the ``CountsError`` that says why not."""
    data, bare = upload.measured()
    listed = tuple((item.name, item.reference, item.shots, item.physical_qubits) for item in data.experiments)
    return CountsSummary(data.source, data.sha256, listed, bare)


def fit_counts(device: DeviceSource, spec: SharedSpec, upload: CountsUpload, parameters: tuple[str, ...]) -> NoiseFit:
    """``fit_noise`` of ``parameters`` of ``spec`` to the uploaded counts (with the calibrated comparison)."""
    data, bare = upload.measured()
    seed = upload.placement_seed(bare)
    return fit_noise(spec.spec(), data, calibration=calibration_of(device), parameters=parameters, seed=seed)


@dataclass(frozen=True)
class PlanDownload:
    """A plan as the page offers it: the zip, the instructions and the notes, and the circuits' names."""

    archive: bytes
    instructions: str
    notes: tuple[str, ...]
    circuits: tuple[tuple[str, str], ...]
    """(name, purpose) of each planned circuit."""


def plan_download(device: DeviceSource, qubits: tuple[int, ...], depth: int) -> PlanDownload:
    """``plan_fit_circuits`` on ``qubits``, as the zip to download (circuits built here, never on the server)."""
    plan = plan_fit_circuits(calibration_of(device), qubits, mirror_depth=depth)
    circuits = tuple((item.name, item.purpose) for item in plan.circuits)
    return PlanDownload(plan.archive(), plan.instructions(), plan.notes, circuits)


def example_counts(device: DeviceSource, spec: SharedSpec, qubits: tuple[int, ...], depth: int) -> bytes:
    """A counts file of the plan on ``qubits``, drawn from ``spec`` at gate ×1.8 and readout ×1.3 (4000 shots each):
    counts to try the page with, whose true factors are known."""
    calibration = calibration_of(device)
    plan = plan_fit_circuits(calibration, qubits, mirror_depth=depth)
    truth = scale_noise_on(spec.spec(), qubits, NoiseFactors.of(EXAMPLE_FACTORS))
    return json.dumps(plan.simulated_counts(truth, calibration=calibration, seed=0), indent=1).encode()


@dataclass(frozen=True)
class RestoredSession:
    """A session bundle read and checked in a worker, as plain data for the server to put in force."""

    device: DeviceSource
    device_label: str
    spec: NoiseSpec
    derived: NoiseSpec | None
    options: DerivationOptions
    circuit: CircuitRequest
    settings: RunSettings


def restore_session(content: bytes) -> RestoredSession:
    """``load_session`` with the shipped presets; a bad bundle raises ``SessionError`` listing each problem."""
    bundle = load_session(content, resolve_preset=load_preset).bundle
    part = bundle.calibration
    if part.preset is not None:
        device, label = preset_source(part.preset), f"preset {part.preset}"
    else:
        name = part.filename or "snapshot from a session"
        device, label = upload_source(name, (part.snapshot or "").encode()), f"upload {name}"
    if bundle.circuit.reference is not None:
        circuit = library_request(*parse_reference(bundle.circuit.reference))
    else:
        circuit = qasm_request(bundle.circuit.qasm or "", bundle.circuit.expected)
    run = bundle.run
    layout = None if run.initial_layout is None else tuple(run.initial_layout)
    settings = RunSettings(run.shots, run.seed, run.method, layout, run.avoid_uncalibrated_couplers)
    return RestoredSession(device, label, bundle.spec, bundle.derived, bundle.options, circuit, settings)


def exports(spec: NoiseSpec) -> Exports:
    """The full JSON, Classiq's JSON (approximated where needed) and the Aer dict (builds the whole model)."""
    approximated, notes = approximate_for_classiq(spec)
    return Exports(
        full=spec_to_json(spec),
        classiq=json.dumps(to_classiq_dict(approximated), indent=2),
        classiq_notes=notes,
        aer=json.dumps(to_aer_dict(spec)),
    )
