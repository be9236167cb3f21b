"""Per-location parameters: the compiled exact model against Aer, names, recovery from simulated counts, and
``parameters="auto"`` keeping the physics that is there and only that."""

from __future__ import annotations

import json
import multiprocessing
import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from qiskit_aer import AerSimulator

import noise_core.analysis.compiled as compiled_module
from noise_core import derive_noise_spec, fit_noise, load_calibration, load_counts, simulate
from noise_core.analysis.compiled import CompiledCircuit, SpecChannels
from noise_core.analysis.counts import MeasuredCounts
from noise_core.analysis.explicit import explicit_noise_circuit
from noise_core.analysis.likelihood import PROFILE_DROP, estimate, maximize
from noise_core.analysis.local_model import LocalModel
from noise_core.analysis.locations import applied, parse_parameter
from noise_core.analysis.planning import COUNTS_FORMAT, COUNTS_VERSION
from noise_core.analysis.selection import choose_parameters, circuit_groups, folds_of
from noise_core.cli import main
from noise_core.errors import FitError
from noise_core.spec.models import NoiseSpec
from presets import SNAPSHOT_DIR

QUBITS = [1, 2]
"""ibmq_manila's coupler 1–2 (cx): virtual qubit 0 on 1, 1 on 2."""
TRUTH = {
    "overrotation[sx:1]": 0.05,
    "detuning[1]": 40.0,
    "zz[1,2]": 60.0,
    "readout01[2]": 0.08,
    "readoutcorr[1,2]": 0.008,
}
HEAD = 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; bit[2] c; '
MEASURE = "c[0] = measure q[0]; c[1] = measure q[1];"
RAMSEY = "sx q[0]; delay[{ns}ns] q[0]; rz(pi/2) q[0]; sx q[0]; "
CIRCUITS = {
    "amplify": HEAD + "sx q[0]; " * 21 + MEASURE,
    "amplify-5": HEAD + "sx q[0]; " * 5 + MEASURE,
    **{f"ramsey-{ns}": HEAD + RAMSEY.format(ns=ns) + MEASURE for ns in (2000, 3000, 6000)},
    **{
        f"conditional-ramsey-{ns}": HEAD + "x q[1]; barrier q; " + RAMSEY.format(ns=ns) + MEASURE
        for ns in (2000, 3000, 6000)
    },
    "ground": HEAD + MEASURE,
    "ground-again": HEAD + MEASURE,
    "excited": HEAD + "x q[0]; x q[1]; " + MEASURE,
    "excited-again": HEAD + "x q[0]; x q[1]; " + MEASURE,
}
"""Characterization circuits on the pair, each kind at more than one setting (so that a fold of the cross-validation
that holds one out still has another): amplified sx (over-rotation), Ramsey (detuning), Ramsey with the neighbour
excited first (ZZ; the barrier keeps ALAP from moving the x to the end), basis states (readout)."""


@cache
def device() -> tuple[object, NoiseSpec]:
    calibration = load_calibration(SNAPSHOT_DIR / "ibmq_manila.json")
    return calibration, derive_noise_spec(calibration)


def truth_spec(values: dict[str, float]) -> NoiseSpec:
    _calibration, spec = device()
    parameters = [parse_parameter(name, spec, 5.0) for name in values]
    return applied(spec.model_dump(mode="json"), parameters, list(values.values()))


def simulated(truth: NoiseSpec, names: list[str], *, shots: int = 20_000, seed: int = 0) -> MeasuredCounts:
    """Counts drawn from ``simulate``'s model of ``truth`` (Aer's NoiseModel path, independent of the fit's)."""
    return load_counts(simulated_document(truth, names, shots=shots, seed=seed))


