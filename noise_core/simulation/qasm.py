"""OpenQASM 2 and 3 text as a ``QuantumCircuit``, with errors that name the line and column."""

from __future__ import annotations

from openqasm3.parser import QASM3ParsingError
from qiskit import QuantumCircuit, qasm2, qasm3

from noise_core.errors import CircuitParseError
from noise_core.simulation.qasm_bounds import DEFAULT_QASM_LIMITS, QasmLimits, check_qasm_bounds


def parse_circuit(source: str, *, limits: QasmLimits = DEFAULT_QASM_LIMITS) -> QuantumCircuit:
    """An OpenQASM 2 or 3 program (chosen by its ``OPENQASM`` header; 2 when absent) as a circuit.

    The text is checked against ``limits`` first (``qasm_bounds``): only the standard include
    is accepted, and sizes and expansion are bounded. Raises ``CircuitParseError`` naming the
    line, column and what was expected, or the limit and the value.
    """
    text = source.lstrip("\ufeff")
    if not text.strip():
        raise CircuitParseError("the program is empty; paste an OpenQASM 2 or 3 program")
    version = _declared_version(text)
    check_qasm_bounds(text, version, limits)
    if version.startswith("3"):
        return _parse_qasm3(text)
    try:
        return qasm2.loads(text, include_path=(), custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
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
    if recognition is None or token is None:
        return CircuitParseError("not a valid OpenQASM 3 program")
    message = f"unexpected {token.text!r}"
    recognizer = getattr(recognition, "recognizer", None)
    if recognizer is not None:
        expected = recognition.getExpectedTokens().toString(recognizer.literalNames, recognizer.symbolicNames)
        choices = [name.strip() for name in expected.strip("{}").split(",")]
        message += "; expected " + ", ".join(choices[:6]) + (", …" if len(choices) > 6 else "")
    return CircuitParseError(message, line=token.line, column=token.column + 1)


def _located(message: str) -> CircuitParseError:
    """openqasm3's semantic errors read 'L3:C5: message' (column 0-based)."""
    location, _, detail = message.partition(": ")
    line, _, column = location.removeprefix("L").partition(":C")
    if line.isdigit() and column.isdigit():
        return CircuitParseError(detail, line=int(line), column=int(column) + 1)
    return CircuitParseError(message)
