"""What the AppTest files share: the app as served, opened on its default view or another page, a figure as sent,
the model state, an edit, a workspace of the test's own and its jobs."""

from __future__ import annotations

import getpass
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from noise_core.workspace import Job, JobQueue, open_workspace

PAGES = Path(__file__).parents[1] / "pages"


SERVED_APP = """
if __name__ == "__main__":  # every worker process imports the main script too, as __mp_main__
    from app import main

    main()
"""
"""AppTest's main script: ``app.main``, the router, run first on every rerun as ``streamlit run app.py`` runs it.

Not ``AppTest.from_file("app.py")``: before each run AppTest resets Streamlit's "pages directory" flag
(``PagesManager.uses_pages_directory``), which is then set again from whether a ``pages/`` folder lies beside
the main script, and with it set every run after the first runs the chosen page's script alone, without the
router (its sidebar, session set-up, messages). A server clears that flag for good when ``st.navigation`` first
runs; no config option turns the folder's meaning off. This script lives in AppTest's own folder, which holds
no ``pages/``, so the router always runs first and no Streamlit internals are patched; app.py names its pages by
absolute path for this. (``AppTest.from_function`` would append an unguarded call, which each worker would run.)
"""


def app_test(timeout: float = 180) -> AppTest:
    """The app as served, not yet run."""
    return AppTest.from_string(SERVED_APP, default_timeout=timeout)


def started_app(timeout: float = 180) -> AppTest:
    """The app run once: the default preset, its derived model and GHZ(3) simulated on the Simulate page."""
    at = app_test(timeout).run()
    assert not at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to ``pages/<page>.py`` and run: the router, then that page (by absolute path: the main script is not
    beside pages/)."""
    return at.switch_page(str(PAGES / f"{page}.py")).run()


def figure(at: AppTest, key: str) -> dict:
    """A plotly chart's figure as sent to the browser."""
    return json.loads(at.get_by_key(key).proto.spec)


def noise(at: AppTest) -> Any:
    """The session's ``NoiseState``."""
    return at.session_state["noise"]


def edit(at: AppTest, table: str, change: dict) -> AppTest:
    """Change a Noise model editor as the browser does: by setting its change record in session state."""
    key = f"noise_editor_{table}_{noise(at).generation}"
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **change}
    return at.run()


@contextmanager
def served_workspace(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app's workspace at ``url`` for the block: the server opens its workspace and job queue once, so both
    caches are cleared before and after."""
    from components.runtime import background
    from components.runtime import workspace as server

    monkeypatch.setenv("NOISE_STUDIO_DATABASE_URL", url)
    server._opener.clear()
    background._jobs_on.clear()
    try:
        yield url
    finally:
        background._jobs_on.clear()
        server._opener.clear()


def settled_jobs(url: str) -> list[Job]:
    """This user's jobs in the workspace at ``url`` once none is still submitted (polled for up to 2 min)."""
    queue = JobQueue(open_workspace(url), ThreadPoolExecutor(1))  # reads the table only
    try:
        for _ in range(240):
            jobs = queue.jobs(getpass.getuser())
            if all(job.status != "submitted" for job in jobs):
                return jobs
            time.sleep(0.5)
        raise AssertionError(f"jobs still submitted after 2 min: {[job.label for job in jobs]}")
    finally:
        queue.workspace.close()
