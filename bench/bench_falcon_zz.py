"""Does static ZZ from the snapshot move the prediction towards what 2021 Falcon devices returned?

    .venv/bin/python bench/bench_falcon_zz.py [--data ../shared/hw_counts] [--runs 100]

Data: ``hw_counts/falcon_5q_2021`` (README there; Apache-2.0): six two-qubit circuits run 100 times × 8192 shots
on ibmq_athens, belem and quito (physical qubits 0 and 1), each device's ``backend.properties()`` of the same
calibration cycle, which reports ``zz_ab`` for every coupler (−38 to −77 kHz between qubits 0 and 1).

Models, none fitted to the counts (so every circuit is held out): ``ideal``; ``derived`` (``derive_noise_spec``,
from_backend physics with idle relaxation); ``+ ZZ`` (the same with ``zz_crosstalk=True``: the snapshot's ξ on the
ALAP schedule). Each circuit is compiled at optimization level 1 onto qubits [0, 1], scheduled ALAP and simulated
exactly (density matrix, snapshot readout).

Printed per device and circuit: the median over runs of the TVD to each run's frequencies, and the share of the
ideal-to-hardware distance explained, (TVD_ideal − TVD_model) / (TVD_ideal − floor), with the floor the median TVD
of the derived model resampled at 8192 shots (200 draws); then the mean negative log-likelihood per shot over all
runs. A last block gives the medians over circuits per device.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np
from qiskit import ClassicalRegister

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from noise_core import NoiseSpec, derive_noise_spec, load_calibration, parse_circuit, simulate
from noise_core.calibration import BackendCalibration

LABELS = ["00", "01", "10", "11"]
FLOOR_DRAWS = 200
PROBABILITY_FLOOR = 1e-9
"""Model probabilities are clipped here before a log, so an outcome the model forbids costs a finite amount."""
MODELS = ("ideal", "derived", "+ ZZ")


def predicted(qasm: str, spec: NoiseSpec, calibration: BackendCalibration) -> np.ndarray:
    """Exact probabilities of the logical circuit with both qubits measured, clbit i = qubit i (the README's)."""
    circuit = parse_circuit(qasm)
    circuit.add_register(ClassicalRegister(2, "c"))
    circuit.measure([0, 1], [0, 1])
    result = simulate(
        circuit, spec, calibration=calibration, seed=1, initial_layout=[0, 1], optimization_level=1,
        idle_noise=True, shots=1,
    )  # fmt: skip
    return result.noisy_probabilities.reindex(LABELS, fill_value=0.0).to_numpy()


def tvd(p: np.ndarray, q: np.ndarray) -> float:
    return 0.5 * float(np.abs(p - q).sum())


def nll_per_shot(probabilities: np.ndarray, counts: list[np.ndarray]) -> float:
    """Mean over runs of −Σ counts·log p / shots."""
    logs = np.log(np.clip(probabilities, PROBABILITY_FLOOR, None))
    return float(np.mean([-(run * logs).sum() / run.sum() for run in counts]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "hw_counts"
    parser.add_argument("--data", type=Path, default=default, help="the hw_counts folder (default ../shared/hw_counts)")
    parser.add_argument("--runs", type=int, default=100, help="runs per circuit to compare with (1-100)")
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    folder = arguments.data / "falcon_5q_2021"
    runs: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)
    qasm: dict[tuple[str, str], str] = {}
    for line in (folder / "records_nonaggregated.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["rep"] < arguments.runs:
            key = (row["backend"], row["circuit_type"])
            runs[key].append(np.array([row["counts_c1c0"].get(label, 0) for label in LABELS], dtype=float))
            qasm[key] = row["qasm2_logical"]
    rng = np.random.default_rng(2026)
    summary: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    header = "".join(f"{m + ' TVD':>13}" for m in MODELS) + f"{'floor':>8}"
    header += "".join(f"{m + ' expl.':>14}" for m in MODELS[1:]) + "".join(f"{m + ' NLL':>13}" for m in MODELS[1:])
    print(f"{'device':<13}{'circuit':<18}{header}")
    for device in sorted({device for device, _circuit in runs}):
        calibration = load_calibration(folder / f"backend_properties_{device}.json")
        specs = {
            "ideal": NoiseSpec(),
            "derived": derive_noise_spec(calibration),
            "+ ZZ": derive_noise_spec(calibration, zz_crosstalk=True),
        }
        for circuit in sorted(circuit for d, circuit in runs if d == device):
            counts = runs[(device, circuit)]
            shots = int(counts[0].sum())
            models = {name: predicted(qasm[(device, circuit)], spec, calibration) for name, spec in specs.items()}
            distances = {name: statistics.median(tvd(p, c / c.sum()) for c in counts) for name, p in models.items()}
            draws = rng.multinomial(shots, models["derived"], size=FLOOR_DRAWS) / shots
            floor = float(np.median(0.5 * np.abs(draws - models["derived"]).sum(axis=1)))
            explained = {
                name: (distances["ideal"] - distances[name]) / (distances["ideal"] - floor) for name in MODELS[1:]
            }
            nll = {
                name: float(
                    np.mean(
                        [-(c * np.log(np.clip(models[name], PROBABILITY_FLOOR, None))).sum() / c.sum() for c in counts]
                    )
                )
                for name in MODELS[1:]
            }
            for name in MODELS[1:]:
                summary[device][f"{name} TVD"].append(distances[name])
                summary[device][f"{name} expl."].append(explained[name])
            line = "".join(f"{distances[m]:>13.4f}" for m in MODELS) + f"{floor:>8.4f}"
            line += "".join(f"{explained[m]:>14.0%}" for m in MODELS[1:])
            line += "".join(f"{nll[m]:>13.4f}" for m in MODELS[1:])
            print(f"{device:<13}{circuit:<18}{line}")
    print("\nmedians over circuits")
    for device, figures in summary.items():
        print(
            f"{device:<13}" + "  ".join(f"{name} {statistics.median(values):.4g}" for name, values in figures.items())
        )


if __name__ == "__main__":
    main()
