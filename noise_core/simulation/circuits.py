"""The circuit library: benchmark circuits with known answers, and their parameter bounds.

Every library function returns a ``LibraryCircuit``: a measured ``QuantumCircuit`` and, where
the circuit has one, the set of outcomes an ideal device returns (``expected_outcomes``), which
``simulate`` turns into a success probability. Outcomes are bitstrings in Qiskit's order: the
last character is classical bit 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import product

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import QFTGate

from noise_core.errors import CircuitError

MAX_LIBRARY_QUBITS = 156
"""Widest library circuit: the largest shipped device."""
MAX_GROVER_QUBITS = 10
"""Grover's multi-controlled Z grows quickly; beyond this the circuit is too deep to be useful."""
MAX_JOINT_READOUT_QUBITS = 6
"""Joint readout calibration prepares all 2ⁿ basis states."""
MAX_CLIFFORD_DEPTH = 1000
"""Deepest random Clifford circuit."""
MAX_SEED = 2**63 - 1
"""Largest seed of a random circuit (NumPy's generators take seeds ≥ 0)."""

QUBIT_RANGES: dict[str, tuple[int, int]] = {
    "GHZ": (2, MAX_LIBRARY_QUBITS),
    "QFT": (1, MAX_LIBRARY_QUBITS),
    "Grover": (2, MAX_GROVER_QUBITS),
    "random Clifford": (1, MAX_LIBRARY_QUBITS),
    "mirror": (1, MAX_LIBRARY_QUBITS),
}
"""Smallest and largest ``num_qubits`` of each sized library circuit, by its ``CIRCUIT_LIBRARY`` name."""


@dataclass(frozen=True)
class LibraryCircuit:
    """A measured circuit and, where one exists, the outcomes an ideal device returns."""

    name: str
    circuit: QuantumCircuit
    expected_outcomes: frozenset[str] | None
    description: str
    resized: Callable[[int], LibraryCircuit] | None = field(default=None, compare=False, repr=False)
    """The same kind of circuit at another width, where the family has one: depth and seed kept, a parameter that
    depends on the width (QFT's value) at its default. What an approximate method's error is measured on where the
    exact method runs (``simulation.twirl_measurement``)."""


def bell() -> LibraryCircuit:
    """(|00⟩ + |11⟩)/√2: ideal outcomes 00 and 11, half each."""
    circuit = QuantumCircuit(2, name="bell")
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure_all()
    return LibraryCircuit("Bell", circuit, frozenset({"00", "11"}), "H then CX; outcomes 00 and 11.")


def ghz(num_qubits: int) -> LibraryCircuit:
    """GHZ state as a CX chain (fits a line of qubits, so it needs no swaps on heavy-hex)."""
    _check_range("GHZ num_qubits", num_qubits, *QUBIT_RANGES["GHZ"])
    circuit = QuantumCircuit(num_qubits, name=f"ghz_{num_qubits}")
    circuit.h(0)
    for qubit in range(num_qubits - 1):
        circuit.cx(qubit, qubit + 1)
    circuit.measure_all()
    outcomes = frozenset({"0" * num_qubits, "1" * num_qubits})
    return LibraryCircuit(f"GHZ({num_qubits})", circuit, outcomes, "CX chain; outcomes all-0 and all-1.", ghz)


def qft(num_qubits: int, value: int | None = None) -> LibraryCircuit:
    """The inverse QFT reading back a Fourier-encoded integer: the ideal outcome is ``value``.

    Qubit j is prepared in (|0⟩ + e^{2πi·value·2^j/2ⁿ}|1⟩)/√2, which is QFT|value⟩ in Qiskit's
    convention, then ``QFTGate(n).inverse()`` maps it to |value⟩. The transform's all-to-all
    controlled phases make this the routing-heavy benchmark. ``value`` defaults to 0b…0101.
    """
    _check_range("QFT num_qubits", num_qubits, *QUBIT_RANGES["QFT"])
    size = 2**num_qubits
    if value is None:
        value = int("01" * num_qubits, 2) % size
    _check_range("QFT value", value, 0, size - 1)
    circuit = QuantumCircuit(num_qubits, name=f"qft_{num_qubits}")
    for qubit in range(num_qubits):
        circuit.h(qubit)
        circuit.p(2 * math.pi * value * 2**qubit / size, qubit)
    circuit.append(QFTGate(num_qubits).inverse(), range(num_qubits))
    circuit.measure_all()
    answer = format(value, f"0{num_qubits}b")
    return LibraryCircuit(
        f"QFT({num_qubits})", circuit, frozenset({answer}), f"Inverse QFT of a Fourier state; outcome {answer}.", qft
    )


