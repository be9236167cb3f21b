"""Library circuits named in text, as the command line and counts files name them: ``NAME[:ARG,...]``.

``bell``, ``ghz:8``, ``qft:4``, ``grover:3,011``, ``bernsteinvazirani:1011``,
``randomclifford:4,10,7``, ``mirror:3,4,1``, ``basisstate:0101``, ``teleportation``: the name is the
``CIRCUIT_LIBRARY`` display name in lower case without spaces or dashes, the arguments are the
function's positional parameters, typed by its signature (Grover's marked "011" stays text).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

from noise_core.errors import CircuitError
from noise_core.simulation.circuits import CIRCUIT_LIBRARY, LibraryCircuit

LIBRARY_BY_REFERENCE_NAME: dict[str, Callable[..., LibraryCircuit]] = {
    re.sub(r"[^a-z]", "", name.lower()): build for name, build in CIRCUIT_LIBRARY.items()
}
MAX_REFERENCE_CHARACTERS = 200
"""Longest reference read (a 156-bit basis state and its name fit)."""


def library_circuit(reference: str, *, max_qubits: int | None = None) -> LibraryCircuit:
    """The library circuit ``reference`` names (``ghz:8``), or ``CircuitError`` saying which names exist.

    ``max_qubits``: refuse a wider circuit before building it (its width is its first argument: a
    qubit count, or a bitstring's length).
    """
    if not isinstance(reference, str) or len(reference) > MAX_REFERENCE_CHARACTERS:
        raise CircuitError(f"a library circuit reference is text of at most {MAX_REFERENCE_CHARACTERS} characters")
    name, _colon, listed = reference.strip().partition(":")
    build = LIBRARY_BY_REFERENCE_NAME.get(name.lower())
    if build is None:
        known = ", ".join(sorted(LIBRARY_BY_REFERENCE_NAME))
        raise CircuitError(f"{reference!r:.60} is not a library circuit; the library has {known}")
    parameters = list(inspect.signature(build).parameters.values())
    texts = listed.split(",") if listed else []
    if len(texts) > len(parameters):
        raise CircuitError(f"{reference!r}: {name} takes at most {len(parameters)} arguments")
    values = [_argument(item.strip(), parameter) for item, parameter in zip(texts, parameters, strict=False)]
    width = len(values[0]) if values and isinstance(values[0], str) else values[0] if values else None
    if max_qubits is not None and isinstance(width, int) and width > max_qubits:
        raise CircuitError(f"{reference!r:.60} has {width} qubits; at most {max_qubits} here")
    try:
        return build(*values)
    except TypeError:
        needed = ", ".join(parameter.name for parameter in parameters)
        raise CircuitError(f"{reference!r}: {name} takes {needed}") from None


def _argument(text: str, parameter: inspect.Parameter) -> object:
    """A number where the parameter is an int, else the text itself."""
    if "int" in str(parameter.annotation):
        try:
            return int(text)
        except ValueError:
            raise CircuitError(f"{parameter.name} must be a whole number; got {text!r:.40}") from None
    return text
