"""Estimated against measured: run time and peak memory of simulate, per circuit, width and method.

    .venv/bin/python bench/bench_estimates.py [--circuits ghz,qft] [--sizes 3,5,...] [--methods auto,...]

Each case runs in a fresh process (ibm_pittsburgh, its derived model, 4000 shots, seed 1) under
an 8 GiB address-space limit and a wall-clock limit, so a case that would exhaust the machine
ends alone. Printed per case: the method ``plan_simulation`` chose, its estimated simulation
seconds and peak bytes, the measured noisy-simulation stage (``result.timings``) and the
process's peak resident memory above what it held before simulating, and the ratio measured /
estimated (the goal: within 3× either way for the library circuits at 3–20 qubits).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
CASE_SECONDS = 240
ADDRESS_SPACE_BYTES = 8 * 2**30


def run_case(circuit: str, size: int, method: str) -> dict[str, object]:
    """One case in a child process; its JSON line, or what stopped it."""
    command = [sys.executable, __file__, "--case", circuit, str(size), method]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CASE_SECONDS, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"circuit": circuit, "n": size, "requested": method, "error": f"over {CASE_SECONDS} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"circuit": circuit, "n": size, "requested": method, "error": (done.stderr.strip() or "died")[-120:]}
    return json.loads(lines[-1])


def case(circuit: str, size: int, method: str) -> None:
    """Runs inside the child: plan, then simulate, then print one JSON line."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    sys.path.insert(0, str(ROOT))
    from noise_core import NoiseStudioError, derive_noise_spec, simulate
    from noise_core.simulation import plan_simulation
    from noise_core.simulation.circuits import ghz, qft
    from presets import load_preset

    calibration = load_preset("ibm_pittsburgh")
    spec = derive_noise_spec(calibration)
    build = {"ghz": ghz, "qft": qft}[circuit]
    row: dict[str, object] = {"circuit": circuit, "n": size, "requested": method}
    try:
        plan = plan_simulation(build(size), spec, calibration=calibration, method=method, seed=1)
    except NoiseStudioError as error:
        print(json.dumps({**row, "error": f"refused: {error}"[:160]}))
        return
    row.update(method=plan.method, estimated_s=plan.estimated_seconds, estimated_mib=plan.estimated_bytes / 2**20)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = simulate(build(size), spec, calibration=calibration, method=method, seed=1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    measured = float(result.timings["simulate noisy"])
    row.update(measured_s=measured, measured_mib=max(peak - before, 0) / 1024, ratio=measured / plan.estimated_seconds)
    print(json.dumps(row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circuits", default="ghz,qft")
    parser.add_argument("--sizes", default="3,5,8,10,12,14,16,18,20")
    parser.add_argument("--methods", default="auto")
    parser.add_argument("--case", nargs=3, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.case:
        circuit, size, method = arguments.case
        case(circuit, int(size), method)
        return
    print(f"{'case':<10} {'method':<15} {'est. s':>8} {'meas. s':>8} {'ratio':>6} {'est. MiB':>9} {'meas. MiB':>9}")
    for circuit in arguments.circuits.split(","):
        for size in map(int, arguments.sizes.split(",")):
            for method in arguments.methods.split(","):
                row = run_case(circuit, size, method)
                name = f"{circuit.upper()}({size})"
                if "error" in row:
                    print(f"{name:<10} {method:<15} {row['error']}", flush=True)
                    continue
                print(
                    f"{name:<10} {row['method']:<15} {row['estimated_s']:>8.3g} {row['measured_s']:>8.3g} "
                    f"{row['ratio']:>6.2f} {row['estimated_mib']:>9.0f} {row['measured_mib']:>9.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
