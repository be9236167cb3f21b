"""What the kinds beyond from_backend cost: ``simulate`` with coherent errors, detuning and ZZ, p50 and p95.

    .venv/bin/python bench/bench_kinds.py [--repeats N]

Case: the app's default, GHZ(3) on ibm_pittsburgh, 4000 shots, idle noise on, the model derived from the preset
(density matrix), and QFT(8) on ibm_fez (density matrix, more gates and waits). Models:

- ``derived``: the derived spec;
- ``+ coherent``: plus RX(0.03) after every sx and RZZ(0.05) with phases (0.01, −0.02) after every cz;
- ``+ detuning``: plus δ = 25 kHz and T2* = 0.8·T2 on every qubit as well;
- ``+ ZZ``: plus static ZZ on every coupler as well: the snapshot's ξ where it reports some (ibm_pittsburgh: 174
  couplers, 0.4–276 kHz), else 50 kHz (ibm_fez reports 0).

Ours is ``simulate`` from the derived spec in memory with the noise-model cache cleared before each call (the live
loop's cold path), in a process capped at 8 GiB of address space. Printed: p50 and p95 (ms) of each model, and
each model's p50 over the derived one's (the cost of the new kinds).

Not here yet: plain Aer doing the same physics by hand. A first attempt (``from_backend`` with each sx and cz
error composed after ``coherent_unitary_error``, the full-width circuit transpiled with ALAP scheduling, Aer's
density matrix) exhausted 24 GiB on this machine and was killed: the circuit kept all 156 qubits (the schedule
pads every qubit with delays), so Aer's density matrix was as wide as the device. A reference on the compact
circuit with the ZZ phases inserted by hand is still to be written.
"""

from __future__ import annotations

import argparse
import resource
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))
from timing import wall_times

from noise_core import NoiseSpec, derive_noise_spec, simulate
from noise_core.simulation import clear_caches
from noise_core.simulation.circuits import LibraryCircuit, ghz, qft
from presets import load_preset

SHOTS = 4000
SX_ANGLE, CZ_ANGLE, CZ_PHASES = 0.03, 0.05, (0.01, -0.02)
DETUNING_KHZ, T2_STAR_SHARE = 25.0, 0.8
ADDRESS_SPACE_BYTES = 8 * 2**30


def with_coherent(spec: NoiseSpec) -> NoiseSpec:
    coherent = [{"gate": "sx", "angle": SX_ANGLE}, {"gate": "cz", "angle": CZ_ANGLE, "phases": list(CZ_PHASES)}]
    return NoiseSpec.model_validate({**spec.model_dump(mode="json"), "gate_coherent_errors": coherent})


def with_detuning(spec: NoiseSpec) -> NoiseSpec:
    detuning = [
        {"qubit": e.qubit, "detuning": DETUNING_KHZ, "t2_star": None if e.t2 is None else T2_STAR_SHARE * e.t2}
        for e in spec.idle_relaxation_errors
    ]
    return NoiseSpec.model_validate({**spec.model_dump(mode="json"), "idle_detuning_errors": detuning})


def with_zz(spec: NoiseSpec, calibration) -> NoiseSpec:  # type: ignore[no-untyped-def]
    reported = derive_noise_spec(calibration, zz_crosstalk=True).zz_crosstalk_errors
    couplers = sorted({tuple(sorted(q)) for _gate, q, _p in calibration.gate_entries() if len(q) == 2})
    zz = [e.model_dump(mode="json") for e in reported] or [{"qubits": list(c), "zz": 50.0} for c in couplers]
    return NoiseSpec.model_validate({**spec.model_dump(mode="json"), "zz_crosstalk_errors": zz})


def ours(circuit: LibraryCircuit, spec: NoiseSpec, calibration) -> None:  # type: ignore[no-untyped-def]
    clear_caches()
    simulate(circuit, spec, calibration=calibration, shots=SHOTS, seed=1, idle_noise=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    print(f"{'case':<26}{'model':<13}{'p50':>8}{'p95':>8}{'vs derived':>11}")
    for name, circuit in (("ibm_pittsburgh", ghz(3)), ("ibm_fez", qft(8))):
        one_case(name, circuit, arguments.repeats)


def one_case(name: str, circuit: LibraryCircuit, repeats: int) -> None:
    calibration = load_preset(name)
    derived = derive_noise_spec(calibration)
    coherent = with_coherent(derived)
    detuned = with_detuning(coherent)
    models = {"derived": derived, "+ coherent": coherent, "+ detuning": detuned, "+ ZZ": with_zz(detuned, calibration)}
    base = None
    for label, spec in models.items():
        times = wall_times(lambda spec=spec: ours(circuit, spec, calibration), repeats)
        p50, p95 = np.percentile(times, [50, 95])
        base = p50 if base is None else base
        print(f"{circuit.name + ' on ' + name:<26}{label:<13}{p50 * 1e3:>6.0f}ms{p95 * 1e3:>6.0f}ms{p50 / base:>9.2f}×")


if __name__ == "__main__":
    main()
