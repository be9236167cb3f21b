"""The cost of a per-location fit: 18 three-qubit circuits, 22 parameters, against plain Aer in the same run.

    .venv/bin/python -u bench/bench_fit_local.py [--data ../shared/hw_counts] [--repeats 20]

Data: the even-indexed circuits of the Heron f83 set (``bench_hardware.py``; ibm_marrakesh qubits 4–5–6, 4096
shots each) and the derived model of the same day's calibration. Parameters: gate errors of cz 4–5, 5–6 and sx on
4, 5, 6; sx over-rotation on each qubit; both couplers' CZ conditional and local phases; readout P(1|0), P(0|1) of
the measured qubits 4 and 6; detuning of 4 and 6; ZZ of both couplers (22).

Printed, as p50/p95 over ``--repeats`` calls after a warm-up:

- one likelihood evaluation of all 18 circuits: ``LocalModel.log_likelihood`` against the reference a Qiskit user
  would write, the same spec's channels written into each circuit (``explicit_noise_circuit``) and one Aer
  density-matrix batch of the 18, readout left out (a lower bound on that path's cost);
- one likelihood with its gradient (the adjoint method) against the k + 1 Aer batches forward differences need
  (estimated as k + 1 times the reference's p50);

then, once each: the maximum-likelihood fit (``maximize``), the estimate with all 22 profile-likelihood intervals
(``likelihood.estimate``) here and with the profiles on a pool of ``--workers`` processes, the held-out check
(3 folds, ``selection.held_out_check``) and ``fit_noise`` end to end (all of these and the comparisons), both on
the pool. Fits run on one BLAS thread, as ``fit_noise`` runs them.

``--coverage N``: the coverage study of ``harness/local_coverage.py`` (N seeded draws from known detuning, ZZ, sx
over-rotation, readout and correlated readout on a characterization plan of ibmq_manila 1–2); exits 1 when a
parameter's 95 % intervals hold the truth in fewer than 88 % of the draws.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
import warnings
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

import numpy as np
from qiskit_aer import AerSimulator
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_hardware import heron
from timing import percentile, wall_times

from harness.local_coverage import TRUTH, local_coverage
from noise_core import derive_noise_spec, fit_noise
from noise_core.analysis.explicit import explicit_noise_circuit
from noise_core.analysis.likelihood import estimate, maximize
from noise_core.analysis.local_model import LocalModel
from noise_core.analysis.selection import CrossValidation, held_out_check

PARAMETERS = [
    *("gate[cz:4,5]", "gate[cz:5,6]", "gate[sx:4]", "gate[sx:5]", "gate[sx:6]"),
    *("overrotation[sx:4]", "overrotation[sx:5]", "overrotation[sx:6]", "cphase[cz:4,5]", "cphase[cz:5,6]"),
    *("zphase[cz:4,5@4]", "zphase[cz:4,5@5]", "zphase[cz:5,6@5]", "zphase[cz:5,6@6]"),
    *("readout01[4]", "readout10[4]", "readout01[6]", "readout10[6]", "detuning[4]", "detuning[6]"),
    *("zz[4,5]", "zz[5,6]"),
]
MEMORY_LIMIT = 8 * 2**30


def percentiles(samples: list[float]) -> tuple[float, float]:
    return percentile(samples, 0.5), percentile(samples, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "hw_counts"
    parser.add_argument("--data", type=Path, default=default, help="the hw_counts folder (default ../shared/hw_counts)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--coverage", type=int, default=0, help="draws of the coverage study (default: none)")
    parser.add_argument("--workers", type=int, default=2, help="processes of the pool fits use (default 2)")
    arguments = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    warnings.filterwarnings("ignore")
    calibration, train, _test = heron(arguments.data, "f83")
    spec = derive_noise_spec(calibration)
    with threadpool_limits(limits=1, user_api="blas"):
        started = time.perf_counter()
        model = LocalModel(spec, train, calibration=calibration, parameters=PARAMETERS)
        print(f"{len(model.circuits)} circuits, {len(PARAMETERS)} parameters; model built (placed, compiled) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        theta = model.start() + 0.01 * np.array([high - low for low, high in model.bounds])
        at_theta = model.spec_at(theta)
        placed = [circuit.experiment.placed for circuit in model.circuits]
        simulator = AerSimulator(method="density_matrix", max_parallel_experiments=0)

        def reference() -> None:
            circuits = [explicit_noise_circuit(item, at_theta) for item in placed]
            simulator.run(circuits, shots=1).result()

        ours = percentiles(wall_times(lambda: model.log_likelihood(theta), arguments.repeats))
        aer = percentiles(wall_times(reference, arguments.repeats))
        gradient = percentiles(wall_times(lambda: model.log_likelihood_and_gradient(theta), arguments.repeats))
        print(
            f"likelihood, 18 circuits: ours p50 {ours[0] * 1e3:.1f} ms / p95 {ours[1] * 1e3:.1f} ms; "
            f"plain Aer p50 {aer[0] * 1e3:.1f} ms / p95 {aer[1] * 1e3:.1f} ms; ratio at p50 {aer[0] / ours[0]:.1f}x"
        )
        forward = (len(PARAMETERS) + 1) * aer[0]
        print(
            f"likelihood and gradient: ours p50 {gradient[0] * 1e3:.0f} ms / p95 {gradient[1] * 1e3:.0f} ms; "
            f"{len(PARAMETERS) + 1} Aer batches {forward * 1e3:.0f} ms; ratio {forward / gradient[0]:.1f}x"
        )
        counts = [circuit.measured for circuit in model.circuits]
        started = time.perf_counter()
        maximize(model, counts)
        print(f"maximum-likelihood fit: {time.perf_counter() - started:.1f} s")
        time_estimate(model, counts, None, "here (one process)")
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(arguments.workers, mp_context=context) as pool:
        with threadpool_limits(limits=1, user_api="blas"):
            time_estimate(model, counts, pool, f"profiles on {arguments.workers} processes")
            started = time.perf_counter()
            folds = CrossValidation(spec, train, tuple(model.circuits), calibration, 5.0, 0, pool)
            check = held_out_check(folds, PARAMETERS)
            print(f"held-out check, folds on {arguments.workers} processes: {time.perf_counter() - started:.1f} s; "
                  f"{check.describe() if check else 'none'}")  # fmt: skip
        started = time.perf_counter()
        fit_noise(spec, train, calibration=calibration, parameters=PARAMETERS, executor=pool)
    elapsed = time.perf_counter() - started
    print(f"fit_noise end to end on {arguments.workers} processes (placement, fit, intervals, held-out check, "
          f"comparisons): {elapsed:.0f} s")  # fmt: skip
    if arguments.coverage:
        report_coverage(arguments.coverage)


def time_estimate(model: LocalModel, counts: list[np.ndarray], executor: Executor | None, where: str) -> None:
    """Time ``likelihood.estimate`` (the fit and every profile interval) with its profiles on ``executor``."""
    started = time.perf_counter()
    found = estimate(model, counts, executor)
    bounded = sum(1 for _low, _high, ok in found.intervals if ok)
    print(f"estimate with {len(PARAMETERS)} profile intervals ({bounded} bounded), {where}: "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def report_coverage(repetitions: int) -> None:
    """Run ``local_coverage`` and exit 1 when a parameter's coverage is under 88 %."""
    started = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        study = local_coverage(repetitions)
    seconds = time.perf_counter() - started
    print(f"\ncoverage of 95 % intervals over {repetitions} draws ({seconds / repetitions:.1f} s each):")
    for name, count in study.covered.items():
        values = study.estimates[name]
        print(f"  {name:<20} {count}/{repetitions}  (truth {TRUTH[name]:g}; estimates {values.mean():.4g} ± "
              f"{values.std(ddof=1):.2g})")  # fmt: skip
    low = [name for name, count in study.covered.items() if count < 0.88 * repetitions]
    if low:
        print(f"FAILED: coverage under 88 %: {', '.join(low)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