def simulated_document(truth: NoiseSpec, names: list[str], *, shots: int, seed: int) -> dict[str, object]:
    """``simulated``'s counts file."""
    calibration, _spec = device()
    rng = np.random.default_rng(seed)
    experiments = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            result = simulate(CIRCUITS[name], truth, calibration=calibration, initial_layout=QUBITS, shots=8, seed=0)
            probabilities = result.noisy_probabilities
            assert probabilities is not None
            drawn = rng.multinomial(shots, probabilities.to_numpy() / probabilities.sum())
            counts = {label: int(n) for label, n in zip(probabilities.index, drawn, strict=True) if n}
            experiments.append({"name": name, "circuit": CIRCUITS[name], "physical_qubits": QUBITS, "counts": counts})
    return {"format": COUNTS_FORMAT, "version": COUNTS_VERSION, "experiments": experiments}


def test_the_compiled_circuit_equals_aer_on_the_explicit_circuit_under_every_kind() -> None:
    calibration, _spec = device()
    truth = truth_spec({**TRUTH, "cphase[cx:1,2]": -0.04, "zphase[cx:1,2@2]": 0.03, "gate[sx:1]": 2.0})
    model = LocalModel(truth, simulated(truth, list(CIRCUITS), shots=100), calibration=calibration, parameters=[])
    specs = [truth, truth_spec({"zz[1,2]": -25.0, "detuning[1]": -10.0})]
    simulator = AerSimulator(method="density_matrix")
    for circuit in model.circuits:
        compiled = CompiledCircuit(circuit.experiment.placed, [(1, 2)])
        ours = compiled.before_readout([SpecChannels(spec) for spec in specs])
        for row, spec in zip(ours, specs, strict=True):
            explicit = explicit_noise_circuit(circuit.experiment.placed, spec)
            reference = np.asarray(simulator.run(explicit, shots=1).result().data(0)["probabilities"])
            np.testing.assert_allclose(row, reference, atol=1e-12)


def test_a_wide_register_takes_the_per_qubit_path_and_agrees_with_the_whole_register_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calibration, _spec = device()
    truth = truth_spec(TRUTH)
    circuit = LocalModel(truth, simulated(truth, ["conditional-ramsey-3000"], shots=100), calibration=calibration,
                         parameters=[]).circuits[0]  # fmt: skip
    whole = CompiledCircuit(circuit.experiment.placed, [(1, 2)]).before_readout([SpecChannels(truth)])
    monkeypatch.setattr(compiled_module, "FULL_REGISTER_QUBITS", 1)
    monkeypatch.setattr(compiled_module, "_COMPOSED", {})
    per_qubit = CompiledCircuit(circuit.experiment.placed, [(1, 2)])
    assert not per_qubit.adjoint
    np.testing.assert_allclose(per_qubit.before_readout([SpecChannels(truth)]), whole, atol=1e-13)


def test_the_adjoint_gradient_equals_forward_differences_of_the_exact_likelihood() -> None:
    calibration, _spec = device()
    truth = truth_spec(TRUTH)
    data = simulated(truth, list(CIRCUITS), shots=2000)
    names = [*TRUTH, "gate[sx:1]", "relaxation[1]", "readout10[1]", "gate[x:2]"]
    model = LocalModel(device()[1], data, calibration=calibration, parameters=names)
    theta = model.start() + np.array([0.01, 5.0, -8.0, 0.01, 0.01, 0.2, 0.1, 0.005, 0.3])
    value, gradient = model.log_likelihood_and_gradient(theta)
    assert value == pytest.approx(model.log_likelihood(theta), abs=1e-9)
    for index, parameter in enumerate(model.factors):
        step = np.eye(len(theta))[index] * 1e-6 * (parameter.upper - parameter.low)
        central = (model.log_likelihood(theta + step) - model.log_likelihood(theta - step)) / (2 * step[index])
        assert gradient[index] == pytest.approx(central, rel=1e-3, abs=1e-2), parameter.name


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("gate[cz:1,2]", "no depolarizing error on cz"),
        ("zz[1]", "takes 2 distinct qubit"),
        ("zphase[cx:1,2]", "only zphase names the qubit"),
        ("overrotation[cx:1,2]", "takes 1 distinct qubit"),
        ("overrotation[rz:1]", "has no overrotation"),
        ("detuning[sx:1]", "takes no a gate"),
        ("speed[1]", "is not a parameter"),
    ],
)
def test_a_malformed_parameter_name_says_what_is_wrong(name: str, match: str) -> None:
    with pytest.raises(FitError, match=match):
        parse_parameter(name, device()[1], 5.0)


