"""``simulate``: a circuit on a (noisy) device, exactly where it can be, sampled otherwise.

Stages (each timed in ``SimulationResult.timings``):

1. **parse**: a ``QuantumCircuit``, a ``LibraryCircuit``, or OpenQASM 2/3 text.
2. **transpile** to the calibration's ``Target`` (``noise_core.target``), or to the spec's basis
   on an all-to-all register, then keep only the active qubits (``noise_core.placement``).
3. **noise model** for those qubits only, renumbered (cached on the spec's JSON and qubits).
4. **simulate** with the method chosen from the active register (``choose_method``):

   - ``density_matrix`` (exact): when 4ⁿ·16 bytes fits ``exact_budget_bytes``. Aer evolves the
     density matrix and saves the probabilities of the measured qubits before measurement;
     readout confusion is then applied analytically (``readout.apply_assignment``) and shots are
     sampled from the exact distribution with the seed.
   - ``stabilizer``: Clifford circuits whose channels are all Pauli (no thermal relaxation), at
     any width.
   - ``trajectories``: Aer's statevector method, one noisy trajectory per shot.

   Readout is kept out of Aer's model whenever all measurements are terminal and applied here
   per shot (``readout.sample_assignment``). That lets trajectories use Aer's shot branching,
   which is only sound without readout errors in the model: with them it was seen giving 9–15×
   the binomial spread and irreproducible counts, because a branch shares one readout draw.

5. **metrics**: total variation distance and Hellinger fidelity between ideal and noisy
   distributions (exact when both are exact, else from counts), and the success probability
   when the circuit's ideal outcomes are known.

Seeds: one user seed drives the transpiler, Aer and the sampling. Aer seeds shot *i* with
``seed_simulator + i``, so Aer runs whose seeds differ by less than the shot count share
most of their shots; the user seed is therefore hashed (``numpy.random.SeedSequence``) into
Aer's seed, and seeds 1 and 2 give independent samples.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel

from noise_core.aer_model import build_noise_model, quantum_error
from noise_core.calibration import BackendCalibration
from noise_core.channels import ChannelIndex
from noise_core.circuits import LibraryCircuit, parse_circuit
from noise_core.coverage import noise_coverage, uncovered
from noise_core.placement import PlacedCircuit, SimulationError, place_circuit
from noise_core.readout import apply_assignment, assignment_matrix, sample_assignment
from noise_core.spec import NoiseSpec
from noise_core.target import summarize_left_out

Method = Literal["auto", "density_matrix", "trajectories", "stabilizer"]
METHODS: tuple[str, ...] = ("auto", "density_matrix", "trajectories", "stabilizer")
MiB = 2**20
GiB = 2**30


@dataclass(frozen=True)
class SimulationLimits:
    """Guardrails; every refusal names the limit and what to change."""

    max_shots: int = 1_000_000
    exact_budget_bytes: int = 64 * MiB
    """``auto`` uses the exact density matrix when 4ⁿ·16 bytes fits (n ≤ 11). Measured here with
    a Heron model: GHZ-11 0.99 s, GHZ-12 3.2 s exact, against 0.41 s sampled for GHZ-12."""
    max_density_matrix_bytes: int = 1 * GiB
    """``method="density_matrix"`` is refused beyond this (n ≤ 13)."""
    max_statevector_bytes: int = 256 * MiB
    """Trajectories and exact ideal probabilities need 2ⁿ·16 bytes (n ≤ 24)."""


DEFAULT_LIMITS = SimulationLimits()


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
    shots: int
    seed: int
    expected_outcomes: frozenset[str] | None
    active_qubits: tuple[int, ...]
    measured_qubits: pd.Series
    """Physical qubit read into each classical bit (index: clbit)."""
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    transpiled: QuantumCircuit
    coverage: pd.DataFrame
    """``noise_core.coverage.noise_coverage`` of the transpiled circuit."""
    timings: pd.Series
    """Seconds per stage, and ``total``."""
    warnings: tuple[str, ...] = ()

    def distribution_table(self) -> pd.DataFrame:
        """Ideal and noisy probability (exact where computed, else frequency) and counts per outcome."""
        ideal = self.ideal_probabilities if self.ideal_probabilities is not None else _frequencies(self.ideal_counts)
        noisy = self.noisy_probabilities if self.noisy_probabilities is not None else _frequencies(self.noisy_counts)
        table = pd.DataFrame({"ideal": ideal, "noisy": noisy}).fillna(0.0)
        table["ideal_counts"] = self.ideal_counts.reindex(table.index, fill_value=0).astype(int)
        table["noisy_counts"] = self.noisy_counts.reindex(table.index, fill_value=0).astype(int)
        table.index.name = "outcome"
        return table.sort_values(["noisy", "ideal"], ascending=False)


def simulate(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    *,
    calibration: BackendCalibration | None = None,
    shots: int = 4000,
    seed: int | None = None,
    method: Method = "auto",
    optimization_level: int = 2,
    initial_layout: list[int] | None = None,
    limits: SimulationLimits = DEFAULT_LIMITS,
) -> SimulationResult:
    """Simulate ``circuit`` under ``spec`` on ``calibration``'s device (or an ideal register).

    - ``circuit``: a measured ``QuantumCircuit``, a ``circuits`` library entry (its expected
      outcomes give the success probability), or OpenQASM 2/3 text.
    - ``calibration``: transpile to this device's ``Target`` and read its physical qubits'
      noise from ``spec``; None simulates the circuit's own qubits with the spec's basis.
    - ``seed`` (None: drawn, and reported in the result) reproduces the transpilation, the
      simulator's noise draws and the sampled counts exactly.
    - ``method``: "auto" (see ``choose_method``), "density_matrix", "trajectories" or "stabilizer".
    - ``optimization_level``, ``initial_layout`` (physical qubit of each circuit qubit): passed to
      Qiskit's ``transpile``.
    - ``limits``: memory and shot limits (``SimulationLimits``).

    Raises ``SimulationError`` saying what to change, and ``CircuitParseError`` (line, column,
    what was expected) for unreadable OpenQASM.
    """
    stopwatch = _Stopwatch()
    _check_settings(shots, seed, method, limits)
    seed = int(np.random.SeedSequence().entropy % 2**32) if seed is None else seed
    rng = np.random.default_rng(seed)
    with stopwatch("parse"):
        logical, expected = _as_circuit(circuit)
    level, level_note = _transpile_level(logical, optimization_level, method, limits)
    with stopwatch("transpile"):
        placed = place_circuit(
            logical,
            spec,
            calibration,
            optimization_level=level,
            seed=seed % 2**31,
            initial_layout=initial_layout,
        )
    chosen, reason = choose_method(method, placed, spec, limits)
    with stopwatch("noise model"):
        model = _NOISE_MODELS.get(spec, placed.active_qubits, readout=not placed.terminal)
    aer_seeds = [int(value) for value in rng.integers(0, 2**31 - 1, size=2)]
    run = _Run(placed, spec, model, shots, rng, aer_seeds, limits)
    with stopwatch("simulate ideal"):
        ideal_probabilities, ideal_counts = run.ideal()
    with stopwatch("simulate noisy"):
        noisy_probabilities, noisy_counts = run.noisy(chosen)
    with stopwatch("report"):
        metrics = _metrics(ideal_probabilities, noisy_probabilities, ideal_counts, noisy_counts, expected)
        coverage = noise_coverage(placed.transpiled, spec, calibration)
        warnings = _warnings(placed, coverage)
    return SimulationResult(
        ideal_counts=ideal_counts,
        noisy_counts=noisy_counts,
        ideal_probabilities=ideal_probabilities,
        noisy_probabilities=noisy_probabilities,
        metrics=metrics,
        method=chosen,
        method_reason=reason + level_note,
        shots=shots,
        seed=seed,
        expected_outcomes=expected,
        active_qubits=placed.active_qubits,
        measured_qubits=pd.Series(dict(placed.measurements), name="physical qubit", dtype=int).rename_axis("clbit"),
        initial_layout=placed.initial_layout,
        final_layout=placed.final_layout,
        transpiled=placed.transpiled,
        coverage=coverage,
        timings=stopwatch.series(),
        warnings=warnings,
    )


DENSITY_MATRIX_SECONDS_PER_ELEMENT_OP = 6e-9
"""Seconds per (density-matrix element × instruction), measured here (GHZ-10: 0.38 s for 67 ops on 4¹⁰)."""
TRAJECTORY_SECONDS_PER_AMPLITUDE_OP_SHOT = 7e-9
"""Seconds per (amplitude × instruction × shot) for trajectories; the slow end measured here (QFT-8 with
dense noise); shot branching makes light noise up to ~20× cheaper (GHZ-12: 3e-10)."""
STABILIZER_SECONDS_PER_QUBIT_OP_SHOT = 2e-8
"""Seconds per (qubit × instruction × shot) for the stabilizer method (GHZ-40: 0.5 s, 1000 shots)."""


@dataclass(frozen=True)
class SimulationPlan:
    """What ``simulate`` would do, without doing it: for deciding whether to run it live."""

    method: str
    reason: str
    active_qubits: tuple[int, ...]
    num_instructions: int
    estimated_seconds: float


def plan_simulation(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    *,
    calibration: BackendCalibration | None = None,
    method: Method = "auto",
    shots: int = 4000,
    seed: int = 0,
    optimization_level: int = 2,
    limits: SimulationLimits = DEFAULT_LIMITS,
) -> SimulationPlan:
    """Transpile and choose the method as ``simulate`` would, and estimate the simulation time.

    The estimate is a rough upper figure from the constants above (this machine, 2 cores);
    transpilation and readout come on top. Raises what ``simulate`` would raise.
    """
    _check_settings(shots, seed, method, limits)
    logical, _expected = _as_circuit(circuit)
    level, _note = _transpile_level(logical, optimization_level, method, limits)
    placed = place_circuit(logical, spec, calibration, optimization_level=level, seed=seed % 2**31)
    chosen, reason = choose_method(method, placed, spec, limits)
    width, operations = len(placed.active_qubits), len(placed.compact.data)
    if chosen == "density_matrix":
        seconds = DENSITY_MATRIX_SECONDS_PER_ELEMENT_OP * 4**width * operations
    elif chosen == "stabilizer":
        seconds = STABILIZER_SECONDS_PER_QUBIT_OP_SHOT * width * operations * shots
    else:
        seconds = TRAJECTORY_SECONDS_PER_AMPLITUDE_OP_SHOT * 2**width * operations * shots
    return SimulationPlan(chosen, reason, placed.active_qubits, operations, seconds)


def choose_method(
    requested: str, placed: PlacedCircuit, spec: NoiseSpec, limits: SimulationLimits = DEFAULT_LIMITS
) -> tuple[str, str]:
    """The method to run and why, or ``SimulationError`` when none fits the limits."""
    width = len(placed.active_qubits)
    density_bytes = 16 * 4**width
    statevector_bytes = 16 * 2**width
    clifford_problem = _stabilizer_problem(placed, spec)
    if requested == "density_matrix":
        if density_bytes > limits.max_density_matrix_bytes:
            raise SimulationError(
                f"a density matrix of {width} qubits needs {_size(density_bytes)} "
                f"(limit {_size(limits.max_density_matrix_bytes)}); use method='trajectories' or a narrower circuit"
            )
        _require_terminal(placed, "density_matrix")
        return "density_matrix", f"requested: exact density matrix of {width} qubits ({_size(density_bytes)})"
    if requested == "stabilizer":
        if clifford_problem:
            raise SimulationError(
                f"method='stabilizer' needs a Clifford circuit with Pauli-only noise; {clifford_problem}"
            )
        return "stabilizer", f"requested: stabilizer method on {width} qubits"
    if requested == "trajectories":
        _check_statevector(width, statevector_bytes, limits)
        return "trajectories", f"requested: sampled statevector trajectories of {width} qubits"
    if placed.terminal and density_bytes <= limits.exact_budget_bytes:
        return "density_matrix", (
            f"{width} active qubits: the {_size(density_bytes)} density matrix fits the "
            f"{_size(limits.exact_budget_bytes)} exact budget, so probabilities are exact"
        )
    if not clifford_problem and statevector_bytes > limits.max_statevector_bytes:
        return "stabilizer", f"{width} active qubits, Clifford gates and Pauli-only noise: stabilizer method"
    _check_statevector(width, statevector_bytes, limits, clifford_problem)
    why = "measurements mid-circuit" if not placed.terminal else f"{_size(density_bytes)} exceeds the exact budget"
    return "trajectories", f"{width} active qubits ({why}): sampled statevector trajectories"


# --- running ------------------------------------------------------------------------------


class _Run:
    """One simulation's Aer calls and sampling, sharing the compact circuit and model."""

    def __init__(
        self,
        placed: PlacedCircuit,
        spec: NoiseSpec,
        model: NoiseModel,
        shots: int,
        rng: np.random.Generator,
        aer_seeds: list[int],
        limits: SimulationLimits,
    ) -> None:
        self.placed = placed
        self.spec = spec
        self.model = model
        self.shots = shots
        self.rng = rng
        self.aer_seeds = aer_seeds
        self.limits = limits
        self.num_clbits = placed.compact.num_clbits
        position = {physical: index for index, physical in enumerate(placed.active_qubits)}
        self.measured = sorted((clbit, position[physical], physical) for clbit, physical in placed.measurements)

    def ideal(self) -> tuple[pd.Series | None, pd.Series]:
        width = self.placed.compact.num_qubits
        if self.placed.terminal and 16 * 2**width <= self.limits.max_statevector_bytes:
            circuit = self._unmeasured(with_measure_noise=False)
            probabilities = _saved_probabilities(AerSimulator(method="statevector"), circuit, self.aer_seeds[0])
            return self._exact(probabilities, "ideal")
        method = "stabilizer" if not _stabilizer_problem(self.placed, None) else "statevector"
        counts = self._aer_counts(AerSimulator(method=method), self.aer_seeds[0])
        return None, _counts_series(counts, "ideal")

    def noisy(self, method: str) -> tuple[pd.Series | None, pd.Series]:
        if method == "density_matrix":
            circuit = self._unmeasured(with_measure_noise=True)
            simulator = AerSimulator(method="density_matrix", noise_model=self.model)
            before_readout = _saved_probabilities(simulator, circuit, self.aer_seeds[1])
            matrices = [assignment_matrix(self.spec, physical) for _clbit, _position, physical in self.measured]
            return self._exact(apply_assignment(before_readout, matrices), "noisy")
        if method == "stabilizer":
            simulator = AerSimulator(method="stabilizer", noise_model=self.model)
        else:
            simulator = AerSimulator(
                method="statevector", noise_model=self.model, shot_branching_enable=self.placed.terminal
            )
        counts = self._aer_counts(simulator, self.aer_seeds[1])
        if self.placed.terminal:
            counts = self._with_sampled_readout(counts)
        return None, _counts_series(counts, "noisy")

    def _unmeasured(self, *, with_measure_noise: bool) -> QuantumCircuit:
        """The compact circuit without its (terminal) measurements, saving the measured qubits' probabilities.

        A channel the spec puts on ``measure`` acts just before the measurement, as in Aer.
        """
        circuit = self.placed.compact.copy_empty_like()
        for item in self.placed.compact.data:
            if item.operation.name != "measure":
                circuit._append(item)
        if with_measure_noise:
            channels = ChannelIndex.of(self.spec)
            for _clbit, position, physical in self.measured:
                placement = channels.placement("measure", (physical,))
                error = None if placement.channel is None else quantum_error(placement.channel)
                if error is not None:
                    circuit.append(error.to_instruction(), [position])
        circuit.save_probabilities([position for _clbit, position, _physical in self.measured])
        return circuit

    def _exact(self, probabilities: np.ndarray, name: str) -> tuple[pd.Series, pd.Series]:
        """Exact distribution over measured bits → labelled series, plus counts sampled from it."""
        probabilities = np.clip(probabilities, 0.0, None)
        probabilities = probabilities / probabilities.sum()
        labels = self._labels(np.arange(len(probabilities)))
        exact = pd.Series(probabilities, index=labels, name=name)
        counts = self.rng.multinomial(self.shots, probabilities)
        sampled = pd.Series(counts, index=labels, name=name)
        return exact[exact > 0].sort_index(), sampled[sampled > 0].sort_index()

    def _labels(self, measured_outcomes: np.ndarray) -> pd.Index:
        """Outcome integers over the measured bits (bit i = i-th measured clbit) → full clbit labels."""
        bits = np.zeros((len(measured_outcomes), self.num_clbits), dtype=np.uint8)
        for index, (clbit, _position, _physical) in enumerate(self.measured):
            bits[:, self.num_clbits - 1 - clbit] = (measured_outcomes >> index) & 1
        return pd.Index(["".join(map(str, row)) for row in bits], name="outcome")

    def _aer_counts(self, simulator: AerSimulator, seed: int) -> dict[str, int]:
        result = simulator.run(self.placed.compact, shots=self.shots, seed_simulator=seed).result()
        if not result.success:
            raise SimulationError(f"the simulator failed: {result.status}")
        return {format(int(key, 16), f"0{self.num_clbits}b"): count for key, count in result.data(0)["counts"].items()}

    def _with_sampled_readout(self, counts: dict[str, int]) -> dict[str, int]:
        """Apply each measured qubit's assignment matrix shot by shot (bits as a shots × clbits array)."""
        labels = list(counts)
        rows = np.array([[int(bit) for bit in label] for label in labels], dtype=np.uint8)
        bits = np.repeat(rows, [counts[label] for label in labels], axis=0)
        columns = [self.num_clbits - 1 - clbit for clbit, _position, _physical in self.measured]
        matrices = [assignment_matrix(self.spec, physical) for _clbit, _position, physical in self.measured]
        bits[:, columns] = sample_assignment(bits[:, columns], matrices, self.rng)
        unique, frequency = np.unique(bits, axis=0, return_counts=True)
        return {"".join(map(str, row)): int(count) for row, count in zip(unique, frequency, strict=True)}


