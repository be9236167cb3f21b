"""Characterization circuits: what pins each per-location parameter (``locations``) of a plan's qubits.

The plan's qubits are split by their position in the list into two colours, even and odd: on a connected path
every coupler joins the two, so one colour can be probed while the other is held in |0⟩ or |1⟩. Virtual qubit i
runs on the plan's i-th qubit; each circuit measures every qubit.

| circuit                        | on one colour (the other held)          | pins                                  |
|--------------------------------|-----------------------------------------|---------------------------------------|
| ``ramsey_even_2016ns`` (8064)  | sx, wait t, RZ(π/2), sx; others in |0⟩  | detuning δ: P(1) = ½(1 − sin 2πδt·D)  |
| ``cramsey_even_2016ns`` (…)    | the same, the others in |1⟩ first        | ZZ ξ of each coupler: δ → δ + Σξ       |
| ``echo_even``                  | sx, t/2, x, t/2, sx: frame refocused     | relaxation: P(1) = ½(1 − D)           |
| ``sx_5``, ``sx_21``            | N sx on every qubit, barriers between    | over-rotation ε: P(1) = ½(1 + sin Nε) |
| ``cz_even_0_held1_x8`` (…)     | one end: sx, N cz, RZ(π/2), sx; the      | cz phases: P(1) = ½(1 − sin N(φ ± ε)) |
|                                | coupler's other end in |0⟩ or |1⟩        |                                       |
| ``readout_alternating_0/1``    | |0101…⟩, |1010…⟩ (with |0…0⟩, |1…1⟩)     | correlated readout of each pair       |

D = e^(−t/T2) is the decay over the wait (sx·x·sx is the identity up to phase: the echo ends in |0⟩).
The repeated-cz circuits run on each layer of the plan's couplers in turn (pairs from even, then odd positions:
no qubit in two couplers at once), probing one end of each while the other is held in |0⟩ or |1⟩ (``PROBES``). N cz
with N even are the identity, with the held end in |1⟩ too (Zᴺ = 1), so the probed end keeps only the errors'
phase: its local phase φ (``zphase``) plus the conditional phase ε (``cphase``: RZZ(ε) is RZ(±ε) on the probed end
as the held one is |0⟩ or |1⟩) per gate, and the idle detuning and ZZ over the gates' time, which the Ramsey
circuits pin. The two held states separate φ from ε. This is what a cz does; on a device whose two-qubit gate is
another (cx, ecr), each cz is transpiled into it and the fit takes whatever the compiled circuit does:
``FitPlan.precision(parameters=[...])`` says what that pins.
The barriers keep the transpiler from merging the sx gates and the scheduler from moving gates across a wait;
N ≡ 1 mod 4 ends each qubit on the equator, where the slope in ε is largest.

Waits and depths (their first-order sensitivities, the slopes above, where the sign of the value shows):

- Ramsey waits ``SHORT_WAIT_NS`` = 2 µs: a phase 2πδt stays within ±π/2 for |δ| < 1/(4t) = 125 kHz, beyond the
  ±100 kHz a fit searches, so the short wait says which fringe; the long wait (4× that, at most T2/2 of the
  colour's qubits, T2 from the calibration) sharpens it 4×.
- Echo wait 0.8·T2 (median of the colour's qubits): the information on a factor k on 1/T2 in P = ½(1 − e^{−kt/T2}),
  ∝ x²/(e^{2x} − 1) with x = t/T2, is largest at x = 1 − e^{−2x}, x ≈ 0.80.
- Amplification N = 5 and 21: N·ε stays within ±π/2 for |ε| < 0.31 rad (the ±0.3 rad searched) at N = 5, and the
  slope is 21× one gate's at N = 21 (|ε| < 0.075 rad on that fringe).
- Repeated cz N = 2 and 8: N·(φ ± ε) stays within ±π/2 while |φ ± ε| < 0.79 rad at N = 2 (φ and ε each within the
  ±0.3 rad searched), and the slope is 4× that at N = 8.

T2 is the one the derivation uses (``checks.effective_t2``: capped at 2·T1, 2·T1 when not reported); a qubit
with neither T1 nor T2 counts as never decaying (the long wait is 4 short ones, the echo ``UNKNOWN_T2_NS``).
Waits are whole multiples of ``WAIT_GRANULARITY_NS`` (16 samples of 2/9 ns, IBM's delay alignment). Whether the
plan pins every parameter at a number of shots is checked with the Fisher information of the plan's own
distributions (``planning.FitPlan.precision``).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence

from qiskit import QuantumCircuit

from noise_core.calibration.checks import effective_t2, usable_value
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.simulation.circuits import LibraryCircuit, basis_state

SHORT_WAIT_NS = 2016
"""The short Ramsey wait: 2 µs rounded to ``WAIT_GRANULARITY_NS`` (module docstring)."""
LONG_WAIT_FACTOR = 4
"""The long Ramsey wait is this many short ones, at most half the shortest T2 of the colour."""
ECHO_WAIT_PER_T2 = 0.8
"""The echo's total wait in units of the colour's median T2 (module docstring)."""
AMPLIFIED_SX = (5, 21)
"""Numbers of sx in the amplification circuits (≡ 1 mod 4: the state ends on the equator)."""
REPEATED_CZ = (2, 8)
"""Numbers of cz in the repeated-cz circuits (even: the identity without errors)."""
PROBES = ((0, "0"), (0, "1"), (1, "0"))
"""(probed end, held end's state) of the repeated-cz circuits: φ₀ + ε, φ₀ − ε, φ₁ + ε pin φ₀, φ₁ and ε, and a plan
stays within the 32 circuits a counts file holds (``counts.MAX_EXPERIMENTS``)."""
UNKNOWN_T2_NS = 100_000.0
"""The T2 the echo wait assumes when no qubit of a colour has T1 or T2 (a typical transmon's, 100 µs)."""
WAIT_GRANULARITY_NS = 32
"""Waits are multiples of this: 16 samples of 2/9 ns, the alignment IBM devices require of a delay."""


def characterization_circuits(
    calibration: BackendCalibration, qubits: Sequence[int]
) -> list[tuple[str, LibraryCircuit, str]]:
    """(name, circuit, what it pins) of the circuits above on ``qubits`` (virtual i on ``qubits[i]``)."""
    width = len(qubits)
    colours = {"even": list(range(0, width, 2)), "odd": list(range(1, width, 2))}
    planned: list[tuple[str, LibraryCircuit, str]] = []
    for colour, probed in colours.items():
        if not probed:
            continue
        held = [position for position in range(width) if position not in probed]
        t2 = [_t2_ns(calibration, qubits[position]) for position in probed]
        short = SHORT_WAIT_NS
        known = [value for value in t2 if value is not None]
        long = max(short, _aligned(min([LONG_WAIT_FACTOR * short, *(value / 2 for value in known)])))
        on = [qubits[p] for p in probed]
        for wait in dict.fromkeys((short, long)):
            planned.append(
                (
                    f"ramsey_{colour}_{wait}ns",
                    _ramsey(width, probed, wait, excited=()),
                    f"Ramsey on qubits {on} ({wait} ns): their detuning",
                )
            )
            if held:
                planned.append(
                    (
                        f"cramsey_{colour}_{wait}ns",
                        _ramsey(width, probed, wait, excited=held),
                        f"Ramsey on qubits {on} ({wait} ns), the others in |1⟩: ZZ of each coupler",
                    )
                )
        typical = statistics.median(known) if known else UNKNOWN_T2_NS
        echo = _aligned(ECHO_WAIT_PER_T2 * typical, granularity=2 * WAIT_GRANULARITY_NS)
        planned.append((f"echo_{colour}", _echo(width, probed, echo), f"Hahn echo on qubits {on} ({echo} ns): T2"))
    for repetitions in AMPLIFIED_SX:
        planned.append(
            (f"sx_{repetitions}", _amplified(width, repetitions), f"{repetitions} sx on every qubit: over-rotation")
        )
    planned += _cz_phase_circuits(calibration, qubits)
    if width > 1:
        for start in "01":
            state = "".join(start if i % 2 == 0 else str(1 - int(start)) for i in range(width))
            planned.append(
                (
                    f"readout_alternating_{start}",
                    basis_state(state),
                    f"prepares |{state}⟩: with |0…0⟩ and |1…1⟩, correlated readout of each pair",
                )
            )
    return planned


def _cz_phase_circuits(calibration: BackendCalibration, qubits: Sequence[int]) -> list[tuple[str, LibraryCircuit, str]]:
    """The repeated-cz circuits (module docstring) on each layer of the plan's coupled neighbours."""
    coupled = {frozenset(pair) for _gate, pair, _properties in calibration.gate_entries() if len(pair) == 2}
    planned = []
    for layer, first in (("even", 0), ("odd", 1)):
        couplers = [(i, i + 1) for i in range(first, len(qubits) - 1, 2) if {qubits[i], qubits[i + 1]} in coupled]
        for (end, held), repetitions in itertools.product(PROBES, REPEATED_CZ) if couplers else ():
            probed = [qubits[pair[end]] for pair in couplers]
            planned.append(
                (
                    f"cz_{layer}_{end}_held{held}_x{repetitions}",
                    _repeated_cz(len(qubits), couplers, end, held == "1", repetitions),
                    f"{repetitions} cz on couplers {[[qubits[a], qubits[b]] for a, b in couplers]}, qubits {probed} "
                    f"probed, the others in |{held}⟩: cz local and conditional phases",
                )
            )
    return planned


def _t2_ns(calibration: BackendCalibration, qubit: int) -> float | None:
    """The qubit's T2 in ns as the derivation takes it (``effective_t2``), or None when it never decays."""
    properties = calibration.qubit_property(qubit)
    t2 = effective_t2(usable_value(properties, "T1"), usable_value(properties, "T2"))
    return None if t2 is None else t2 * 1e9


def _aligned(nanoseconds: float, granularity: int = WAIT_GRANULARITY_NS) -> int:
    """``nanoseconds`` rounded down to a multiple of ``granularity`` (at least one)."""
    return max(granularity, granularity * math.floor(nanoseconds / granularity))


def _ramsey(width: int, probed: Sequence[int], wait_ns: int, *, excited: Sequence[int]) -> LibraryCircuit:
    circuit = QuantumCircuit(width, name="ramsey")
    for position in excited:
        circuit.x(position)
    circuit.sx(probed)
    circuit.barrier()  # the scheduler keeps the first sx (and the x) before the wait
    circuit.delay(wait_ns, probed, unit="ns")
    circuit.barrier()
    circuit.rz(math.pi / 2, probed)
    circuit.sx(probed)
    circuit.measure_all()
    return LibraryCircuit(f"Ramsey {wait_ns} ns", circuit, None, "sx, wait, RZ(π/2), sx")


def _echo(width: int, probed: Sequence[int], wait_ns: int) -> LibraryCircuit:
    circuit = QuantumCircuit(width, name="echo")
    circuit.sx(probed)
    for step in (0, 1):
        circuit.barrier()
        circuit.delay(wait_ns // 2, probed, unit="ns")
        circuit.barrier()
        if step == 0:
            circuit.x(probed)
    circuit.sx(probed)
    circuit.measure_all()
    return LibraryCircuit(f"echo {wait_ns} ns", circuit, None, "sx, half the wait, x, half the wait, sx")


def _amplified(width: int, repetitions: int) -> LibraryCircuit:
    circuit = QuantumCircuit(width, name=f"sx_{repetitions}")
    for index in range(repetitions):
        if index:
            circuit.barrier()  # keeps the transpiler from merging the sx gates into one
        circuit.sx(range(width))
    circuit.measure_all()
    return LibraryCircuit(f"{repetitions} sx", circuit, None, "repeated sx: amplified over-rotation")


def _repeated_cz(
    width: int, couplers: Sequence[tuple[int, int]], end: int, excited: bool, repetitions: int
) -> LibraryCircuit:
    circuit = QuantumCircuit(width, name=f"cz_{repetitions}")
    probed = [pair[end] for pair in couplers]
    if excited:
        circuit.x([pair[1 - end] for pair in couplers])
    circuit.sx(probed)
    for _ in range(repetitions):
        circuit.barrier()  # keeps the transpiler from cancelling the cz pairs
        for a, b in couplers:
            circuit.cz(a, b)
    circuit.barrier()
    circuit.rz(math.pi / 2, probed)
    circuit.sx(probed)
    circuit.measure_all()
    return LibraryCircuit(f"{repetitions} cz", circuit, None, "sx, repeated cz, RZ(π/2), sx: amplified cz phases")