def test_parameters_set_their_location_and_read_back() -> None:
    values = {**TRUTH, "cphase[cx:1,2]": -0.04, "zphase[cx:1,2@2]": 0.03}
    del values["readoutcorr[1,2]"]  # its group takes over qubit 2's readout (the test above)
    spec = truth_spec(values)
    for name, value in values.items():
        assert parse_parameter(name, spec, 5.0).value_in(spec) == pytest.approx(value)
    both = {tuple(entry.qubits): entry for entry in spec.local_coherent_errors if entry.gate == "cx"}
    for order, entry in both.items():
        assert entry.angle == -0.04
        assert entry.phases is not None and entry.phases[order.index(2)] == 0.03


def test_a_cz_phase_goes_on_the_orders_the_spec_lists_whatever_the_gate_factor_written_before_it() -> None:
    """The slots a parameter changes must not depend on the values (``LocalModel._moved_slots``)."""
    document = device()[1].model_dump(mode="json")
    document["local_depolarizing_errors"] = [
        entry
        for entry in document["local_depolarizing_errors"]
        if not (entry["gate"] == "cx" and entry["qubits"] == [2, 1])
    ]
    one_order = NoiseSpec.model_validate(document)
    parameters = [parse_parameter(name, one_order, 5.0) for name in ("gate[cx:1,2]", "cphase[cx:1,2]")]
    for factor in (0.0, 1.0):
        edited = applied(one_order.model_dump(mode="json"), parameters, [factor, 0.1])
        assert [entry.qubits for entry in edited.local_coherent_errors if entry.gate == "cx"] == [[1, 2]], factor


def test_correlated_readout_makes_both_bits_wrong_together_and_keeps_each_qubits_own_rate() -> None:
    calibration, _spec = device()
    flip, p1, p2 = 0.01, 0.02, 0.08  # qubit 1 is clbit 0 (a label's last character), qubit 2 clbit 1
    truth = truth_spec({"readout01[1]": p1, "readout01[2]": p2, "readoutcorr[2,1]": flip})
    (group,) = truth.correlated_readout_errors
    assert group.qubits == [1, 2] and {e.qubit for e in truth.local_readout_errors} == {0, 3, 4}  # 1, 2 in the group
    result = simulate(CIRCUITS["ground"], truth, calibration=calibration, initial_layout=QUBITS, shots=8, seed=0)
    shown = result.noisy_probabilities
    assert shown is not None
    # no gates, so prepared 00; each qubit alone is wrong exactly as often as its own rate says
    assert shown["01"] + shown["11"] == pytest.approx(p1, abs=1e-12)
    assert shown["10"] + shown["11"] == pytest.approx(p2, abs=1e-12)
    # both wrong: by the lowered own rates (p − c)/(1 − 2c) and no joint flip, or both right and the joint flip
    q1, q2 = ((p - flip) / (1 - 2 * flip) for p in (p1, p2))
    both = (1 - flip) * q1 * q2 + flip * (1 - q1) * (1 - q2)
    assert shown["11"] == pytest.approx(both, abs=1e-12)
    assert 0.8 * flip < shown["11"] - p1 * p2 < flip  # c·(1 − 2(q₁ + q₂) + …) more often than independent errors
    assert parse_parameter("readoutcorr[2,1]", device()[1], 5.0).name == "readoutcorr[1,2]"
    with pytest.raises(FitError, match="no correlated group yet"):
        parse_parameter("readoutcorr[1,2]", truth, 5.0)  # the pair is in a group already
    assert truth_spec({"readoutcorr[1,2]": 0.0}).correlated_readout_errors == []  # no correlation, no group


def test_a_fit_mixing_global_factors_and_locations_is_refused() -> None:
    calibration, spec = device()
    with pytest.raises(FitError, match="not a mix"):
        fit_noise(spec, simulated(spec, ["ground"], shots=100), calibration=calibration,
                  parameters=["gate", "zz[1,2]"])  # fmt: skip


