"""Jobs that outlive the tab: budgets, sweeps and fits submitted to the workspace's job queue
(``noise_core.workspace.JobQueue``), run apart from any session, their results kept in the database.

They run on a pool of their own (``NOISE_STUDIO_JOB_WORKERS`` processes, default 1, each under the same memory
limit as the app's workers and ``NOISE_STUDIO_JOB_SECONDS`` per job, default 1800), or on a Dask cluster when
``NOISE_STUDIO_DASK_SCHEDULER`` names one (its workers must run this project's code: start them in its folder). A
user has at most ``NOISE_STUDIO_USER_JOBS`` unfinished jobs (default 2). Without a database the work runs in the
session as before (``run_task``), and is lost with the tab.

``run_as_job`` is the one call: it finds or submits the job of these inputs and waits for it as ``run_task`` waits
for a task (up to the app's per-task time limit, redrawing a status line), then gives its result, or raises
``JobPending`` (still running: the session stops waiting, the job does not) or ``JobFailed``, which the views show
with the job's state (``components.views.jobs``).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st
from pebble import ProcessExpired, ProcessPool

import noise_core
from components.logic.caches import SharedCache
from components.runtime.identity import this_user
from components.runtime.startup import worker_context
from components.runtime.tasks import SMALLER_RUN, run_task, task_limits
from components.runtime.workspace import server_workspace
from components.work.worker import OUT_OF_MEMORY_EXIT, guarded, limit_worker_memory
from noise_core.errors import DatabaseUnavailable, NoiseStudioError, WorkspaceError
from noise_core.workspace import Job, JobQueue, Workspace
from noise_core.workspace.jobs import describe_failure

Result = TypeVar("Result")
DASK_VARIABLE = "NOISE_STUDIO_DASK_SCHEDULER"
JOB_SECONDS_VARIABLE, JOB_SECONDS = "NOISE_STUDIO_JOB_SECONDS", 1800.0
JOB_WORKERS_VARIABLE, JOB_WORKERS = "NOISE_STUDIO_JOB_WORKERS", 1
USER_JOBS_VARIABLE, USER_JOBS = "NOISE_STUDIO_USER_JOBS", 2
WAIT_SECONDS: float | None = None
"""How long a session waits for its job before showing it as running (None: the app's per-task time limit, so
what took under it shows as before)."""
POLL_SECONDS = 0.25
"""How often a session waiting for its job looks at the job's status."""
_SESSION_JOBS = "background_session_jobs"
"""Session state: the job this session last submitted, by kind."""
RESULTS_KEPT = 16
"""Done jobs' results kept unpickled in the server's memory (least recently used out)."""
_LOG = logging.getLogger(__name__)


class JobPending(Exception):
    """The work runs as a job (``job``): its result is shown once it is done."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"{job.label} runs as a job")
        self.job = job


class JobFailed(NoiseStudioError):
    """The job of these inputs ended without a result; ``job.error`` says why."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"the job failed: {job.error}")
        self.job = job


class _PoolExecutor(Executor):
    """The jobs' pebble pool as an ``Executor``: each job in a worker under the memory limit and the job time limit
    (pebble ends a worker past either, or when its job is cancelled)."""

    def __init__(self, workers: int, seconds: float, memory_bytes: int) -> None:
        self.seconds = seconds
        self._pool = ProcessPool(
            max_workers=workers, initializer=limit_worker_memory, initargs=(memory_bytes,), context=worker_context()
        )

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._pool.schedule(guarded, args=(fn, *args), kwargs=kwargs, timeout=self.seconds)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.stop()
        if wait:
            self._pool.join()


@dataclass
class _Jobs:
    """The server's queue (None without a database) and what to say about where jobs run."""

    queue: JobQueue | None
    where: str


