"""Real browser: the whole journey in headless Chromium, a rejected upload, and edit→histogram timing.

Needs Debian's Chromium at /usr/bin/chromium (``.ci/run`` installs it). Screenshots go to
``artifacts/`` for a person to look at; the edit→histogram timing to ``artifacts/timing.json``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.browser import (
    ARTIFACTS,
    CHROMIUM,
    ROOT,
    add_table_row,
    choose_entry,
    chromium,
    device_shown,
    download,
    fill_empty_cell,
    first_result,
    healthy,
    new_session,
    no_exceptions,
    open_page,
    open_tab,
    set_number,
    shown_counts,
    streamlit_server,
    success_probability,
    type_in_cell,
    wait_until_idle,
)
from harness.statistics import tvd_bound
from presets import load_preset

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with streamlit_server() as url:
        yield url


@pytest.fixture
def page(app_url: str):  # type: ignore[no-untyped-def]
    with chromium() as browser:
        yield new_session(browser, app_url)


def test_device_page_opens_on_default_preset_and_survives_a_bad_upload(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    first_result(page)
    wait_until_idle(page)
    open_page(page, "Device")
    assert device_shown(page) == ("ibm_pittsburgh", "156")
    page.locator('[data-testid="stPlotlyChart"]:visible').first.wait_for(timeout=30_000)  # the device map
    page.get_by_role("tab", name="Qubits").click()
    page.locator('[data-testid="stDataFrame"]:visible').first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "device_default.png"), full_page=True)

    bad = tmp_path / "broken_props.json"
    bad.write_text('{"backend_name": "x", "last_update_date": "2024-01-01T00:00:00", "qubits": [[{"name": "T1"}]]}')
    page.locator('[data-testid="stMain"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="broken_props.json was not loaded")
    alert.wait_for(timeout=30_000)
    wait_until_idle(page)
    assert "qubits[0][0].value: Field required" in alert.inner_text()
    assert device_shown(page) == ("ibm_pittsburgh", "156")
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "device_bad_upload.png"), full_page=True)

    page.get_by_role("tab", name="Findings").click()
    wait_until_idle(page)
    page.screenshot(path=str(ARTIFACTS / "device_findings.png"), full_page=True)


def test_a_newcomer_journey_from_default_result_to_imported_spec(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Default histogram → an edit redraws the result beside the editor → upload → derive → invalid edit → fix →
    simulate → export → import."""
    ARTIFACTS.mkdir(exist_ok=True)
    first_result(page)
    wait_until_idle(page)
    assert page.get_by_role("heading", name="Simulate").count() == 1
    default_success = success_probability(page)
    page.screenshot(path=str(ARTIFACTS / "simulate_default.png"))

    # Time from changing a noise value to the redrawn result beside the editor, on the default
    # preset: the readout error of a qubit the circuit measures (read from the layout tab).
    open_tab(page, "Layout on the device")
    layout = page.get_by_text("Active physical qubits:").first.inner_text()
    qubit = layout.split("[", 1)[1].split(",", 1)[0].split("]", 1)[0].strip()
    open_page(page, "Noise model")
    assert success_probability(page) == default_success  # the same result, beside the editors
    page.get_by_placeholder("e.g. 113, 114 or cz").fill(qubit)
    page.get_by_placeholder("e.g. 113, 114 or cz").press("Enter")
    wait_until_idle(page)
    choose_entry(page, f"readout on qubit {qubit}")
    page.get_by_label("P(1|0)", exact=True).fill("0.3")
    started = time.perf_counter()
    page.get_by_role("button", name="Apply to this entry").click()
    page.wait_for_function(
        "old => [...document.querySelectorAll('[data-testid=stMetric]')].some("
        "m => m.innerText.includes('Success probability') && !m.innerText.includes(old))",
        arg=default_success,
        timeout=60_000,
    )
    redrawn = time.perf_counter()
    wait_until_idle(page)
    page.screenshot(path=str(ARTIFACTS / "noise_live_result.png"), full_page=True)
    (ARTIFACTS / "timing.json").write_text(json.dumps({"edit_to_live_metrics_s": redrawn - started}, indent=2))
    assert float(success_probability(page)) < float(default_success)
    assert page.get_by_text("The model in force is edited").count() == 1

    # Upload another device and derive its model.
    open_page(page, "Device")
    page.locator('[data-testid="stMain"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(ROOT / "presets" / "snapshots" / "ibm_algiers.json")
    )
    page.get_by_text("upload ibm_algiers.json", exact=False).first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert device_shown(page) == ("ibm_algiers", "27")
    page.screenshot(path=str(ARTIFACTS / "device_map.png"))
    open_page(page, "Noise model")
    page.get_by_text("Derive from the device (Aer from_backend options)").click()
    page.get_by_role("button", name="Derive from the device").click()
    wait_until_idle(page)

    # An invalid edit is explained next to the table and not applied; fixing it clears the message.
    page.get_by_placeholder("e.g. 113, 114 or cz").fill("")
    page.get_by_placeholder("e.g. 113, 114 or cz").press("Enter")
    wait_until_idle(page)
    choose_entry(page, "id on 0")
    page.get_by_label("depolarizing λ", exact=True).fill("1.5")
    page.get_by_role("button", name="Apply to this entry").click()
    problem = page.get_by_test_id("stAlert").filter(has_text="Not applied")
    problem.wait_for(timeout=30_000)
    assert "depolarizing λ must be between 0 and 1.33333" in problem.inner_text()
    assert "got 1.5" in problem.inner_text()
    page.screenshot(path=str(ARTIFACTS / "noise_invalid_edit.png"))
    page.get_by_label("depolarizing λ", exact=True).fill("0.001")
    page.get_by_role("button", name="Apply to this entry").click()
    page.get_by_test_id("stAlert").filter(has_text="Not applied").wait_for(state="detached", timeout=30_000)
    wait_until_idle(page)
    page.screenshot(path=str(ARTIFACTS / "noise_fixed_edit.png"))

    # Simulate on the uploaded device: histogram and assignment heatmaps.
    open_page(page, "Simulate")
    page.get_by_text("ibm_algiers", exact=False).first.wait_for(timeout=30_000)
    open_tab(page, "Assignment matrices")
    wait_until_idle(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 3  # histogram + heatmaps
    page.screenshot(path=str(ARTIFACTS / "simulate_uploaded.png"))

    # Download the spec and import it back.
    open_page(page, "Export")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download spec JSON").click()
    saved = tmp_path / "spec.json"
    download.value.save_as(saved)
    assert json.loads(saved.read_text())["local_depolarizing_errors"][0]["probability"] == 0.001
    page.locator('[data-testid="stMain"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(saved))
    wait_until_idle(page)
    page.get_by_role("button", name="Use spec.json as the model in force").click()
    page.get_by_test_id("stAlert").filter(has_text="spec.json is in force").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "export_imported.png"))
    assert no_exceptions(page)


