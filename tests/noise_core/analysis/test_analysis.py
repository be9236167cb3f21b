"""Error budgets and sweeps (``noise_core.analysis``): physics identities, parity with ``simulate``, limits.

The exact path writes every channel into the circuit as a superoperator and runs the variants as
one Aer batch; ``simulate`` hands Aer a noise model. On Falcon (ibmq_manila) no error term is
small enough for Aer to drop (≤ 1e-10, see ``test_simulate_parity``), so the two agree to 1e-12.
"""

from __future__ import annotations

import json
import math
import re
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from qiskit.quantum_info import SuperOp

from noise_core import NoiseSpec, derive_noise_spec, error_budget, factor_reaching, scale_noise, simulate, sweep
from noise_core.aer import quantum_error
from noise_core.aer.channels import ChannelIndex
from noise_core.analysis import Variant, prepare_experiment, run_variants
from noise_core.calibration import BackendCalibration
from noise_core.cli import main
from noise_core.errors import AnalysisError, NoiseStudioError, ScalingError
from noise_core.export import spec_to_json
from noise_core.simulation.circuits import bell, ghz, qft
from noise_core.spec.factors import NoiseFactors
from noise_core.spec.restriction import restrict_spec
from presets import SNAPSHOT_DIR, load_preset

EXACT = 1e-12


@cache
def device(name: str = "ibmq_manila") -> tuple[BackendCalibration, NoiseSpec]:
    calibration = load_preset(name)
    return calibration, derive_noise_spec(calibration)


def flip_spec(probability: float) -> NoiseSpec:
    return NoiseSpec(readout_bit_flip_probability=probability)


# --- the exact evaluator ------------------------------------------------------------------


def test_superoperator_of_each_channel_equals_qiskits_conversion_of_its_aer_error() -> None:
    _calibration, spec = device("ibm_pittsburgh")
    channels = ChannelIndex.of(spec)
    for gate, qubits in [("sx", (0,)), ("x", (17,)), ("cz", (72, 73)), ("cz", (17, 7))]:
        channel = channels.placement(gate, qubits).channel
        assert channel is not None
        expected = SuperOp(quantum_error(channel)).data
        assert np.abs(channel.superoperator() - expected).max() < EXACT


def test_restricting_a_spec_keeps_every_channel_on_those_qubits_and_drops_the_rest() -> None:
    _calibration, spec = device("ibm_pittsburgh")
    restricted = restrict_spec(spec, (3, 4))
    full, small = ChannelIndex.of(spec), ChannelIndex.of(restricted)
    for gate, qubits in [("sx", (3,)), ("cz", (3, 4)), ("measure", (4,))]:
        assert small.placement(gate, qubits) == full.placement(gate, qubits)
    assert {entry.qubit for entry in restricted.local_readout_errors} == {3, 4}
    assert all(set(entry.qubits) <= {3, 4} for entry in restricted.local_depolarizing_errors)


LAYOUT = [1, 2, 3]
"""Manila qubits whose gates have depolarizing noise left after relaxation (``from_backend`` gives λ = 0 where
relaxation alone explains the reported gate error, as on qubits 3–4)."""


