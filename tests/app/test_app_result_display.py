"""AppTest: what a result shows beside its numbers: exact zeros on a log axis, what the outcomes counted are,
sampled ideals said so, wide outcomes summed into views, shot noise on sampled metrics, the transpiled circuit
and the device qubits it ran on."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components.views.live_result import result_json
from tests.apptest import figure, open_page

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


def values(trace: dict) -> list[float]:
    from tests.app.test_app_compare import plotted

    return plotted(trace["y"]).tolist()


def test_a_log_scale_starts_near_one_shot_with_a_tick_per_decade_and_zeros_stay_zero(app: AppTest) -> None:
    app.toggle(key="sim_log").set_value(True).run()
    histogram = figure(app, "sim_histogram")
    axis = histogram["layout"]["yaxis"]
    assert axis["type"] == "log" and axis["dtick"] == 1 and axis["range"][0] >= -5  # 1/(10·4000) is 2.5e-5
    ideal = dict(zip(histogram["data"][0]["x"], values(histogram["data"][0]), strict=True))
    assert ideal["000"] == ideal["111"] == pytest.approx(0.5)
    assert all(value == 0.0 for outcome, value in ideal.items() if outcome not in ("000", "111"))  # not 1e-33
    document = json.loads(result_json(app.session_state["last_simulation"]))
    assert set(document["ideal_probabilities"]) == {"000", "111"}


def test_the_result_names_the_device_qubits_and_what_the_transpiler_made_of_the_circuit(app: AppTest) -> None:
    result = app.session_state["last_simulation"].result
    qubits = ", ".join(map(str, result.active_qubits))
    assert any(
        caption.value.startswith(f"Ran on ibm_pittsburgh physical qubits {qubits} (circuit qubit i on")
        and "transpiled: depth" in caption.value
        for caption in app.caption
    )
    app.session_state["sim_tabs"] = "Transpiled circuit"
    app.run()
    assert f"On physical qubits {qubits}: depth" in " ".join(caption.value for caption in app.caption)
    drawing = app.code[0].value
    assert all(f" q_{qubit}: " in drawing for qubit in result.active_qubits)  # wires named by device qubit
    open_page(app, "noise")  # the live result beside the editors says it too
    assert any(caption.value.startswith(f"Ran on ibm_pittsburgh physical qubits {qubits}") for caption in app.caption)


def test_sampled_metrics_carry_their_shot_noise_and_the_outcomes_counted_are_named(app: AppTest) -> None:
    app.selectbox(key="sim_method").set_value("trajectories").run()
    metrics = {metric.label: (metric.value, metric.delta) for metric in app.metric}
    success = app.session_state["last_simulation"].result.metrics
    error = success.standard_errors["success_probability"]
    assert metrics["Success probability"] == (f"{success.success_probability:.4f}", f"± {error:.4f}")
    assert metrics["Total variation distance"][1].startswith("± ") and metrics["Hellinger fidelity"][1].startswith("± ")
    app.number_input(key="sim_top").set_value(2).run()
    title = figure(app, "sim_histogram")["layout"]["title"]["text"]
    shown = app.session_state["last_simulation"].result.distribution_table()
    assert title.endswith(f"(top 2 of {len(shown):,} outcomes)") and len(shown) <= 2 + 4000
    assert f"{len(shown):,} outcomes seen: a nonzero ideal probability or at least one of the 4,000 noisy shots." in [
        caption.value for caption in app.caption
    ]


def test_a_dynamic_circuits_ideal_bars_are_labelled_as_sampled(app: AppTest) -> None:
    app.selectbox(key="sim_library").set_value("teleportation").run()
    assert not app.exception and not app.error
    names = [trace["name"] for trace in figure(app, "sim_histogram")["data"]]
    assert names[0] == "ideal (sampled, 4,000 shots)"


def test_outcomes_of_more_than_sixteen_bits_are_shown_by_hamming_weight_parity_or_per_bit(app: AppTest) -> None:
    app.selectbox(key="sim_library").set_value("basis state").run()
    app.text_input(key="sim_basis_state").set_value("10110011100011110").run()
    app.selectbox(key="sim_method").set_value("stabilizer").run()
    open_page(app, "noise")  # the stabilizer needs Pauli-only noise: derive without relaxation
    app.toggle[2].set_value(False)
    app.button(key="FormSubmitter:derive_form-Derive from the device").click().run()
    open_page(app, "simulate")
    assert not app.exception and not app.error, [error.value for error in app.error]
    histogram = figure(app, "sim_histogram")
    assert histogram["layout"]["xaxis"]["title"]["text"] == "Hamming weight (bits reading 1)"
    assert "by Hamming weight" in histogram["layout"]["title"]["text"]
    ideal = dict(zip(histogram["data"][0]["x"], values(histogram["data"][0]), strict=True))
    assert ideal["10"] == 1.0 and sum(ideal.values()) == 1.0  # ten ones in the state
    assert list(ideal) == sorted(ideal, key=int)  # weights in numeric order
    app.selectbox(key="sim_view_wide").set_value("bit").run()
    bits = figure(app, "sim_histogram")["data"][0]
    assert bits["x"][:3] == ["clbit 0", "clbit 1", "clbit 2"] and len(bits["x"]) == 17
    assert values(bits)[:3] == [0.0, 1.0, 1.0]  # clbit 0 is the last character
    app.selectbox(key="sim_view_wide").set_value("parity").run()
    parity = figure(app, "sim_histogram")["data"]
    assert parity[0]["x"] == ["even", "odd"] and values(parity[0]) == [1.0, 0.0]  # readout errors make odd ones
