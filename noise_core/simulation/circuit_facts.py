"""What the transpiler made of a circuit on the device: depth, gate counts, routing swaps, and a drawing.

A physicist reads a result beside the circuit that produced it: how deep it ran, how many
two-qubit gates it needed, and how many SWAPs routing inserted to bring interacting qubits
together (each SWAP is three two-qubit gates on hardware). The transpiled circuit holds no SWAP
any more (the basis translation turned them into ``cz``/``ecr``), so ``SwapCounter`` counts them
as the routing pass inserts them, through ``transpile``'s ``callback``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qiskit import QuantumCircuit

NOT_GATES = frozenset({"barrier", "delay", "measure", "reset"})
"""Instructions that are not gates (not counted as one- or two-qubit gates)."""
TIMELESS = frozenset({"barrier", "delay"})
"""Instructions that do not add a layer to the depth."""
ROUTING_PASSES = frozenset({"SabreLayout", "SabreSwap", "BasicSwap", "LookaheadSwap", "StochasticSwap"})
"""Qiskit passes that insert SWAPs to satisfy the coupling map (``SabreLayout`` lays out and routes at once)."""
MAX_DRAWN_OPERATIONS = 600
"""Above this many instructions a text drawing is too long to read; it is not made."""
DRAWING_FOLD = 100
"""Characters per line of the text drawing before it wraps."""


@dataclass(frozen=True)
class CircuitFacts:
    """The transpiled circuit on the active qubits (delays and barriers not counted)."""

    depth: int
    """Layers of gates and measurements."""
    operations: tuple[tuple[str, int], ...]
    """(instruction name, count), most frequent first."""
    two_qubit_gates: int
    routing_swaps: int
    """SWAPs the router inserted (each became three two-qubit gates); 0 when the layout needed none."""

    def describe(self) -> str:
        """'depth 9, 3 two-qubit gates, 0 routing swaps'."""
        swaps = f"{self.routing_swaps} routing swap{'s' * (self.routing_swaps != 1)}"
        return f"depth {self.depth}, {self.two_qubit_gates} two-qubit gate{'s' * (self.two_qubit_gates != 1)}, {swaps}"


class SwapCounter:
    """A ``transpile(..., callback=...)`` that counts the SWAPs routing passes insert."""

    def __init__(self, circuit: QuantumCircuit) -> None:
        self._before = circuit.count_ops().get("swap", 0)
        self.inserted = 0

    def __call__(self, *, pass_: Any, dag: Any, **_: Any) -> None:
        now = dag.count_ops().get("swap", 0)
        if type(pass_).__name__ in ROUTING_PASSES:
            self.inserted += max(0, now - self._before)
        self._before = now


def circuit_facts(circuit: QuantumCircuit, routing_swaps: int) -> CircuitFacts:
    """Depth, counts and two-qubit gates of ``circuit``; ``routing_swaps`` from its ``SwapCounter``."""
    counts = {name: int(count) for name, count in circuit.count_ops().items() if name not in TIMELESS}
    two_qubit = sum(1 for item in circuit.data if item.operation.name not in NOT_GATES and len(item.qubits) == 2)
    depth = circuit.depth(filter_function=lambda item: item.operation.name not in TIMELESS)
    ordered = tuple(sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])))
    return CircuitFacts(depth, ordered, two_qubit, routing_swaps)


def draw_on_device(transpiled: QuantumCircuit) -> str | None:
    """Qiskit's text drawing of a transpiled circuit (``SimulationResult.transpiled``) on the qubits it uses, each
    wire named by its device qubit ('q_73', the device register's own label), without the schedule's waits and
    the barriers; None above ``MAX_DRAWN_OPERATIONS`` instructions. ~10 ms per 100 instructions: made on demand,
    not in every ``simulate``."""
    shown = transpiled.copy_empty_like()
    for item in transpiled.data:
        if item.operation.name not in TIMELESS:
            shown._append(item)
    if len(shown.data) > MAX_DRAWN_OPERATIONS:
        return None
    return str(shown.draw(output="text", fold=DRAWING_FOLD, idle_wires=False))
