"""Validation messages: a pydantic ``ValidationError`` as one ``FieldProblem`` per broken rule (path, rule, text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class FieldProblem:
    """One rule broken at one field, e.g. ``gate_pauli_errors[0].pauli_terms``."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def format_location(location: Sequence[str | int]) -> str:
    """``('qubits', 3, 1, 'value')`` → ``'qubits[3][1].value'``."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def describe_validation_error(error: ValidationError) -> list[FieldProblem]:
    """Every problem in ``error``; rules raised by model validators point at the exact sub-field."""
    problems = []
    for detail in error.errors(include_url=False):
        path = format_location(detail["loc"])
        field = (detail.get("ctx") or {}).get("field")
        if field:
            path = f"{path}.{field}" if path else field
        message = detail["msg"]
        if detail["type"] in _BUILTIN_RULES_WITHOUT_VALUE:
            message = f"{message}; got {detail['input']!r}"
        problems.append(FieldProblem(path=path, rule=detail["type"], message=message))
    return problems


_BUILTIN_RULES_WITHOUT_VALUE = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "finite_number",
        "float_type",
        "int_type",
        "string_type",
        "string_pattern_mismatch",
        "list_type",
        "bool_type",
        "too_short",
        "too_long",
        "extra_forbidden",
        "datetime_from_date_parsing",
        "datetime_parsing",
        "datetime_type",
        "model_type",
        "dict_type",
    }
)
"""Built-in pydantic errors whose message does not quote the offending value."""


MAX_PROBLEM_CHARS = 160
"""Longest message or path a problem with an untrusted document repeats; its content is never echoed beyond it."""
MAX_SHOWN_VALUE = 40
"""Longest value (as Python writes it) such a problem quotes; a longer one is described instead."""


def untrusted_problems(error: ValidationError, *, document: str) -> list[FieldProblem]:
    """The problems of an untrusted document (an upload), naming fields and rules; values only where short.

    An unknown key is named, not its content ("not a field of {document}"); a long value is described by
    its type and size; every path and message is cut at ``MAX_PROBLEM_CHARS``.
    """
    problems = []
    for detail, problem in zip(error.errors(include_url=False), describe_validation_error(error), strict=True):
        message = problem.message
        if detail["type"] == "extra_forbidden":
            message = f"not a field of {document} (extra inputs are not permitted)"
        elif "input" in detail and len(shown := repr(detail["input"])) > MAX_SHOWN_VALUE:
            message = message.replace(shown, _kind(detail["input"]))
        problems.append(FieldProblem(_clip(problem.path), problem.rule, _clip(message)))
    return problems


def _kind(value: object) -> str:
    """'an object with 7 keys', 'a list of 5 items', 'a text of 3000 characters': a value without its content."""
    if isinstance(value, dict):
        return f"an object with {len(value)} key{'s' * (len(value) != 1)}"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, str):
        return f"a text of {len(value)} characters"
    return f"a {type(value).__name__}"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 1] + "…"
