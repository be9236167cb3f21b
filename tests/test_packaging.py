"""The library as shipped: its dependencies and version, the command line's help, the API reference, and the wheel
(its files, its entry point, and an install that runs from outside the clone)."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import noise_core
from noise_core import cli, derive_noise_spec, save_session
from presets import list_presets, load_preset
from scripts import api_docs
from tests.test_project import imported_modules

ROOT = Path(__file__).parents[1]
DASHBOARD_SECTION = "# The dashboard's own"
"""The comment in requirements.txt after which its entries are the dashboard's, not the library's."""


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def requirement_sections() -> tuple[list[str], list[str]]:
    """requirements.txt's entries, comments cut: the library's, then the dashboard's."""
    library: list[str] = []
    dashboard: list[str] = []
    section = library
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith(DASHBOARD_SECTION):
            section = dashboard
        if entry := line.split("#", 1)[0].strip():
            section.append(entry)
    return library, dashboard


def canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_config() -> dict[str, list[str]]:
    return pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]  # type: ignore[no-any-return]


def clone_files_for_the_wheel() -> set[str]:
    """Every file of the wheel's packages in the clone (byte-code caches aside), less what the wheel excludes."""
    config = wheel_config()
    files = {
        path.relative_to(ROOT).as_posix()
        for package in config["packages"]
        for path in (ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    return files - set(config["exclude"])


def registered_commands() -> list[str]:
    """The commands the parser dispatches, read from argparse's own record of its subparsers."""
    parser = cli._parser("noise-studio")
    (subparsers,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return list(subparsers.choices)


def test_the_wheels_dependencies_are_requirements_txts_library_section() -> None:
    library, dashboard = requirement_sections()
    assert dashboard, f"requirements.txt has no section starting {DASHBOARD_SECTION!r}"
    assert pyproject()["project"]["dependencies"] == library


def test_nothing_in_the_wheel_imports_a_dashboard_only_dependency() -> None:
    names = {canonical(re.split(r"[<>=!~;\[ ]", entry)[0]) for entry in requirement_sections()[1]}
    modules = {
        module
        for module, distributions in metadata.packages_distributions().items()
        if any(canonical(distribution) in names for distribution in distributions)
    }
    assert {"streamlit", "plotly", "pebble"} <= modules
    for name in sorted(clone_files_for_the_wheel()):
        if name.endswith(".py"):
            assert not imported_modules(ROOT / name) & modules, f"{name} imports a dashboard-only dependency"


def test_the_version_is_written_once_and_the_changelog_has_its_section() -> None:
    project = pyproject()["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert pyproject()["tool"]["hatch"]["version"]["path"] == "noise_core/__init__.py"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(noise_core.__version__)}\]", changelog, re.MULTILINE)


def test_the_help_lists_every_registered_command(capsys: pytest.CaptureFixture[str]) -> None:
    commands = registered_commands()
    assert {"derive", "run", "budget", "sweep", "plan", "compare", "fit"} <= set(commands)  # all three modules'
    with pytest.raises(SystemExit) as exit_status:
        cli.main(["--help"])
    assert exit_status.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("usage: noise-studio ")
    usage = re.search(r"\{([a-z,]+)\}", help_text)
    assert usage is not None and usage.group(1).split(",") == commands
    listed = re.findall(r"^ {4}([a-z]+) ", help_text, re.MULTILINE)
    assert listed == commands


def test_the_committed_api_reference_is_a_fresh_generation() -> None:
    check = [sys.executable, "-m", "scripts.api_docs", "--check"]  # its own process, as CI runs it
    done = subprocess.run(check, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_the_api_reference_check_names_changed_missing_and_extra_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_docs, "render", lambda: {"index.html": "a", "noise_core.html": "b", "sub/x.html": "c"})
    (tmp_path / "index.html").write_text("a", encoding="utf-8")
    (tmp_path / "noise_core.html").write_text("b, before a docstring changed", encoding="utf-8")
    (tmp_path / "gone.html").write_text("a module made private", encoding="utf-8")
    assert api_docs.stale_files(tmp_path) == ["gone.html", "noise_core.html", "sub/x.html"]
    api_docs.write(tmp_path)
    assert api_docs.stale_files(tmp_path) == []
    assert (tmp_path / "sub" / "x.html").read_text(encoding="utf-8") == "c" and not (tmp_path / "gone.html").exists()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the clone with the installed hatchling (no download)."""
    dist = tmp_path_factory.mktemp("dist")
    build = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    (built,) = dist.glob("*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_the_library_its_data_and_entry_point_and_nothing_of_the_dashboard(wheel: Path) -> None:
    version = noise_core.__version__
    assert wheel.name == f"noise_studio-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"noise_studio-{version}.dist-info"
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        wheel_metadata = archive.read(f"{info}/METADATA").decode()
    assert {name.split("/")[0] for name in names} == {"noise_core", "presets", info}  # no app, pages, tests...
    assert {name for name in names if not name.startswith(info)} == clone_files_for_the_wheel()
    data = {"noise_core/py.typed", "noise_core/session.schema.json", "noise_core/spec/noise_spec.schema.json"}
    snapshots = {f"presets/snapshots/{preset.name}.json" for preset in list_presets()}
    assert data | snapshots | {"presets/snapshots/MANIFEST.json"} <= names
    assert "presets/generate.py" not in names
    assert "[console_scripts]\nnoise-studio = noise_core.cli:main" in entry_points
    assert f"\nVersion: {version}\n" in wheel_metadata


@pytest.mark.slow
def test_the_installed_wheel_runs_from_outside_the_clone(
    wheel: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(site)]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True, timeout=300)
    environment = {**os.environ, "PYTHONPATH": str(site)}

    def shell(*command: str) -> str:
        done = subprocess.run(command, cwd=work, env=environment, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    imported = shell(sys.executable, "-c", "import noise_core, presets; print(noise_core.__file__, presets.__file__)")
    assert all(Path(name).is_relative_to(site) for name in imported.split())
    noise_studio = str(site / "bin" / "noise-studio")
    help_text = shell(noise_studio, "--help")
    assert help_text.startswith("usage: noise-studio ")
    assert re.search(r"\{([a-z,]+)\}", help_text).group(1).split(",") == registered_commands()  # type: ignore[union-attr]
    assert shell(sys.executable, "-m", "noise_core", "--help").startswith("usage: python -m noise_core ")

    calibration = load_preset("ibmq_manila")
    bundle = work / "view.noise-studio.json"
    bundle.write_text(
        save_session(
            calibration=calibration,
            spec=derive_noise_spec(calibration),
            circuit="ghz:3",
            shots=1000,
            seed=5,
            preset="ibmq_manila",
        )
    )
    installed = json.loads(shell(noise_studio, "run", bundle.name, "--json"))  # the preset from the installed copy
    assert cli.main(["run", str(bundle), "--json"]) == 0
    assert installed == json.loads(capsys.readouterr().out)
    assert sum(installed["noisy_counts"].values()) == 1000 and len(installed["active_qubits"]) == 3

    schemas = (
        "from importlib.resources import files; from noise_core import sessions; from noise_core.spec import schema;"
        "package = files('noise_core');"
        "print(package.joinpath('session.schema.json').read_text(encoding='utf-8') == sessions.render_schema(),"
        "package.joinpath('spec', 'noise_spec.schema.json').read_text(encoding='utf-8') == schema.render_schema())"
    )
    assert shell(sys.executable, "-c", schemas).split() == ["True", "True"]
