"""Parse, transpile, place and choose the method: what ``simulate``, ``plan_simulation`` and the analyses share,
so one transpilation serves many runs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd
from qiskit import QuantumCircuit

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import SimulationError
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.coverage import noise_coverage, shot_error_probability
from noise_core.simulation.crosstalk import timed_circuit, zz_totals
from noise_core.simulation.idle import TIME_BOUND_FIELDS, is_time_bound
from noise_core.simulation.methods import check_memory, choose_method, transpile_level, uses_stim
from noise_core.simulation.mps import bond_bounds, bond_work
from noise_core.simulation.options import RunOptions
from noise_core.simulation.placement import PlacedCircuit, place_circuit
from noise_core.simulation.qasm import parse_circuit
from noise_core.spec.models import NoiseSpec


@dataclass(frozen=True)
class PreparedSimulation:
    """A circuit placed on the device and the method chosen for it: what ``simulate``, ``plan_simulation``
    and the analyses (``noise_core.analysis``) share, so one transpilation serves many runs."""

    placed: PlacedCircuit
    spec: NoiseSpec
    """The spec as it runs (``with_idle_choice`` applied)."""
    options: RunOptions
    """The options it was prepared with, seeded (a seed left None is drawn)."""
    expected: frozenset[str] | None
    method: str
    reason: str
    coverage: pd.DataFrame
    """``noise_coverage`` of the transpiled circuit: the report's table and the per-shot error chance."""
    error_probability: float
    timings: dict[str, float]
    """Seconds taken by each stage: parse, transpile, coverage."""
    mps_bonds: tuple[int, ...] = ()
    """For ``matrix_product_state``: the bond bounds of the circuit as it runs, ZZ phases included
    (``mps.bond_bounds``)."""
    mps_bond_work: float = 0.0
    """For ``matrix_product_state``: ``mps.bond_work`` of the same circuit."""


def prepare_simulation(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    calibration: BackendCalibration | None,
    options: RunOptions,
) -> PreparedSimulation:
    """Parse, transpile (seeded; scheduled when the spec has idle noise), choose the method and check its memory.

    Takes ``simulate``'s arguments; the options were checked when they were made.
    """
    options = options.seeded()
    assert options.seed is not None  # seeded
    spec = with_idle_choice(spec, options.idle_noise)
    stopwatch = Stopwatch()
    with stopwatch("parse"):
        logical, expected = as_circuit(circuit, options.expected_outcomes)
    level, level_note = transpile_level(logical, options.optimization_level, options.method, options.limits)
    with stopwatch("transpile"):
        placed = place_circuit(
            logical,
            spec,
            calibration,
            optimization_level=level,
            seed=options.seed % 2**31,
            initial_layout=None if options.initial_layout is None else list(options.initial_layout),
            schedule=is_time_bound(spec),
            avoid_uncalibrated_couplers=options.avoid_uncalibrated_couplers,
        )
    with stopwatch("coverage"):
        coverage = noise_coverage(
            placed.compact, spec, calibration, physical=placed.active_qubits, crosstalk=zz_totals(placed, spec)
        )
    error_probability = shot_error_probability(coverage)
    chosen, reason = choose_method(
        options.method, placed, spec, options.limits, shots=options.shots, error_probability=error_probability
    )
    bonds, work = _mps_cost(placed, spec) if chosen == "matrix_product_state" else ((), 0.0)
    sampler = "stim" if uses_stim(chosen, placed) else "aer"
    check_memory(
        chosen, len(placed.active_qubits), options.shots, error_probability, options.limits, bonds, sampler=sampler
    )
    return PreparedSimulation(
        placed,
        spec,
        options,
        expected,
        chosen,
        reason + level_note,
        coverage,
        error_probability,
        stopwatch.stages,
        bonds,
        work,
    )


def _mps_cost(placed: PlacedCircuit, spec: NoiseSpec) -> tuple[tuple[int, ...], float]:
    """The MPS's bond bounds and bond work on the circuit as it runs: ZZ phases join distant qubits too."""
    timed = timed_circuit(placed, spec)
    bonds = bond_bounds(timed)
    return bonds, bond_work(timed, bonds)


def with_idle_choice(spec: NoiseSpec, idle_noise: bool | None) -> NoiseSpec:
    """``spec`` as ``simulate`` runs it: without its time-bound entries (idle relaxation, detuning, ZZ crosstalk:
    ``idle.TIME_BOUND_FIELDS``) when ``idle_noise`` is False.

    A spec with any of them is scheduled (``prepare_simulation``); one without runs unscheduled.
    """
    if idle_noise is False and is_time_bound(spec):
        return spec.model_copy(update={field: [] for field in TIME_BOUND_FIELDS})
    return spec


def as_circuit(
    circuit: QuantumCircuit | LibraryCircuit | str, expected_outcomes: frozenset[str] | None
) -> tuple[QuantumCircuit, frozenset[str] | None]:
    """The circuit to transpile and its success outcomes: ``expected_outcomes`` when given, else a library
    circuit's own."""
    if isinstance(circuit, LibraryCircuit):
        logical, expected = circuit.circuit, circuit.expected_outcomes
    elif isinstance(circuit, str):
        logical, expected = parse_circuit(circuit), None
    elif isinstance(circuit, QuantumCircuit):
        logical, expected = circuit, None
    else:
        raise SimulationError(f"circuit must be a QuantumCircuit or OpenQASM text; got {type(circuit).__name__}")
    if not any(item.operation.name == "measure" for item in logical.data):
        raise SimulationError("the circuit measures nothing; add measurements (e.g. circuit.measure_all())")
    if expected_outcomes is not None:
        width = logical.num_clbits
        wrong = sorted(o for o in expected_outcomes if len(o) != width)
        if wrong:
            shown = f"{wrong[0]!r:.40}"
            raise SimulationError(f"expected outcomes must be bitstrings of {width} bits (clbit 0 last); got {shown}")
        expected = expected_outcomes
    return logical, expected


@dataclass
class Stopwatch:
    """Seconds per stage, and since ``started`` (``time.perf_counter``)."""

    stages: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[stage] = time.perf_counter() - start

    def series(self) -> pd.Series:
        return pd.Series({**self.stages, "total": time.perf_counter() - self.started}, name="seconds")
