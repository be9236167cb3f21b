"""A calibration written as IBM's calibration CSV (the 2026 layout), and the file name IBM would give it.

The columns are the 2026 layout's, fitted to the snapshot: ``Frequency (GHz)`` and
``Anharmonicity (GHz)`` where it has them (as Eagle's files), the error column of its two-qubit
gate (``CZ error``, ``ECR error`` or ``CNOT error``), ``RX``/``RZZ``/``MEASURE`` errors only where
it has those; ``Operational`` is empty for a qubit the snapshot does not mark. Pair cells name the
partner (``2:0.00099;0:0.00213`` on qubit 1's row), keeping each direction as the snapshot has it.
Numbers are written exactly (``repr``), so ``csv_format`` reads back the same floats.

What the layout cannot hold is left out: each property's own date (the file name carries one
time), ``general``, ``backend_version``, gates without a column (``reset``, ``measure_2``, ``u3``…),
``rzz`` lengths, a 1-qubit length that differs between ``id``/``sx``/``x``/``rx`` on one qubit
(``sx``'s is written) and a ``measure`` length other than the readout length.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable

from noise_core.calibration.csv_columns import (
    GATE_HEADERS,
    LENGTH_GATES,
    ONE_QUBIT_LENGTH_HEADER,
    OPERATIONAL_HEADER,
    PAIR_LENGTH_HEADER,
    PROPERTY_HEADERS,
    SHARED_LENGTH_GATES,
    file_name_for,
)
from noise_core.calibration.si_units import si_scale
from noise_core.calibration.snapshot import BackendCalibration, NduvRecord
from noise_core.errors import CalibrationError

Raw = dict[str, tuple[float, str]]
"""Property → (value, unit) as the snapshot writes it; the last record of a name wins, as on loading."""
Cell = Callable[[int], str]
"""A column's cell for one qubit."""

_ONE_QUBIT_GATES = ("rx", "rz", "sx", "x")
"""After ``ID error`` and the 1-qubit length, in the 2026 layout's order."""
_ALWAYS = ("T1", "T2", "readout_error", "prob_meas0_prep1", "prob_meas1_prep0", "readout_length")
"""Qubit columns written even when no qubit has the property (every IBM layout has them)."""


def calibration_to_csv(calibration: BackendCalibration) -> str:
    """``calibration`` as an IBM calibration CSV (2026 layout, headers quoted), one row per qubit.

    Another vendor's device is refused (``CalibrationError``): IBM's layout has no column for its gates (IonQ's
    ``rxx``), its connectivity or its conversions, so a reloaded CSV would be another device.
    """
    vendor = calibration.device_info.vendor
    if vendor != "IBM":
        raise CalibrationError(
            f"IBM's calibration CSV holds IBM devices; this {vendor} device would lose what it has no column for "
            "(its gates, connectivity and conversions): save it as JSON instead"
        )
    qubits = [_raw(records) for records in calibration.document.qubits]
    gates: dict[tuple[str, tuple[int, ...]], Raw] = {}
    for entry in calibration.document.gates:
        gates.setdefault((entry.gate, tuple(entry.qubits)), {}).update(_raw(entry.parameters))
    columns = _columns(qubits, gates)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow([header for header, _cell in columns])
    for qubit in range(calibration.num_qubits):
        writer.writerow([cell(qubit) for _header, cell in columns])
    return buffer.getvalue()


def calibration_csv_name(calibration: BackendCalibration) -> str:
    """The name IBM gives this download (``ibm_fez_calibrations_2025-01-13T16_54_24Z.csv``), so reading the
    CSV back under it restores the backend name and the calibration time (to the microsecond)."""
    return file_name_for(calibration.backend_name, calibration.last_update_date)


def _raw(records: list[NduvRecord]) -> Raw:
    return {record.name: (record.value, record.unit) for record in records}


