"""Coverage study of per-location intervals on a characterization plan (``bench/bench_fit_local.py`` prints it).

Counts are drawn from a model with known per-location values (``TRUTH``: detuning, ZZ, sx over-rotation, readout
and correlated readout on ibmq_manila's coupler 1–2) on ``plan_fit_circuits(..., characterization=True)``: the
exact probabilities come from ``simulate`` (Aer's NoiseModel path, independent of the fit's compiled one), then
multinomial draws of ``SHOTS`` per circuit, one seed per repetition. Each draw is fitted with
``likelihood.estimate`` (what ``fit_noise`` runs: maximum likelihood, then 95 % profile intervals) on one
``LocalModel`` built once (its circuits do not depend on the counts), and each interval is checked for the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from harness.fit_coverage import true_probabilities
from noise_core import derive_noise_spec, load_calibration, load_counts, plan_fit_circuits
from noise_core.analysis.likelihood import estimate
from noise_core.analysis.local_model import LocalModel
from noise_core.analysis.locations import applied, parse_parameter
from presets import SNAPSHOT_DIR

QUBITS = (1, 2)
"""ibmq_manila's coupler 1–2: qubit 1 is the even colour, 2 the odd one."""
TRUTH = {
    "detuning[1]": 20.0,
    "zz[1,2]": 50.0,
    "overrotation[sx:1]": 0.02,
    "readout01[2]": 0.05,
    "readoutcorr[1,2]": 0.008,
}
SHOTS = 4000


@dataclass(frozen=True)
class LocalCoverage:
    repetitions: int
    covered: dict[str, int]
    """How many of the repetitions' 95 % intervals contain the true value, by parameter."""
    estimates: dict[str, np.ndarray]


@cache
def study_model() -> tuple[LocalModel, list[np.ndarray]]:
    """The fit's model of the plan (``TRUTH``'s names) and the true probabilities by circuit."""
    calibration = load_calibration(SNAPSHOT_DIR / "ibmq_manila.json")
    spec = derive_noise_spec(calibration)
    parameters = [parse_parameter(name, spec, 5.0) for name in TRUTH]
    truth = applied(spec.model_dump(mode="json"), parameters, list(TRUTH.values()))
    plan = plan_fit_circuits(calibration, QUBITS, characterization=True)
    data = load_counts(plan.simulated_counts(truth, calibration=calibration, shots=SHOTS, seed=0))
    model = LocalModel(spec, data, calibration=calibration, parameters=list(TRUTH))
    return model, true_probabilities(model.circuits, truth, calibration, QUBITS)


def local_coverage(repetitions: int, *, seed: int = 2026) -> LocalCoverage:
    """Fit ``repetitions`` seeded draws and count the intervals that contain ``TRUTH``."""
    model, probabilities = study_model()
    covered = dict.fromkeys(TRUTH, 0)
    estimates = {name: np.empty(repetitions) for name in TRUTH}
    for repetition in range(repetitions):
        rng = np.random.default_rng([seed, repetition])
        counts = [rng.multinomial(SHOTS, q / q.sum()).astype(float) for q in probabilities]
        found = estimate(model, counts)
        for index, name in enumerate(model.names):
            low, high, _bounded = found.intervals[index]
            estimates[name][repetition] = found.theta[index]
            covered[name] += int(low <= TRUTH[name] <= high)
    return LocalCoverage(repetitions, covered, estimates)
