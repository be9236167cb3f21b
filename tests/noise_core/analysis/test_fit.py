"""Against the hardware: the model as a function of its factors, comparisons, fits, identifiability and plans.

References: ``simulate`` on ``scale_noise``'s spec (Aer with a NoiseModel, not the fit's explicit
superoperators), scipy's ``power_divergence`` for the deviance and Pearson statistics, and counts
drawn from a model whose factors are known.
"""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from harness.fit_coverage import QUBITS, TRUTH
from noise_core import (
    FitError,
    NoiseSpec,
    compare_counts,
    derive_noise_spec,
    fit_noise,
    load_calibration,
    load_counts,
    parse_circuit,
    plan_fit_circuits,
    scale_noise,
    simulate,
)
from noise_core.analysis.factor_model import FactorModel
from noise_core.analysis.goodness import goodness_of_fit, hellinger_fidelity, total_variation
from noise_core.analysis.planning import suggest_qubits
from noise_core.calibration import BackendCalibration
from noise_core.spec.scaling import scale_noise_on, scale_qubit_readout
from presets import SNAPSHOT_DIR

Device = tuple[BackendCalibration, NoiseSpec]


@cache
def manila() -> Device:
    calibration = load_calibration(Path(SNAPSHOT_DIR / "ibmq_manila.json"))
    return calibration, derive_noise_spec(calibration)


@cache
def synthetic(qubits: tuple[int, ...] = QUBITS, seed: int = 0, readout_circuits: bool = True) -> bytes:
    """A counts file of the plan on ``qubits``, drawn from the model at ``TRUTH`` (4000 shots per circuit)."""
    calibration, spec = manila()
    document = plan_fit_circuits(calibration, qubits).simulated_counts(
        scale_noise(spec, **TRUTH), calibration=calibration, seed=seed
    )
    if not readout_circuits:
        document["experiments"] = [e for e in document["experiments"] if not e["name"].startswith("readout")]  # type: ignore[attr-defined,index]
    return json.dumps(document).encode()


def simulated(spec: NoiseSpec, model: FactorModel) -> list[np.ndarray]:
    """``simulate``'s exact noisy distribution of each of the model's circuits under ``spec``, in its outcome order."""
    calibration, _spec = manila()
    results = []
    for circuit in model.circuits:
        layout = list(circuit.counts.physical_qubits or ())
        result = simulate(circuit.counts.circuit, spec, calibration=calibration, initial_layout=layout, shots=8, seed=0)
        assert result.noisy_probabilities is not None
        results.append(result.noisy_probabilities.reindex(circuit.labels, fill_value=0.0).to_numpy())
    return results


@pytest.mark.parametrize("theta", [(0.0, 0.0, 1.0), (1.0, 1.0, 1.0), (1.8, 1.3, 0.6), (4.2, 0.4, 2.5)])
def test_the_model_at_any_factors_is_simulate_on_the_scaled_spec_to_1e_9(theta: tuple[float, float, float]) -> None:
    calibration, spec = manila()
    data = load_counts(synthetic())
    model = FactorModel(spec, data, calibration=calibration, parameters=("gate", "readout", "relaxation"))
    gate, readout, relaxation = theta
    reference = simulated(scale_noise(spec, gate=gate, readout=readout, relaxation=relaxation), model)
    for interpolated, exact in zip(model.probabilities(theta), reference, strict=True):
        np.testing.assert_allclose(interpolated, exact, rtol=0, atol=1e-9)
    assert model.interpolation_error(theta) < 1e-12


def test_per_qubit_readout_factors_are_each_qubits_own_scaled_matrix() -> None:
    calibration, spec = manila()
    model = FactorModel(spec, load_counts(synthetic()), calibration=calibration, parameters=("readout_per_qubit",))
    assert model.names == ["readout[1]", "readout[2]", "readout[3]"]
    factors = {1: 0.5, 2: 2.0, 3: 1.2}
    reference = simulated(scale_qubit_readout(spec, factors), model)
    for interpolated, exact in zip(model.probabilities(list(factors.values())), reference, strict=True):
        np.testing.assert_allclose(interpolated, exact, rtol=0, atol=1e-12)