def test_a_fit_naming_more_parameters_than_one_fit_takes_is_refused_before_any_work() -> None:
    calibration, spec = device()
    names = [f"detuning[{qubit}]" for qubit in range(65)]
    with pytest.raises(FitError, match="at most 64 per-location parameters in one fit; got 65"):
        fit_noise(spec, simulated(spec, ["ground"], shots=100), calibration=calibration, parameters=names)


def test_a_parameter_the_circuits_never_meet_is_refused() -> None:
    calibration, spec = device()
    with pytest.raises(FitError, match="met by these circuits"):
        fit_noise(spec, simulated(spec, ["ground"], shots=100), calibration=calibration, parameters=["detuning[1]"])


def test_per_location_values_are_fitted_back_near_the_truth() -> None:
    calibration, spec = device()
    data = simulated(truth_spec(TRUTH), list(CIRCUITS), seed=3)
    fit = fit_noise(spec, data, calibration=calibration, parameters=list(TRUTH))
    for name, value in TRUTH.items():
        row = fit.estimates.loc[name]
        assert row.identified, name
        half_width = (row.high - row.low) / 2  # ≈ 1.96 standard errors
        assert abs(row.estimate - value) < 2 * half_width, (name, row.estimate, row.low, row.high)
    assert fit.estimates.loc["detuning[1]", "unit"] == "kHz"
    assert fit.log_likelihood > fit.calibrated_log_likelihood + 100
    assert fit.held_out is not None and not fit.held_out.selected_here and fit.held_out.folds == 3
    assert fit.held_out.fitted < 0.5 * fit.held_out.calibrated  # the circuits a fit did not see, predicted better
    assert "held out (3-fold, whole circuits)" in fit.held_out.describe()


def test_auto_needs_two_different_circuits_to_hold_one_out() -> None:
    calibration, spec = device()
    data = simulated(spec, ["ground", "ground-again"], shots=100)
    with pytest.raises(FitError, match="at least two different circuits"):
        fit_noise(spec, data, calibration=calibration, parameters="auto")


def test_each_interval_end_is_where_the_profile_likelihood_has_fallen_by_1_92() -> None:
    calibration, spec = device()
    data = simulated(truth_spec(TRUTH), ["amplify", "amplify-5", "ramsey-2000", "conditional-ramsey-2000"], seed=4)
    model = LocalModel(spec, data, calibration=calibration, parameters=["overrotation[sx:1]", "zz[1,2]"])
    counts = [circuit.measured for circuit in model.circuits]
    found = estimate(model, counts)
    for index, (low, high, bounded) in enumerate(found.intervals):
        assert bounded and low < found.theta[index] < high
        for end in (low, high):
            _theta, profile = maximize(model, counts, fixed=(index, end), starts=[found.theta])
            assert found.log_likelihood - profile == pytest.approx(PROFILE_DROP, abs=0.01), (index, end)


@pytest.mark.slow
def test_a_fit_on_a_process_pool_gives_what_it_gives_here() -> None:
    """The profile intervals and the held-out folds as tasks on two worker processes: the same numbers, to what the
    climbs stop at (``scoring.SCORING_TOLERANCE``, 1e-5 nats: rounding that differs between processes can take
    one more step or one fewer)."""
    calibration, spec = device()
    data = simulated(truth_spec(TRUTH), ["amplify", "amplify-5", "ramsey-2000", "conditional-ramsey-2000"], seed=4)
    names = ["overrotation[sx:1]", "zz[1,2]"]
    here = fit_noise(spec, data, calibration=calibration, parameters=names, draws=10)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pooled = fit_noise(spec, data, calibration=calibration, parameters=names, draws=10, executor=pool)
    assert here.held_out is not None and pooled.held_out is not None
    assert pooled.held_out.fitted == pytest.approx(here.held_out.fitted, abs=0.01)
    width = here.estimates["high"] - here.estimates["low"]
    for column in ("estimate", "low", "high"):
        assert np.all(np.abs(pooled.estimates[column] - here.estimates[column]) <= 1e-2 * width), column


