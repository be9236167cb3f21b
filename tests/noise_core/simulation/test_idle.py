"""Idle noise: the channel, the ALAP schedule, and parity with Aer's ``from_backend`` relaxation on delays."""

from __future__ import annotations

import json
import math
from functools import cache

import numpy as np
import pytest
from pydantic import ValidationError
from qiskit import QuantumCircuit

from noise_core import NoiseSpec, derive_noise_spec, load_calibration, simulate, spec_from_json, spec_to_json
from noise_core.calibration import BackendCalibration
from noise_core.errors import SimulationError
from noise_core.simulation.circuits import ghz, qft
from noise_core.simulation.idle import idle_relaxation
from noise_core.spec import IdleRelaxationNoise
from presets import SNAPSHOT_DIR, load_preset
from tests.noise_core.simulation.test_simulate_parity import reference_probabilities

EXACT = 1e-12


@cache
def device(name: str = "ibmq_manila") -> tuple[BackendCalibration, NoiseSpec]:
    calibration = load_preset(name)
    return calibration, derive_noise_spec(calibration)


def test_idle_times_follow_t2_at_most_twice_t1_and_round_trip() -> None:
    with pytest.raises(ValidationError, match=r"t2 must be at most 2\*t1 = 200.0; got t2=300.0"):
        IdleRelaxationNoise(qubit=0, t1=100.0, t2=300.0)
    _calibration, spec = device()
    assert spec_from_json(spec_to_json(spec)).idle_relaxation_errors == spec.idle_relaxation_errors


def test_derive_gives_each_qubit_its_gate_relaxation_times_for_idling() -> None:
    calibration, spec = device()
    assert [entry.qubit for entry in spec.idle_relaxation_errors] == list(range(calibration.num_qubits))
    for entry in spec.local_thermal_relaxation_errors:
        for qubit, relaxation in zip(entry.qubits, entry.relaxations, strict=True):
            idle = spec.idle_relaxation_errors[qubit]
            assert (idle.t1, idle.t2) == (relaxation.t1, relaxation.t2)
    assert not derive_noise_spec(calibration, idle_relaxation=False).idle_relaxation_errors
    assert not derive_noise_spec(calibration, thermal_relaxation=False).idle_relaxation_errors


def test_each_idle_period_is_the_targets_durations_summed_as_alap_places_them() -> None:
    calibration, spec = device()
    result = simulate(ghz(3), spec, calibration=calibration, seed=1, initial_layout=[4, 3, 2])
    idle = result.coverage[result.coverage["instruction"] == "delay"].set_index("qubits")["idle_ns"]
    sx, cx_43, cx_32 = (
        calibration.gate_value(name, qubits, "gate_length") * 1e9
        for name, qubits in (("sx", (4,)), ("cx", (4, 3)), ("cx", (3, 2)))
    )
    # q4 runs h = rz·sx·rz (rz takes 0), then cx(4,3), then waits while cx(3,2) runs; ALAP starts q3 when its
    # cx(4,3) can start (after q4's sx) and q2 when its cx(3,2) can (after sx and cx(4,3)). Nothing waits after
    # its measurement (those delays change no outcome and are dropped).
    assert idle.to_dict() == pytest.approx({"4": cx_32, "3": sx, "2": sx + cx_43})
    assert set(result.active_qubits) == {2, 3, 4}  # the schedule pads every wire; unused ones stay out


def test_zero_time_or_infinite_coherence_is_the_identity() -> None:
    entry = IdleRelaxationNoise(qubit=0, t1=1000.0, t2=1500.0)
    assert idle_relaxation(entry, 0.0) is None
    assert idle_relaxation(IdleRelaxationNoise(qubit=0, t1=None, t2=None), 500.0) is None
    assert idle_relaxation(None, 500.0) is None
    assert idle_relaxation(entry, 500.0) is not None


def test_a_delay_relaxes_an_excited_qubit_by_exactly_exp_minus_t_over_t1() -> None:
    spec = NoiseSpec(idle_relaxation_errors=[IdleRelaxationNoise(qubit=0, t1=1000.0, t2=1000.0)])
    circuit = QuantumCircuit(1, 1)
    circuit.x(0)
    circuit.delay(0.5, 0, unit="us")  # a user-written delay, no device: no schedule, the same noise
    circuit.measure(0, 0)
    result = simulate(circuit, spec, seed=1)
    assert result.noisy_probabilities["1"] == pytest.approx(math.exp(-500 / 1000), abs=EXACT)
    assert simulate(circuit, spec, seed=1, idle_noise=False).noisy_probabilities["1"] == pytest.approx(1.0, abs=EXACT)


def test_a_circuit_that_never_waits_is_unchanged_by_idle_noise() -> None:
    calibration, spec = device()
    circuit = QuantumCircuit(1)
    circuit.x(0)
    circuit.measure_all()
    with_idle = simulate(circuit, spec, calibration=calibration, seed=2)
    without = simulate(circuit, spec, calibration=calibration, seed=2, idle_noise=False)
    assert (with_idle.coverage["instruction"] != "delay").all()
    assert with_idle.noisy_probabilities.to_numpy() == pytest.approx(without.noisy_probabilities.to_numpy(), abs=EXACT)