def test_the_deviance_and_pearson_statistics_equal_scipys_and_asymptotic_p_is_the_chi2_tail() -> None:
    counts = [np.array([480.0, 300.0, 220.0]), np.array([90.0, 110.0])]
    model = [np.array([0.5, 0.3, 0.2]), np.array([0.5, 0.5])]
    result = goodness_of_fit(counts, model, fitted=1, rng=np.random.default_rng(0))
    expected = [n.sum() * q for n, q in zip(counts, model, strict=True)]
    g = sum(stats.power_divergence(n, e, lambda_="log-likelihood")[0] for n, e in zip(counts, expected, strict=True))
    x2 = sum(stats.power_divergence(n, e, lambda_="pearson")[0] for n, e in zip(counts, expected, strict=True))
    assert result.deviance == pytest.approx(g, rel=1e-12)
    assert result.pearson == pytest.approx(x2, rel=1e-12)
    assert result.degrees_of_freedom == 2 + 1 - 1
    assert result.p_value == pytest.approx(stats.chi2.sf(g, 2), rel=1e-12)
    assert result.method == "χ² (asymptotic)"


def test_small_expected_counts_take_a_bootstrap_and_impossible_outcomes_give_p_zero() -> None:
    counts, model = [np.array([990.0, 8.0, 2.0, 0.0])], [np.array([0.99, 0.006, 0.003, 0.001])]
    result = goodness_of_fit(counts, model, rng=np.random.default_rng(1), draws=400)
    assert result.method == "parametric bootstrap, 400 draws" and 0.05 < result.p_value <= 1.0
    impossible = goodness_of_fit([np.array([5.0, 1.0])], [np.array([1.0, 0.0])], rng=np.random.default_rng(1))
    assert (impossible.p_value, impossible.impossible_outcomes) == (0.0, 1)
    assert impossible.describe() == "the model cannot produce 1 of the measured outcomes (p = 0)"


def test_distances_are_zero_for_equal_distributions_and_known_for_disjoint_ones() -> None:
    assert total_variation(np.array([25.0, 75.0]), np.array([0.25, 0.75])) == pytest.approx(0.0, abs=1e-15)
    assert hellinger_fidelity(np.array([25.0, 75.0]), np.array([0.25, 0.75])) == pytest.approx(1.0, abs=1e-15)
    assert total_variation(np.array([10.0, 0.0]), np.array([0.0, 1.0])) == 1.0
    assert hellinger_fidelity(np.array([10.0, 0.0]), np.array([0.0, 1.0])) == 0.0


def test_compare_sets_counts_against_the_model_and_the_ideal_with_binomial_residuals() -> None:
    calibration, spec = manila()
    comparison = compare_counts(spec, load_counts(synthetic()), calibration=calibration, seed=3)
    ghz = next(item for item in comparison.circuits if item.name == "ghz")
    table = ghz.table
    assert table["measured"].sum() == ghz.shots == 4000
    np.testing.assert_allclose(table["residual"], table["measured_probability"] - table["model"], atol=1e-15)
    np.testing.assert_allclose(table["sampling_error"], np.sqrt(table["model"] * (1 - table["model"]) / 4000))
    assert ghz.ideal_distance[0] > ghz.model_distance[0]  # the noisy model explains the counts better than no noise
    assert comparison.goodness_ideal.p_value == 0.0  # ideal GHZ cannot give 001
    assert comparison.goodness.p_value < 1e-3  # counts drawn at gate ×1.8, readout ×1.3: the model at 1 is refused
    assert list(comparison.summary().index) == ["readout_0", "readout_1", "ghz", "mirror"]


def test_counts_drawn_from_the_model_itself_are_not_refused() -> None:
    calibration, spec = manila()
    document = plan_fit_circuits(calibration, QUBITS).simulated_counts(spec, calibration=calibration, seed=11)
    comparison = compare_counts(spec, load_counts(document), calibration=calibration)
    assert comparison.goodness.p_value > 0.01


