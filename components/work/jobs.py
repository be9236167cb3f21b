"""The jobs the worker processes run: ``noise_core`` calls on a device they load once and keep.

Each job takes the plain values of ``components.work.requests`` and returns the library's results
or ``components.work.replies``. This module never imports streamlit: the worker processes'
forkserver imports it (``components.runtime.startup.PRELOAD``), with qiskit and Aer.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd

from components.logic.caches import SharedCache
from components.work.framework_exports import circuit_framework_exports, spec_framework_exports
from components.work.limits import worker_limits
from components.work.replies import CountsSummary, Exports, FrameworkExport, PlanDownload, RestoredSession
from components.work.requests import (
    SPECS_KEPT,
    CircuitRequest,
    CountsUpload,
    DeviceSource,
    PlanRequest,
    SharedSpec,
    WhatIf,
    library_request,
    preset_source,
    qasm_request,
    upload_source,
)
from components.work.worker import calibration_of
from noise_core import (
    BackendCalibration,
    DerivationOptions,
    ErrorBudget,
    LibraryCircuit,
    NoiseFit,
    NoiseSpec,
    SimulationResult,
    approximate_for_classiq,
    assignment_report,
    derive_noise_spec,
    error_budget,
    fit_noise,
    load_session,
    parse_circuit,
    simulate,
    spec_to_json,
    sweep,
    to_aer_dict,
    to_classiq_dict,
)
from noise_core.analysis.approximation import ApproximationCost, classiq_approximation_cost
from noise_core.analysis.budget import Metric
from noise_core.analysis.locations import applied, parse_parameter
from noise_core.errors import OverBudgetError
from noise_core.export import aer_dict_omissions
from noise_core.frameworks.report import aer_report, classiq_report, with_report
from noise_core.simulation import AssignmentReport, SimulationPlan
from noise_core.simulation.circuit_facts import draw_on_device
from noise_core.simulation.options import RunOptions
from noise_core.simulation.prepare import prepare_simulation
from noise_core.simulation.references import parse_reference
from noise_core.spec.factors import NoiseFactors
from noise_core.spec.scaling import scale_noise_on
from presets import load_preset

EXAMPLE_FACTORS = NoiseFactors(gate=1.8, readout=1.3)
"""The factors the example counts are drawn at (the issue's coverage study's)."""
PRECISION_SHOTS = 4000
"""Shots per circuit the plan's precision is stated at."""


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
    settings: RunOptions,
    live_seconds: float,
    speed: tuple[tuple[str, float], ...] = (),
) -> SimulationResult | SimulationPlan:
    """The result when the run is estimated under ``live_seconds`` on this server (``speed``: its measured
    seconds per cost-model second, by method), planned and run in one task, transpiled once; else the plan that
    says how long it would take. Planned within the memory this worker can still take."""
    scaled = _spec_under(spec, what_if)
    options = _within_this_worker(settings, speed)
    try:
        result = simulate(
            request.build(), scaled, options, calibration=calibration_of(device), max_estimated_seconds=live_seconds
        )
    except OverBudgetError as over:
        if not isinstance(over.plan, SimulationPlan):  # errors.py names the plan by what it reads of it
            raise
        return over.plan
    return result


def draw_circuit(
    device: DeviceSource, spec: SharedSpec, what_if: WhatIf, request: CircuitRequest, settings: RunOptions
) -> str | None:
    """The transpiled circuit of that run drawn on device qubits (``draw_on_device``): placed again as
    ``simulate`` places it (the seed fixes the layout), on demand, since drawing costs more than many runs."""
    options = _within_this_worker(settings)
    prepared = prepare_simulation(request.build(), _spec_under(spec, what_if), calibration_of(device), options)
    return draw_on_device(prepared.placed.transpiled)


def run_simulation(
    device: DeviceSource, spec: SharedSpec, what_if: WhatIf, request: CircuitRequest, settings: RunOptions
) -> SimulationResult:
    """``simulate`` the circuit on the device under ``spec`` changed by ``what_if``, within this worker's memory."""
    options = _within_this_worker(settings)
    return simulate(request.build(), _spec_under(spec, what_if), options, calibration=calibration_of(device))


def _within_this_worker(settings: RunOptions, speed: tuple[tuple[str, float], ...] = ()) -> RunOptions:
    """The run settings a page sent, planned within the memory this worker can still take (``worker_limits``)."""
    return replace(settings, limits=worker_limits(speed))


def _spec_under(spec: SharedSpec, what_if: WhatIf) -> NoiseSpec:
    """``spec`` changed by ``what_if``, kept (least recently used out): the assignment tab and a value toggled back
    reuse it."""
    return _SPECS_UNDER.get_or_compute((spec, what_if), lambda: what_if.apply(spec.spec()))


_SPECS_UNDER: SharedCache[NoiseSpec] = SharedCache(SPECS_KEPT)


