"""The app's one hand-kept cache (``components.logic.caches.SharedCache``) and the caches built on it: bounded,
evicting what each promises, and whole when the server's session threads share them."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from components.logic.caches import SharedCache
from components.runtime.cached import spec_json
from noise_core import NoiseSpec


def counting(calls: list[str]) -> Callable[[str], Callable[[], str]]:
    """A computation per key that records each time it runs."""

    def compute(key: str) -> Callable[[], str]:
        def run() -> str:
            calls.append(key)
            return key.upper()

        return run

    return compute


def test_least_recently_used_goes_first() -> None:
    calls: list[str] = []
    cache: SharedCache[str] = SharedCache(2)
    for key in ["a", "b", "a", "c", "a", "b"]:  # reading a keeps it; c evicts b, the least recently used
        assert cache.get_or_compute(key, counting(calls)(key)) == key.upper()
    assert calls == ["a", "b", "c", "b"]
    assert len(cache) == 2


def test_first_in_goes_first_however_often_it_is_read() -> None:
    calls: list[str] = []
    cache: SharedCache[str] = SharedCache(2, "first in")
    for key in ["a", "b", "a", "c", "a", "b"]:  # c evicts a, stored first; a then evicts b
        cache.get_or_compute(key, counting(calls)(key))
    assert calls == ["a", "b", "c", "a", "b"]


def test_a_computation_that_raises_keeps_nothing() -> None:
    cache: SharedCache[str] = SharedCache(2)

    def failing() -> str:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        cache.get_or_compute("a", failing)
    assert len(cache) == 0
    assert cache.get_or_compute("a", lambda: "A") == "A"


def test_one_of_many_threads_adding_a_key_adds_it() -> None:
    cache: SharedCache[int] = SharedCache(10_000, "first in")
    with ThreadPoolExecutor(8) as pool:
        added = list(pool.map(lambda key: cache.add(key % 500, key), range(8 * 500)))
    assert sum(added) == 500 and len(cache) == 500


def test_threads_sharing_a_small_cache_get_their_own_values_and_it_stays_bounded() -> None:
    cache: SharedCache[str] = SharedCache(16)
    keys = [f"key{index % 64}" for index in range(20_000)]
    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda key: cache.get_or_compute(key, lambda: key.upper()), keys))
    assert values == [key.upper() for key in keys]
    assert len(cache) == 16


def test_spec_json_is_computed_once_per_spec_object_and_right_under_threads() -> None:
    """The server's spec texts: sessions in threads ask for them at once, more specs than are kept."""
    specs = [NoiseSpec(readout_bit_flip_probability=index / 100) for index in range(40)]
    with ThreadPoolExecutor(8) as pool:
        texts = list(pool.map(spec_json, specs * 25))
    assert texts == [spec.model_dump_json() for spec in specs * 25]
