"""``simulate``: limits of the physics, sampling against exact distributions, seeds, guardrails."""

from __future__ import annotations

from dataclasses import replace
from functools import cache, reduce

import numpy as np
import pandas as pd
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit.classical import expr

from harness.statistics import lumped_tvd, tvd_bound
from noise_core import (
    CircuitParseError,
    NoiseSpec,
    SimulationError,
    SimulationLimits,
    build_noise_model,
    derive_noise_spec,
    joint_assignment_matrix,
    simulate,
)
from noise_core.errors import OverBudgetError
from noise_core.simulation import build_target, plan_simulation
from noise_core.simulation.circuits import bell, ghz, qft, random_clifford
from noise_core.simulation.cost import PROCESS_OVERHEAD_BYTES, estimated_peak_bytes, expected_branches
from noise_core.simulation.coverage import noise_coverage, shot_error_probability
from noise_core.simulation.options import RunOptions
from noise_core.simulation.placement import PlacedCircuit
from noise_core.simulation.prepare import prepare_simulation
from noise_core.simulation.run import NoiseModelCache
from presets import load_preset

READOUT_ONLY = NoiseSpec(
    local_readout_errors=[
        {"qubit": 0, "assignment_probabilities": [[0.97, 0.03], [0.08, 0.92]]},
        {"qubit": 1, "assignment_probabilities": [[0.99, 0.01], [0.05, 0.95]]},
        {"qubit": 2, "assignment_probabilities": [[0.9, 0.1], [0.2, 0.8]]},
    ]
)
GATE_NOISE = NoiseSpec(
    gate_depolarizing_errors=[
        {"gate": "cx", "num_qubits": 2, "probability": 0.05},
        {"gate": "sx", "num_qubits": 1, "probability": 0.01},
    ],
    gate_thermal_relaxation_errors=[{"gate": "sx", "t1": 50e3, "t2": 40e3, "time": 300.0}],
    readout_bit_flip_probability=0.02,
)


@cache
def device(name: str):
    calibration = load_preset(name)
    return calibration, derive_noise_spec(calibration)


@cache
def pauli_only(name: str) -> NoiseSpec:
    return derive_noise_spec(load_preset(name), thermal_relaxation=False)


# --- physics limits -----------------------------------------------------------------------


@pytest.mark.parametrize("calibration_name", [None, "ibmq_manila"])
def test_a_spec_without_noise_gives_the_ideal_distribution(calibration_name):
    calibration = None if calibration_name is None else load_preset(calibration_name)
    result = simulate(qft(4), NoiseSpec(), calibration=calibration, seed=1)
    assert result.method == "density_matrix"
    aligned = pd.DataFrame({"ideal": result.ideal_probabilities, "noisy": result.noisy_probabilities}).fillna(0.0)
    assert np.abs(aligned["ideal"] - aligned["noisy"]).max() < 1e-12
    assert result.metrics.total_variation_distance < 1e-12
    assert result.metrics.success_probability == pytest.approx(1.0, abs=1e-12)


def test_readout_only_noise_pushes_the_ideal_distribution_through_the_assignment_matrix():
    circuit = QuantumCircuit(3)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.x(2)
    circuit.measure_all()
    result = simulate(circuit, READOUT_ONLY, seed=2)
    labels = [format(index, "03b") for index in range(8)]
    ideal = result.ideal_probabilities.reindex(labels, fill_value=0.0).to_numpy()
    expected = ideal @ joint_assignment_matrix(READOUT_ONLY, [0, 1, 2]).to_numpy()
    assert result.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy() == pytest.approx(expected, abs=1e-12)


def test_gate_noise_lowers_the_success_probability_below_the_ideal_one():
    calibration, spec = device("ibm_algiers")
    result = simulate(ghz(5), spec, calibration=calibration, seed=4)
    assert result.metrics.ideal_success_probability == pytest.approx(1.0)
    assert 0.5 < result.metrics.success_probability < 0.999
    assert result.metrics.total_variation_distance == pytest.approx(1 - result.metrics.success_probability, abs=0.02)
    assert 0 < result.metrics.hellinger_fidelity < 1


# --- sampling against the exact distribution ----------------------------------------------


def test_exact_method_samples_counts_from_its_exact_distribution():
    calibration, spec = device("ibm_algiers")
    result = simulate(qft(4), spec, calibration=calibration, shots=20_000, seed=5)
    distance, categories = lumped_tvd(result.noisy_counts, result.noisy_probabilities, result.shots)
    assert distance < tvd_bound(categories, result.shots)
    assert result.noisy_counts.sum() == result.shots == result.ideal_counts.sum()