def test_a_long_task_in_one_session_neither_stalls_another_nor_the_server() -> None:
    """Session A runs GHZ(16) at 20,000 shots (trajectories, several seconds); B edits meanwhile and is answered
    while A runs. Then A asks for trajectories that cannot fit the server: refused before they start, with no Run
    button (a run past the limit is stopped by the pool: ``tests/components/runtime/test_tasks.py``)."""
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server() as url, chromium() as browser:
        first, second = new_session(browser, url), new_session(browser, url)
        for session in (first, second):
            first_result(session)
            wait_until_idle(session)
        set_number(first, "shots", 20000)
        wait_until_idle(first)
        set_number(first, "qubits", 16)
        first.get_by_role("button", name="Run simulation").wait_for(timeout=60_000)
        first.get_by_role("button", name="Run simulation").click()
        first.get_by_text("Simulating GHZ(16) on").wait_for(timeout=30_000)
        started = time.monotonic()
        set_number(second, "seed", 8)
        second.get_by_text("seed 8.").wait_for(timeout=30_000)
        elapsed = time.monotonic() - started
        assert first.get_by_text("Simulating GHZ(16) on").count() == 1, (
            "A's task should still be running while B updates"
        )
        first.get_by_text("GHZ(16): ideal vs noisy").wait_for(
            timeout=300_000
        )  # 33 s alone; > 120 s once in a loaded CI
        assert healthy(url)
        first.get_by_test_id("stSelectbox").filter(has_text="method").click()  # auto would go on to Stim
        first.get_by_role("option", name="trajectories", exact=True).click()
        wait_until_idle(first)
        set_number(first, "qubits", 19)  # ~540 trajectories of 2¹⁹ amplitudes: more memory than a run may take
        refusal = first.get_by_test_id("stAlert").filter(has_text="would need about")
        refusal.wait_for(timeout=60_000)
        wait_until_idle(first)
        assert first.get_by_role("button", name="Run simulation").count() == 0
        first.screenshot(path=str(ARTIFACTS / "two_sessions_refused.png"), full_page=True)
        assert no_exceptions(first) and no_exceptions(second)
        (ARTIFACTS / "two_sessions.json").write_text(json.dumps({"b_update_while_a_runs_s": round(elapsed, 2)}))


