"""Wide circuits: Stim samples the (twirled) model, the twirl stays within its bound of the exact distribution,
the MPS method states its truncation, and limits refuse before a run starts."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from qiskit import QuantumCircuit, transpile
from qiskit_aer import AerSimulator

from harness.statistics import lumped_tvd, tvd_bound
from noise_core import NoiseSpec, derive_noise_spec, simulate
from noise_core.analysis.sweep import sweep
from noise_core.errors import SimulationError
from noise_core.simulation import SimulationLimits, plan_simulation
from noise_core.simulation.circuits import ghz, mirror, random_clifford
from noise_core.simulation.mps import truncation_of
from noise_core.simulation.options import RunOptions
from noise_core.simulation.prepare import prepare_simulation
from noise_core.simulation.result import total_variation_distance
from noise_core.simulation.run import NOISE_MODELS, AerRun
from noise_core.simulation.twirl_measurement import measure_twirl
from presets import load_preset

SHOTS = 40_000


@cache
def device(name: str = "ibm_pittsburgh"):  # type: ignore[no-untyped-def]
    calibration = load_preset(name)
    return calibration, derive_noise_spec(calibration)


def with_extras(spec: NoiseSpec) -> NoiseSpec:
    """``spec`` plus what a derived model lacks: ZZ crosstalk on a coupler, detuning and a coherent cz error."""
    extras = {
        "zz_crosstalk_errors": [{"qubits": [0, 1], "zz": 300.0}, {"qubits": [1, 2], "zz": -150.0}],
        "idle_detuning_errors": [{"qubit": 2, "detuning": 40.0}],
        "local_coherent_errors": [{"gate": "cz", "qubits": [0, 1], "angle": 0.08}],
    }
    return NoiseSpec.model_validate({**spec.model_dump(mode="json"), **extras})


def exact_and_twirled(circuit, spec, calibration, layout):  # type: ignore[no-untyped-def]
    """The model's and the twirled model's exact distributions of one placement, and that placement's bound."""
    options = RunOptions(shots=1, seed=8, method="density_matrix", initial_layout=layout, optimization_level=1)
    prepared = prepare_simulation(circuit, spec, calibration, options)
    model = NOISE_MODELS.get(prepared.spec, prepared.placed, readout=False)
    run = AerRun(prepared.placed, prepared.spec, model, 1, np.random.default_rng(2), [2, 2], options.limits)
    exact, _counts = run.noisy("density_matrix")
    return exact, run.twirled_exact(), run.pauli.distance_bound


CASES = [
    pytest.param(ghz(5), "ibm_pittsburgh", (0, 1, 2, 3, 4), id="GHZ(5) on cz"),
    pytest.param(mirror(4, 3, 7), "ibm_pittsburgh", (0, 1, 2, 3), id="mirror(4) on cz"),
    pytest.param(random_clifford(3, 4, 2), "ibm_sherbrooke", (0, 1, 2), id="random Clifford(3) on ecr"),
]


@pytest.mark.parametrize(("circuit", "name", "layout"), CASES)
def test_stim_samples_the_twirled_models_exact_distribution(circuit, name, layout) -> None:  # type: ignore[no-untyped-def]
    """Stim's counts against Aer's density matrix of the same Pauli channels (readout on both), ZZ crosstalk,
    detuning and a coherent error included; the twirl itself moves the distribution less than its stated bound."""
    calibration, derived = device(name)
    spec = with_extras(derived)
    exact, twirled, _bound = exact_and_twirled(circuit, spec, calibration, list(layout))
    run = simulate(circuit, spec, calibration=calibration, seed=8, shots=SHOTS, method="twirled", initial_layout=layout)
    placed_alike = prepare_simulation(
        circuit, spec, calibration, RunOptions(seed=8, initial_layout=layout, optimization_level=1)
    )
    assert run.transpiled == placed_alike.placed.transpiled  # the exact distributions are of this very circuit
    distance, categories = lumped_tvd(run.noisy_counts, twirled, SHOTS)
    assert distance < tvd_bound(categories, SHOTS)
    assert total_variation_distance(exact, twirled) > 0
    assert "Pauli-twirled" in run.approximation and "thermal relaxation on gates" in run.approximation


