"""AppTest of the Fit page: plan, upload (good, bad, bare), the fit equal to ``fit_noise`` run directly, and
'use the fitted model' putting that very spec in force."""

from __future__ import annotations

import json
from functools import cache

import pytest
from streamlit.testing.v1 import AppTest

from components.work.jobs import EXAMPLE_FACTORS, example_physics
from noise_core import NoiseFit, NoiseSpec, derive_noise_spec, fit_noise, load_counts, plan_fit_circuits, scale_noise
from presets import DEFAULT_PRESET, load_preset
from tests.apptest import open_page, started_app

pytestmark = pytest.mark.slow  # runs the whole app in AppTest, and fits

QUBITS = (0, 1, 2)


@pytest.fixture
def app() -> AppTest:
    at = started_app(240)
    open_page(at, "fit")
    assert not at.exception and not at.error
    return at


@cache
def model() -> NoiseSpec:
    return derive_noise_spec(load_preset(DEFAULT_PRESET))


@cache
def example_counts() -> bytes:
    calibration = load_preset(DEFAULT_PRESET)
    document = plan_fit_circuits(calibration, QUBITS).simulated_counts(
        scale_noise(model(), EXAMPLE_FACTORS), calibration=calibration, seed=5
    )
    return json.dumps(document).encode()


@cache
def direct_fit() -> NoiseFit:
    data = load_counts(example_counts(), name="measured.json")
    return fit_noise(model(), data, calibration=load_preset(DEFAULT_PRESET), parameters=("gate", "readout"))


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="fit_counts_upload").set_value((name, content, "application/json"))
    return at.run()


def test_the_page_plans_circuits_on_a_connected_path_and_waits_for_counts(app: AppTest) -> None:
    assert app.text_input(key="fit_plan_qubits").value == "0,1,2"
    assert app.get_by_key("fit_plan_zip") is not None
    assert "readout_0" in app.markdown[0].value and "mirror" in app.markdown[0].value
    assert any("Upload counts to compare them with the model" in info.value for info in app.info)
    app.text_input(key="fit_plan_qubits").set_value("0,0").run()
    assert any("choose 1 to 8 distinct qubits" in error.value for error in app.error)


def test_uploaded_counts_are_fitted_as_fit_noise_fits_them_and_the_fitted_model_can_be_put_in_force(
    app: AppTest,
) -> None:
    at = upload(app, "measured.json", example_counts())
    assert not at.exception and not at.error, [e.value for e in at.error]
    expected = direct_fit()
    shown = at.dataframe[1].value  # the estimates table (after the counts summary)
    for name in ("gate", "readout"):
        assert shown.loc[name, "estimate"] == f"×{expected.estimates.loc[name, 'estimate']:.3g}"
        assert shown.loc[name, "identified"] == "yes"
    at.button(key="fit_use").click().run()
    assert not at.exception
    in_force = at.session_state["noise"].spec
    assert in_force.model_dump() == expected.spec.model_dump()
    assert in_force.provenance.fits[-1].source == "measured.json"
    assert any("The model in force is now the fitted one" in success.value for success in at.success)


def test_a_bad_upload_says_which_rule_it_breaks_and_the_counts_in_use_stay(app: AppTest) -> None:
    at = upload(app, "measured.json", example_counts())
    broken = json.loads(example_counts())
    broken["experiments"][2]["counts"]["0000"] = 3
    at = upload(at, "broken.json", json.dumps(broken).encode())
    assert any(
        "broken.json was not used: experiment 'ghz': outcome '0000' must be a bitstring of 3 bits" in error.value
        for error in at.error
    )
    assert any("Using **measured.json**" in caption.value for caption in at.caption)
    assert not at.exception


