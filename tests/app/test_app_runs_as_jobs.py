"""AppTest: a run too long for the live loop, started with the Run button, is a job: a session that left finds it
when it comes back to the same view, without pressing Run again or running it twice."""

from __future__ import annotations

import pytest

from components.runtime import background
from tests.apptest import settled_jobs, started_app

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


def test_a_run_started_with_the_button_is_found_again_after_the_tab_closed(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "WAIT_SECONDS", 0.0)  # the session leaves at once
    first = started_app(180)
    first.number_input(key="sim_GHZ_n").set_value(17).run()
    first.button(key="sim_run").click().run()
    assert any("Simulating GHZ(17) on ibm_pittsburgh (4000 shots) runs as a job" in info.value for info in first.info)
    del first

    (job,) = settled_jobs(database)
    assert (job.kind, job.status) == ("run", "done")

    later = started_app(180)  # back to the same view: GHZ(17) under the same model and settings
    later.number_input(key="sim_GHZ_n").set_value(17).run()
    assert not later.exception and not later.error
    shown = later.session_state["last_simulation"]
    assert shown.label == "GHZ(17)" and shown.result.noisy_counts.sum() == 4000  # drawn without pressing Run
    assert [j.id for j in settled_jobs(database)] == [job.id]