def test_the_fit_recovers_known_factors_within_its_intervals_and_says_where_it_came_from() -> None:
    calibration, spec = manila()
    data = load_counts(synthetic(), name="run.json")
    fit = fit_noise(spec, data, calibration=calibration, draws=50)
    for name, true in TRUTH.items():
        row = fit.estimates.loc[name]
        assert row.identified and row.low < true < row.high, (name, row)
        assert row.low < row.estimate < row.high
    assert fit.log_likelihood > fit.calibrated_log_likelihood
    assert fit.fitted.goodness.p_value > 0.01
    assert fit.calibrated.goodness.p_value == 1 / 51  # no draw from the calibrated model is as far as the counts
    assert "p ≤ 0.02 (parametric bootstrap, 50 draws)" in fit.calibrated.goodness.describe()
    assert fit.interpolation_error < 1e-12
    assert fit.describe() == f"fitted to run.json (sha256 {data.sha256[:12]}…)"
    record = fit.spec.provenance.fits[-1]  # type: ignore[union-attr]
    assert (record.source, record.sha256, record.not_identified) == ("run.json", data.sha256, [])
    assert record.factors == pytest.approx(fit.estimates["estimate"].to_dict())
    model = FactorModel(spec, data, calibration=calibration, parameters=("gate", "readout"))
    from_spec = simulated(fit.spec, model)  # the fitted spec, simulated, is the model at the estimates
    at_estimates = model.probabilities(fit.estimates["estimate"].to_numpy())
    np.testing.assert_allclose(np.concatenate(from_spec), np.concatenate(at_estimates), rtol=0, atol=1e-9)


def test_one_qubit_mirror_counts_cannot_separate_gate_from_readout_and_the_fit_says_so() -> None:
    calibration, spec = manila()
    data = load_counts(synthetic((1,), readout_circuits=False))
    fit = fit_noise(spec, data, calibration=calibration, draws=20)
    gate = fit.estimates.loc["gate"]
    assert not gate.identified
    assert gate.note.startswith("not identified: the counts depend on it only together with another factor")
    assert "add circuits with more gates" in gate.note
    assert fit.fitted.goodness.describe().startswith("no test: no degrees of freedom are left")
    assert fit.fitted.goodness.p_text() == "no test"
    assert fit.spec.provenance.fits[-1].not_identified == ["gate"]  # type: ignore[union-attr]


def test_without_readout_circuits_readout_is_still_identified_on_three_qubits_but_less_sharply() -> None:
    """On a GHZ and a mirror circuit, readout flips single bits and gate errors flip correlated pairs, so the
    shape of the distribution separates them: identified, with a wider interval than with readout circuits."""
    calibration, spec = manila()
    full = fit_noise(spec, load_counts(synthetic()), calibration=calibration, draws=20).estimates
    partial = fit_noise(
        spec, load_counts(synthetic(readout_circuits=False)), calibration=calibration, draws=20
    ).estimates
    assert partial["identified"].all() and full["identified"].all()
    width = {
        name: frame.loc["readout", "high"] - frame.loc["readout", "low"]
        for name, frame in (("full", full), ("partial", partial))
    }
    assert width["partial"] > 1.2 * width["full"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"parameters": ("gate", "speed")}, r"parameters must be distinct names from gate, readout, relaxation, idle"),
        ({"parameters": ("readout", "readout_per_qubit")}, r"fit either one readout factor or one per qubit"),
        ({"max_factor": 0.5}, r"max_factor must be a finite number ≥ 1 \(1 = the model as it is\); got 0.5"),
        ({"draws": 5}, r"draws must be a whole number from 10 to 10,000; got 5"),
    ],
)
def test_fit_settings_that_cannot_work_are_refused(arguments: dict[str, object], message: str) -> None:
    calibration, spec = manila()
    with pytest.raises(FitError, match=message):
        fit_noise(spec, load_counts(synthetic()), calibration=calibration, **arguments)  # type: ignore[arg-type]


def test_a_factor_the_model_lacks_on_those_qubits_and_a_circuit_too_wide_for_exact_probabilities_are_refused() -> None:
    calibration, spec = manila()
    without_relaxation = scale_noise(spec, relaxation=0.0)
    with pytest.raises(FitError, match=r"the model has no relaxation noise on these circuits' qubits"):
        fit_noise(without_relaxation, load_counts(synthetic()), calibration=calibration, parameters=("relaxation",))
    pittsburgh = load_calibration(Path(SNAPSHOT_DIR / "ibm_pittsburgh.json"))
    wide = load_counts({"0" * 12: 10}, circuits="ghz:12")
    with pytest.raises(FitError, match=r"experiment 'circuit 1': comparing and fitting need exact model probabilities"):
        compare_counts(derive_noise_spec(pittsburgh), wide, calibration=pittsburgh)


