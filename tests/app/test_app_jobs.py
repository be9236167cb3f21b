"""AppTest: an error budget runs as a job that outlives its session; a later session finds the result without a
new job, and the Jobs page lists it."""

from __future__ import annotations

import pytest

from components.runtime import background
from tests.apptest import open_page, settled_jobs, started_app

pytestmark = pytest.mark.slow  # runs the whole app in AppTest


def test_a_budget_job_outlives_its_session_and_is_found_by_the_next(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "WAIT_SECONDS", 0.0)  # show the job as running at once
    first = started_app(180)
    open_page(first, "explain")
    assert not first.exception
    assert any("runs as a job" in info.value for info in first.info)
    del first  # the tab is closed: nothing waits for the job any more

    (job,) = settled_jobs(database)
    assert job.status == "done" and job.label.startswith("Error budget (success")

    later = started_app(180)  # a new session, same view
    open_page(later, "explain")
    assert not later.exception and not later.error
    assert not any("runs as a job" in info.value for info in later.info)
    assert later.get_by_key("explain_budget_chart") is not None
    assert [j.id for j in settled_jobs(database)] == [job.id]  # found, not run again

    open_page(later, "jobs")
    table = next(frame.value for frame in later.dataframe if "status" in frame.value.columns)
    assert table[["kind", "status"]].values.tolist() == [["budget", "done"]]


def test_with_a_dask_scheduler_named_the_jobs_run_on_its_cluster(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        monkeypatch.setenv("NOISE_STUDIO_DASK_SCHEDULER", cluster.scheduler_address)
        background._jobs_on.clear()
        app = started_app(180)
        open_page(app, "explain")
        assert not app.exception and not app.error
        assert app.get_by_key("explain_budget_chart") is not None  # computed on the cluster's worker
        assert background.where_jobs_run() == f"the Dask cluster at {cluster.scheduler_address}"
        (job,) = settled_jobs(database)
        assert job.status == "done"
        with distributed.Client(cluster) as client:  # the scheduler saw the budget's function
            prefixes = client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes))
        assert "explain_budget" in prefixes
        background._jobs_on.clear()
