"""Real browser: the Device page in headless Chromium, the default view and a rejected upload.

Needs Debian's Chromium at /usr/bin/chromium (``.ci/run`` installs it). Screenshots go to
``artifacts/`` for a person to look at.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[1]
ARTIFACTS = ROOT / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not answer /_stcore/health within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def page(app_url: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app_url)
        yield page
        browser.close()


def wait_until_idle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def metric_values(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def test_device_page_opens_on_default_preset_and_survives_a_bad_upload(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.get_by_text("ibm_pittsburgh", exact=True).first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert metric_values(page)[:2] == ["ibm_pittsburgh", "156"]
    page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "device_default.png"), full_page=True)

    bad = tmp_path / "broken_props.json"
    bad.write_text('{"backend_name": "x", "last_update_date": "2024-01-01T00:00:00", "qubits": [[{"name": "T1"}]]}')
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="broken_props.json was not loaded")
    alert.wait_for(timeout=30_000)
    wait_until_idle(page)
    assert "qubits[0][0].value: Field required" in alert.inner_text()
    assert metric_values(page)[:2] == ["ibm_pittsburgh", "156"]
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "device_bad_upload.png"), full_page=True)

    page.get_by_role("tab", name="Findings").click()
    wait_until_idle(page)
    page.screenshot(path=str(ARTIFACTS / "device_findings.png"), full_page=True)
