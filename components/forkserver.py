"""The process every worker forks from, started before anything heavy is imported.

Workers fork from a multiprocessing forkserver that has imported qiskit and Aer once
(``components.jobs``, ~1.5 s). Starting it first, before the server imports its own modules (also
~1.5 s), lets both imports run side by side on a fresh server, and the first histogram waits for
the longer of the two instead of their sum. This module imports only the standard library.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver
from multiprocessing.context import ForkServerContext

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
