"""Library circuits named in text, as the command line and counts files name them: ``NAME[:ARG,...]``.

``bell``, ``ghz:8``, ``qft:4``, ``grover:3,011``, ``bernsteinvazirani:1011``,
``randomclifford:4,10,7``, ``mirror:3,4,1``, ``basisstate:0101``, ``teleportation``: the name is the
``CIRCUIT_LIBRARY`` display name in lower case without spaces or dashes, the arguments are the
function's positional parameters, typed by its signature (Grover's marked "011" stays text).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping

from noise_core.errors import CircuitError
from noise_core.simulation.circuits import CIRCUIT_LIBRARY, LibraryCircuit

REFERENCE_NAME_BY_NAME: dict[str, str] = {name: re.sub(r"[^a-z]", "", name.lower()) for name in CIRCUIT_LIBRARY}
"""'GHZ' → 'ghz', 'Bernstein–Vazirani' → 'bernsteinvazirani': each library entry's name in references."""
NAME_BY_REFERENCE_NAME = {key: name for name, key in REFERENCE_NAME_BY_NAME.items()}
MAX_REFERENCE_CHARACTERS = 200
"""Longest reference read (a 156-bit basis state and its name fit)."""


def library_circuit(reference: str, *, max_qubits: int | None = None) -> LibraryCircuit:
    """The library circuit ``reference`` names (``ghz:8``), or ``CircuitError`` saying which names exist.

    ``max_qubits``: refuse a wider circuit before building it (its width is its first argument: a
    qubit count, or a bitstring's length).
    """
    name, parameters = parse_reference(reference)
    width = next(iter(parameters.values()), None)
    width = len(width) if isinstance(width, str) else width
    if max_qubits is not None and isinstance(width, int) and width > max_qubits:
        raise CircuitError(f"{reference!r:.60} has {width} qubits; at most {max_qubits} here")
    return CIRCUIT_LIBRARY[name](**parameters)


def parse_reference(reference: str) -> tuple[str, dict[str, object]]:
    """The ``CIRCUIT_LIBRARY`` name and keyword parameters ``reference`` names: 'ghz:8' → ('GHZ', {'num_qubits': 8}).

    The parameters are typed by the function's signature and not range-checked (building the circuit does that).
    """
    if not isinstance(reference, str) or len(reference) > MAX_REFERENCE_CHARACTERS:
        raise CircuitError(f"a library circuit reference is text of at most {MAX_REFERENCE_CHARACTERS} characters")
    key, _colon, listed = reference.strip().partition(":")
    name = NAME_BY_REFERENCE_NAME.get(key.lower())
    if name is None:
        known = ", ".join(sorted(NAME_BY_REFERENCE_NAME))
        raise CircuitError(f"{reference!r:.60} is not a library circuit; the library has {known}")
    parameters = list(inspect.signature(CIRCUIT_LIBRARY[name]).parameters.values())
    texts = listed.split(",") if listed else []
    if len(texts) > len(parameters):
        raise CircuitError(f"{reference!r}: {key} takes at most {len(parameters)} arguments")
    needed = [p for p in parameters if p.default is inspect.Parameter.empty]
    if len(texts) < len(needed):
        raise CircuitError(f"{reference!r}: {key} takes {', '.join(p.name for p in parameters)}")
    return name, {p.name: _argument(text.strip(), p) for text, p in zip(texts, parameters, strict=False)}


def reference_of(name: str, parameters: Mapping[str, object]) -> str:
    """The text reference of library entry ``name`` with these keyword parameters (``parse_reference``'s inverse):
    ('GHZ', {'num_qubits': 8}) → 'ghz:8'. Parameters left out or None end the list."""
    signature = inspect.signature(CIRCUIT_LIBRARY[name]).parameters
    values = []
    for parameter in signature:
        if parameters.get(parameter) is None:
            break
        values.append(str(parameters[parameter]))
    key = REFERENCE_NAME_BY_NAME[name]
    return f"{key}:{','.join(values)}" if values else key


def _argument(text: str, parameter: inspect.Parameter) -> object:
    """A number where the parameter is an int, else the text itself."""
    if "int" in str(parameter.annotation):
        try:
            return int(text)
        except ValueError:
            raise CircuitError(f"{parameter.name} must be a whole number; got {text!r:.40}") from None
    return text
