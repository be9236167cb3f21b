"""Load time of a calibration snapshot: noise_core against Qiskit's BackendProperties, same run.

    python bench/bench_parse.py [PRESET ...]

Reference path: ``BackendProperties.from_dict(json.loads(raw))`` from qiskit-ibm-runtime (a
test dependency), which parses but neither converts units up front nor checks anything.
Ours: ``load_calibration(raw)``, which parses, validates, converts units and computes findings.
Prints medians over repeated runs and the ratio ours/reference (below 1 means faster).
"""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path

from qiskit_ibm_runtime.models import BackendProperties

sys.path.insert(0, str(Path(__file__).parents[1]))
from timing import median_seconds

from noise_core import load_calibration
from presets import SNAPSHOT_DIR

REPEATS = 15


def load_with_qiskit(raw: bytes) -> BackendProperties:
    return BackendProperties.from_dict(json.loads(raw))


def main(names: list[str]) -> None:
    print(
        f"{'snapshot':16s} {'qubits':>6s} {'ours ms':>8s} {'reference ms':>12s} {'ours/ref':>8s} {'json only ms':>12s}"
    )
    for name in names:
        raw = (SNAPSHOT_DIR / f"{name}.json").read_bytes()
        ours = median_seconds(partial(load_calibration, raw), REPEATS)
        reference = median_seconds(partial(load_with_qiskit, raw), REPEATS)
        json_only = median_seconds(partial(json.loads, raw), REPEATS)
        qubits = load_calibration(raw).num_qubits
        print(
            f"{name:16s} {qubits:6d} {ours * 1e3:8.1f} {reference * 1e3:12.1f} "
            f"{ours / reference:8.2f} {json_only * 1e3:12.1f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["ibmq_manila", "ibm_sherbrooke", "ibm_fez", "ibm_pittsburgh"])
