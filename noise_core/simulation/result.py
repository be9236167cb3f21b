"""What a simulation returns: distributions, metrics, layout, coverage and timings."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit

from noise_core.errors import SimulationError
from noise_core.simulation.circuit_facts import CircuitFacts
from noise_core.simulation.twirl import TwirlMeasurement


@dataclass(frozen=True)
class SimulationMetrics:
    """How far the noisy distribution is from the ideal one."""

    total_variation_distance: float
    """½ Σ|p_ideal − p_noisy|, in [0, 1]."""
    hellinger_fidelity: float
    """(Σ √(p_ideal · p_noisy))², Qiskit's ``hellinger_fidelity``; 1 for equal distributions."""
    success_probability: float | None
    """Noisy probability of the circuit's ideal outcomes, when it has known ones."""
    ideal_success_probability: float | None
    exact: bool
    """True when computed from exact probabilities; False when from sampled counts."""
    standard_errors: dict[str, float] = field(default_factory=dict)
    """One standard error from the shots of each metric computed from sampled counts, by field name
    (``metric_standard_errors``); empty when the metrics are exact."""

    def shown(self, name: str, digits: int = 4) -> str:
        """A metric as people read it: '0.0312 ± 0.0021' when sampled, '0.0312' when exact, 'n/a' when undefined."""
        value = getattr(self, name)
        if value is None:
            return "n/a"
        error = self.standard_errors.get(name)
        return f"{value:.{digits}f}" if error is None else f"{value:.{digits}f} ± {error:.{digits}f}"


@dataclass(frozen=True)
class SimulationResult:
    """Everything one simulation produced. Outcome labels are Qiskit bitstrings (clbit 0 last)."""

    ideal_counts: pd.Series
    noisy_counts: pd.Series
    ideal_probabilities: pd.Series | None
    """Exact, when the active register fits a statevector."""
    noisy_probabilities: pd.Series | None
    """Exact (density matrix, readout applied analytically), when that method ran."""
    metrics: SimulationMetrics
    method: str
    method_reason: str
    approximation: str
    """What an approximate method (``methods.APPROXIMATE_METHODS``) approximated, in words: the channels it
    Pauli-twirled, what the MPS truncated; '' for the model's own distribution, exact or sampled."""
    twirl_measured: TwirlMeasurement | None
    """For a twirled run: the twirl's effect measured exactly on a narrower copy of the circuit
    (``twirl_measurement.measure_twirl``); None otherwise."""
    shots: int
    seed: int
    expected_outcomes: frozenset[str] | None
    active_qubits: tuple[int, ...]
    measured_qubits: pd.Series
    """Physical qubit read into each classical bit (index: clbit)."""
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    transpiled: QuantumCircuit
    circuit: CircuitFacts
    """Depth, gate counts and routing swaps of the transpiled circuit on the active qubits."""
    coverage: pd.DataFrame
    """``noise_core.simulation.coverage.noise_coverage`` of the transpiled circuit."""
    timings: pd.Series
    """Seconds per stage, and ``total``."""
    model_seconds: float = 0.0
    """The cost model's estimate (``cost.estimated_seconds``, before any ``SimulationLimits.speed``) of the stages
    ``simulated_seconds`` sums: measured against them, it tells a machine's speed."""

    @property
    def simulated_seconds(self) -> float:
        """Measured seconds of the stages the cost model estimates: 'simulate ideal', 'simulate noisy' and, for a
        twirled run, 'twirl measured'."""
        stages = ("simulate ideal", "simulate noisy", "twirl measured")
        return float(sum(self.timings.get(stage, 0.0) for stage in stages))

    warnings: tuple[str, ...] = ()
    schedule: pd.DataFrame | None = None
    """With idle noise on a device: when each instruction ran on each active qubit
    (``idle.schedule_timeline``: qubit, instruction, start_ns, duration_ns; waits as 'idle')."""

    def distribution_table(self) -> pd.DataFrame:
        """Ideal and noisy probability (exact where computed, else frequency) and counts per outcome."""
        ideal = self.ideal_probabilities if self.ideal_probabilities is not None else frequencies(self.ideal_counts)
        noisy = self.noisy_probabilities if self.noisy_probabilities is not None else frequencies(self.noisy_counts)
        table = pd.DataFrame({"ideal": ideal, "noisy": noisy}).fillna(0.0)
        table["ideal_counts"] = self.ideal_counts.reindex(table.index, fill_value=0).astype(int)
        table["noisy_counts"] = self.noisy_counts.reindex(table.index, fill_value=0).astype(int)
        table.index.name = "outcome"
        return table.sort_values(["noisy", "ideal"], ascending=False)


