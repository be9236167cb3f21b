"""The presets of other vendors: Google's calibration from cirq-google, IonQ as AWS Braket lists it, Quantinuum's
published emulator parameters.

Run by ``python -m presets.generate`` (needs cirq-google's data file, read from the wheel
installed or downloaded beside it, and amazon-braket-schemas).

- ``google_willow_pink_d7v1``: ``cirq_google/devices/calibrations/willow_pink_d7v1-2024_08_16_calibration.json``
  copied byte for byte from cirq-google (Apache License 2.0, © The Cirq Developers): a 105-qubit
  Willow processor's calibration metrics of 2024-08-16, as Google ships it for its simulators.
- ``quantinuum_h1_1``: Quantinuum H1-1's emulator parameters of 2024-04-10 as Quantinuum publishes them
  (github.com/CQCL/quantinuum-hardware-specifications, Apache-2.0, © Quantinuum), as JSON with the qubit count.
- ``ionq_harmony``: an AWS Braket device-capabilities document for IonQ Harmony (11 fully
  connected ions, native GPi, GPi2, MS) whose figures (fidelity 1Q 0.99717, 2Q 0.9696, SPAM
  0.9961; timing) are those of the ``IonqProviderProperties`` example in amazon-braket-schemas
  (Apache License 2.0, © Amazon.com, Inc.). **An example document, not one day's calibration**:
  no public package ships a measured IonQ characterization.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

GOOGLE_DOCUMENT = "willow_pink_d7v1-2024_08_16_calibration.json"
GOOGLE_PATH = f"cirq_google/devices/calibrations/{GOOGLE_DOCUMENT}"
IONQ_PROVIDER = {
    "braketSchemaHeader": {"name": "braket.device_schema.ionq.ionq_provider_properties", "version": "1"},
    "fidelity": {"1Q": {"mean": 0.99717}, "2Q": {"mean": 0.9696}, "spam": {"mean": 0.9961}},
    "timing": {"T1": 10000000000, "T2": 500000, "1Q": 1.1e-05, "2Q": 0.00021, "readout": 0.000175, "reset": 3.5e-05},
}
"""``IonqProviderProperties``' docstring example in amazon-braket-schemas, figure for figure."""
QUANTINUUM_H1_1 = {
    "machine": "H1-1",
    "date": "2024_04_10",
    "n_qubits": 20,
    "p1": 2.1e-05,
    "p1_emission_ratio": 0.54,
    "p2": 0.00088,
    "p2_emission_ratio": 0.43,
    "dephasing_error": 0.00021,
    "p_crosstalk_meas": 1.45e-05,
    "p0_meas": 0.001,
    "p1_meas": 0.004,
}
"""H1-1's row of 2024-04-10 in Quantinuum's ``notebooks/Emulator parameters.csv`` (CQCL/quantinuum-hardware-
specifications at 6cfabd3, Apache-2.0), figure for figure, with H1-1's 20 qubits (its product data sheet)."""
QUANTINUUM_SOURCE = (
    "CQCL/quantinuum-hardware-specifications (GitHub, 6cfabd3): notebooks/Emulator parameters.csv, row H1-1 "
    "2024_04_10, with the machine's 20 qubits"
)


def ionq_harmony_document() -> dict[str, Any]:
    """IonQ Harmony as Braket's ``IonqDeviceCapabilities`` (schema v1), with the example provider figures."""
    return {
        "braketSchemaHeader": {"name": "braket.device_schema.ionq.ionq_device_capabilities", "version": "1"},
        "service": {
            "braketSchemaHeader": {"name": "braket.device_schema.device_service_properties", "version": "1"},
            "executionWindows": [{"executionDay": "Everyday", "windowStartHour": "00:00", "windowEndHour": "23:59"}],
            "shotsRange": [1, 10000],
            "updatedAt": "2023-03-01T00:00:00+00:00",
        },
        "action": {
            "braket.ir.openqasm.program": {
                "actionType": "braket.ir.openqasm.program",
                "version": ["1"],
                "supportedOperations": ["x", "y", "z", "h", "cnot", "rx", "ry", "rz"],
            }
        },
        "paradigm": {
            "braketSchemaHeader": {"name": "braket.device_schema.gate_model_qpu_paradigm_properties", "version": "1"},
            "qubitCount": 11,
            "nativeGateSet": ["GPI", "GPI2", "MS"],
            "connectivity": {"fullyConnected": True, "connectivityGraph": {}},
        },
        "provider": IONQ_PROVIDER,
        "deviceParameters": {},
    }


def vendor_presets(snapshot_dir: Path, google_wheel: Path | None = None) -> list[dict[str, Any]]:
    """Write the vendor presets into ``snapshot_dir``; their manifest entries."""
    from noise_core import load_calibration

    google = _google_bytes(google_wheel)
    ionq = (json.dumps(ionq_harmony_document(), indent=1) + "\n").encode()
    entries = []
    for name, raw, source, document_name in (
        ("google_willow_pink_d7v1", google, f"cirq-google {_version('cirq-google')}: {GOOGLE_PATH}", GOOGLE_DOCUMENT),
        ("ionq_harmony", ionq, _ionq_source(), None),
        ("quantinuum_h1_1", (json.dumps(QUANTINUUM_H1_1, indent=1) + "\n").encode(), QUANTINUUM_SOURCE, None),
    ):
        calibration = load_calibration(raw, filename=document_name or f"{name}.json")
        assert calibration.backend_name == name, calibration.backend_name
        (snapshot_dir / f"{name}.json").write_bytes(raw)
        entry = {
            "name": name,
            "num_qubits": calibration.num_qubits,
            "last_update_date": calibration.last_update_date.isoformat(),
            "source": source,
            "licence": "Apache-2.0",
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
        entries.append(entry | ({"document_name": document_name} if document_name else {}))
    return entries


def _ionq_source() -> str:
    version = _version("amazon-braket-schemas")
    return (
        f"example figures of amazon-braket-schemas {version} (IonqProviderProperties docstring) "
        "in an IonqDeviceCapabilities document for IonQ Harmony: an example, not one day's calibration"
    )


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "1.7.0"


def _google_bytes(wheel: Path | None) -> bytes:
    try:
        import cirq_google

        return (Path(cirq_google.__file__).parent / "devices" / "calibrations" / GOOGLE_DOCUMENT).read_bytes()
    except ImportError:
        if wheel is None:
            raise SystemExit(
                "install cirq-google, or pass its wheel: python -m presets.generate --cirq-google-wheel W"
            ) from None
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(GOOGLE_PATH)