def test_a_page_opened_by_its_own_url_on_a_fresh_server_renders() -> None:
    """Streamlit runs ``/noise`` in its pages-folder mode (without app.py) until a session has called
    st.navigation; the page must still open on the default device and model, not a KeyError."""
    with streamlit_server() as url, chromium() as browser:
        page = new_session(browser, f"{url}/noise")
        page.get_by_role("heading", name="Noise model").first.wait_for(timeout=120_000)
        first_result(page)  # the live result
        wait_until_idle(page)
        assert no_exceptions(page)
        assert "ibm_pittsburgh" in page.get_by_text("Device: ibm_pittsburgh").first.inner_text()


def test_the_explain_page_follows_its_sliders_and_answers_a_sweep(page) -> None:  # type: ignore[no-untyped-def]
    """Readout ×0 by keyboard on its slider: success rises, the readout bars vanish; then a sweep's answer."""
    wait_until_idle(page)
    open_page(page, "Explain")
    page.get_by_text("Error budget by kind").first.wait_for(timeout=60_000)
    before = float(success_probability(page))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explain.png"), full_page=True)
    readout = page.get_by_test_id("stSlider").filter(has_text="readout errors").get_by_role("slider")
    readout.focus()
    page.keyboard.press("Home")  # to the slider's minimum, factor 0
    deadline = time.monotonic() + 60
    while float(success_probability(page)) <= before and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    wait_until_idle(page)
    assert float(success_probability(page)) > before
    assert page.get_by_text("0 %", exact=True).count() == 2  # readout: removed and alone, both 0 on the bar labels
    open_tab(page, "Sweep a factor")
    page.get_by_text("success probability reaches").or_(page.get_by_text("does not reach")).first.wait_for(
        timeout=60_000
    )
    wait_until_idle(page)
    page.screenshot(path=str(ARTIFACTS / "explain_sweep.png"), full_page=True)
    assert no_exceptions(page)


def test_the_schedule_tab_draws_each_qubits_gates_and_waits(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stMetric").first.wait_for(timeout=90_000)
    wait_until_idle(page)
    open_tab(page, "Schedule")
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Schedule (ALAP)")
    chart.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert chart.get_by_text("idle").count() >= 1 and chart.get_by_text("time (ns)").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    chart.screenshot(path=str(ARTIFACTS / "schedule.png"))
    assert no_exceptions(page)


def test_example_counts_used_on_the_fit_page_are_fitted_and_the_fitted_model_put_in_force(page) -> None:  # type: ignore[no-untyped-def]
    """Make example counts (drawn at gate ×1.8, readout ×1.3), use them, fit, use the fit."""
    wait_until_idle(page)
    open_page(page, "Fit")
    page.get_by_role("button", name="Make example counts").click()
    page.get_by_role("button", name="Use them as the counts").click()
    page.get_by_text("goodness of fit, fitted model").wait_for(timeout=120_000)
    wait_until_idle(page)
    estimates = page.get_by_test_id("stDataFrame").nth(1)
    # the grid fills its (hidden, accessible) cells after the page is idle
    estimates.get_by_text("yes", exact=True).nth(1).wait_for(state="attached", timeout=30_000)
    assert estimates.get_by_text("yes", exact=True).count() == 2  # gate and readout identified
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "fit.png"), full_page=True)
    page.get_by_role("button", name="Use the fitted model").click()
    page.get_by_text("The model in force is now the fitted one").wait_for(timeout=60_000)
    wait_until_idle(page)
    assert no_exceptions(page)
    open_page(page, "Export")
    assert page.get_by_text("fitted to example-counts.json").count() >= 1


