"""A calibration's fingerprint, and the check that a spec is used on the calibration it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from noise_core.calibration.properties import property_value
from noise_core.spec.fingerprint import canonical_digest
from noise_core.spec.models import NoiseSpec

if TYPE_CHECKING:
    from noise_core.calibration.snapshot import BackendCalibration

FINGERPRINT_QUBIT_PROPERTIES = (
    "T1",
    "T2",
    "frequency",
    "readout_error",
    "prob_meas0_prep1",
    "prob_meas1_prep0",
    "readout_length",
)
"""Qubit properties that change a derived model, a transpilation or a schedule."""
FINGERPRINT_GATE_PROPERTIES = ("gate_error", "gate_length")
"""Gate properties that change a derived model or a transpilation."""
SHORT_FINGERPRINT = 12
"""Hex digits shown where a whole fingerprint does not fit; enough to tell snapshots apart."""


def calibration_fingerprint(calibration: BackendCalibration) -> str:
    """SHA-256 of the snapshot's physics: qubit count, per-qubit and per-gate values in SI units.

    Names, versions and dates are left out: two snapshots with the same values behave the same.
    A property a snapshot lacks is ``null``; NaN stays NaN.
    """
    qubits = [
        {name: calibration.qubit_value(qubit, name) for name in FINGERPRINT_QUBIT_PROPERTIES}
        for qubit in range(calibration.num_qubits)
    ]
    gates = sorted(
        [gate, list(qubits), {name: property_value(properties, name) for name in FINGERPRINT_GATE_PROPERTIES}]
        for gate, qubits, properties in calibration.gate_entries()
    )
    return canonical_digest({"num_qubits": calibration.num_qubits, "qubits": qubits, "gates": gates})


def calibration_mismatch(spec: NoiseSpec, calibration: BackendCalibration) -> str | None:
    """Why ``spec`` does not belong to ``calibration`` (both snapshots named and dated), or None.

    A spec without provenance (built by hand, imported from Classiq) belongs to no device and is
    never flagged. A derived spec records its calibration's fingerprint; one derived before
    fingerprints existed is compared by backend name and date.
    """
    provenance = spec.provenance
    if provenance is None:
        return None
    recorded = provenance.calibration_fingerprint
    if recorded == calibration.fingerprint or (
        recorded is None
        and (provenance.backend_name, provenance.last_update_date)
        == (calibration.backend_name, calibration.last_update_date)
    ):
        return None
    source = f"{provenance.backend_name} calibrated {provenance.last_update_date:%Y-%m-%d %H:%M}"
    target = f"{calibration.backend_name} calibrated {calibration.last_update_date:%Y-%m-%d %H:%M}"
    if recorded is not None:
        source += f", fingerprint {recorded[:SHORT_FINGERPRINT]}"
        target += f", fingerprint {calibration.fingerprint[:SHORT_FINGERPRINT]}"
    return (
        f"the spec was derived from {source}, but the device is {target}: its qubit-specific channels "
        "and readout describe another snapshot's qubits"
    )
