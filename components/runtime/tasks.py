"""Heavy work in worker processes, so one user's task can neither crash nor stall the server.

Every qiskit and Aer call of the app runs in a ``pebble.ProcessPool`` worker. Each worker lives
under an operating-system memory limit (``RLIMIT_AS``, set when it starts) and each task under a
wall-clock limit; a task over either ends with a message, pebble replaces the worker, and the
server and the other sessions carry on. Two pools: ``quick`` for tasks planned under a second
(the live loop, plans, parsing) and ``heavy`` for the rest, so a small task never queues behind
a long one. A session waiting for a task keeps redrawing a status line; that is where Streamlit
delivers a rerun (the user changed an input) or a stop (the session went away), and the task is
then cancelled, which ends its worker.

Limits (environment variables, read at start):

- ``NOISE_STUDIO_TASK_SECONDS``: wall-clock limit of one task (default 60 s);
- ``NOISE_STUDIO_TASK_MEMORY_MB``: address-space limit of one worker (default 40 % of the
  machine's memory; a worker's address space runs ~3 GB above what it holds, qiskit and Aer's
  thread pools reserve it);
- ``NOISE_STUDIO_WORKERS``: workers per pool (default 2).

Pebble was chosen over ``concurrent.futures.ProcessPoolExecutor`` because it kills a worker on
timeout or cancellation and starts a new one; the standard pool can do neither for a running task.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import os
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from threading import Event, Lock, Thread
from typing import Literal, TypeVar

import streamlit as st
from pebble import ProcessExpired, ProcessPool

from components.logic.caches import SharedCache
from components.runtime.startup import worker_context
from components.work.requests import preset_source
from components.work.worker import OUT_OF_MEMORY_EXIT, guarded, limit_worker_memory, warm_up
from presets import DEFAULT_PRESET

Lane = Literal["quick", "heavy"]
Result = TypeVar("Result")

DEFAULT_DEVICE = preset_source(DEFAULT_PRESET)
"""The device the app opens on; workers load it while they warm up."""
POLL_SECONDS = 0.2
"""How often a waiting session redraws its status line (and can be rerun or stopped)."""
RESULTS_KEPT = 64
LOST_TASK_GRACE_SECONDS = 5.0
"""How long past its limit a session waits for a task the pool should have ended (``_wait``)."""
SMALLER_RUN = "use fewer shots or qubits"
"""What a run stopped by the time limit should change, unless its task says otherwise (``run_task``'s remedy)."""
HEAVY_WARM_DELAY_SECONDS = 10.0
"""The heavy lane warms up this long after the quick one (``_Pools._warm_heavy_after``)."""


def _physical_memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


@dataclass(frozen=True)
class TaskLimits:
    """The limits every task runs under; read from the environment once per server."""

    seconds: float
    memory_bytes: int
    workers: int

    @classmethod
    def from_environment(cls) -> TaskLimits:
        memory_mb = os.environ.get("NOISE_STUDIO_TASK_MEMORY_MB")
        return cls(
            seconds=float(os.environ.get("NOISE_STUDIO_TASK_SECONDS", "60")),
            memory_bytes=int(memory_mb) * 2**20 if memory_mb else int(0.4 * _physical_memory_bytes()),
            workers=int(os.environ.get("NOISE_STUDIO_WORKERS", "2")),
        )


class TaskStopped(Exception):
    """A task ended by a limit or by its worker's death; the message says what to change."""


class _Pools:
    """The two pools, started once per server, and a results cache shared by every session."""

    def __init__(self, limits: TaskLimits) -> None:
        self.limits = limits
        context = worker_context()
        self.pools = {
            lane: ProcessPool(
                max_workers=limits.workers,
                initializer=limit_worker_memory,
                initargs=(limits.memory_bytes,),
                context=context,
            )
            for lane in ("quick", "heavy")
        }
        self.stopped = Event()
        quick = [self._warm("quick") for _ in range(limits.workers)]
        Thread(target=self._warm_heavy_after, args=(quick,), name="noise-studio-warm", daemon=True).start()
        self.results: SharedCache[object] = SharedCache(RESULTS_KEPT)

    def _warm(self, lane: Lane) -> concurrent.futures.Future[None]:
        """Pay a worker's one-time costs now, not on a user's first request (``components.work.worker.warm_up``)."""
        return self.pools[lane].schedule(warm_up, args=(DEFAULT_DEVICE,), timeout=self.limits.seconds)

    def _warm_heavy_after(self, quick: list[concurrent.futures.Future[None]]) -> None:
        """Warm the heavy lane some seconds after the quick one: on a fresh server the first histogram needs only
        quick workers, and the cores are theirs and the browser's meanwhile (measured: 0.5 s sooner here)."""
        concurrent.futures.wait(quick)
        if self.stopped.wait(HEAVY_WARM_DELAY_SECONDS):
            return  # stopped meanwhile: nothing to warm
        for _ in range(self.limits.workers):
            self._warm("heavy")

    def stop(self) -> None:
        self.stopped.set()
        for pool in self.pools.values():
            pool.stop()


_STARTED: list[_Pools] = []
_START_LOCK = Lock()


def _pools() -> _Pools:
    """The server's pools, started on first use (or by ``start_pools``) and shared by every session."""
    with _START_LOCK:
        if not _STARTED:
            _STARTED.append(_Pools(TaskLimits.from_environment()))
        return _STARTED[0]


def start_pools() -> None:
    """Start the pools in the background, so the workers import qiskit and warm up while the first page imports
    and draws (starting them takes ~1.5 s, warming them ~2 s more; the first histogram waits for both)."""
    if not _STARTED:
        Thread(target=_pools, name="noise-studio-pools", daemon=True).start()


@atexit.register
def stop_pools() -> None:
    """Stop the pools and forget them; the next task starts new ones (tests change the limits this way)."""
    with _START_LOCK:
        if _STARTED:
            _STARTED.pop().stop()


def task_limits() -> TaskLimits:
    return _pools().limits


def run_task(
    label: str,
    function: Callable[..., Result],
    *args: object,
    lane: Lane = "quick",
    key: Hashable | None = None,
    remedy: str = SMALLER_RUN,
) -> Result:
    """``function(*args)`` in a worker of ``lane``; with ``key``, a result computed before is reused.

    Exceptions the function raises (``NoiseStudioError`` and kin) come back as they are; a limit
    or a dead worker raises ``TaskStopped``, the time limit's message ending in ``remedy``.
    """
    pools = _pools()

    def run() -> Result:
        future = pools.pools[lane].schedule(guarded, args=(function, *args), timeout=pools.limits.seconds)
        return _wait(label, future, pools.limits, remedy)

    if key is None:
        return run()
    return pools.results.get_or_compute(key, run)  # type: ignore[return-value]


def _wait(
    label: str, future: concurrent.futures.Future[Result], limits: TaskLimits, remedy: str = SMALLER_RUN
) -> Result:
    """The future's result, redrawing a status line until it is done; cancels it if the script is interrupted, or
    if the pool has not ended it ``LOST_TASK_GRACE_SECONDS`` after its limit counted from when it started running,
    as the pool counts it (a task pebble lost track of, when a worker was ended for a cancelled task just as it
    took the next one: pebble issue #153, open)."""
    started = time.monotonic()
    running_since: float | None = None
    status = None
    try:
        while not concurrent.futures.wait([future], timeout=POLL_SECONDS).done:
            status = status or st.empty()
            now = time.monotonic()
            elapsed = now - started
            running_since = running_since or (now if future.running() else None)
            if running_since is not None and now - running_since > limits.seconds + LOST_TASK_GRACE_SECONDS:
                raise TaskStopped(_time_message(limits, remedy))
            status.caption(f":material/hourglass_top: {label}: {elapsed:.0f} s (stops at {limits.seconds:.0f} s)")
        return _outcome(future, limits, remedy)
    finally:
        if not future.done():
            future.cancel()  # pebble ends the worker running it and starts another
        if status is not None:
            status.empty()


def _outcome(future: concurrent.futures.Future[Result], limits: TaskLimits, remedy: str) -> Result:
    try:
        return future.result()
    except concurrent.futures.TimeoutError:
        raise TaskStopped(_time_message(limits, remedy)) from None
    except ProcessExpired as error:
        if error.exitcode == OUT_OF_MEMORY_EXIT:
            raise TaskStopped(_memory_message(limits)) from None
        raise TaskStopped(f"the worker ended (exit code {error.exitcode}): {_memory_message(limits)}") from None


def _time_message(limits: TaskLimits, remedy: str) -> str:
    return f"stopped after {limits.seconds:g} s, this server's limit per run; {remedy}"


def _memory_message(limits: TaskLimits) -> str:
    return (
        f"the task ran out of this server's {limits.memory_bytes / 2**30:.1f} GiB memory limit per run; use fewer "
        "qubits or shots"
    )
