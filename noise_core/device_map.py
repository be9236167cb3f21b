"""What a device map draws: qubit positions, couplers with their errors, and per-qubit metrics.

IBM numbers heavy-hex qubits row by row: long rows of consecutively numbered qubits joined by
single "bridge" qubits. ``qubit_positions`` recovers that picture (rows at integer y, bridges
half-way between the qubits they join). Devices that are not numbered that way (Falcon's
27-qubit lattice, uploaded snapshots of other layouts) get a seeded spring layout instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import rustworkx as rx

from noise_core.calibration import BackendCalibration

MIN_ROW_LENGTH = 3
"""A run of consecutively numbered, coupled qubits this long counts as a lattice row."""
MIN_ROW_COVERAGE = 0.6
"""Below this share of qubits in rows, the numbering is not row-major: fall back to a spring layout."""
ONE_QUBIT_METRIC_GATES = ("sx", "x", "u2", "u3")
"""The 1-qubit gate whose error a map shows: the first of these the device has."""


def coupling_edges(calibration: BackendCalibration) -> pd.DataFrame:
    """One row per coupled pair (q0 < q1): the 2-qubit gate, its mean error over directions, length (ns)."""
    rows: dict[tuple[int, int], dict] = {}
    for gate, qubits, properties in calibration.gate_entries():
        if len(qubits) != 2:
            continue
        pair = (min(qubits), max(qubits))
        row = rows.setdefault(pair, {"q0": pair[0], "q1": pair[1], "gate": gate, "errors": [], "lengths": []})
        if gate != row["gate"]:
            continue  # Heron also lists the fractional rzz on each pair; the map shows the entangling gate
        for name, target in (("gate_error", "errors"), ("gate_length", "lengths")):
            if name in properties:
                row[target].append(properties[name][0])
    table = pd.DataFrame(
        [
            {
                "q0": row["q0"],
                "q1": row["q1"],
                "gate": row["gate"],
                "gate_error": float(np.mean(row["errors"])) if row["errors"] else np.nan,
                "gate_length (ns)": float(np.mean(row["lengths"])) * 1e9 if row["lengths"] else np.nan,
            }
            for row in rows.values()
        ],
        columns=["q0", "q1", "gate", "gate_error", "gate_length (ns)"],
    )
    return table.sort_values(["q0", "q1"], ignore_index=True)


def qubit_metrics(calibration: BackendCalibration) -> pd.DataFrame:
    """Per qubit: T1, T2 (µs), readout error and the 1-qubit gate error, for colouring a map."""
    table = calibration.qubit_table()[["T1 (µs)", "T2 (µs)", "readout_error"]].copy()
    gate = next((name for name in ONE_QUBIT_METRIC_GATES if name in calibration.gate_names), None)
    errors = {}
    if gate is not None:
        for qubits, properties in calibration.gate_property(gate).items():
            if "gate_error" in properties:
                errors[qubits[0]] = properties["gate_error"][0]
    table[f"{gate or '1-qubit'} gate_error"] = [errors.get(qubit, np.nan) for qubit in table.index]
    return table


def qubit_positions(calibration: BackendCalibration, edges: pd.DataFrame | None = None) -> pd.DataFrame:
    """x, y of each qubit: heavy-hex rows when the numbering is row-major, else a spring layout."""
    edges = coupling_edges(calibration) if edges is None else edges
    pairs = list(zip(edges["q0"].astype(int), edges["q1"].astype(int), strict=True))
    positions = _row_layout(calibration.num_qubits, pairs)
    if positions is None:
        positions = _spring_layout(calibration.num_qubits, pairs)
    return pd.DataFrame(positions, columns=["x", "y"]).rename_axis("qubit")


def _row_layout(num_qubits: int, pairs: list[tuple[int, int]]) -> np.ndarray | None:
    consecutive = {q0 for q0, q1 in pairs if q1 == q0 + 1}
    rows: list[list[int]] = []
    qubit = 0
    while qubit < num_qubits:
        run = [qubit]
        while run[-1] in consecutive:
            run.append(run[-1] + 1)
        if len(run) >= MIN_ROW_LENGTH:
            rows.append(run)
        qubit = run[-1] + 1
    in_rows = sum(len(row) for row in rows)
    if in_rows < MIN_ROW_COVERAGE * num_qubits:
        return None
    positions = np.full((num_qubits, 2), np.nan)
    for depth, row in enumerate(rows):
        for offset, member in enumerate(row):
            positions[member] = (offset, -2.0 * depth)
    neighbours: dict[int, list[int]] = {q: [] for q in range(num_qubits)}
    for q0, q1 in pairs:
        neighbours[q0].append(q1)
        neighbours[q1].append(q0)
    for _ in range(2):  # bridges next to placed qubits, then anything left next to those
        for qubit in range(num_qubits):
            placed = [n for n in neighbours[qubit] if not np.isnan(positions[n, 0])]
            if np.isnan(positions[qubit, 0]) and placed:
                positions[qubit] = positions[placed].mean(axis=0)
                if len(placed) == 1:
                    positions[qubit, 1] -= 1.0
    return None if np.isnan(positions).any() else positions


def _spring_layout(num_qubits: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    graph = rx.PyGraph()
    graph.add_nodes_from(range(num_qubits))
    graph.add_edges_from_no_data(pairs)
    layout = rx.spring_layout(graph, seed=7, num_iter=200)
    return np.array([layout[qubit] for qubit in range(num_qubits)])
