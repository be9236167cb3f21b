"""Simulating a circuit on a 156-qubit device: ours end to end against plain Aer, in one run.

    .venv/bin/python bench/bench_simulate.py [--repeats N] [--quick]

Reference path (what a user would otherwise write), with the fake backend already constructed
(not timed, which favours the reference): ``NoiseModel.from_backend(backend)``,
``transpile(circuit, backend)``, ``AerSimulator(noise_model=model).run(circuit, shots=4000)``; with idle
noise, the circuit is transpiled with ``scheduling_method="alap"`` so that ``from_backend``'s relaxation
acts on its delays, the same physics as ours.

The goal cases (issue 24): GHZ(12) (trajectories, 12 active qubits) and QFT(8) (density matrix) on
ibm_fez, with and without idle noise: four ratios, medians of ``--repeats`` (default 5), and the
spread of our runs (slowest / fastest).

Ours, timed from the snapshot file on disk: ``load_calibration`` → ``derive_noise_spec`` →
``simulate(circuit, spec, calibration=..., shots=4000)``, with the noise-model and error caches
cleared before every call (a cold run; the app's reruns are faster).

Each figure is the median of the repeats after one untimed warm-up call (the first ``transpile``
in a process imports its passes, ~0.8 s, on both paths). Accuracy: our noisy counts are compared
with the exact distribution of the same transpiled circuit under ``from_backend``'s gate channels
(Aer density matrix, each channel as its exact superoperator) and the snapshot's readout; the
total variation distance must lie under the Bretagnolle–Huber–Carol bound for 4000 shots
(failure probability 1e-6).
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import warnings
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit, transpile
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel

sys.path.insert(0, str(Path(__file__).parents[1]))
from timing import median_seconds, wall_times

from harness.aer_reference import fake_backend, with_exact_channels
from harness.statistics import lumped_tvd, tvd_bound
from noise_core import derive_noise_spec, load_calibration, simulate
from noise_core.simulation import SimulationResult, clear_caches
from noise_core.simulation.circuits import LibraryCircuit, ghz, qft
from noise_core.spec.readout import assignment_matrix

SNAPSHOTS = Path(__file__).resolve().parent.parent / "presets" / "snapshots"
SHOTS = 4000
SEED = 2026


def ours(path: Path, circuit: LibraryCircuit, idle_noise: bool = True) -> SimulationResult:
    clear_caches()
    calibration = load_calibration(path)
    spec = derive_noise_spec(calibration)
    return simulate(circuit, spec, calibration=calibration, shots=SHOTS, seed=SEED, idle_noise=idle_noise)


def reference(backend, circuit: QuantumCircuit, idle_noise: bool = False) -> dict[str, int]:
    """Plain Aer doing the same physics: with idle noise, the ALAP-scheduled circuit, whose delays get
    ``from_backend``'s relaxation (its ``RelaxationNoisePass``)."""
    model = NoiseModel.from_backend(backend)
    transpiled = transpile(circuit, backend, seed_transpiler=SEED, scheduling_method="alap" if idle_noise else None)
    return AerSimulator(noise_model=model).run(transpiled, shots=SHOTS, seed_simulator=SEED).result().get_counts()


def exact_reference(result: SimulationResult, model: NoiseModel, spec_readout) -> np.ndarray:
    """from_backend's channels on our transpiled circuit, exactly; readout from the snapshot."""
    transpiled = result.transpiled
    circuit = with_exact_channels(transpiled, model)
    measured = [int(result.measured_qubits[clbit]) for clbit in range(transpiled.num_clbits)]
    circuit.save_probabilities(measured)
    data = AerSimulator(method="density_matrix").run(circuit, shots=1).result().data(0)
    joint = reduce(np.kron, [spec_readout(qubit) for qubit in reversed(measured)])
    return np.asarray(data["probabilities"]) @ joint


def tvd_to_exact(result: SimulationResult, exact: np.ndarray) -> tuple[float, float]:
    """(TVD of our counts to ``exact`` after lumping rare outcomes, its 1e-6 sampling bound)."""
    width = int(math.log2(len(exact)))
    probabilities = pd.Series(exact, index=[format(i, f"0{width}b") for i in range(len(exact))])
    distance, categories = lumped_tvd(result.noisy_counts, probabilities, SHOTS)
    return distance, tvd_bound(categories, SHOTS)


