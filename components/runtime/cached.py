"""``noise_core`` calls for the pages: cached, and run in worker processes where qiskit or Aer is involved.

Pure-Python work on data the server already holds (tables, changes, map geometry) runs here,
cached with ``st.cache_resource`` on cheap string keys (the objects they stand for are passed
with a leading underscore so streamlit does not hash them). Everything that transpiles,
simulates, derives an upload or builds an Aer model runs through ``tasks.run_task``, whose
results are kept under the same kind of keys.
"""

from __future__ import annotations

import hashlib
from typing import cast

import pandas as pd
import streamlit as st

from components.logic.caches import SharedCache
from components.logic.map_geometry import pair_error_medians, qubit_positions
from components.logic.spec_tables import tables_from_spec
from components.logic.table_changes import changes_from_derived, row_status
from components.runtime.background import run_as_job
from components.runtime.tasks import run_task
from components.work import jobs
from components.work.replies import CountsSummary, Exports, FrameworkExport, PlanDownload
from components.work.requests import CircuitRequest, CountsUpload, DeviceSource, PlanRequest, SharedSpec, WhatIf
from noise_core import (
    BackendCalibration,
    DerivationOptions,
    ErrorBudget,
    NoiseFit,
    NoiseSpec,
    SimulationResult,
    derive_noise_spec,
)
from noise_core.analysis.approximation import ApproximationCost
from noise_core.analysis.budget import Metric
from noise_core.calibration import coupling_edges, qubit_metrics
from noise_core.simulation import AssignmentReport, SimulationPlan
from noise_core.simulation.options import RunOptions
from noise_core.spec import spec_fingerprint
from presets import load_preset


@st.cache_resource(show_spinner="Loading calibration snapshot…")
def cached_preset(name: str) -> BackendCalibration:
    """A shipped snapshot, parsed here (pure Python, trusted files)."""
    return load_preset(name)


def cached_upload(device: DeviceSource) -> BackendCalibration:
    """Parse uploaded bytes in a worker (size and nesting bounded); a rejected document raises."""
    return run_task("Reading the uploaded snapshot", jobs.load_upload, device, key=("upload", device.key))


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_device_map(device_key: str, _calibration: BackendCalibration) -> tuple[pd.DataFrame, ...]:
    """(positions, edges, metrics) of a device; computed once per device."""
    edges = coupling_edges(_calibration)
    metrics = qubit_metrics(_calibration)
    if _calibration.device_info.all_to_all:  # couplers are not drawn: their errors go in each qubit's hover
        metrics = metrics.assign(**{"2q gate_error (median of its pairs)": pair_error_medians(edges, metrics.index)})
    return qubit_positions(_calibration, edges), edges, metrics


