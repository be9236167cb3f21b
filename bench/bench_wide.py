"""Whole-device circuits: time from the snapshot, Stim against Aer, the MPS method, and the twirl's measured size.

    .venv/bin/python bench/bench_wide.py [--repeats 5] [--shots 4000] [--skip-aer-mps]

On ibm_pittsburgh (156 qubits) with its derived model (thermal relaxation on every gate, idle relaxation):

1. **End to end from the snapshot**: load the preset's JSON, derive the model, simulate (transpile, twirl, sample
   with Stim, read out, metrics, the twirl measured on an 8-qubit copy), for GHZ(100) and mirror(100, depth 10),
   ``--shots`` shots; p50/p95 of ``--repeats`` cold runs (every cache cleared). The reference is plain Aer on the
   same transpiled circuit: its MPS method with the same noise model (the only Aer method that takes thermal
   relaxation at this width; on the circuit with its idle noise, as ours runs; timed on 100 shots and scaled to
   the shot count, which is linear for MPS noise), and
   its stabilizer method on the same twirled circuit (what a user of Aer would run for the same approximation).
2. **GHZ(50) on the MPS method** end to end, against Aer's MPS run directly on the same circuit and model.
3. **The twirl's size where the exact method runs**: total variation distance between the model's and the twirled
   model's exact distributions (no shot noise), and the stated bound, for GHZ, mirror and random Clifford circuits
   of 4–10 qubits on the device's first qubits.
4. **The cost model**: estimated and measured seconds of the simulation stages for the twirled and MPS methods.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from qiskit_aer import AerSimulator

from bench.timing import percentile
from noise_core import derive_noise_spec, simulate
from noise_core.calibration import load_calibration
from noise_core.simulation import plan_simulation
from noise_core.simulation.circuits import LibraryCircuit, ghz, mirror, random_clifford
from noise_core.simulation.crosstalk import timed_circuit
from noise_core.simulation.idle import with_idle_noise
from noise_core.simulation.methods import snapped_quarter_turns
from noise_core.simulation.options import RunOptions
from noise_core.simulation.pauli_circuit import pauli_circuit, sample_bits, to_qiskit
from noise_core.simulation.prepare import prepare_simulation
from noise_core.simulation.run import NOISE_MODELS, clear_caches
from noise_core.simulation.twirl import pauli_twirl, twirl_error_bound
from presets import SNAPSHOT_DIR

SNAPSHOT = SNAPSHOT_DIR / "ibm_pittsburgh.json"
AER_MPS_SHOTS = 100
AER_MPS_SECONDS = 120
"""The Aer MPS reference runs only where the cost model expects its 100 shots to take at most this."""


def end_to_end(circuit: LibraryCircuit, shots: int, method: str = "auto") -> tuple[float, object]:
    """Seconds from reading the snapshot to a result, every cache cleared first."""
    clear_caches()
    pauli_twirl.cache_clear()
    twirl_error_bound.cache_clear()
    started = time.perf_counter()
    calibration = load_calibration(SNAPSHOT.read_bytes(), filename=SNAPSHOT.name)
    spec = derive_noise_spec(calibration)
    result = simulate(circuit, spec, calibration=calibration, shots=shots, seed=1, method=method)
    return time.perf_counter() - started, result


def aer_references(circuit: LibraryCircuit, shots: int, skip_mps: bool) -> dict[str, float]:
    """Plain Aer on the transpiled circuit: MPS with the model (scaled from AER_MPS_SHOTS), stabilizer twirled."""
    calibration = load_calibration(SNAPSHOT.read_bytes(), filename=SNAPSHOT.name)
    spec = derive_noise_spec(calibration)
    prepared = prepare_simulation(circuit, spec, calibration, RunOptions(shots=shots, seed=1))
    placed = prepared.placed
    seconds = {}
    twirled = snapped_quarter_turns(to_qiskit(pauli_circuit(placed, prepared.spec)))  # as Aer's stabilizer needs
    started = time.perf_counter()
    AerSimulator(method="stabilizer").run(twirled, shots=shots, seed_simulator=1).result()
    seconds["Aer stabilizer, twirled"] = time.perf_counter() - started
    mps_plan = plan_simulation(
        circuit, spec, calibration=calibration, shots=AER_MPS_SHOTS, seed=1, method="matrix_product_state"
    )
    if not skip_mps and mps_plan.estimated_seconds > AER_MPS_SECONDS:
        print(f"    (Aer MPS not run: estimated {mps_plan.estimated_seconds:.3g} s for {AER_MPS_SHOTS} shots)")
    elif not skip_mps:
        model = NOISE_MODELS.get(prepared.spec, placed, readout=True)
        circuit = with_idle_noise(timed_circuit(placed, prepared.spec), placed.active_qubits, prepared.spec)
        started = time.perf_counter()
        AerSimulator(method="matrix_product_state", noise_model=model).run(
            circuit, shots=AER_MPS_SHOTS, seed_simulator=1
        ).result()
        seconds["Aer MPS, model (scaled)"] = (time.perf_counter() - started) * shots / AER_MPS_SHOTS
    started = time.perf_counter()
    sample_bits(pauli_circuit(placed, prepared.spec), shots, 1)
    seconds["Stim, twirled (its sampling alone)"] = time.perf_counter() - started
    return seconds


def section_end_to_end(repeats: int, shots: int, skip_mps: bool) -> None:
    print(f"\n1. End to end from the snapshot, {shots} shots, {repeats} cold runs (s)")
    header = f"{'circuit':<28} {'method':<10} {'p50':>6} {'p95':>6}   {'reference (same run)':<36}"
    print(f"{header} {'s':>8} {'ratio':>7}")
    for circuit in (ghz(100), mirror(100, 10, 1)):
        times = []
        for _ in range(repeats):
            seconds, result = end_to_end(circuit, shots)
            times.append(seconds)
        p50 = percentile(times, 0.5)
        print(f"{circuit.name:<28} {result.method:<10} {p50:>6.2f} {percentile(times, 0.95):>6.2f}")  # type: ignore[attr-defined]
        for name, seconds in aer_references(circuit, shots, skip_mps).items():
            print(f"{'':<50} {name:<36} {seconds:>8.3f} {seconds / p50:>7.2f}")
        stages = result.timings.round(3).to_dict()  # type: ignore[attr-defined]
        print(f"{'':<4}stages: {stages}")
        print(f"{'':<4}{result.twirl_measured.statement()}")  # type: ignore[attr-defined]


def section_mps(shots: int) -> None:
    print(f"\n2. GHZ(50) on the MPS method, {shots} shots")
    seconds, result = end_to_end(ghz(50), shots, method="matrix_product_state")
    print(f"   end to end {seconds:.2f} s; stages {result.timings.round(3).to_dict()}")  # type: ignore[attr-defined]
    print(f"   {result.approximation}")  # type: ignore[attr-defined]
    calibration = load_calibration(SNAPSHOT.read_bytes(), filename=SNAPSHOT.name)
    spec = derive_noise_spec(calibration)
    prepared = prepare_simulation(
        ghz(50), spec, calibration, RunOptions(shots=shots, seed=1, method="matrix_product_state")
    )
    model = NOISE_MODELS.get(prepared.spec, prepared.placed, readout=True)
    circuit = with_idle_noise(
        timed_circuit(prepared.placed, prepared.spec), prepared.placed.active_qubits, prepared.spec
    )
    started = time.perf_counter()
    AerSimulator(method="matrix_product_state", noise_model=model).run(circuit, shots=shots, seed_simulator=1).result()
    aer = time.perf_counter() - started
    print(f"   plain Aer MPS, same circuit (idle noise in it) and model: {aer:.2f} s (Aer / ours {aer / seconds:.2f})")


def section_twirl_size() -> None:
    print("\n3. The twirl where the exact method runs: TVD(exact, twirled), both exact; the stated bound")
    print(f"{'circuit':<34} {'TVD':>8} {'bound':>8} {'success exact':>14} {'twirled':>8}")
    from noise_core.simulation.twirl_measurement import measure_twirl

    calibration = load_calibration(SNAPSHOT.read_bytes(), filename=SNAPSHOT.name)
    spec = derive_noise_spec(calibration)
    for width in (4, 6, 8, 10):
        for circuit in (ghz(width), mirror(width, 10, 1), random_clifford(width, 5, 1)):
            layout = tuple(range(width))
            measured = measure_twirl(circuit, spec, calibration, physical_qubits=layout, width=width)
            prepared = prepare_simulation(circuit, spec, calibration, RunOptions(seed=0, initial_layout=layout))
            bound = pauli_circuit(prepared.placed, prepared.spec).distance_bound
            exact = "" if measured.exact_success is None else f"{measured.exact_success:.4f}"
            twirled = "" if measured.twirled_success is None else f"{measured.twirled_success:.4f}"
            print(f"{measured.circuit:<34} {measured.distance:>8.4f} {bound:>8.3f} {exact:>14} {twirled:>8}")


def section_cost(shots: int) -> None:
    print("\n4. The cost model: estimated and measured seconds of the simulation stages (result.simulated_seconds)")
    print(f"{'case':<42} {'method':<22} {'est. s':>7} {'meas. s':>8} {'ratio':>6}")
    calibration = load_calibration(SNAPSHOT.read_bytes(), filename=SNAPSHOT.name)
    spec = derive_noise_spec(calibration)
    cases = [(ghz(n), "auto", shots) for n in (20, 50, 100, 150)]
    cases += [(mirror(n, 10, 1), "auto", shots) for n in (20, 50, 100, 150)]
    cases += [(ghz(100), "auto", 100_000)]
    cases += [(ghz(n), "matrix_product_state", 500) for n in (20, 50)]
    for circuit, method, case_shots in cases:
        plan = plan_simulation(circuit, spec, calibration=calibration, seed=1, shots=case_shots, method=method)
        result = simulate(circuit, spec, calibration=calibration, seed=1, shots=case_shots, method=method)
        measured = result.simulated_seconds
        name = f"{circuit.name}, {case_shots} shots"
        ratio = measured / plan.estimated_seconds
        print(f"{name:<42} {plan.method:<22} {plan.estimated_seconds:>7.3f} {measured:>8.3f} {ratio:>6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--shots", type=int, default=4000)
    parser.add_argument("--skip-aer-mps", action="store_true", help="leave out the slow Aer MPS reference")
    parser.add_argument("--sections", default="1,2,3,4", help="which of the four sections to run")
    arguments = parser.parse_args()
    sections = set(arguments.sections.split(","))
    if "1" in sections:
        section_end_to_end(arguments.repeats, arguments.shots, arguments.skip_aer_mps)
    if "2" in sections:
        section_mps(arguments.shots)
    if "3" in sections:
        section_twirl_size()
    if "4" in sections:
        section_cost(arguments.shots)


if __name__ == "__main__":
    main()
