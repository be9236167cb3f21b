"""Regenerate ``presets/snapshots/`` from the calibration snapshots qiskit-ibm-runtime ships.

Run from the repository root with qiskit-ibm-runtime installed (it is a test dependency):

    python -m presets.generate

Each snapshot is copied byte for byte from
``qiskit_ibm_runtime/fake_provider/backends/<name>/props_<name>.json`` (Apache License 2.0,
© IBM and the Qiskit contributors) and recorded in ``snapshots/MANIFEST.json`` with the package
version and a SHA-256, so a test can tell when a copy drifts from its source.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

import qiskit_ibm_runtime.fake_provider as fake_provider

from noise_core import load_calibration
from presets.generate_vendors import vendor_presets

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"
SOURCE_DIR = Path(fake_provider.__file__).parent / "backends"
CHOSEN = ("manila", "algiers", "sherbrooke", "torino", "fez", "pittsburgh", "kingston")
"""5, 27, 127, 133 and 156 qubits; four processor generations (Falcon, Eagle, Heron r1/r2)."""


def source_path(short_name: str) -> Path:
    return SOURCE_DIR / short_name / f"props_{short_name}.json"


def main() -> None:
    SNAPSHOT_DIR.mkdir(exist_ok=True)
    version = metadata.version("qiskit-ibm-runtime")
    manifest = []
    for short_name in CHOSEN:
        raw = source_path(short_name).read_bytes()
        calibration = load_calibration(raw)
        (SNAPSHOT_DIR / f"{calibration.backend_name}.json").write_bytes(raw)
        manifest.append(
            {
                "name": calibration.backend_name,
                "num_qubits": calibration.num_qubits,
                "last_update_date": calibration.last_update_date.isoformat(),
                "source": f"qiskit-ibm-runtime {version}: fake_provider/backends/{short_name}/props_{short_name}.json",
                "licence": "Apache-2.0",
                "sha256": hashlib.sha256(raw).hexdigest(),
            }
        )
    manifest += vendor_presets(SNAPSHOT_DIR, Path(sys.argv[2]) if sys.argv[1:2] == ["--cirq-google-wheel"] else None)
    (SNAPSHOT_DIR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
