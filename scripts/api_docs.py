"""The API reference in ``docs/api/``: pdoc's HTML of ``noise_core``'s public names (its ``__all__``) and docstrings,
and of ``noise_core.workspace``'s (a subpackage ``import noise_core`` leaves out).

Run from the repository root after changing a public name or docstring (a test fails while the committed copy is
stale, and CI runs the check):

    python -m scripts.api_docs          # rewrite docs/api/
    python -m scripts.api_docs --check  # exit 1, naming the stale files, when docs/api/ is not a fresh generation

No search index and no source listings, so the reference stays small; object addresses that pdoc prints in
annotations (``<function _check at 0x7f…>``) are cut, so two runs give the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pdoc
import pdoc.render

API_DIR = Path(__file__).resolve().parents[1] / "docs" / "api"
REGENERATE = "python -m scripts.api_docs"
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def render() -> dict[str, str]:
    """A fresh generation: each file's path under ``docs/api/`` and its HTML."""
    pdoc.render.configure(docformat="restructuredtext", search=False, show_source=False)
    with tempfile.TemporaryDirectory() as folder:
        pdoc.pdoc("noise_core", "noise_core.workspace", output_directory=Path(folder))
        return {
            path.relative_to(folder).as_posix(): _ADDRESS.sub("", path.read_text(encoding="utf-8"))
            for path in sorted(Path(folder).rglob("*"))
            if path.is_file()
        }


def stale_files(folder: Path = API_DIR) -> list[str]:
    """The files of ``folder`` that differ from a fresh generation, or are missing from either."""
    fresh = render()
    committed = {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in folder.rglob("*")
        if path.is_file()
    }
    return sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))


def write(folder: Path = API_DIR) -> None:
    """Replace ``folder``'s files with a fresh generation."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.unlink()
    for name, text in render().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the reference, or with ``--check`` say whether the committed one is stale; returns the exit status."""
    parser = argparse.ArgumentParser(prog=REGENERATE, description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/api/ is not a fresh generation")
    if not parser.parse_args(argv).check:
        write()
        print(f"wrote {API_DIR}")
        return 0
    stale = stale_files()
    if stale:
        print(f"docs/api/ is stale ({', '.join(stale)}): run `{REGENERATE}`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