def _saved_probabilities(simulator: AerSimulator, circuit: QuantumCircuit, seed: int) -> np.ndarray:
    result = simulator.run(circuit, shots=1, seed_simulator=seed).result()
    if not result.success:
        raise SimulationError(f"the simulator failed: {result.status}")
    return np.asarray(result.data(0)["probabilities"], dtype=float)


# --- noise models, cached -----------------------------------------------------------------


class _NoiseModelCache:
    """Compact noise models by (spec JSON digest, active qubits, readout), least recently used out."""

    def __init__(self, size: int = 16) -> None:
        self._models: OrderedDict[tuple[str, tuple[int, ...], bool], NoiseModel] = OrderedDict()
        self._size = size

    def get(self, spec: NoiseSpec, qubits: tuple[int, ...], *, readout: bool) -> NoiseModel:
        key = (hashlib.blake2b(spec.model_dump_json().encode(), digest_size=16).hexdigest(), qubits, readout)
        if key in self._models:
            self._models.move_to_end(key)
            return self._models[key]
        model = build_noise_model(spec, qubits=qubits, compact=True, readout=readout)
        self._models[key] = model
        if len(self._models) > self._size:
            self._models.popitem(last=False)
        return model

    def clear(self) -> None:
        self._models.clear()


_NOISE_MODELS = _NoiseModelCache()