def test_a_characterization_plan_fitted_per_location_shows_the_held_out_check_and_the_map(page) -> None:  # type: ignore[no-untyped-def]
    """Characterization circuits on, example counts (known detuning, over-rotation, ZZ), a named per-location fit."""
    wait_until_idle(page)
    open_page(page, "Fit")
    page.get_by_text("Characterization circuits").click()
    page.get_by_text("cramsey_odd_2016ns").wait_for(timeout=60_000)
    page.get_by_role("button", name="What would these circuits pin").click()
    page.get_by_text("Standard errors at 4000 shots").wait_for(timeout=120_000)
    page.get_by_role("button", name="Make example counts").click()
    page.get_by_role("button", name="Use them as the counts").click()
    page.get_by_text("named per-location parameters").click()
    names = page.get_by_label("Parameters", exact=True)
    names.fill("detuning[0], zz[0,1], overrotation[sx:0]")
    names.press("Enter")
    page.get_by_text("held-out NLL, fitted").wait_for(timeout=240_000)
    wait_until_idle(page)
    assert no_exceptions(page)
    estimate_map = page.get_by_test_id("stPlotlyChart").first
    estimate_map.wait_for(timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "fit_local.png"), full_page=True)
    estimate_map.scroll_into_view_if_needed()
    page.get_by_test_id("stButtonGroup").get_by_text("zz", exact=True).click()
    page.get_by_text("zz: fitted vs calibrated").wait_for(timeout=30_000)
    wait_until_idle(page)
    estimate_map.screenshot(path=str(ARTIFACTS / "fit_local_map.png"))


def test_a_link_reopens_its_view_on_a_fresh_server_and_a_downloaded_session_restores_its_counts(  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """A URL with preset, circuit, shots and seed opens that simulation on a server no session has used; the
    session downloaded there, restored in another browser session, shows the very same counts."""
    query = "?preset=ibmq_manila&circuit=ghz:4&shots=1500&seed=3&method=auto"
    with streamlit_server() as url, chromium() as browser:
        first = new_session(browser, url + "/" + query)
        first.get_by_text("GHZ(4): ideal vs noisy").wait_for(timeout=90_000)
        wait_until_idle(first)
        assert first.get_by_text("Device: ibmq_manila").count() == 1 and no_exceptions(first)
        first.get_by_text("Share this view").click()
        link = first.get_by_test_id("stSidebar").get_by_test_id("stCode").inner_text()
        assert "preset=ibmq_manila" in link and "circuit=ghz%3A4" in link and "shots=1500" in link
        counts = shown_counts(first, tmp_path / "first.json")
        bundle = download(first, "Download the session", tmp_path / "view.noise-studio.json")
        ARTIFACTS.mkdir(exist_ok=True)
        first.screenshot(path=str(ARTIFACTS / "session_link.png"), full_page=True)

        second = new_session(browser, url)
        second.get_by_test_id("stMetric").first.wait_for(timeout=90_000)
        wait_until_idle(second)
        second.get_by_text("Restore a session").click()
        uploader = second.get_by_test_id("stSidebar").get_by_test_id("stFileUploaderDropzoneInput")
        uploader.set_input_files(str(bundle))
        second.get_by_text("GHZ(4): ideal vs noisy").wait_for(timeout=90_000)
        wait_until_idle(second)
        assert shown_counts(second, tmp_path / "second.json") == counts
        assert no_exceptions(second)


def test_a_tampered_session_is_refused_by_name_and_the_view_stays(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from noise_core import derive_noise_spec, save_session
    from presets import load_preset

    calibration = load_preset("ibmq_manila")
    text = save_session(
        calibration=calibration, spec=derive_noise_spec(calibration), circuit="ghz:4", shots=100, seed=1,
        preset="ibmq_manila",
    ).replace('"ghz:4"', '"ghz:5"', 1)  # fmt: skip
    bundle = tmp_path / "edited.noise-studio.json"
    bundle.write_text(text)
    page.get_by_test_id("stMetric").first.wait_for(timeout=90_000)
    wait_until_idle(page)
    page.get_by_text("Restore a session").click()
    page.get_by_test_id("stSidebar").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bundle))
    alert = page.get_by_test_id("stAlert").filter(has_text="edited.noise-studio.json was not restored")
    alert.wait_for(timeout=60_000)
    assert "circuit: fingerprint mismatch" in alert.inner_text()
    assert page.get_by_text("Device: ibm_pittsburgh").count() == 1 and no_exceptions(page)