@pytest.mark.parametrize(("circuit", "name", "layout"), CASES)
def test_the_twirl_moves_the_derived_models_distribution_less_than_its_stated_bound(circuit, name, layout) -> None:  # type: ignore[no-untyped-def]
    """On the derived model (relaxation on every gate and wait) the channels' bounds add up to under 1, so the
    bound says something, and the exact distance is within it."""
    calibration, derived = device(name)
    exact, twirled, bound = exact_and_twirled(circuit, derived, calibration, list(layout))
    assert 0 < total_variation_distance(exact, twirled) <= bound < 1


def test_a_coherent_error_twirled_adds_in_probability_not_amplitude() -> None:
    """Four sx, each over-rotated by 0.1 rad: coherently P(1) = sin²(0.2) = 0.039; twirled, each sx flips with
    sin²(0.05) and P(1) ≈ 4·0.0025. Stim's counts sit within the shot bound of the twirled model's exact
    distribution and visibly away from the model's own, so the twirl is what Stim samples."""
    circuit = QuantumCircuit(1, 1)
    for _ in range(4):
        circuit.sx(0)
        circuit.barrier()
    circuit.measure(0, 0)
    spec = NoiseSpec.model_validate({"gate_coherent_errors": [{"gate": "sx", "angle": 0.1}]})
    run = {"seed": 5, "optimization_level": 0}
    exact = simulate(circuit, spec, **run, method="density_matrix").noisy_probabilities
    assert exact["1"] == pytest.approx(np.sin(0.2) ** 2, abs=1e-12)
    sampled = simulate(circuit, spec, **run, method="twirled", shots=SHOTS).noisy_counts
    assert abs(sampled.get("1", 0) / SHOTS - 4 * np.sin(0.05) ** 2) < tvd_bound(2, SHOTS)
    assert total_variation_distance(exact, sampled / SHOTS) > 2 * tvd_bound(2, SHOTS)


def test_stim_samples_a_noiseless_clifford_circuit_as_the_ideal_distribution() -> None:
    circuit = random_clifford(6, 5, 11)
    result = simulate(circuit, NoiseSpec(), seed=3, shots=SHOTS, method="stabilizer")
    exact = simulate(circuit, NoiseSpec(), seed=3, method="density_matrix").ideal_probabilities
    distance, categories = lumped_tvd(result.noisy_counts, exact, SHOTS)
    assert distance < tvd_bound(categories, SHOTS)
    wide = simulate(ghz(80), NoiseSpec(), seed=3, shots=SHOTS)
    assert wide.method == "stabilizer" and set(wide.noisy_counts.index) == {"0" * 80, "1" * 80}
    assert abs(wide.noisy_counts["0" * 80] / SHOTS - 0.5) < 4 * 0.5 / np.sqrt(SHOTS)


@pytest.mark.parametrize("gate", ["cz", "cx"])
def test_stim_puts_each_letter_of_a_two_qubit_pauli_on_its_own_qubit(gate: str) -> None:
    """'IX' on a gate of qubits [0, 1] flips qubit 0 (a Qiskit label's last letter is the gate's first qubit) and
    'XI' qubit 1; with both, the four outcomes have the product probabilities, on Stim as in the density matrix."""
    circuit = QuantumCircuit(2, 2)
    getattr(circuit, gate)(0, 1)
    circuit.measure([0, 1], [0, 1])
    terms = [
        {"pauli": "II", "probability": 0.6},
        {"pauli": "IX", "probability": 0.3},
        {"pauli": "XI", "probability": 0.1},
    ]
    spec = NoiseSpec.model_validate({"local_pauli_errors": [{"gate": gate, "qubits": [0, 1], "pauli_terms": terms}]})
    run = {"seed": 2, "optimization_level": 0}
    exact = simulate(circuit, spec, **run, method="density_matrix").noisy_probabilities
    assert exact.to_dict() == pytest.approx({"00": 0.6, "01": 0.3, "10": 0.1}, abs=1e-12)
    sampled = simulate(circuit, spec, **run, method="stabilizer", shots=SHOTS).noisy_counts
    distance, categories = lumped_tvd(sampled, exact, SHOTS)
    assert distance < tvd_bound(categories, SHOTS)


