"""One circuit placed once, and variants of its noise evaluated in batches, here or on any executor.

An ``Experiment`` is what every variant shares: the circuit transpiled and placed once (one
transpilation, one layout for a whole budget or sweep), the spec restricted to the circuit's
qubits (``restrict_spec``: what a task ships), the ideal distribution, and the method.

A ``Variant`` is the spec scaled by what-if factors (``scale_noise``), optionally with one
location's noise removed. ``evaluate_variants`` computes their metrics:

- exact (the method is ``density_matrix``): every variant's channels are written into its circuit
  (``explicit.explicit_noise_circuit``) and the batch goes to Aer in one run; readout is applied
  analytically. Equal to ``simulate``'s exact probabilities at the same factors.
- sampled (wider circuits): each variant runs as ``simulate`` would run it (its noise model, the
  same method, ``shots``), seeded by (seed, variant index) so results do not depend on how the
  variants were split into tasks. Removing one location is exact-only.

``run_variants`` splits the variants into chunks and submits each to a
``concurrent.futures.Executor`` (a process pool, or Dask's ``Client.get_executor()``). Aer's
own ``executor=`` option no longer splits work (qiskit-aer PR 2187), so the split is ours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel
from typing_extensions import Unpack

from noise_core.aer import build_noise_model
from noise_core.analysis.explicit import Location, explicit_noise_circuit
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import AnalysisError, SimulationError
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.methods import SimulationLimits, uses_stim
from noise_core.simulation.options import RunOptions, RunShortcuts, run_options
from noise_core.simulation.placement import PlacedCircuit
from noise_core.simulation.prepare import prepare_simulation
from noise_core.simulation.readout_sampling import apply_readout
from noise_core.simulation.result import SimulationMetrics, distribution_metrics
from noise_core.simulation.run import AerRun, MeasuredBits
from noise_core.spec.factors import NoiseFactors
from noise_core.spec.models import NoiseSpec
from noise_core.spec.restriction import restrict_spec
from noise_core.spec.scaling import scale_noise


@dataclass(frozen=True)
class Variant:
    """The spec scaled by ``factors`` (``scale_noise``), with ``without``'s noise removed when given."""

    factors: NoiseFactors = field(default_factory=NoiseFactors)
    without: Location | None = None

    @classmethod
    def of(cls, factors: Mapping[str, float]) -> Variant:
        """The variant with these factors by kind (the kinds not named stay 1)."""
        return cls(NoiseFactors.of(factors))


@dataclass(frozen=True)
class Experiment:
    """A circuit placed once on the device, with everything its noise variants share (picklable)."""

    placed: PlacedCircuit
    spec_json: str
    """The spec restricted to the circuit's active qubits, as JSON (what a task ships)."""
    expected: frozenset[str] | None
    method: str
    coverage: pd.DataFrame
    ideal_probabilities: pd.Series | None
    """Exact, when the active register fits a statevector."""
    ideal_counts: pd.Series
    shots: int
    seed: int
    limits: SimulationLimits

    @property
    def exact(self) -> bool:
        """True when every variant's distribution is computed exactly (density matrix)."""
        return self.method == "density_matrix" and self.ideal_probabilities is not None

    def spec(self) -> NoiseSpec:
        return NoiseSpec.model_validate_json(self.spec_json)


def prepare_experiment(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    options: RunOptions | None = None,
    *,
    calibration: BackendCalibration | None = None,
    **shortcuts: Unpack[RunShortcuts],
) -> Experiment:
    """Transpile and place ``circuit`` once (``simulate``'s arguments and checks) and run its ideal distribution.

    ``RunOptions.expected_outcomes`` gives the success outcomes of an OpenQASM circuit (library
    circuits know theirs); a seed left None is drawn and kept in ``Experiment.seed``.
    """
    prepared = prepare_simulation(circuit, spec, calibration, run_options(options, shortcuts))
    placed, options = prepared.placed, prepared.options
    assert options.seed is not None  # prepare_simulation seeded it
    restricted = restrict_spec(prepared.spec, placed.active_qubits)
    rng = np.random.default_rng(options.seed)
    aer_seeds = [int(value) for value in rng.integers(0, 2**31 - 1, size=2)]
    ideal_run = AerRun(placed, restricted, NoiseModel(), options.shots, rng, aer_seeds, options.limits)
    ideal_probabilities, ideal_counts = ideal_run.ideal()
    return Experiment(
        placed=placed,
        spec_json=restricted.model_dump_json(),
        expected=prepared.expected,
        method=prepared.method,
        coverage=prepared.coverage,
        ideal_probabilities=ideal_probabilities,
        ideal_counts=ideal_counts,
        shots=options.shots,
        seed=options.seed,
        limits=options.limits,
    )


def evaluate_variants(
    experiment: Experiment, variants: Sequence[tuple[int, Variant]]
) -> tuple[list[SimulationMetrics], int]:
    """The metrics of each (index, variant), in order, and the simulator runs they took. Runs in this process.

    The index seeds a sampled variant. Exact variants that differ only in readout share one run.
    """
    spec = experiment.spec()
    scaled = [(index, variant, scale_noise(spec, variant.factors)) for index, variant in variants]
    if experiment.exact:
        return _exact_metrics(experiment, [(variant, variant_spec) for _index, variant, variant_spec in scaled])
    metrics = [_sampled_metrics(experiment, index, variant, variant_spec) for index, variant, variant_spec in scaled]
    return metrics, len(metrics)


