"""Starting the worker processes with the server, before anything heavy is imported.

Workers fork from a multiprocessing forkserver that has imported qiskit and Aer once
(``components.jobs``, ~1.5 s). Starting it first, before the server imports its own modules (also
~1.5 s), lets both imports run side by side, and the first histogram waits for the longer of the
two instead of their sum. ``app.py`` is an ``st.App`` whose lifespan (``start_with_the_server``)
does this when the server starts; each session's script calls ``start_workers`` too (a no-op once
they run), so AppTest and a page opened first still get them. This module imports only the
standard library; the pools and the pages' modules are imported when the workers start.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from multiprocessing import forkserver
from multiprocessing.context import ForkServerContext
from threading import Thread

PRELOAD = ["components.jobs"]
"""What the forkserver imports before it forks a worker: qiskit, Aer and the jobs."""


def worker_context() -> ForkServerContext:
    """The multiprocessing context the worker pools start their processes in."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_forkserver() -> None:
    """Start the forkserver now; it imports ``PRELOAD`` in its own process while this one goes on."""
    worker_context()
    forkserver.ensure_running()


def start_workers() -> None:
    """Start the worker processes (once per server): their forkserver first, which imports qiskit in its own
    process, then the pools, whose workers warm up in the background."""
    start_forkserver()
    from components.tasks import start_pools  # qiskit in this process too (~1.5 s), beside the forkserver's

    start_pools()


@asynccontextmanager
async def start_with_the_server(_app: object) -> AsyncIterator[None]:
    """At server start, not at the first visit: the workers start and the app's modules load in a thread, so the
    first visitor finds them warm."""
    Thread(target=_load, name="noise-studio-start", daemon=True).start()
    yield


def _load() -> None:
    start_workers()
    from components import session_view  # noqa: F401  (the first script run finds it imported)
