"""AppTest: a run too long for the live loop, started with the Run button, is a job: a session that left finds it
when it comes back to the same view, without pressing Run again or running it twice."""

from __future__ import annotations

import getpass
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from components.runtime import background
from components.runtime import workspace as server
from noise_core.workspace import JobQueue, open_workspace
from tests.apptest import started_app

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    monkeypatch.setenv("NOISE_STUDIO_DATABASE_URL", url)
    server._opener.clear()
    background._jobs_on.clear()
    yield url
    background._jobs_on.clear()
    server._opener.clear()


def test_a_run_started_with_the_button_is_found_again_after_the_tab_closed(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "WAIT_SECONDS", 0.0)  # the session leaves at once
    first = started_app(180)
    first.number_input(key="sim_GHZ_n").set_value(17).run()
    first.button(key="sim_run").click().run()
    assert any("Simulating GHZ(17) on ibm_pittsburgh (4000 shots) runs as a job" in info.value for info in first.info)
    del first

    queue = JobQueue(open_workspace(database), ThreadPoolExecutor(1))
    for _ in range(240):
        (job,) = queue.jobs(getpass.getuser())
        if job.status != "submitted":
            break
        time.sleep(0.5)
    assert (job.kind, job.status) == ("run", "done")

    later = started_app(180)  # back to the same view: GHZ(17) under the same model and settings
    later.number_input(key="sim_GHZ_n").set_value(17).run()
    assert not later.exception and not later.error
    shown = later.session_state["last_simulation"]
    assert shown.label == "GHZ(17)" and shown.result.noisy_counts.sum() == 4000  # drawn without pressing Run
    assert [j.id for j in queue.jobs(getpass.getuser())] == [job.id]
    queue.workspace.close()
