"""Documents and bundles as the workspace stores them: zlib-compressed, and inflated under a bound (a row altered in
the database could be a zlib bomb)."""

from __future__ import annotations

import zlib

from noise_core.errors import WorkspaceError


def deflated(content: bytes) -> bytes:
    """``content`` compressed as stored."""
    return zlib.compress(content)


def inflated(stored: bytes, limit: int, what: str) -> bytes:
    """A stored blob decompressed, refused past ``limit`` bytes (``WorkspaceError`` naming ``what``)."""
    inflater = zlib.decompressobj()
    content = inflater.decompress(stored, limit)
    if inflater.unconsumed_tail or not inflater.eof:
        raise WorkspaceError(f"{what} is damaged or over {limit} bytes")
    return content
