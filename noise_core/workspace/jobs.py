"""Jobs: work stored in the workspace and run on any ``concurrent.futures.Executor`` (a process pool here, a Dask
cluster's ``Client(address).get_executor()`` across machines), apart from whoever asked for it.

``JobQueue.submit`` records the function and its arguments (pickled), runs them on the executor, and stores the
result (pickled) or the failure when they end, whatever became of the session that asked; ``find`` gives back a
job of the same inputs, so one asked for again is not run twice. ``resume`` submits again what a stopped process
left running (at least once: a job cut short runs from the start; one that cannot be read back fails, saying why).

**Trust.** Payloads and results are pickles, unpickled by the server (and run by the executor's workers): whoever
can write the ``jobs`` table can run code as the server. Give the database's credentials to the server only; a
role for other clients (the archive's command line) needs the ``snapshots`` table alone.

Limits: ``max_active`` jobs submitted and not finished per user (refused past it, naming the limit), results up
to ``MAX_RESULT_BYTES``, the newest ``KEPT_FINISHED`` finished jobs per user (older ones deleted), and what a job
stores counted in its owner's quota (``noise_core.workspace.quota``). Several processes may share one queue's
table (replicas): each finish is one conditional update, so a cancel and an end never both win.
"""

from __future__ import annotations

import logging
import pickle
import secrets
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from threading import Lock
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from noise_core.errors import NoiseStudioError, WorkspaceError
from noise_core.workspace.database import Workspace
from noise_core.workspace.names import checked_name
from noise_core.workspace.quota import check_quota
from noise_core.workspace.tables import KIND_LENGTH, JobRow

JobStatus = Literal["submitted", "done", "failed", "cancelled"]
MAX_RESULT_BYTES = 64 * 2**20
"""Largest result stored (pickled); a larger one fails its job, saying so."""
KEPT_FINISHED = 50
"""Finished jobs kept per user, newest first."""
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A job's record (without its payload and result)."""

    id: str
    owner: str
    kind: str
    label: str
    inputs_digest: str
    status: JobStatus
    error: str | None
    submitted_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, row: JobRow) -> Job:
        status: JobStatus = row.status  # type: ignore[assignment]  # written by this module only
        return cls(
            row.id, row.owner, row.kind, row.label, row.inputs_digest, status, row.error, row.submitted_at,
            row.finished_at,
        )  # fmt: skip


def describe_failure(error: BaseException) -> str:
    """A failed job's message: a library error's own words, anything else by its type too."""
    return str(error) if isinstance(error, NoiseStudioError) else f"{type(error).__name__}: {error}"


