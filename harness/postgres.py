"""A throwaway PostgreSQL server from Debian's ``postgresql`` package, on loopback, for the workspace's tests.

``.ci/run`` installs the package; the tests start a server in a temporary folder and stop it at the end. As root
the server runs as the package's ``postgres`` user (PostgreSQL refuses to run as root). Anyone may connect as
``noise`` without a password, from this machine only.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEBIAN_BINARIES = Path("/usr/lib/postgresql")
USER = "noise"


def postgres_binaries() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` folder (Debian's layout), or None when none is installed."""
    versions = sorted(DEBIAN_BINARIES.glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str]) -> None:
    """Run a server command, as the server's user when root; a failure raises with its output."""
    user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*user, *command], check=True, capture_output=True, timeout=120)


@contextmanager
def running_postgres(binaries: Path) -> Iterator[str]:
    """A fresh server for the duration of the block; yields the URL of its ``postgres`` database."""
    folder = Path(tempfile.mkdtemp(prefix="noise-studio-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    _run([str(binaries / "initdb"), "-D", str(data), "-U", USER, "-A", "trust"])
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-w"]
    _run([*pg_ctl, "-o", options, "-l", str(folder / "log"), "start"])
    try:
        yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
    finally:
        _run([*pg_ctl, "-m", "immediate", "stop"])
        shutil.rmtree(folder, ignore_errors=True)
