"""``simulate``'s exact probabilities against Aer's own density-matrix run of ``from_backend``.

The reference is what a Qiskit user would compute without us: the transpiled circuit (the one
``simulate`` ran, at full device width), ``NoiseModel.from_backend(fake_backend)``, Aer's
density-matrix method saving the measured qubits' probabilities. Readout is then applied the
same way on both sides: as the Kronecker product of Aer's own ``ReadoutError`` matrices from the
snapshot's properties (``basic_device_readout_errors``; Aer's target path would use the
symmetric ``readout_error`` instead, see ``test_derive_parity``).

Aer's simulator drops every error term whose probability is ≤ 1e-10 (pinned below). On Heron,
``from_backend`` composes depolarizing with a reset-mixture relaxation into 144-term errors
with terms down to 2e-13, so Aer's run of its own model is off by ~2e-9 there. The Heron cases
therefore hand Aer each ``from_backend`` channel as its exact superoperator (Aer's ``superop``
instruction); on Falcon (manila, algiers) the plain ``NoiseModel`` run is compared as well.
"""

from __future__ import annotations

import json
import warnings
from functools import cache, reduce

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.library import IGate, XGate
from qiskit.quantum_info import Statevector
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel, QuantumError
from qiskit_aer.noise.device.models import basic_device_readout_errors
from qiskit_ibm_runtime.models import BackendProperties

from harness.aer_reference import fake_backend, with_exact_channels
from noise_core import derive_noise_spec, simulate
from noise_core.simulation.circuits import bernstein_vazirani, ghz, grover, qft, random_clifford
from presets import SNAPSHOT_DIR, load_preset

pytestmark = pytest.mark.slow  # parity with Aer on real devices

TOLERANCE = 1e-9
CASES = [
    ("ibmq_manila", ghz(5)),
    ("ibmq_manila", qft(4)),
    ("ibm_algiers", bernstein_vazirani("1011")),
    ("ibm_algiers", grover(3, "110")),
    ("ibm_algiers", random_clifford(5, 4, seed=7)),
    ("ibm_fez", ghz(6)),
    ("ibm_fez", qft(5)),
]


@cache
def reference_model(name: str) -> NoiseModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return NoiseModel.from_backend(fake_backend(name))


@cache
def reference_readout(name: str) -> dict[int, np.ndarray]:
    properties = BackendProperties.from_dict(json.loads((SNAPSHOT_DIR / f"{name}.json").read_text()))
    return {qubits[0]: np.asarray(error.probabilities) for qubits, error in basic_device_readout_errors(properties)}


@cache
def derived(name: str):
    calibration = load_preset(name)
    return calibration, derive_noise_spec(calibration)


def reference_probabilities(
    name: str, transpiled: QuantumCircuit, measured: list[int], *, as_superoperators: bool
) -> np.ndarray:
    """Aer density matrix with from_backend's channels on the full-width circuit, then readout."""
    model = reference_model(name)
    if as_superoperators:
        circuit, model = with_exact_channels(transpiled, model), None
    else:
        circuit = transpiled.remove_final_measurements(inplace=False)
    circuit.save_probabilities(measured)
    simulator = AerSimulator(method="density_matrix", noise_model=model)
    before_readout = np.asarray(simulator.run(circuit, shots=1, seed_simulator=1).result().data(0)["probabilities"])
    readout = reference_readout(name)
    joint = reduce(np.kron, [readout[qubit] for qubit in reversed(measured)])
    return before_readout @ joint


def exact_result(name: str, library_circuit, *, idle_noise: bool | None = None):
    calibration, spec = derived(name)
    result = simulate(library_circuit, spec, calibration=calibration, shots=1000, seed=3, idle_noise=idle_noise)
    assert result.method == "density_matrix"
    measured = [int(result.measured_qubits[clbit]) for clbit in range(result.transpiled.num_clbits)]
    labels = [format(index, f"0{len(measured)}b") for index in range(2 ** len(measured))]
    return result, measured, result.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy()


@pytest.mark.parametrize(("name", "library_circuit"), CASES, ids=[f"{n}-{c.name}" for n, c in CASES])
def test_exact_probabilities_match_aer_density_matrix_of_from_backend_channels(name, library_circuit):
    result, measured, ours = exact_result(name, library_circuit)
    reference = reference_probabilities(name, result.transpiled, measured, as_superoperators=True)
    assert np.abs(ours - reference).max() < TOLERANCE
    assert "measure" not in reference_model(name)._local_quantum_errors  # no gate noise on measure to drop


FALCON_CASES = [case for case in CASES if case[0] in ("ibmq_manila", "ibm_algiers")]


@pytest.mark.parametrize(("name", "library_circuit"), FALCON_CASES, ids=[f"{n}-{c.name}" for n, c in FALCON_CASES])
def test_exact_probabilities_match_aer_running_the_from_backend_noise_model(name, library_circuit):
    result, measured, ours = exact_result(name, library_circuit, idle_noise=False)  # unscheduled: no delays
    reference = reference_probabilities(name, result.transpiled, measured, as_superoperators=False)
    assert np.abs(ours - reference).max() < TOLERANCE


@pytest.mark.parametrize(("probability", "applied"), [(1e-9, True), (1e-10, False), (1e-12, False)])
def test_aer_drops_error_terms_of_probability_at_most_1e_10(probability, applied):
    error = QuantumError([(IGate(), 1 - probability), (XGate(), probability)])
    model = NoiseModel()
    model.add_all_qubit_quantum_error(error, "sx")
    circuit = QuantumCircuit(1)
    for _ in range(4):
        circuit.sx(0)
    circuit.save_probabilities()
    flipped = AerSimulator(method="density_matrix", noise_model=model).run(circuit).result().data(0)["probabilities"][1]
    assert flipped == (pytest.approx(4 * probability, rel=1e-6) if applied else 0.0)


@pytest.mark.parametrize(("name", "library_circuit"), CASES[:3], ids=[f"{n}-{c.name}" for n, c in CASES[:3]])
def test_exact_ideal_probabilities_match_the_logical_statevector(name, library_circuit):
    calibration, spec = derived(name)
    result = simulate(library_circuit, spec, calibration=calibration, shots=1000, seed=3)
    logical = Statevector(library_circuit.circuit.remove_final_measurements(inplace=False))
    num_measured = result.transpiled.num_clbits
    expected = logical.probabilities_dict(qargs=list(range(num_measured)))
    for label, probability in expected.items():
        assert result.ideal_probabilities.get(label, 0.0) == pytest.approx(probability, abs=1e-12)
