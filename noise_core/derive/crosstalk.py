"""Static ZZ crosstalk as a snapshot reports it: IBM's ``general`` entries ``zz_ab`` (and ``jq_ab``, the coupling J).

IBM writes one entry per coupler, named ``zz_`` followed by the two qubits' numbers run together
(``zz_1213`` is qubits 12 and 13), in GHz. The split is read against the device's couplers (its two-qubit
gates): ``zz_717`` is (7, 17) where 7–17 is a coupler and 71–7 is not; a name that fits no coupler, or more
than one, is skipped with a finding. The value is taken as ξ of ``noise_core.spec.crosstalk``
(H = 2π·ξ·|11⟩⟨11|, ξ the shift of one qubit's frequency when its neighbour is excited); IBM does not state
its convention. ``jq_`` entries (the exchange coupling) are not noise of their own and are not used.
"""

from __future__ import annotations

import math
import re
import statistics

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.spec.crosstalk import MAX_ZZ_KHZ, ZZCrosstalkNoise
from noise_core.spec.findings import Finding, FindingKind

KHZ_PER_UNIT = {"GHz": 1e6, "MHz": 1e3, "kHz": 1.0, "Hz": 1e-3}
"""The units a ``zz_`` entry may be written in, in kHz."""
ZZ_NAME = re.compile(r"zz_(\d+)")


def snapshot_zz(calibration: BackendCalibration) -> tuple[list[ZZCrosstalkNoise], list[Finding]]:
    """The nonzero ZZ couplings (kHz) the snapshot's ``general`` entries report, and findings: what was read
    (source and units) and each entry skipped."""
    couplers = {frozenset(qubits) for _gate, qubits, _properties in calibration.gate_entries() if len(qubits) == 2}
    entries, findings = [], []
    for record in calibration.document.general:
        match = ZZ_NAME.fullmatch(record.name)
        if match is None:
            continue
        pairs = [pair for pair in _splits(match.group(1), calibration.num_qubits) if frozenset(pair) in couplers]
        value = float(record.value)
        khz = value * KHZ_PER_UNIT[record.unit] if record.unit in KHZ_PER_UNIT else math.nan
        if len(pairs) != 1 or not math.isfinite(khz) or abs(khz) > MAX_ZZ_KHZ:
            findings.append(_skipped(record.name, record.unit, value, pairs))
        elif khz:
            entries.append(ZZCrosstalkNoise(qubits=pairs[0], zz=khz))
    if entries:
        findings.insert(0, _reported(entries))
    return entries, findings


def _splits(digits: str, num_qubits: int) -> list[tuple[int, int]]:
    """Every way to read ``digits`` as two qubit numbers of the device (no leading zeros)."""
    return [
        (int(digits[:cut]), int(digits[cut:]))
        for cut in range(1, len(digits))
        if _qubit_number(digits[:cut], num_qubits) and _qubit_number(digits[cut:], num_qubits)
    ]


def _qubit_number(text: str, num_qubits: int) -> bool:
    return (text == "0" or not text.startswith("0")) and int(text) < num_qubits


def _reported(entries: list[ZZCrosstalkNoise]) -> Finding:
    magnitudes = [abs(entry.zz) for entry in entries]
    return Finding(
        kind=FindingKind.ZZ_REPORTED,
        severity="info",
        subject="device",
        property_name="ZZ coupling ξ (kHz), median |ξ|",
        value=statistics.median(magnitudes),
        rule="no static ZZ, as from_backend assumes",
        action=(
            f"the snapshot's general zz_ab entries (GHz) give {len(entries)} couplers ZZ ≠ 0 (|ξ| "
            f"{min(magnitudes):.3g}–{max(magnitudes):.3g} kHz), taken as ξ of H = 2π·ξ·|11⟩⟨11| in zz_crosstalk_errors"
        ),
    )


def _skipped(name: str, unit: str, value: float, pairs: list[tuple[int, int]]) -> Finding:
    if len(pairs) != 1:
        why = f"{name} names {'no coupler' if not pairs else 'more than one coupler'} of the device"
    else:
        why = f"{name} = {value!r} {unit} is not a number of GHz, MHz, kHz or Hz within ±{MAX_ZZ_KHZ:g} kHz"
    return Finding(
        kind=FindingKind.SKIPPED_ENTRY,
        severity="warning",
        subject="device",
        property_name=f"{name} ({unit})",
        value=value if math.isfinite(value) else None,
        rule=why,
        action="no ZZ crosstalk taken from it",
    )
