"""Which method simulates a placed circuit, what it costs, and the limits that refuse it.

- ``density_matrix`` (exact) when 4ⁿ·16 bytes fits ``exact_budget_bytes`` and every measurement
  is terminal;
- ``stabilizer`` for Clifford circuits whose channels are all Pauli, at any width;
- ``trajectories`` (statevector, one noisy trajectory per shot) otherwise, within
  ``max_statevector_bytes`` and ``max_memory_bytes``;
- beyond those, approximately: ``twirled`` (the model Pauli-twirled, sampled with Stim: ``pauli_circuit``) for a
  Clifford circuit measured at the end, else ``matrix_product_state`` (Aer's MPS with the model, truncated as
  ``mps`` states).

Every refusal is a ``SimulationError`` naming the limit and what to change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from qiskit import QuantumCircuit

from noise_core.aer.channels import ChannelIndex
from noise_core.errors import SimulationError
from noise_core.simulation.cost import (
    GiB,
    MiB,
    density_matrix_bytes,
    estimated_peak_bytes,
    expected_branches,
    statevector_bytes,
)
from noise_core.simulation.crosstalk import zz_totals
from noise_core.simulation.idle import IdleEntries, delay_nanoseconds
from noise_core.simulation.mps import MPS_SETTINGS
from noise_core.simulation.placement import PlacedCircuit
from noise_core.spec.models import NoiseSpec

Method = Literal["auto", "density_matrix", "trajectories", "stabilizer", "twirled", "matrix_product_state"]
METHODS: tuple[str, ...] = get_args(Method)
"""The methods ``simulate`` accepts, "auto" first."""
APPROXIMATE_METHODS = frozenset({"twirled", "matrix_product_state"})
"""Methods whose result is not the model's distribution: each says what it approximated
(``SimulationResult.approximation``)."""


@dataclass(frozen=True)
class SimulationLimits:
    """Guardrails; every refusal names the limit and what to change."""

    max_shots: int = 1_000_000
    exact_budget_bytes: int = 64 * MiB
    """``auto`` uses the exact density matrix when 4ⁿ·16 bytes fits (n ≤ 11). Measured here with
    a Heron model: GHZ-11 0.99 s, GHZ-12 3.2 s exact, against 0.41 s sampled for GHZ-12."""
    max_density_matrix_bytes: int = 1 * GiB
    """``method="density_matrix"`` is refused beyond this (n ≤ 13)."""
    max_statevector_bytes: int = 256 * MiB
    """Trajectories and exact ideal probabilities need 2ⁿ·16 bytes (n ≤ 24)."""
    max_memory_bytes: int = 6 * GiB
    """A run whose estimated peak (``estimated_peak_bytes``) exceeds this is refused before it starts."""
    speed: tuple[tuple[str, float], ...] = ()
    """This machine's measured seconds per second of the cost model, by method ((method, factor), …; 1 where
    absent): the plan's ``estimated_seconds`` are the cost model's times these, so a machine slower or busier
    than the one the constants were fitted on is planned as it is. An app learns them from its recent runs."""

    def __post_init__(self) -> None:
        bad = [(method, factor) for method, factor in self.speed if not (math.isfinite(factor) and factor > 0)]
        if bad:
            raise SimulationError(
                f"speed factors must be finite and positive (seconds per estimated second); got {bad}"
            )

    def speed_of(self, method: str) -> float:
        """The factor on the cost model's estimate for ``method`` (1 when none was measured)."""
        return dict(self.speed).get(method, 1.0)


DEFAULT_LIMITS = SimulationLimits()


def check_memory(
    method: str,
    width: int,
    shots: int,
    error_probability: float,
    limits: SimulationLimits,
    bonds: tuple[int, ...] = (),
    *,
    sampler: str = "aer",
) -> None:
    """``SimulationError`` when the run's estimated peak (``cost.estimated_peak_bytes``, whose arguments these
    are) exceeds the limit."""
    peak = estimated_peak_bytes(method, width, shots, error_probability, bonds, sampler=sampler)
    if peak > limits.max_memory_bytes:
        branches = expected_branches(shots, error_probability)
        note = {
            "trajectories": f", ~{branches} branches of shot branching",
            "matrix_product_state": f", bonds up to {max(bonds, default=1)}",
        }.get(method, "")
        raise SimulationError(
            f"{method} on {width} active qubits would need about {format_bytes(peak)}{note} "
            f"(limit {format_bytes(limits.max_memory_bytes)}); use fewer shots or qubits"
        )