def distribution_metrics(
    ideal_probabilities: pd.Series | None,
    noisy_probabilities: pd.Series | None,
    ideal_counts: pd.Series,
    noisy_counts: pd.Series,
    expected: frozenset[str] | None,
) -> SimulationMetrics:
    """TVD, Hellinger fidelity and success probabilities, from exact distributions where both exist."""
    exact = ideal_probabilities is not None and noisy_probabilities is not None
    ideal = ideal_probabilities if ideal_probabilities is not None else frequencies(ideal_counts)
    noisy = noisy_probabilities if noisy_probabilities is not None else frequencies(noisy_counts)
    both = pd.DataFrame({"ideal": ideal, "noisy": noisy}).fillna(0.0)
    distance = total_variation_distance(both["ideal"], both["noisy"])
    overlap = float(np.sqrt(both["ideal"] * both["noisy"]).sum())
    success = ideal_success = None
    if expected is not None:
        success = float(noisy.reindex(list(expected), fill_value=0.0).sum())
        ideal_success = float(ideal.reindex(list(expected), fill_value=0.0).sum())
    return SimulationMetrics(
        total_variation_distance=distance,
        hellinger_fidelity=min(1.0, overlap**2),
        success_probability=success,
        ideal_success_probability=ideal_success,
        exact=exact,
    )


METRIC_DRAWS = 200
"""Parametric bootstrap draws behind a sampled metric's standard error (its own relative error ~5 %)."""


def metric_standard_errors(
    ideal_probabilities: pd.Series | None,
    ideal_counts: pd.Series,
    noisy_counts: pd.Series,
    expected: frozenset[str] | None,
    seed: int,
) -> dict[str, float]:
    """One standard error from the shots of each metric ``distribution_metrics`` computes from counts.

    Success probability: the binomial √(p̂(1−p̂)/n) of the noisy shots. TVD and Hellinger fidelity:
    the spread of the metric over ``METRIC_DRAWS`` parametric-bootstrap draws, each a multinomial
    resample of the noisy counts (and of the ideal counts when the ideal distribution is sampled too)
    at their observed frequencies (Efron & Tibshirani 1993, ch. 6), seeded by ``seed``. It is the spread
    only: a TVD estimated from few shots over many outcomes is also biased upward.
    """
    rng = np.random.default_rng([seed, 1])  # a stream of its own: the counts' draws are untouched
    outcomes = ideal_counts.index.union(noisy_counts.index)
    noisy = noisy_counts.reindex(outcomes, fill_value=0).to_numpy(dtype=float)
    shots = noisy.sum()
    ideal = ideal_counts.reindex(outcomes, fill_value=0).to_numpy(dtype=float)
    ideal_shots = ideal.sum()
    exact = None if ideal_probabilities is None else ideal_probabilities.reindex(outcomes, fill_value=0.0).to_numpy()
    distances, fidelities = np.empty(METRIC_DRAWS), np.empty(METRIC_DRAWS)
    for draw in range(METRIC_DRAWS):  # one draw at a time: memory follows the outcomes, not draws × outcomes
        noisy_draw = rng.multinomial(int(shots), noisy / shots) / shots
        ideal_draw = (
            exact if exact is not None else rng.multinomial(int(ideal_shots), ideal / ideal_shots) / ideal_shots
        )
        distances[draw] = 0.5 * np.abs(ideal_draw - noisy_draw).sum()
        fidelities[draw] = np.sqrt(ideal_draw * noisy_draw).sum() ** 2
    errors = {
        "total_variation_distance": float(np.std(distances, ddof=1)),
        "hellinger_fidelity": float(np.std(fidelities, ddof=1)),
    }
    if expected is not None:
        success = float(noisy_counts.reindex(list(expected), fill_value=0).sum()) / shots
        errors["success_probability"] = float(np.sqrt(success * (1.0 - success) / shots))
    return errors


def total_variation_distance(first: pd.Series, second: pd.Series) -> float:
    """½·Σ|p(x) − q(x)| over the outcomes of either distribution (a missing outcome has probability 0)."""
    both = pd.DataFrame({"first": first, "second": second}).fillna(0.0)
    return 0.5 * float(np.abs(both["first"] - both["second"]).sum())


def frequencies(counts: pd.Series) -> pd.Series:
    """Counts divided by their total."""
    return counts / counts.sum()


SHOT_NOISE_Z = 1.96
"""Two-sided 95 % normal quantile: each bar's Wilson interval covers its true probability about 95 % of the
time (per bar, not jointly over the histogram)."""


def shot_noise_interval(counts: pd.Series, shots: int, z: float = SHOT_NOISE_Z) -> pd.DataFrame:
    """Wilson score interval of each outcome's probability from its ``counts`` in ``shots`` (columns low, high).

    p̂ = k/n, centre = (p̂ + z²/2n)/(1 + z²/n), half-width = z·√(p̂(1−p̂)/n + z²/4n²)/(1 + z²/n)
    (Wilson 1927). Unlike p̂ ± z·√(p̂(1−p̂)/n) it stays inside [0, 1] and is not empty at k = 0.
    """
    if shots < 1:
        raise SimulationError(f"shots must be at least 1; got {shots}")
    frequency = counts.astype(float) / shots
    denominator = 1.0 + z**2 / shots
    centre = (frequency + z**2 / (2 * shots)) / denominator
    half = z * np.sqrt(frequency * (1 - frequency) / shots + z**2 / (4 * shots**2)) / denominator
    return pd.DataFrame({"low": (centre - half).clip(lower=0.0), "high": (centre + half).clip(upper=1.0)})