def test_a_plan_holds_readout_ghz_and_mirror_circuits_as_openqasm_with_a_template_and_instructions() -> None:
    calibration, _spec = manila()
    plan = plan_fit_circuits(calibration, [1, 2, 3], mirror_depth=3, seed=5)
    assert [item.reference for item in plan.circuits] == ["basisstate:000", "basisstate:111", "ghz:3", "mirror:3,3,5"]
    with zipfile.ZipFile(io.BytesIO(plan.archive())) as archive:
        names = set(archive.namelist())
        template = json.loads(archive.read("counts_template.json"))
        mirror = parse_circuit(archive.read("mirror.qasm").decode())
    assert names == {
        "readout_0.qasm",
        "readout_1.qasm",
        "ghz.qasm",
        "mirror.qasm",
        "counts_template.json",
        "README.txt",
    }
    assert mirror.count_ops() == plan.circuits[3].circuit.circuit.count_ops()
    assert template["experiments"][2] == {"name": "ghz", "circuit": "ghz:3", "physical_qubits": [1, 2, 3], "counts": {}}
    assert "initial_layout=[1, 2, 3]" in plan.instructions()


@pytest.mark.parametrize("qubits", [[], [0, 0], [0, 5], list(range(9)), [True]])
def test_a_plan_needs_distinct_device_qubits(qubits: list[int]) -> None:
    calibration, _spec = manila()
    with pytest.raises(FitError, match=r"choose 1 to 8 distinct qubits of ibmq_manila \(0 to 4\)"):
        plan_fit_circuits(calibration, qubits)


def test_the_command_line_plans_fits_and_compares(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from noise_core.cli import main
    from noise_core.export import spec_from_json

    snapshot = str(SNAPSHOT_DIR / "ibmq_manila.json")
    assert main(["plan", snapshot, "--qubits", "1,2,3", "-o", str(tmp_path / "plan.zip")]) == 0
    assert "wrote" in capsys.readouterr().out and zipfile.is_zipfile(tmp_path / "plan.zip")
    counts = tmp_path / "counts.json"
    counts.write_bytes(synthetic())
    fitted = tmp_path / "fitted.json"
    assert main(["fit", snapshot, str(counts), "--draws", "20", "-o", str(fitted), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document["estimates"]) == {"gate", "readout"} and document["estimates"]["gate"]["identified"]
    assert spec_from_json(fitted.read_text()).provenance.fits[-1].sha256 == document["sha256"]  # type: ignore[union-attr]
    ghz = tmp_path / "ghz.json"
    ghz.write_text(json.dumps(json.loads(synthetic())["experiments"][2]["counts"]))
    assert main(["compare", snapshot, str(ghz), "--circuit", "ghz:3", "--qubits", "1,2,3"]) == 0
    assert "against the ideal circuit: the model cannot produce" in capsys.readouterr().out
    assert main(["compare", snapshot, str(ghz)]) == 1
    assert "these are bare counts: say which circuit produced them" in capsys.readouterr().err
    assert main(["compare", snapshot, str(counts), "--qubits", "1,2,3"]) == 1
    assert "--qubits goes with --circuit" in capsys.readouterr().err


def test_an_estimate_held_at_the_top_of_its_range_says_the_counts_ask_for_more() -> None:
    calibration, spec = manila()
    fit = fit_noise(spec, load_counts(synthetic()), calibration=calibration, max_factor=1.2, draws=20)
    gate = fit.estimates.loc["gate"]
    assert gate.estimate == pytest.approx(1.2) and not gate.identified
    assert gate.note.startswith("at the top of its search range (×1.2): the counts ask for more; raise max_factor")


def test_a_fit_on_a_device_with_a_worse_qubit_elsewhere_scales_only_the_qubits_it_ran_on() -> None:
    """On ibm_kingston one qubit's readout allows a factor of only 1.016 device-wide; the fit's readout factor
    (about 1.3) is written to the circuits' qubits only, the rest of the device left as derived."""
    calibration = load_calibration(Path(SNAPSHOT_DIR / "ibm_kingston.json"))
    spec = derive_noise_spec(calibration)
    qubits = suggest_qubits(calibration, 3)
    truth = scale_noise_on(spec, qubits, **TRUTH)
    data = load_counts(plan_fit_circuits(calibration, qubits).simulated_counts(truth, calibration=calibration, seed=3))
    fit = fit_noise(spec, data, calibration=calibration, draws=20)
    assert fit.estimates.loc["readout", "estimate"] > 1.1
    others = [e for e in fit.spec.local_readout_errors if e.qubit not in qubits]
    assert others == [e for e in spec.local_readout_errors if e.qubit not in qubits]
    assert fit.spec.provenance.fits[-1].qubits == list(qubits)  # type: ignore[union-attr]
    assert fit.spec.provenance.scalings[-1].qubits == list(qubits)  # type: ignore[union-attr]
