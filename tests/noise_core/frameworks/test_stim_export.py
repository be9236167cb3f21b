"""The Stim export: Stim's own sampler reproduces the distance we measured between the model and the export."""

from __future__ import annotations

from collections import Counter

import pytest

from harness.statistics import tvd_bound
from noise_core import derive_noise_spec, simulate
from noise_core.errors import SimulationError
from noise_core.frameworks.stim_export import stim_export
from noise_core.simulation.circuits import ghz, mirror, qft
from noise_core.simulation.options import RunOptions
from noise_core.simulation.result import total_variation_distance
from presets import load_preset

SHOTS = 200_000
SAME_PLACEMENT = {"shots": 10, "seed": 7, "method": "density_matrix", "optimization_level": 1}
"""The exact run transpiled and placed as the export is (the twirled method transpiles at level ≤ 1)."""


def _stim_distribution(export, num_clbits: int):  # type: ignore[no-untyped-def]
    import pandas as pd

    records = export.circuit.compile_sampler(seed=11).sample(SHOTS)
    keys = Counter()
    for row in records:
        bits = ["0"] * num_clbits
        for record, clbit in enumerate(export.clbits):
            bits[num_clbits - 1 - clbit] = "1" if row[record] else "0"
        keys["".join(bits)] += 1
    return pd.Series({key: count / SHOTS for key, count in keys.items()})


@pytest.mark.parametrize(("preset", "circuit"), [("ibmq_manila", ghz(4)), ("google_willow_pink_d7v1", mirror(4, 3, 7))])
def test_stims_samples_are_as_far_from_the_model_as_the_measured_distance(preset: str, circuit: object) -> None:
    calibration = load_preset(preset)
    spec = derive_noise_spec(calibration)
    export = stim_export(circuit, spec, calibration, RunOptions(seed=7))  # type: ignore[arg-type]
    exact = simulate(circuit, spec, calibration=calibration, **SAME_PLACEMENT)  # type: ignore[arg-type]
    assert exact.noisy_probabilities is not None
    sampled = _stim_distribution(export, len(export.clbits))
    bound = tvd_bound(2 ** len(export.clbits), SHOTS)
    assert abs(total_variation_distance(exact.noisy_probabilities, sampled) - export.measured.distance) < bound
    assert export.measured.distance > bound  # the twirl and the symmetric readout matter at these sizes


def test_the_file_carries_the_report_and_the_device_qubits() -> None:
    calibration = load_preset("google_willow_pink_d7v1")
    export = stim_export(ghz(5), derive_noise_spec(calibration), calibration)
    text = export.text()
    assert text.startswith("# Noise Studio export to Stim. Stim: entries ")
    assert "# kept exactly: local_depolarizing_errors" in text
    assert "# approximated: readout" in text and "M(p̄)" in text
    used = {target.value for instruction in export.circuit for target in instruction.targets_copy()}
    assert used == set(export.measured.physical_qubits) and max(used) > 4  # the device's own qubit numbers


def test_a_circuit_stim_cannot_hold_is_refused_saying_why() -> None:
    calibration = load_preset("ibmq_manila")
    with pytest.raises(SimulationError, match=r"method='twirled' needs a Clifford circuit measured at the end"):
        stim_export(qft(3), derive_noise_spec(calibration), calibration)


@pytest.mark.parametrize("name", ["rxx", "rzz"])
def test_stim_runs_rxx_and_rzz_at_quarter_turns_as_qiskit_defines_them(name: str) -> None:
    """IonQ's MS gate is rxx(π/2): each multiple of π/2 is Stim's SQRT_XX / SQRT_ZZ family, up to a global phase."""
    import numpy as np
    import stim
    from qiskit.circuit.library import RXXGate, RZZGate
    from qiskit.quantum_info import Operator

    from noise_core.simulation.pauli_circuit import _stim_gate

    gate = RXXGate if name == "rxx" else RZZGate
    for quarter in range(-4, 5):
        angle = quarter * np.pi / 2
        circuit = stim.Circuit()
        for stim_name, targets in _stim_gate(name, (angle,)):
            circuit.append(stim_name, list(targets))
        circuit.append("I", [0, 1])
        ours = circuit.to_tableau().to_unitary_matrix(endian="little")
        qiskit = Operator(gate(angle)).data
        phase = np.vdot(ours.ravel(), qiskit.ravel())
        assert np.allclose(ours * phase / abs(phase), qiskit, atol=1e-12), quarter
    with pytest.raises(SimulationError, match=rf"{name}\(0\.3\) is not a multiple of π/2, so not a Clifford gate"):
        _stim_gate(name, (0.3,))


def test_an_ionq_circuit_exports_to_stim_and_stims_samples_match_the_model() -> None:
    calibration = load_preset("ionq_harmony")
    spec = derive_noise_spec(calibration)
    export = stim_export(ghz(5), spec, calibration, RunOptions(seed=7))
    assert any(instruction.name == "SQRT_XX" for instruction in export.circuit)
    exact = simulate(ghz(5), spec, calibration=calibration, **SAME_PLACEMENT)
    assert exact.noisy_probabilities is not None
    sampled = _stim_distribution(export, len(export.clbits))
    distance = total_variation_distance(exact.noisy_probabilities, sampled)
    assert abs(distance - export.measured.distance) < tvd_bound(2**5, SHOTS)
