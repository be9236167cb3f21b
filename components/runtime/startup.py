"""Starting the worker processes with the server, before anything heavy is imported.

Workers fork from a multiprocessing forkserver that has imported qiskit and Aer once
(``components.work.jobs``, ~1.5 s). Starting it first, before the server imports its own modules (also
~1.5 s), lets both imports run side by side, and the first histogram waits for the longer of the
two instead of their sum. ``app.py`` is an ``st.App`` whose lifespan (``start_with_the_server``)
does this when the server starts; each session's script calls ``load_app`` too (a no-op once it
has run), so AppTest and a page opened first still get them. This module imports only the
standard library; the pools and the pages' modules are imported by ``load_app``.
"""

from __future__ import annotations

import ast
import importlib
import multiprocessing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from multiprocessing import forkserver
from multiprocessing.context import ForkServerContext
from pathlib import Path
from threading import RLock, Thread

PRELOAD = ["components.work.jobs"]
"""What the forkserver imports before it forks a worker: qiskit, Aer and the jobs."""


def worker_context() -> ForkServerContext:
    """The multiprocessing context the worker pools start their processes in."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_forkserver() -> None:
    """Start the forkserver now; it imports ``PRELOAD`` in its own process while this one goes on."""
    worker_context()
    forkserver.ensure_running()


def load_app() -> None:
    """Start the workers and import every module the pages use, once per server, in whichever thread comes first
    (the server's start, or a first session); another waits until it is done. Two threads importing one package
    graph at the same time can meet in Python's per-module import locks and see a module half initialized."""
    with _LOADING:
        if _LOADED:
            return
        start_forkserver()
        from components.runtime.tasks import start_pools  # qiskit in this process too (~1.5 s), beside the forkserver's

        start_pools()
        for name in ["components.views.sharing", *page_modules()]:  # what app.py and the pages import
            importlib.import_module(name)
        _LOADED.append(True)


_LOADING = RLock()
_LOADED: list[bool] = []
ROOT = Path(__file__).parents[2]
PAGES = ROOT / "pages"
"""The pages' scripts: app.py routes to them and views link to them by absolute path, whatever the main script's
folder (AppTest runs the router from its own)."""


def page_modules() -> list[str]:
    """The ``components`` modules the pages (``pages/*.py``) import, read from their source: ``from X import Y``
    counts X, and X.Y too where Y is a module (``from components.views import fit as view``)."""
    names = set()
    for page in PAGES.glob("*.py"):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("components"):
                names.add(node.module)
                names.update(
                    f"{node.module}.{alias.name}" for alias in node.names if _is_module(f"{node.module}.{alias.name}")
                )
    return sorted(names)


def _is_module(name: str) -> bool:
    return ROOT.joinpath(*name.split(".")).with_suffix(".py").is_file()


@asynccontextmanager
async def start_with_the_server(_app: object) -> AsyncIterator[None]:
    """At server start, not at the first visit: the workers start and the app's modules load in a thread, so the
    first visitor finds them warm; and every request runs the router (``route_every_request``)."""
    route_every_request()
    Thread(target=load_app, name="noise-studio-start", daemon=True).start()
    yield


def route_every_request() -> None:
    """Tell Streamlit that ``pages/`` is not its old pages folder. It decides that from the folder's presence until
    ``st.navigation`` first runs in the process, so on a fresh server a first request for ``/device`` would run
    ``pages/device.py`` alone: without the router, its session set-up, and the sign-in gate
    (``tests/app/test_sign_in.py`` opens a page first on a fresh server)."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
