"""Jobs: results stored whatever became of who asked, found again by their inputs, failures told, limits named,
cancelled, pruned, resumed after a stop, and run the same on a Dask cluster as on a local pool."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from noise_core.errors import FitError, WorkspaceError
from noise_core.workspace import JobQueue, open_workspace, stored_bytes
from noise_core.workspace import jobs as job_module

RELEASE = threading.Event()


def square(value: int) -> int:
    return value * value


def refuse(_value: int) -> int:
    raise FitError("the counts hold no circuit with two-qubit gates, so 'cz' cannot be fitted")


def crash(_value: int) -> int:
    raise ZeroDivisionError("division by zero")


def wait_for_release(value: int) -> int:
    RELEASE.wait(30)
    return value


def large(size: int | bytes) -> bytes:
    return b"x" * (size if isinstance(size, int) else len(size))


def settled(queue: JobQueue, job_id: str, owner: str = "ada") -> str:
    """The job's status once it is no longer 'submitted' (polled: it ends in the executor's thread)."""
    for _ in range(600):
        status = queue.job(job_id, viewer=owner).status
        if status != "submitted":
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still submitted after 30 s")


def test_a_result_outlives_its_queue_and_is_found_by_its_inputs(database_url: str) -> None:
    with ProcessPoolExecutor(1) as pool:
        queue = JobQueue(open_workspace(database_url), pool)
        job = queue.submit("ada", "budget", "square of 7", "d" * 64, square, 7)
        assert settled(queue, job.id) == "done"
    queue.workspace.close()

    again = JobQueue(open_workspace(database_url), ThreadPoolExecutor(1))  # the server restarted
    found = again.find("ada", "d" * 64)
    assert found is not None and found.id == job.id and found.finished_at is not None
    assert again.result(job.id, viewer="ada") == 49
    assert again.find("bob", "d" * 64) is None  # another user's inputs are theirs
    with pytest.raises(WorkspaceError, match="no finished result of yours"):
        again.result(job.id, viewer="bob")
    assert again.resume() == 0  # nothing was left running
    again.workspace.close()


def test_a_failure_is_stored_in_the_libraries_words_or_with_its_type(tmp_path: Path) -> None:
    queue = JobQueue(open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}"), ThreadPoolExecutor(2))
    told = queue.submit("ada", "fit", "fit cz", "a" * 64, refuse, 1)
    crashed = queue.submit("ada", "sweep", "sweep", "b" * 64, crash, 1)
    assert settled(queue, told.id) == settled(queue, crashed.id) == "failed"
    assert (
        queue.job(told.id, viewer="ada").error
        == "the counts hold no circuit with two-qubit gates, so 'cz' cannot be fitted"
    )
    assert queue.job(crashed.id, viewer="ada").error == "ZeroDivisionError: division by zero"
    queue.forget(told.id, viewer="ada")
    assert queue.find("ada", "a" * 64) is None  # asked for again, it would run again
    queue.workspace.close()


def test_the_per_user_limit_on_running_jobs_is_named_and_cancelling_frees_it(tmp_path: Path) -> None:
    RELEASE.clear()
    queue = JobQueue(open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}"), ThreadPoolExecutor(4), max_active=2)
    first = queue.submit("ada", "fit", "one", "1" * 64, wait_for_release, 1)
    queue.submit("ada", "fit", "two", "2" * 64, wait_for_release, 2)
    with pytest.raises(WorkspaceError, match="ada has 2 jobs running, the limit per user is 2: wait for one"):
        queue.submit("ada", "fit", "three", "3" * 64, square, 3)
    other = queue.submit("bob", "fit", "bob's", "4" * 64, square, 4)  # the limit is per user
    assert settled(queue, other.id, "bob") == "done"
    queue.cancel(first.id, viewer="ada")
    assert queue.job(first.id, viewer="ada").status == "cancelled"
    third = queue.submit("ada", "fit", "three", "3" * 64, square, 3)
    assert settled(queue, third.id) == "done"
    with pytest.raises(WorkspaceError, match="no job of yours"):
        queue.cancel(third.id, viewer="bob")
    RELEASE.set()
    queue.workspace.close()


def test_a_job_left_running_by_a_stopped_server_runs_again(tmp_path: Path) -> None:
    """The stopped server's pool is busy with something else, so its copy of the job never starts; the next server
    runs it from its stored payload."""
    RELEASE.clear()
    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    busy = ThreadPoolExecutor(1)
    busy.submit(wait_for_release, 0)  # the stopped server's only worker, taken
    stopped = JobQueue(open_workspace(url), busy)
    job = stopped.submit("ada", "sweep", "cut short", "c" * 64, square, 5)
    restarted = JobQueue(open_workspace(url), ThreadPoolExecutor(1))
    assert restarted.resume() == 1
    assert settled(restarted, job.id) == "done" and restarted.result(job.id, viewer="ada") == 25
    RELEASE.set()  # the stopped server's copy now runs too; its end is not recorded over the first
    busy.shutdown(wait=True)
    assert restarted.job(job.id, viewer="ada").status == "done"
    for queue in (stopped, restarted):
        queue.workspace.close()


def test_a_stored_job_this_server_cannot_read_fails_saying_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    busy = ThreadPoolExecutor(1)
    RELEASE.clear()
    busy.submit(wait_for_release, 0)
    job = JobQueue(open_workspace(url), busy).submit("ada", "fit", "from older code", "9" * 64, square, 2)
    workspace = open_workspace(url)
    with workspace.writing() as session:  # as if written by a version whose function no longer exists
        session.execute(text("UPDATE jobs SET payload = :payload"), {"payload": b"\x80\x04not a pickle"})
    restarted = JobQueue(workspace, ThreadPoolExecutor(1))
    assert restarted.resume() == 0
    stored = restarted.job(job.id, viewer="ada")
    assert stored.status == "failed" and (stored.error or "").startswith("cannot be run again by this server")
    RELEASE.set()
    busy.shutdown(wait=True)
    workspace.close()


def test_a_job_counts_in_its_owners_storage_until_it_is_pruned_and_its_inputs_go_when_it_ends(tmp_path: Path) -> None:
    queue = JobQueue(open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}"), ThreadPoolExecutor(1), quota_bytes=10_000)
    with pytest.raises(
        WorkspaceError, match=r"^ada stores 0\.0 MB and this needs 0\.0 MB more, past the limit of 0 MB"
    ):
        queue.submit("ada", "run", "too big to store", "5" * 64, large, b"x" * 20_000)  # its inputs alone
    job = queue.submit("ada", "run", "fits", "6" * 64, large, 100)
    assert settled(queue, job.id) == "done"
    with queue.workspace.reading() as session:
        payload, result = session.execute(text("SELECT length(payload), length(result) FROM jobs")).one()
    assert payload == 0 and result > 100
    assert stored_bytes(queue.workspace, "ada") == result
    with pytest.raises(WorkspaceError, match="the job kind has 17 characters; at most 16 are stored"):
        queue.submit("ada", "k" * 17, "kind too long", "7" * 64, square, 1)
    queue.workspace.close()


def test_a_result_past_the_size_limit_fails_its_job_and_old_jobs_are_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_module, "MAX_RESULT_BYTES", 1000)
    monkeypatch.setattr(job_module, "KEPT_FINISHED", 3)
    queue = JobQueue(open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}"), ThreadPoolExecutor(1))
    too_big = queue.submit("ada", "run", "big", "e" * 64, large, 5000)
    assert settled(queue, too_big.id) == "failed"
    assert "at most 1000" in (queue.job(too_big.id, viewer="ada").error or "")
    for n in range(4):
        settled(queue, queue.submit("ada", "run", f"small {n}", f"{n}" * 64, square, n).id)
    assert [job.label for job in queue.jobs("ada")] == ["small 3", "small 2", "small 1"]
    queue.workspace.close()


@pytest.mark.slow
def test_jobs_run_on_a_dask_cluster_as_on_a_local_pool(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        queue = JobQueue(open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}"), client.get_executor())
        done = queue.submit("ada", "sweep", "on dask", "f" * 64, square, 12)
        failed = queue.submit("ada", "fit", "refused on dask", "0" * 64, refuse, 1)
        assert settled(queue, done.id) == "done" and queue.result(done.id, viewer="ada") == 144
        assert settled(queue, failed.id) == "failed"
        assert "'cz' cannot be fitted" in (queue.job(failed.id, viewer="ada").error or "")
        queue.workspace.close()
