"""``simulate``: a circuit on a (noisy) device, exactly where it can be, sampled otherwise.

Stages (each timed in ``SimulationResult.timings``):

1. **parse**: a ``QuantumCircuit``, a ``LibraryCircuit``, or OpenQASM 2/3 text.
2. **transpile** to the calibration's ``Target`` (``target``), or to the spec's basis on an
   all-to-all register, then keep only the active qubits (``placement``).
3. **noise model** for those qubits only, renumbered (cached on the spec's JSON and qubits).
4. **simulate** (``run``) with the method chosen from the active register (``methods.choose_method``):

   - ``density_matrix`` (exact): when 4ⁿ·16 bytes fits ``exact_budget_bytes``. Aer evolves the
     density matrix and saves the probabilities of the measured qubits before measurement;
     readout confusion is then applied analytically (``readout_sampling.apply_assignment``) and shots are
     sampled from the exact distribution with the seed.
   - ``stabilizer``: Clifford circuits whose channels are all Pauli (no thermal relaxation), at
     any width: Stim when every measurement is at the end, else Aer.
   - ``trajectories``: Aer's statevector method, one noisy trajectory per shot.
   - approximately, beyond those: ``twirled`` (the model Pauli-twirled, on Stim: ``pauli_circuit``; the result
     carries the twirl measured on a narrower copy, ``twirl_measurement``) and ``matrix_product_state`` (``mps``).

   Readout is applied outside Aer where it can be (see ``run``).

5. **metrics**: total variation distance and Hellinger fidelity between ideal and noisy
   distributions (exact when both are exact, else from counts), and the success probability
   when the circuit's ideal outcomes are known.

Seeds: one user seed drives the transpiler, Aer and the sampling. Aer seeds shot *i* with
``seed_simulator + i``, so Aer runs whose seeds differ by less than the shot count share
most of their shots; the user seed is therefore hashed (``numpy.random.SeedSequence``) into
Aer's seed, and seeds 1 and 2 give independent samples. Stim (the stabilizer and twirled methods) takes the same
hashed seed; its samples for a seed repeat on one Stim version and machine type (its SIMD width), not across them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit
from typing_extensions import Unpack

from noise_core.calibration.fingerprint import calibration_mismatch
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import NoiseStudioError, OverBudgetError
from noise_core.simulation.circuit_facts import circuit_facts
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.cost import estimated_peak_bytes, estimated_seconds, twirl_measurement_seconds
from noise_core.simulation.coverage import uncalibrated_couplers, uncovered
from noise_core.simulation.idle import is_time_bound, schedule_timeline
from noise_core.simulation.methods import exact_ideal, uses_stim
from noise_core.simulation.options import RunOptions, RunShortcuts, run_options
from noise_core.simulation.placement import PlacedCircuit, has_control_flow
from noise_core.simulation.prepare import PreparedSimulation, Stopwatch, prepare_simulation
from noise_core.simulation.result import SimulationResult, distribution_metrics, metric_standard_errors
from noise_core.simulation.run import NOISE_MODELS, AerRun
from noise_core.simulation.target import summarize_left_out
from noise_core.simulation.twirl_measurement import STAND_IN_WIDTH, measure_twirl
from noise_core.spec.models import NoiseSpec


def simulate(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    options: RunOptions | None = None,
    *,
    calibration: BackendCalibration | None = None,
    max_estimated_seconds: float | None = None,
    **shortcuts: Unpack[RunShortcuts],
) -> SimulationResult:
    """Simulate ``circuit`` under ``spec`` on ``calibration``'s device (or an ideal register).

    - ``circuit``: a measured ``QuantumCircuit``, a ``circuits`` library entry (its expected
      outcomes give the success probability), or OpenQASM 2/3 text.
    - ``options``: shots, seed, method, transpiler level and layout, limits, expected outcomes,
      idle noise and uncalibrated couplers (``RunOptions``, where each is described); its fields
      may also be given as keywords (``shots=100, seed=1``), which replace those of ``options``.
    - ``calibration``: transpile to this device's ``Target`` and read its physical qubits'
      noise from ``spec``; None simulates the circuit's own qubits with the spec's basis.
    - ``max_estimated_seconds``: when the plan (``plan_simulation``'s estimate) exceeds it, raise
      ``OverBudgetError`` carrying the plan instead of simulating: a live loop plans and runs in
      one call, transpiling once.

    Uncalibrated couplers (``RunOptions.avoid_uncalibrated_couplers``) are offered by default: the
    device offers them and runs circuits placed on them, a pinned layout means "run here", and
    results saved before the option (sessions, fits to counts measured on those qubits, scripts)
    reproduce. Either way the run says so: a run that uses such couplers warns, naming each in
    physical qubits (a derived model gives them relaxation only, so the result looks better than the
    device; the layout passes score them as their gate's median coupler, so a free layout does not
    seek them), and a run that avoids them lists them among the entries not offered.

    Raises ``SimulationError`` saying what to change, and ``CircuitParseError`` (line, column,
    what was expected) for unreadable OpenQASM.
    """
    started = time.perf_counter()
    prepared = prepare_simulation(circuit, spec, calibration, run_options(options, shortcuts))
    plan = _plan_of(prepared, time.perf_counter() - started)
    if max_estimated_seconds is not None and plan.estimated_seconds > max_estimated_seconds:
        raise OverBudgetError(plan, max_estimated_seconds)
    stopwatch = Stopwatch(dict(prepared.timings), started)
    placed, spec, options = prepared.placed, prepared.spec, prepared.options
    seed, shots, limits = options.seed, options.shots, options.limits
    assert seed is not None  # prepare_simulation seeded it
    rng = np.random.default_rng(seed)
    with stopwatch("noise model"):  # Stim's runs read the channels from the spec (pauli_circuit)
        model = (
            None if uses_stim(prepared.method, placed) else NOISE_MODELS.get(spec, placed, readout=not placed.terminal)
        )
    aer_seeds = [int(value) for value in rng.integers(0, 2**31 - 1, size=2)]
    run = AerRun(placed, spec, model, shots, rng, aer_seeds, limits)
    with stopwatch("simulate ideal"):
        ideal_probabilities, ideal_counts = run.ideal()
    with stopwatch("simulate noisy"):
        noisy_probabilities, noisy_counts = run.noisy(prepared.method)
    with stopwatch("report"):
        metrics = distribution_metrics(
            ideal_probabilities, noisy_probabilities, ideal_counts, noisy_counts, prepared.expected
        )
        if not metrics.exact:
            errors = metric_standard_errors(ideal_probabilities, ideal_counts, noisy_counts, prepared.expected, seed)
            metrics = replace(metrics, standard_errors=errors)
        warnings = _warnings(placed, prepared.coverage, spec, calibration)
        if is_time_bound(spec) and calibration is not None and has_control_flow(placed.compact):
            warnings += (
                "A dynamic circuit is not scheduled (Qiskit's scheduling passes do not take branches): idle "
                "relaxation and detuning act only on the delays it contains, and ZZ crosstalk not at all",
            )
    measured = None
    if prepared.method == "twirled":
        with stopwatch("twirl measured"):
            try:
                measured = measure_twirl(
                    circuit, spec, calibration, physical_qubits=placed.initial_layout, options=options
                )
            except NoiseStudioError as error:  # the wide result stands; only its measured size is missing
                warnings += (f"The twirl was not measured on a narrower copy of the circuit: {error}",)
    return SimulationResult(
        ideal_counts=ideal_counts,
        noisy_counts=noisy_counts,
        ideal_probabilities=ideal_probabilities,
        noisy_probabilities=noisy_probabilities,
        metrics=metrics,
        method=prepared.method,
        method_reason=prepared.reason,
        approximation=run.approximation(prepared.method),
        twirl_measured=measured,
        shots=shots,
        seed=seed,
        expected_outcomes=prepared.expected,
        active_qubits=placed.active_qubits,
        measured_qubits=pd.Series(dict(placed.measurements), name="physical qubit", dtype=int).rename_axis("clbit"),
        initial_layout=placed.initial_layout,
        final_layout=placed.final_layout,
        transpiled=placed.transpiled,
        circuit=circuit_facts(placed.compact, placed.routing_swaps),
        coverage=prepared.coverage,
        timings=stopwatch.series(),
        model_seconds=plan.estimated_seconds / limits.speed_of(plan.method),
        warnings=warnings,
        schedule=_schedule_of(placed, calibration),
    )


@dataclass(frozen=True)
class SimulationPlan:
    """What ``simulate`` would do, without doing it: for deciding whether to run it live."""

    method: str
    reason: str
    active_qubits: tuple[int, ...]
    num_instructions: int
    estimated_seconds: float
    """The simulation stages (ideal and noisy): the cost model's estimate (``cost.estimated_seconds``) times the
    machine's measured speed for the method (``SimulationLimits.speed``)."""
    estimated_bytes: int
    """Peak memory of the simulation beyond the process's own (``cost.estimated_peak_bytes``)."""
    preparation_seconds: float = 0.0
    """Measured: parsing, transpiling and the coverage, which a run does again before simulating."""


def plan_simulation(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    options: RunOptions | None = None,
    *,
    calibration: BackendCalibration | None = None,
    **shortcuts: Unpack[RunShortcuts],
) -> SimulationPlan:
    """Transpile and choose the method as ``simulate`` would, and estimate the simulation time.

    Takes ``simulate``'s arguments and shares its preparation, so the plan is for the very run
    ``simulate`` makes with the same seed. The estimates (``cost``) cover the simulation stages;
    transpilation comes on top. Raises what ``simulate`` would.
    """
    started = time.perf_counter()
    prepared = prepare_simulation(circuit, spec, calibration, run_options(options, shortcuts))
    return _plan_of(prepared, time.perf_counter() - started)


LEFT_OUT_NOTE = "not offered to the transpiler: "
"""How a warning about the device starts (entries the Target left out, whichever circuit runs), so that a page can
tell it from the warnings about the run."""


def _plan_of(prepared: PreparedSimulation, preparation_seconds: float) -> SimulationPlan:
    shots, limits = prepared.options.shots, prepared.options.limits
    width, operations = len(prepared.placed.active_qubits), len(prepared.placed.compact.data)
    placed = prepared.placed
    sampler = "stim" if uses_stim(prepared.method, placed) else "aer"
    model = estimated_seconds(
        prepared.method,
        width,
        operations,
        shots,
        prepared.error_probability,
        sampler=sampler,
        exact_ideal=exact_ideal(placed, limits),
        bond_work=prepared.mps_bond_work,
    )
    if prepared.method == "twirled":
        model += twirl_measurement_seconds(STAND_IN_WIDTH, width, operations)
    seconds = model * limits.speed_of(prepared.method)
    peak = estimated_peak_bytes(
        prepared.method, width, shots, prepared.error_probability, prepared.mps_bonds, sampler=sampler
    )
    return SimulationPlan(
        prepared.method, prepared.reason, prepared.placed.active_qubits, operations, seconds, peak, preparation_seconds
    )


def _schedule_of(placed: PlacedCircuit, calibration: BackendCalibration | None) -> pd.DataFrame | None:
    """The timeline of a scheduled circuit on its device (None when it was not scheduled)."""
    if calibration is None or not any(item.operation.name == "delay" for item in placed.compact.data):
        return None
    return schedule_timeline(placed.compact, calibration, physical=placed.active_qubits)


def _warnings(
    placed: PlacedCircuit, coverage: pd.DataFrame, spec: NoiseSpec, calibration: BackendCalibration | None
) -> tuple[str, ...]:
    mismatch = calibration_mismatch(spec, calibration) if calibration else None
    notes = [] if mismatch is None else [mismatch[0].upper() + mismatch[1:]]
    missing = uncovered(coverage)
    if not missing.empty:
        listed = ", ".join(f"{row.instruction} on [{row.qubits}] ×{row.count}" for row in missing.head(8).itertuples())
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        notes.append(
            f"{int(missing['count'].sum())} instruction(s) ran without noise because the spec has no channel "
            f"for them: {listed}{more}"
        )
    notes += [f"{LEFT_OUT_NOTE}{line}" for line in summarize_left_out(placed.left_out)]
    if calibration is not None:
        notes += _uncalibrated_warning(coverage)
    return tuple(notes)


def _uncalibrated_warning(coverage: pd.DataFrame) -> tuple[str, ...]:
    """The warning naming each coupler without a reported error the circuit uses (physical qubits, smaller first),
    or nothing."""
    rows = uncalibrated_couplers(coverage)
    if rows.empty:
        return ()
    uses: dict[tuple[str, tuple[int, ...]], int] = {}
    for row in rows.itertuples():
        coupler = (str(row.instruction), tuple(sorted(int(q) for q in str(row.qubits).split(","))))
        uses[coupler] = uses.get(coupler, 0) + int(row.count)
    listed = ", ".join(f"{gate} on {a}–{b} ×{count}" for (gate, (a, b)), count in sorted(uses.items()))
    gates = "/".join(sorted({gate for gate, _qubits in uses}))
    return (
        f"Used {len(uses)} coupler{'s' * (len(uses) > 1)} with no reported {gates} error ({listed}): a derived model "
        "simulates them with relaxation only, so they look better than the device. To run on couplers with a "
        "reported error only, avoid them with avoid_uncalibrated_couplers=True",
    )