@pytest.mark.parametrize("factor", [0.0, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("kind", ["gate", "readout", "relaxation"])
def test_sweep_points_equal_independent_simulate_calls(kind: str, factor: float) -> None:
    calibration, spec = device()
    frame = sweep(ghz(3), spec, calibration=calibration, factors={kind: [factor]}, seed=5, initial_layout=LAYOUT)
    reference = simulate(
        ghz(3), scale_noise(spec, **{kind: factor}), calibration=calibration, seed=5, initial_layout=LAYOUT
    ).metrics
    assert reference.exact and bool(frame["exact"].iloc[0])
    assert frame["success_probability"].iloc[0] == pytest.approx(reference.success_probability, abs=EXACT)
    assert frame["total_variation_distance"].iloc[0] == pytest.approx(reference.total_variation_distance, abs=EXACT)
    assert frame["hellinger_fidelity"].iloc[0] == pytest.approx(reference.hellinger_fidelity, abs=EXACT)


def test_all_factors_zero_give_the_ideal_distribution_exactly() -> None:
    calibration, spec = device()
    factors = {"gate": [0], "readout": [0], "relaxation": [0], "idle": [0]}
    frame = sweep(qft(3), spec, calibration=calibration, factors=factors)
    assert frame["total_variation_distance"].iloc[0] < EXACT
    assert frame["hellinger_fidelity"].iloc[0] == pytest.approx(1.0, abs=EXACT)
    assert frame["success_probability"].iloc[0] == pytest.approx(1.0, abs=EXACT)


def test_results_do_not_depend_on_how_the_variants_are_split_into_tasks() -> None:
    calibration, spec = device()
    experiment = prepare_experiment(ghz(3), spec, calibration=calibration)
    variants = [Variant(NoiseFactors(gate=g, readout=r)) for g in (0.0, 1.0, 2.0) for r in (0.5, 1.0)]
    here, runs_here = run_variants(experiment, variants)
    with ThreadPoolExecutor(max_workers=2) as executor:
        split, runs_split = run_variants(experiment, variants, executor=executor, chunks=6)
    assert split == here
    assert runs_here == 3  # the readout factor changes no channel: one run per gate factor
    assert runs_split == 6  # one variant per task: nothing left to share


def test_sampled_variants_do_not_depend_on_the_split_either() -> None:
    calibration, spec = device()
    experiment = prepare_experiment(ghz(3), spec, calibration=calibration, method="trajectories", seed=4)
    variants = [Variant(NoiseFactors(gate=g, readout=r)) for g in (0.0, 1.0) for r in (0.5, 1.0)]
    here, _runs = run_variants(experiment, variants)
    with ThreadPoolExecutor(max_workers=2) as executor:
        split, runs = run_variants(experiment, variants, executor=executor, chunks=3)
    assert not experiment.exact and runs == 4
    assert split == here  # each variant is seeded by (seed, its index), not by its task


def test_removing_a_qubit_removes_its_measurement_channel_and_its_readout() -> None:
    measure_noise = {"gate": "measure", "num_qubits": 1, "probability": 0.04}
    spec = NoiseSpec.model_validate({"gate_depolarizing_errors": [measure_noise], "readout_bit_flip_probability": 0.02})
    budget = error_budget(bell(), spec, metric="tvd")
    qubit_0 = budget.by_location.set_index("location").loc["q0", "loss"]
    cancelled = NoiseSpec.model_validate(
        {
            **spec.model_dump(exclude={"provenance"}),
            "local_depolarizing_errors": [{**measure_noise, "qubits": [0], "probability": 0.0}],
            "local_readout_errors": [{"qubit": 0, "assignment_probabilities": [[1, 0], [0, 1]]}],
        }
    )
    without = simulate(bell(), cancelled, seed=1).metrics.total_variation_distance
    assert qubit_0 == pytest.approx(budget.total_loss - without, abs=EXACT)
    assert qubit_0 > 0.01


def test_a_two_factor_sweep_is_the_full_grid_with_the_first_factor_slowest() -> None:
    calibration, spec = device()
    factors = {"gate": [0, 1, 2], "readout": [0, 1]}
    frame = sweep(bell(), spec, calibration=calibration, factors=factors, initial_layout=LAYOUT[1:])
    assert list(frame.columns[:2]) == ["gate", "readout"]
    assert frame[["gate", "readout"]].values.tolist() == [[g, r] for g in (0, 1, 2) for r in (0, 1)]
    assert frame.attrs["simulations"] == 1 + 3  # the ideal run, then one per gate factor (readout is analytic)
    # more noise never helps a Bell pair: success falls along each factor
    grid = frame.pivot(index="gate", columns="readout", values="success_probability")
    assert (np.diff(grid.to_numpy(), axis=0) < 0).all() and (np.diff(grid.to_numpy(), axis=1) < 0).all()


# --- the error budget ---------------------------------------------------------------------


def test_readout_only_spec_puts_the_whole_budget_on_readout_and_matches_the_formula() -> None:
    p = 0.03
    budget = error_budget(ghz(3), flip_spec(p))
    # success = P(no flip) + P(all three flip): 000 ↔ 111 are both expected outcomes
    assert budget.total_loss == pytest.approx(1 - (1 - p) ** 3 - p**3, abs=EXACT)
    assert budget.by_kind.loc["readout"].tolist() == pytest.approx([budget.total_loss] * 2, abs=EXACT)
    for kind in ("gate", "relaxation", "interaction"):
        assert budget.by_kind.loc[kind].abs().max() < EXACT


def test_removing_one_qubits_readout_gains_p_times_one_minus_two_p() -> None:
    p = 0.03
    budget = error_budget(ghz(3), flip_spec(p))
    qubits = budget.by_location[budget.by_location["kind"] == "qubit"]
    # one bit always right: success (1−p)² (the other two must both be right), so the gain is
    # (1−p)² − ((1−p)³ + p³) = p(1−2p)
    assert qubits["loss"].tolist() == pytest.approx([p * (1 - 2 * p)] * 3, abs=EXACT)
    couplers = budget.by_location[budget.by_location["kind"] == "coupler"]
    assert (couplers["loss"].abs() < EXACT).all()


def test_a_kind_alone_on_a_spec_with_only_that_kind_is_the_full_loss() -> None:
    calibration, spec = device()
    gate_only = scale_noise(spec, readout=0, relaxation=0, idle=0)
    budget = error_budget(ghz(3), gate_only, calibration=calibration, metric="tvd")
    assert budget.total_loss > 1e-3
    assert budget.by_kind.loc["gate", "alone"] == pytest.approx(budget.total_loss, abs=EXACT)
    assert budget.by_kind.loc["gate", "removed"] == pytest.approx(budget.total_loss, abs=EXACT)


def test_every_kind_costs_something_and_readout_variants_share_their_runs() -> None:
    calibration, spec = device()
    budget = error_budget(ghz(4), spec, calibration=calibration)
    assert budget.exact and budget.method == "density_matrix"
    assert list(budget.by_kind.index) == ["gate", "readout", "relaxation", "idle", "interaction"]
    assert (budget.by_kind.drop(index="interaction") > 1e-5).all().all()
    # the full model and "readout removed" differ only in readout, so they share a density-matrix run; so do
    # "gate removed" and "relaxation alone"... : (gate, relaxation, idle) takes 8 distinct values among the 9 kinds'
    # variants, then one run per location and the ideal run
    assert budget.simulations == 1 + 8 + len(budget.by_location)


def test_without_idle_noise_the_budget_has_no_idle_kind() -> None:
    calibration, spec = device()
    budget = error_budget(ghz(4), scale_noise(spec, idle=0), calibration=calibration)
    assert list(budget.by_kind.index) == ["gate", "readout", "relaxation", "interaction"]


def test_removing_a_location_the_circuit_never_touches_changes_nothing() -> None:
    calibration, spec = device()
    used = error_budget(bell(), spec, calibration=calibration, initial_layout=[0, 1])
    assert set(used.by_location["qubits"]) == {(0,), (1,), (0, 1)}
    untouched = error_budget(bell(), spec, calibration=calibration, initial_layout=[0, 1], locations=[(4,), (3, 4)])
    assert untouched.by_location["loss"].abs().max() < EXACT
    assert untouched.total_loss == pytest.approx(used.total_loss, abs=EXACT)


def test_the_costliest_location_comes_first_and_the_estimate_follows_the_exact_loss() -> None:
    calibration, spec = device("ibm_pittsburgh")
    budget = error_budget(ghz(5), spec, calibration=calibration)
    losses = budget.by_location["loss"].to_numpy()
    assert (np.diff(losses) <= 0).all()
    assert budget.location_figure == "loss"
    # first order counts every error as spoiling the shot (a Z before a measurement does not), so here it
    # overestimates, by 1–72 % on this circuit, and agrees on which location costs most
    ratio = budget.by_location["first_order"] / budget.by_location["loss"]
    assert ((ratio > 1.0) & (ratio < 2.0)).all()
    assert budget.by_location["first_order"].idxmax() == 0


def test_a_sampled_budget_agrees_with_the_exact_one_within_shot_noise() -> None:
    calibration, spec = device()
    exact = error_budget(ghz(3), spec, calibration=calibration)
    sampled = error_budget(ghz(3), spec, calibration=calibration, method="trajectories", shots=20_000, seed=3)
    assert not sampled.exact and sampled.by_location["loss"].isna().all()
    success = 1 - exact.total_loss
    bound = 5 * math.sqrt(success * (1 - success) / 20_000)
    assert sampled.total_loss == pytest.approx(exact.total_loss, abs=bound)
    assert sampled.by_kind.loc["readout", "alone"] == pytest.approx(exact.by_kind.loc["readout", "alone"], abs=bound)


# --- refusals -----------------------------------------------------------------------------


def test_a_factor_past_a_channels_limit_is_refused_before_anything_runs() -> None:
    calibration, spec = device()
    with pytest.raises(ScalingError, match=r"largest allowed gate factor is \d"):
        sweep(ghz(3), spec, calibration=calibration, factors={"gate": [1, 1e6]})


@pytest.mark.parametrize(
    ("factors", "message"),
    [
        ({}, "sweep at least one factor"),
        ({"temperature": [1]}, "unknown factor 'temperature'"),
        ({"gate": "12"}, "gate factors must be a list of numbers; got '12'"),
        ({"gate": 1.0}, "gate factors must be a list of numbers; got 1.0"),
        (
            [("gate", [1])],
            "factors must map gate, readout, relaxation, idle, coherent, detuning, crosstalk or correlation to lists of values",
        ),
        ({"gate": []}, "factor 'gate' has no values"),
        ({"gate": [-1]}, r"gate factor must be a finite number ≥ 0 .* got -1"),
        ({"readout": [math.nan]}, "readout factor must be a finite number"),
        ({"gate": ["x"]}, "gate factor 'x' is not a number"),
        ({"gate": list(range(30)), "readout": list(range(30))}, "900 sweep points is over the limit of 441"),
    ],
)
def test_bad_sweep_factors_are_refused_with_the_rule(factors: dict, message: str) -> None:
    with pytest.raises(NoiseStudioError, match=message):  # a bad value breaks the factors' own rule (ScalingError)
        sweep(bell(), flip_spec(0.01), factors=factors)


def test_success_needs_expected_outcomes_and_an_unknown_metric_is_refused() -> None:
    qasm = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q[0] -> c[0];\n'
    with pytest.raises(AnalysisError, match="metric 'success' needs the circuit's expected outcomes"):
        error_budget(qasm, flip_spec(0.01))
    with pytest.raises(AnalysisError, match="metric must be one of success, tvd; got 'fidelity'"):
        error_budget(bell(), flip_spec(0.01), metric="fidelity")  # type: ignore[arg-type]
    budget = error_budget(qasm, flip_spec(0.01), expected_outcomes=["0", "1"])
    assert budget.total_loss == pytest.approx(0.0, abs=EXACT)  # a flip maps one expected outcome to the other


# --- interpolation ------------------------------------------------------------------------


def test_factor_reaching_interpolates_the_first_crossing() -> None:
    import pandas as pd

    frame = pd.DataFrame({"gate": [2.0, 0.0, 1.0], "success_probability": [0.7, 0.95, 0.85]})
    assert factor_reaching(frame, factor="gate", target=0.9) == pytest.approx(0.5)
    assert factor_reaching(frame, factor="gate", target=0.85) == pytest.approx(1.0)
    assert factor_reaching(frame, factor="gate", target=0.5) is None
    frame["success_probability"] = math.nan
    with pytest.raises(AnalysisError, match="no success_probability"):
        factor_reaching(frame, factor="gate", target=0.9)


# --- command line ------------------------------------------------------------------------


def test_cli_budget_prints_kinds_and_locations_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    snapshot = str(SNAPSHOT_DIR / "ibmq_manila.json")
    assert main(["budget", snapshot, "ghz:3", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "loss (ideal − noisy success probability)" in out and "interaction" in out and "by location (top 2" in out
    assert main(["budget", snapshot, "ghz:3", "--json", "--metric", "tvd"]) == 0
    document = json.loads(capsys.readouterr().out)
    calibration, spec = device()
    budget = error_budget(ghz(3), spec, calibration=calibration, metric="tvd")
    assert document["total_loss"] == pytest.approx(budget.total_loss, abs=EXACT)
    assert set(document["by_kind"]) == {"gate", "relaxation", "readout", "idle", "interaction"}


def test_cli_sweep_on_a_spec_file_with_its_device_answers_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calibration, spec = device()
    (tmp_path / "spec.json").write_text(spec_to_json(spec))
    snapshot = str(SNAPSHOT_DIR / "ibmq_manila.json")
    arguments = ["sweep", str(tmp_path / "spec.json"), "ghz:3", "--calibration", snapshot, "--readout", "0:2:5"]
    assert main([*arguments, "--target", "0.95", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [point["readout"] for point in document["points"]] == [0.0, 0.5, 1.0, 1.5, 2.0]
    frame = sweep(ghz(3), spec, calibration=calibration, factors={"readout": [0, 0.5, 1, 1.5, 2]})
    assert document["target_factor"] == pytest.approx(factor_reaching(frame, factor="readout", target=0.95))
    assert main(arguments) == 0
    assert "density_matrix on qubits" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["sweep", "ibmq_manila.json", "ghz:3", "--gate", "1:2"], "--gate expects values like 0.5,1,2"),
        (["sweep", "ibmq_manila.json", "ghz:3", "--gate", "0:1:9999"], "COUNT must be from 1 to 441"),
        (["sweep", "ibmq_manila.json", "nope:3", "--gate", "1"], "'nope:3' is not a library circuit; the library has"),
        (["sweep", "ibmq_manila.json", "ghz:1,2", "--gate", "1"], "ghz takes at most 1 arguments"),
        (["sweep", "ibmq_manila.json", "ghz:3", "--gate", "1", "--readout", "1", "--target", "0.9"], "1-D sweep"),
        (["sweep", "ibmq_manila.json", "ghz:3", "--gate", "1", "--target", "nan"], "from 0 to 1"),
        (["sweep", "ibmq_manila.json", "grover:3,01x", "--gate", "1"], "marked"),
        (["sweep", "ibmq_manila.json", "ghz:x", "--gate", "1"], "num_qubits must be a whole number; got 'x'"),
        (["budget", "ibmq_manila.json", "ghz:3", "--expected", "0"], "bitstrings of 3 bits"),
        (["budget", "MANIFEST.json", "bell"], "neither a noise spec .* nor a calibration snapshot"),
        (["budget", "ibmq_manila.json", "bell", "--calibration", "ibmq_manila.json"], "leave out --calibration"),
    ],
)
def test_cli_explain_errors_exit_1_with_the_rule(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    located = [str(SNAPSHOT_DIR / item) if item.endswith(".json") else item for item in arguments]
    assert main(located) == 1
    assert re.search(message, capsys.readouterr().err)


# --- scale-out ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_sweep_on_a_dask_local_cluster_equals_the_in_process_sweep(capsys: pytest.CaptureFixture[str]) -> None:
    from distributed import Client, LocalCluster

    calibration, spec = device()
    factors = {"gate": [0.0, 1.0, 2.0], "relaxation": [0.5, 1.0, 3.0]}
    here = sweep(ghz(3), spec, calibration=calibration, factors=factors, initial_layout=LAYOUT)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        there = sweep(
            ghz(3),
            spec,
            calibration=calibration,
            factors=factors,
            initial_layout=LAYOUT,
            executor=client.get_executor(),
        )
        budget_there = error_budget(ghz(3), spec, calibration=calibration, executor=client.get_executor())
        snapshot = str(SNAPSHOT_DIR / "ibmq_manila.json")
        assert (
            main(["sweep", snapshot, "ghz:3", "--gate", "0,1,2", "--json", "--scheduler", cluster.scheduler_address])
            == 0
        )
    assert there.equals(here)
    budget_here = error_budget(ghz(3), spec, calibration=calibration)
    assert budget_there.by_kind.equals(budget_here.by_kind)
    assert budget_there.by_location.equals(budget_here.by_location)
    from_cli = json.loads(capsys.readouterr().out)["points"]
    local = sweep(ghz(3), spec, calibration=calibration, factors={"gate": [0, 1, 2]})
    assert [point["success_probability"] for point in from_cli] == pytest.approx(
        local["success_probability"].tolist(), abs=1e-14
    )  # JSON carries 15 significant digits