@pytest.mark.parametrize("library_circuit", [ghz(5), qft(4)], ids=lambda c: c.name)
@pytest.mark.parametrize("noise", ["derived", "pauli only"])
def test_trajectories_agree_with_the_exact_distribution(library_circuit, noise):
    calibration, spec = device("ibmq_manila")
    spec = spec if noise == "derived" else pauli_only("ibmq_manila")
    exact = simulate(library_circuit, spec, calibration=calibration, seed=6)
    sampled = simulate(library_circuit, spec, calibration=calibration, shots=8000, seed=6, method="trajectories")
    assert sampled.method == "trajectories" and sampled.noisy_probabilities is None
    assert sampled.active_qubits == exact.active_qubits
    distance, categories = lumped_tvd(sampled.noisy_counts, exact.noisy_probabilities, sampled.shots)
    assert distance < tvd_bound(categories, sampled.shots)


def test_trajectories_fuse_gates_and_keep_the_exact_distribution():
    """Trajectories fuse gates at every width (``TRAJECTORY_FUSION_THRESHOLD``): a gate-dense circuit with idle
    relaxation between its gates still samples the exact distribution."""
    calibration, spec = device("ibm_fez")
    exact = simulate(qft(6), spec, calibration=calibration, seed=12, idle_noise=True)
    shots = 20_000
    sampled = simulate(
        qft(6), spec, calibration=calibration, shots=shots, seed=12, idle_noise=True, method="trajectories"
    )
    assert sampled.active_qubits == exact.active_qubits
    distance, categories = lumped_tvd(sampled.noisy_counts, exact.noisy_probabilities, shots)
    assert distance < tvd_bound(categories, shots)


def test_stabilizer_agrees_with_the_exact_distribution_for_a_clifford_circuit_with_pauli_noise():
    calibration = load_preset("ibm_algiers")
    spec = pauli_only("ibm_algiers")
    circuit = random_clifford(5, 3, seed=11)
    exact = simulate(circuit, spec, calibration=calibration, seed=7)
    sampled = simulate(circuit, spec, calibration=calibration, shots=8000, seed=7, method="stabilizer")
    assert sampled.method == "stabilizer"
    distance, categories = lumped_tvd(sampled.noisy_counts, exact.noisy_probabilities, sampled.shots)
    assert distance < tvd_bound(categories, sampled.shots)


def test_auto_picks_the_stabilizer_for_a_wide_clifford_circuit_with_pauli_noise():
    calibration = load_preset("ibm_sherbrooke")
    result = simulate(ghz(40), pauli_only("ibm_sherbrooke"), calibration=calibration, shots=1000, seed=8)
    assert result.method == "stabilizer"
    assert "optimization level 1" in result.method_reason
    assert len(result.active_qubits) == 40
    assert set(result.ideal_counts.index) == {"0" * 40, "1" * 40}
    assert 0.05 < result.metrics.success_probability < 0.95
    weights = np.repeat([label.count("1") for label in result.noisy_counts.index], result.noisy_counts)
    near_ideal = np.mean((weights <= 4) | (weights >= 36))
    assert near_ideal > 0.5  # Pauli noise flips a few bits; the GHZ peaks stay


def test_the_stabilizer_runs_a_clifford_circuit_on_a_hundred_qubits():
    calibration = load_preset("ibm_sherbrooke")
    result = simulate(ghz(100), pauli_only("ibm_sherbrooke"), calibration=calibration, shots=200, seed=8)
    assert result.method == "stabilizer"
    assert len(result.active_qubits) >= 100
    assert set(result.ideal_counts.index) == {"0" * 100, "1" * 100}
    assert result.noisy_counts.sum() == 200


def test_auto_samples_when_the_density_matrix_exceeds_the_exact_budget():
    calibration, spec = device("ibm_algiers")
    limits = SimulationLimits(exact_budget_bytes=16 * 4**4)
    result = simulate(ghz(5), spec, calibration=calibration, seed=9, limits=limits)
    assert result.method == "trajectories"
    assert "exceeds the exact budget" in result.method_reason


