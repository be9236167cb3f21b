"""Deriving a device noise model: ours against Aer's ``NoiseModel.from_backend``, in one run.

    .venv/bin/python bench/bench_derive.py [--repeats N]

Reference (what a user would otherwise write): ``NoiseModel.from_backend(fake_backend)``, with
the qiskit-ibm-runtime fake backend already constructed (its loading is *not* timed, which
favours the reference). Ours, timed from the snapshot file on disk:

- ``load + derive``: ``load_calibration(path)`` then ``derive_noise_spec`` (every channel of the
  device, as a validated ``NoiseSpec`` with findings);
- ``load + derive + build(12)``: and then ``build_noise_model(spec, qubits=register)`` for a
  connected 12-qubit register, the model a 12-qubit circuit needs;
- ``build(all)``: ``build_noise_model(spec)`` for the whole device, for scale.

Each figure is the median of the repeats after one untimed warm-up call; ratios are
reference / ours. Our paths run first for each snapshot, then the reference; garbage is
collected between snapshots.
"""

from __future__ import annotations

import argparse
import gc
import sys
import warnings
from pathlib import Path

from qiskit_aer.noise import NoiseModel
from qiskit_ibm_runtime import fake_provider

sys.path.insert(0, str(Path(__file__).parents[1]))
from timing import median_seconds

from noise_core import BackendCalibration, build_noise_model, derive_noise_spec, load_calibration

SNAPSHOTS = Path(__file__).resolve().parent.parent / "presets" / "snapshots"
CASES = {"ibm_pittsburgh": "FakePittsburgh", "ibm_kingston": "FakeKingston", "ibm_sherbrooke": "FakeSherbrooke"}
REGISTER_SIZE = 12


def connected_register(calibration: BackendCalibration, size: int) -> list[int]:
    """``size`` qubits connected by 2-qubit gate entries, grown breadth-first from qubit 0."""
    neighbours: dict[int, set[int]] = {}
    for _gate, qubits, _properties in calibration.gate_entries():
        if len(qubits) == 2:
            neighbours.setdefault(qubits[0], set()).add(qubits[1])
    register, frontier = [0], [0]
    while frontier and len(register) < size:
        for neighbour in sorted(neighbours.get(frontier.pop(0), ())):
            if neighbour not in register and len(register) < size:
                register.append(neighbour)
                frontier.append(neighbour)
    return register


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per path (default 5)")
    repeats = parser.parse_args().repeats
    warnings.filterwarnings("ignore")
    print(f"medians of {repeats} runs; ratio = reference / ours")
    header = f"{'snapshot':<16}{'from_backend':>14}{'load+derive':>13}{'ratio':>8}{'+build(12)':>12}{'ratio':>8}"
    print(header + f"{'build(all)':>12}")
    for name, backend_class in CASES.items():
        path = SNAPSHOTS / f"{name}.json"
        calibration = load_calibration(path)
        register = connected_register(calibration, REGISTER_SIZE)
        spec = derive_noise_spec(calibration)
        derive = median_seconds(lambda path=path: derive_noise_spec(load_calibration(path)), repeats)
        restricted = median_seconds(
            lambda path=path, register=register: build_noise_model(
                derive_noise_spec(load_calibration(path)), qubits=register
            ),
            repeats,
        )
        full = median_seconds(lambda spec=spec: build_noise_model(spec), max(1, repeats // 2))
        gc.collect()
        backend = getattr(fake_provider, backend_class)()
        reference = median_seconds(lambda backend=backend: NoiseModel.from_backend(backend), repeats)
        del backend
        gc.collect()
        print(
            f"{name:<16}{reference * 1e3:>11.0f} ms{derive * 1e3:>10.1f} ms{reference / derive:>7.1f}×"
            f"{restricted * 1e3:>9.1f} ms{reference / restricted:>7.1f}×{full * 1e3:>9.0f} ms"
        )


if __name__ == "__main__":
    main()
