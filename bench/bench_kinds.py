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
loop's cold path), in a process capped at 8 GiB of address space. The reference, measured in the same run, is
plain Aer doing the same physics by hand (``by_hand_aer``: from_backend's model, coherent errors composed in,
detuning and T2* through Aer's own noise passes, ZZ phases as CPhase gates), on the same transpiled and scheduled
circuit, with the same shots; its noise models are built once per device outside the timing (from_backend takes
seconds on 156 qubits), while ours builds its model in every call. Printed: p50 and p95 (ms) of ours and of Aer
by hand, Aer over ours at p50, each model's p50 over the derived one's, and the TVD between Aer's sampled counts
and our exact distribution with its bound for the shots (the same physics: within it).
"""

from __future__ import annotations

import argparse
import resource
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from qiskit_aer.noise import NoiseModel

sys.path.insert(0, str(Path(__file__).parents[1]))
import by_hand_aer
from timing import wall_times

from harness.aer_reference import fake_backend
from harness.statistics import tvd_bound
from noise_core import NoiseSpec, derive_noise_spec, simulate
from noise_core.simulation import SimulationResult, clear_caches
from noise_core.simulation.circuits import LibraryCircuit, ghz, qft
from noise_core.simulation.options import RunOptions
from noise_core.simulation.prepare import prepare_simulation
from noise_core.simulation.result import total_variation_distance
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


def by_hand_models(name: str) -> dict[str, NoiseModel]:
    """Aer's noise model of each model, written by hand (``by_hand_aer``); built once per device, as a user of Aer
    would, and outside the timing (``simulate`` builds its own in every timed call)."""
    backend = fake_backend(name)
    coherent = by_hand_aer.coherent_model(backend, SX_ANGLE, CZ_ANGLE, CZ_PHASES)
    detuned = by_hand_aer.with_detuning(by_hand_aer.coherent_model(backend, SX_ANGLE, CZ_ANGLE, CZ_PHASES), backend,
                                        DETUNING_KHZ, T2_STAR_SHARE)  # fmt: skip
    return {"derived": NoiseModel.from_backend(backend), "+ coherent": coherent, "+ detuning": detuned, "+ ZZ": detuned}


def by_hand(circuit: LibraryCircuit, spec: NoiseSpec, calibration, name: str, model: NoiseModel) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Plain Aer by hand on ``simulate``'s transpiled and scheduled circuit: ZZ phases inserted, then ``model``."""
    options = RunOptions(shots=SHOTS, seed=1, idle_noise=True)
    scheduled = prepare_simulation(circuit, spec, calibration, options).placed.transpiled
    if spec.zz_crosstalk_errors:
        pairs = {entry.pair: entry.zz for entry in spec.zz_crosstalk_errors}
        scheduled = by_hand_aer.with_zz(scheduled, fake_backend(name), pairs)
    return by_hand_aer.run(scheduled, model, SHOTS)


def ours(circuit: LibraryCircuit, spec: NoiseSpec, calibration) -> SimulationResult:  # type: ignore[no-untyped-def]
    clear_caches()
    return simulate(circuit, spec, calibration=calibration, shots=SHOTS, seed=1, idle_noise=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    print(f"{'case':<26}{'model':<13}{'ours p50/p95':>15}{'Aer p50/p95':>15}{'Aer/ours':>10}{'vs derived':>11}"
          f"{'TVD':>8}{'bound':>8}")  # fmt: skip
    for name, circuit in (("ibm_pittsburgh", ghz(3)), ("ibm_fez", qft(8))):
        one_case(name, circuit, arguments.repeats)


def one_case(name: str, circuit: LibraryCircuit, repeats: int) -> None:
    calibration = load_preset(name)
    derived = derive_noise_spec(calibration)
    coherent = with_coherent(derived)
    detuned = with_detuning(coherent)
    models = {"derived": derived, "+ coherent": coherent, "+ detuning": detuned, "+ ZZ": with_zz(detuned, calibration)}
    aer_models = by_hand_models(name)
    base = None
    for label, spec in models.items():
        model = aer_models[label]
        times = wall_times(lambda spec=spec: ours(circuit, spec, calibration), repeats)
        reference = wall_times(lambda spec=spec, model=model: by_hand(circuit, spec, calibration, name, model), repeats)
        p50, p95 = np.percentile(times, [50, 95])
        aer50, aer95 = np.percentile(reference, [50, 95])
        base = p50 if base is None else base
        exact = ours(circuit, spec, calibration).noisy_probabilities
        counts = pd.Series(by_hand(circuit, spec, calibration, name, model), dtype=float)
        distance = total_variation_distance(exact, counts / SHOTS)
        bound = tvd_bound(2 ** len(circuit.circuit.clbits), SHOTS)
        print(f"{circuit.name + ' on ' + name:<26}{label:<13}{p50 * 1e3:>7.0f}/{p95 * 1e3:<4.0f}ms"
              f"{aer50 * 1e3:>8.0f}/{aer95 * 1e3:<4.0f}ms{aer50 / p50:>9.1f}×{p50 / base:>10.2f}×"
              f"{distance:>8.4f}{bound:>8.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
