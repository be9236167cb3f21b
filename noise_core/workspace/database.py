"""Opening the workspace's database: an SQLite file by default, any SQLAlchemy URL (PostgreSQL) by configuration.

``open_workspace()`` reads ``NOISE_STUDIO_DATABASE_URL``; without it the database is the SQLite file
``default_database_path()`` (``$XDG_DATA_HOME/noise-studio/workspace.sqlite3``, else
``~/.local/share/noise-studio/workspace.sqlite3``), created with its folder on first use. Opening migrates the
database to the newest schema (Alembic, ``migrations/``), one process at a time.

Every failure to reach or write the database becomes ``DatabaseUnavailable`` (``DatabaseFull`` when the disk or a
size limit is full), with the URL shown without its password: callers keep working without saving, and a write
that fails is rolled back whole, so nothing already stored is lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc, make_url
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session, sessionmaker

from noise_core.errors import DatabaseFull, DatabaseUnavailable, WorkspaceError

DATABASE_URL_VARIABLE = "NOISE_STUDIO_DATABASE_URL"
"""The environment variable naming the database (an SQLAlchemy URL, e.g. ``postgresql://user:pw@host/db``)."""
SQLITE_BUSY_TIMEOUT_S = 30.0
"""How long an SQLite writer waits for another to finish before giving up (seconds)."""
MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATION_LOCK = 0x4E535744  # 'NSWD': PostgreSQL's advisory lock that serialises migrating processes
_FULL_SQLSTATES = frozenset({"53100", "54000"})  # disk_full, program_limit_exceeded (PostgreSQL)
_FULL_SQLITE = "database or disk is full"  # SQLITE_FULL's message


def default_database_path() -> Path:
    """Where the embedded SQLite database lives unless ``NOISE_STUDIO_DATABASE_URL`` names another."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "noise-studio" / "workspace.sqlite3"


def database_url() -> str:
    """``NOISE_STUDIO_DATABASE_URL`` when set (and not blank), else the default SQLite file's URL."""
    configured = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    return configured or f"sqlite:///{default_database_path()}"


class Workspace:
    """A migrated database and its sessions; ``reading()`` and ``writing()`` are the only ways in.

    On SQLite a writing session takes the write lock when it begins (``BEGIN IMMEDIATE``), so two writers queue
    (up to ``SQLITE_BUSY_TIMEOUT_S``) instead of one failing halfway; on PostgreSQL each is one transaction.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        writer = engine.execution_options(sqlite_begin="IMMEDIATE") if _is_sqlite(engine.url) else engine
        self._readers = sessionmaker(engine, expire_on_commit=False)
        self._writers = sessionmaker(writer, expire_on_commit=False)

    @property
    def location(self) -> str:
        """The database's URL without its password, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries; database failures become ``DatabaseUnavailable``."""
        with translated_errors(self.location), self._readers() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in one transaction, committed at the end or rolled back whole on any error."""
        with translated_errors(self.location), self._writers.begin() as session:
            yield session

    def close(self) -> None:
        """Close the pooled connections (the workspace can be opened again)."""
        self.engine.dispose()


def open_workspace(url: str | URL | None = None) -> Workspace:
    """The workspace at ``url`` (default: ``database_url()``), migrated to the newest schema.

    Raises ``WorkspaceError`` for a URL that is not one, and ``DatabaseUnavailable`` when the database cannot be
    reached, created or migrated.
    """
    engine = _engine(database_url() if url is None else url)
    workspace = Workspace(engine)
    try:
        with translated_errors(workspace.location):
            _migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return workspace


def _engine(url: str | URL) -> Engine:
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        raise WorkspaceError(
            f"{DATABASE_URL_VARIABLE} is not a database URL (expected e.g. sqlite:///path/workspace.sqlite3 or "
            "postgresql://user:password@host/database)"
        ) from None
    if parsed.drivername == "postgresql":  # psycopg 3, the driver the requirements install
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not _is_sqlite(parsed):
        return _created(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        try:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnavailable(
                f"cannot create the folder of the database {parsed.database!r}: {error.strerror or error}; set "
                f"{DATABASE_URL_VARIABLE} to a writable place. Nothing is saved until then."
            ) from None
    engine = _created(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_connected)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _created(url: URL, **options: Any) -> Engine:
    try:
        return create_engine(url, **options)
    except (exc.NoSuchModuleError, ImportError) as error:
        raise WorkspaceError(
            f"no driver for the database {url.render_as_string(hide_password=True)!r} ({error}); use sqlite:/// or "
            "postgresql:// URLs"
        ) from None


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_connected(connection: Any, _record: Any) -> None:
    """Let SQLAlchemy's ``begin`` event own transactions (pysqlite's own would leave DDL outside them), and keep
    readers and a writer apart with the write-ahead log."""
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _migrate(engine: Engine) -> None:
    """Alembic's upgrade to head in one transaction; PostgreSQL holds an advisory lock so that migrating
    processes take turns, SQLite its write lock."""
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    with writer.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def translated_errors(location: str) -> Iterator[None]:
    """Database failures as ``DatabaseFull`` or ``DatabaseUnavailable`` naming ``location``; a broken rule of
    the schema (``IntegrityError``) passes through for the caller to decide."""
    try:
        yield
    except exc.IntegrityError:
        raise
    except (exc.OperationalError, exc.InterfaceError, exc.DatabaseError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
        if getattr(error.orig, "sqlstate", None) in _FULL_SQLSTATES or _FULL_SQLITE in reason:
            raise DatabaseFull(
                f"the database {location} is full ({reason}): nothing was saved, and what it holds is untouched. "
                "Free space or delete items, then save again."
            ) from None
        raise DatabaseUnavailable(
            f"the database {location} cannot be used ({reason}): nothing was saved, and what it holds is "
            "untouched. Check that it runs and is reachable, then try again."
        ) from None