def explain_budget(
    device: DeviceSource,
    spec: SharedSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunOptions,
    metric: Metric,
) -> ErrorBudget:
    """``error_budget`` of the circuit under ``spec`` changed by ``what_if``: the result shown, explained."""
    options = _within_this_worker(settings)
    scaled = _spec_under(spec, what_if)
    return error_budget(request.build(), scaled, options, calibration=calibration_of(device), metric=metric)


def explain_sweep(
    device: DeviceSource,
    spec: SharedSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunOptions,
    kind: str,
    values: tuple[float, ...],
) -> pd.DataFrame:
    """``sweep`` of one factor, the others as ``what_if`` sets them: each value is that factor's absolute
    setting relative to the model in force (so the what-if's own value is a point on the curve)."""
    base = what_if.with_factor(kind, 1.0)
    options = _within_this_worker(settings)
    scaled = _spec_under(spec, base)
    return sweep(request.build(), scaled, options, calibration=calibration_of(device), factors={kind: list(values)})


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


def plan_download(device: DeviceSource, request: PlanRequest) -> PlanDownload:
    """``plan_fit_circuits`` as ``request`` asks, as the zip to download (circuits built here, never on the server)."""
    plan = request.plan(calibration_of(device))
    circuits = tuple((item.name, item.purpose) for item in plan.circuits)
    return PlanDownload(plan.archive(), plan.instructions(), plan.notes, circuits)


def example_truth(spec: NoiseSpec, request: PlanRequest) -> NoiseSpec:
    """What example counts are drawn from: ``spec`` at ``EXAMPLE_FACTORS`` on the plan's qubits, and for a
    characterization plan also ``example_physics`` (per-location values a fit should find)."""
    scaled = scale_noise_on(spec, request.qubits, EXAMPLE_FACTORS)
    physics = example_physics(request.qubits) if request.characterization else {}
    parameters = [parse_parameter(name, scaled, 5.0) for name in physics]
    return applied(scaled.model_dump(mode="json"), parameters, list(physics.values()))


def example_physics(qubits: tuple[int, ...]) -> dict[str, float]:
    """Detuning 20 kHz and sx over-rotation 0.02 rad on the first qubit, ZZ 50 kHz between the first two."""
    first = qubits[0]
    physics = {f"detuning[{first}]": 20.0, f"overrotation[sx:{first}]": 0.02}
    if len(qubits) > 1:
        physics[f"zz[{min(first, qubits[1])},{max(first, qubits[1])}]"] = 50.0
    return physics


def example_counts(device: DeviceSource, spec: SharedSpec, request: PlanRequest) -> bytes:
    """A counts file of the plan, drawn from ``example_truth`` (4000 shots each): counts to try the page with, whose
    true values are known."""
    calibration = calibration_of(device)
    truth = example_truth(spec.spec(), request)
    document = request.plan(calibration).simulated_counts(truth, calibration=calibration, seed=0)
    return json.dumps(document, indent=1).encode()


def plan_precision(device: DeviceSource, spec: SharedSpec, request: PlanRequest) -> pd.DataFrame:
    """``FitPlan.precision`` of the plan under the model in force at 4000 shots per circuit."""
    calibration = calibration_of(device)
    return request.plan(calibration).precision(spec.spec(), calibration=calibration, shots=PRECISION_SHOTS)


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
    return RestoredSession(device, label, bundle.spec, bundle.derived, bundle.options, circuit, bundle.run.options())


def classiq_cost(
    device: DeviceSource, spec: SharedSpec, request: CircuitRequest, settings: RunOptions
) -> ApproximationCost:
    """How far Classiq's export of the model moves the Simulate page's circuit (``classiq_approximation_cost``)."""
    options = _within_this_worker(settings)
    return classiq_approximation_cost(request.build(), spec.spec(), options, calibration=calibration_of(device))


def exports(spec: NoiseSpec) -> Exports:
    """The full JSON, Classiq's JSON (approximated where needed), the Aer dict (builds the whole model), each with its
    report in the file, and the Cirq and PennyLane models (``framework_exports``)."""
    approximated, notes = approximate_for_classiq(spec)
    classiq, aer = classiq_report(spec, notes), aer_report(spec)
    return Exports(
        full=spec_to_json(spec),
        classiq=json.dumps(with_report(to_classiq_dict(approximated), classiq), indent=2),
        classiq_notes=notes,
        classiq_report=classiq,
        aer=json.dumps(with_report(to_aer_dict(spec), aer)),
        aer_notes=aer_dict_omissions(spec),
        aer_report=aer,
        frameworks=spec_framework_exports(spec),
    )


def circuit_exports(
    device: DeviceSource, spec: SharedSpec, request: CircuitRequest, settings: RunOptions
) -> tuple[FrameworkExport, ...]:
    """The Simulate page's circuit under the model for Stim and for Amazon Braket (``framework_exports``)."""
    options = _within_this_worker(settings)
    return circuit_framework_exports(request.build(), spec.spec(), calibration_of(device), options)
