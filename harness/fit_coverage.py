"""Coverage study of ``fit_noise``'s 95 % intervals (``bench/bench_fit.py`` runs it and fails outside 88–100 %;
the tests draw their synthetic counts at the same ``TRUTH`` on the same ``QUBITS``).

Counts are drawn from a model with known factors (gate ×1.8, readout ×1.3): the exact probabilities
come from ``simulate`` on the scaled spec (the NoiseModel path, independent of the fit's
interpolated superoperator path), then multinomial draws of ``shots`` per circuit, one seed per
repetition. Each repetition is fitted (maximum likelihood and profile-likelihood intervals) on one
``FactorModel`` built once: its simulations do not depend on the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from noise_core import derive_noise_spec, load_calibration, load_counts, plan_fit_circuits, scale_noise, simulate
from noise_core.analysis.factor_model import FactorModel, MeasuredCircuit
from noise_core.analysis.likelihood import fisher_information, maximize, profile_interval
from noise_core.calibration import BackendCalibration
from noise_core.spec.models import NoiseSpec
from presets import SNAPSHOT_DIR

TRUTH = {"gate": 1.8, "readout": 1.3}
QUBITS = (1, 2, 3)
"""ibmq_manila's qubits 1–2–3 (a path): each has depolarizing gate noise left after relaxation."""


@dataclass(frozen=True)
class CoverageStudy:
    repetitions: int
    covered: dict[str, int]
    """How many of the repetitions' 95 % intervals contain the true factor, by factor."""
    estimates: dict[str, np.ndarray]
    widths: dict[str, np.ndarray]


@cache
def study_model() -> tuple[FactorModel, list[np.ndarray]]:
    """The fit's model of the plan on ``QUBITS`` (counts of one draw) and the true probabilities by circuit."""
    calibration = load_calibration(Path(SNAPSHOT_DIR / "ibmq_manila.json"))
    spec = derive_noise_spec(calibration)
    plan = plan_fit_circuits(calibration, QUBITS)
    truth = scale_noise(spec, **TRUTH)
    data = load_counts(plan.simulated_counts(truth, calibration=calibration, shots=4000, seed=0))
    model = FactorModel(spec, data, calibration=calibration, parameters=tuple(TRUTH))
    return model, true_probabilities(model.circuits, truth, calibration, QUBITS)


def true_probabilities(
    circuits: Sequence[MeasuredCircuit], truth: NoiseSpec, calibration: BackendCalibration, qubits: Sequence[int]
) -> list[np.ndarray]:
    """Each circuit's exact outcome probabilities under ``truth`` on ``qubits``, over the fit's outcome index, from
    ``simulate`` (Aer's NoiseModel path, independent of the fit's own)."""
    probabilities = []
    for circuit in circuits:
        result = simulate(circuit.counts.circuit, truth, calibration=calibration, initial_layout=list(qubits),
                          shots=16, seed=0)  # fmt: skip
        assert result.noisy_probabilities is not None
        probabilities.append(result.noisy_probabilities.reindex(circuit.labels, fill_value=0.0).to_numpy())
    return probabilities


def coverage_study(repetitions: int, *, shots: int = 4000, seed: int = 2026) -> CoverageStudy:
    """Fit ``repetitions`` seeded draws and count the intervals that contain ``TRUTH``."""
    model, probabilities = study_model()
    names = model.names
    estimates = {name: np.empty(repetitions) for name in names}
    widths = {name: np.empty(repetitions) for name in names}
    covered = dict.fromkeys(names, 0)
    for repetition in range(repetitions):
        rng = np.random.default_rng([seed, repetition])
        counts = [rng.multinomial(shots, q / q.sum()).astype(float) for q in probabilities]
        theta, best = maximize(model, counts)
        information = fisher_information(model, theta)
        for index, name in enumerate(names):
            low, high, _bounded = profile_interval(model, counts, theta, best, index, information)
            estimates[name][repetition] = theta[index]
            widths[name][repetition] = high - low
            covered[name] += int(low <= TRUTH[name] <= high)
    return CoverageStudy(repetitions, covered, estimates, widths)
