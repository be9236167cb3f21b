"""Aer's matrix-product-state method for wide circuits that are not Clifford: its truncation, and what it cost.

An MPS stores the state as one tensor per qubit (in the compact circuit's order), joined by bonds whose
dimension χ is the Schmidt rank across that cut; gates between distant qubits are brought together by swaps.
It is exact while no bond is truncated, and fast while the circuit entangles little. Aer runs the noise as
trajectories, one per shot (no shot branching for MPS), so its time grows with the shots.

Truncation (``MPS_OPTIONS``): after each two-qubit gate Aer drops the Schmidt values whose squares sum below
``TRUNCATION_THRESHOLD`` and keeps at most ``MAX_BOND_DIMENSION`` of them. Each drop discards some of the
state's weight; ``truncation_of`` reads how much from Aer's log (``mps_log_data``) of one pass of the circuit
without its random channels: the total discarded weight w bounds that state's infidelity, so its output
distribution moves by at most about √(2w) in total variation (Fuchs–van de Graaf). The noisy trajectories run the
same gates, but a jump changes the Schmidt spectrum, so the noiseless pass stands for them; it is not a bound on
them. Aer runs ``MPS_PARALLEL_SHOTS`` trajectories at once (the memory estimate counts that many states).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qiskit import QuantumCircuit

MAX_BOND_DIMENSION = 256
"""Largest bond Aer keeps: χ² · 16 B · 2 per qubit, 2 MiB at 256, so 156 qubits stay under 0.4 GiB a state."""
TRUNCATION_THRESHOLD = 1e-10
"""Discarded squared Schmidt values per cut, at most (Aer's default is 1e-16)."""
MPS_PARALLEL_SHOTS = 2
"""Trajectories Aer runs at once (its default is every core, which would make memory grow with the server)."""
MPS_OPTIONS = {
    "matrix_product_state_max_bond_dimension": MAX_BOND_DIMENSION,
    "matrix_product_state_truncation_threshold": TRUNCATION_THRESHOLD,
    "max_parallel_shots": MPS_PARALLEL_SHOTS,
}
MPS_SETTINGS = f"bond dimension at most {MAX_BOND_DIMENSION}, Schmidt weight under {TRUNCATION_THRESHOLD:g} dropped"
"""The truncation as a run's reason states it."""


def bond_bounds(circuit: QuantumCircuit) -> tuple[int, ...]:
    """An upper bound on the bond dimension at each of the n − 1 cuts of an MPS running ``circuit``.

    A two-qubit gate across a cut multiplies its Schmidt rank by at most the gate's operator Schmidt rank (2 for a
    controlled gate, 4 otherwise); a gate of k qubits across a cut, by 4^min(left, right). A cut of k qubits on one
    side holds at most 2^k, and no bond exceeds ``MAX_BOND_DIMENSION``. Noise on a gate acts on the same qubits.
    """
    width = circuit.num_qubits
    exponents = [0] * max(width - 1, 0)  # log₂ of each cut's bound
    for item in circuit.data:
        positions = sorted(circuit.find_bit(qubit).index for qubit in item.qubits)
        if len(positions) < 2 or item.operation.name in {"barrier", "measure"}:
            continue
        controlled = len(positions) == 2 and item.operation.name in _CONTROLLED
        for cut in range(positions[0], positions[-1]):
            left = sum(1 for position in positions if position <= cut)
            exponents[cut] += 1 if controlled else 2 * min(left, len(positions) - left)
    return tuple(
        min(2 ** min(exponent, cut + 1, width - cut - 1), MAX_BOND_DIMENSION) for cut, exponent in enumerate(exponents)
    )


def bond_work(circuit: QuantumCircuit, bonds: tuple[int, ...]) -> float:
    """Σ over multi-qubit instructions of (cuts spanned) × (largest bond bound over them)³: what an MPS pays per
    shot for its SVDs and the swaps that bring a gate's qubits together (``cost.MPS_SECONDS_PER_BOND_CUBED``)."""
    total = 0.0
    for item in circuit.data:
        positions = sorted(circuit.find_bit(qubit).index for qubit in item.qubits)
        if len(positions) >= 2 and item.operation.name != "barrier":
            total += (positions[-1] - positions[0]) * max(bonds[positions[0] : positions[-1]]) ** 3
    return total


_CONTROLLED = frozenset(
    {"cx", "cy", "cz", "ecr", "cp", "crz", "crx", "cry", "cs", "csdg", "csx", "rzz", "rzx", "diagonal"}
)
"""Two-qubit gates of operator Schmidt rank 2 (a ``diagonal`` on two qubits is a controlled phase)."""


@dataclass(frozen=True)
class Truncation:
    """What the MPS cut in one (noiseless) run, from Aer's log."""

    discarded_weight: float
    """Σ of the squared Schmidt values dropped, over every cut of the run."""
    largest_bond: int

    @property
    def distance_bound(self) -> float:
        """√(2w): how far, in total variation, the truncation can move the output distribution (about)."""
        return float((2.0 * self.discarded_weight) ** 0.5)

    def statement(self) -> str:
        """The truncation in words, for a result."""
        if self.discarded_weight == 0.0:
            return (
                f"matrix-product state: nothing truncated (largest bond {self.largest_bond}), so exact but for sampling"
            )
        moved = (
            f"which moves its distribution by at most about {self.distance_bound:.2g} in total variation"
            if self.distance_bound < 1
            else "so much that it bounds nothing: the result may be far off"
        )
        return (
            f"matrix-product state ({MPS_SETTINGS}): the circuit without its random channels discarded a Schmidt "
            f"weight of {self.discarded_weight:.2g} (largest bond {self.largest_bond}), {moved}"
        )


_DISCARDED = re.compile(r"discarded_value=([0-9.eE+-]+)")
_BONDS = re.compile(r"BD=\[([0-9 ]*)\]")


def truncation_of(log: str) -> Truncation:
    """The discarded weight and largest bond in Aer's ``MPS_LOG_DATA`` (run with ``mps_log_data=True``)."""
    discarded = sum(float(value) for value in _DISCARDED.findall(log))
    bonds = [int(value) for group in _BONDS.findall(log) for value in group.split()]
    return Truncation(discarded, max(bonds, default=1))
