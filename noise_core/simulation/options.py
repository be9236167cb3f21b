"""``RunOptions``: how a circuit runs on a device, in one frozen, checked value.

``simulate``, ``plan_simulation``, the analyses (``prepare_experiment``, ``error_budget``,
``sweep``) and the app's worker requests all take one ``RunOptions``; each also takes its fields as
keyword shortcuts (``simulate(circuit, spec, shots=100, seed=1)``), which build one
(``run_options``). The defaults live here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypedDict

import numpy as np

from noise_core.errors import SimulationError
from noise_core.simulation.methods import DEFAULT_LIMITS, Method, SimulationLimits, check_settings

DEFAULT_SHOTS = 4000
"""Shots when none are asked for: a probability near 0.5 is then known to ±0.008 (one standard error)."""
DEFAULT_LEVEL = 2
"""Qiskit's transpiler optimization level unless told otherwise."""
OPTIMIZATION_LEVELS = (0, 1, 2, 3)


class RunShortcuts(TypedDict, total=False):
    """``RunOptions``' fields as keywords, for the functions that take them as shortcuts."""

    shots: int
    seed: int | None
    method: Method
    optimization_level: int
    initial_layout: Sequence[int] | None
    limits: SimulationLimits
    expected_outcomes: Iterable[str] | None
    idle_noise: bool | None
    avoid_uncalibrated_couplers: bool


@dataclass(frozen=True)
class RunOptions:
    """How a circuit runs. Checked when made: a bad value raises ``SimulationError`` naming it.

    - ``shots``: 1 … ``limits.max_shots``.
    - ``seed`` (None: drawn from the operating system when the run starts, and reported in its
      result) reproduces the transpilation, the simulator's noise draws and the sampled counts.
    - ``method``: "auto" (``methods.choose_method``), "density_matrix", "trajectories", "stabilizer", or the
      approximate "twirled" and "matrix_product_state".
    - ``optimization_level`` (0–3) and ``initial_layout`` (the physical qubit of each circuit
      qubit, distinct): passed to Qiskit's ``transpile``.
    - ``limits``: memory, shot and speed limits (``SimulationLimits``).
    - ``expected_outcomes``: the success outcomes (bitstrings, clbit 0 last) of a circuit that does
      not know its own; a library circuit's are used when None.
    - ``idle_noise`` (None: on when the spec has time-bound noise, ``idle.TIME_BOUND_FIELDS``): schedule the
      circuit ALAP, relax and detune each qubit while it waits and let coupled pairs pick up their ZZ phase;
      False runs without those entries.
    - ``avoid_uncalibrated_couplers``: offer the transpiler no coupler whose two-qubit gate has no
      usable reported error (``target.build_target``).
    """

    shots: int = DEFAULT_SHOTS
    seed: int | None = None
    method: Method = "auto"
    optimization_level: int = DEFAULT_LEVEL
    initial_layout: tuple[int, ...] | None = None
    limits: SimulationLimits = DEFAULT_LIMITS
    expected_outcomes: frozenset[str] | None = None
    idle_noise: bool | None = None
    avoid_uncalibrated_couplers: bool = False

    def __post_init__(self) -> None:
        check_settings(self.shots, self.seed, self.method, self.limits)
        if isinstance(self.optimization_level, bool) or self.optimization_level not in OPTIMIZATION_LEVELS:
            raise SimulationError(f"optimization_level must be 0, 1, 2 or 3; got {self.optimization_level!r}")
        object.__setattr__(self, "initial_layout", checked_layout(self.initial_layout))
        object.__setattr__(self, "expected_outcomes", _checked_outcomes(self.expected_outcomes))

    def seeded(self) -> RunOptions:
        """These options with the seed fixed: drawn now when it is None (the run reports it)."""
        return self if self.seed is not None else replace(self, seed=drawn_seed())


def run_options(options: RunOptions | None = None, shortcuts: RunShortcuts | None = None) -> RunOptions:
    """``options`` (default ``RunOptions()``) with the keyword ``shortcuts`` replacing its fields, checked."""
    base = RunOptions() if options is None else options
    if not isinstance(base, RunOptions):
        raise SimulationError(f"options must be a RunOptions; got {type(base).__name__}")
    changes: dict[str, Any] = dict(shortcuts or {})  # a layout or outcomes of any iterable: __post_init__ converts
    return replace(base, **changes) if changes else base


def drawn_seed() -> int:
    """A fresh seed from the operating system's entropy, reported in the result so the run can be repeated."""
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0])


def checked_layout(layout: Iterable[int] | None) -> tuple[int, ...] | None:
    """The layout as a tuple of distinct non-negative integers (the transpiler checks them against the device)."""
    if layout is None:
        return None
    qubits = tuple(layout)
    if any(isinstance(q, bool) or not isinstance(q, int | np.integer) or q < 0 for q in qubits):
        raise SimulationError(f"initial_layout must list physical qubits (integers ≥ 0); got {list(qubits)!r:.80}")
    if len(set(qubits)) != len(qubits):
        raise SimulationError(f"initial_layout must list distinct physical qubits; got {list(qubits)!r:.80}")
    return tuple(int(q) for q in qubits)


def _checked_outcomes(outcomes: Iterable[str] | None) -> frozenset[str] | None:
    """At least one bitstring, all of one length (the circuit's clbit count is checked when it is placed)."""
    if outcomes is None:
        return None
    listed = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    bad = [o for o in listed if not isinstance(o, str) or not o or set(o) - {"0", "1"}]
    if not listed or bad or len({len(o) for o in listed}) > 1:
        shown = f"; got {bad[0]!r:.40}" if bad else ""
        raise SimulationError(f"expected outcomes must be one or more bitstrings of one length (clbit 0 last){shown}")
    return frozenset(listed)
