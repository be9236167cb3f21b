"""Gate names the noise specification knows, and the depolarizing limits that follow from arity.

The arity table covers Qiskit's standard gate names (``qiskit.circuit.library``) and the
instructions found in IBM calibration snapshots. A gate name that is not listed is a custom
gate: its arity is taken from the entry that uses it and is not cross-checked.
"""

from __future__ import annotations

ONE_QUBIT_GATES: frozenset[str] = frozenset(
    {
        "id",
        "x",
        "y",
        "z",
        "h",
        "s",
        "sdg",
        "t",
        "tdg",
        "sx",
        "sxdg",
        "rx",
        "ry",
        "rz",
        "p",
        "r",
        "u",
        "u1",
        "u2",
        "u3",
        "measure",
        "reset",
        "delay",
    }
)
TWO_QUBIT_GATES: frozenset[str] = frozenset(
    {
        "cx",
        "cy",
        "cz",
        "ch",
        "cs",
        "csdg",
        "csx",
        "cp",
        "crx",
        "cry",
        "crz",
        "cu",
        "cu1",
        "cu3",
        "ecr",
        "swap",
        "iswap",
        "dcx",
        "rxx",
        "ryy",
        "rzz",
        "rzx",
        "xx_minus_yy",
        "xx_plus_yy",
    }
)
THREE_QUBIT_GATES: frozenset[str] = frozenset({"ccx", "ccz", "cswap", "rccx"})
NON_UNITARY_GATES: frozenset[str] = frozenset({"measure", "reset", "delay"})
"""Instructions that are not gates: IBM snapshots give them no gate_error (nor ``measure_2``, ``reset_2``)."""

_ARITY: dict[str, int] = {
    **dict.fromkeys(ONE_QUBIT_GATES, 1),
    **dict.fromkeys(TWO_QUBIT_GATES, 2),
    **dict.fromkeys(THREE_QUBIT_GATES, 3),
}


def known_gate_arity(gate: str) -> int | None:
    """Number of qubits a standard gate acts on, or ``None`` for a gate name we do not know."""
    return _ARITY.get(gate)


def instruction_family(name: str) -> str:
    """The instruction a snapshot entry is a variant of: 'measure_2' → 'measure', 'sx' → 'sx'."""
    return name.split("_")[0]


def is_non_unitary(name: str) -> bool:
    """True for measure, reset, delay and their numbered variants: no depolarizing error applies."""
    return instruction_family(name) in NON_UNITARY_GATES


def is_measurement(name: str) -> bool:
    """True for 'measure' and its variants such as Heron's 'measure_2'."""
    return instruction_family(name) == "measure"


def max_depolarizing_probability(num_qubits: int) -> float:
    """Largest physical depolarizing parameter λ on ``num_qubits`` qubits: 4ⁿ/(4ⁿ−1).

    At this λ the channel is the uniform mixture of the 4ⁿ−1 non-identity Paulis (process
    fidelity 0); it is the cap Aer's ``from_backend`` applies (``_device_depolarizing_error``).
    """
    return 1.0 / (1.0 - 4.0**-num_qubits)  # in floats: a typed n of 10¹² must not build a 4ⁿ integer


def depolarizing_error_limit(num_qubits: int) -> float:
    """Largest average gate error a depolarizing channel can reach: d/(d+1), d = 2ⁿ.

    Average gate fidelity F = (d·F_pro + 1)/(d + 1) is smallest at F_pro = 0, giving error
    d/(d+1): 2/3 for one qubit, 4/5 for two (Nielsen, Phys. Lett. A 303, 249 (2002)).
    """
    return 1.0 / (1.0 + 2.0**-num_qubits)
