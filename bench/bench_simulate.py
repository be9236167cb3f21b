"""Simulating a circuit on a 156-qubit device: ours end to end against plain Aer, in one run.

    .venv/bin/python bench/bench_simulate.py [--repeats N] [--quick]

Reference path (what a user would otherwise write), with the fake backend already constructed
(not timed, which favours the reference): ``NoiseModel.from_backend(backend)``,
``transpile(circuit, backend)``, ``AerSimulator(noise_model=model).run(circuit, shots=4000)``.

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
import sys
import warnings
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit, transpile
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel
from qiskit_ibm_runtime import fake_provider

sys.path.insert(0, str(Path(__file__).parents[1]))
from timing import median_seconds

from noise_core import derive_noise_spec, load_calibration, simulate
from noise_core.simulation import SimulationResult, clear_caches
from noise_core.simulation.circuits import LibraryCircuit, ghz, qft
from noise_core.spec.readout import assignment_matrix
from tests.aer_reference import with_exact_channels
from tests.statistics import lumped_tvd, tvd_bound

SNAPSHOTS = Path(__file__).resolve().parent.parent / "presets" / "snapshots"
FAKE = {
    "ibmq_manila": "FakeManilaV2",
    "ibm_algiers": "FakeAlgiers",
    "ibm_sherbrooke": "FakeSherbrooke",
    "ibm_pittsburgh": "FakePittsburgh",
    "ibm_kingston": "FakeKingston",
}
SHOTS = 4000
SEED = 2026


def ours(path: Path, circuit: LibraryCircuit) -> SimulationResult:
    clear_caches()
    calibration = load_calibration(path)
    return simulate(circuit, derive_noise_spec(calibration), calibration=calibration, shots=SHOTS, seed=SEED)


def reference(backend, circuit: QuantumCircuit) -> dict[str, int]:
    model = NoiseModel.from_backend(backend)
    transpiled = transpile(circuit, backend, seed_transpiler=SEED)
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


def goal_cases(repeats: int, names: list[str]) -> None:
    print(f"\nGoal cases, {SHOTS} shots; medians of {repeats}; ratio = reference / ours (cold caches)")
    print(f"{'device':<16}{'circuit':<9}{'method':<16}{'reference':>11}{'ours':>10}{'ratio':>8}{'TVD':>8}{'bound':>8}")
    circuits = (ghz(12), qft(8))
    for name in names:
        path = SNAPSHOTS / f"{name}.json"
        results = [ours(path, circuit) for circuit in circuits]
        mine = [median_seconds(lambda circuit=circuit, path=path: ours(path, circuit), repeats) for circuit in circuits]
        gc.collect()
        backend = getattr(fake_provider, FAKE[name])()
        theirs = [
            median_seconds(lambda circuit=circuit, backend=backend: reference(backend, circuit.circuit), repeats)
            for circuit in circuits
        ]
        model = NoiseModel.from_backend(backend)
        spec = derive_noise_spec(load_calibration(path))
        for circuit, result, mine_s, theirs_s in zip(circuits, results, mine, theirs, strict=True):
            exact = exact_reference(result, model, lambda qubit, spec=spec: assignment_matrix(spec, qubit))
            distance, bound = tvd_to_exact(result, exact)
            print(
                f"{name:<16}{circuit.name:<9}{result.method:<16}{theirs_s:>9.2f} s{mine_s * 1e3:>7.0f} ms"
                f"{theirs_s / mine_s:>7.1f}×{distance:>8.4f}{bound:>8.4f}"
            )
        del backend, model
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
        backend = getattr(fake_provider, FAKE[name])()
        theirs = median_seconds(lambda backend=backend: reference(backend, circuit.circuit), repeats)
        print(f"{name:<16}{backend.num_qubits:>7}{theirs:>9.2f} s{mine * 1e3:>7.0f} ms{theirs / mine:>7.1f}×")
        del backend
        gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per path (default 3)")
    parser.add_argument("--quick", action="store_true", help="only the goal cases on ibm_pittsburgh")
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    if arguments.quick:
        goal_cases(arguments.repeats, ["ibm_pittsburgh"])
        return
    goal_cases(arguments.repeats, ["ibm_pittsburgh", "ibm_kingston"])
    active_qubit_scaling(arguments.repeats)
    device_size_scaling(arguments.repeats)


if __name__ == "__main__":
    main()
