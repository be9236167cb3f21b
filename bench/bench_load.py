"""Edit → redrawn result with N browser sessions editing at once while one heavy job runs: p50/p95 per N.

    .venv/bin/python bench/bench_load.py [--sessions 1,5,10] [--edits 10] [--heavy ghz:11]

Starts ``streamlit run app.py`` with a fresh workspace (SQLite in a temporary folder) and drives Debian's Chromium
(/usr/bin/chromium): N browser contexts (N Streamlit sessions) on the Simulate page (the default preset,
ibm_pittsburgh, and GHZ(3)) each alternate the what-if "readout errors ×" between 1 and 2, all at the same time;
the clock runs from Enter to the Success probability metric showing a new value, as ``bench_live.py``'s
``whatif`` journey. Meanwhile one more session keeps a heavy job running: the error budget of ``--heavy`` on the
Explain page, asked again (another loss metric) whenever one ends. The reference is N = 1: the ratios say what the
other sessions and the job cost one user. The goal is p95 under 1 s at 10 sessions on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from timing import percentile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.browser import CHROMIUM, streamlit_server  # noqa: E402  (the browser moves the tests make)

METRIC_CHANGED = (
    "old => [...document.querySelectorAll('[data-testid=stMetric]')].some("
    "m => m.innerText.includes('Success probability') && !m.innerText.includes(old))"
)
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


async def idle(page) -> None:  # type: ignore[no-untyped-def]
    await page.wait_for_timeout(300)
    await page.wait_for_selector(IDLE, timeout=120_000)


async def success_probability(page) -> str:  # type: ignore[no-untyped-def]
    metric = page.get_by_test_id("stMetric").filter(has_text="Success probability")
    return str(await metric.get_by_test_id("stMetricValue").inner_text())


async def opened(browser, url: str):  # type: ignore[no-untyped-def]
    page = await (await browser.new_context(viewport={"width": 1400, "height": 1600})).new_page()
    await page.goto(url)
    await page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=180_000)
    await idle(page)
    return page


async def edit_loop(page, edits: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Seconds from Enter to new metrics for each edit after an untimed first one."""
    field = page.get_by_test_id("stNumberInput").filter(has_text="readout errors ×").locator("input")
    before, times = await success_probability(page), []
    for index in range(edits + 1):
        await field.fill(("2", "1")[index % 2])
        started = time.perf_counter()
        await field.press("Enter")
        await page.wait_for_function(METRIC_CHANGED, arg=before, timeout=120_000, polling=20)
        if index:
            times.append(time.perf_counter() - started)
        await idle(page)
        before = await success_probability(page)
    return times


async def keep_heavy_job(browser, url: str, circuit: str, stop: asyncio.Event) -> int:  # type: ignore[no-untyped-def]
    """The Explain page's error budget of ``circuit`` (a job), asked again with the other loss metric each time one
    is drawn; how many budgets were drawn before ``stop``."""
    page = await opened(browser, f"{url}/?circuit={circuit}")
    await page.get_by_test_id("stSidebarNavLink").filter(has_text="Explain").click()
    drawn, metrics = 0, ("TVD", "success")
    while not stop.is_set():
        await page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for(timeout=600_000)
        await idle(page)
        drawn += 1
        await page.get_by_role("button", name=metrics[drawn % 2], exact=False).first.click()
    return drawn


async def run(url: str, sessions: int, edits: int, heavy: str) -> tuple[list[float], int]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        pages = [await opened(browser, url) for _ in range(sessions)]
        stop = asyncio.Event()
        job = asyncio.create_task(keep_heavy_job(browser, url, heavy, stop))
        await asyncio.sleep(5)  # the job is running before the edits start
        results = await asyncio.gather(*(edit_loop(page, edits) for page in pages))
        stop.set()
        budgets = await asyncio.wait_for(job, timeout=900)
        await browser.close()
    return [seconds for times in results for seconds in times], budgets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="1,5,10")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--heavy", default="ghz:11", help="the circuit whose error budget is the heavy job")
    arguments = parser.parse_args()
    print(f"{arguments.edits} timed edits per session (after one untimed); heavy job: budget of {arguments.heavy}")
    print(f"{'sessions':>8} {'edits':>6} {'p50 s':>7} {'p95 s':>7} {'p50/p50(1)':>11} {'budgets drawn':>14}")
    reference = None
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/workspace.sqlite3"
        with streamlit_server(NOISE_STUDIO_DATABASE_URL=database) as url:
            for sessions in [int(n) for n in arguments.sessions.split(",")]:
                times, budgets = asyncio.run(run(url, sessions, arguments.edits, arguments.heavy))
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                reference = reference or p50
                print(
                    f"{sessions:>8} {len(times):>6} {p50:>7.2f} {p95:>7.2f} {p50 / reference:>11.2f} {budgets:>14}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
