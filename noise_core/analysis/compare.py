"""``compare_counts``: measured counts against the model (and the ideal circuit), circuit by circuit and overall.

Each circuit is placed where it ran (its ``physical_qubits``, else the transpiler's layout with
``seed``) and its exact model distribution computed (``FactorModel``); ``goodness`` explains the
statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from noise_core.analysis.counts import MeasuredCounts
from noise_core.analysis.factor_model import FactorModel, MeasuredCircuit
from noise_core.analysis.goodness import (
    GoodnessOfFit,
    Refit,
    goodness_of_fit,
    hellinger_fidelity,
    residuals,
    total_variation,
)
from noise_core.analysis.local_model import LocalModel
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import FitError
from noise_core.spec.models import NoiseSpec

MAX_DRAWS = 10_000
"""Most bootstrap draws asked for (each may be a refit)."""


@dataclass(frozen=True)
class CircuitComparison:
    """One circuit's counts against the model and the ideal distribution."""

    name: str
    reference: str
    shots: int
    physical_qubits: tuple[int, ...]
    """Where the circuit ran (measured bits' qubits in clbit order)."""
    table: pd.DataFrame
    """By outcome: measured, measured_probability, model, ideal, residual, sampling_error, z."""
    model_distance: tuple[float, float]
    """(TVD, Hellinger fidelity) of the measured frequencies to the model."""
    ideal_distance: tuple[float, float]
    """The same to the ideal distribution, for context."""
    goodness: GoodnessOfFit
    """This circuit alone against the model, counted as if nothing were fitted (a fit's factors come from all
    circuits together)."""


@dataclass(frozen=True)
class Comparison:
    """Every circuit's comparison, and the goodness of fit of the model to all of them together."""

    circuits: tuple[CircuitComparison, ...]
    goodness: GoodnessOfFit
    goodness_ideal: GoodnessOfFit

    def summary(self) -> pd.DataFrame:
        """One row per circuit: shots, TVD and Hellinger fidelity to model and ideal, its p-value."""
        return pd.DataFrame(
            [
                {
                    "circuit": item.name,
                    "shots": item.shots,
                    "tvd_model": item.model_distance[0],
                    "hellinger_model": item.model_distance[1],
                    "tvd_ideal": item.ideal_distance[0],
                    "hellinger_ideal": item.ideal_distance[1],
                    "p_value": item.goodness.p_value,
                }
                for item in self.circuits
            ]
        ).set_index("circuit")


def compare_counts(
    spec: NoiseSpec,
    data: MeasuredCounts,
    *,
    calibration: BackendCalibration | None = None,
    seed: int = 0,
    draws: int = 1000,
) -> Comparison:
    """``data`` against ``spec``'s exact model (module docstring); ``draws`` bootstrap draws where needed."""
    check_draws(draws)
    model = FactorModel(spec, data, calibration=calibration, seed=seed)
    return comparison_at(model, model.probabilities([]), fitted=0, draws=draws, seed=seed)


def comparison_at(
    model: FactorModel | LocalModel,
    probabilities: Sequence[np.ndarray],
    *,
    fitted: int,
    draws: int,
    seed: int,
    refit: Refit | None = None,
) -> Comparison:
    """The comparison of ``model``'s circuits with ``probabilities`` (one array per circuit, its outcome order)."""
    rng = np.random.default_rng(seed)
    circuits = tuple(
        _circuit_comparison(circuit, q, draws, rng) for circuit, q in zip(model.circuits, probabilities, strict=True)
    )
    counts = [circuit.measured for circuit in model.circuits]
    overall = goodness_of_fit(counts, probabilities, fitted=fitted, draws=draws, rng=rng, refit=refit)
    ideal = goodness_of_fit(counts, [circuit.ideal for circuit in model.circuits], draws=draws, rng=rng)
    return Comparison(circuits, overall, ideal)


def _circuit_comparison(
    circuit: MeasuredCircuit, model: np.ndarray, draws: int, rng: np.random.Generator
) -> CircuitComparison:
    measured, ideal = circuit.measured, circuit.ideal
    return CircuitComparison(
        name=circuit.counts.name,
        reference=circuit.counts.reference,
        shots=int(measured.sum()),
        physical_qubits=circuit.qubits,
        table=residuals(measured, model, ideal, circuit.labels),
        model_distance=(total_variation(measured, model), hellinger_fidelity(measured, model)),
        ideal_distance=(total_variation(measured, ideal), hellinger_fidelity(measured, ideal)),
        goodness=goodness_of_fit([measured], [model], draws=draws, rng=rng),
    )


def check_draws(draws: int) -> None:
    if isinstance(draws, bool) or not isinstance(draws, int) or not 10 <= draws <= MAX_DRAWS:
        raise FitError(f"draws must be a whole number from 10 to {MAX_DRAWS:,}; got {draws!r}")
