"""Which transpiled instructions received which noise, and which received none.

Aer applies an error only when the instruction's name and qubits match an entry exactly; an
instruction the model does not name runs noiselessly without a word (qiskit-aer issue 2312).
This report resolves every instruction of the physical circuit against the spec the same way
``noise_core.aer.build_noise_model`` does, so a gap is visible before anyone reads a histogram.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd
from qiskit import QuantumCircuit
from qiskit.circuit import ControlFlowOp, Instruction

from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.calibration.checks import usable_value
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import PropertyNotFoundError
from noise_core.simulation.idle import IdleEntries, delay_nanoseconds
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import assignment_matrix, readout_group

COVERAGE_COLUMNS = [
    "instruction", "qubits", "count", "source", "channels", "infidelity", "reported_error", "idle_ns",
]  # fmt: skip
"""``source``: 'qubit-specific', 'all-qubit', 'global readout', 'correlated readout', 'idle', 'crosstalk' or
'none'. ``infidelity``: 1 − process fidelity of the gate channel; for ``measure``, the mean assignment error
(P(1|0) + P(0|1))/2; for ``delay``, of the idle relaxation over the mean idle period.
``reported_error``: the calibration's ``gate_error`` (``readout_error`` for measure) of that
placement, NaN without a calibration or entry, or when the gate_error is not usable (missing, NaN or
negative: the derivation treats it as missing, see ``uncalibrated_couplers``). ``idle_ns``: for
``delay``, the qubit's total idle time in ns (NaN for other instructions).

A pair with ZZ crosstalk gets a row of its own: instruction 'zz', the pair, count 1 (its phases over the
schedule, ``simulation.crosstalk``, add up to one), source 'crosstalk', the total phase Φ in the channels, infidelity
1 − |Tr U|²/16 = 3·(1 − cos Φ)/8 of U = diag(1, 1, 1, e^{−iΦ}), and in ``idle_ns`` the time it acted."""

ZZ_INSTRUCTION = "zz"
"""The coverage row of a pair's ZZ crosstalk (not a gate: the phase its qubits pick up over the schedule)."""

NOISELESS_BY_DESIGN = frozenset({"delay"})
"""Instructions that need no channel of their own to be covered: a delay is noiseless without idle entries."""


