"""Edit → redrawn result with N browser sessions editing at once while one heavy job runs: p50/p95 per N.

    .venv/bin/python bench/bench_load.py [--sessions 1,5,10] [--edits 10] [--heavy ghz:9]

Starts ``streamlit run app.py`` with a fresh workspace (SQLite in a temporary folder) and drives Debian's Chromium
(/usr/bin/chromium): N browser contexts (N Streamlit sessions) on the Simulate page (the default preset,
ibm_pittsburgh, and GHZ(3)) each alternate the what-if "readout errors ×" between 1 and 2, all at the same time;
the clock runs from Enter to the Success probability metric showing a new value, as ``bench_live.py``'s
``whatif`` journey. Meanwhile one more session keeps a heavy job running: error budgets of ``--heavy`` on the
Explain page, one after another, each under a new seed (so each is computed, not found).

The reference is N = 1: the ratios say what the other sessions and the job cost one user. The edits alternate
between two values, so after the first two every session's simulation is a cached result: what is timed is the
server's rerun and the browser's redraw, as a warm live edit costs. The goal is p95 under 1 s at 10 sessions on a
2-core machine. The browser runs on the same two cores here, so each line also says where the CPU went while the
edits ran: Chromium (every page's rendering), the Streamlit server process, and its worker processes (the quick
and heavy pools and the job pool), as a share of the two cores' wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright
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
    """Error budgets of ``circuit`` (each a job) on the Explain page, one after another until ``stop``, each under a
    seed never used before (a new layout, so a new job: a done one would be found, not run); how many were drawn."""
    drawn = 0
    while not stop.is_set():
        page = await opened(browser, f"{url}/?circuit={circuit}&seed={next(SEEDS)}")
        await page.get_by_test_id("stSidebarNavLink").filter(has_text="Explain").click()
        chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Error budget by kind")
        while not stop.is_set():
            try:
                await chart.first.wait_for(timeout=5_000)
            except PlaywrightTimeout:
                continue  # still running: look again (and at stop)
            drawn += 1
            break
        await page.context.close()
    return drawn


def server_pid(url: str) -> int:
    """The process listening on the server's port."""
    port = int(url.rsplit(":", 1)[1])
    for connection in psutil.net_connections("tcp"):
        if connection.laddr and connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
            return int(connection.pid)
    raise RuntimeError(f"nothing listens on port {port}")


def cpu_seconds(server_pid: int) -> dict[int, tuple[str, float]]:
    """Each process's group ('chromium', 'server' or 'workers': the server's descendants) and CPU seconds so far
    (user + system)."""
    server = psutil.Process(server_pid)
    workers = {child.pid for child in server.children(recursive=True)}
    used = {}
    for process in psutil.process_iter(["pid", "name"]):
        pid, name = process.info["pid"], process.info["name"] or ""
        group = (
            "server" if pid == server_pid else "workers" if pid in workers else "chromium" if "chrom" in name else None
        )
        try:
            if group is not None:
                times = process.cpu_times()
                used[pid] = (group, times.user + times.system)
        except psutil.Error:  # ended meanwhile
            continue
    return used


def shares(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], wall: float) -> dict[str, float]:
    """Each group's CPU over the phase as a share of two cores' wall time (a process that ended during the phase is
    left out: an undercount, said in the output)."""
    totals = {"chromium": 0.0, "server": 0.0, "workers": 0.0}
    for pid, (group, seconds) in after.items():
        totals[group] += seconds - before.get(pid, (group, 0.0))[1]
    return {group: seconds / (2 * wall) for group, seconds in totals.items()}


async def run(url: str, sessions: int, edits: int, heavy: str) -> tuple[list[float], int]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        pages = [await opened(browser, url) for _ in range(sessions)]
        stop = asyncio.Event()
        job = asyncio.create_task(keep_heavy_job(browser, url, heavy, stop))
        await asyncio.sleep(5)  # the job is running before the edits start
        before, started = cpu_seconds(SERVER_PID[0]), time.perf_counter()
        results = await asyncio.gather(*(edit_loop(page, edits) for page in pages))
        after, wall = cpu_seconds(SERVER_PID[0]), time.perf_counter() - started
        CPU_SHARES.append(shares(before, after, wall))
        stop.set()
        budgets = await asyncio.wait_for(job, timeout=120)
        await browser.close()
    return [seconds for times in results for seconds in times], budgets


SEEDS = itertools.count(1000)
SERVER_PID: list[int] = []
CPU_SHARES: list[dict[str, float]] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="1,5,10")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--heavy", default="ghz:9", help="the circuit whose error budget is the heavy job")
    arguments = parser.parse_args()
    print(f"{arguments.edits} timed edits per session (after one untimed); heavy job: budget of {arguments.heavy}")
    print(
        f"{'sessions':>8} {'edits':>6} {'p50 s':>7} {'p95 s':>7} {'p50/p50(1)':>11} {'budgets drawn':>14}   "
        "share of 2 cores: chromium / server / workers (processes alive at both ends)"
    )
    reference = None
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/workspace.sqlite3"
        with streamlit_server(NOISE_STUDIO_DATABASE_URL=database) as url:
            SERVER_PID.append(server_pid(url))
            for sessions in [int(n) for n in arguments.sessions.split(",")]:
                times, budgets = asyncio.run(run(url, sessions, arguments.edits, arguments.heavy))
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                reference = reference or p50
                shares = CPU_SHARES[-1]
                print(
                    f"{sessions:>8} {len(times):>6} {p50:>7.2f} {p95:>7.2f} {p50 / reference:>11.2f} {budgets:>14}   "
                    f"{shares['chromium']:.0%} / {shares['server']:.0%} / {shares['workers']:.0%}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