def run_variants(
    experiment: Experiment,
    variants: Sequence[Variant],
    *,
    executor: Executor | None = None,
    chunks: int | None = None,
) -> tuple[list[SimulationMetrics], int]:
    """``evaluate_variants`` over all ``variants``: here, or split into ``chunks`` tasks (default ≤ 8) on ``executor``.

    Metrics come back in the order of ``variants`` whatever the split, with the number of simulator runs.
    """
    if chunks is not None and (isinstance(chunks, bool) or not isinstance(chunks, int) or chunks < 1):
        raise AnalysisError(f"chunks must be a whole number ≥ 1; got {chunks!r}")
    indexed = list(enumerate(variants))
    if executor is None or not indexed:
        return evaluate_variants(experiment, indexed)
    count = min(len(indexed), chunks or 8)
    size = math.ceil(len(indexed) / count)
    futures = [
        executor.submit(evaluate_variants, experiment, indexed[start : start + size])
        for start in range(0, len(indexed), size)
    ]
    done = [future.result() for future in futures]
    return [metrics for listed, _runs in done for metrics in listed], sum(runs for _listed, runs in done)


def _exact_metrics(
    experiment: Experiment, variants: Sequence[tuple[Variant, NoiseSpec]]
) -> tuple[list[SimulationMetrics], int]:
    """One Aer density-matrix batch (``before_readout``); readout applied analytically per variant."""
    before, runs = before_readout(experiment, variants)
    bits = MeasuredBits(experiment.placed)
    metrics = []
    for (variant, spec), probabilities in zip(variants, before, strict=True):
        blocks = bits.readout_blocks(spec)
        if variant.without is not None and len(variant.without) == 1:  # that qubit read perfectly
            for bit, (_clbit, _position, physical) in enumerate(bits.measured):
                if physical == variant.without[0]:
                    blocks = [block.without(bit) for block in blocks]
        noisy = bits.distribution(apply_readout(probabilities, blocks), "noisy")
        exact_only = distribution_metrics(  # with both distributions exact, the counts are not read
            experiment.ideal_probabilities, noisy, experiment.ideal_counts, noisy, experiment.expected
        )
        metrics.append(exact_only)
    return metrics, runs


def before_readout(
    experiment: Experiment, variants: Sequence[tuple[Variant, NoiseSpec]]
) -> tuple[list[np.ndarray], int]:
    """Each variant's exact distribution over the measured bits before readout (bit i = i-th measured clbit,
    as ``MeasuredBits``), from one Aer density-matrix batch, and the runs it took.

    The readout factor changes no channel in the circuit, so variants equal in every other factor and in the
    location removed share one run (a readout sweep is one run).
    """
    run_of: dict[tuple[float | Location | None, ...], int] = {}
    circuits: list[QuantumCircuit] = []
    for variant, spec in variants:
        if _circuit_key(variant) not in run_of:
            run_of[_circuit_key(variant)] = len(circuits)
            circuits.append(explicit_noise_circuit(experiment.placed, spec, without=variant.without))
    result = AerSimulator(method="density_matrix", max_parallel_experiments=0).run(circuits, shots=1).result()
    if not result.success:
        raise SimulationError(f"the simulator failed: {result.status}")
    runs = [np.asarray(result.data(index)["probabilities"], dtype=float) for index in range(len(circuits))]
    return [runs[run_of[_circuit_key(variant)]] for variant, _spec in variants], len(circuits)


def _circuit_key(variant: Variant) -> tuple[float | Location | None, ...]:
    """What the circuit of a variant depends on: everything but the readout factor."""
    factors = {kind: value for kind, value in variant.factors.as_dict().items() if kind != "readout"}
    return (*factors.values(), variant.without)


def _sampled_metrics(experiment: Experiment, index: int, variant: Variant, spec: NoiseSpec) -> SimulationMetrics:
    """``simulate``'s sampled run of one variant, seeded by (seed, index)."""
    if variant.without is not None:
        raise AnalysisError("removing one location's noise is computed exactly only (density matrix)")
    placed = experiment.placed
    rng = np.random.default_rng([experiment.seed, index])
    aer_seeds = [int(value) for value in rng.integers(0, 2**31 - 1, size=2)]
    model = (
        None  # Stim's runs read the channels from the spec (simulation.pauli_circuit)
        if uses_stim(experiment.method, placed)
        else build_noise_model(
            spec, qubits=placed.active_qubits, compact=True, readout=not placed.terminal, placements=placed.placements()
        )
    )
    run = AerRun(placed, spec, model, experiment.shots, rng, aer_seeds, experiment.limits)
    _none, noisy_counts = run.noisy(experiment.method)
    return distribution_metrics(
        experiment.ideal_probabilities, None, experiment.ideal_counts, noisy_counts, experiment.expected
    )