def _number(variable: str, default: float) -> float:
    text = os.environ.get(variable, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise WorkspaceError(f"the server's {variable} must be a positive number; it is {text[:40]!r}")
    return value


def _executor() -> tuple[Executor, str]:
    """A Dask cluster's executor when ``NOISE_STUDIO_DASK_SCHEDULER`` names a reachable one, else the local pool."""
    address = os.environ.get(DASK_VARIABLE, "").strip()
    limits = task_limits()
    workers = int(_number(JOB_WORKERS_VARIABLE, JOB_WORKERS))
    local = f"this server's job pool ({workers} process{'' if workers == 1 else 'es'})"
    if address:
        try:
            from distributed import Client

            return Client(address, timeout=10).get_executor(), f"the Dask cluster at {address}"
        except (OSError, TimeoutError, ValueError) as error:
            _LOG.warning("jobs run locally: the Dask scheduler %s cannot be reached (%s)", address, error)
            local += f"; the Dask cluster at {address} could not be reached ({error})"
    seconds = _number(JOB_SECONDS_VARIABLE, JOB_SECONDS)
    pool = _PoolExecutor(workers, seconds, limits.memory_bytes)
    return pool, local


def _server_jobs() -> _Jobs:
    """The queue on the server's workspace, made once per workspace (a database that comes back gets one)."""
    workspace = server_workspace()
    if workspace is None:
        return _Jobs(None, "nowhere: without a database, work runs in the session and ends with it")
    return _jobs_on(id(workspace), workspace)


@st.cache_resource(show_spinner=False)
def _jobs_on(workspace_id: int, _workspace: Workspace) -> _Jobs:
    """The queue on ``_workspace`` (cached by its ``id``; the workspace itself is not hashed)."""
    workspace = _workspace
    executor, where = _executor()
    limits = task_limits()
    seconds = _number(JOB_SECONDS_VARIABLE, JOB_SECONDS)

    def describe(error: BaseException) -> str:
        if isinstance(error, concurrent.futures.TimeoutError):
            return f"stopped after {seconds:g} s, this server's limit per job ({JOB_SECONDS_VARIABLE})"
        if isinstance(error, ProcessExpired):
            memory = f"{limits.memory_bytes / 2**30:.1f} GiB"
            cause = "ran out of" if error.exitcode == OUT_OF_MEMORY_EXIT else f"ended (exit code {error.exitcode}) near"
            return f"its worker {cause} this server's {memory} memory limit per worker; ask for less at once"
        return describe_failure(error)

    queue = JobQueue(workspace, executor, max_active=int(_number(USER_JOBS_VARIABLE, USER_JOBS)), describe=describe)
    resumed = queue.resume()
    if resumed:
        _LOG.info("%d job(s) left running by the last server were submitted again", resumed)
    return _Jobs(queue, where)


def job_queue() -> JobQueue | None:
    """The server's job queue, or None while there is no database."""
    return _server_jobs().queue


def where_jobs_run() -> str:
    return _server_jobs().where


def job_seconds() -> float | None:
    """The limit one job runs under (s), or None while there is no job queue (work then runs as a task)."""
    return None if job_queue() is None else _number(JOB_SECONDS_VARIABLE, JOB_SECONDS)


def has_job(key: tuple[object, ...]) -> bool:
    """Whether this user has a job of these inputs (running, done or failed): a page shows it without being asked
    again (the Run button's run, found when the user comes back)."""
    try:
        queue = job_queue()
        return queue is not None and queue.find(this_user(), _digest(key)) is not None
    except NoiseStudioError:  # no database now, or a bad setting: the page offers its button, which says why
        return False


def _digest(key: tuple[object, ...]) -> str:
    """The inputs' digest, with the version of the code that computes the result (a result of older code is not
    found)."""
    return hashlib.sha256(f"{noise_core.__version__}|{key!r}".encode()).hexdigest()


_RESULTS: SharedCache[Any] = SharedCache(RESULTS_KEPT)


def _waited(queue: JobQueue, job: Job, owner: str) -> Job:
    """The job once it has ended, or as it is after the app's per-task time limit (the session stops waiting; the
    job goes on). While waiting, a status line is redrawn: where Streamlit stops the script when the user moves on
    or closes the tab, which leaves the job running."""
    started, status = time.monotonic(), None
    try:
        patience = task_limits().seconds if WAIT_SECONDS is None else WAIT_SECONDS
        while job.status == "submitted" and time.monotonic() - started < patience:
            status = status or st.empty()
            status.caption(
                f":material/hourglass_top: {job.label}: {time.monotonic() - started:.0f} s (a job: closing the tab "
                "does not stop it)"
            )
            time.sleep(POLL_SECONDS)
            job = queue.job(job.id, viewer=owner)
    finally:
        if status is not None:
            status.empty()
    return job


def run_as_job(
    kind: str,
    label: str,
    function: Callable[..., Result],
    *args: object,
    key: tuple[object, ...],
    remedy: str = SMALLER_RUN,
) -> Result:
    """``function(*args)``'s result from the job of these inputs (``key``), found or submitted and waited for up to
    the task limit; ``JobPending`` while it still runs then, ``JobFailed`` when it failed. Without a database (or
    once it is lost): ``run_task`` in the session, whose time-limit message ends in ``remedy``."""
    queue = job_queue()
    if queue is not None:
        try:
            return _from_job(queue, kind, label, function, args, key)
        except DatabaseUnavailable:  # the database went away: the work runs in the session, as without one
            pass
    return run_task(label, function, *args, lane="heavy", key=key, remedy=remedy)


def _from_job(
    queue: JobQueue,
    kind: str,
    label: str,
    function: Callable[..., Result],
    args: tuple[object, ...],
    key: tuple[object, ...],
) -> Result:
    """The result of the job of these inputs, found or submitted (``run_as_job``). A new job replaces the one this
    session last submitted of the same kind: a session that moves on (another slider value) cancels its unfinished
    job, as it cancels its tasks; one that goes away cancels nothing."""
    owner, digest = this_user(), _digest(key)
    job = queue.find(owner, digest)
    if job is None:
        job = queue.submit(owner, kind, label, digest, function, *args)
        _replace_session_job(queue, kind, job.id, owner)
    job = _waited(queue, job, owner)
    if job.status == "done":
        result: Result = _RESULTS.get_or_compute(job.id, lambda: queue.result(job.id, viewer=owner))
        return result
    if job.status == "failed":
        raise JobFailed(job)
    raise JobPending(job)


def _replace_session_job(queue: JobQueue, kind: str, job_id: str, owner: str) -> None:
    submitted = st.session_state.setdefault(_SESSION_JOBS, {})
    previous = submitted.get(kind)
    submitted[kind] = job_id
    if previous is not None and queue.job(previous, viewer=owner).status == "submitted":
        queue.cancel(previous, viewer=owner)
