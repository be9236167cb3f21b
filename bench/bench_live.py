"""Edit → redrawn result, in the real app in headless Chromium: p50/p95 over repeated edits.

    .venv/bin/python bench/bench_live.py [--edits 20] [--app-dir DIR] [--journeys whatif,form,table,ghz8,navigate]
        [--fresh-starts 5]

Starts ``streamlit run app.py`` from ``--app-dir`` (default: this checkout; pass a worktree of
an older commit to measure it the same way) and drives Debian's Chromium (/usr/bin/chromium).
Each edit alternates between two values so the result changes every time; the clock runs from
the action that commits the edit (Enter, or the Apply click; choosing the entry before it is
not counted) until the Success probability metric shows a new
value ("metrics"), and on until the app is idle again ("idle": histogram and the rest drawn).

Journeys, on the default preset (ibm_pittsburgh) and circuit (GHZ(3)) unless stated:

- ``whatif``: Simulate page, the what-if strip's "readout errors ×" between 1 and 2;
- ``form``: Noise model page, the one-entry form's P(1|0) of a measured qubit between 0.3 and
  0.05, Apply; the live result beside the editor redraws;
- ``table``: Noise model page, the per-qubit readout table's P(1|0) cell of a measured qubit typed
  between 0.3 and 0.05 and Enter (the cell is text, read with the form's rules);
- ``ghz8``: as ``whatif`` with GHZ(8) (density matrix on 8 qubits);
- ``navigate``: the journey before the live loop existed: the form edit on the Noise model page,
  then open the Simulate page and wait for the new metrics (run with ``--app-dir`` on an older
  checkout for the figure before; the Noise page is reopened between edits, untimed).

Then ``--fresh-starts`` times a new server each: from opening the page (in a new browser context, as soon as
``/_stcore/health`` answers) to the first histogram drawn; the goal is under 4 s, and the line below it gives the
same for a second session on the warm server.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from timing import percentile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.browser import (  # noqa: E402  (the browser moves the tests make)
    chromium,
    new_session,
    open_cell_with,
    open_page,
    streamlit_server,
    success_probability,
    wait_until_idle,
)

METRIC_CHANGED = (
    "old => [...document.querySelectorAll('[data-testid=stMetric]')].some("
    "m => m.innerText.includes('Success probability') && !m.innerText.includes(old))"
)


def timed_edits(  # type: ignore[no-untyped-def]
    page, edits: int, edit: Callable[[int], float], *, before: str, after: Callable[[], None] = lambda: None
):
    """Seconds to new metrics and to idle, per edit; ``edit(i)`` makes the i-th change and returns
    ``time.perf_counter()`` taken just before the action that commits it (Enter, or the Apply click).

    ``before`` is the Success probability shown before the first edit; each later one is read
    where the change appeared, before ``after`` (which may leave that page) runs.
    """
    to_metrics, to_idle = [], []
    for index in range(edits + 1):  # the first edit warms caches and is not counted
        started = edit(index)
        try:
            page.wait_for_function(METRIC_CHANGED, arg=before, timeout=60_000, polling=20)
        except Exception:
            page.screenshot(path=str(ROOT / "artifacts" / "bench_live_failure.png"), full_page=True)
            raise
        metrics_at = time.perf_counter()
        wait_until_idle(page)
        idle_at = time.perf_counter() - 0.3  # wait_until_idle first sleeps 0.3 s
        if index:
            to_metrics.append(metrics_at - started)
            to_idle.append(max(idle_at, metrics_at) - started)
        before = success_probability(page)
        after()
    return to_metrics, to_idle


def number_setter(page, label: str, values: tuple[float, float]) -> Callable[[int], float]:  # type: ignore[no-untyped-def]
    field = page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")

    def edit(index: int) -> float:
        field.fill(f"{values[index % 2]:g}")
        committed = time.perf_counter()
        field.press("Enter")
        return committed

    return edit


def measured_qubit(page) -> str:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Layout on the device").click()
    page.get_by_text("Active physical qubits:").first.wait_for(timeout=60_000)
    text = page.get_by_text("Active physical qubits:").first.inner_text()
    page.get_by_role("tab").first.click()  # back to a tab that costs nothing to keep open
    wait_until_idle(page)  # a page link clicked during that rerun can be lost
    return text.split("[", 1)[1].split(",", 1)[0].split("]", 1)[0].strip()


def form_setter(page, qubit: str) -> Callable[[int], float]:  # type: ignore[no-untyped-def]
    """Filter to ``qubit`` and pick its readout entry once; each edit types P(1|0) and applies it."""
    page.get_by_placeholder("e.g. 113, 114 or cz").fill(qubit)
    page.get_by_placeholder("e.g. 113, 114 or cz").press("Enter")
    wait_until_idle(page)

    def edit(index: int) -> float:
        choose_entry(page, qubit)  # again: the older app forgets the choice when its page is reopened
        page.get_by_label("P(1|0)", exact=True).fill(("0.3", "0.05")[index % 2])
        committed = time.perf_counter()
        page.get_by_role("button", name="Apply to this entry").click()
        return committed

    return edit


def table_setter(page, qubit: str) -> Callable[[int], float]:  # type: ignore[no-untyped-def]
    """Filter to ``qubit`` and open the per-qubit readout table; each edit types its P(1|0) cell and Enter."""
    page.get_by_placeholder("e.g. 113, 114 or cz").fill(qubit)
    page.get_by_placeholder("e.g. 113, 114 or cz").press("Enter")
    wait_until_idle(page)
    page.get_by_role("tab", name="Per-qubit readout").click()
    wait_until_idle(page)

    def edit(index: int) -> float:
        open_cell_with(page, 2, ("0.3", "0.05")[index % 2])  # source, qubit, P(1|0)
        committed = time.perf_counter()
        page.keyboard.press("Enter")
        return committed

    return edit


def choose_entry(page, qubit: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSelectbox").filter(has_text="Entry").first.click()
    page.keyboard.type(f"readout on qubit {qubit}")
    page.keyboard.press("Enter")
    wait_until_idle(page)


def run_journey(browser, url: str, journey: str, edits: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    page = new_session(browser, url)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=120_000)
    wait_until_idle(page)
    if journey == "ghz8":
        number_setter(page, "qubits", (8, 8))(0)
        page.wait_for_function("() => document.body.innerText.includes('GHZ(8)')", timeout=60_000)
        wait_until_idle(page)
    before = success_probability(page)
    if journey in ("whatif", "ghz8"):
        return timed_edits(page, edits, number_setter(page, "readout errors ×", (2, 1)), before=before)
    qubit = measured_qubit(page)
    open_page(page, "Noise model")
    if journey == "table":
        return timed_edits(page, edits, table_setter(page, qubit), before=before)
    edit = form_setter(page, qubit)
    if journey == "form":
        return timed_edits(page, edits, edit, before=before)

    def edit_then_open_simulate(index: int) -> float:
        committed = edit(index)
        wait_until_idle(page)  # the Apply rerun ends before the user goes on
        open_page(page, "Simulate")
        return committed

    return timed_edits(
        page, edits, edit_then_open_simulate, before=before, after=lambda: open_page(page, "Noise model")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--app-dir", type=Path, default=ROOT)
    parser.add_argument("--journeys", default="whatif,form,table,ghz8")
    parser.add_argument("--fresh-starts", type=int, default=5)
    arguments = parser.parse_args()
    print(f"app: {arguments.app_dir}; {arguments.edits} timed edits per journey (after one untimed)")
    print(f"{'journey':<10} {'to metrics p50':>15} {'p95':>7} {'to idle p50':>12} {'p95':>7}")
    with streamlit_server(arguments.app_dir) as url, chromium() as browser:
        for journey in [name for name in arguments.journeys.split(",") if name]:
            to_metrics, to_idle = run_journey(browser, url, journey, arguments.edits)
            print(
                f"{journey:<10} {statistics.median(to_metrics):>13.2f} s {percentile(to_metrics, 0.95):>5.2f} s "
                f"{statistics.median(to_idle):>10.2f} s {percentile(to_idle, 0.95):>5.2f} s",
                flush=True,
            )
    if arguments.fresh_starts:
        fresh, warm = first_histograms(arguments.app_dir, arguments.fresh_starts)
        for name, times in (("fresh server", fresh), ("second session", warm)):
            print(f"first histogram, {name}: p50 {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s")


def first_histograms(app_dir: Path, starts: int) -> tuple[list[float], list[float]]:
    """Seconds from opening the page to its histogram drawn, on a server just started (opened as soon as it answers
    its health check) and in a second session on it, each in a new browser context (no cached assets)."""
    fresh, warm = [], []
    with chromium() as browser:
        for _ in range(starts):
            with streamlit_server(app_dir) as url:
                for times in (fresh, warm):
                    page = browser.new_context(viewport={"width": 1400, "height": 1600}).new_page()
                    started = time.perf_counter()
                    page.goto(url)
                    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(
                        state="attached", timeout=120_000
                    )
                    times.append(time.perf_counter() - started)
                    wait_until_idle(page)
                    page.context.close()
    return fresh, warm


if __name__ == "__main__":
    main()
