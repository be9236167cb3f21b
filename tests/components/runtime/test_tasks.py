"""The worker pools: limits end a task with a message and a fresh worker; the caller's process carries on."""

from __future__ import annotations

import concurrent.futures
import functools
from collections.abc import Iterator

import pytest

from components.runtime import tasks
from components.runtime.tasks import TaskLimits, TaskStopped, run_task
from noise_core import NoiseSpec, SimulationError, simulate
from tests import task_jobs

pytestmark = pytest.mark.slow  # starts worker processes


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[TaskLimits]:
    """Pools with a 3 s and 3 GiB limit (a worker holds ~1.6 GB of address space after importing qiskit)."""
    monkeypatch.setenv("NOISE_STUDIO_TASK_SECONDS", "3")
    monkeypatch.setenv("NOISE_STUDIO_TASK_MEMORY_MB", str(3 * 1024))
    monkeypatch.setenv("NOISE_STUDIO_WORKERS", "1")
    tasks.stop_pools()
    yield tasks.task_limits()
    tasks.stop_pools()


def test_limits_come_from_the_environment(small_limits: TaskLimits) -> None:
    assert small_limits == TaskLimits(seconds=3.0, memory_bytes=3 * 2**30, workers=1)


def test_a_task_over_the_time_limit_is_stopped_and_the_worker_replaced(small_limits: TaskLimits) -> None:
    first = run_task("pid", task_jobs.worker_pid, lane="heavy")
    with pytest.raises(
        TaskStopped, match=r"^stopped after 3 s, this server's limit per run; use fewer shots or qubits$"
    ):
        run_task("sleeping", task_jobs.sleep_then_return, 30, lane="heavy")
    assert run_task("pid", task_jobs.worker_pid, lane="heavy") != first
    assert run_task("echo", task_jobs.echo, 7, lane="heavy") == 7
    with pytest.raises(TaskStopped, match=r"^stopped after 3 s, this server's limit per run; fit fewer parameters$"):
        run_task("fitting", task_jobs.sleep_then_return, 30, lane="heavy", remedy="fit fewer parameters")


def test_a_task_over_the_memory_limit_is_stopped_in_the_worker(small_limits: TaskLimits) -> None:
    with pytest.raises(
        TaskStopped, match=r"ran out of this server's 3\.0 GiB memory limit per run; use fewer qubits or shots$"
    ):
        run_task("allocating", task_jobs.allocate_gib, 4.0)
    assert run_task("small allocation", task_jobs.allocate_gib, 0.1) == int(0.1 * 2**30 / 8)  # on a fresh worker


def test_a_worker_that_dies_is_reported_and_replaced(small_limits: TaskLimits) -> None:
    with pytest.raises(TaskStopped, match=r"the worker ended \(exit code -6\)"):
        run_task("aborting", task_jobs.abort)
    assert run_task("echo", task_jobs.echo, "alive") == "alive"


def test_library_errors_come_back_as_they_are_and_results_are_reused(small_limits: TaskLimits) -> None:
    no_shots = functools.partial(simulate, shots=0)
    with pytest.raises(SimulationError, match="shots must be an integer from 1 to 1,000,000; got 0"):
        run_task("simulating", no_shots, "OPENQASM 2.0; qreg q[1]; creg c[1]; measure q -> c;", NoiseSpec())
    first = run_task("pid", task_jobs.worker_pid, key=("pid",))
    run_task("sleeping", task_jobs.sleep_then_return, 0.1)
    assert run_task("pid", task_jobs.worker_pid, key=("pid",)) == first


def test_a_task_the_pool_never_ends_is_given_up_after_its_limit(
    small_limits: TaskLimits, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A future that runs and never completes (pebble issue #153: a task taken by a worker being ended) stops the
    session's wait shortly after the limit, with the time limit's message, and is cancelled."""
    monkeypatch.setattr(tasks, "LOST_TASK_GRACE_SECONDS", 0.5)
    lost = _LostFuture()
    assert lost.set_running_or_notify_cancel()
    with pytest.raises(TaskStopped, match=r"^stopped after 3 s, this server's limit per run"):
        tasks._wait("lost", lost, small_limits)
    assert lost.cancel_asked


class _LostFuture(concurrent.futures.Future[int]):
    """A running future that never completes, and records that it was asked to stop (pebble's end their worker)."""

    cancel_asked = False

    def cancel(self) -> bool:
        self.cancel_asked = True
        return super().cancel()


class _Rerun(Exception):
    """Stands for Streamlit's RerunException, raised where the waiting loop redraws its status."""


class _InterruptedStatus:
    def caption(self, _text: str) -> None:
        raise _Rerun

    def empty(self) -> None:
        return None


def test_a_session_that_moves_on_cancels_its_task_and_frees_the_worker(
    small_limits: TaskLimits, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_task("pid", task_jobs.worker_pid, lane="heavy")
    with monkeypatch.context() as patch, pytest.raises(_Rerun):
        patch.setattr(tasks.st, "empty", _InterruptedStatus)
        run_task("sleeping", task_jobs.sleep_then_return, 2.5, lane="heavy")
    assert run_task("pid", task_jobs.worker_pid, lane="heavy") != first  # the sleeping worker was ended


PLAN_UNDER_A_CAP = """
import resource, sys
from components.work.requests import preset_source
from components.work.worker import limit_worker_memory, warm_up
from components.work.limits import worker_limits
limit_worker_memory(4000 * 2**20)  # NOISE_STUDIO_TASK_MEMORY_MB=4000, as a worker starts
warm_up(preset_source("ibm_pittsburgh"))
import gc
print("frozen", gc.get_freeze_count())
from noise_core import NoiseStudioError, derive_noise_spec, simulate
from noise_core.simulation.circuits import ghz
from presets import load_preset
calibration = load_preset("ibm_pittsburgh")
spec = derive_noise_spec(calibration)
print("limit", worker_limits().max_memory_bytes)
simulate(ghz(12), spec, calibration=calibration, seed=7, limits=worker_limits())
print("ghz12 ran")
try:
    simulate(ghz(18), spec, calibration=calibration, seed=7, limits=worker_limits(), method="trajectories")
except NoiseStudioError as error:
    print("refused", error)
print("auto", simulate(ghz(18), spec, calibration=calibration, seed=7, limits=worker_limits()).method)
"""


def test_a_worker_plans_within_the_memory_left_under_its_cap() -> None:
    """Under a 4,000 MB cap a warm worker already holds ~3 GB of address space: GHZ(18) by trajectories, which once
    died of memory after 11 s, is refused before it starts with the limit left named, and ``auto`` runs it twirled
    instead; GHZ(12) still runs."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [sys.executable, "-c", PLAN_UNDER_A_CAP], capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).parents[3],
    )  # fmt: skip
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert done.returncode == 0, done.stderr[-2000:]
    assert 0 < int(lines["limit"]) < 1.5 * 2**30 and "ghz12" in lines
    assert int(lines["frozen"]) > 100_000  # what warm-up left alive is out of the collector's reach
    assert lines["refused"].startswith("trajectories on 18 active qubits would need about")
    assert "(limit " in lines["refused"] and "6 GiB" not in lines["refused"]
    assert lines["auto"] == "twirled"