def choose_method(
    requested: str,
    placed: PlacedCircuit,
    spec: NoiseSpec,
    limits: SimulationLimits = DEFAULT_LIMITS,
    *,
    shots: int = 1,
    error_probability: float = 0.0,
) -> tuple[str, str]:
    """The method to run and why, or ``SimulationError`` when none fits the size limits.

    ``shots`` and ``error_probability`` (the chance a shot meets any error: ``coverage.shot_error_probability``)
    size the trajectory method's shot branching; where it would not fit ``max_memory_bytes``, ``auto`` goes on to
    the approximate methods."""
    width = len(placed.active_qubits)
    density_bytes = density_matrix_bytes(width)
    state_bytes = statevector_bytes(width)
    clifford_problem = stabilizer_problem(placed, spec)
    if requested == "density_matrix":
        if density_bytes > limits.max_density_matrix_bytes:
            raise SimulationError(
                f"a density matrix of {width} qubits needs {format_bytes(density_bytes)} "
                f"(limit {format_bytes(limits.max_density_matrix_bytes)}); "
                "use method='trajectories' or a narrower circuit"
            )
        _require_terminal(placed, "density_matrix")
        return "density_matrix", f"requested: exact density matrix of {width} qubits ({format_bytes(density_bytes)})"
    if requested == "stabilizer":
        if clifford_problem:
            raise SimulationError(
                f"method='stabilizer' needs a Clifford circuit with Pauli-only noise; {clifford_problem}"
            )
        return "stabilizer", f"requested: stabilizer method on {width} qubits"
    if requested == "twirled":
        problem = twirl_problem(placed)
        if problem:
            raise SimulationError(f"method='twirled' needs a Clifford circuit measured at the end; {problem}")
        return "twirled", f"requested: the model Pauli-twirled and sampled with Stim on {width} qubits"
    if requested == "matrix_product_state":
        return "matrix_product_state", f"requested: matrix-product state of {width} qubits ({MPS_SETTINGS})"
    if requested == "trajectories":
        _check_statevector(width, state_bytes, limits)
        return "trajectories", f"requested: sampled statevector trajectories of {width} qubits"
    return _automatic(
        placed, clifford_problem, limits, estimated_peak_bytes("trajectories", width, shots, error_probability)
    )


def _automatic(
    placed: PlacedCircuit, clifford_problem: str | None, limits: SimulationLimits, trajectory_bytes: int
) -> tuple[str, str]:
    """``auto``'s choice: exact while the density matrix fits the exact budget; the stabilizer method for a Clifford
    circuit under Pauli noise, and trajectories for the rest, while they fit; beyond, approximate."""
    width = len(placed.active_qubits)
    density_bytes, state_bytes = density_matrix_bytes(width), statevector_bytes(width)
    if placed.terminal and density_bytes <= limits.exact_budget_bytes:
        return "density_matrix", (
            f"{width} active qubits: the {format_bytes(density_bytes)} density matrix fits the "
            f"{format_bytes(limits.exact_budget_bytes)} exact budget, so probabilities are exact"
        )
    trajectories_fit = state_bytes <= limits.max_statevector_bytes and trajectory_bytes <= limits.max_memory_bytes
    if not clifford_problem and not trajectories_fit:
        return "stabilizer", f"{width} active qubits, Clifford gates and Pauli-only noise: stabilizer method"
    if trajectories_fit:
        why = (
            "measurements mid-circuit"
            if not placed.terminal
            else f"{format_bytes(density_bytes)} exceeds the exact budget"
        )
        return "trajectories", f"{width} active qubits ({why}): sampled statevector trajectories"
    too_big = (
        f"{width} active qubits: a statevector needs {format_bytes(state_bytes)}"
        if state_bytes > limits.max_statevector_bytes
        else f"{width} active qubits: trajectories would need about {format_bytes(trajectory_bytes)}"
    )
    if not twirl_problem(placed):
        return "twirled", (
            f"{too_big}, over the limit; Clifford gates measured at the end, so the model is Pauli-twirled "
            f"({clifford_problem}) and sampled with Stim: approximate"
        )
    return "matrix_product_state", f"{too_big}, over the limit: a matrix-product state ({MPS_SETTINGS}): approximate"