def noise_coverage(
    circuit: QuantumCircuit,
    spec: NoiseSpec,
    calibration: BackendCalibration | None = None,
    *,
    physical: tuple[int, ...] | None = None,
    crosstalk: Mapping[tuple[int, int], tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """One row per (instruction, physical qubits) of ``circuit`` (inside ``if_else``/``switch`` blocks too), with its
    count and noise.

    ``physical``: the physical qubit of each circuit qubit (a compact circuit's ``active_qubits``);
    default, circuit qubit i is physical qubit i. ``crosstalk``: each pair's ZZ phase (rad) and time (ns)
    (``crosstalk.zz_totals``), a row each.
    """
    qubit_index = {bit: index if physical is None else physical[index] for index, bit in enumerate(circuit.qubits)}
    flat = list(_flattened(circuit, qubit_index))
    occurrences = Counter((operation.name, qubits) for operation, qubits in flat if operation.name != "barrier")
    idle_ns: dict[int, float] = {}
    for operation, qubits in flat:
        if operation.name == "delay":
            idle_ns[qubits[0]] = idle_ns.get(qubits[0], 0.0) + delay_nanoseconds(operation)
    idle = IdleEntries.of(spec)
    channels = ChannelIndex.of(spec)
    local_readout = {entry.qubit for entry in spec.local_readout_errors}
    rows = []
    for (name, qubits), count in sorted(occurrences.items()):
        if name == "delay":
            total = idle_ns[qubits[0]]
            channel = idle.channel(qubits[0], total / count)
            fidelity = 1.0 if channel is None else channel.process_fidelity()
            rows.append(
                [name, str(qubits[0]), count, "idle" if channel else "none", _idle_kinds(channel),
                 1.0 - fidelity, math.nan, total]
            )  # fmt: skip
            continue
        if name == "measure":
            source, kinds, infidelity = _readout_row(spec, qubits[0], local_readout)
            placement = channels.placement(name, qubits)
            if placement.channel is not None:
                source = placement.source if source == "none" else source
                kinds = " + ".join(filter(None, [kinds, *placement.kinds]))
                infidelity = max(infidelity, 1.0 - placement.channel.process_fidelity())
        else:
            placement = channels.placement(name, qubits)
            source = placement.source
            kinds = " + ".join(placement.kinds)
            infidelity = 0.0 if placement.channel is None else 1.0 - placement.channel.process_fidelity()
        reported = _reported_error(calibration, name, qubits)
        rows.append([name, ",".join(map(str, qubits)), count, source, kinds, infidelity, reported, math.nan])
    for (first, second), (phase, nanoseconds) in sorted((crosstalk or {}).items()):
        rows.append(
            [ZZ_INSTRUCTION, f"{first},{second}", 1, "crosstalk", f"ZZ crosstalk (Φ = {phase:.3g} rad)",
             3.0 * (1.0 - math.cos(phase)) / 8.0, math.nan, nanoseconds]
        )  # fmt: skip
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _flattened(
    circuit: QuantumCircuit, qubit_index: Mapping[object, int]
) -> Iterator[tuple[Instruction, tuple[int, ...]]]:
    """Every instruction with its physical qubits; the blocks of ``if_else`` and ``switch`` are opened (every
    branch counted, as if each ran), their qubits mapped through the instruction's."""
    for item in circuit.data:
        qubits = tuple(qubit_index[q] for q in item.qubits)
        if isinstance(item.operation, ControlFlowOp):
            for block in item.operation.blocks:
                yield from _flattened(block, dict(zip(block.qubits, qubits, strict=True)))
        else:
            yield item.operation, qubits


def shot_error_probability(coverage: pd.DataFrame) -> float:
    """The chance that one shot meets at least one non-identity error in the gates: 1 − ∏ᵢ (1 − εᵢ)^countᵢ.

    εᵢ is each placement's infidelity (1 − process fidelity; for a Pauli channel exactly the
    probability of a non-identity term), read from a ``noise_coverage`` table. Readout is left out:
    it is applied outside Aer.
    """
    gates = coverage[coverage["instruction"] != "measure"]
    return 1.0 - float(np.prod((1.0 - gates["infidelity"].astype(float)) ** gates["count"]))


def uncovered(coverage: pd.DataFrame) -> pd.DataFrame:
    """Rows that received no channel although they may be noisy.

    Delays are excepted (the spec has no idle channel), and so are placements the calibration
    reports as error-free (IBM's virtual ``rz``: gate_error 0, gate_length 0).
    """
    no_channel = coverage["source"] == "none"
    reported_noiseless = coverage["reported_error"] == 0.0
    return coverage[no_channel & ~reported_noiseless & ~coverage["instruction"].isin(NOISELESS_BY_DESIGN)]


def uncalibrated_couplers(coverage: pd.DataFrame) -> pd.DataFrame:
    """Two-qubit gate rows of a device's coverage whose placement has no usable reported error (``reported_error``
    NaN): a derived model gives them thermal relaxation only, so they look better than the device."""
    two_qubit = (coverage["qubits"].str.count(",") == 1) & (coverage["instruction"] != ZZ_INSTRUCTION)
    return coverage[two_qubit & coverage["reported_error"].isna()]


def _reported_error(calibration: BackendCalibration | None, name: str, qubits: tuple[int, ...]) -> float:
    if calibration is None:
        return math.nan
    if name == "measure":
        value = calibration.qubit_value(qubits[0], "readout_error")
    else:
        try:
            value = usable_value(calibration.gate_property(name, qubits), "gate_error")
        except PropertyNotFoundError:
            return math.nan
    return math.nan if value is None else float(value)


def _readout_row(spec: NoiseSpec, qubit: int, local_readout: set[int]) -> tuple[str, str, float]:
    """Source, kind and mean assignment error (P(1|0) + P(0|1))/2 of a qubit's readout (a grouped qubit's
    marginal)."""
    matrix = assignment_matrix(spec, qubit)
    error = (matrix[0, 1] + matrix[1, 0]) / 2
    group = readout_group(spec, qubit)
    if group is not None:
        return "correlated readout", f"joint readout matrix of {group.qubits}", error
    if qubit in local_readout:
        return "qubit-specific", "readout matrix", error
    if spec.readout_bit_flip_probability is not None:
        return "global readout", "readout bit flip", error
    if spec.readout_assignment_probabilities is not None:
        return "global readout", "readout matrix", error
    return "none", "", 0.0


def _idle_kinds(channel: GateChannel | None) -> str:
    """'idle relaxation', 'detuning' or both, for a wait's channel."""
    if channel is None:
        return ""
    kinds = ["idle relaxation" if channel.relaxations[0] is not None else "", "detuning" if channel.coherent else ""]
    return " + ".join(filter(None, kinds))
