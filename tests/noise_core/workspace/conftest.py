"""The workspace's databases: an SQLite file, and a real PostgreSQL server (``harness.postgres``) with a fresh
database per test. PostgreSQL tests skip where the server is not installed, unless
``NOISE_STUDIO_REQUIRE_POSTGRES`` is set (``.ci/run`` sets it); ``NOISE_STUDIO_TEST_POSTGRES_URL`` names a server
to use instead of starting one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from harness.postgres import postgres_binaries, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database."""
    given = os.environ.get("NOISE_STUDIO_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    binaries = postgres_binaries()
    if binaries is None:
        if os.environ.get("NOISE_STUDIO_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL is required here (NOISE_STUDIO_REQUIRE_POSTGRES) but is not installed")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    with running_postgres(binaries) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the server, dropped after the test."""
    name = f"workspace_{uuid.uuid4().hex[:12]}"
    server = make_url(postgres_server)
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes it runs on both: an SQLite file in a new folder, and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'workspace.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))
