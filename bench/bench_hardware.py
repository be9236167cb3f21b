"""Does the model predict what the real device returned? Held-out prediction of real IBM counts, before and after
learning per-location physics from other circuits of the same run.

    .venv/bin/python bench/bench_hardware.py [--data ../shared/hw_counts] [--sets f83,soft_break,athens,belem,quito]
                                             [--workers 2]

Data (``hw_counts``, README there):

- Heron (CC BY 4.0): three-qubit Trotter circuits on ibm_marrakesh with the same day's calibration CSV, 4096
  shots each; the even-indexed circuits train, the odd-indexed are held out.
- Falcon (Apache-2.0): six two-qubit circuits × 100 runs × 8192 shots on ibmq_athens, belem and quito with the
  same cycle's properties; runs 0-4 of bv, hwea and qft train, runs 0-4 of grover, supremacy and uccsd are held out.

Every circuit is compiled onto its recorded physical qubits at optimization level 2 (the fit's compilation; the
12-CZ one on Heron, which the hardware data favour), scheduled ALAP with idle noise and simulated exactly.

Models: ``ideal``; ``derived`` (``derive_noise_spec``: from_backend physics, idle relaxation); ``fitted``: the
derived model with the per-location parameters ``fit_noise(parameters="auto")`` would keep (cross-validated
forward selection on the training circuits only, ``noise_core.analysis.selection``) at their maximum-likelihood
values on the training circuits. Printed per set, on the held-out circuits: the median TVD to the hardware's
frequencies, the floor (the derived model's own distribution resampled at the run's shots, 200 draws, median),
the share of the ideal-to-hardware distance explained (median over circuits of (TVD_ideal − TVD_model) /
(TVD_ideal − floor)), and the negative log-likelihood relative to the saturated model (nats, summed), with the
fitted model's cut. The time of the selection and of the final fit (the folds and the fit's scanned starts on a
pool of ``--workers`` processes) is printed too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import sys
import time
import warnings
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

import numpy as np
from qiskit import ClassicalRegister, qasm2
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from noise_core import derive_noise_spec, load_calibration, parse_circuit
from noise_core.analysis.counts import CircuitCounts, MeasuredCounts
from noise_core.analysis.likelihood import maximize
from noise_core.analysis.local_model import LocalModel
from noise_core.analysis.selection import choose_parameters, held_out_nll
from noise_core.calibration import BackendCalibration

HERON = {
    "f83": (
        "f83_signature_ibm_marrakesh_20260430_190035_records.jsonl",
        "ibm_marrakesh_calibrations_2026-04-30T16_25_19Z.csv",
    ),
    "soft_break": (
        "soft_break_ibm_marrakesh_20260426_001101_records.jsonl",
        "ibm_marrakesh_calibrations_2026-04-25T11_28_00Z.csv",
    ),
}
FALCON = ("athens", "belem", "quito")
FALCON_TRAIN = ("bv", "hwea", "qft")
FALCON_TEST = ("grover", "supremacy_linear", "uccsd")
FALCON_RUNS = range(5)
FLOOR_DRAWS = 200
MEMORY_LIMIT = 12 * 2**30


def heron(data: Path, name: str) -> tuple[BackendCalibration, MeasuredCounts, MeasuredCounts]:
    recorded, calibration_file = HERON[name]
    folder = data / "heron_marrakesh_2026"
    rows = [json.loads(line) for line in (folder / recorded).read_text().splitlines() if line.strip()]
    circuits = [
        CircuitCounts(
            f"{name}-{index}",
            row["qasm3_logical_reconstructed"],
            "OpenQASM",
            tuple(sorted(row["counts_c1c0_is_q2q0"].items())),
            tuple(row["physical_path_q0_q1_q2"]),
            None,
        )
        for index, row in enumerate(rows)
    ]
    return load_calibration(folder / calibration_file), counts(circuits[0::2], "train"), counts(circuits[1::2], "test")


def falcon(data: Path, device: str) -> tuple[BackendCalibration, MeasuredCounts, MeasuredCounts]:
    folder = data / "falcon_5q_2021"
    rows = [json.loads(line) for line in (folder / "records_nonaggregated.jsonl").read_text().splitlines()]
    chosen = [row for row in rows if row["backend"] == f"ibmq_{device}" and row["rep"] in FALCON_RUNS]

    def circuit(row: dict[str, object]) -> CircuitCounts:
        logical = parse_circuit(str(row["qasm2_logical"]))
        logical.add_register(ClassicalRegister(2, "c"))
        logical.measure([0, 1], [0, 1])
        observed = row["counts_c1c0"]
        assert isinstance(observed, dict)
        name = f"{row['circuit_type']}-{row['rep']}"
        layout = tuple(int(q) for q in row["physical_qubits_inferred"])  # type: ignore[attr-defined]
        return CircuitCounts(name, qasm2.dumps(logical), "OpenQASM", tuple(sorted(observed.items())), layout, None)

    train = [circuit(row) for row in chosen if row["circuit_type"] in FALCON_TRAIN]
    test = [circuit(row) for row in chosen if row["circuit_type"] in FALCON_TEST]
    calibration = load_calibration(folder / f"backend_properties_ibmq_{device}.json")
    return calibration, counts(train, "train"), counts(test, "test")


def counts(circuits: list[CircuitCounts], source: str) -> MeasuredCounts:
    return MeasuredCounts(tuple(circuits), source, "0" * 64)


def tvd(p: np.ndarray, q: np.ndarray) -> float:
    return 0.5 * float(np.abs(p - q).sum())


def floor_tvd(probabilities: np.ndarray, shots: int, rng: np.random.Generator) -> float:
    draws = rng.multinomial(shots, probabilities, size=FLOOR_DRAWS) / shots
    return float(np.median(0.5 * np.abs(draws - probabilities).sum(axis=1)))


def one_set(
    name: str, calibration: BackendCalibration, train: MeasuredCounts, test: MeasuredCounts, pool: Executor
) -> None:
    spec = derive_noise_spec(calibration)
    probe = LocalModel(spec, train, calibration=calibration, parameters=[])
    started = time.perf_counter()
    selection = choose_parameters(spec, train, probe.circuits, calibration=calibration, max_factor=5.0, executor=pool)
    selected = time.perf_counter() - started
    fitted = LocalModel(spec, train, calibration=calibration, parameters=selection.parameters, circuits=probe.circuits)
    started = time.perf_counter()
    theta, _best = maximize(fitted, [circuit.measured for circuit in fitted.circuits], executor=pool)
    fit_seconds = time.perf_counter() - started
    held = LocalModel(spec, test, calibration=calibration, parameters=selection.parameters, require_met=False)
    frequencies = [circuit.measured / circuit.measured.sum() for circuit in held.circuits]
    predictions = {
        "ideal": [circuit.ideal for circuit in held.circuits],
        "derived": held.probabilities(held.start()),
        "fitted": held.probabilities(theta),
    }
    rng = np.random.default_rng(2026)
    floors = [
        floor_tvd(p, int(c.measured.sum()), rng) for p, c in zip(predictions["derived"], held.circuits, strict=True)
    ]
    ideal = [tvd(p, f) for p, f in zip(predictions["ideal"], frequencies, strict=True)]
    kept = ", ".join(f"{family}" for family, row in selection.support.iterrows() if row.status.startswith("supported"))
    print(
        f"\n{name}: {len(train.experiments)} circuits to learn from, {len(test.experiments)} held out; "
        f"kept: {kept or 'nothing'} ({len(selection.parameters)} parameters); "
        f"selection {selected:.0f} s, final fit {fit_seconds:.1f} s"
    )
    print(f"{'model':<10}{'median TVD':>12}{'explained':>11}{'NLL (nats)':>12}")
    nll = {model: held_out_nll(held.circuits, probabilities) for model, probabilities in predictions.items()}
    for model, probabilities in predictions.items():
        distances = [tvd(p, f) for p, f in zip(probabilities, frequencies, strict=True)]
        explained = [(i - d) / (i - fl) for i, d, fl in zip(ideal, distances, floors, strict=True) if i > fl]
        print(
            f"{model:<10}{statistics.median(distances):>12.4f}{statistics.median(explained):>10.1%}{nll[model]:>12.1f}"
        )
    print(f"{'floor':<10}{statistics.median(floors):>12.4f}")
    print(f"held-out NLL cut by the fit: {1 - nll['fitted'] / nll['derived']:+.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared" / "hw_counts"
    parser.add_argument("--data", type=Path, default=default, help="the hw_counts folder (default ../shared/hw_counts)")
    parser.add_argument("--sets", default=",".join([*HERON, *FALCON]), help="which sets, comma-separated")
    parser.add_argument(
        "--workers", type=int, default=2, help="processes for the selection's folds and the fit's starts (default 2)"
    )
    arguments = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    warnings.filterwarnings("ignore")
    with ProcessPoolExecutor(arguments.workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        for name in arguments.sets.split(","):
            loaded = heron(arguments.data, name) if name in HERON else falcon(arguments.data, name)
            with threadpool_limits(limits=1, user_api="blas"):  # as fit_noise runs
                one_set(name, *loaded, pool)


if __name__ == "__main__":
    main()