class JobQueue:
    """Jobs of one workspace, run on ``executor``. ``describe``: how a failure is told (the app names its limits)."""

    def __init__(
        self,
        workspace: Workspace,
        executor: Executor,
        *,
        max_active: int | None = None,
        quota_bytes: int | None = None,
        describe: Callable[[BaseException], str] = describe_failure,
    ) -> None:
        self.workspace, self.executor, self.describe = workspace, executor, describe
        self.max_active, self.quota_bytes = max_active, quota_bytes
        self._futures: dict[str, Future[Any]] = {}
        self._lock = Lock()

    def submit(
        self, owner: str, kind: str, label: str, inputs_digest: str, function: Callable[..., Any], *args: Any
    ) -> Job:
        """Record the job and start it; ``WorkspaceError`` past ``max_active`` of ``owner``'s unfinished jobs, or
        when its inputs would take ``owner`` past ``quota_bytes``."""
        row = JobRow(
            id=secrets.token_urlsafe(16), owner=checked_name(owner, "user name"),
            kind=checked_name(kind, "job kind", length=KIND_LENGTH),
            label=checked_name(label[:255], "job label"), inputs_digest=inputs_digest, status="submitted",
            payload=pickle.dumps((function, args)), submitted_at=datetime.now(UTC),
        )  # fmt: skip
        with self.workspace.writing() as session:
            active = session.scalar(select(func.count()).where(JobRow.owner == row.owner, JobRow.status == "submitted"))
            if self.max_active is not None and (active or 0) >= self.max_active:
                raise WorkspaceError(
                    f"{row.owner} has {active} jobs running, the limit per user is {self.max_active}: wait for one "
                    "to finish, or cancel one on the Jobs page"
                )
            check_quota(session, row.owner, len(row.payload), self.quota_bytes)
            session.add(row)
            job = Job.of(row)
        self._launch(job.id, function, args)
        return job

    def _launch(self, job_id: str, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            future = self.executor.submit(function, *args)
        except Exception as error:  # a stopped pool, a cluster gone: the job fails, saying why
            self._record(job_id, "failed", error=f"not started: {self.describe(error)}")
            return
        with self._lock:
            self._futures[job_id] = future
        future.add_done_callback(partial(self._finished, job_id))

    def _finished(self, job_id: str, future: Future[Any]) -> None:
        """Store how the job ended (in the executor's callback thread)."""
        with self._lock:
            self._futures.pop(job_id, None)
        if future.cancelled():
            self._record(job_id, "cancelled")
            return
        error = future.exception()
        if error is not None:
            self._record(job_id, "failed", error=self.describe(error))
            return
        result = pickle.dumps(future.result())
        if len(result) > MAX_RESULT_BYTES:
            self._record(job_id, "failed", error=f"its result has {len(result)} bytes; at most {MAX_RESULT_BYTES}")
            return
        self._record(job_id, "done", result=result)

    def _record(self, job_id: str, status: JobStatus, *, result: bytes | None = None, error: str | None = None) -> None:
        """End a submitted job in one conditional update (a job already ended, cancelled or deleted is left as it
        is), its payload emptied; then prune its owner's old jobs."""
        ended = (
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.status == "submitted")
            .values(status=status, result=result, error=error, finished_at=datetime.now(UTC), payload=b"")
            .returning(JobRow.owner)
        )
        try:
            with self.workspace.writing() as session:
                owner = session.scalar(ended)
                if owner is not None:
                    self._prune(session, owner)
        except WorkspaceError as failure:  # the database went away: the job stays 'submitted' and runs again later
            _LOG.warning("job %s ended %s, but could not be recorded: %s", job_id, status, failure)

    @staticmethod
    def _prune(session: Session, owner: str) -> None:
        """Delete ``owner``'s finished jobs past the newest ``KEPT_FINISHED`` (one statement: a row another writer
        deleted first is simply not there)."""
        finished = select(JobRow.id).where(JobRow.owner == owner, JobRow.status != "submitted")
        old = session.scalars(finished.order_by(JobRow.submitted_at.desc()).offset(KEPT_FINISHED)).all()
        if old:
            session.execute(delete(JobRow).where(JobRow.id.in_(old)))

    def resume(self) -> int:
        """Submit again every job recorded as submitted that this queue is not running (left by a stopped
        process); how many were submitted (one that cannot be read back fails instead)."""
        with self.workspace.reading() as session:
            rows = session.scalars(select(JobRow).where(JobRow.status == "submitted")).all()
            with self._lock:
                left = [(row.id, row.payload) for row in rows if row.id not in self._futures]
        launched = 0
        for job_id, payload in left:
            try:
                function, args = pickle.loads(payload)  # this database's own pickles (module docstring)
            except Exception as error:  # written by other code (an older version): it cannot run here
                self._record(job_id, "failed", error=f"cannot be run again by this server: {describe_failure(error)}")
                continue
            self._launch(job_id, function, args)
            launched += 1
        return launched

    def cancel(self, job_id: str, *, viewer: str) -> None:
        """Record a job of ``viewer``'s cancelled, and cancel its future: an executor that can stop a running task
        (pebble's pool, Dask) ends it; another lets it finish, and its result is not kept."""
        job = self.job(job_id, viewer=viewer)
        with self._lock:
            future = self._futures.get(job.id)
        if future is not None:
            future.cancel()
        self._record(job.id, "cancelled")

    def forget(self, job_id: str, *, viewer: str) -> None:
        """Delete a finished job of ``viewer``'s (a failed one, to ask for it again)."""
        with self.workspace.writing() as session:
            row = session.get(JobRow, job_id)
            if row is None or row.owner != viewer or row.status == "submitted":
                raise WorkspaceError("no finished job of yours with that id")
            session.delete(row)

    def job(self, job_id: str, *, viewer: str) -> Job:
        """A job of ``viewer``'s (``WorkspaceError``, the same for another's as for none)."""
        with self.workspace.reading() as session:
            row = session.get(JobRow, job_id)
            if row is None or row.owner != viewer:
                raise WorkspaceError("no job of yours with that id")
            return Job.of(row)

    def jobs(self, owner: str) -> list[Job]:
        """``owner``'s jobs, newest first."""
        query = select(JobRow).where(JobRow.owner == owner).order_by(JobRow.submitted_at.desc())
        with self.workspace.reading() as session:
            return [Job.of(row) for row in session.scalars(query)]

    def find(self, owner: str, inputs_digest: str) -> Job | None:
        """``owner``'s newest job of these inputs that was not cancelled, or None."""
        query = (
            select(JobRow)
            .where(JobRow.owner == owner, JobRow.inputs_digest == inputs_digest, JobRow.status != "cancelled")
            .order_by(JobRow.submitted_at.desc())
        )
        with self.workspace.reading() as session:
            row = session.scalars(query).first()
            return None if row is None else Job.of(row)

    def result(self, job_id: str, *, viewer: str) -> Any:
        """A done job's result (``WorkspaceError`` when it is not done, or not ``viewer``'s)."""
        with self.workspace.reading() as session:
            row = session.get(JobRow, job_id)
            if row is None or row.owner != viewer or row.status != "done" or row.result is None:
                raise WorkspaceError("no finished result of yours with that id")
            return pickle.loads(row.result)  # this database's own pickles (module docstring)