def grover(num_qubits: int, marked: str | None = None) -> LibraryCircuit:
    """Grover search for one marked bitstring with ⌊π/4·√(2ⁿ)⌋ iterations (ideal success ≥ 0.94 for n ≥ 3)."""
    _check_range("Grover num_qubits", num_qubits, *QUBIT_RANGES["Grover"])
    marked = marked if marked is not None else "1" * num_qubits
    _check_bitstring("Grover marked", marked, num_qubits)
    iterations = math.floor(math.pi / 4 * math.sqrt(2**num_qubits))
    circuit = QuantumCircuit(num_qubits, name=f"grover_{num_qubits}")
    circuit.h(range(num_qubits))
    for _ in range(iterations):
        _phase_flip(circuit, marked)
        circuit.h(range(num_qubits))
        _phase_flip(circuit, "0" * num_qubits)
        circuit.h(range(num_qubits))
    circuit.measure_all()
    return LibraryCircuit(
        f"Grover({num_qubits})", circuit, frozenset({marked}), f"{iterations} iteration(s); outcome {marked}."
    )


def bernstein_vazirani(secret: str) -> LibraryCircuit:
    """Bernstein–Vazirani: one oracle call reveals ``secret`` (len(secret) data qubits + 1 ancilla)."""
    _check_range("Bernstein–Vazirani secret length", len(secret), 1, MAX_LIBRARY_QUBITS - 1)
    _check_bitstring("Bernstein–Vazirani secret", secret, len(secret))
    num_data = len(secret)
    circuit = QuantumCircuit(num_data + 1, num_data, name=f"bv_{secret}")
    ancilla = num_data
    circuit.x(ancilla)
    circuit.h(range(num_data + 1))
    for qubit, bit in enumerate(reversed(secret)):
        if bit == "1":
            circuit.cx(qubit, ancilla)
    circuit.h(range(num_data))
    circuit.measure(range(num_data), range(num_data))
    return LibraryCircuit(
        f"Bernstein–Vazirani({secret})", circuit, frozenset({secret}), f"Ancilla on the last qubit; outcome {secret}."
    )


_CLIFFORD_1Q = ("id", "x", "y", "z", "h", "s", "sdg", "sx", "sxdg")


def random_clifford(num_qubits: int, depth: int, seed: int) -> LibraryCircuit:
    """``depth`` layers of random one-qubit Cliffords and CX on a random pairing; reproducible by ``seed``.

    Clifford gates only, so the stabilizer method can simulate it at any width when the noise is
    Pauli-only. No single ideal outcome: ``expected_outcomes`` is None.
    """
    _check_range("random Clifford num_qubits", num_qubits, *QUBIT_RANGES["random Clifford"])
    _check_range("random Clifford depth", depth, 1, MAX_CLIFFORD_DEPTH)
    _check_range("random Clifford seed", seed, 0, MAX_SEED)
    rng = np.random.default_rng(seed)
    circuit = QuantumCircuit(num_qubits, name=f"clifford_{num_qubits}x{depth}_s{seed}")
    for _ in range(depth):
        for qubit in range(num_qubits):
            getattr(circuit, str(rng.choice(_CLIFFORD_1Q)))(qubit)
        order = rng.permutation(num_qubits)
        for control, target in zip(order[0::2], order[1::2], strict=False):
            circuit.cx(int(control), int(target))
    circuit.measure_all()
    return LibraryCircuit(
        f"random Clifford({num_qubits}, depth {depth}, seed {seed})",
        circuit,
        None,
        "Random Clifford layers.",
        partial(random_clifford, depth=depth, seed=seed),
    )


def mirror(num_qubits: int, depth: int, seed: int) -> LibraryCircuit:
    """``depth`` brickwork layers of random one-qubit Cliffords and CX between neighbours (i, i+1), a barrier,
    then their inverse: ideally all 0.

    CX only between neighbouring virtual qubits, so on a path of coupled device qubits it needs no
    swaps (the transpiler's seed cannot change it); the barrier keeps the two halves from cancelling,
    so every gate runs and its noise shows as outcomes other than 0…0: a gate-sensitive circuit for fits.
    """
    _check_range("mirror num_qubits", num_qubits, *QUBIT_RANGES["mirror"])
    _check_range("mirror depth", depth, 1, MAX_CLIFFORD_DEPTH)
    _check_range("mirror seed", seed, 0, MAX_SEED)
    rng = np.random.default_rng(seed)
    half = QuantumCircuit(num_qubits)
    for layer in range(depth):
        for qubit in range(num_qubits):
            getattr(half, str(rng.choice(_CLIFFORD_1Q)))(qubit)
        for left in range(layer % 2, num_qubits - 1, 2):
            control, target = (left, left + 1) if rng.random() < 0.5 else (left + 1, left)
            half.cx(control, target)
    circuit = QuantumCircuit(num_qubits, name=f"mirror_{num_qubits}x{depth}_s{seed}")
    circuit.compose(half, inplace=True)
    circuit.barrier()
    circuit.compose(half.inverse(), inplace=True)
    circuit.measure_all()
    return LibraryCircuit(
        f"mirror({num_qubits}, depth {depth}, seed {seed})",
        circuit,
        frozenset({"0" * num_qubits}),
        "Random Clifford brickwork layers, then their inverse; ideally all 0.",
        partial(mirror, depth=depth, seed=seed),
    )


