"""Measured circuits' outcome probabilities as functions of noise factors: what fits and comparisons evaluate.

``FactorModel`` holds, for each measured circuit, the circuit placed once (``prepare_experiment``;
exact circuits only) and its measured counts over the same outcomes. Its probabilities at factors
θ are those of ``scale_noise``'s model at θ, computed in two steps:

1. Before readout: the exact distribution at each node of a Chebyshev–Lobatto grid over the
   simulated factors (gate, relaxation, idle: they change channels inside the circuit), one Aer
   density-matrix batch per circuit (``experiment.before_readout``), and the Chebyshev interpolant
   through the nodes in between. Each gate's channel is affine in its λ (depolarizing and Pauli), so
   the distribution is a polynomial in the gate factor of degree ≤ the number of noisy gates, whose
   high terms fall like (λ·factor)^k; relaxation enters through exp(−t·s/T1), an entire function.
   ``interpolation_error`` checks the interpolant against a fresh exact run.
2. Readout, analytically: each measured qubit's assignment matrix with P(1|0) and P(0|1) times its
   factor (the global ``readout`` factor, or the qubit's own ``readout[q]``), as ``scale_noise`` does.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from numpy.polynomial import chebyshev

from noise_core.analysis.counts import CircuitCounts, MeasuredCounts
from noise_core.analysis.experiment import Experiment, Variant, before_readout, prepare_experiment
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import FitError, NoiseStudioError
from noise_core.simulation.readout_sampling import apply_readout
from noise_core.simulation.run import MeasuredBits
from noise_core.spec.factors import NoiseFactors
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import ReadoutBlock
from noise_core.spec.scaling import largest_factor, scale_noise, scale_noise_on, scale_qubit_readout

SIMULATED_KINDS = ("gate", "relaxation", "idle")
"""Factors that change channels inside the circuit (each needs simulations); readout is applied analytically."""
FITTABLE = ("gate", "readout", "relaxation", "idle", "readout_per_qubit")
"""What ``parameters`` may name; ``readout_per_qubit`` stands for one ``readout[q]`` per measured qubit."""
GRID_DEGREE = {0: 0, 1: 12, 2: 8, 3: 5}
"""Polynomial degree per simulated factor, by how many are fitted (13, 9×9 or 6×6×6 exact nodes)."""
SMALLEST_PROBABILITY = 1e-300
"""Floor under a model probability inside a logarithm."""
START_FACTORS = (1.0, 0.5, 2.0)
"""A fit starts from every factor at each of these values (kept inside the search range)."""


@dataclass(frozen=True)
class Factor:
    """One fitted factor: its name ('gate', 'readout[3]'), kind, qubit (per-qubit readout), range [0, upper]."""

    name: str
    kind: str
    qubit: int | None
    upper: float


@dataclass(frozen=True)
class MeasuredCircuit:
    """One measured circuit placed on the device, with its counts over the model's outcomes (index = outcome)."""

    counts: CircuitCounts
    experiment: Experiment
    measured: np.ndarray
    """Counts by outcome index (bit i = i-th measured clbit), aligned with ``labels``."""
    labels: pd.Index
    """Clbit bitstrings (clbit 0 last) of the outcome indices."""
    readout: tuple[ReadoutBlock, ...]
    """The readout of the measured bits at factor 1 (per qubit, or per correlated group)."""
    qubits: tuple[int, ...]
    """Physical qubit of each measured bit."""

    @property
    def ideal(self) -> np.ndarray:
        """The ideal distribution over ``labels``."""
        assert self.experiment.ideal_probabilities is not None  # exact experiments only
        return np.asarray(self.experiment.ideal_probabilities.reindex(self.labels, fill_value=0.0), dtype=float)


