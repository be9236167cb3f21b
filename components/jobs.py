"""What the worker processes run: ``noise_core`` calls on a device they load once and keep.

This module never imports streamlit: it is imported by the worker processes (``tasks``). Every
argument and result crosses a process boundary by pickling, so jobs take a ``DeviceSource``
(a preset's name or an upload's bytes) instead of a 156-qubit calibration (pickled both ways
that costs ~0.2 s), and each worker keeps the calibrations it loaded, and Aer's built errors and
noise models, warm across tasks.
"""

from __future__ import annotations

import json
import os
import resource
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from noise_core import (
    BackendCalibration,
    DerivationOptions,
    LibraryCircuit,
    NoiseSpec,
    SimulationResult,
    approximate_for_classiq,
    assignment_report,
    derive_noise_spec,
    load_calibration,
    parse_circuit,
    simulate,
    spec_to_json,
    to_aer_dict,
    to_classiq_dict,
)
from noise_core.simulation import CIRCUIT_LIBRARY, AssignmentReport, SimulationPlan, plan_simulation
from noise_core.simulation.methods import Method
from presets import load_preset

Result = TypeVar("Result")
CALIBRATIONS_KEPT = 4
"""Calibrations each worker keeps loaded (a 156-qubit one holds ~20 MB)."""


@dataclass(frozen=True)
class DeviceSource:
    """Where a device's calibration comes from: a shipped preset, or the bytes of an upload."""

    key: str
    preset: str | None = None
    content: bytes | None = None

    def load(self) -> BackendCalibration:
        return load_preset(self.preset) if self.preset is not None else load_calibration(self.content or b"")


def preset_source(name: str) -> DeviceSource:
    """The source of a shipped preset; its key names it, so every session shares its results."""
    return DeviceSource(f"preset:{name}", preset=name)


@dataclass(frozen=True)
class CircuitRequest:
    """A circuit as plain data: a library entry with its parameters, or OpenQASM text."""

    key: str
    library: str | None = None
    parameters: tuple[tuple[str, object], ...] = ()
    qasm: str | None = None

    def build(self) -> LibraryCircuit | str:
        """The library circuit (``CircuitError`` for bad parameters), or the program text as is."""
        if self.library is not None:
            return CIRCUIT_LIBRARY[self.library](**dict(self.parameters))
        return self.qasm or ""


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


def plan(
    device: DeviceSource, spec: NoiseSpec, request: CircuitRequest, method: Method, shots: int, seed: int
) -> SimulationPlan:
    """``plan_simulation``: transpile and choose the method, with time and memory estimates."""
    return plan_simulation(
        request.build(), spec, calibration=calibration_of(device), method=method, shots=shots, seed=seed
    )


def run_simulation(
    device: DeviceSource, spec: NoiseSpec, request: CircuitRequest, method: Method, shots: int, seed: int
) -> SimulationResult:
    """``simulate`` the circuit on the device under ``spec``."""
    return simulate(request.build(), spec, calibration=calibration_of(device), method=method, shots=shots, seed=seed)  # type: ignore[arg-type]


def estimate_assignment(
    device: DeviceSource, spec: NoiseSpec, qubits: tuple[int, ...], shots: int, seed: int
) -> AssignmentReport:
    """Specified and estimated assignment matrices of ``qubits`` (10 small simulations by default)."""
    return assignment_report(spec, qubits, calibration=calibration_of(device), shots=shots, seed=seed)


def exports(spec: NoiseSpec) -> Exports:
    """The full JSON, Classiq's JSON (approximated where needed) and the Aer dict (builds the whole model)."""
    approximated, notes = approximate_for_classiq(spec)
    return Exports(
        full=spec_to_json(spec),
        classiq=json.dumps(to_classiq_dict(approximated), indent=2),
        classiq_notes=notes,
        aer=json.dumps(to_aer_dict(spec)),
    )