def test_bare_counts_are_read_as_the_simulate_pages_circuit(app: AppTest) -> None:
    at = upload(app, "ghz.json", json.dumps({"000": 1950, "111": 1990, "001": 30, "110": 30}).encode())
    assert not at.exception and not at.error, [e.value for e in at.error]
    summary = at.dataframe[0].value
    assert list(summary.index) == ["circuit 1"]
    assert summary.loc["circuit 1", "from"] == "GHZ(3)"
    assert summary.loc["circuit 1", "device qubits"] == "transpiler's layout"


def test_example_counts_can_be_used_at_once_and_a_log_scale_reads_in_decades(app: AppTest) -> None:
    app.button(key="fit_example_make").click().run()
    app.button(key="fit_example_use").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert any("Using **example-counts.json**" in caption.value for caption in app.caption)
    assert app.dataframe[1].value.loc["gate", "identified"] == "yes"  # fitted without a download and upload
    app.toggle(key="fit_log").set_value(True).run()
    axis = json.loads(app.get_by_key("fit_counts_chart").proto.spec)["layout"]["yaxis"]
    assert axis["type"] == "log" and axis["dtick"] == 1 and "tickformat" not in axis  # once every tick read '0 %'


def test_named_locations_are_fitted_with_their_units_and_a_bad_name_says_what_a_name_looks_like(app: AppTest) -> None:
    at = upload(app, "measured.json", example_counts())
    at.radio(key="fit_mode").set_value("named per-location parameters").run()
    at.text_input(key="fit_named").set_value("readout01[0], readout10[0]").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    data = load_counts(example_counts(), name="measured.json")
    expected = fit_noise(
        model(), data, calibration=load_preset(DEFAULT_PRESET), parameters=["readout01[0]", "readout10[0]"]
    )
    shown = at.dataframe[1].value
    assert list(shown.index) == ["readout01[0]", "readout10[0]"]
    assert shown.loc["readout01[0]", "estimate"] == f"{expected.estimates.loc['readout01[0]', 'estimate']:.3g}"
    assert shown.loc["readout01[0]", "identified"] == "yes"
    at.text_input(key="fit_named").set_value("readout01[0], speed[1]").run()
    assert any("per-location names (gate[cz:4,5]" in error.value for error in at.error)
    assert not at.exception


def test_a_characterization_plan_says_what_it_pins_and_its_example_physics_is_found_and_mapped(app: AppTest) -> None:
    app.toggle(key="fit_plan_characterization").set_value(True).run()
    assert "ramsey_even_2016ns" in app.markdown[0].value and "cramsey_odd_2016ns" in app.markdown[0].value
    app.button(key="fit_plan_precision").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    pinned = app.dataframe[0].value
    assert pinned.loc["detuning[0]", "standard error"].endswith(" kHz")
    assert pinned.loc["zz[0,1]", "standard error"].startswith("±")
    app.button(key="fit_example_make").click().run()
    app.button(key="fit_example_use").click().run()
    app.radio(key="fit_mode").set_value("named per-location parameters").run()
    names = "detuning[0], zz[0,1], overrotation[sx:0]"
    app.text_input(key="fit_named").set_value(names).run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    estimates = app.dataframe[2].value  # after the precision table and the counts summary
    for name, value in example_physics(QUBITS).items():
        low, high = (float(end.split()[0]) for end in estimates.loc[name, "95 % interval"].split(" – "))
        assert low <= value <= high, (name, low, high)
    held_out = next(m for m in app.metric if m.label == "held-out NLL, fitted")
    assert held_out.delta.startswith("-")  # the circuits a fit did not see are predicted better
    assert app.segmented_control(key="fit_map_family").options == ["detuning", "zz", "overrotation[sx]"]
    assert "detuning[0]: " in str(json.loads(app.get_by_key("fit_estimate_map").proto.spec)["data"])
    app.segmented_control(key="fit_map_family").set_value("zz").run()
    coupler = json.loads(app.get_by_key("fit_estimate_map").proto.spec)["data"][-1]
    assert coupler["marker"]["symbol"] == "diamond" and coupler["hovertext"][0].startswith("zz[0,1]: ")
    assert coupler["hovertext"][0].endswith("calibrated: 0 kHz")
