"""Restart the server: what was stored is still there: the archive, saved items, finished jobs (in a real browser,
two servers one after the other on one SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.browser import CHROMIUM, chromium, new_session, open_page, streamlit_server, wait_until_idle
from tests.app.test_app_compare import week_later

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


def grid_text(page) -> str:  # type: ignore[no-untyped-def]
    """The cells of the page's data frames (drawn on a canvas; their text is in hidden accessible cells)."""
    return " ".join(page.locator('[data-testid="stDataFrame"] [role="gridcell"]').all_text_contents())


def test_the_archive_saved_items_and_finished_jobs_outlive_the_server(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    name, content, _mime = week_later("ibmq_manila", 2, 0.8)
    (tmp_path / name).write_bytes(content)
    with streamlit_server(NOISE_STUDIO_DATABASE_URL=database) as url, chromium() as browser:
        page = new_session(browser, url)
        wait_until_idle(page)
        open_page(page, "Device")
        page.locator('[data-testid="stMain"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            str(tmp_path / name)
        )
        page.get_by_text(f"{name} is stored in the archive").wait_for(timeout=60_000)
        page.get_by_text("Saved models and sessions").click()
        page.get_by_label("Name", exact=True).fill("before the restart")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Saved model 'before the restart'").wait_for(timeout=30_000)
        open_page(page, "Explain")
        page.get_by_test_id("stPlotlyChart").nth(1).wait_for(timeout=120_000)  # the budget, a job, drawn

    with streamlit_server(NOISE_STUDIO_DATABASE_URL=database) as url, chromium() as browser:  # a new server
        page = new_session(browser, url)
        wait_until_idle(page)
        open_page(page, "Jobs")
        page.get_by_text("Error budget (success").first.wait_for(state="attached", timeout=30_000)
        assert "done" in grid_text(page)
        page.get_by_text("Saved models and sessions").click()
        page.get_by_label("Name", exact=True).wait_for()
        wait_until_idle(page)
        page.get_by_label("Saved items (yours and shared)").click()
        page.get_by_role("option").first.wait_for(timeout=10_000)
        options = page.get_by_role("option").all_inner_texts()
        assert any(text.startswith("before the restart") for text in options), options
        page.keyboard.press("Escape")
        open_page(page, "Device")
        page.get_by_role("tab", name="Archive").click()
        wait_until_idle(page)
        page.get_by_text(name).first.wait_for(state="attached", timeout=30_000)
        assert name in grid_text(page)
        page.screenshot(path=str(Path(__file__).parents[2] / "artifacts" / "restart_archive.png"))