def test_idle_noise_costs_a_waiting_circuit_and_can_be_turned_off() -> None:
    calibration, spec = device()
    with_idle = simulate(ghz(3), spec, calibration=calibration, seed=2)
    without = simulate(ghz(3), spec, calibration=calibration, seed=2, idle_noise=False)
    assert with_idle.metrics.success_probability < without.metrics.success_probability - 1e-4
    delays = with_idle.coverage[with_idle.coverage["instruction"] == "delay"]
    assert (delays["source"] == "idle").all() and (delays["infidelity"] > 0).all()
    assert "delay" not in without.transpiled.count_ops()


def test_the_stabilizer_method_is_refused_for_idle_relaxation() -> None:
    calibration, spec = device()
    pauli_only = spec.model_copy(update={"local_thermal_relaxation_errors": []})
    with pytest.raises(SimulationError, match=r"qubit \d+ relaxes while idle, which is not a Pauli channel"):
        simulate(ghz(3), pauli_only, calibration=calibration, method="stabilizer", seed=1)
    simulate(ghz(3), pauli_only, calibration=calibration, method="stabilizer", seed=1, idle_noise=False)


PARITY_CASES = [("ibmq_manila", ghz(4)), ("ibm_sherbrooke", qft(3)), ("ibm_pittsburgh", ghz(5))]
"""A Falcon, an Eagle and a Heron."""


@pytest.mark.slow
@pytest.mark.parametrize(("name", "circuit"), PARITY_CASES, ids=[name for name, _ in PARITY_CASES])
def test_idle_noise_equals_aer_from_backend_with_its_relaxation_pass_on_the_same_schedule(name, circuit) -> None:
    calibration, spec = device(name)
    result = simulate(circuit, spec, calibration=calibration, shots=100, seed=3)
    assert result.method == "density_matrix" and (result.coverage["source"] == "idle").any()
    measured = [int(result.measured_qubits[clbit]) for clbit in range(result.transpiled.num_clbits)]
    reference = reference_probabilities(name, result.transpiled, measured, as_superoperators=True)
    labels = [format(index, f"0{len(measured)}b") for index in range(2 ** len(measured))]
    ours = result.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy()
    assert np.abs(ours - reference).max() < 1e-9
    unscheduled = simulate(circuit, spec, calibration=calibration, shots=100, seed=3, idle_noise=False)
    differs = np.abs(ours - unscheduled.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy()).max()
    assert differs > 1e-5  # the idle periods matter at this tolerance


def test_the_result_carries_its_schedule_per_active_qubit() -> None:
    calibration, spec = device()
    result = simulate(ghz(3), spec, calibration=calibration, seed=1, initial_layout=[4, 3, 2])
    schedule = result.schedule
    assert schedule is not None and set(schedule["qubit"]) == {2, 3, 4}
    cx = schedule[(schedule["instruction"] == "cx") & (schedule["qubit"] == 2)].iloc[0]
    idle = schedule[(schedule["instruction"] == "idle") & (schedule["qubit"] == 2)].iloc[0]
    assert cx["start_ns"] == pytest.approx(idle["start_ns"] + idle["duration_ns"])  # q2 waits, then its cx starts
    assert simulate(ghz(3), spec, calibration=calibration, seed=1, idle_noise=False).schedule is None


def test_a_gate_without_a_reported_duration_takes_no_time_in_the_schedule() -> None:
    document = json.loads((SNAPSHOT_DIR / "ibmq_manila.json").read_text())
    for gate in document["gates"]:
        if gate["gate"] == "cx":
            gate["parameters"] = [p for p in gate["parameters"] if p["name"] != "gate_length"]
    calibration = load_calibration(document)
    result = simulate(ghz(3), derive_noise_spec(calibration), calibration=calibration, seed=1, initial_layout=[4, 3, 2])
    idle = result.coverage[result.coverage["instruction"] == "delay"].set_index("qubits")["idle_ns"]
    sx = calibration.gate_value("sx", (4,), "gate_length") * 1e9
    assert idle.to_dict() == pytest.approx({"3": sx, "2": sx})  # both wait only for q4's sx; each cx takes 0


@pytest.mark.parametrize("gates", [0, 1])
def test_a_circuit_that_starts_with_a_barrier_is_scheduled(gates: int) -> None:
    """A barrier's duration is the int 0 in Qiskit, and Qiskit 2's ALAP analysis takes its number type from the
    first node: a barrier first (a circuit that only measures, or a barrier before the gates) made the
    measurements' seconds fail with "'float' object cannot be interpreted as an integer"."""
    calibration, spec = device()
    circuit = QuantumCircuit(2)
    circuit.barrier()
    if gates:
        circuit.x(1)
        circuit.cx(1, 0)
        circuit.x(0)  # qubit 1, excited, waits during it
    circuit.measure_all()
    result = simulate(circuit, spec, calibration=calibration, shots=100, seed=1, initial_layout=[0, 1])
    unscheduled = simulate(
        circuit, spec, calibration=calibration, shots=100, seed=1, initial_layout=[0, 1], idle_noise=False
    )
    assert result.noisy_probabilities is not None and unscheduled.noisy_probabilities is not None
    moved = float((result.noisy_probabilities - unscheduled.noisy_probabilities).abs().max())
    assert moved > 1e-6 if gates else moved < EXACT