def test_a_calibration_snapshot_on_restore_a_session_is_sent_to_the_device_page(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    snapshot = tmp_path / "props_manila.json"
    snapshot.write_bytes((ROOT / "presets" / "snapshots" / "ibmq_manila.json").read_bytes())
    page.get_by_test_id("stMetric").first.wait_for(timeout=90_000)
    wait_until_idle(page)
    page.get_by_text("Restore a session").click()
    page.get_by_test_id("stSidebar").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(snapshot))
    alert = page.get_by_test_id("stAlert").filter(has_text="props_manila.json was not restored")
    alert.wait_for(timeout=60_000)
    said = alert.inner_text()
    assert "this is a calibration snapshot (IBM BackendProperties JSON): load it on the Device page" in said
    assert "Field required" not in said
    page.get_by_text("Load a calibration snapshot on the Device page").click()
    page.get_by_role("heading", name="Device", exact=True).first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert device_shown(page) == ("ibm_pittsburgh", "156") and no_exceptions(page)


def test_a_table_cell_gets_the_forms_rules_and_a_filter_keeps_the_tab(page) -> None:  # type: ignore[no-untyped-def]
    """Typing 2 or 'abc' into P(1|0) is refused with the form's message and nothing is applied (a number column
    once stored them as 1 and 0); changing the filter keeps the tab the user is on."""
    page.get_by_test_id("stMetric").first.wait_for(timeout=90_000)
    wait_until_idle(page)
    open_page(page, "Noise model")
    page.get_by_role("tab", name="Per-qubit readout").click()
    wait_until_idle(page)
    page.get_by_placeholder("e.g. 113, 114 or cz").fill("113")
    page.get_by_placeholder("e.g. 113, 114 or cz").press("Enter")
    wait_until_idle(page)
    assert page.get_by_role("tab", name="Per-qubit readout").get_attribute("aria-selected") == "true"
    for typed, rule in (("2", "P(1|0) must be between 0 and 1; got 2"), ("abc", "P(1|0) must be a number; got 'abc'")):
        type_in_cell(page, 2, typed)  # source, qubit, P(1|0)
        problem = page.get_by_test_id("stAlert").filter(has_text="This edit is not applied")
        problem.wait_for(timeout=30_000)
        assert f"readout of qubit 113: {rule}" in problem.inner_text()
        assert page.get_by_text("Every value comes from the calibration (as derived).").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "noise_table_refused.png"), full_page=True)
    type_in_cell(page, 2, "0.25")
    page.get_by_test_id("stAlert").filter(has_text="This edit is not applied").wait_for(
        state="detached", timeout=30_000
    )
    assert page.get_by_text("1 entry edited: 1 readout", exact=True).count() == 1  # the list itself is a canvas
    assert no_exceptions(page)


