"""Cached noise_core calls. Cached objects are immutable, so sharing them across reruns is safe.

Keys are cheap strings (the device key, a spec's JSON, a circuit's text); the objects they
stand for are passed with a leading underscore so streamlit does not hash them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.map_geometry import qubit_positions
from components.spec_tables import tables_from_spec
from components.table_changes import changes_from_derived, row_status
from components.worker import run_in_worker
from noise_core import (
    BackendCalibration,
    DerivationOptions,
    NoiseSpec,
    SimulationResult,
    approximate_for_classiq,
    assignment_report,
    derive_noise_spec,
    load_calibration,
    simulate,
    spec_to_json,
    to_aer_dict,
    to_classiq_dict,
)
from noise_core.calibration import coupling_edges, qubit_metrics
from noise_core.simulation import AssignmentReport, SimulationPlan, plan_simulation
from presets import load_preset


@st.cache_resource(show_spinner="Loading calibration snapshot…")
def cached_preset(name: str) -> BackendCalibration:
    return run_in_worker(load_preset, name)


@st.cache_resource(max_entries=8, show_spinner="Reading uploaded snapshot…")
def cached_upload(content: bytes) -> BackendCalibration:
    """Parse uploaded bytes; a rejected document raises and is not cached."""
    return run_in_worker(load_calibration, content)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_device_map(device_key: str, _calibration: BackendCalibration) -> tuple[pd.DataFrame, ...]:
    """(positions, edges, metrics) of a device; computed once per device."""
    edges = run_in_worker(coupling_edges, _calibration)
    return run_in_worker(qubit_positions, _calibration, edges), edges, run_in_worker(qubit_metrics, _calibration)


@st.cache_resource(max_entries=16, show_spinner="Deriving the noise model…")
def cached_derive(device_key: str, options_json: str, _calibration: BackendCalibration) -> NoiseSpec:
    return run_in_worker(derive_noise_spec, _calibration, DerivationOptions.model_validate_json(options_json))


_SPEC_JSON: dict[int, tuple[NoiseSpec, str]] = {}
_SPEC_JSON_SIZE = 16


def spec_json(spec: NoiseSpec) -> str:
    """``spec.model_dump_json()``, computed once per spec object (specs are frozen; ~4 ms at 156 qubits).

    A rerun asks for the same spec's key several times; the memo holds the object, so an id is
    never reused for another spec while its entry lives.
    """
    known = _SPEC_JSON.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    if len(_SPEC_JSON) >= _SPEC_JSON_SIZE:
        _SPEC_JSON.pop(next(iter(_SPEC_JSON)))
    text = spec.model_dump_json()
    _SPEC_JSON[id(spec)] = (spec, text)
    return text


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
    return run_in_worker(tables_from_spec, _spec)


@st.cache_resource(max_entries=32, show_spinner=False)
def cached_plan(
    device_key: str, spec_json: str, circuit_key: str, method: str, shots: int, seed: int,
    _circuit: object, _spec: NoiseSpec, _calibration: BackendCalibration | None,
) -> SimulationPlan:  # fmt: skip
    return run_in_worker(
        plan_simulation, _circuit, _spec, calibration=_calibration, method=method, shots=shots, seed=seed
    )


@st.cache_resource(max_entries=32, show_spinner="Simulating…")
def cached_simulation(
    device_key: str, spec_json: str, circuit_key: str, method: str, shots: int, seed: int,
    _circuit: object, _spec: NoiseSpec, _calibration: BackendCalibration | None,
) -> SimulationResult:  # fmt: skip
    return run_in_worker(simulate, _circuit, _spec, calibration=_calibration, method=method, shots=shots, seed=seed)


@st.cache_resource(max_entries=32, show_spinner="Estimating assignment matrices…")
def cached_assignment(
    device_key: str, spec_json: str, qubits: tuple[int, ...], shots: int, seed: int,
    _spec: NoiseSpec, _calibration: BackendCalibration | None,
) -> AssignmentReport:  # fmt: skip
    return run_in_worker(assignment_report, _spec, qubits, calibration=_calibration, shots=shots, seed=seed)


@st.cache_resource(max_entries=4, show_spinner="Preparing the exports…")
def cached_exports(spec_json: str, _spec: NoiseSpec) -> Exports:
    """The three export documents of a spec (the Aer dict builds the whole model: ~1 s at 156 qubits)."""
    return run_in_worker(_exports, _spec)


@dataclass(frozen=True)
class Exports:
    """The three documents of a spec, as text, and the approximations the Classiq one needed."""

    full: str
    classiq: str
    classiq_notes: list[str]
    aer: str


def _exports(spec: NoiseSpec) -> Exports:
    approximated, notes = approximate_for_classiq(spec)
    return Exports(
        full=spec_to_json(spec),
        classiq=json.dumps(to_classiq_dict(approximated), indent=2),
        classiq_notes=notes,
        aer=json.dumps(to_aer_dict(spec)),
    )