def cached_derive(device: DeviceSource, options: DerivationOptions) -> NoiseSpec:
    """The device's model: a shipped preset's derived here (pure Python on a trusted file, ~0.1 s, so the first page
    draws before the workers are warm), an upload's in a worker (untrusted work)."""
    if device.preset is not None:
        return _derived_preset(device.preset, options.model_dump_json(), options)
    return run_task(
        "Deriving the noise model", jobs.derive, device, options, key=("derive", device.key, options.model_dump_json())
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def _derived_preset(name: str, options_json: str, _options: DerivationOptions) -> NoiseSpec:
    return derive_noise_spec(cached_preset(name), _options)


_SPEC_JSON_SIZE = 16
_SPEC_JSON: SharedCache[tuple[NoiseSpec, str]] = SharedCache(_SPEC_JSON_SIZE, "first in")
"""Spec texts by the spec's id, shared by every session (first in out)."""


def spec_json(spec: NoiseSpec) -> str:
    """``spec.model_dump_json()``, computed once per spec object (specs are frozen; ~4 ms at 156 qubits).

    A rerun asks for the same spec's key several times. Each entry holds its spec, so while it is
    kept no other object can have that id: an entry found under ``id(spec)`` is ``spec``'s.
    """
    return _SPEC_JSON.get_or_compute(id(spec), lambda: (spec, spec.model_dump_json()))[1]


def spec_digest(spec: NoiseSpec) -> str:
    """SHA-256 of the spec's JSON (provenance included): the key its task results are kept under."""
    return hashlib.sha256(spec_json(spec).encode()).hexdigest()


def shared_spec(spec: NoiseSpec) -> SharedSpec:
    """How a task receives a spec: its JSON and digest (memoized here), validated once per worker."""
    return SharedSpec(spec_digest(spec), spec_json(spec))


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_sources(base_json: str, derived_json: str, _base: NoiseSpec, _derived: NoiseSpec) -> dict[str, pd.Series]:
    """Per table, each editor row's source ('calibration', 'edited', 'added') against the derived model."""
    base, derived = cached_tables(base_json, _base), cached_tables(derived_json, _derived)
    return {name: row_status(base[name], derived[name], name) for name in base}


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_changes(spec_json: str, derived_json: str, _spec: NoiseSpec, _derived: NoiseSpec) -> pd.DataFrame:
    return changes_from_derived(cached_tables(spec_json, _spec), cached_tables(derived_json, _derived))


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_tables(spec_json: str, _spec: NoiseSpec) -> dict[str, pd.DataFrame]:
    return tables_from_spec(_spec)


@st.cache_resource(max_entries=8, show_spinner=False)
def _spec_fingerprint(digest: str, _spec: NoiseSpec) -> str:
    return spec_fingerprint(_spec)


def cached_spec_fingerprint(spec: NoiseSpec) -> str:
    """``spec_fingerprint``, computed once per spec (~30 ms at 156 qubits)."""
    return _spec_fingerprint(spec_digest(spec), spec)


def cached_circuit_name(request: CircuitRequest) -> str:
    """Build (library) or parse (OpenQASM) the circuit in a worker: its name, or the error that explains it."""
    return run_task("Reading the circuit", jobs.describe_circuit, request, key=("circuit", request.key))


def cached_live(
    device: DeviceSource,
    spec: NoiseSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunOptions,
    live_seconds: float,
    speed: tuple[tuple[str, float], ...] = (),
) -> SimulationResult | SimulationPlan:
    """Plan, and run at once if estimated under ``live_seconds`` on this server (``speed``, ``run_speed``): one
    task, one round trip per edit."""
    key = ("live", device.key, spec_digest(spec), what_if, request.key, settings, live_seconds, speed)
    arguments = (device, shared_spec(spec), what_if, request, settings, live_seconds, speed)
    return run_task("Simulating", jobs.live_simulation, *arguments, key=key)


def simulation_key(
    device: DeviceSource, spec: NoiseSpec, what_if: WhatIf, request: CircuitRequest, settings: RunOptions
) -> tuple[object, ...]:
    """What a run's result depends on: its cache key, and its job's inputs."""
    return ("simulate", device.key, spec_digest(spec), what_if, request.key, settings)


def cached_simulation(
    device: DeviceSource,
    spec: NoiseSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunOptions,
    *,
    label: str,
) -> SimulationResult:
    """A run too long for the live loop (started by the Run button), as a job called ``label``."""
    key = simulation_key(device, spec, what_if, request, settings)
    arguments = (device, shared_spec(spec), what_if, request, settings)
    return run_as_job("run", label, jobs.run_simulation, *arguments, key=key)


def cached_drawing(
    device: DeviceSource, spec: NoiseSpec, what_if: WhatIf, request: CircuitRequest, settings: RunOptions
) -> str | None:
    """The shown run's transpiled circuit drawn on device qubits (placed again in a worker, on demand)."""
    key = ("drawing", device.key, spec_digest(spec), what_if, request.key, settings)
    arguments = (device, shared_spec(spec), what_if, request, settings)
    return run_task("Drawing the circuit", jobs.draw_circuit, *arguments, key=key)


def cached_assignment(
    device: DeviceSource, spec: NoiseSpec, what_if: WhatIf, qubits: tuple[int, ...], shots: int, seed: int
) -> AssignmentReport:
    key = ("assignment", device.key, spec_digest(spec), what_if, qubits, shots, seed)
    arguments = (device, shared_spec(spec), what_if, qubits, shots, seed)
    return run_task("Estimating assignment matrices", jobs.estimate_assignment, *arguments, key=key)


def cached_budget(
    device: DeviceSource,
    spec: NoiseSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunOptions,
    metric: Metric,
    *,
    label: str,
) -> ErrorBudget:
    """The error budget of the result shown (one batched run per kind and location; seconds at 11 qubits), as a
    job (``run_as_job``) called ``label``."""
    key = ("budget", device.key, spec_digest(spec), what_if, request.key, settings, metric)
    arguments = (device, shared_spec(spec), what_if, request, settings, metric)
    return run_as_job("budget", label, jobs.explain_budget, *arguments, key=key)


def cached_sweep(
    device: DeviceSource,
    spec: NoiseSpec,
    what_if: WhatIf,
    request: CircuitRequest,
    settings: RunOptions,
    kind: str,
    values: tuple[float, ...],
    *,
    label: str,
) -> pd.DataFrame:
    """A sweep of one factor around the result shown (one transpilation, the points as one batch), as a job."""
    key = ("sweep", device.key, spec_digest(spec), what_if, request.key, settings, kind, values)
    arguments = (device, shared_spec(spec), what_if, request, settings, kind, values)
    return run_as_job("sweep", label, jobs.explain_sweep, *arguments, key=key)


def cached_counts_summary(upload: CountsUpload) -> CountsSummary:
    """Read uploaded counts in a worker (their circuits are built there): what they hold, or the ``CountsError``."""
    return run_task("Reading the counts", jobs.read_counts, upload, lane="heavy", key=("counts", upload.key))


FIT_REMEDY = (
    "fit fewer parameters or circuits at once, or run the same fit without a time limit on several processes: "
    "python -m noise_core fit SNAPSHOT COUNTS --parameters … --workers 2"
)
"""What a fit stopped by the time limit should change (a per-location fit of 18 circuits and 22 parameters takes
about 85 s in one process, 55 s on two)."""


def cached_fit(
    device: DeviceSource, spec: NoiseSpec, upload: CountsUpload, parameters: tuple[str, ...], *, label: str
) -> NoiseFit:
    """The fit of ``parameters`` to the counts (exact simulations on a grid, then likelihood maximisation), as a
    job: without the app's per-task time limit (the job limit instead)."""
    key = ("fit", device.key, spec_digest(spec), upload.key, parameters)
    arguments = (device, shared_spec(spec), upload, parameters)
    return run_as_job("fit", label, jobs.fit_counts, *arguments, key=key, remedy=FIT_REMEDY)


def cached_plan(device: DeviceSource, request: PlanRequest) -> PlanDownload:
    """The circuits a fit needs, zipped as OpenQASM with a counts template."""
    return run_task("Planning the circuits", jobs.plan_download, device, request, key=("plan", device.key, request))


def cached_example_counts(device: DeviceSource, spec: NoiseSpec, request: PlanRequest) -> bytes:
    """Example counts of the plan, drawn from the model at known values (one exact simulation per circuit)."""
    key = ("example_counts", device.key, spec_digest(spec), request)
    return run_task("Drawing example counts", jobs.example_counts, device, shared_spec(spec), request, lane="heavy",
                    key=key)  # fmt: skip


def cached_plan_precision(device: DeviceSource, spec: NoiseSpec, request: PlanRequest) -> pd.DataFrame:
    """How well the plan pins each per-location parameter under the model in force (Fisher information)."""
    key = ("plan_precision", device.key, spec_digest(spec), request)
    arguments = (device, shared_spec(spec), request)
    return run_task("Checking what the plan pins", jobs.plan_precision, *arguments, lane="heavy", key=key)


def cached_classiq_cost(
    device: DeviceSource, spec: NoiseSpec, request: CircuitRequest, settings: RunOptions
) -> ApproximationCost:
    """The Classiq approximation's TVD on the Simulate page's circuit (two runs, on the heavy lane)."""
    key = ("classiq_cost", device.key, spec_digest(spec), request.key, settings)
    arguments = (device, shared_spec(spec), request, settings)
    return run_task("Measuring the Classiq approximation", jobs.classiq_cost, *arguments, lane="heavy", key=key)


def cached_circuit_exports(
    device: DeviceSource, spec: NoiseSpec, request: CircuitRequest, settings: RunOptions
) -> tuple[FrameworkExport, ...]:
    """The Simulate page's circuit under the model for Stim and Amazon Braket (the Stim one measures its twirl)."""
    key = ("circuit_exports", device.key, spec_digest(spec), request.key, settings)
    arguments = (device, shared_spec(spec), request, settings)
    return cast(
        tuple[FrameworkExport, ...],
        run_task("Writing the circuit for Stim and Braket", jobs.circuit_exports, *arguments, lane="heavy", key=key),
    )


def cached_exports(spec: NoiseSpec) -> Exports:
    """The three export documents of a spec (the Aer dict builds the whole model: ~1 s at 156 qubits)."""
    return cast(
        Exports, run_task("Preparing the exports", jobs.exports, spec, lane="heavy", key=("exports", spec_digest(spec)))
    )
