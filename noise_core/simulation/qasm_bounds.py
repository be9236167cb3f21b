"""Bounds checked on OpenQASM text before a parser sees it: size, includes, registers, gate expansion.

A 50-byte program can declare 10⁸ qubits, and a 600-byte one can nest gate definitions that
expand to 2³⁰ instructions; a parser allocates or unrolls them before any later check could
refuse. An ``include`` makes the parser open a file on the server. These checks read the text
alone (comments removed, line numbers kept) and refuse with the limit and the value; no file is
opened and no file's content can reach a message.

The instruction count is an upper estimate: each gate call costs what its definition expands to
(standard gates cost 1), times the widest register it is broadcast over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from noise_core.errors import CircuitParseError


@dataclass(frozen=True)
class QasmLimits:
    """What an OpenQASM program may declare and expand to; each refusal names the field."""

    max_bytes: int = 2**20
    """Program text in UTF-8: 1 MiB, the dashboard uploader's own limit (a 1000-gate program is ~20 kB)."""
    max_qubits: int = 1_000
    """Qubits declared in all registers together (the largest device has 156)."""
    max_clbits: int = 10_000
    """Classical bits declared in all registers together."""
    max_gate_depth: int = 16
    """Nesting of gate definitions (a gate calling a gate calling …)."""
    max_instructions: int = 200_000
    """Instructions after expanding every gate definition and register broadcast."""


DEFAULT_QASM_LIMITS = QasmLimits()
STANDARD_INCLUDES = {"2": "qelib1.inc", "3": "stdgates.inc"}
"""The one file each OpenQASM version may include; both are built into Qiskit's parsers."""

_LINE_COMMENT = re.compile(r"//[^\n]*")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_INCLUDE = re.compile(r"\binclude\b")
_INCLUDE_STATEMENT = re.compile(r'\s*"([^"\n]*)"\s*;')
_REGISTER_2 = re.compile(r"\b(?P<kind>qreg|creg)\s+(?P<name>\w+)\s*\[\s*(?P<size>[^\]]*?)\s*\]")
_REGISTER_3 = re.compile(r"\b(?P<kind>qubit|bit)\s*\[\s*(?P<size>[^\]]*?)\s*\]\s*(?P<name>\w+)")
_SINGLE_3 = re.compile(r"\b(?P<kind>qubit|bit)\s+(?P<name>\w+)\s*[;=]")
_PHYSICAL_QUBIT = re.compile(r"\$(\d+)")
_GATE_DEFINITION = re.compile(r"\bgate\s+(\w+)[^{;]*\{([^{}]*)\}", re.S)
_CALL = re.compile(r"^\s*((?:(?:ctrl|negctrl|inv|pow)\s*(?:\([^)]*\))?\s*@\s*)*)(\w+)\s*(\([^)]*\))?(.*)$", re.S)
_POWER = re.compile(r"pow\s*\(\s*(\d+)\s*\)")
_CONDITION = re.compile(r"^\s*if\s*\([^)]*\)\s*", re.S)
_ASSIGNMENT = re.compile(r"^\s*\w+\s*(?:\[[^\]]*\])?\s*=(?!=)\s*")
_ARGUMENT = re.compile(r"^\s*(\w+)\s*(\[)?")
_NOT_GATES = frozenset(
    {"OPENQASM", "include", "qreg", "creg", "qubit", "bit", "opaque", "input", "output", "const", "let", "def"}
    | {"defcal", "cal", "extern", "int", "uint", "float", "angle", "bool", "duration", "stretch", "complex"}
    | {"array", "return", "break", "continue", "end", "box", "for", "while", "else", "switch", "case"}
)
_MAX_SIZE_DIGITS = 9


def check_qasm_bounds(text: str, version: str, limits: QasmLimits = DEFAULT_QASM_LIMITS) -> None:
    """Refuse ``text`` (OpenQASM ``version`` '2…' or '3…') when it breaks one of ``limits``."""
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        raise CircuitParseError(f"the program is {size:,} bytes; the limit is {limits.max_bytes:,} (max_bytes)")
    code = _without_comments(text)
    _check_includes(code, version[:1])
    registers = _register_sizes(code, limits)
    costs = _gate_costs(code, limits)
    total = _instruction_count(_GATE_DEFINITION.sub(" ", code), registers, costs)
    if total > limits.max_instructions:
        raise CircuitParseError(
            f"the program expands to {total:,} instructions; the limit is {limits.max_instructions:,} "
            "(max_instructions): use fewer repetitions or narrower registers"
        )


