"""Dynamic circuits: mid-circuit measurement with ``if_else`` and ``switch`` feed-forward, readout errors included.

Sampled counts are checked against exact probabilities within 5 binomial standard deviations, and
against Aer run directly (two samples) within the Bretagnolle–Huber–Carol bound of each.
"""

from __future__ import annotations

import json
import math
import warnings

import pandas as pd
import pytest
from qiskit import QuantumCircuit
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel
from qiskit_aer.noise.device.models import basic_device_readout_errors
from qiskit_ibm_runtime.models import BackendProperties

from harness.aer_reference import fake_backend
from harness.statistics import tvd_bound
from noise_core import NoiseSpec, derive_noise_spec, simulate
from noise_core.errors import SimulationError
from noise_core.simulation.circuits import teleportation
from presets import SNAPSHOT_DIR, load_preset

SHOTS = 20_000


def feed_forward(kind: str) -> QuantumCircuit:
    """|1⟩ on q0, measured into c0; X on q1 when c0 = 1 (by ``if_else`` or ``switch``); q1 measured into c1."""
    circuit = QuantumCircuit(2, 2)
    circuit.x(0)
    circuit.measure(0, 0)
    if kind == "if_else":
        with circuit.if_test((circuit.clbits[0], 1)):
            circuit.x(1)
    else:
        with circuit.switch(circuit.clbits[0]) as case, case(1):
            circuit.x(1)
    circuit.measure(1, 1)
    return circuit


@pytest.mark.parametrize("kind", ["if_else", "switch"])
def test_control_flow_reads_the_recorded_bit_so_a_readout_error_flips_the_branch(kind: str) -> None:
    p = 0.1
    result = simulate(feed_forward(kind), NoiseSpec(readout_bit_flip_probability=p), seed=4, shots=SHOTS)
    assert result.method == "trajectories" and not result.metrics.exact
    # c0 is recorded 1 with probability 1 − p and then q1 is flipped; c1 is then read with error p too
    expected = (1 - p) ** 2 + p**2
    c1_is_one = result.noisy_counts[[label for label in result.noisy_counts.index if label[0] == "1"]].sum() / SHOTS
    assert c1_is_one == pytest.approx(expected, abs=5 * math.sqrt(expected * (1 - expected) / SHOTS))


def test_loops_are_refused_with_what_to_do() -> None:
    circuit = QuantumCircuit(1, 1)
    circuit.measure(0, 0)
    with circuit.while_loop((circuit.clbits[0], 0)):
        circuit.x(0)
        circuit.measure(0, 0)
    with pytest.raises(SimulationError, match=r"classical control flow \(while_loop\) is not supported: .* unroll"):
        simulate(circuit, NoiseSpec(), seed=1)


def test_teleportation_is_ideal_without_noise_and_costs_its_branches_noise_on_a_device() -> None:
    calibration = load_preset("ibmq_manila")
    ideal = simulate(teleportation(), NoiseSpec(), calibration=calibration, seed=5, shots=4000)
    assert ideal.metrics.success_probability == pytest.approx(1.0, abs=1e-12)
    assert set(ideal.noisy_counts.index) == {"100", "101", "110", "111"}
    noisy = simulate(teleportation(), derive_noise_spec(calibration), calibration=calibration, seed=5, shots=4000)
    assert 0.5 < noisy.metrics.success_probability < 0.99
    corrections = noisy.coverage[noisy.coverage["instruction"].isin(["x", "z", "rz"])]
    assert not corrections.empty  # the gates inside the if_else blocks are counted with their noise
    assert noisy.warnings == (
        "A dynamic circuit is not scheduled (Qiskit's scheduling passes do not take branches): idle relaxation "
        "and detuning act only on the delays it contains, and ZZ crosstalk not at all",
    )


def aer_directly(transpiled: QuantumCircuit, name: str, shots: int) -> pd.Series:
    """from_backend's gate errors and the snapshot's own readout matrices, run by Aer on the same circuit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NoiseModel.from_backend(fake_backend(name), readout_error=False)
    properties = BackendProperties.from_dict(json.loads((SNAPSHOT_DIR / f"{name}.json").read_text()))
    for qubits, error in basic_device_readout_errors(properties):
        model.add_readout_error(error, qubits)
    counts = AerSimulator(noise_model=model).run(transpiled, shots=shots, seed_simulator=11).result().get_counts()
    return pd.Series(counts, dtype=float) / shots


@pytest.mark.slow
def test_teleportation_statistics_match_aer_running_from_backends_model_directly() -> None:
    calibration = load_preset("ibmq_manila")
    spec = derive_noise_spec(calibration, idle_relaxation=False)  # from_backend adds idle noise only on delays
    ours = simulate(teleportation(), spec, calibration=calibration, seed=6, shots=SHOTS)
    theirs = aer_directly(ours.transpiled, "ibmq_manila", 4 * SHOTS)
    both = pd.DataFrame({"ours": ours.noisy_counts / SHOTS, "theirs": theirs}).fillna(0.0)
    distance = 0.5 * (both["ours"] - both["theirs"]).abs().sum()
    assert distance < tvd_bound(len(both), SHOTS) + tvd_bound(len(both), 4 * SHOTS)


@pytest.mark.slow
def test_the_dashboard_simulates_the_teleportation_example_live() -> None:
    from tests.apptest import started_app

    app = started_app(180)
    app.selectbox(key="sim_library").set_value("teleportation").run()
    assert not app.exception and not app.error
    metrics = {metric.label: metric.value for metric in app.metric}
    assert 0.5 < float(metrics["Success probability"]) < 1.0
    app.session_state["sim_tabs"] = "Noise coverage"
    app.run()
    assert any("A dynamic circuit is not scheduled" in warning.value for warning in app.warning)
