"""What the app's tests share as fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apptest import served_workspace


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty SQLite workspace of this test's own, opened by the app as served; its URL."""
    with served_workspace(f"sqlite:///{tmp_path / 'workspace.sqlite3'}", monkeypatch) as url:
        yield url
