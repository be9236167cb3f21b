"""The worker process itself: its memory cap, how a task that runs out of memory ends it, its warm-up, and the
calibrations it keeps loaded across tasks.

Each worker keeps the calibrations it loaded (``calibration_of``), and Aer's built errors and noise
models, warm across tasks. This module never imports streamlit: worker processes import it.
"""

from __future__ import annotations

import gc
import os
import resource
from collections.abc import Callable
from typing import TypeVar

from components.logic.caches import SharedCache
from components.work.requests import DeviceSource
from noise_core import BackendCalibration, NoiseSpec, simulate
from noise_core.simulation import CIRCUIT_LIBRARY

Result = TypeVar("Result")
CALIBRATIONS_KEPT = 4
"""Calibrations each worker keeps loaded (a 156-qubit one holds ~20 MB)."""


def limit_worker_memory(memory_bytes: int) -> None:
    """Worker initializer: cap the process's address space, so an allocation past it fails in the worker."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


OUT_OF_MEMORY_EXIT = 75
"""Exit status of a worker that hit its memory limit (``guarded``)."""


def guarded(function: Callable[..., Result], *args: object) -> Result:
    """``function(*args)``; a ``MemoryError`` ends the worker, whose heap may be left fragmented near its limit.

    Pebble then reports the exit status and starts a fresh worker for the next task.
    """
    try:
        return function(*args)
    except MemoryError:
        os._exit(OUT_OF_MEMORY_EXIT)


def warm_up(device: DeviceSource) -> None:
    """Pay a fresh worker's one-time costs: Qiskit imports its transpiler passes on first use (~1 s),
    and the device the app opens on is loaded (~0.1 s). What is alive then stays for the worker's life, so it is
    moved out of the garbage collector's reach (``gc.freeze``): a full collection during a run then traverses only
    what runs made (full collections took a QFT(8) run on ibm_fez from ~300 ms to ~470 ms in one run in three)."""
    simulate(CIRCUIT_LIBRARY["Bell"](), NoiseSpec(), shots=1, seed=0)
    calibration_of(device)
    gc.freeze()


_CALIBRATIONS: SharedCache[BackendCalibration] = SharedCache(CALIBRATIONS_KEPT)


def calibration_of(device: DeviceSource) -> BackendCalibration:
    """The device's calibration, loaded on this worker's first use and kept (least recently used out)."""
    return _CALIBRATIONS.get_or_compute(device.key, device.load)