def test_mid_circuit_measurements_run_as_trajectories_with_readout_in_the_model():
    circuit = QuantumCircuit(1, 2)
    circuit.x(0)
    circuit.measure(0, 0)
    circuit.x(0)
    circuit.measure(0, 1)
    spec = NoiseSpec(readout_assignment_probabilities=[[0.9, 0.1], [0.3, 0.7]])
    shots = 20_000
    result = simulate(circuit, spec, shots=shots, seed=10)
    assert result.method == "trajectories"
    # clbit 0 reads a prepared 1, clbit 1 a prepared 0, each through the same matrix, independently.
    exact = pd.Series({"00": 0.9 * 0.3, "01": 0.9 * 0.7, "10": 0.1 * 0.3, "11": 0.1 * 0.7})
    distance, categories = lumped_tvd(result.noisy_counts, exact, shots)
    assert distance < tvd_bound(categories, shots)
    assert result.ideal_counts.to_dict() == {"01": shots}


# --- seeds --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["density_matrix", "trajectories"])
def test_a_seed_reproduces_the_counts(method):
    calibration, spec = device("ibmq_manila")
    first = simulate(ghz(4), spec, calibration=calibration, seed=123, method=method)
    second = simulate(ghz(4), spec, calibration=calibration, seed=123, method=method)
    pd.testing.assert_series_equal(first.noisy_counts, second.noisy_counts)
    pd.testing.assert_series_equal(first.ideal_counts, second.ideal_counts)
    assert first.seed == 123


def test_a_missing_seed_is_drawn_and_reported_so_the_run_can_be_repeated():
    calibration, spec = device("ibmq_manila")
    first = simulate(bell(), spec, calibration=calibration, method="trajectories")
    again = simulate(bell(), spec, calibration=calibration, method="trajectories", seed=first.seed)
    pd.testing.assert_series_equal(first.noisy_counts, again.noisy_counts)


def test_consecutive_seeds_give_independent_trajectory_samples():
    """Aer seeds shot i with seed + i; unhashed, seeds 1…10 would share most shots.

    For independent runs the all-zero count varies like a binomial; the sample variance over ten
    seeds falls below a sixteenth of the binomial variance with probability < 1e-4 (χ², 9 dof).
    """
    calibration, spec = device("ibmq_manila")
    shots = 2000
    zeros = [
        simulate(ghz(3), spec, calibration=calibration, shots=shots, seed=seed, method="trajectories").noisy_counts.get(
            "000", 0
        )
        for seed in range(1, 11)
    ]
    p = np.mean(zeros) / shots
    assert np.var(zeros, ddof=1) > shots * p * (1 - p) / 16


# --- placement, coverage ------------------------------------------------------------------


def test_without_a_device_the_circuit_keeps_its_qubits_and_uses_the_spec_basis():
    result = simulate(bell(), GATE_NOISE, seed=1)
    assert result.active_qubits == (0, 1)
    assert set(result.transpiled.count_ops()) <= {"cx", "id", "rz", "sx", "x", "measure", "barrier"}
    assert result.measured_qubits.to_dict() == {0: 0, 1: 1}


def test_on_a_device_the_layout_avoids_couplers_reported_broken():
    calibration, spec = device("ibm_torino")
    broken = {
        (gate, qubits) for gate, qubits, props in calibration.gate_entries() if props.get("gate_error", (0,))[0] >= 1
    }
    result = simulate(ghz(10), spec, calibration=calibration, seed=2)
    index = {bit: position for position, bit in enumerate(result.transpiled.qubits)}
    used = {(item.operation.name, tuple(index[q] for q in item.qubits)) for item in result.transpiled.data}
    assert broken and not used & broken
    assert any("reported broken" in warning for warning in result.warnings)


@pytest.mark.parametrize("idle_noise", [True, False], ids=["scheduled", "unscheduled"])
def test_the_reported_layout_is_the_device_qubits_and_pinning_it_keeps_the_run_in_place(idle_noise: bool):
    """Physical qubits are the one currency: the initial layout names device qubits among the active ones, and a
    run pinned to it lands on the same qubits with the same exact distribution (scheduling once lost the layout)."""
    calibration, spec = device("ibm_pittsburgh")
    free = simulate(ghz(4), spec, calibration=calibration, shots=100, seed=7, idle_noise=idle_noise)
    assert set(free.initial_layout) == set(free.active_qubits) != set(range(4))
    pinned = simulate(
        ghz(4), spec, calibration=calibration, shots=100, seed=11, idle_noise=idle_noise,
        initial_layout=list(free.initial_layout),
    )  # fmt: skip
    assert pinned.active_qubits == free.active_qubits and pinned.initial_layout == free.initial_layout
    assert np.allclose(pinned.noisy_probabilities.sort_index(), free.noisy_probabilities.sort_index(), atol=1e-12)