def exact_ideal(placed: PlacedCircuit, limits: SimulationLimits) -> bool:
    """Whether the ideal distribution is computed exactly, from one statevector pass: every measurement at the end
    and the statevector within ``max_statevector_bytes``, except a Clifford circuit of more than
    ``EXACT_IDEAL_CLIFFORD_QUBITS``, which Stim samples (a 2ⁿ pass and its probabilities would cost more memory and
    time than its twirled run). Otherwise the ideal is sampled (``run.AerRun.ideal``)."""
    width = len(placed.active_qubits)
    if not placed.terminal or statevector_bytes(width) > limits.max_statevector_bytes:
        return False
    return width <= EXACT_IDEAL_CLIFFORD_QUBITS or non_clifford_gate(placed.compact, on_stim=True) is not None


EXACT_IDEAL_CLIFFORD_QUBITS = 16
"""Widest Clifford circuit whose ideal distribution comes from a statevector (1 MiB) rather than Stim."""


def uses_stim(method: str, placed: PlacedCircuit) -> bool:
    """Whether ``method`` runs on Stim here: the stabilizer and twirled methods do for a circuit measured at the end
    (about 90× Aer's stabilizer on GHZ(100): ``bench/bench_wide.py``); Aer's stabilizer takes the others."""
    return method in {"stabilizer", "twirled"} and placed.terminal


def twirl_problem(placed: PlacedCircuit) -> str | None:
    """Why the twirled method cannot run ``placed`` (a non-Clifford gate, a measurement mid-circuit), or None."""
    problem = non_clifford_gate(placed.compact, on_stim=True)
    if problem is None and not placed.terminal:
        problem = "it measures mid-circuit, and Stim's shots are read out at the end"
    return problem