def goal_cases(repeats: int, name: str = "ibm_fez") -> None:
    """The four goal ratios: GHZ(12) (trajectories) and QFT(8) (density matrix), with and without idle noise."""
    print(f"\nGoal cases on {name}, {SHOTS} shots; medians of {repeats}; ratio = reference / ours (cold caches);")
    print("spread = slowest / fastest of our runs")
    header = f"{'circuit':<9}{'idle':<6}{'method':<16}{'reference':>11}{'ours':>10}{'ratio':>8}{'spread':>8}"
    print(header + f"{'TVD':>8}{'bound':>8}")
    path = SNAPSHOTS / f"{name}.json"
    backend = fake_backend(name)
    model = NoiseModel.from_backend(backend)
    spec = derive_noise_spec(load_calibration(path))
    gc.freeze()  # the reference's backend and model stay alive all run: full collections need not traverse them
    for idle in (False, True):
        for circuit in (ghz(12), qft(8)):
            mine = wall_times(lambda circuit=circuit, idle=idle: ours(path, circuit, idle), repeats)
            theirs = statistics.median(
                wall_times(lambda circuit=circuit, idle=idle: reference(backend, circuit.circuit, idle), repeats)
            )
            result = ours(path, circuit, idle)
            exact = exact_reference(result, model, lambda qubit: assignment_matrix(spec, qubit))
            distance, bound = tvd_to_exact(result, exact)
            median = statistics.median(mine)
            switch = "on" if idle else "off"
            print(
                f"{circuit.name:<9}{switch:<6}{result.method:<16}{theirs:>9.2f} s{median * 1e3:>7.0f} ms"
                f"{theirs / median:>7.1f}×{max(mine) / min(mine):>7.2f}×{distance:>8.4f}{bound:>8.4f}"
            )
            gc.collect()


def active_qubit_scaling(repeats: int) -> None:
    path = SNAPSHOTS / "ibm_pittsburgh.json"
    print(f"\nGrowth with active qubits: GHZ(n) on ibm_pittsburgh, {SHOTS} shots, cold caches (medians of {repeats})")
    print(f"{'n':>4}{'method':>16}{'total':>10}{'transpile':>11}{'model':>9}{'noisy sim':>11}")
    for size in (5, 8, 10, 12, 14):
        circuit = ghz(size)
        total = median_seconds(lambda circuit=circuit: ours(path, circuit), repeats)
        result = ours(path, circuit)
        stages = result.timings
        print(
            f"{size:>4}{result.method:>16}{total * 1e3:>7.0f} ms{stages['transpile'] * 1e3:>8.0f} ms"
            f"{stages['noise model'] * 1e3:>6.0f} ms{stages['simulate noisy'] * 1e3:>8.0f} ms"
        )


def device_size_scaling(repeats: int) -> None:
    print(f"\nGrowth with device size: GHZ(5), {SHOTS} shots (medians of {repeats})")
    print(f"{'device':<16}{'qubits':>7}{'reference':>11}{'ours':>10}{'ratio':>8}")
    circuit = ghz(5)
    for name in ("ibmq_manila", "ibm_algiers", "ibm_sherbrooke", "ibm_pittsburgh"):
        path = SNAPSHOTS / f"{name}.json"
        mine = median_seconds(lambda path=path: ours(path, circuit), repeats)
        gc.collect()
        backend = fake_backend(name)
        theirs = median_seconds(lambda backend=backend: reference(backend, circuit.circuit), repeats)
        print(f"{name:<16}{backend.num_qubits:>7}{theirs:>9.2f} s{mine * 1e3:>7.0f} ms{theirs / mine:>7.1f}×")
        del backend
        gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per path (default 5)")
    parser.add_argument("--quick", action="store_true", help="only the four goal cases on ibm_fez")
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    goal_cases(arguments.repeats)
    if arguments.quick:
        return
    active_qubit_scaling(arguments.repeats)
    device_size_scaling(arguments.repeats)


if __name__ == "__main__":
    main()
