"""How much an approximate method moves the answer, measured where the exact method still runs.

The twirled method replaces the model's channels by Pauli channels (``twirl``). On a circuit too wide for the
exact method nothing can say how far that moves the distribution; on the same kind of circuit at
``STAND_IN_WIDTH`` qubits, on the first of the same physical qubits, both run exactly: the total variation
distance between the model's exact distribution (density matrix, readout applied analytically) and the twirled
model's exact distribution (the same, of ``pauli_circuit``) is the measured size of the twirl, with no shot
noise in it. A library circuit supplies its own narrower copy (``LibraryCircuit.resized``); any other circuit
is measured on GHZ, and says so.

The MPS method states its truncation instead, from a noiseless pass of the same circuit (``mps.Truncation``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from qiskit import QuantumCircuit

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.simulation.circuits import LibraryCircuit, ghz
from noise_core.simulation.options import RunOptions
from noise_core.simulation.prepare import as_circuit, prepare_simulation
from noise_core.simulation.result import total_variation_distance
from noise_core.simulation.run import NOISE_MODELS, AerRun
from noise_core.simulation.twirl import TwirlMeasurement
from noise_core.spec.models import NoiseSpec

STAND_IN_WIDTH = 8
"""Qubits of the narrower copy. At 8 both exact runs of mirror(8, depth 10) took 0.6 s here; at 10, 4.1 s."""


def stand_in(circuit: LibraryCircuit | QuantumCircuit | str, width: int = STAND_IN_WIDTH) -> LibraryCircuit:
    """The circuit itself when it has at most ``width`` qubits; else the same kind of circuit at ``width`` qubits:
    a library circuit's own resized copy, or GHZ(``width``)."""
    logical = as_circuit(circuit, None)[0]
    if logical.num_qubits <= width:
        if isinstance(circuit, LibraryCircuit):
            return circuit
        return LibraryCircuit("the circuit itself", logical, None, "")
    if isinstance(circuit, LibraryCircuit) and circuit.resized is not None:
        return circuit.resized(width)
    return ghz(width)


def measure_twirl(
    circuit: LibraryCircuit | QuantumCircuit | str,
    spec: NoiseSpec,
    calibration: BackendCalibration | None,
    *,
    physical_qubits: Sequence[int] | None = None,
    options: RunOptions | None = None,
    width: int = STAND_IN_WIDTH,
    readout_spec: NoiseSpec | None = None,
) -> TwirlMeasurement:
    """The twirl's effect on ``stand_in(circuit, width)``, placed on the first ``width`` of ``physical_qubits`` (the
    wide run's initial layout, so the same part of the device) when given; no wider than they are.

    ``options``: the wide run's (seed, limits, uncalibrated couplers; its expected outcomes when the circuit is
    measured itself), run exactly at optimization level ≤ 1 as the twirled run was (``methods.transpile_level``).
    ``readout_spec``: the twirled side's readout comes from it (the Stim export's symmetric readout).
    """
    options = (options or RunOptions(seed=0)).seeded()
    if physical_qubits is not None:
        physical_qubits = tuple(physical_qubits)
        width = min(width, len(physical_qubits))
    narrow = stand_in(circuit, width)
    itself = narrow.circuit.num_qubits == as_circuit(circuit, None)[0].num_qubits
    narrow_options = replace(
        options,
        shots=1,
        method="density_matrix",
        optimization_level=min(options.optimization_level, 1),
        initial_layout=None if physical_qubits is None else physical_qubits[: narrow.circuit.num_qubits],
        expected_outcomes=options.expected_outcomes if itself else None,
    )
    prepared = prepare_simulation(narrow, spec, calibration, narrow_options)
    placed, seed = prepared.placed, prepared.options.seed
    assert seed is not None  # seeded above
    model = NOISE_MODELS.get(prepared.spec, placed, readout=False)
    rng = np.random.default_rng(seed)
    run = AerRun(placed, prepared.spec, model, 1, rng, [seed % 2**31] * 2, narrow_options.limits)
    exact, _counts = run.noisy("density_matrix")
    assert exact is not None  # the density matrix is exact
    twirled = run.twirled_exact(readout_spec)
    expected = prepared.expected
    return TwirlMeasurement(
        narrow.name,
        tuple(placed.initial_layout),
        total_variation_distance(exact, twirled),
        None if expected is None else float(exact.reindex(list(expected), fill_value=0.0).sum()),
        None if expected is None else float(twirled.reindex(list(expected), fill_value=0.0).sum()),
    )
