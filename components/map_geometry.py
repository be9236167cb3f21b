"""Where a device map draws each qubit: heavy-hex rows when the numbering allows, else a spring layout.

The couplers and metrics it colours come from ``noise_core.calibration.tables``. IBM numbers
heavy-hex qubits row by row: long rows of consecutively numbered qubits joined by single
"bridge" qubits. ``qubit_positions`` recovers that picture (rows at integer y, bridges
half-way between the qubits they join). Devices that are not numbered that way (Falcon's
27-qubit lattice, uploaded snapshots of other layouts) get a seeded spring layout instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import rustworkx as rx

from noise_core.calibration import BackendCalibration, coupling_edges

MIN_ROW_LENGTH = 3
"""A run of consecutively numbered, coupled qubits this long counts as a lattice row."""
MIN_ROW_COVERAGE = 0.6
"""Below this share of qubits in rows, the numbering is not row-major: fall back to a spring layout."""


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
