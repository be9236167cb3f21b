"""Jobs for the worker-pool tests: importable by worker processes, so not in a test module."""

from __future__ import annotations

import os
import time

import numpy as np


def echo(value: object) -> object:
    return value


def sleep_then_return(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def allocate_gib(gib: float) -> int:
    """Touch ``gib`` GiB of memory (fails under a smaller address-space limit)."""
    block = np.ones(int(gib * 2**30 / 8))
    return int(block.size)


def abort() -> None:
    os.abort()


def worker_pid() -> int:
    return os.getpid()
