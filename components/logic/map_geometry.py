"""Where a device map draws each qubit: on a circle for an all-to-all device, on a square grid when the couplers
allow, else a spring layout.

The couplers and metrics it colours come from ``noise_core.calibration.tables``. IBM's
heavy-hex devices are rows of qubits joined by single "bridge" qubits; drawn right, every
coupler is one grid step long and horizontal or vertical. ``qubit_positions`` finds the rows
(from the numbering when it is row-major, as on Eagle and Heron; from the lattice's hexagons
otherwise, as on Falcon), stacks them so each bridge sits straight between the two qubits it
joins, and keeps that picture only if it checks out: unit, axis-aligned couplers and no two
qubits on one spot. Anything else (other lattices, broken couplers that split a row) gets a
seeded spring layout.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np
import pandas as pd
import rustworkx as rx

from noise_core.calibration import BackendCalibration, coupling_edges

MIN_ROW_LENGTH = 3
"""A run of consecutively numbered, coupled qubits this long counts as a lattice row."""
MIN_ROW_COVERAGE = 0.6
"""Below this share of qubits in rows, the numbering is not row-major: look for hexagons instead."""
HEXAGON = 12
"""Qubits around one heavy-hex cell (6 lattice vertices and the 6 qubits on the edges between them)."""
MAX_HEXAGON_SEARCH_QUBITS = 1000
"""Above this many qubits the (depth-12) hexagon search is skipped and a spring layout drawn."""

Neighbours = dict[int, list[int]]
Position = tuple[float, float]


def qubit_positions(calibration: BackendCalibration, edges: pd.DataFrame | None = None) -> pd.DataFrame:
    """x, y (grid steps) of each qubit: a circle for an all-to-all device (trapped ions), else heavy-hex rows and
    columns when the couplers allow, else a spring layout."""
    if calibration.device_info.all_to_all:
        return pd.DataFrame(circle_layout(calibration.num_qubits), columns=["x", "y"]).rename_axis("qubit")
    edges = coupling_edges(calibration) if edges is None else edges
    pairs = list(zip(edges["q0"].astype(int), edges["q1"].astype(int), strict=True))
    positions = grid_layout(calibration.num_qubits, pairs)
    if positions is None:
        positions = _spring_layout(calibration.num_qubits, pairs)
    return pd.DataFrame(positions, columns=["x", "y"]).rename_axis("qubit")


def circle_layout(num_qubits: int) -> np.ndarray:
    """Qubit 0 at the top, the others clockwise, neighbours one grid step apart (radius n / 2π, at least 1)."""
    radius = max(1.0, num_qubits / (2 * np.pi))
    angles = np.pi / 2 - 2 * np.pi * np.arange(num_qubits) / num_qubits
    return np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])


def grid_layout(num_qubits: int, pairs: Sequence[tuple[int, int]]) -> np.ndarray | None:
    """Integer grid positions with every coupler one step long and axis-aligned, or None if none was found.

    Rows from the numbering win when they draw; otherwise, of the hexagon-derived candidates,
    the drawing whose rows are of the most equal length (then the smallest bounding box).
    """
    neighbours = _neighbours(num_qubits, pairs)
    numbered = _rows_by_numbering(num_qubits, neighbours)
    if numbered is not None:
        drawing = _drawing(num_qubits, numbered, neighbours, pairs)
        if drawing is not None:
            return drawing
    scored = []
    for rows in _rows_by_hexagons(num_qubits, neighbours):
        drawing = _drawing(num_qubits, rows, neighbours, pairs)
        if drawing is not None:
            scored.append((_raggedness(rows, drawing), drawing))
    return min(scored, key=lambda entry: entry[0])[1] if scored else None


def _drawing(
    num_qubits: int, rows: list[list[int]], neighbours: Neighbours, pairs: Sequence[tuple[int, int]]
) -> np.ndarray | None:
    """Positions (num_qubits x 2) of ``rows`` placed on the grid, or None if they do not draw every coupler."""
    positions = _place_rows(num_qubits, rows, neighbours)
    if positions is None or not is_grid_drawing(positions, pairs):
        return None
    return np.array([positions[qubit] for qubit in range(num_qubits)], dtype=float)


def _raggedness(rows: list[list[int]], positions: np.ndarray) -> tuple[int, float]:
    """(longest row - shortest row, bounding-box area): IBM draws rows of (nearly) equal length, compactly."""
    lengths = [len(row) for row in rows]
    return max(lengths) - min(lengths), float(np.prod(positions.max(axis=0) - positions.min(axis=0) + 1))


def is_grid_drawing(positions: dict[int, Position] | np.ndarray, pairs: Iterable[tuple[int, int]]) -> bool:
    """Whether every qubit has its own spot and every coupler is one horizontal or vertical grid step."""
    points = [tuple(positions[qubit]) for qubit in range(len(positions))]
    if len(set(points)) != len(points):
        return False
    for q0, q1 in pairs:
        (x0, y0), (x1, y1) = points[q0], points[q1]
        if sorted((abs(x0 - x1), abs(y0 - y1))) != [0, 1]:
            return False
    return True


def _neighbours(num_qubits: int, pairs: Iterable[tuple[int, int]]) -> Neighbours:
    neighbours: Neighbours = {qubit: [] for qubit in range(num_qubits)}
    for q0, q1 in pairs:
        neighbours[q0].append(q1)
        neighbours[q1].append(q0)
    return neighbours


def _rows_by_numbering(num_qubits: int, neighbours: Neighbours) -> list[list[int]] | None:
    """Runs of consecutively numbered, coupled qubits (IBM numbers Eagle and Heron row by row)."""
    rows: list[list[int]] = []
    qubit = 0
    while qubit < num_qubits:
        run = [qubit]
        while run[-1] + 1 in neighbours[run[-1]]:
            run.append(run[-1] + 1)
        if len(run) >= MIN_ROW_LENGTH:
            rows.append(run)
        qubit = run[-1] + 1
    return rows if sum(map(len, rows)) >= MIN_ROW_COVERAGE * num_qubits else None


def _rows_by_hexagons(num_qubits: int, neighbours: Neighbours) -> list[list[list[int]]]:
    """Candidate rows of a heavy-hex lattice whatever its numbering (Falcon), from its hexagons' edge directions.

    A hexagon's 12 qubits alternate lattice vertices and edge qubits; opposite edges of a
    hexagon are parallel and the three edges at a vertex point three ways. Taking the edge
    qubits of one direction as bridges leaves rows (paths, possibly with one-qubit stubs); one
    candidate per direction for which it does.
    """
    if num_qubits > MAX_HEXAGON_SEARCH_QUBITS or max(map(len, neighbours.values()), default=0) > 3:
        return []
    labels = _edge_directions(_hexagons(neighbours), neighbours)
    if labels is None:
        return []
    candidates = []
    for direction in sorted(set(labels.values())):
        bridges = {qubit for qubit, label in labels.items() if label == direction}
        rows = _rows_without(bridges, neighbours)
        if rows is not None:
            candidates.append(rows)
    return candidates


def _hexagons(neighbours: Neighbours) -> list[list[int]]:
    """Every cycle of 12 qubits, in cycle order, once each (found from its lowest-numbered qubit)."""
    found: dict[frozenset[int], list[int]] = {}
    for start in neighbours:
        stack = [[start]]
        while stack:
            path = stack.pop()
            if len(path) == HEXAGON:
                if start in neighbours[path[-1]]:
                    found.setdefault(frozenset(path), path)
                continue
            stack.extend([*path, nxt] for nxt in neighbours[path[-1]] if nxt > start and nxt not in path)
    return list(found.values())


def _edge_directions(hexagons: list[list[int]], neighbours: Neighbours) -> dict[int, int] | None:
    """A direction 0, 1 or 2 for each edge qubit of the hexagons, or None if they are not a heavy-hex lattice."""
    parent: dict[int, int] = {}

    def root(qubit: int) -> int:
        while parent.setdefault(qubit, qubit) != qubit:
            qubit = parent[qubit]
        return qubit

    vertices: set[int] = set()
    for cycle in hexagons:
        odd = [cycle[i] for i in range(1, HEXAGON, 2)]
        even = [cycle[i] for i in range(0, HEXAGON, 2)]
        edge_qubits = odd if any(len(neighbours[q]) == 3 for q in even) else even
        if any(len(neighbours[q]) != 2 for q in edge_qubits):
            return None
        vertices.update(q for q in cycle if q not in edge_qubits)
        for i in range(3):  # opposite edges of a hexagon point the same way
            parent[root(edge_qubits[i])] = root(edge_qubits[i + 3])
    differ: dict[int, set[int]] = {root(q): set() for q in list(parent)}
    for vertex in vertices:  # the edges at one vertex point different ways
        for a, b in combinations([root(q) for q in neighbours[vertex] if q in parent], 2):
            if a == b:
                return None
            differ[a].add(b)
            differ[b].add(a)
    colours = _three_colours(differ)
    return None if colours is None else {qubit: colours[root(qubit)] for qubit in parent}


def _three_colours(differ: dict[int, set[int]]) -> dict[int, int] | None:
    """Colour 0-2 per class with neighbours differing, most constrained class first (DSatur), or None."""
    colours: dict[int, int] = {}
    while len(colours) < len(differ):
        uncoloured = [node for node in differ if node not in colours]
        node = max(uncoloured, key=lambda n: (len({colours[m] for m in differ[n] if m in colours}), len(differ[n])))
        free = sorted({0, 1, 2} - {colours[m] for m in differ[node] if m in colours})
        if not free:
            return None
        colours[node] = free[0]
    return colours


def _rows_without(bridges: set[int], neighbours: Neighbours) -> list[list[int]] | None:
    """Each component left after removing ``bridges``, as its longest path (lowest end first), or None.

    Returns None when a component is not a path with one-qubit stubs (so these are not rows).
    """
    kept = {q: [n for n in others if n not in bridges] for q, others in neighbours.items() if q not in bridges}
    rows, seen = [], set()
    for qubit in kept:
        if qubit in seen:
            continue
        component = set(_distances(qubit, kept))
        seen |= component
        if sum(len(kept[q]) for q in component) != 2 * (len(component) - 1):
            return None  # a cycle: not a row
        far = _farthest(qubit, kept)
        spine = _path(far, _farthest(far, kept), kept)
        if any(len(kept[q]) > 1 for q in component - set(spine)):
            return None
        rows.append(spine if spine[0] < spine[-1] else spine[::-1])
    return sorted(rows, key=min)


def _distances(start: int, neighbours: Neighbours) -> dict[int, int]:
    """Breadth-first distance (couplers) from ``start`` to every qubit it reaches."""
    distances = {start: 0}
    queue = [start]
    for qubit in queue:
        for other in neighbours[qubit]:
            if other not in distances:
                distances[other] = distances[qubit] + 1
                queue.append(other)
    return distances


def _farthest(start: int, neighbours: Neighbours) -> int:
    """The qubit farthest from ``start`` (lowest number among ties)."""
    distances = _distances(start, neighbours)
    return max(sorted(distances), key=lambda q: distances[q])


def _path(start: int, end: int, neighbours: Neighbours) -> list[int]:
    """A shortest path from ``start`` to ``end`` (the only one in a tree)."""
    distances = _distances(end, neighbours)
    path = [start]
    while path[-1] != end:
        path.append(min(n for n in neighbours[path[-1]] if distances.get(n, -1) == distances[path[-1]] - 1))
    return path


def _place_rows(num_qubits: int, rows: list[list[int]], neighbours: Neighbours) -> dict[int, Position] | None:
    """Rows stacked two steps apart (one if coupled directly), bridges between, stubs beside; None if stuck."""
    where = {qubit: (number, offset) for number, row in enumerate(rows) for offset, qubit in enumerate(row)}
    links = _row_links(rows, where, neighbours)
    positions: dict[int, Position] = {qubit: (float(offset), 0.0) for offset, qubit in enumerate(rows[0])}
    placed = {0}
    heights = {0: 0.0}
    queue = [0]
    while queue:
        number = queue.pop(0)
        for other, joins in links.get(number, {}).items():
            if other in placed:
                continue
            layout = _align_row(rows[other], joins, positions)
            if layout is None:
                return None
            step = 2.0 if any(bridge is not None for _, _, bridge in joins) else 1.0
            has_row_below = any(heights[n] < heights[number] for n in links[number] if n in placed)
            heights[other] = heights[number] + (step if has_row_below else -step)
            for qubit, x in layout.items():
                positions[qubit] = (x, heights[other])
            for a, _, bridge in joins:
                if bridge is not None:
                    positions[bridge] = (positions[a][0], heights[number] + (heights[other] - heights[number]) / 2)
            placed.add(other)
            queue.append(other)
    if len(placed) != len(rows):
        return None
    _place_stubs(num_qubits, positions, neighbours)
    return positions if len(positions) == num_qubits else None


def _row_links(
    rows: list[list[int]], where: dict[int, tuple[int, int]], neighbours: Neighbours
) -> dict[int, dict[int, list[tuple[int, int, int | None]]]]:
    """For each pair of rows, the couplings between them: (qubit in this row, qubit in that row, bridge or None)."""
    links: dict[int, dict[int, list[tuple[int, int, int | None]]]] = {}

    def add(a: int, b: int, bridge: int | None) -> None:
        if where[a][0] != where[b][0]:
            links.setdefault(where[a][0], {}).setdefault(where[b][0], []).append((a, b, bridge))

    for qubit, others in neighbours.items():
        if qubit in where:
            for other in others:
                if other in where:
                    add(qubit, other, None)
        elif len(others) == 2 and all(other in where for other in others):
            add(others[0], others[1], qubit)
            add(others[1], others[0], qubit)
    return links


def _align_row(
    row: list[int], joins: list[tuple[int, int, int | None]], positions: dict[int, Position]
) -> dict[int, float] | None:
    """x of each qubit of ``row`` so that it sits under the placed qubit it is joined to (forwards preferred)."""
    index = {qubit: offset for offset, qubit in enumerate(row)}
    for sign in (1, -1):
        shifts = {positions[a][0] - sign * index[b] for a, b, _ in joins}
        if len(shifts) == 1:
            shift = shifts.pop()
            return {qubit: shift + sign * offset for qubit, offset in index.items()}
    return None


def _place_stubs(num_qubits: int, positions: dict[int, Position], neighbours: Neighbours) -> None:
    """Qubits coupled to one placed qubit only: one step above or below it, on the free side (outwards first)."""
    middle = float(np.mean([y for _, y in positions.values()]))
    taken = set(positions.values())
    for qubit in range(num_qubits):
        anchors = [other for other in neighbours[qubit] if other in positions]
        if qubit in positions or len(neighbours[qubit]) != 1 or not anchors:
            continue
        x, y = positions[anchors[0]]
        outwards = 1.0 if y >= middle else -1.0
        for dy in (outwards, -outwards):
            if (x, y + dy) not in taken:
                positions[qubit] = (x, y + dy)
                taken.add(positions[qubit])
                break


def _spring_layout(num_qubits: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    graph = rx.PyGraph()
    graph.add_nodes_from(range(num_qubits))
    graph.add_edges_from_no_data(pairs)
    layout = rx.spring_layout(graph, seed=7, num_iter=200)
    return np.array([layout[qubit] for qubit in range(num_qubits)])


def pair_error_medians(edges: pd.DataFrame, qubits: Iterable[int]) -> list[float]:
    """Each qubit's median 2-qubit gate error over the couplers it is in (NaN without any)."""
    both = pd.concat([edges[["q0", "gate_error"]].rename(columns={"q0": "q"}), edges[["q1", "gate_error"]].rename(
        columns={"q1": "q"})])  # fmt: skip
    medians = both.groupby("q")["gate_error"].median()
    return [float(medians.get(qubit, np.nan)) for qubit in qubits]
