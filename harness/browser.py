"""Driving the app in headless Chromium: a Streamlit server of its own, a browser, and the moves the browser
tests and ``bench/bench_live.py`` make (open a page, a tab, type in a table cell, read the metrics).

Needs Debian's Chromium at /usr/bin/chromium (``.ci/run`` installs it); never ``playwright install``.
Each server's log goes to ``artifacts/streamlit-PORT.log``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[1]
ARTIFACTS = ROOT / "artifacts"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_server(
    app_dir: Path = ROOT, *, port: int | None = None, options: Sequence[str] = (), **environment: str
) -> Iterator[str]:
    """``streamlit run app.py`` in ``app_dir`` on ``port`` (default: a free local one) with ``options`` (e.g.
    ``--secrets.files PATH``) and ``environment`` added; its URL once healthy."""
    port = port or free_port()
    command = [
        sys.executable, "-X", "faulthandler", "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *options,
    ]  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / f"streamlit-{port}.log").open("w")  # what the server said, to read after a failure
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **environment}  # its log arrives as it is written
    server = subprocess.Popen(command, cwd=app_dir, stdout=log, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not healthy(url):
            if time.monotonic() > deadline:
                raise TimeoutError("streamlit did not answer /_stcore/health within 60 s")
            time.sleep(0.3)
        yield url
    except BaseException:
        print(_threads_of(server, log), file=sys.stderr)  # shown under the failed test's captured stderr
        raise
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _threads_of(server: subprocess.Popen[bytes], log: TextIO) -> str:
    """Every thread's stack in ``server`` (``faulthandler`` prints them to its log on SIGABRT, which ends it): where a
    test that failed on a hang was waiting."""
    server.send_signal(signal.SIGABRT)
    server.wait(timeout=20)
    log.flush()
    text = Path(log.name).read_text(errors="replace")
    return "the server's threads when the test failed:\n" + text[text.find("Fatal Python error") :][-20_000:]


def first_result(page, timeout_s: float = 120) -> None:  # type: ignore[no-untyped-def]
    """Wait for the page's first chart (the default result); if none comes, fail with what the page showed instead
    (its alerts and exceptions) and the end of the server's log, so a failure on CI can be read without a rerun."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        shown = page.locator('[data-testid="stAlert"], [data-testid="stException"], [data-testid="stCaptionContainer"]')
        raise AssertionError(
            f"no chart after {timeout_s:g} s on {page.url}\npage shows: {shown.all_inner_texts()}\n"
            f"server log ends:\n{server_log_tail(page.url)}"
        ) from None


def server_log_tail(url: str, lines: int = 40) -> str:
    """The last ``lines`` of the log ``streamlit_server`` keeps for the server at ``url``."""
    port = url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1]
    log = ARTIFACTS / f"streamlit-{port}.log"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else f"({log} is missing)"


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            return answer.read() == b"ok"
    except OSError:
        return False


@contextmanager
def chromium():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            yield browser
        finally:
            browser.close()


def new_session(browser, url: str):  # type: ignore[no-untyped-def]
    """A page in its own browser context: a separate Streamlit session."""
    page = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True).new_page()
    page.goto(url)
    return page


def wait_until_idle(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(300)  # a rerun triggered just before may not have started yet
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def metric_values(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def device_shown(page) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The Device page's backend name (its heading) and qubit count (its first metric)."""
    heading = page.locator('[data-testid="stHeading"]').nth(1).inner_text().strip()  # after the page title
    return heading, metric_values(page)[0]


def open_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebarNavLink").filter(has_text=name).click()
    page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=60_000)
    wait_until_idle(page)


def open_tab(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)


def success_probability(page) -> str:  # type: ignore[no-untyped-def]
    metric = page.get_by_test_id("stMetric").filter(has_text="Success probability")
    return metric.get_by_test_id("stMetricValue").inner_text()


def choose_entry(page, label: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an entry in the Noise page's one-entry form by typing its label into the select box."""
    page.get_by_test_id("stSelectbox").filter(has_text="Entry").click()
    page.keyboard.type(label)
    page.keyboard.press("Enter")  # the first option matching what was typed
    wait_until_idle(page)


def no_exceptions(page) -> bool:  # type: ignore[no-untyped-def]
    return page.locator('[data-testid="stException"]').count() == 0


def set_number(page, label: str, value: int) -> None:  # type: ignore[no-untyped-def]
    field = page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")
    field.fill(str(value))
    field.press("Enter")


def download(page, name: str, path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Click the download button labelled ``name`` and save what it sends to ``path``."""
    wait_until_idle(page)
    with page.expect_download(timeout=90_000) as started:
        page.get_by_test_id("stDownloadButton").filter(has_text=name).click()
    started.value.save_as(path)
    return path


def shown_counts(page, path: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The Simulate page's noisy counts, from its result JSON download."""
    return json.loads(download(page, "Download JSON", path).read_text())["noisy_counts"]


def type_in_cell(page, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` into the first row's cell ``column`` (0 = the first column) of the visible data editor."""
    open_cell_with(page, column, text)
    page.keyboard.press("Enter")
    wait_until_idle(page)


def add_table_row(page) -> None:  # type: ignore[no-untyped-def]
    """Add an empty row to the visible data editor with its toolbar's "Add row" button."""
    page.locator('[data-testid="stDataFrame"]:visible').first.hover()
    page.locator('[data-testid="stElementToolbar"]:visible').get_by_role("button", name="Add row").click()
    wait_until_idle(page)  # the new row reruns the script; keys typed meanwhile are lost


def fill_empty_cell(page, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` into the empty first-row cell ``column`` of a row just added: Enter opens its editor, which is
    filled once it shows (keys typed on a new row's cell before it opens are lost), and Enter commits."""
    box = page.locator('[data-testid="stDataFrame"]:visible').first.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)
    page.wait_for_timeout(300)
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    editor = page.locator("textarea:visible").last  # the grid's overlay editor, a textarea outside the canvas
    editor.wait_for(timeout=10_000)
    editor.fill(text)
    editor.press("Enter")
    wait_until_idle(page)


def open_cell_with(page, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select the first row's cell ``column`` of the visible data editor and type ``text`` into it, uncommitted."""
    box = page.locator('[data-testid="stDataFrame"]:visible').first.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)  # the first row's first cell, under the header
    page.wait_for_timeout(300)
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    page.keyboard.type(text)  # typing on a selected cell opens its editor with what is typed
    page.wait_for_timeout(300)