def _columns(qubits: list[Raw], gates: dict[tuple[str, tuple[int, ...]], Raw]) -> list[tuple[str, Cell]]:
    """(header, cell) for each column the snapshot fills, in the 2026 layout's order."""
    names = {gate for gate, _qubits in gates}
    pair_gate = next((gate for gate in LENGTH_GATES if gate in names), None)
    columns: list[tuple[str, Cell]] = [("Qubit", str)]
    for name, (label, unit) in PROPERTY_HEADERS.items():
        if name in _ALWAYS or any(name in qubit for qubit in qubits):
            header = f"{label} ({unit})" if unit else label
            columns.append((header, _qubit_cell(qubits, name, unit)))
    if "id" in names:
        columns.append((GATE_HEADERS["id"], _gate_cell(gates, "id")))
    if any(gate in SHARED_LENGTH_GATES and "gate_length" in raw for (gate, _qubits), raw in gates.items()):
        columns.append((f"{ONE_QUBIT_LENGTH_HEADER} (ns)", _shared_length_cell(gates)))
    for gate in (gate for gate in _ONE_QUBIT_GATES if gate in names):
        columns.append((GATE_HEADERS[gate], _gate_cell(gates, gate)))
    if pair_gate is not None:
        columns.append((GATE_HEADERS[pair_gate], _pair_cell(gates, pair_gate, "gate_error")))
        columns.append((f"{PAIR_LENGTH_HEADER} (ns)", _pair_cell(gates, pair_gate, "gate_length")))
    if "rzz" in names:
        columns.append((GATE_HEADERS["rzz"], _pair_cell(gates, "rzz", "gate_error")))
    if "measure" in names:
        columns.append((GATE_HEADERS["measure"], _gate_cell(gates, "measure")))
    columns.append((OPERATIONAL_HEADER, _operational_cell(qubits)))  # empty where the snapshot does not say
    return columns


def _qubit_cell(qubits: list[Raw], name: str, unit: str) -> Cell:
    return lambda qubit: _number(qubits[qubit].get(name), unit, name)


def _gate_cell(gates: dict[tuple[str, tuple[int, ...]], Raw], gate: str) -> Cell:
    return lambda qubit: _number(gates.get((gate, (qubit,)), {}).get("gate_error"), "", "gate_error")


def _shared_length_cell(gates: dict[tuple[str, tuple[int, ...]], Raw]) -> Cell:
    """The row's 1-qubit length: sx's, else the first of id, x, rx that has one."""

    def cell(qubit: int) -> str:
        for gate in ("sx", *SHARED_LENGTH_GATES):
            length = gates.get((gate, (qubit,)), {}).get("gate_length")
            if length is not None:
                return _number(length, "ns", "gate_length")
        return ""

    return cell


def _pair_cell(gates: dict[tuple[str, tuple[int, ...]], Raw], gate: str, name: str) -> Cell:
    """``partner:value;…`` for the entries of ``gate`` whose first qubit is the row's, in the snapshot's order."""
    by_first: dict[int, list[str]] = {}
    unit = "" if name == "gate_error" else "ns"
    for (entry_gate, qubits), properties in gates.items():
        if entry_gate == gate and len(qubits) == 2 and name in properties:
            by_first.setdefault(qubits[0], []).append(f"{qubits[1]}:{_number(properties[name], unit, name)}")
    return lambda qubit: ";".join(by_first.get(qubit, []))


def _operational_cell(qubits: list[Raw]) -> Cell:
    def cell(qubit: int) -> str:
        flag = qubits[qubit].get("operational")
        return "" if flag is None else ("Yes" if flag[0] else "No")

    return cell


def _number(value: tuple[float, str] | None, unit: str, name: str) -> str:
    """``value`` in ``unit``, written so it reads back as the same float ('' when missing)."""
    if value is None:
        return ""
    number, own_unit = value
    scale, target = si_scale(own_unit, property_name=name), si_scale(unit, property_name=name)
    if scale != target:
        number = number * scale / target
    if math.isfinite(number) and number == int(number) and abs(number) < 2**53:
        return str(int(number))
    return repr(float(number))