def test_the_target_leaves_out_fractional_gates_unless_asked():
    calibration = load_preset("ibm_fez")
    assert {"rx", "rzz"}.isdisjoint(build_target(calibration).target.operation_names)
    assert {"rx", "rzz"} <= set(build_target(calibration, fractional_gates=True).target.operation_names)


def test_coverage_reports_instructions_that_received_no_noise():
    spec = NoiseSpec(gate_depolarizing_errors=[{"gate": "sx", "num_qubits": 1, "probability": 0.01}])
    result = simulate(bell(), spec, seed=3)
    rows = result.coverage.set_index("instruction")
    assert rows.loc["cx", "source"] == "none"
    assert set(rows.loc[["sx"], "source"]) == {"all-qubit"}
    assert any("cx on [0,1]" in warning for warning in result.warnings)


def test_coverage_names_each_channel_and_does_not_flag_calibrated_noiseless_rz():
    calibration, spec = device("ibm_fez")
    result = simulate(ghz(3), spec, calibration=calibration, seed=4)
    coverage = result.coverage
    cz = coverage[coverage["instruction"] == "cz"]
    assert (cz["source"] == "qubit-specific").all()
    assert (cz["channels"] == "depolarizing + thermal relaxation").all()
    assert (cz["infidelity"] > 0).all()
    rz = coverage[coverage["instruction"] == "rz"]
    assert (rz["source"] == "none").all() and (rz["reported_error"] == 0).all()
    measure = coverage[coverage["instruction"] == "measure"]
    assert (measure["channels"] == "readout matrix").all()
    assert not any("without noise" in warning for warning in result.warnings)


def test_a_channel_on_measure_acts_before_the_readout_in_the_exact_path():
    """An X error on measure flips the outcome; Aer applies it before measuring, and so do we."""
    spec = NoiseSpec(
        gate_pauli_errors=[
            {
                "gate": "measure",
                "num_qubits": 1,
                "pauli_terms": [{"pauli": "X", "probability": 0.25}, {"pauli": "I", "probability": 0.75}],
            }
        ]
    )
    circuit = QuantumCircuit(1, 1)
    circuit.measure(0, 0)
    exact = simulate(circuit, spec, seed=5)
    assert exact.noisy_probabilities["1"] == pytest.approx(0.25)
    sampled = simulate(circuit, spec, shots=20_000, seed=5, method="trajectories")
    distance, categories = lumped_tvd(sampled.noisy_counts, exact.noisy_probabilities, 20_000)
    assert distance < tvd_bound(categories, 20_000)


def test_noise_models_are_reused_per_spec_and_circuit_placement_and_the_oldest_is_dropped():
    calibration, spec = device("ibmq_manila")

    def placed(layout: list[int]) -> PlacedCircuit:
        return prepare_simulation(bell(), spec, calibration, RunOptions(seed=1, initial_layout=layout)).placed

    cache = NoiseModelCache(size=2)
    first = cache.get(spec, placed([0, 1]), readout=False)
    assert cache.get(spec, placed([0, 1]), readout=False) is first
    assert cache.get(spec, placed([1, 2]), readout=False) is not first
    edited = spec.model_copy(update={"readout_bit_flip_probability": 0.1, "local_readout_errors": []})
    assert cache.get(edited, placed([0, 1]), readout=False) is not first
    assert cache.get(spec, placed([0, 1]), readout=False) is not first  # evicted: size 2 and two newer keys


def test_a_circuits_noise_model_holds_only_the_errors_it_meets():
    """Aer converts every error of a model on each run; a model for one circuit keeps the placements it applies."""
    calibration, spec = device("ibm_fez")
    placed = prepare_simulation(ghz(12), spec, calibration, RunOptions(seed=2026, idle_noise=False)).placed
    full = build_noise_model(spec, qubits=placed.active_qubits, compact=True, readout=False)
    model = NoiseModelCache().get(spec, placed, readout=False)
    renumber = {physical: index for index, physical in enumerate(placed.active_qubits)}
    met = {(gate, tuple(renumber[q] for q in qubits)) for gate, qubits in placed.placements() or ()}
    kept = {(gate, tuple(qubits)) for gate, by_qubits in model._local_quantum_errors.items() for qubits in by_qubits}
    assert kept and kept <= met
    assert len(model.to_dict()["errors"]) < len(full.to_dict()["errors"]) / 3  # 23 of 104 on this circuit


