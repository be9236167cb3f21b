"""The Stim export: Stim's own sampler reproduces the distance we measured between the model and the export."""

from __future__ import annotations

from collections import Counter

import pytest

from harness.statistics import tvd_bound
from noise_core import derive_noise_spec, simulate
from noise_core.errors import SimulationError
from noise_core.frameworks.stim_export import stim_export
from noise_core.simulation.circuits import ghz, mirror, qft
from noise_core.simulation.result import total_variation_distance
from presets import load_preset

SHOTS = 200_000


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
    export = stim_export(circuit, spec, calibration)  # type: ignore[arg-type]
    exact = simulate(circuit, spec, calibration=calibration, shots=10, method="density_matrix")  # type: ignore[arg-type]
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
