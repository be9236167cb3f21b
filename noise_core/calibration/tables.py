"""A calibration's facts as tables for display: couplers with their errors, and per-qubit metrics."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from noise_core.calibration.checks import usable_value
from noise_core.calibration.properties import property_value
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.spec.units import NANOSECONDS_PER_SECOND

ONE_QUBIT_METRIC_GATES = ("sx", "x", "u2", "u3")
"""The 1-qubit gate whose error a map shows: the first of these the device has."""


def coupling_edges(calibration: BackendCalibration) -> pd.DataFrame:
    """One row per coupled pair (q0 < q1): the 2-qubit gate, its mean error over directions, length (ns).

    ``gate_error`` is NaN for a coupler the snapshot reports no usable error for in either direction
    (missing, NaN or negative: the derivation gives it relaxation only, and the map draws it dashed).
    """
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for gate, qubits, properties in calibration.gate_entries():
        if len(qubits) != 2:
            continue
        pair = (min(qubits), max(qubits))
        row = rows.setdefault(pair, {"q0": pair[0], "q1": pair[1], "gate": gate, "errors": [], "lengths": []})
        if gate != row["gate"]:
            continue  # Heron also lists the fractional rzz on each pair; the map shows the entangling gate
        for name, target in (("gate_error", "errors"), ("gate_length", "lengths")):
            value = usable_value(properties, name)
            if value is not None:
                row[target].append(value)
    table = pd.DataFrame(
        [
            {
                "q0": row["q0"],
                "q1": row["q1"],
                "gate": row["gate"],
                "gate_error": float(np.mean(row["errors"])) if row["errors"] else np.nan,
                "gate_length (ns)": float(np.mean(row["lengths"])) * NANOSECONDS_PER_SECOND
                if row["lengths"]
                else np.nan,
            }
            for row in rows.values()
        ],
        columns=["q0", "q1", "gate", "gate_error", "gate_length (ns)"],
    )
    return table.sort_values(["q0", "q1"], ignore_index=True)


def qubit_metrics(calibration: BackendCalibration) -> pd.DataFrame:
    """Per qubit: T1, T2 (µs), frequency (GHz), readout error and the 1-qubit gate error, for colouring a map.

    A metric the snapshot gives for no qubit (Heron snapshots have no frequency) is left out.
    """
    table = calibration.qubit_table()[["T1 (µs)", "T2 (µs)", "frequency (GHz)", "readout_error"]].astype(float)
    gate = next((name for name in ONE_QUBIT_METRIC_GATES if name in calibration.gate_names), None)
    errors = {}
    if gate is not None:
        for qubits, properties in calibration.gate_property(gate).items():
            value = property_value(properties, "gate_error")
            if value is not None:
                errors[qubits[0]] = value
    table[f"{gate or '1-qubit'} gate_error"] = [errors.get(qubit, np.nan) for qubit in table.index]
    return table.dropna(axis="columns", how="all")