def test_the_distribution_table_lines_up_ideal_and_noisy_outcomes():
    calibration, spec = device("ibmq_manila")
    result = simulate(bell(), spec, calibration=calibration, seed=6)
    table = result.distribution_table()
    assert list(table.columns) == ["ideal", "noisy", "ideal_counts", "noisy_counts"]
    assert table["noisy"].sum() == pytest.approx(1.0)
    assert table.index[0] in {"00", "11"}
    assert table["noisy_counts"].sum() == result.shots


# --- guardrails ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"shots": 0}, r"shots must be an integer from 1 to 1,000,000; got 0"),
        ({"shots": 2_000_000}, r"shots must be an integer from 1 to 1,000,000"),
        ({"shots": 10.5}, r"shots must be an integer"),
        ({"shots": True}, r"shots must be an integer"),
        ({"seed": -1}, r"seed must be a non-negative integer or None; got -1"),
        (
            {"method": "gpu"},
            r"method must be one of auto, density_matrix, trajectories, stabilizer, twirled, matrix_product_state; got 'gpu'",
        ),
        ({"optimization_level": 5}, r"optimization_level must be 0, 1, 2 or 3; got 5"),
    ],
)
def test_bad_settings_are_refused_with_the_rule(settings, message):
    with pytest.raises(SimulationError, match=message):
        simulate(bell(), NoiseSpec(), **settings)


def test_a_circuit_wider_than_the_device_is_refused():
    with pytest.raises(SimulationError, match=r"needs 6 qubits but ibmq_manila has 5; choose a larger device"):
        simulate(ghz(6), NoiseSpec(), calibration=load_preset("ibmq_manila"))


def test_a_circuit_without_measurements_is_refused():
    circuit = QuantumCircuit(2)
    circuit.h(0)
    with pytest.raises(SimulationError, match=r"measures nothing; add measurements"):
        simulate(circuit, NoiseSpec())


def test_measure_and_reset_by_feed_forward_fails_exactly_when_the_first_readout_does():
    """x; measure; if (c0) x; measure: a wrong first readout skips the reset, a wrong second one flips the result."""
    circuit = QuantumCircuit(1, 1)
    circuit.x(0)
    circuit.measure(0, 0)
    with circuit.if_test(expr.lift(circuit.clbits[0])):
        circuit.x(0)
    circuit.measure(0, 0)
    p, shots = 0.1, 20_000
    result = simulate(circuit, NoiseSpec(readout_bit_flip_probability=p), seed=3, shots=shots)
    expected = 2 * p * (1 - p)
    assert result.noisy_counts.get("1", 0) / shots == pytest.approx(
        expected, abs=5 * (expected * (1 - expected) / shots) ** 0.5
    )
    assert simulate(circuit, NoiseSpec(), seed=3).noisy_counts.to_dict() == {"0": 4000}


def test_a_forced_density_matrix_over_its_memory_limit_is_refused():
    limits = SimulationLimits(max_density_matrix_bytes=16 * 4**3)
    with pytest.raises(SimulationError, match=r"a density matrix of 4 qubits needs 4 KiB \(limit 1 KiB\)"):
        simulate(ghz(4), NoiseSpec(), method="density_matrix", limits=limits)


def test_a_circuit_too_wide_for_any_method_says_what_to_change():
    limits = SimulationLimits(exact_budget_bytes=16, max_statevector_bytes=16 * 2**4, max_memory_bytes=2**20)
    with pytest.raises(
        SimulationError,
        match=r"matrix_product_state on 5 active qubits would need about 128 MiB, bonds up to 4 \(limit 1 MiB\); "
        "use fewer shots or qubits",
    ):
        simulate(qft(5), GATE_NOISE, limits=limits)
    with pytest.raises(SimulationError, match=r"active on 5 qubits: a statevector needs 512 B, over the 256 B limit"):
        simulate(qft(5), GATE_NOISE, limits=limits, method="trajectories")


@pytest.mark.parametrize(
    ("circuit", "spec", "message"),
    [
        (
            qft(3),
            pauli_only("ibmq_manila"),
            r"needs a Clifford circuit with Pauli-only noise; rz\(.*\) is not a multiple of π/2",
        ),
        (ghz(3), device("ibmq_manila")[1], r"has thermal relaxation, which is not a Pauli channel"),
    ],
)
def test_the_stabilizer_method_is_refused_when_it_does_not_apply(circuit, spec, message):
    with pytest.raises(SimulationError, match=message):
        simulate(circuit, spec, calibration=load_preset("ibmq_manila"), method="stabilizer")


