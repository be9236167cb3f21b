"""Parity with Aer: every channel ``from_backend`` builds on the shipped snapshots, to 1e-9.

``build_noise_model(derive_noise_spec(calibration))`` against ``NoiseModel.from_backend`` on the
qiskit-ibm-runtime fake backend whose ``props_*.json`` the preset is a byte copy of (the preset
manifest test pins that), compared as superoperators. Documented differences, each asserted:

- Aer puts a gate error on ``measure_2`` (Heron); we skip measurement entries (readout noise
  comes from the qubit's readout properties only).
- We model gates the fake backend's target leaves out (the fractional ``rx``/``rzz`` on Heron).
- Readout: Aer's target path uses the symmetric ``readout_error``; we use the asymmetric
  ``prob_meas1_prep0``/``prob_meas0_prep1`` pair, which is what Aer's properties path uses, so
  readout is compared against that path.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from qiskit_aer.noise import NoiseModel
from qiskit_aer.noise.device.models import basic_device_readout_errors
from qiskit_ibm_runtime.models import BackendProperties

from harness.aer_reference import FAKE_BACKENDS, fake_backend
from noise_core import build_noise_model, derive_noise_spec
from presets import SNAPSHOT_DIR, load_preset
from tests.channel_math import superoperator

pytestmark = pytest.mark.slow  # parity with Aer's from_backend on real snapshots

TOLERANCE = 1e-9


def aer_from_backend(name: str, **options) -> NoiseModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return NoiseModel.from_backend(fake_backend(name), **options)


def channel_differences(
    ours: NoiseModel, reference: NoiseModel, *, skip=lambda gate: False, tolerance: float = TOLERANCE
) -> list[str]:
    """'gate qubits: max |ΔS|' for every reference channel that ours does not reproduce."""
    problems = []
    for gate, errors in reference._local_quantum_errors.items():
        if skip(gate):
            continue
        for qubits, error in errors.items():
            mine = ours._local_quantum_errors.get(gate, {}).get(qubits)
            difference = np.abs(superoperator(mine, len(qubits)) - superoperator(error, len(qubits))).max()
            if difference > tolerance:
                problems.append(f"{gate} {qubits}: {difference:.3g}")
    return problems


def is_measurement(gate: str) -> bool:
    return gate.split("_")[0] == "measure"


@pytest.mark.parametrize("name", list(FAKE_BACKENDS))
def test_every_from_backend_channel_is_reproduced(name: str) -> None:
    ours = build_noise_model(derive_noise_spec(load_preset(name)))
    reference = aer_from_backend(name)
    assert channel_differences(ours, reference, skip=is_measurement) == []
    assert ours._default_quantum_errors == {}
    extra_gates = {
        gate
        for gate, errors in ours._local_quantum_errors.items()
        for qubits in errors
        if qubits not in reference._local_quantum_errors.get(gate, {})
    }
    assert extra_gates <= set(load_preset(name).gate_names) - set(fake_backend(name).target.operation_names)
    assert not any(is_measurement(gate) for gate in ours._local_quantum_errors)


def test_aer_adds_a_gate_error_on_measure_2_which_we_skip() -> None:
    reference = aer_from_backend("ibm_pittsburgh")
    assert len(reference._local_quantum_errors["measure_2"]) == 156
    spec = derive_noise_spec(load_preset("ibm_pittsburgh"))
    assert "measure_2" not in {entry.gate for entry in spec.local_depolarizing_errors}


@pytest.mark.parametrize("name", ["ibmq_manila", "ibm_sherbrooke", "ibm_pittsburgh"])
def test_readout_matches_aers_properties_path(name: str) -> None:
    properties = BackendProperties.from_dict(json.loads((SNAPSHOT_DIR / f"{name}.json").read_text()))
    reference = {qubits[0]: error.probabilities for qubits, error in basic_device_readout_errors(properties)}
    ours = {e.qubit: e.assignment_probabilities for e in derive_noise_spec(load_preset(name)).local_readout_errors}
    assert set(ours) == set(reference)
    for qubit, matrix in ours.items():
        np.testing.assert_allclose(matrix, reference[qubit], atol=1e-15)


AER_KRAUS_TRUNCATION = 1e-8
"""With p₁ > 0 and T2 > T1, Aer's ``thermal_relaxation_error`` goes through ``Kraus(Choi(...))``,
which drops Choi eigenvalues below 1e-8; its channel then misses its own Choi matrix by up to
~5e-9 (``test_aer_relaxation_drops_a_small_choi_eigenvalue`` shows one). Ours is exact."""


def test_temperature_parity_on_a_snapshot_with_frequencies() -> None:
    ours = build_noise_model(derive_noise_spec(load_preset("ibm_algiers"), temperature=40.0))
    reference = aer_from_backend("ibm_algiers", temperature=40.0)
    assert channel_differences(ours, reference, tolerance=AER_KRAUS_TRUNCATION) == []
    cold = aer_from_backend("ibm_algiers")
    assert channel_differences(cold, reference)  # the temperature changes the channels


def test_gate_lengths_parity_with_from_backend_properties() -> None:
    properties = BackendProperties.from_dict(json.loads((SNAPSHOT_DIR / "ibmq_manila.json").read_text()))
    reference = NoiseModel.from_backend_properties(
        properties, gate_lengths=[("sx", None, 0.2), ("cx", [0, 1], 1.5), ("cx", None, 0.9)], gate_length_units="us"
    )
    ours = build_noise_model(
        derive_noise_spec(
            load_preset("ibmq_manila"),
            gate_lengths=[("sx", 0.2), ("cx", [0, 1], 1.5), ("cx", None, 0.9)],
            gate_length_units="us",
        )
    )
    assert channel_differences(ours, reference) == []
    for qubits, error in reference._local_readout_errors.items():
        np.testing.assert_allclose(ours._local_readout_errors[qubits].probabilities, error.probabilities, atol=1e-15)


@pytest.mark.parametrize("name", ["ibm_pittsburgh", "ibm_kingston"])
def test_heron_snapshots_crash_aers_properties_path_but_derive_here(name: str) -> None:
    properties = BackendProperties.from_dict(json.loads((SNAPSHOT_DIR / f"{name}.json").read_text()))
    with pytest.raises(Exception, match="Couldn't find the property 'frequency' for qubit 0"):
        NoiseModel.from_backend_properties(properties)
    spec = derive_noise_spec(load_preset(name), temperature=30.0)
    assert any(f.subject == "device" and f.property_name.startswith("frequency") for f in spec.provenance.findings)
