"""RunOptions: one checked value for how a circuit runs, taken by simulate, plan_simulation and the analyses."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest

from noise_core import NoiseSpec, error_budget, simulate, sweep
from noise_core.errors import SimulationError
from noise_core.simulation.circuits import ghz
from noise_core.simulation.methods import SimulationLimits
from noise_core.simulation.options import DEFAULT_LEVEL, DEFAULT_SHOTS, RunOptions, run_options
from noise_core.simulation.simulate import plan_simulation
from noise_core.spec.models import DepolarizingNoiseOnGate


def noisy_spec() -> NoiseSpec:
    return NoiseSpec(gate_depolarizing_errors=[DepolarizingNoiseOnGate(gate="cx", num_qubits=2, probability=0.05)])


def test_the_defaults_are_in_one_place() -> None:
    options = RunOptions()
    assert (options.shots, options.seed, options.method) == (DEFAULT_SHOTS, None, "auto")
    assert options.optimization_level == DEFAULT_LEVEL
    assert (options.initial_layout, options.expected_outcomes, options.idle_noise) == (None, None, None)
    assert options.avoid_uncalibrated_couplers is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"shots": 0}, r"shots must be an integer from 1 to 1,000,000; got 0"),
        ({"shots": 2.5}, r"shots must be an integer"),
        ({"seed": -1}, r"seed must be a non-negative integer or None; got -1"),
        ({"method": "mps"}, r"method must be one of auto, density_matrix, trajectories, stabilizer, twirled, matrix_product_state; got 'mps'"),
        ({"optimization_level": 4}, r"optimization_level must be 0, 1, 2 or 3; got 4"),
        ({"optimization_level": True}, r"optimization_level must be 0, 1, 2 or 3; got True"),
        ({"initial_layout": (0, 0)}, r"initial_layout must list distinct physical qubits; got \[0, 0\]"),
        ({"initial_layout": (0, -1)}, r"initial_layout must list physical qubits \(integers ≥ 0\)"),
        ({"expected_outcomes": ["01", "2"]}, r"expected outcomes must be one or more bitstrings of one length"),
        ({"expected_outcomes": ["01", "011"]}, r"expected outcomes must be one or more bitstrings of one length"),
        ({"expected_outcomes": []}, r"expected outcomes must be one or more bitstrings"),
    ],
)  # fmt: skip
def test_a_bad_field_is_refused_when_the_options_are_made(fields: dict, message: str) -> None:
    with pytest.raises(SimulationError, match=message):
        RunOptions(**fields)
    with pytest.raises(SimulationError, match=message):
        run_options(None, fields)  # the keyword shortcuts go through the same checks


def test_keyword_shortcuts_replace_the_fields_of_the_options_given() -> None:
    base = RunOptions(shots=10, seed=3, method="density_matrix")
    built = run_options(base, {"shots": 20, "initial_layout": [2, 1], "expected_outcomes": ["00", "11"]})
    assert (built.shots, built.seed, built.method) == (20, 3, "density_matrix")
    assert built.initial_layout == (2, 1)
    assert built.expected_outcomes == frozenset({"00", "11"})
    assert run_options(base, {}) is base
    with pytest.raises(SimulationError, match="options must be a RunOptions; got dict"):
        run_options({"shots": 3}, {})  # type: ignore[arg-type]


def test_options_are_frozen_and_cross_a_process_boundary() -> None:
    options = RunOptions(shots=5, seed=1, initial_layout=(3, 4), limits=SimulationLimits(max_shots=10))
    with pytest.raises(AttributeError):
        options.shots = 6  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(options)) == options
    with pytest.raises(SimulationError, match="shots must be an integer from 1 to 10; got 20"):
        replace(options, shots=20)  # the limits given bound the shots


def test_simulate_takes_options_or_shortcuts_alike_and_reports_a_drawn_seed() -> None:
    spec = noisy_spec()
    by_options = simulate(ghz(2), spec, RunOptions(shots=300, seed=7))
    by_keywords = simulate(ghz(2), spec, shots=300, seed=7)
    assert by_options.noisy_counts.equals(by_keywords.noisy_counts)
    drawn = simulate(ghz(2), spec, RunOptions(shots=300))
    again = simulate(ghz(2), spec, shots=300, seed=drawn.seed)
    assert drawn.noisy_counts.equals(again.noisy_counts)


def test_expected_outcomes_in_the_options_give_an_openqasm_circuit_its_success() -> None:
    program = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;'
    result = simulate(program, noisy_spec(), shots=200, seed=1, method="density_matrix", expected_outcomes=["00", "11"])
    assert result.expected_outcomes == frozenset({"00", "11"})
    assert result.metrics.success_probability == pytest.approx(
        1 - 0.05 / 2, abs=1e-9
    )  # depolarizing λ: half the Paulis flip the parity
    with pytest.raises(
        SimulationError, match=r"expected outcomes must be bitstrings of 2 bits \(clbit 0 last\); got '000'"
    ):
        simulate(program, noisy_spec(), seed=1, expected_outcomes=["000"])


def test_the_plan_and_the_analyses_take_the_same_options() -> None:
    options = RunOptions(shots=200, seed=5)
    plan = plan_simulation(ghz(3), noisy_spec(), options)
    assert plan.method == simulate(ghz(3), noisy_spec(), options).method
    budget = error_budget(ghz(3), noisy_spec(), options)
    assert (budget.shots, budget.seed) == (200, 5)
    drawn = error_budget(ghz(3), noisy_spec(), replace(options, seed=None))
    repeated = error_budget(ghz(3), noisy_spec(), options, seed=drawn.seed)
    assert repeated.total_loss == drawn.total_loss
    assert repeated.by_kind.equals(drawn.by_kind)
    frame = sweep(ghz(3), noisy_spec(), options, factors={"gate": [0.0, 1.0]})
    assert frame.attrs["seed"] == 5