class FactorModel:
    """The probabilities of every measured circuit's outcomes at factors θ (module docstring)."""

    def __init__(
        self,
        spec: NoiseSpec,
        data: MeasuredCounts,
        *,
        calibration: BackendCalibration | None,
        parameters: Sequence[str] = (),
        max_factor: float = 5.0,
        seed: int = 0,
    ) -> None:
        if isinstance(max_factor, bool) or not isinstance(max_factor, int | float) or not 1 <= max_factor < math.inf:
            raise FitError(f"max_factor must be a finite number ≥ 1 (1 = the model as it is); got {max_factor!r}")
        names = _checked_parameters(parameters)  # before any circuit is placed
        self.spec = spec
        self.data = data
        self.circuits = [measured_circuit(spec, counts, calibration, seed) for counts in data.experiments]
        self.factors = _factors(names, self.circuits, float(max_factor))
        self.simulated = [index for index, factor in enumerate(self.factors) if factor.kind in SIMULATED_KINDS]
        self._degree = GRID_DEGREE[len(self.simulated)]
        nodes = [_lobatto_nodes(self._degree)] * len(self.simulated)
        points = list(itertools.product(*nodes))
        self._grid = np.array(points, dtype=float).reshape(len(points), len(nodes))
        self._inverse = _kron([np.linalg.inv(chebyshev.chebvander(node, self._degree)) for node in nodes])
        self.simulations = 0
        self._coefficients = [
            self._inverse @ np.array(self._before_readout(c, self._grid_factors())) for c in self.circuits
        ]

    @property
    def names(self) -> list[str]:
        return [factor.name for factor in self.factors]

    @property
    def bounds(self) -> list[tuple[float, float]]:
        return [(0.0, factor.upper) for factor in self.factors]

    def start(self) -> np.ndarray:
        """The model as calibrated (every factor 1), kept inside the search range."""
        return np.array([min(1.0, factor.upper) for factor in self.factors])

    def starts(self, counts: Sequence[np.ndarray] | None = None) -> list[np.ndarray]:
        """Where a fit starts: every factor at each of ``START_FACTORS`` (kept inside the search range)."""
        upper = np.array([factor.upper for factor in self.factors])
        return [np.minimum(value, upper) for value in START_FACTORS]

    def probabilities(self, theta: npt.ArrayLike) -> list[np.ndarray]:
        """Each circuit's outcome probabilities at factors ``theta`` (interpolated before readout)."""
        values = np.asarray(theta, dtype=float)
        point = _kron([self._chebyshev_row(values[i], i) for i in self.simulated])[0]
        return [
            self._after_readout(circuit, point @ coefficients, values)
            for circuit, coefficients in zip(self.circuits, self._coefficients, strict=True)
        ]

    def exact_probabilities(self, theta: npt.ArrayLike) -> list[np.ndarray]:
        """``probabilities`` from a fresh exact run at ``theta`` (no interpolation)."""
        values = np.asarray(theta, dtype=float)
        factors = {self.factors[i].kind: float(values[i]) for i in self.simulated}
        return [self._after_readout(c, self._before_readout(c, [factors])[0], values) for c in self.circuits]

    def interpolation_error(self, theta: npt.ArrayLike) -> float:
        """Largest |interpolated − exact| probability over all circuits' outcomes at ``theta``."""
        pairs = zip(self.probabilities(theta), self.exact_probabilities(theta), strict=True)
        return max(float(np.max(np.abs(interpolated - exact))) for interpolated, exact in pairs)

    def log_likelihood(self, theta: npt.ArrayLike, counts: Sequence[np.ndarray] | None = None) -> float:
        """Σ n·log p over every circuit's outcomes (multinomial, without its constant); ``counts`` default: measured."""
        counts = [circuit.measured for circuit in self.circuits] if counts is None else counts
        pairs = zip(counts, self.probabilities(theta), strict=True)
        return math.fsum(float(n @ np.log(np.maximum(p, SMALLEST_PROBABILITY))) for n, p in pairs)

    @property
    def qubits(self) -> tuple[int, ...]:
        """The device qubits the circuits ran on (their active qubits, together)."""
        return tuple(sorted({q for circuit in self.circuits for q in circuit.experiment.placed.active_qubits}))

    def scaled_spec(self, theta: npt.ArrayLike, spec: NoiseSpec) -> NoiseSpec:
        """``spec`` (the whole device) with the factors ``theta`` applied to the entries on ``qubits`` (what the
        counts say something about; ``scale_noise(qubits=)``), and per-qubit readout factors to their qubits."""
        values = [float(value) for value in np.asarray(theta, dtype=float)]
        by_kind = {f.kind: v for f, v in zip(self.factors, values, strict=True) if f.qubit is None}
        scaled = scale_noise_on(spec, self.qubits, NoiseFactors.of(by_kind))
        per_qubit = {f.qubit: v for f, v in zip(self.factors, values, strict=True) if f.qubit is not None}
        return scale_qubit_readout(scaled, per_qubit) if per_qubit else scaled

    def _grid_factors(self) -> list[dict[str, float]]:
        """The grid's nodes as factors by kind, mapped from [−1, 1] onto each factor's [0, upper]."""
        kinds = [self.factors[i] for i in self.simulated]
        return [{f.kind: f.upper * (t + 1.0) / 2.0 for f, t in zip(kinds, node, strict=True)} for node in self._grid]

    def _chebyshev_row(self, value: float, index: int) -> np.ndarray:
        t = 2.0 * value / self.factors[index].upper - 1.0
        return chebyshev.chebvander(np.array([t]), self._degree)

    def _before_readout(self, circuit: MeasuredCircuit, points: list[dict[str, float]]) -> list[np.ndarray]:
        spec = circuit.experiment.spec()
        variants = [(variant, scale_noise(spec, variant.factors)) for variant in map(Variant.of, points)]
        before, runs = before_readout(circuit.experiment, variants)
        self.simulations += runs
        return before

    def _after_readout(self, circuit: MeasuredCircuit, before: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """Readout applied to ``before``: each qubit's matrix scaled by its own factor, else the global one (a
        correlated group's by the global one)."""
        readout = [(factor.qubit, float(theta[i])) for i, factor in enumerate(self.factors) if factor.kind == "readout"]
        global_factor = next((value for qubit, value in readout if qubit is None), 1.0)
        per_qubit = {qubit: value for qubit, value in readout if qubit is not None}
        blocks = [
            block.scaled(
                per_qubit.get(circuit.qubits[block.bits[0]], global_factor) if len(block.bits) == 1 else global_factor
            )
            for block in circuit.readout
        ]
        probabilities = np.clip(apply_readout(before, blocks), 0.0, None)
        return np.asarray(probabilities / probabilities.sum(), dtype=float)


def _kron(matrices: list[np.ndarray]) -> np.ndarray:
    """The Kronecker product of ``matrices`` in order ([[1]] for none): the tensor grid's Chebyshev basis."""
    product = np.eye(1)
    for matrix in matrices:
        product = np.kron(product, matrix)
    return product


def _lobatto_nodes(degree: int) -> np.ndarray:
    """Chebyshev–Lobatto points −cos(πj/degree), j = 0…degree, on [−1, 1] ([−1] alone at degree 0)."""
    return -np.cos(np.pi * np.arange(degree + 1) / degree) if degree else np.array([-1.0])


def measured_circuit(
    spec: NoiseSpec, counts: CircuitCounts, calibration: BackendCalibration | None, seed: int
) -> MeasuredCircuit:
    """``counts``'s circuit placed once on its qubits, and the counts over the model's outcome index."""
    where = f"experiment {counts.name!r:.40}"
    try:
        experiment = prepare_experiment(
            counts.circuit,
            spec,
            calibration=calibration,
            shots=counts.shots,
            seed=seed,
            initial_layout=None if counts.physical_qubits is None else list(counts.physical_qubits),
            expected_outcomes=counts.expected_outcomes,
        )
    except NoiseStudioError as error:
        raise FitError(f"{where}: {error}") from None
    if not experiment.exact:
        raise FitError(
            f"{where}: comparing and fitting need exact model probabilities, and this circuit runs "
            f"{experiment.method} ({len(experiment.placed.active_qubits)} active qubits, or mid-circuit "
            "measurements); use fewer qubits or terminal measurements"
        )
    bits = MeasuredBits(experiment.placed)
    labels = bits.distribution(np.ones(2 ** len(bits.measured)), "model").index
    measured = counts.series()
    outside = measured.index.difference(labels)
    if len(outside):
        raise FitError(f"{where}: outcome {outside[0]} is outside what the placed circuit measures")
    return MeasuredCircuit(
        counts=counts,
        experiment=experiment,
        measured=measured.reindex(labels, fill_value=0).to_numpy(dtype=float),
        labels=labels,
        readout=tuple(bits.readout_blocks(experiment.spec())),
        qubits=tuple(physical for _clbit, _position, physical in bits.measured),
    )


def _checked_parameters(parameters: Sequence[str]) -> list[str]:
    listed = [parameters] if isinstance(parameters, str) else list(parameters)
    unknown = [name for name in listed if name not in FITTABLE]
    if unknown or len(set(listed)) < len(listed):
        raise FitError(f"parameters must be distinct names from {', '.join(FITTABLE)}; got {listed!r:.80}")
    if {"readout", "readout_per_qubit"} <= set(listed):
        raise FitError("fit either one readout factor or one per qubit (readout_per_qubit), not both")
    return listed


def _factors(names: list[str], circuits: list[MeasuredCircuit], max_factor: float) -> list[Factor]:
    """Each named factor with its search range: [0, max_factor], cut at the largest factor the model allows."""
    factors = []
    restricted = [circuit.experiment.spec() for circuit in circuits]
    for name in names:
        if name == "readout_per_qubit":
            factors += _per_qubit_readout(circuits, max_factor)
            continue
        if not any(_has_kind(item, name) for item in restricted):
            raise FitError(f"the model has no {name} noise on these circuits' qubits: there is no {name} factor to fit")
        upper = min([max_factor, *(largest_factor(item, name) for item in restricted)])
        factors.append(Factor(name, name, None, upper))
    return factors


def _has_kind(spec: NoiseSpec, kind: str) -> bool:
    """True when removing ``kind`` (factor 0) changes the physics of ``spec``."""
    removed = scale_noise(spec, NoiseFactors.of({kind: 0.0}))
    return removed.model_copy(update={"provenance": None}) != spec.model_copy(update={"provenance": None})


def _per_qubit_readout(circuits: list[MeasuredCircuit], max_factor: float) -> list[Factor]:
    """One readout factor per measured qubit that has readout noise, capped where P(1|0) or P(0|1) reaches 1."""
    largest = {
        c.qubits[block.bits[0]]: float(max(block.matrix[0, 1], block.matrix[1, 0]))
        for c in circuits
        for block in c.readout
        if len(block.bits) == 1
    }
    noisy = sorted(qubit for qubit, flip in largest.items() if flip > 0.0)
    if not noisy:
        raise FitError("no measured qubit has readout noise in the model: there is no per-qubit readout factor to fit")
    return [Factor(f"readout[{q}]", "readout", q, min(max_factor, 1.0 / largest[q])) for q in noisy]
