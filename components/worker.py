"""One long-lived thread with a large stack that does all of the app's qiskit and Aer work.

Streamlit runs every script rerun in a new thread with the default 8 MiB stack. With qiskit 2.6
and Aer 0.18 we saw such threads crash the whole server with a segmentation fault inside
``QuantumCircuit.__init__`` on a rerun after a noise model had been derived (reproduced with
AppTest: the second run's first circuit crashes; the same call in a fresh thread with a 256 MiB
stack does not). Running the work in one persistent thread with a large stack avoids it, and
keeps qiskit's per-thread state in one place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import streamlit as st

WORKER_STACK_BYTES = 256 * 2**20
"""Reserved (not committed) stack of the worker thread."""

Result = TypeVar("Result")


@st.cache_resource
def _executor() -> ThreadPoolExecutor:
    previous = threading.stack_size(WORKER_STACK_BYTES)
    try:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="noise-core")
        executor.submit(lambda: None).result()  # start the thread while the large stack size is set
    finally:
        threading.stack_size(previous)
    return executor


def run_in_worker(function: Callable[..., Result], *args: object, **kwargs: object) -> Result:
    """Call ``function`` on the worker thread and return its result (exceptions propagate)."""
    future: Future[Result] = _executor().submit(function, *args, **kwargs)
    return future.result()