def test_a_zz_coupling_typed_in_the_crosstalk_table_moves_the_live_result(app_url: str) -> None:
    """Grover(3) opened by a link; a row added to the ZZ table with 3000 kHz on a coupler the circuit uses: the
    success probability beside the editor falls and the change is listed; a one-qubit pair was refused by name."""
    calibration = load_preset("ibm_pittsburgh")
    couplers = {frozenset(qubits) for _gate, qubits, _p in calibration.gate_entries() if len(qubits) == 2}
    with chromium() as browser:
        page = new_session(browser, f"{app_url}/?circuit=grover:3")
        first_result(page)
        wait_until_idle(page)
        open_tab(page, "Layout on the device")
        layout = page.get_by_text("Active physical qubits:").first.inner_text()
        active = [int(q) for q in layout.split("[", 1)[1].split("]", 1)[0].split(",")]
        pair = next(f"{a},{b}" for a in active for b in active if a < b and frozenset((a, b)) in couplers)
        before = float(success_probability(page))
        open_page(page, "Noise model")
        page.get_by_role("tab", name="ZZ crosstalk (pairs)").click()
        wait_until_idle(page)
        add_table_row(page)
        fill_empty_cell(page, 2, "3000")  # source, qubits, ZZ ξ (kHz)
        type_in_cell(page, 1, pair.split(",")[1])
        problem = page.get_by_test_id("stAlert").filter(has_text="This edit is not applied")
        problem.wait_for(timeout=30_000)
        assert f"qubits must list two qubits, e.g. 3,4; got {pair.split(',')[1]}" in problem.inner_text()
        type_in_cell(page, 1, pair)
        problem.wait_for(state="detached", timeout=30_000)
        deadline = time.monotonic() + 60
        while float(success_probability(page)) >= before - 0.1 and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        wait_until_idle(page)
        assert float(success_probability(page)) < before - 0.1
        assert page.get_by_text("1 entry added: 1 ZZ crosstalk", exact=True).count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "noise_zz_crosstalk.png"), full_page=True)
        assert no_exceptions(page)


def test_an_ionq_device_simulates_ghz5_and_exports_to_cirq_equal_to_our_result(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Load the IonQ preset, simulate GHZ(5) on it, download the Cirq export: Cirq's density-matrix simulator of the
    same transpiled circuit under the downloaded model gives the page's exact distribution."""
    import cirq  # noqa: F401  (CI installs it; the export's round trip needs it)

    from noise_core import derive_noise_spec, simulate
    from noise_core.frameworks.cirq_model import cirq_circuit, cirq_distribution, noise_model_from_document
    from noise_core.simulation.circuits import ghz

    first_result(page)
    open_page(page, "Device")
    page.get_by_test_id("stSelectbox").filter(has_text="Preset device").click()
    page.get_by_role("option", name="ionq_harmony", exact=False).click()
    wait_until_idle(page)
    assert device_shown(page) == ("ionq_harmony", "11")
    page.get_by_text("all-to-all: each of the 55 pairs couples", exact=False).first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "ionq_device.png"), full_page=True)
    open_page(page, "Simulate")
    set_number(page, "qubits", 5)
    page.get_by_text("GHZ(5): ideal vs noisy").wait_for(timeout=120_000)
    wait_until_idle(page)
    page.screenshot(path=str(ARTIFACTS / "ionq_ghz5.png"), full_page=True)
    result = json.loads(download(page, "Download JSON", tmp_path / "result.json").read_text())
    open_page(page, "Export")
    open_tab(page, "Cirq")
    page.get_by_text("In the file, under 'report': Cirq: entries").first.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "ionq_export_cirq.png"), full_page=True)
    document = json.loads(download(page, "Download Cirq", tmp_path / "ionq.cirq.json").read_text())
    assert document["report"]["framework"] == "Cirq"
    assert {line["status"] for line in document["report"]["lines"]} >= {"kept exactly", "dropped"}
    assert no_exceptions(page)

    calibration = load_preset("ionq_harmony")
    spec = derive_noise_spec(calibration)
    ours = simulate(ghz(5), spec, calibration=calibration, shots=100, seed=result["seed"], method="density_matrix")
    assert ours.noisy_probabilities is not None
    exact = ours.noisy_probabilities.to_dict()
    shots = sum(result["noisy_counts"].values())
    seen = {key: count / shots for key, count in result["noisy_counts"].items()}
    distance = sum(abs(seen.get(key, 0.0) - exact.get(key, 0.0)) for key in set(seen) | set(exact)) / 2
    assert distance < tvd_bound(32, shots)  # the page sampled this model
    model = noise_model_from_document(document)
    theirs = cirq_distribution(cirq_circuit(ours.transpiled), model, ours.transpiled.num_clbits)
    # the file drops the idle relaxation the page's model has (the report says so): IonQ's T2 makes it tiny
    assert max(abs(exact.get(key, 0.0) - theirs.get(key, 0.0)) for key in set(exact) | set(theirs)) < 1e-3
