"""Benchmark circuits with known answers, and OpenQASM 2/3 parsing with line-numbered errors.

Every library function returns a ``LibraryCircuit``: a measured ``QuantumCircuit`` and, where
the circuit has one, the set of outcomes an ideal device returns (``expected_outcomes``), which
``simulate`` turns into a success probability. Outcomes are bitstrings in Qiskit's order: the
last character is classical bit 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product

import numpy as np
from openqasm3.parser import QASM3ParsingError
from qiskit import QuantumCircuit, qasm2, qasm3
from qiskit.circuit.library import QFTGate

MAX_LIBRARY_QUBITS = 156
"""Widest library circuit: the largest shipped device."""
MAX_GROVER_QUBITS = 10
"""Grover's multi-controlled Z grows quickly; beyond this the circuit is too deep to be useful."""
MAX_JOINT_READOUT_QUBITS = 6
"""Joint readout calibration prepares all 2ⁿ basis states."""


class CircuitParseError(ValueError):
    """OpenQASM text that could not be read; ``line`` and ``column`` are 1-based where known."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        where = f"line {line}" + (f", column {column}" if column is not None else "") if line else ""
        super().__init__(f"{where}: {message}" if where else message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class LibraryCircuit:
    """A measured circuit and, where one exists, the outcomes an ideal device returns."""

    name: str
    circuit: QuantumCircuit
    expected_outcomes: frozenset[str] | None
    description: str


def bell() -> LibraryCircuit:
    """(|00⟩ + |11⟩)/√2: ideal outcomes 00 and 11, half each."""
    circuit = QuantumCircuit(2, name="bell")
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure_all()
    return LibraryCircuit("Bell", circuit, frozenset({"00", "11"}), "H then CX; outcomes 00 and 11.")


def ghz(num_qubits: int) -> LibraryCircuit:
    """GHZ state as a CX chain (fits a line of qubits, so it needs no swaps on heavy-hex)."""
    _check_range("GHZ num_qubits", num_qubits, 2, MAX_LIBRARY_QUBITS)
    circuit = QuantumCircuit(num_qubits, name=f"ghz_{num_qubits}")
    circuit.h(0)
    for qubit in range(num_qubits - 1):
        circuit.cx(qubit, qubit + 1)
    circuit.measure_all()
    outcomes = frozenset({"0" * num_qubits, "1" * num_qubits})
    return LibraryCircuit(f"GHZ({num_qubits})", circuit, outcomes, "CX chain; outcomes all-0 and all-1.")


def qft(num_qubits: int, value: int | None = None) -> LibraryCircuit:
    """The inverse QFT reading back a Fourier-encoded integer: the ideal outcome is ``value``.

    Qubit j is prepared in (|0⟩ + e^{2πi·value·2^j/2ⁿ}|1⟩)/√2, which is QFT|value⟩ in Qiskit's
    convention, then ``QFTGate(n).inverse()`` maps it to |value⟩. The transform's all-to-all
    controlled phases make this the routing-heavy benchmark. ``value`` defaults to 0b…0101.
    """
    _check_range("QFT num_qubits", num_qubits, 1, MAX_LIBRARY_QUBITS)
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
        f"QFT({num_qubits})", circuit, frozenset({answer}), f"Inverse QFT of a Fourier state; outcome {answer}."
    )


def grover(num_qubits: int, marked: str | None = None) -> LibraryCircuit:
    """Grover search for one marked bitstring with ⌊π/4·√(2ⁿ)⌋ iterations (ideal success ≥ 0.94 for n ≥ 3)."""
    _check_range("Grover num_qubits", num_qubits, 2, MAX_GROVER_QUBITS)
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
    _check_range("random Clifford num_qubits", num_qubits, 1, MAX_LIBRARY_QUBITS)
    _check_range("random Clifford depth", depth, 1, 1000)
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
        f"random Clifford({num_qubits}, depth {depth}, seed {seed})", circuit, None, "Random Clifford layers."
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
}
"""The library by display name; parameters are each function's keyword arguments."""


def parse_circuit(source: str) -> QuantumCircuit:
    """An OpenQASM 2 or 3 program (chosen by its ``OPENQASM`` header; 2 when absent) as a circuit.

    Raises ``CircuitParseError`` naming the line, column and what was expected.
    """
    text = source.lstrip("\ufeff")
    if not text.strip():
        raise CircuitParseError("the program is empty; paste an OpenQASM 2 or 3 program")
    version = _declared_version(text)
    if version.startswith("3"):
        return _parse_qasm3(text)
    try:
        return qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    except qasm2.QASM2ParseError as error:
        raise _qasm2_error(str(error).strip('"')) from None


def _declared_version(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        if stripped.upper().startswith("OPENQASM"):
            return stripped[len("OPENQASM") :].strip().rstrip(";").strip()
        return "2.0"
    return "2.0"


def _qasm2_error(message: str) -> CircuitParseError:
    """Qiskit writes '<input>:LINE,COLUMN: message' with a 0-based column."""
    location, _, detail = message.partition(": ")
    if location.startswith("<input>:") and "," in location:
        line, column = location.removeprefix("<input>:").split(",", 1)
        if line.isdigit() and column.isdigit():
            return CircuitParseError(detail, line=int(line), column=int(column) + 1)
    return CircuitParseError(message)


def _parse_qasm3(text: str) -> QuantumCircuit:
    try:
        return qasm3.loads(text)
    except qasm3.QASM3ImporterError as error:
        message = str(error).strip('"')
        location, _, detail = message.partition(": ")
        line, _, column = location.partition(",")
        if line.isdigit() and column.isdigit():
            raise CircuitParseError(detail, line=int(line), column=int(column) + 1) from None
        raise CircuitParseError(message) from None
    except QASM3ParsingError as error:
        raise _qasm3_syntax_error(error) from None


def _qasm3_syntax_error(error: QASM3ParsingError) -> CircuitParseError:
    """openqasm3 raises an empty QASM3ParsingError; the ANTLR exception behind it has the position."""
    if str(error):
        return _located(str(error))
    recognition = error.__cause__.args[0] if error.__cause__ is not None and error.__cause__.args else None
    token = getattr(recognition, "offendingToken", None)
    if token is None:
        return CircuitParseError("not a valid OpenQASM 3 program")
    message = f"unexpected {token.text!r}"
    expected = recognition.getExpectedTokens() if recognition.recognizer is not None else None
    if expected is not None:
        names = expected.toString(recognition.recognizer.literalNames, recognition.recognizer.symbolicNames)
        choices = [name.strip() for name in names.strip("{}").split(",")]
        message += "; expected " + ", ".join(choices[:6]) + (", …" if len(choices) > 6 else "")
    return CircuitParseError(message, line=token.line, column=token.column + 1)


def _located(message: str) -> CircuitParseError:
    """openqasm3's semantic errors read 'L3:C5: message' (column 0-based)."""
    location, _, detail = message.partition(": ")
    line, _, column = location.removeprefix("L").partition(":C")
    if line.isdigit() and column.isdigit():
        return CircuitParseError(detail, line=int(line), column=int(column) + 1)
    return CircuitParseError(message)


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
        raise ValueError(f"{what} must be an integer from {low} to {high}; got {value!r}")


def _check_bitstring(what: str, bits: str, length: int) -> None:
    if not isinstance(bits, str) or len(bits) != length or set(bits) - {"0", "1"}:
        raise ValueError(f"{what} must be a string of {length} characters 0/1; got {bits!r}")
