"""``error_budget``: which kind of noise, and which qubit or coupler, costs a circuit most.

The loss of a result is what noise takes from it: with ``metric="success"``, the ideal success
probability minus the noisy one; with ``metric="tvd"``, the total variation distance between the
ideal and noisy distributions. Both are 0 without noise.

- **By kind** (gate = depolarizing and Pauli, relaxation = T1/T2 over gates, readout, idle =
  T1/T2 while waiting, when the circuit waits on a qubit with idle relaxation, and coherent = the
  rotations after gates, detuning = the turn of waiting qubits, crosstalk = the ZZ phase of coupled pairs, and
  correlation = what correlated readout adds to independent readouts, when the circuit meets them): each kind's loss is
  computed twice, exactly, through ``scale_noise``: *removed* (the full loss minus the loss with
  that kind's factor at 0) and *alone* (the loss with every other kind at 0). Kinds interact (an
  error after an error is not counted twice), so neither column sums to the full loss; the row
  ``interaction`` holds what remains, so each column sums to it. Correlation exists only on top of readout, so
  its *alone* is 0; its *removed* may be negative (joint errors can cancel: a Bell pair read through joint
  00 ↔ 11 flips looks unchanged, read independently it does not).
- **By location**: each physical qubit (its readout, its one-qubit gates, its idle periods and any
  channel on its measurement) and each coupler (its two-qubit gates, their relaxation included): the full loss
  minus the loss with that location's noise removed. Exact (density matrix, one batched Aer run)
  when the method is exact (≤ 11 active qubits by default). Always also given, and the only
  figure above that: the first-order estimate Q_rest·(1 − Q_L), the chance that a shot meets an
  error at L and nowhere else, where Q_L = Πᵢ(1 − εᵢ)^countᵢ over L's instructions (εᵢ the
  infidelity in ``noise_coverage``) and Q_rest the same over all others; it assumes every error
  spoils the shot (an upper-bound-like estimate; for success it is scaled by the ideal success).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from qiskit import QuantumCircuit
from typing_extensions import Unpack

from noise_core.analysis.experiment import Experiment, Variant, prepare_experiment, run_variants
from noise_core.analysis.explicit import Location, location_of
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import AnalysisError
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.coverage import ZZ_INSTRUCTION
from noise_core.simulation.options import RunOptions, RunShortcuts
from noise_core.simulation.result import SimulationMetrics
from noise_core.spec.factors import FACTOR_KINDS
from noise_core.spec.models import NoiseSpec

Metric = Literal["success", "tvd"]
METRICS: tuple[Metric, ...] = ("success", "tvd")


@dataclass(frozen=True)
class ErrorBudget:
    """Where a circuit's loss comes from (module docstring for the definitions)."""

    metric: Metric
    total_loss: float
    """The loss with all noise: ideal − noisy success, or the TVD."""
    by_kind: pd.DataFrame
    """Index: gate, readout, relaxation, (idle,) (coherent,) (detuning,) (crosstalk,) (correlation,)
    interaction. Columns: removed, alone (each sums to ``total_loss``); losses are probabilities (0–1)."""
    by_location: pd.DataFrame
    """One row per location, largest loss first. Columns: location ('q3', 'q3–q4'), kind ('qubit'/'coupler'),
    qubits (tuple), loss (exact, NaN where not computed), first_order (estimate)."""
    exact: bool
    """True when every figure except ``first_order`` is exact (density matrix); else sampled with ``shots``."""
    simulations: int
    """Simulator runs it took, the ideal one included (exact variants differing only in readout share one)."""
    method: str
    active_qubits: tuple[int, ...]
    shots: int
    seed: int
    """The seed it ran with (drawn when none was given): the same seed gives the same budget."""

    @property
    def location_figure(self) -> str:
        """The ``by_location`` column to read: 'loss' when exact, else 'first_order' (the only one computed)."""
        return "loss" if self.exact else "first_order"


def error_budget(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    options: RunOptions | None = None,
    *,
    calibration: BackendCalibration | None = None,
    metric: Metric = "success",
    locations: Iterable[Location] | None = None,
    executor: Executor | None = None,
    **shortcuts: Unpack[RunShortcuts],
) -> ErrorBudget:
    """The error budget of ``circuit`` under ``spec`` on ``calibration``'s device (module docstring).

    Takes ``simulate``'s arguments (``RunOptions``, or its fields as keywords); the circuit is transpiled
    once. ``RunOptions.expected_outcomes`` gives the success outcomes of an OpenQASM circuit (library
    circuits know theirs). ``locations``: the
    locations to evaluate (default: every qubit and coupler the circuit uses). ``executor``: any
    ``concurrent.futures.Executor`` to run the variants on (see ``run_variants``).
    """
    if metric not in METRICS:
        raise AnalysisError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    experiment = prepare_experiment(circuit, spec, options, calibration=calibration, **shortcuts)
    if metric == "success" and experiment.expected is None:
        raise AnalysisError(
            "metric 'success' needs the circuit's expected outcomes; give expected_outcomes or use metric='tvd'"
        )
    chosen = _used_locations(experiment) if locations is None else [_checked_location(q) for q in locations]
    kinds = _kinds_present(experiment)
    kind_variants = [Variant(), *_kind_variants(kinds)]
    location_variants = [Variant(without=location) for location in chosen] if experiment.exact else []
    results, runs = run_variants(experiment, kind_variants + location_variants, executor=executor)
    losses = [_loss(metric, metrics) for metrics in results]
    total = losses[0]
    return ErrorBudget(
        metric=metric,
        total_loss=total,
        by_kind=_by_kind(kinds, total, losses[1 : len(kind_variants)]),
        by_location=_by_location(experiment, metric, total, chosen, losses[len(kind_variants) :]),
        exact=experiment.exact,
        simulations=1 + runs,
        method=experiment.method,
        active_qubits=experiment.placed.active_qubits,
        shots=experiment.shots,
        seed=experiment.seed,
    )