def test_openqasm_text_is_simulated_and_bad_text_names_the_line():
    program = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'
    result = simulate(program, NoiseSpec(), seed=1)
    assert set(result.noisy_counts.index) == {"00", "11"}
    with pytest.raises(CircuitParseError, match=r"line 6, column 1: needed ';', but instead saw"):
        simulate(program.replace("h q[0];", "h q[0]"), NoiseSpec())


def test_assignment_matrices_of_the_readout_only_spec_combine_as_a_kronecker_product():
    joint = joint_assignment_matrix(READOUT_ONLY, [0, 1])
    single = [np.array(e.assignment_probabilities) for e in READOUT_ONLY.local_readout_errors[:2]]
    assert joint.to_numpy() == pytest.approx(reduce(np.kron, reversed(single)))
    assert joint.loc["01", "01"] == pytest.approx(0.92 * 0.99)  # label "01": qubit 0 is 1, qubit 1 is 0


def test_the_plan_places_the_circuit_as_simulate_does_with_the_same_layout():
    calibration, spec = device("ibmq_manila")
    layout = [4, 3, 2]
    plan = plan_simulation(ghz(3), spec, calibration=calibration, seed=3, initial_layout=layout)
    result = simulate(ghz(3), spec, calibration=calibration, seed=3, initial_layout=layout)
    assert plan.active_qubits == result.active_qubits == (2, 3, 4)
    assert plan.method == result.method
    assert plan.estimated_seconds > 0


def test_a_run_whose_estimated_peak_exceeds_the_memory_limit_is_refused_before_it_starts():
    calibration, spec = device("ibm_pittsburgh")
    with pytest.raises(
        SimulationError,
        match=r"trajectories on 24 active qubits would need about \d+ GiB, ~\d+ branches of shot branching \(limit 6 GiB\); use fewer shots or qubits",
    ):
        plan_simulation(ghz(24), spec, calibration=calibration, seed=1, method="trajectories")
    assert plan_simulation(ghz(24), spec, calibration=calibration, seed=1).method == "twirled"  # auto goes on
    small = SimulationLimits(max_memory_bytes=150 * 2**20)
    with pytest.raises(
        SimulationError,
        match=r"trajectories on 14 active qubits would need about 235 MiB, ~286 branches of shot branching \(limit 150 MiB\)",
    ):
        simulate(ghz(14), spec, calibration=calibration, seed=1, limits=small, method="trajectories")


def test_the_error_probability_per_shot_compounds_each_gates_infidelity():
    circuit = QuantumCircuit(1, 1)
    for _ in range(3):
        circuit.x(0)
    circuit.measure(0, 0)
    spec = NoiseSpec(gate_depolarizing_errors=[{"gate": "x", "num_qubits": 1, "probability": 0.1}])
    assert shot_error_probability(noise_coverage(circuit, spec)) == pytest.approx(1 - (1 - 0.75 * 0.1) ** 3, abs=1e-12)
    assert shot_error_probability(noise_coverage(circuit, NoiseSpec())) == 0.0


@pytest.mark.parametrize(("probability", "branches"), [(0.0, 1), (0.03, 121), (1.0, 4000)])
def test_shot_branching_follows_the_error_probability_up_to_the_shots(probability: float, branches: int):
    assert expected_branches(4000, probability) == branches
    peaks = [estimated_peak_bytes("trajectories", width, 4000, probability) for width in (10, 11)]
    assert peaks[1] - PROCESS_OVERHEAD_BYTES == pytest.approx(2 * (peaks[0] - PROCESS_OVERHEAD_BYTES), rel=1e-9)


def test_a_budget_under_the_plan_stops_before_simulating_and_carries_the_plan() -> None:
    circuit = ghz(3)
    spec = NoiseSpec(readout_bit_flip_probability=0.02)
    with pytest.raises(OverBudgetError, match=r"estimated .* s \(density_matrix on 3 qubits\), over the 0 s") as over:
        simulate(circuit, spec, shots=100, seed=1, max_estimated_seconds=0.0)
    planned = plan_simulation(circuit, spec, shots=100, seed=1)
    assert replace(over.value.plan, preparation_seconds=0.0) == replace(planned, preparation_seconds=0.0)
    assert over.value.plan.preparation_seconds > 0.0  # measured: transpiling again comes before a run
    within = simulate(circuit, spec, shots=100, seed=1, max_estimated_seconds=60.0)
    assert within.noisy_counts.equals(simulate(circuit, spec, shots=100, seed=1).noisy_counts)
