"""What a simulation will cost, before it runs: peak memory and seconds, per method.

The constants were fitted on this kind of machine (2 cores, Aer 0.18) to
``bench/bench_estimates.py``: GHZ(n) and QFT(n), n = 3…20, on ibm_pittsburgh's derived model
with 4000 shots; the bench prints estimate and measurement side by side. They are empirical
fits, within 3× of the measurements there, not a performance model of Aer.

Trajectories run with Aer's shot branching: shots share one statevector until a noise channel
picks a non-identity term, then branch. The number of distinct trajectories follows the chance
that a shot meets any error (``coverage.shot_error_probability``): light noise (GHZ on Heron,
3–4 % per shot) keeps ~150 branches of 4000 shots, dense noise (QFT(14), 50 %) ~2000.
"""

from __future__ import annotations

from itertools import pairwise

from noise_core.simulation.mps import MPS_PARALLEL_SHOTS

MiB = 2**20
GiB = 2**30

DENSITY_MATRIX_COPIES = 2
"""Density matrices Aer holds at once for the exact method (the state and a working copy)."""
BRANCH_STATES_PER_BRANCH = 1.5
"""Statevectors alive per expected branch at the peak: measured 1.0 (GHZ(20), 2.7 GiB), 1.3 (GHZ(18))
and 1.6 (QFT(14)); GHZ(24) held 23.6 GB when the kernel stopped it."""
PROCESS_OVERHEAD_BYTES = 128 * MiB
"""Memory a simulation adds besides its states (circuits, noise model, sampling)."""

RUN_OVERHEAD_SECONDS = {"density_matrix": 0.009, "trajectories": 0.14, "stabilizer": 0.1, "stim": 0.02, "mps": 0.1}
"""Fixed cost of one run: the ideal reference, readout, Aer's set-up."""
SECONDS_PER_INSTRUCTION = 4.3e-5
"""Density matrix: per instruction, whatever the width (noise application, Aer's dispatch)."""
DENSITY_MATRIX_SECONDS_PER_ELEMENT_OP = 1.8e-9
"""Density matrix: per (element × instruction). With the two constants above, a least-squares fit in log time to
GHZ(n) and QFT(n), n = 3…10: within 1.8× of each (GHZ(10) 0.14 s, 84 instructions; QFT(10) 2.8 s, 1151)."""
TRAJECTORY_SECONDS_PER_OP_BRANCH = 6.5e-7
"""Trajectories: per (instruction × branch), whatever the width (Aer's dispatch and noise sampling)."""
TRAJECTORY_SECONDS_PER_AMPLITUDE_OP_BRANCH = 2.1e-10
"""Trajectories: per (amplitude × instruction × branch), with gates fused (``run.TRAJECTORY_FUSION_THRESHOLD``).
With the two constants above, a least-squares fit in log time to GHZ(n) and QFT(n), n = 3…16, plus GHZ(18):
within 1.2× of each (GHZ(12) 0.21 s, 228 branches; QFT(12) 3.8 s, 2084 branches; QFT(16) 158 s; GHZ(18) 3.9 s)."""
STABILIZER_SECONDS_PER_QUBIT_OP_SHOT = 2e-8
"""Aer's stabilizer (a circuit measured mid-circuit): per (qubit × instruction × shot); GHZ(40) 0.5 s, 1000 shots."""
STIM_SECONDS_PER_INSTRUCTION = 2e-4
"""Stim (``pauli_circuit``): per instruction, writing the circuit (each placement's channel looked up, twirled)."""
STIM_SECONDS_PER_OP_SHOT = 1.5e-8
"""Stim: per (instruction × shot), its frame simulator."""
STIM_SECONDS_PER_BIT_SHOT = 4e-7
"""Stim: per (classical bit × shot), readout drawn per shot and the counts tallied. With the two constants above,
fitted to ``bench/bench_wide.py``'s GHZ(n) and mirror(n, depth 10), n = 20…150, 4000 shots, and GHZ(100) at
100,000 shots: within 2.5× of each."""
MPS_SECONDS_PER_OP_SHOT = 1.5e-5
"""MPS: per (instruction × shot) at bond dimension 2, one trajectory per shot on the machine's two cores; GHZ(20)
and GHZ(50) with 500 shots within 10 % (``bench/bench_wide.py``)."""
MPS_SECONDS_PER_BOND_CUBED = 1e-8
"""MPS: per (χ³ × cut spanned) of each two-qubit instruction and shot, its SVD and swaps, with χ the upper bound of
``mps.bond_bounds``. Not fitted: where bonds grow the bound is loose and the estimate with it (mirror(20, depth 10)
at optimization level 2: estimated 53,000 s, measured 187 s), so it errs towards refusing a run."""
MPS_STATE_COPIES = 3
"""MPS states alive at once per parallel shot (the state, a gate's working copy, the measured copy)."""


def statevector_bytes(num_qubits: int) -> int:
    """Memory of one complex128 statevector: 2ⁿ · 16 bytes."""
    return 16 << num_qubits  # 16·2ⁿ