def test_stim_puts_the_channels_of_delay_reset_and_measure_where_aer_does() -> None:
    """A Pauli-only model with entries on delay, reset and measure, and asymmetric readout, on a circuit with a
    reset, a delay and three clbits (one left unmeasured): Stim's counts within the shot bound of the exact model."""
    circuit = QuantumCircuit(3, 3)
    circuit.x(0)
    circuit.reset(0)
    circuit.h(1)
    circuit.delay(200, 1, unit="ns")
    circuit.cx(1, 2)
    circuit.measure([1, 2], [0, 2])

    def flips(gate: str, qubit: int, pauli: str, probability: float) -> dict:  # type: ignore[type-arg]
        terms = [{"pauli": "I", "probability": 1 - probability}, {"pauli": pauli, "probability": probability}]
        return {"gate": gate, "qubits": [qubit], "pauli_terms": terms}

    spec = NoiseSpec.model_validate(
        {
            "local_pauli_errors": [
                flips("reset", 0, "X", 0.2),
                flips("delay", 1, "Z", 0.3),
                flips("measure", 2, "X", 0.1),
                flips("measure", 1, "Y", 0.05),
            ],
            "local_readout_errors": [
                {"qubit": 1, "assignment_probabilities": [[0.97, 0.03], [0.1, 0.9]]},
                {"qubit": 2, "assignment_probabilities": [[0.9, 0.1], [0.02, 0.98]]},
            ],
        }
    )
    run = {"seed": 9, "optimization_level": 0}
    exact = simulate(circuit, spec, **run, method="density_matrix").noisy_probabilities
    sampled = simulate(circuit, spec, **run, method="stabilizer", shots=SHOTS)
    assert sampled.method == "stabilizer" and sampled.approximation == ""
    distance, categories = lumped_tvd(sampled.noisy_counts, exact, SHOTS)
    assert distance < tvd_bound(categories, SHOTS)
    assert {label[1] for label in sampled.noisy_counts.index} == {"0"}  # clbit 1 is never written


def test_auto_runs_a_clifford_circuit_under_pauli_noise_on_the_stabilizer_where_trajectories_do_not_fit() -> None:
    """Trajectories' memory over the limit: the stabilizer method (exact), for a circuit measured at the end (Stim)
    and one measured mid-circuit (Aer), rather than an approximate method."""
    calibration = load_preset("ibm_pittsburgh")
    spec = derive_noise_spec(calibration, thermal_relaxation=False)
    small = SimulationLimits(max_memory_bytes=170 * 2**20)  # trajectories ~240 MiB, Aer's stabilizer 152 MiB
    plan = plan_simulation(ghz(14), spec, calibration=calibration, seed=1, limits=small)
    assert plan.method == "stabilizer" and "Pauli-only noise" in plan.reason
    dynamic = QuantumCircuit(14, 14)
    dynamic.h(0)
    for qubit in range(13):
        dynamic.cx(qubit, qubit + 1)
    dynamic.measure(0, 0)
    dynamic.x(0)
    dynamic.measure(range(14), range(14))
    assert plan_simulation(dynamic, spec, calibration=calibration, seed=1, limits=small).method == "stabilizer"