def _without_comments(text: str) -> str:
    """The text with // and /* */ comments blanked, newlines kept so line numbers still match."""
    text = _BLOCK_COMMENT.sub(lambda match: "\n" * match.group().count("\n"), text)
    return _LINE_COMMENT.sub("", text)


def _line_of(code: str, position: int) -> int:
    return code.count("\n", 0, position) + 1


def _check_includes(code: str, major_version: str) -> None:
    allowed = STANDARD_INCLUDES.get(major_version, STANDARD_INCLUDES["2"])
    for keyword in _INCLUDE.finditer(code):
        statement = _INCLUDE_STATEMENT.match(code, keyword.end())
        line = _line_of(code, keyword.start())
        if statement is None:
            raise CircuitParseError(f'an include is written include "{allowed}";', line=line)
        if statement.group(1) != allowed:
            raise CircuitParseError(
                f'include "{statement.group(1)}" is refused: only "{allowed}" can be included here '
                "(no file on the server is read); paste the gate definitions you need instead",
                line=line,
            )


def _register_sizes(code: str, limits: QasmLimits) -> dict[str, int]:
    """Declared register sizes by name; refuses non-literal sizes and totals over the limits."""
    sizes: dict[str, int] = {}
    totals = {"qubit": 0, "bit": 0}
    matches = [*_REGISTER_2.finditer(code), *_REGISTER_3.finditer(code), *_SINGLE_3.finditer(code)]
    for match in matches:
        written = match.groupdict().get("size") or "1"
        if not written.isdigit() or len(written) > _MAX_SIZE_DIGITS:
            raise CircuitParseError(
                f"register sizes must be whole numbers below 10^{_MAX_SIZE_DIGITS}; got [{written[:20]}]",
                line=_line_of(code, match.start()),
            )
        sizes[match.group("name")] = int(written)
        totals["qubit" if match.group("kind") in ("qreg", "qubit") else "bit"] += int(written)
    for physical in _PHYSICAL_QUBIT.finditer(code):
        totals["qubit"] = max(totals["qubit"], int(physical.group(1)[: _MAX_SIZE_DIGITS + 1]) + 1)
    for kind, limit, field in (("qubit", limits.max_qubits, "max_qubits"), ("bit", limits.max_clbits, "max_clbits")):
        if totals[kind] > limit:
            raise CircuitParseError(f"the program declares {totals[kind]:,} {kind}s; the limit is {limit:,} ({field})")
    return sizes


def _gate_costs(code: str, limits: QasmLimits) -> dict[str, tuple[int, int]]:
    """(instructions, nesting depth) of each gate definition, in order of definition."""
    costs: dict[str, tuple[int, int]] = {}
    for definition in _GATE_DEFINITION.finditer(code):
        name, body = definition.group(1), definition.group(2)
        cost, depth = 0, 0
        for statement in body.split(";"):
            call = _CALL.match(statement)
            if call is None or not statement.strip():
                continue
            callee_cost, callee_depth = costs.get(call.group(2), (1, 0))
            cost += callee_cost * _power(call.group(1))
            depth = max(depth, callee_depth)
        line = _line_of(code, definition.start())
        if depth + 1 > limits.max_gate_depth:
            raise CircuitParseError(
                f"gate {name!r} nests gate definitions {depth + 1} deep; the limit is {limits.max_gate_depth} "
                "(max_gate_depth)",
                line=line,
            )
        if cost > limits.max_instructions:
            raise CircuitParseError(
                f"gate {name!r} expands to {cost:,} instructions; the limit is {limits.max_instructions:,} "
                "(max_instructions)",
                line=line,
            )
        costs[name] = (cost, depth + 1)
    return costs


def _power(modifiers: str) -> int:
    """The repetition a ``pow(k) @`` modifier asks for (1 without one)."""
    repetition = 1
    for power in _POWER.finditer(modifiers):
        repetition *= int(power.group(1)[:_MAX_SIZE_DIGITS])
    return repetition


def _instruction_count(code: str, registers: dict[str, int], costs: dict[str, tuple[int, int]]) -> int:
    """Top-level instructions after expansion: each call's cost times the widest register it spans."""
    total = 0
    for statement in code.replace("{", ";").replace("}", ";").split(";"):
        call = _CALL.match(_ASSIGNMENT.sub("", _CONDITION.sub("", statement)))
        if call is None or call.group(2) in _NOT_GATES or not statement.strip():
            continue
        cost = costs.get(call.group(2), (1, 0))[0] * _power(call.group(1))
        broadcast = [
            registers.get(argument.group(1), 1)
            for part in call.group(4).replace("->", ",").split(",")
            if (argument := _ARGUMENT.match(part)) and argument.group(2) is None
        ]
        total += cost * max(broadcast, default=1)
    return total
