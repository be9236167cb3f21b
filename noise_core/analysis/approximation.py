"""What an export's approximation costs on one circuit: how far its result moves from the model's.

Classiq's schema cannot hold every kind of noise (``export.approximate_for_classiq`` folds channels into
depolarizing ones of the same process fidelity and drops the time-bound kinds). Whether that matters depends
on the circuit: this runs the circuit under the model and under its approximation, with the same options and
seed, and gives the total variation distance between the two noisy distributions: exact when both runs are
exact (density matrix), else between sampled frequencies, which adds shot noise of order √(k/shots) over k
outcomes (said in ``exact``).
"""

from __future__ import annotations

from dataclasses import dataclass

from qiskit import QuantumCircuit
from typing_extensions import Unpack

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.export import approximate_for_classiq
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.options import RunOptions, RunShortcuts, run_options
from noise_core.simulation.result import frequencies, total_variation_distance
from noise_core.simulation.simulate import simulate
from noise_core.spec.models import NoiseSpec


@dataclass(frozen=True)
class ApproximationCost:
    """The distance between a model's noisy result and its approximation's on one circuit."""

    tvd: float
    """Total variation distance between the two noisy distributions (0 when the export is exact)."""
    exact: bool
    """True when both distributions are exact; else sampled with ``shots`` shots each."""
    shots: int
    notes: tuple[str, ...]
    """What the approximation changed (``approximate_for_classiq``'s notes); empty when nothing."""


def classiq_approximation_cost(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    options: RunOptions | None = None,
    *,
    calibration: BackendCalibration | None = None,
    **shortcuts: Unpack[RunShortcuts],
) -> ApproximationCost:
    """How far Classiq's export of ``spec`` moves ``circuit``'s noisy result (``simulate``'s arguments)."""
    approximated, notes = approximate_for_classiq(spec)
    options = run_options(options, shortcuts).seeded()
    if not notes:
        return ApproximationCost(0.0, True, options.shots, ())
    model = simulate(circuit, spec, options, calibration=calibration)
    folded = simulate(circuit, approximated, options, calibration=calibration)
    if model.noisy_probabilities is not None and folded.noisy_probabilities is not None:
        distance = total_variation_distance(model.noisy_probabilities, folded.noisy_probabilities)
        return ApproximationCost(distance, True, options.shots, tuple(notes))
    distance = total_variation_distance(frequencies(model.noisy_counts), frequencies(folded.noisy_counts))
    return ApproximationCost(distance, False, options.shots, tuple(notes))
