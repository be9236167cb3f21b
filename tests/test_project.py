"""Project contracts: import boundaries between folders, and CI running the README's test command."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
FORBIDDEN_IMPORTS = {
    "noise_core": {"streamlit", "plotly", "components", "pages", "presets"},
    "presets": {"streamlit", "plotly", "components", "pages"},
    "components": {"pages"},
}


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder", sorted(FORBIDDEN_IMPORTS))
def test_folders_import_only_what_the_design_allows(folder: str) -> None:
    for path in (ROOT / folder).rglob("*.py"):
        if folder == "presets" and path.name == "generate.py":
            continue  # the offline generator may use test dependencies
        bad = imported_top_level_modules(path) & FORBIDDEN_IMPORTS[folder]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def readme_commands() -> list[str]:
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    return [
        line.strip() for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")
    ]


def test_readme_gives_exactly_two_set_up_and_go_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    assert "streamlit run app.py" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_pages_stay_thin() -> None:
    for page in (ROOT / "pages").glob("*.py"):
        assert len(page.read_text(encoding="utf-8").splitlines()) <= 80, page.name