def clear_caches() -> None:
    """Forget cached noise models and built errors (benchmarks use it to time a cold run)."""
    _NOISE_MODELS.clear()
    quantum_error.cache_clear()


# --- checks -------------------------------------------------------------------------------


def _check_settings(shots: int, seed: int | None, method: str, limits: SimulationLimits) -> None:
    if isinstance(shots, bool) or not isinstance(shots, int | np.integer) or not 1 <= shots <= limits.max_shots:
        raise SimulationError(f"shots must be an integer from 1 to {limits.max_shots:,}; got {shots!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
        raise SimulationError(f"seed must be a non-negative integer or None; got {seed!r}")
    if method not in METHODS:
        raise SimulationError(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def _as_circuit(circuit: QuantumCircuit | LibraryCircuit | str) -> tuple[QuantumCircuit, frozenset[str] | None]:
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
    return logical, expected


def _require_terminal(placed: PlacedCircuit, method: str) -> None:
    if not placed.terminal:
        raise SimulationError(
            f"method={method!r} needs every measurement at the end of the circuit; "
            "use method='trajectories' for mid-circuit measurements"
        )


def _check_statevector(width: int, size: int, limits: SimulationLimits, clifford_problem: str | None = "") -> None:
    if size > limits.max_statevector_bytes:
        hint = f" (the stabilizer method does not apply: {clifford_problem})" if clifford_problem else ""
        raise SimulationError(
            f"the circuit is active on {width} qubits: a statevector needs {_size(size)}, over the "
            f"{_size(limits.max_statevector_bytes)} limit{hint}; use fewer qubits, or a Clifford circuit "
            "with Pauli-only noise (derive with thermal_relaxation=False) for the stabilizer method"
        )


_STABILIZER_GATES = frozenset(
    {
        "cx",
        "cy",
        "cz",
        "ecr",
        "swap",
        "h",
        "id",
        "s",
        "sdg",
        "sx",
        "sxdg",
        "x",
        "y",
        "z",
        "rz",
        "delay",
        "reset",
        "measure",
    }
)


def _stabilizer_problem(placed: PlacedCircuit, spec: NoiseSpec | None) -> str | None:
    """Why the stabilizer method cannot run this circuit (under ``spec``), or None if it can."""
    problem = _non_clifford_gate(placed.compact)
    if problem is not None or spec is None:
        return problem
    channels = ChannelIndex.of(spec)
    for name, physical in {
        (item.operation.name, tuple(placed.active_qubits[placed.compact.find_bit(q).index] for q in item.qubits))
        for item in placed.compact.data
    }:
        channel = channels.placement(name, physical).channel
        if channel is not None and any(r is not None and not r.is_identity for r in channel.relaxations):
            return f"{name} on {list(physical)} has thermal relaxation, which is not a Pauli channel"
    return None


def _non_clifford_gate(circuit: QuantumCircuit) -> str | None:
    """The first instruction the stabilizer method cannot run, described; None if all are Clifford."""
    for item in circuit.data:
        name = item.operation.name
        if name == "barrier":
            continue
        if name not in _STABILIZER_GATES:
            return f"{name!r} is not a Clifford gate the stabilizer method supports"
        if name == "rz" and not _is_quarter_turn(float(item.operation.params[0])):
            return f"rz({item.operation.params[0]:.4g}) is not a multiple of π/2"
    return None


def _transpile_level(
    logical: QuantumCircuit, requested_level: int, method: str, limits: SimulationLimits
) -> tuple[int, str]:
    """The optimization level to use, and a note when it was lowered.

    Level 2 resynthesizes two-qubit blocks with arbitrary rz angles: the result is still
    Clifford as a whole but no longer gate by gate, which the stabilizer method needs. So a
    Clifford circuit headed for the stabilizer method is transpiled at level ≤ 1.
    """
    wants_stabilizer = method == "stabilizer" or (
        method == "auto" and 16 * 2**logical.num_qubits > limits.max_statevector_bytes
    )
    if requested_level <= 1 or not wants_stabilizer or _non_clifford_gate(logical) is not None:
        return requested_level, ""
    return 1, " (transpiled at optimization level 1 to keep the Clifford gates)"


def _is_quarter_turn(angle: float) -> bool:
    turns = angle / (math.pi / 2)
    return abs(turns - round(turns)) < 1e-9


# --- metrics and reporting ----------------------------------------------------------------


def _metrics(
    ideal_probabilities: pd.Series | None,
    noisy_probabilities: pd.Series | None,
    ideal_counts: pd.Series,
    noisy_counts: pd.Series,
    expected: frozenset[str] | None,
) -> SimulationMetrics:
    exact = ideal_probabilities is not None and noisy_probabilities is not None
    ideal = ideal_probabilities if ideal_probabilities is not None else _frequencies(ideal_counts)
    noisy = noisy_probabilities if noisy_probabilities is not None else _frequencies(noisy_counts)
    both = pd.DataFrame({"ideal": ideal, "noisy": noisy}).fillna(0.0)
    distance = 0.5 * float(np.abs(both["ideal"] - both["noisy"]).sum())
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


def _warnings(placed: PlacedCircuit, coverage: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    missing = uncovered(coverage)
    if not missing.empty:
        listed = ", ".join(f"{row.instruction} on [{row.qubits}] ×{row.count}" for row in missing.head(8).itertuples())
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        notes.append(
            f"{int(missing['count'].sum())} instruction(s) ran without noise because the spec has no channel "
            f"for them: {listed}{more}"
        )
    notes += [f"not offered to the transpiler: {line}" for line in summarize_left_out(placed.left_out)]
    return tuple(notes)


def _frequencies(counts: pd.Series) -> pd.Series:
    return counts / counts.sum()


def _counts_series(counts: dict[str, int], name: str) -> pd.Series:
    series = pd.Series(counts, name=name, dtype=int).sort_index()
    series.index.name = "outcome"
    return series


def _size(num_bytes: float) -> str:
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", 2**10)):
        if num_bytes >= scale:
            return f"{num_bytes / scale:.3g} {unit}"
    return f"{num_bytes:.0f} B"


@dataclass
class _Stopwatch:
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