def test_repeated_runs_of_one_circuit_stay_in_one_fold() -> None:
    calibration, spec = device()
    probe = LocalModel(spec, simulated(spec, ["ground", "amplify", "ground-again"], shots=100), calibration=calibration,
                       parameters=[])  # fmt: skip
    assert circuit_groups(probe.circuits) == [[0, 2], [1]]  # the two ground runs are one circuit


def test_folds_are_dealt_in_a_seeded_order_not_by_position() -> None:
    folds = folds_of(18, 0)
    assert sorted(index for fold in folds for index in fold) == list(range(18))
    assert any(len({index % 3 for index in fold}) > 1 for fold in folds)
    assert folds == folds_of(18, 0) != folds_of(18, 1)


def test_zz_is_not_identifiable_without_a_circuit_that_excites_the_neighbour() -> None:
    calibration, spec = device()
    data = simulated(truth_spec(TRUTH), ["amplify", "ramsey-3000", "ground"], shots=4000)
    probe = LocalModel(spec, data, calibration=calibration, parameters=[])
    selection = choose_parameters(spec, data, probe.circuits, calibration=calibration, max_factor=5.0)
    assert selection.support.loc["zz", "status"] == "not identifiable from these circuits"
    assert "zz[1,2]" in selection.support.loc["zz", "not identifiable"]


@pytest.mark.slow
def test_auto_keeps_the_physics_that_is_there_and_not_the_physics_that_is_not() -> None:
    calibration, spec = device()
    with_zz = fit_noise(spec, simulated(truth_spec(TRUTH), list(CIRCUITS), seed=5), calibration=calibration,
                        parameters="auto")  # fmt: skip
    without = {name: value for name, value in TRUTH.items() if not name.startswith("zz")}
    no_zz = fit_noise(spec, simulated(truth_spec(without), list(CIRCUITS), seed=5), calibration=calibration,
                      parameters="auto")  # fmt: skip
    assert with_zz.support is not None and no_zz.support is not None
    for family in ("overrotation[sx]", "detuning", "readout01", "readoutcorr"):
        assert with_zz.support.loc[family, "status"] == "supported by these counts", family
        assert no_zz.support.loc[family, "status"] == "supported by these counts", family
    assert with_zz.support.loc["zz", "status"] == "supported by these counts"
    assert no_zz.support.loc["zz", "status"] == "not supported by these counts"
    assert "zz[1,2]" not in no_zz.estimates.index
    assert with_zz.estimates.loc["zz[1,2]", "low"] <= TRUTH["zz[1,2]"] <= with_zz.estimates.loc["zz[1,2]", "high"]


def test_the_command_line_fits_named_locations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    counts = tmp_path / "counts.json"
    counts.write_text(json.dumps(simulated_document(truth_spec(TRUTH), list(CIRCUITS), shots=20_000, seed=3)))
    snapshot = str(SNAPSHOT_DIR / "ibmq_manila.json")
    names = "overrotation[sx:1],zz[1,2],detuning[1]"
    assert main(["fit", snapshot, str(counts), "--parameters", names, "--json", "--workers", "2"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document["estimates"]) == ["overrotation[sx:1]", "zz[1,2]", "detuning[1]"]
    assert document["estimates"]["zz[1,2]"]["unit"] == "kHz" and document["support"] is None
    assert document["held_out"]["fitted"] < document["held_out"]["calibrated"]
    assert main(["plan", snapshot, "--qubits", "1,2", "--characterization", "-o", str(tmp_path / "plan.zip")]) == 0
    printed = capsys.readouterr().out
    assert "cramsey_odd_8064ns.qasm" in printed and "standard errors at 4000 shots" in printed
    assert main(["fit", snapshot, str(counts), "--parameters", "zz[1,2],speed[1]"]) == 1
    assert "per-location names" in capsys.readouterr().err
    for refused in ("0", "100000", "two"):
        with pytest.raises(SystemExit):
            main(["fit", snapshot, str(counts), "--workers", refused])
        assert f"--workers: must be a whole number from 1 to {os.cpu_count()}" in capsys.readouterr().err