def _kinds_present(experiment: Experiment) -> tuple[str, ...]:
    """gate, readout and relaxation always; idle when the circuit waits on a qubit with idle relaxation; coherent
    and detuning when an instruction or a wait of the circuit has one; crosstalk when a pair picks up ZZ; correlation
    when a measured qubit is read in a correlated group."""
    rows = list(experiment.coverage.itertuples())
    present = {
        "idle": any("idle relaxation" in str(row.channels) for row in rows),
        "coherent": any("coherent" in str(row.channels) for row in rows),
        "detuning": any("detuning" in str(row.channels) for row in rows),
        "crosstalk": any(row.instruction == ZZ_INSTRUCTION for row in rows),
        "correlation": any(row.source == "correlated readout" for row in rows),
    }
    return tuple(kind for kind in FACTOR_KINDS if present.get(kind, True))


def _kind_variants(kinds: tuple[str, ...]) -> list[Variant]:
    """For each kind: that kind removed, then that kind alone (every other kind of ``FACTOR_KINDS`` at 0)."""
    variants = []
    for kind in kinds:
        variants.append(Variant.of({kind: 0.0}))
        variants.append(Variant.of({other: 0.0 for other in FACTOR_KINDS if other != kind}))
    return variants


def _checked_location(location: object) -> Location:
    """A location given by the caller: one qubit or a coupler, as distinct non-negative integers."""
    qubits = tuple(location) if isinstance(location, (tuple, list)) else ()
    if (
        not 1 <= len(qubits) <= 2
        or not all(isinstance(q, int) and q >= 0 for q in qubits)
        or len(set(qubits)) != len(qubits)
    ):
        raise AnalysisError(
            f"a location is one qubit (q,) or a coupler (a, b) of distinct non-negative integers; got {location!r}"
        )
    return location_of(qubits)


def _loss(metric: Metric, metrics: SimulationMetrics) -> float:
    if metric == "tvd":
        return metrics.total_variation_distance
    assert metrics.success_probability is not None and metrics.ideal_success_probability is not None
    return metrics.ideal_success_probability - metrics.success_probability


def _by_kind(kinds: tuple[str, ...], total: float, losses: list[float]) -> pd.DataFrame:
    removed = [total - losses[2 * index] for index in range(len(kinds))]
    alone = [losses[2 * index + 1] for index in range(len(kinds))]
    table = pd.DataFrame({"removed": removed, "alone": alone}, index=pd.Index(kinds, name="kind"))
    table.loc["interaction"] = [total - math.fsum(removed), total - math.fsum(alone)]
    return table


def _used_locations(experiment: Experiment) -> list[Location]:
    """Every qubit and coupler the placed circuit touches (measurements and delays included) and every pair with
    ZZ crosstalk in it, sorted."""
    placed = experiment.placed
    found = {
        location_of(tuple(placed.active_qubits[placed.compact.find_bit(q).index] for q in item.qubits))
        for item in placed.compact.data
    }
    zz_rows = experiment.coverage[experiment.coverage["instruction"] == ZZ_INSTRUCTION]
    found.update(location_of(tuple(int(q) for q in str(qubits).split(","))) for qubits in zz_rows["qubits"])
    return sorted(found, key=lambda location: (len(location), location))


def _by_location(
    experiment: Experiment, metric: Metric, total: float, locations: list[Location], losses: list[float]
) -> pd.DataFrame:
    estimates = _first_order(experiment, locations)
    if metric == "success" and experiment.ideal_probabilities is not None and experiment.expected is not None:
        ideal_success = float(experiment.ideal_probabilities.reindex(list(experiment.expected), fill_value=0.0).sum())
        estimates = [estimate * ideal_success for estimate in estimates]
    exact = [total - loss for loss in losses] if losses else [math.nan] * len(locations)
    table = pd.DataFrame(
        {
            "location": [_location_name(location) for location in locations],
            "kind": ["qubit" if len(location) == 1 else "coupler" for location in locations],
            "qubits": locations,
            "loss": exact,
            "first_order": estimates,
        }
    )
    order = "loss" if losses else "first_order"
    return table.sort_values(order, ascending=False, kind="stable").reset_index(drop=True)


def _first_order(experiment: Experiment, locations: list[Location]) -> list[float]:
    """Q_rest·(1 − Q_L) per location, from the coverage table's infidelities (module docstring)."""
    survival: dict[Location, float] = {}
    for row in experiment.coverage.itertuples():
        location = location_of(tuple(int(q) for q in str(row.qubits).split(",")))
        survival[location] = survival.get(location, 1.0) * (1.0 - float(row.infidelity)) ** int(row.count)
    return [
        math.prod(value for other, value in survival.items() if other != location) * (1.0 - survival.get(location, 1.0))
        for location in locations
    ]


def _location_name(location: Location) -> str:
    return "–".join(f"q{qubit}" for qubit in location)