def test_aers_stabilizer_takes_a_quarter_turn_a_few_ulps_off() -> None:
    """rz(−1.5707963267948974), as the transpiler writes it, in a circuit measured mid-circuit (so Aer's stabilizer,
    not Stim): it runs, within the shot bound of trajectories of the same model (Aer alone refuses it)."""
    circuit = QuantumCircuit(2, 2)
    circuit.h(0)
    circuit.rz(-1.5707963267948974, 0)
    circuit.sx(0)
    circuit.measure(0, 0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    refused = AerSimulator(method="stabilizer").run(circuit, shots=1).result()
    assert not refused.success and "invalid parameters" in str(refused.status)
    spec = NoiseSpec.model_validate({"gate_depolarizing_errors": [{"gate": "cx", "num_qubits": 2, "probability": 0.2}]})
    run = {"seed": 4, "optimization_level": 0, "shots": SHOTS}
    stabilizer = simulate(circuit, spec, **run, method="stabilizer")
    trajectories = simulate(circuit, spec, **run, method="trajectories")
    assert stabilizer.method == "stabilizer"
    distance = total_variation_distance(stabilizer.noisy_counts / SHOTS, trajectories.noisy_counts / SHOTS)
    assert distance < 2 * tvd_bound(4, SHOTS)  # two samples, each within its bound of the same distribution


def test_a_pauli_only_model_runs_on_stim_exactly_and_says_nothing_was_twirled() -> None:
    calibration = load_preset("ibm_pittsburgh")
    spec = derive_noise_spec(calibration, thermal_relaxation=False)
    layout = (0, 1, 2, 3, 4)
    result = simulate(
        ghz(5), spec, calibration=calibration, seed=4, shots=SHOTS, method="twirled", initial_layout=layout
    )
    exact = simulate(ghz(5), spec, calibration=calibration, seed=4, method="density_matrix", initial_layout=layout)
    distance, categories = lumped_tvd(result.noisy_counts, exact.noisy_probabilities, SHOTS)
    assert distance < tvd_bound(categories, SHOTS)
    assert result.approximation.startswith("nothing twirled")


def test_ghz_100_on_pittsburgh_runs_twirled_and_carries_its_measured_approximation() -> None:
    calibration, spec = device()
    result = simulate(ghz(100), spec, calibration=calibration, seed=1, shots=4000)
    assert result.method == "twirled" and len(result.active_qubits) == 100
    assert "approximate" in result.method_reason and "Pauli-twirled" in result.approximation
    measured = result.twirl_measured
    assert measured is not None and measured.circuit == "GHZ(8)"
    assert measured.physical_qubits == result.initial_layout[:8]  # the same part of the device
    assert 0 < measured.distance < 0.1


def test_a_seeded_wide_run_repeats_and_another_seed_does_not() -> None:
    calibration, spec = device()
    first, again, other = (
        simulate(mirror(60, 2, 1), spec, calibration=calibration, seed=seed, shots=2000) for seed in (5, 5, 6)
    )
    assert first.noisy_counts.equals(again.noisy_counts)
    assert not first.noisy_counts.equals(other.noisy_counts)


def test_measure_twirl_places_the_narrower_copy_on_the_given_qubits() -> None:
    calibration, spec = device()
    measured = measure_twirl(mirror(100, 3, 2), spec, calibration, physical_qubits=range(20, 40), width=5)
    assert measured.circuit == "mirror(5, depth 3, seed 2)" and measured.physical_qubits == (20, 21, 22, 23, 24)
    unknown = QuantumCircuit(5)
    unknown.h(range(5))
    unknown.measure_all()
    assert measure_twirl(unknown, spec, calibration, width=4).circuit == "GHZ(4)"  # it has no narrower copy
    assert measure_twirl(unknown, spec, calibration, width=12).circuit == "the circuit itself"


def test_an_uploaded_60_qubit_program_runs_twirled_and_is_measured_on_ghz() -> None:
    calibration, spec = device()
    program = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[60];\ncreg c[60];\nh q[0];\n'
    program += "".join(f"cx q[{qubit}],q[{qubit + 1}];\n" for qubit in range(59)) + "measure q -> c;\n"
    result = simulate(program, spec, calibration=calibration, seed=3, shots=1000)
    assert result.method == "twirled" and len(result.active_qubits) == 60
    assert result.twirl_measured is not None and result.twirl_measured.circuit == "GHZ(8)"
    assert result.twirl_measured.exact_success is not None  # GHZ(8) knows its outcomes; the program does not


def test_a_sweep_of_a_wide_circuit_runs_each_point_twirled() -> None:
    """Removing the relaxation on gates (factor 0) raises GHZ(40)'s success by more than the shots can hide."""
    calibration, spec = device()
    frame = sweep(ghz(40), spec, factors={"relaxation": [0.0, 1.0]}, calibration=calibration, seed=2, shots=2000)
    assert frame.attrs["method"] == "twirled" and not frame["exact"].any()
    without, with_relaxation = frame["success_probability"]
    assert without - with_relaxation > 4 * np.sqrt(0.25 / 2000)


def low_entanglement(width: int) -> QuantumCircuit:
    circuit = QuantumCircuit(width)
    circuit.h(0)
    for qubit in range(width - 1):
        circuit.cx(qubit, qubit + 1)
    circuit.ry(0.3, range(width))
    circuit.measure_all()
    return circuit


def test_a_wide_non_clifford_circuit_runs_on_mps_and_says_it_truncated_nothing() -> None:
    calibration, spec = device()
    result = simulate(low_entanglement(30), spec, calibration=calibration, seed=2, shots=50)
    assert result.method == "matrix_product_state"
    assert "nothing truncated (largest bond 2)" in result.approximation


def test_mps_samples_the_exact_distribution_of_a_narrow_circuit() -> None:
    calibration, spec = device()
    run = {"calibration": calibration, "seed": 6, "initial_layout": (0, 1, 2, 3)}
    exact = simulate(low_entanglement(4), spec, **run, method="density_matrix").noisy_probabilities
    shots = 5000
    sampled = simulate(low_entanglement(4), spec, **run, method="matrix_product_state", shots=shots)
    distance, categories = lumped_tvd(sampled.noisy_counts, exact, shots)
    assert distance < tvd_bound(categories, shots)


def test_the_mps_log_reads_as_the_discarded_weight_and_largest_bond() -> None:
    circuit = QuantumCircuit(10)
    for layer in range(6):
        circuit.ry(0.7 + 0.1 * layer, range(10))
        for qubit in range(layer % 2, 9, 2):
            circuit.cx(qubit, qubit + 1)
    circuit.measure_all()
    simulator = AerSimulator(
        method="matrix_product_state", matrix_product_state_max_bond_dimension=4, mps_log_data=True
    )
    compiled = transpile(circuit, basis_gates=["cx", "rz", "sx", "x"], optimization_level=0)
    truncation = truncation_of(
        simulator.run(compiled, shots=1, seed_simulator=1).result().results[0].metadata["MPS_log_data"]
    )
    assert truncation.largest_bond == 4 and truncation.discarded_weight > 1e-6
    assert "moves its distribution by at most about" in truncation.statement()


def test_wide_runs_over_the_limits_are_refused_before_they_start() -> None:
    calibration, spec = device()
    small = SimulationLimits(max_memory_bytes=130 * 2**20)
    with pytest.raises(
        SimulationError, match=r"twirled on 100 active qubits would need about 134 MiB \(limit 130 MiB\)"
    ):
        plan_simulation(ghz(100), spec, calibration=calibration, seed=1, limits=small, shots=4000)
    with pytest.raises(
        SimulationError,
        match=r"method='twirled' needs a Clifford circuit measured at the end; rz\(.*\) is not a multiple of π/2",
    ):
        plan_simulation(low_entanglement(30), spec, calibration=calibration, method="twirled", optimization_level=0)
    dynamic = QuantumCircuit(2, 2)
    dynamic.h(0)
    dynamic.measure(0, 0)
    dynamic.cx(0, 1)
    dynamic.measure(1, 1)
    with pytest.raises(SimulationError, match=r"it measures mid-circuit, and Stim's shots are read out at the end"):
        plan_simulation(dynamic, spec, calibration=calibration, method="twirled")
