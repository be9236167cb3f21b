"""The limits a simulation plans under inside a worker process: the memory the worker can still take, and
this server's measured speed.

A worker runs under an address-space cap (``RLIMIT_AS``, set by ``components.runtime.tasks`` from
``NOISE_STUDIO_TASK_MEMORY_MB``). After importing qiskit and Aer and running once, a worker already
holds ~3 GB of address space (thread pools and allocator arenas reserve it; measured here 3.05 GB
with 0.3 GB resident), so a 4,000 MB cap leaves about 1 GB for a simulation's states. Planning with
the library's default 6 GiB would offer runs that die of memory seconds later; planning with what
is left refuses them before they start, with ``check_memory``'s message. This module never imports
streamlit: workers import it.
"""

from __future__ import annotations

import os
import resource
from dataclasses import replace

from noise_core.simulation.cost import MiB
from noise_core.simulation.methods import DEFAULT_LIMITS, SimulationLimits

ADDRESS_SPACE_MARGIN_BYTES = 256 * MiB
"""Kept free under the cap beyond the estimated peak: Aer's extra threads and allocator arenas on a large run
(GHZ(16) raised the peak address space 650 MB above the warm worker's, its estimate 662 MiB)."""


def address_space_bytes() -> int:
    """This process's address space now (``/proc/self/statm``'s size, in pages)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def worker_limits(speed: tuple[tuple[str, float], ...] = ()) -> SimulationLimits:
    """The library's limits with the memory this process can still take under its cap (none: unchanged) and
    ``speed`` (``SimulationLimits.speed``)."""
    cap, _hard = resource.getrlimit(resource.RLIMIT_AS)
    limits = replace(DEFAULT_LIMITS, speed=speed)
    if cap == resource.RLIM_INFINITY:
        return limits
    free = max(0, cap - address_space_bytes() - ADDRESS_SPACE_MARGIN_BYTES)
    return replace(limits, max_memory_bytes=min(DEFAULT_LIMITS.max_memory_bytes, free))