def check_settings(shots: int, seed: int | None, method: str, limits: SimulationLimits) -> None:
    """``SimulationError`` for shots outside 1…``max_shots``, a seed that is not a non-negative integer,
    or an unknown method."""
    if isinstance(shots, bool) or not isinstance(shots, int | np.integer) or not 1 <= shots <= limits.max_shots:
        raise SimulationError(f"shots must be an integer from 1 to {limits.max_shots:,}; got {shots!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
        raise SimulationError(f"seed must be a non-negative integer or None; got {seed!r}")
    if method not in METHODS:
        raise SimulationError(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def _require_terminal(placed: PlacedCircuit, method: str) -> None:
    if not placed.terminal:
        raise SimulationError(
            f"method={method!r} needs every measurement at the end of the circuit; "
            "use method='trajectories' for mid-circuit measurements"
        )


def _check_statevector(width: int, size: int, limits: SimulationLimits) -> None:
    if size > limits.max_statevector_bytes:
        raise SimulationError(
            f"the circuit is active on {width} qubits: a statevector needs {format_bytes(size)}, over the "
            f"{format_bytes(limits.max_statevector_bytes)} limit; use fewer qubits, or method 'auto', which runs "
            "wide circuits approximately (twirled or matrix_product_state)"
        )


_STABILIZER_GATES = frozenset(
    {
        "cx",
        "cy",
        "cz",
        "ecr",
        "swap",
        "h",
        "id",
        "s",
        "sdg",
        "sx",
        "sxdg",
        "x",
        "y",
        "z",
        "rz",
        "delay",
        "reset",
        "measure",
    }
)


def stabilizer_problem(placed: PlacedCircuit, spec: NoiseSpec | None) -> str | None:
    """Why the stabilizer method cannot run this circuit (under ``spec``), or None if it can: on Stim (measured at
    the end, ``uses_stim``) rxx and rzz at quarter turns too."""
    problem = non_clifford_gate(placed.compact, on_stim=placed.terminal)
    if problem is not None or spec is None:
        return problem
    channels = ChannelIndex.of(spec)
    for name, physical in {
        (item.operation.name, tuple(placed.active_qubits[placed.compact.find_bit(q).index] for q in item.qubits))
        for item in placed.compact.data
    }:
        channel = channels.placement(name, physical).channel
        if channel is not None and not channel.is_pauli:
            kind = "a coherent error" if channel.coherent is not None else "thermal relaxation"
            return f"{name} on {list(physical)} has {kind}, which is not a Pauli channel"
    idle = IdleEntries.of(spec)
    for item in placed.compact.data:
        if item.operation.name != "delay":
            continue
        qubit = placed.active_qubits[placed.compact.find_bit(item.qubits[0]).index]
        channel = idle.channel(qubit, delay_nanoseconds(item.operation))
        if channel is not None:
            what = "relaxes" if channel.relaxations[0] is not None else "turns (detuning)"
            return f"qubit {qubit} {what} while idle, which is not a Pauli channel"
    return _crosstalk_problem(placed, spec)


def _crosstalk_problem(placed: PlacedCircuit, spec: NoiseSpec) -> str | None:
    """ZZ crosstalk turns a pair by angles that are not multiples of π/2 (``simulation.crosstalk``)."""
    totals = zz_totals(placed, spec)
    if not totals:
        return None
    pair, (phase, _nanoseconds) = next(iter(totals.items()))
    return f"qubits {list(pair)} pick up a ZZ crosstalk phase ({phase:.3g} rad in all), which is not a Clifford gate"


def non_clifford_gate(circuit: QuantumCircuit, *, on_stim: bool = False) -> str | None:
    """The first instruction the stabilizer method cannot run, described; None if all are Clifford.

    ``on_stim``: for Stim, which also runs ``rxx`` and ``rzz`` at multiples of π/2 (IonQ's MS gate is ``rxx(π/2)``);
    Aer's stabilizer method has no such gates.
    """
    gates = _STABILIZER_GATES | STIM_ROTATIONS if on_stim else _STABILIZER_GATES
    for item in circuit.data:
        name = item.operation.name
        if name == "barrier":
            continue
        if name not in gates:
            return f"{name!r} is not a Clifford gate the stabilizer method supports"
        if name in QUARTER_TURN_GATES and not _is_quarter_turn(float(item.operation.params[0])):
            return f"{name}({item.operation.params[0]:.4g}) is not a multiple of π/2"
    return None


STIM_ROTATIONS = frozenset({"rxx", "rzz"})
"""Rotations Stim runs at multiples of π/2 (``pauli_circuit``) and Aer's stabilizer method does not."""
QUARTER_TURN_GATES = STIM_ROTATIONS | {"rz"}


def transpile_level(
    logical: QuantumCircuit, requested_level: int, method: str, limits: SimulationLimits
) -> tuple[int, str]:
    """The optimization level to use, and a note when it was lowered.

    Level 2 resynthesizes two-qubit blocks with arbitrary rz angles: the result is still
    Clifford as a whole but no longer gate by gate, which the stabilizer and twirled methods need. So a
    Clifford circuit that may be headed for them is transpiled at level ≤ 1: with those methods, or with
    ``auto`` beyond the exact budget (where the trajectories' memory, known only after placing, may send it
    on; mirror(20) at level 2 went to the MPS method and took 187 s where Stim took 0.2).
    """
    wants_stabilizer = method in {"stabilizer", "twirled"} or (
        method == "auto" and density_matrix_bytes(logical.num_qubits) > limits.exact_budget_bytes
    )
    if requested_level <= 1 or not wants_stabilizer or non_clifford_gate(logical) is not None:
        return requested_level, ""
    return 1, " (transpiled at optimization level 1 to keep the Clifford gates)"


def snapped_quarter_turns(circuit: QuantumCircuit) -> QuantumCircuit:
    """``circuit`` with each rz angle within 1e-9 of a multiple of π/2 set to it exactly. The transpiler writes such
    angles a few ULPs off (rz(−1.5707963267948974) in mirror(100) on ibm_pittsburgh), and Aer 0.18's stabilizer
    method refuses them ("invalid parameters"); ``non_clifford_gate`` counts them as Clifford."""
    snapped = circuit.copy_empty_like()
    for item in circuit.data:
        angle = float(item.operation.params[0]) if item.operation.name == "rz" else 0.0
        if item.operation.name == "rz" and _is_quarter_turn(angle):
            snapped.rz(round(angle / (math.pi / 2)) * (math.pi / 2), item.qubits[0])
        else:
            snapped._append(item)
    return snapped


def _is_quarter_turn(angle: float) -> bool:
    turns = angle / (math.pi / 2)
    return abs(turns - round(turns)) < 1e-9


def format_bytes(num_bytes: float) -> str:
    """A size in the largest binary unit that keeps it at least 1, three significant digits: '64 MiB'."""
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", 2**10)):
        if num_bytes >= scale:
            return f"{num_bytes / scale:.3g} {unit}"
    return f"{num_bytes:.0f} B"