def basis_state(state: str) -> LibraryCircuit:
    """Prepare the computational basis state ``state`` (clbit 0 last) with X gates and measure it."""
    if not isinstance(state, str) or not 1 <= len(state) <= MAX_LIBRARY_QUBITS or set(state) - {"0", "1"}:
        raise CircuitError(
            f"basis state must be 1 to {MAX_LIBRARY_QUBITS} characters 0/1 (clbit 0 last); got {state!r:.40}"
        )
    return _prepare_basis_state(state)


def teleportation() -> LibraryCircuit:
    """Quantum teleportation of |1⟩ with feed-forward: a dynamic circuit (mid-circuit measurement, ``if_else``).

    q0 holds |1⟩; q1 and q2 share a Bell pair; the Bell measurement of q0, q1 goes to c0, c1, and
    the corrections X (if c1) and Z (if c0) on q2 depend on those recorded bits; then q2 is
    measured into c2. Ideally c2 = 1 whatever c0 and c1 are (each 1/4): readout errors on c0, c1
    make the wrong correction, as on hardware.
    """
    circuit = QuantumCircuit(3, 3, name="teleportation")
    circuit.x(0)
    circuit.h(1)
    circuit.cx(1, 2)
    circuit.cx(0, 1)
    circuit.h(0)
    circuit.measure(0, 0)
    circuit.measure(1, 1)
    with circuit.if_test((circuit.clbits[1], 1)):
        circuit.x(2)
    with circuit.if_test((circuit.clbits[0], 1)):
        circuit.z(2)
    circuit.measure(2, 2)
    outcomes = frozenset({"100", "101", "110", "111"})
    return LibraryCircuit(
        "teleportation", circuit, outcomes, "Teleports |1⟩ with mid-circuit measurement and if_else corrections."
    )


def readout_calibration(num_qubits: int, *, joint: bool = False) -> list[LibraryCircuit]:
    """Circuits that prepare basis states with X and measure them, one per state.

    ``joint=False``: all-0 and all-1, enough for each qubit's 2×2 assignment matrix (the
    tensored estimate). ``joint=True``: all 2ⁿ states, for the full joint matrix.
    """
    _check_range("readout calibration num_qubits", num_qubits, 1, MAX_LIBRARY_QUBITS)
    if joint:
        _check_range("joint readout calibration num_qubits", num_qubits, 1, MAX_JOINT_READOUT_QUBITS)
        states = ["".join(bits) for bits in product("01", repeat=num_qubits)]
    else:
        states = ["0" * num_qubits, "1" * num_qubits]
    return [_prepare_basis_state(state) for state in states]


def _prepare_basis_state(state: str) -> LibraryCircuit:
    circuit = QuantumCircuit(len(state), name=f"prepare_{state}")
    for qubit, bit in enumerate(reversed(state)):
        if bit == "1":
            circuit.x(qubit)
    circuit.measure_all()
    return LibraryCircuit(f"readout |{state}⟩", circuit, frozenset({state}), f"Prepare |{state}⟩ and measure.")


CIRCUIT_LIBRARY: dict[str, Callable[..., LibraryCircuit]] = {
    "Bell": bell,
    "GHZ": ghz,
    "QFT": qft,
    "Grover": grover,
    "Bernstein–Vazirani": bernstein_vazirani,
    "random Clifford": random_clifford,
    "teleportation": teleportation,
    "mirror": mirror,
    "basis state": basis_state,
}
"""The library by display name; parameters are each function's keyword arguments."""


def _phase_flip(circuit: QuantumCircuit, bitstring: str) -> None:
    """Multiply |bitstring⟩ by −1 (X-conjugated multi-controlled Z)."""
    flips = [qubit for qubit, bit in enumerate(reversed(bitstring)) if bit == "0"]
    last = circuit.num_qubits - 1
    if flips:
        circuit.x(flips)
    circuit.h(last)
    circuit.mcx(list(range(last)), last)
    circuit.h(last)
    if flips:
        circuit.x(flips)


def _check_range(what: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        raise CircuitError(f"{what} must be an integer from {low} to {high}; got {value!r}")


def _check_bitstring(what: str, bits: str, length: int) -> None:
    if not isinstance(bits, str) or len(bits) != length or set(bits) - {"0", "1"}:
        raise CircuitError(f"{what} must be a string of {length} characters 0/1; got {bits!r}")