def density_matrix_bytes(num_qubits: int) -> int:
    """Memory of one complex128 density matrix: 4ⁿ · 16 bytes."""
    return 16 << (2 * num_qubits)  # 16·4ⁿ


def expected_branches(shots: int, error_probability: float) -> int:
    """Distinct trajectories shot branching follows: the error-free one plus one per shot with an error.

    1 + shots·p on average, at most ``shots`` (p: the chance that a shot meets any error).
    """
    return min(shots, 1 + round(shots * error_probability))


def mps_state_bytes(bonds: tuple[int, ...]) -> int:
    """Memory of one MPS with these bond dimensions between its n sites: Σ 2·χ_left·χ_right complex128 entries."""
    edges = (1, *bonds, 1)
    return sum(2 * 16 * left * right for left, right in pairwise(edges))


def estimated_peak_bytes(
    method: str,
    width: int,
    shots: int,
    error_probability: float,
    bonds: tuple[int, ...] = (),
    *,
    sampler: str = "aer",
) -> int:
    """Memory a run of ``width`` active qubits needs at its peak, beyond the process's own. ``bonds``: the MPS
    bond dimension bounds (``mps.bond_bounds``), for ``matrix_product_state``; ``sampler`` as for
    ``estimated_seconds``."""
    if sampler == "stim":
        states = 16 * width * shots  # Stim's records and the shots' bits (a byte each), their labels
    elif method == "density_matrix":
        states = DENSITY_MATRIX_COPIES * density_matrix_bytes(width)
    elif method == "stabilizer":
        states = 8 * (2 * width) ** 2 * shots
    elif method == "matrix_product_state":
        states = MPS_PARALLEL_SHOTS * MPS_STATE_COPIES * mps_state_bytes(bonds) + 16 * width * shots
    else:
        branches = expected_branches(shots, error_probability)
        states = round(BRANCH_STATES_PER_BRANCH * branches * statevector_bytes(width))
    return PROCESS_OVERHEAD_BYTES + states


def estimated_seconds(
    method: str,
    width: int,
    operations: int,
    shots: int,
    error_probability: float,
    *,
    sampler: str = "aer",
    bond_work: float = 0.0,
    exact_ideal: bool = False,
) -> float:
    """Seconds of the simulation stages (ideal and noisy) on this kind of machine, from the constants above.

    ``sampler``: "stim" where the stabilizer or twirled run goes to Stim (``run.uses_stim``). ``bond_work``: for
    ``matrix_product_state``, Σ span·χ³ over its multi-qubit instructions (``mps.bond_work``). ``exact_ideal``: the
    ideal distribution comes from one statevector pass (``run.AerRun.ideal``), which Stim's runs pay on top."""
    if sampler == "stim":
        ideal = TRAJECTORY_SECONDS_PER_AMPLITUDE_OP_BRANCH * 2.0**width * operations if exact_ideal else 0.0
        return (
            ideal
            + RUN_OVERHEAD_SECONDS["stim"]
            + STIM_SECONDS_PER_INSTRUCTION * operations
            + STIM_SECONDS_PER_OP_SHOT * operations * shots
            + STIM_SECONDS_PER_BIT_SHOT * width * shots
        )
    overhead = RUN_OVERHEAD_SECONDS.get(method, RUN_OVERHEAD_SECONDS["trajectories"])
    if method == "density_matrix":
        return overhead + operations * (SECONDS_PER_INSTRUCTION + DENSITY_MATRIX_SECONDS_PER_ELEMENT_OP * 4.0**width)
    if method == "stabilizer":
        return overhead + STABILIZER_SECONDS_PER_QUBIT_OP_SHOT * width * operations * shots
    if method == "matrix_product_state":
        return RUN_OVERHEAD_SECONDS["mps"] + shots * (
            MPS_SECONDS_PER_OP_SHOT * operations + MPS_SECONDS_PER_BOND_CUBED * bond_work
        )
    per_operation = TRAJECTORY_SECONDS_PER_OP_BRANCH + TRAJECTORY_SECONDS_PER_AMPLITUDE_OP_BRANCH * 2.0**width
    return overhead + per_operation * operations * expected_branches(shots, error_probability)


TWIRL_MEASUREMENT_TRANSPILE_SECONDS = 0.2
"""Placing a twirled run's narrower copy on the device (``twirl_measurement.measure_twirl``)."""


def twirl_measurement_seconds(stand_in_width: int, width: int, operations: int) -> float:
    """A twirled run's measurement on a narrower copy: its transpile and two exact density-matrix runs (the model's,
    the twirled one's) of the operations scaled to ``stand_in_width`` qubits. Measured with GHZ(100) and
    mirror(100, depth 10) on ibm_pittsburgh: 0.24 s and 0.66 s (``bench/bench_wide.py``'s stages)."""
    narrow = min(stand_in_width, width)
    narrow_operations = round(operations * narrow / max(width, 1))
    return TWIRL_MEASUREMENT_TRANSPILE_SECONDS + 2 * estimated_seconds(
        "density_matrix", narrow, narrow_operations, 1, 0.0
    )
