"""Bounds on an untrusted JSON document, checked on its bytes before any parser builds objects.

Python's ``json`` recurses once per nesting level, so ``[[[[…]]]]`` a hundred thousand deep ends
in ``RecursionError`` (not a ``ValueError``) after building the nest; a very large document costs
memory and time in proportion. Both are measured here without parsing.
"""

from __future__ import annotations

import re

import numpy as np

MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects accepted; a BackendProperties snapshot or a spec needs 6."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_OPENERS = np.frombuffer(b"[{", dtype=np.uint8)
_CLOSERS = np.frombuffer(b"]}", dtype=np.uint8)


def json_bounds_problem(document: bytes, *, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why ``document`` is refused before parsing (size or nesting, with the limit), or None."""
    if len(document) > max_bytes:
        return f"the document is {_megabytes(len(document))}; the limit is {_megabytes(max_bytes)}"
    depth = nesting_depth(document)
    if depth > max_depth:
        return f"the document nests arrays and objects {depth:,} deep; the limit is {max_depth}"
    return None


def nesting_depth(document: bytes) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (0 for a scalar)."""
    code = np.frombuffer(_STRING.sub(b'""', document), dtype=np.uint8)
    steps = np.isin(code, _OPENERS).astype(np.int64) - np.isin(code, _CLOSERS).astype(np.int64)
    return int(np.cumsum(steps).max(initial=0))


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"
