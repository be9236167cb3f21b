"""A what-if sweep against the ways a user would otherwise compute it, in one run; Dask throughput.

    .venv/bin/python bench/bench_sweep.py [--repeats N] [--points 20] [--dask-points 80]

The task: a 1-D sweep of the gate factor (0 … 2) for GHZ(8) on the default preset
(ibm_pittsburgh), 4000 shots, the derived model already in hand. Three paths, each timed as the
median of ``--repeats`` runs (``--aer-repeats`` for plain Aer) after one untimed warm-up:

- **plain Aer** (the reference): per point, the full-device Aer ``NoiseModel`` of the scaled spec
  (``build_noise_model``), then ``AerSimulator(noise_model=...).run(transpiled, shots=4000)`` on a
  circuit transpiled once: what a Qiskit user writes;
- **simulate ×N**: N independent ``simulate`` calls on ``scale_noise``'d specs (each transpiles,
  builds its compact model and runs exactly);
- **sweep**: ``noise_core.sweep`` (one transpilation, the N variants as one Aer batch).

Ratios are the other path's time over the sweep's. The sweep's points are checked against the
independent ``simulate`` calls (largest difference of success probability; exact paths agree to
~1e-9, the size of the terms Aer drops from a noise model, see ``tests/noise_core/simulation/test_simulate_parity.py``).

Dask: the same kind of sweep with ``--dask-points`` points on a ``LocalCluster`` of 1 and then 2
worker processes (one thread each), through ``Client.get_executor()``; throughput in points per
second, after one untimed warm-up sweep per cluster. This machine has 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from qiskit import transpile
from qiskit_aer import AerSimulator

sys.path.insert(0, str(Path(__file__).parents[1]))
from timing import median_seconds

from noise_core import build_noise_model, derive_noise_spec, scale_noise, simulate, sweep
from noise_core.simulation.circuits import ghz
from noise_core.simulation.target import build_target
from presets import DEFAULT_PRESET, load_preset

SHOTS = 4000
SEED = 2026


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--aer-repeats", type=int, default=1, help="plain Aer takes seconds per point")
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--dask-points", type=int, default=80)
    arguments = parser.parse_args()
    calibration = load_preset(DEFAULT_PRESET)
    spec = derive_noise_spec(calibration)
    circuit = ghz(8)
    factors = [float(value) for value in np.linspace(0.0, 2.0, arguments.points)]
    target = build_target(calibration).target
    transpiled = transpile(circuit.circuit, target=target, optimization_level=2, seed_transpiler=SEED)

    def plain_aer() -> None:
        for factor in factors:
            model = build_noise_model(scale_noise(spec, gate=factor))
            AerSimulator(noise_model=model).run(transpiled, shots=SHOTS, seed_simulator=SEED).result()

    def independent() -> list[float | None]:
        return [
            simulate(
                circuit, scale_noise(spec, gate=f), calibration=calibration, shots=SHOTS, seed=SEED
            ).metrics.success_probability
            for f in factors
        ]

    def ours() -> object:
        return sweep(circuit, spec, calibration=calibration, factors={"gate": factors}, shots=SHOTS, seed=SEED)

    print(
        f"{arguments.points}-point gate sweep of GHZ(8) on {DEFAULT_PRESET}, {SHOTS} shots; medians of "
        f"{arguments.repeats} ({arguments.aer_repeats} for plain Aer), each after a warm-up"
    )
    sweep_s = median_seconds(ours, arguments.repeats)
    simulate_s = median_seconds(independent, arguments.repeats)
    aer_s = median_seconds(plain_aer, arguments.aer_repeats)
    frame = sweep(circuit, spec, calibration=calibration, factors={"gate": factors}, shots=SHOTS, seed=SEED)
    difference = np.abs(frame["success_probability"].to_numpy() - np.array(independent(), dtype=float)).max()
    print(f"{'path':<28}{'seconds':>9}{'ratio':>9}")
    print(f"{'plain Aer (reference)':<28}{aer_s:>9.2f}{aer_s / sweep_s:>8.1f}×")
    print(f"{f'simulate ×{arguments.points}':<28}{simulate_s:>9.2f}{simulate_s / sweep_s:>8.1f}×")
    print(f"{'sweep':<28}{sweep_s:>9.2f}{1.0:>8.1f}×")
    print(f"method {frame.attrs['method']}; largest |Δ success| vs simulate: {difference:.1e}")
    dask_throughput(spec, calibration, circuit, arguments.dask_points)


def dask_throughput(spec, calibration, circuit, points: int) -> None:
    from distributed import Client, LocalCluster

    factors = {"gate": [float(value) for value in np.linspace(0.0, 2.0, points)]}
    print(f"\nDask LocalCluster: {points}-point sweep of GHZ(8), chunks of the points per worker task")
    print(f"{'workers':>8}{'seconds':>9}{'points/s':>10}")
    for workers in (1, 2):
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
            Client(cluster) as client,
        ):
            executor = client.get_executor()
            sweep(circuit, spec, calibration=calibration, factors=factors, executor=executor)  # warm-up
            start = time.perf_counter()
            sweep(circuit, spec, calibration=calibration, factors=factors, executor=executor)
            seconds = time.perf_counter() - start
        print(f"{workers:>8}{seconds:>9.2f}{points / seconds:>10.1f}")


if __name__ == "__main__":
    main()
