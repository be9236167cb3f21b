"""Does the model predict what the real device returned? Held-out prediction of real IBM Heron counts.

    .venv/bin/python bench/bench_hardware.py [--data ../shared/hw_counts]

Data: ``hw_counts/heron_marrakesh_2026`` (README there; CC BY 4.0): three-qubit Trotter circuits run on
ibm_marrakesh with the same day's calibration CSV, 4096 shots each. Each circuit is compiled onto its recorded
physical path at optimization level 2 (the 12-CZ compilation the hardware data favour), scheduled ALAP with idle
noise, and simulated exactly (density matrix, snapshot readout).

Models compared, each judged on the odd circuits (held out) after choosing anything it has on the even ones:

- ``ideal``: no noise;
- ``derived``: ``derive_noise_spec`` of the calibration (from_backend physics, idle relaxation);
- ``+ coherent``: the derived model plus two coherent errors shared by every placement, an all-qubit CZ
  conditional phase RZZ(ε_cz) and an sx over-rotation RX(ε_sx), chosen on a grid by the even circuits' total
  negative log-likelihood.

Printed per set: the median TVD to the hardware's frequencies over the held-out circuits, the share of the
ideal-to-hardware distance each model explains ((TVD_ideal − TVD_model) / (TVD_ideal − floor), medians), the
held-out negative log-likelihood per shot, and the floor: the median TVD of the derived model's own
distribution resampled at the run's shots (200 draws per circuit).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import warnings
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from noise_core import NoiseSpec, derive_noise_spec, load_calibration, parse_circuit, simulate
from noise_core.calibration import BackendCalibration

SETS = {
    "f83 (calibration 35 min before)": (
        "f83_signature_ibm_marrakesh_20260430_190035_records.jsonl",
        "ibm_marrakesh_calibrations_2026-04-30T16_25_19Z.csv",
    ),
    "soft_break (calibration 11 h before)": (
        "soft_break_ibm_marrakesh_20260426_001101_records.jsonl",
        "ibm_marrakesh_calibrations_2026-04-25T11_28_00Z.csv",
    ),
}
CZ_ANGLES = np.linspace(-0.12, 0.12, 9)
SX_ANGLES = np.linspace(-0.06, 0.06, 5)
FLOOR_DRAWS = 200
PROBABILITY_FLOOR = 1e-9
"""Model probabilities are clipped here before a log, so an outcome the model forbids costs a finite amount."""


@dataclass(frozen=True)
class Record:
    circuit: object
    path: list[int]
    frequencies: np.ndarray
    counts: np.ndarray
    labels: list[str]


def records(path: Path) -> list[Record]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    labels = ["00", "01", "10", "11"]
    result = []
    for row in rows:
        counts = np.array([row["counts_c1c0_is_q2q0"].get(label, 0) for label in labels], dtype=float)
        circuit = parse_circuit(row["qasm3_logical_reconstructed"])
        result.append(Record(circuit, row["physical_path_q0_q1_q2"], counts / counts.sum(), counts, labels))
    return result


def predicted(record: Record, spec: NoiseSpec, calibration: BackendCalibration) -> np.ndarray:
    result = simulate(
        record.circuit, spec, calibration=calibration, seed=1, initial_layout=record.path, optimization_level=2,
        idle_noise=True, shots=1,
    )  # fmt: skip
    return result.noisy_probabilities.reindex(record.labels, fill_value=0.0).to_numpy()


def tvd(p: np.ndarray, q: np.ndarray) -> float:
    return 0.5 * float(np.abs(p - q).sum())


def nll_per_shot(probabilities: np.ndarray, record: Record) -> float:
    return float(-(record.counts * np.log(np.clip(probabilities, PROBABILITY_FLOOR, None))).sum() / record.counts.sum())


def with_coherent(spec: NoiseSpec, cz: float, sx: float) -> NoiseSpec:
    document = spec.model_dump(mode="json")
    document["gate_coherent_errors"] = [{"gate": "cz", "angle": float(cz)}, {"gate": "sx", "angle": float(sx)}]
    return NoiseSpec.model_validate(document)


def floor_tvd(probabilities: np.ndarray, shots: int, rng: np.random.Generator) -> float:
    draws = rng.multinomial(shots, probabilities, size=FLOOR_DRAWS) / shots
    return float(np.median(0.5 * np.abs(draws - probabilities).sum(axis=1)))


def one_set(name: str, data: Path, recorded: str, calibration_file: str) -> None:
    calibration = load_calibration(data / calibration_file)
    derived = derive_noise_spec(calibration)
    rows = records(data / recorded)
    train, test = rows[0::2], rows[1::2]
    grid = list(product(CZ_ANGLES, SX_ANGLES))
    train_nll = {
        angles: sum(nll_per_shot(predicted(r, with_coherent(derived, *angles), calibration), r) for r in train)
        for angles in grid
    }
    best = min(train_nll, key=train_nll.__getitem__)
    models = {"ideal": NoiseSpec(), "derived": derived, "+ coherent": with_coherent(derived, *best)}
    rng = np.random.default_rng(2026)
    shown = {model: [predicted(r, spec, calibration) for r in test] for model, spec in models.items()}
    floors = [floor_tvd(p, int(r.counts.sum()), rng) for p, r in zip(shown["derived"], test, strict=True)]
    ideal_tvd = [tvd(p, r.frequencies) for p, r in zip(shown["ideal"], test, strict=True)]
    print(f"\n{name}: {len(train)} circuits to choose on, {len(test)} held out; ε_cz = {best[0]:+.3f} rad, "
          f"ε_sx = {best[1]:+.3f} rad chosen")  # fmt: skip
    print(f"{'model':<12}{'median TVD':>12}{'explained':>11}{'NLL/shot':>10}")
    for model, predictions in shown.items():
        distances = [tvd(p, r.frequencies) for p, r in zip(predictions, test, strict=True)]
        explained = [
            (ideal - distance) / (ideal - floor)
            for ideal, distance, floor in zip(ideal_tvd, distances, floors, strict=True)
            if ideal > floor
        ]
        nll = statistics.fmean(nll_per_shot(p, r) for p, r in zip(predictions, test, strict=True))
        print(f"{model:<12}{statistics.median(distances):>12.4f}{statistics.median(explained):>10.0%}{nll:>10.4f}")
    print(f"{'floor':<12}{statistics.median(floors):>12.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "hw_counts"
    parser.add_argument("--data", type=Path, default=default, help="the hw_counts folder (default ../shared/hw_counts)")
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    for name, (recorded, calibration_file) in SETS.items():
        one_set(name, arguments.data / "heron_marrakesh_2026", recorded, calibration_file)


if __name__ == "__main__":
    main()
