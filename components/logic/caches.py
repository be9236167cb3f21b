"""The one kind of cache the app keeps by hand: bounded, and safe to share between the server's session threads.

A ``SharedCache`` is a ``cachetools`` cache (least recently used out, or first in out) behind one
lock: every read and write of its entries holds the lock, so sessions running in threads see it
whole (a plain dict or ``OrderedDict`` can be read while another thread evicts from it). A value is
computed outside the lock, so one slow computation never holds up other sessions; two threads
missing the same key at once both compute it, and the value stored last is kept. A computation
that raises stores nothing.

It lives in ``components.logic``, the bottom layer, because every layer keeps one: the worker
processes (specs and calibrations they loaded), the runtime (task results, spec texts, run speed)
and the logic itself (table signatures). Streamlit's ``st.cache_resource`` still serves the
caches keyed by a function's arguments in the runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, Literal, TypeVar

from cachetools import FIFOCache, LRUCache

Value = TypeVar("Value")
Eviction = Literal["least recently used", "first in"]


class SharedCache(Generic[Value]):
    """At most ``size`` values by key; when full, a new one evicts the least recently used, or the first stored
    (``first in``: reading an entry does not keep it longer)."""

    def __init__(self, size: int, evict: Eviction = "least recently used") -> None:
        self._entries: LRUCache | FIFOCache = LRUCache(size) if evict == "least recently used" else FIFOCache(size)
        self._lock = Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The value kept under ``key``; else ``compute()``, kept and returned (nothing kept if it raises)."""
        with self._lock:
            try:
                return self._entries[key]
            except KeyError:
                pass
        value = compute()
        with self._lock:
            self._entries[key] = value
        return value

    def add(self, key: Hashable, value: Value) -> bool:
        """Keep ``value`` under ``key`` unless a value is kept there already; whether it was kept (one thread of
        many adding the same key gets True)."""
        with self._lock:
            if key in self._entries:
                return False
            self._entries[key] = value
            return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
