"""Project contracts: import boundaries between folders and rooms, the public API, CI running the README's test command."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from graphlib import TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
FORBIDDEN_IMPORTS = {
    "noise_core": {"streamlit", "plotly", "components", "pages", "presets", "harness", "tests", "bench"},
    "presets": {"streamlit", "plotly", "components", "pages", "harness", "tests", "bench"},
    "components": {"pages", "harness", "tests", "bench"},
    "pages": {"harness", "tests", "bench"},
    "harness": {"tests", "bench", "components", "pages"},
    "bench": {"tests"},
}
ALLOWED_EXCEPTIONS = {"noise_core/cli.py": {"presets"}}
"""Modules let past their folder's rule: the command line's ``run`` resolves a bundle's preset with
``presets.load_preset`` (both packages ship in the wheel); the rest of the library never reads the presets."""


ROOMS_MAY_IMPORT = {
    "spec": {"spec", "errors"},
    "physics": {"spec"},
    "gc_pause": set(),
    "errors": {"spec"},
    "json_bounds": set(),
    "calibration": {"calibration", "spec", "errors", "gc_pause", "json_bounds"},
    "derive": {"derive", "calibration", "spec", "physics", "errors", "gc_pause"},
    "aer": {"aer", "spec", "physics", "errors", "gc_pause"},
    "simulation": {"simulation", "calibration", "aer", "spec", "physics", "errors", "gc_pause"},
    "analysis": {"analysis", "simulation", "calibration", "aer", "spec", "errors", "json_bounds", "export"},
    "export": {"aer", "spec", "errors", "json_bounds"},
    "cli": {
        "calibration",
        "derive",
        "export",
        "spec",
        "errors",
        "cli_explain",
        "cli_fit",
        "cli_archive",
        "sessions",
        "frameworks",
    },
    "sessions": {"calibration", "simulation", "spec", "errors", "json_bounds"},
    "documents": {"analysis", "calibration", "export", "sessions", "spec", "json_bounds"},
    "cli_explain": {"analysis", "calibration", "derive", "export", "simulation", "spec", "errors"},
    "cli_fit": {"analysis", "calibration", "cli_explain", "export", "errors"},
    "workspace": {"workspace", "calibration", "sessions", "spec", "errors", "json_bounds"},
    "cli_archive": {"workspace", "calibration"},
    "frameworks": {"frameworks", "simulation", "calibration", "aer", "spec", "errors", "export"},
}
"""The rooms of ``noise_core`` along the data flow, and the rooms each may import from."""
MAX_MODULE_LINES = 420
"""For ``noise_core`` and ``components`` alike."""
LAYERS_MAY_IMPORT = {
    "logic": set(),
    "work": {"logic"},
    "figures": {"logic"},
    "runtime": {"work", "logic"},
    "views": {"runtime", "figures", "logic", "work"},
}
"""The layers of ``components``, bottom to top, and the other layers each may import from (a layer's modules may
import each other)."""
LAYERS_MAY_USE = {"streamlit": {"runtime", "views"}, "plotly": {"figures"}}
"""The only layers that may import streamlit, and plotly: worker processes import ``work`` and what it imports."""
COMPONENT_MODULES = sorted((ROOT / "components").glob("*/*.py"))


def imported_modules(path: Path, depth: int = 1) -> set[str]:
    """Absolute imports of ``path``, cut to their first ``depth`` dotted parts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {".".join(alias.name.split(".")[:depth]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(".".join(node.module.split(".")[:depth]))
    return names


def room_of(path: Path) -> str:
    return path.relative_to(ROOT / "noise_core").parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", sorted((ROOT / "noise_core").rglob("*.py")), ids=lambda path: path.name)
def test_noise_core_rooms_import_only_along_the_data_flow(path: Path) -> None:
    room = room_of(path)
    if room in ("__init__", "__main__"):
        return  # the package's front door re-exports every room
    used = {name.split(".")[1] for name in imported_modules(path, depth=2) if name.startswith("noise_core.")}
    assert used <= ROOMS_MAY_IMPORT[room], f"{path.relative_to(ROOT)} imports {sorted(used - ROOMS_MAY_IMPORT[room])}"


@pytest.mark.parametrize("folder", ["noise_core", "components"])
def test_modules_are_short_enough_to_read_in_one_sitting(folder: str) -> None:
    long = {
        str(path.relative_to(ROOT)): length
        for path in (ROOT / folder).rglob("*.py")
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long


def layer_of(path: Path) -> str:
    return path.relative_to(ROOT / "components").parts[0]


def test_every_components_module_lives_in_a_layer() -> None:
    assert [path.name for path in (ROOT / "components").glob("*.py")] == ["__init__.py"]
    assert {
        path.name for path in (ROOT / "components").iterdir() if path.is_dir() and path.name != "__pycache__"
    } == set(LAYERS_MAY_IMPORT)
    assert all((ROOT / "components" / layer / "__init__.py").is_file() for layer in LAYERS_MAY_IMPORT)
    assert len(COMPONENT_MODULES) > 30


@pytest.mark.parametrize("path", COMPONENT_MODULES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_components_layers_import_only_downwards(path: Path) -> None:
    """views → runtime, figures, work, logic; runtime → work, logic; figures → logic; work → logic; logic → none."""
    layer = layer_of(path)
    used = {name.split(".")[1] for name in imported_modules(path, depth=2) if name.startswith("components.")}
    allowed = LAYERS_MAY_IMPORT[layer] | {layer}
    assert used <= allowed, f"{path.relative_to(ROOT)} imports {sorted(used - allowed)}"


@pytest.mark.parametrize("path", COMPONENT_MODULES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_only_the_runtime_and_views_use_streamlit_and_only_figures_plotly(path: Path) -> None:
    for library in sorted(imported_modules(path) & set(LAYERS_MAY_USE)):
        assert layer_of(path) in LAYERS_MAY_USE[library], f"{path.relative_to(ROOT)} imports {library}"


def test_the_layers_and_the_components_modules_import_each_other_without_a_cycle() -> None:
    """Layers by the rules above; modules by what they import when they load (imports inside a function, such as
    ``load_app``'s, run later and may close a loop)."""
    tuple(TopologicalSorter(LAYERS_MAY_IMPORT).static_order())  # CycleError on a loop
    graph = {module_name(path): loaded_components_modules(path) for path in COMPONENT_MODULES}
    order = tuple(TopologicalSorter(graph).static_order())
    assert "components.logic.cells" in order and "components.views.fit" in order


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def loaded_components_modules(path: Path) -> set[str]:
    """The ``components`` modules ``path`` imports at its top level (``from components.work import jobs`` is the
    module ``components.work.jobs``)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("components"):
            imported = {f"{node.module}.{alias.name}" for alias in node.names}
            submodules = {name for name in imported if (ROOT / name.replace(".", "/")).with_suffix(".py").is_file()}
            names |= submodules if submodules == imported else submodules | {node.module}
    return names


def test_worker_processes_load_their_jobs_without_streamlit_or_plotly() -> None:
    """The forkserver imports ``PRELOAD`` (the jobs) and every worker forks from it: a streamlit or plotly
    import there would load in every worker, and streamlit's is ~1 s and a runtime the workers must not have."""
    from components.runtime.startup import PRELOAD

    check = (
        f"import sys; import {', '.join(PRELOAD)}; "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'streamlit', 'plotly', 'components'}))"
    )
    loaded = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "['components']"


def test_every_library_error_is_a_noise_studio_error() -> None:
    import noise_core.errors as errors

    classes = [value for value in vars(errors).values() if isinstance(value, type) and issubclass(value, Exception)]
    assert len(classes) >= 8
    assert all(issubclass(cls, errors.NoiseStudioError) for cls in classes)
    assert issubclass(errors.NoiseStudioError, ValueError)


def test_the_public_api_keeps_its_names() -> None:
    import noise_core

    assert sorted(noise_core.__all__) == sorted(PUBLIC_API)
    assert all(hasattr(noise_core, name) for name in PUBLIC_API)


@pytest.mark.parametrize("folder", sorted(FORBIDDEN_IMPORTS))
def test_folders_import_only_what_the_design_allows(folder: str) -> None:
    for path in (ROOT / folder).rglob("*.py"):
        if folder == "presets" and path.name == "generate.py":
            continue  # the offline generator may use test dependencies
        allowed = ALLOWED_EXCEPTIONS.get(path.relative_to(ROOT).as_posix(), set())
        bad = imported_modules(path) & (FORBIDDEN_IMPORTS[folder] - allowed)
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_every_exception_to_the_import_rules_is_in_use() -> None:
    for module, allowed in ALLOWED_EXCEPTIONS.items():
        assert allowed <= imported_modules(ROOT / module), f"{module} no longer imports {sorted(allowed)}: drop it"


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


PUBLIC_API = [
    "CIRCUIT_LIBRARY", "AssignmentReport", "BackendCalibration", "CalibrationDiff", "CalibrationError", "CircuitParseError",
    "ClassiqExportError", "CoherentErrorOnGate", "DepolarizingNoiseOnGate", "DerivationOptions", "DeviceTarget", "FieldProblem",
    "Finding", "FindingKind", "GateLengthOverride", "LibraryCircuit", "LocalDepolarizingNoiseOnGate",
    "LocalCoherentErrorOnGate", "LocalPauliNoiseOnGate", "LocalReadoutNoise", "LocalThermalRelaxationNoiseOnGate", "NoiseFactors", "NoiseSpec",
    "NoiseStudioError", "OverBudgetError", "PauliNoiseOnGate", "PauliNoiseTerm", "PropertyNotFoundError", "Provenance",
    "RunOptions", "SimulationError", "SimulationLimits", "SimulationMetrics", "SimulationResult", "SpecImportError",
    "ThermalRelaxationNoiseOnGate", "ThermalRelaxationParameters", "approximate_for_classiq", "assignment_matrix",
    "assignment_report", "build_noise_model", "build_target", "compare_calibrations", "derive_noise_spec", "describe_validation_error",
    "findings_table", "joint_assignment_matrix", "load_calibration", "noise_coverage", "parse_circuit", "scale_noise", "simulate",
    "spec_from_json", "spec_to_json", "to_aer_dict", "to_classiq_dict",
    "AnalysisError", "ErrorBudget", "error_budget", "factor_reaching", "sweep",
    "Comparison", "CountsError", "FitError", "FitPlan", "MeasuredCounts", "NoiseFit", "compare_counts", "fit_noise",
    "load_counts", "plan_fit_circuits",
    "Session", "SessionError", "load_session", "save_session",
    "DocumentKind", "identify_document",
]  # fmt: skip
"""What ``from noise_core import ...`` offers: the 47 names before the rooms issue, NoiseStudioError, scale_noise,
compare_calibrations and CalibrationDiff, the explain issue's analysis names, and the fit issue's, the sessions issue's, and
what a document is (last four lines)."""


def test_every_uploader_names_its_own_limit_and_the_server_lets_the_largest_through() -> None:
    """One limit per upload, told by the widget ('Limit 20MB per file') and by its label: the browser refuses a
    larger file itself; the server's transport limit only has to let the largest of them through."""
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    transport = int(re.search(r"^maxUploadSize = (\d+)$", config, re.MULTILINE).group(1))  # type: ignore[union-attr]
    uploaders = 0
    for path in sorted((ROOT / "components").rglob("*.py")):  # every layer: the uploaders are in views/
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "attr", None) == "file_uploader":
                keywords = {keyword.arg for keyword in call.keywords}
                assert "max_upload_size" in keywords, f"{path.name}:{call.lineno} has no max_upload_size"
                uploaders += 1
    assert uploaders >= 6  # snapshot, comparison, spec import, OpenQASM, counts, session bundle
    from noise_core.calibration import MAX_DOCUMENT_BYTES
    from noise_core.sessions import MAX_SESSION_BYTES

    assert transport == max(MAX_DOCUMENT_BYTES, MAX_SESSION_BYTES) // 2**20


def test_the_server_loads_every_module_the_pages_import_before_a_session_does() -> None:
    """``load_app`` imports them once at start: sessions importing them side by side could meet in Python's import
    locks. Checked against the pages' own imports."""
    from components.runtime.startup import page_modules

    imported = set()
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        for module, name in re.findall(r"^from (components[\w.]*) import \(?\s*(\w+)", text, re.MULTILINE):
            imported.add(module)
            if (ROOT / module.replace(".", "/") / f"{name}.py").is_file():  # a module: from components.views import fit
                imported.add(f"{module}.{name}")
    assert {"components.views.fit", "components.views.device"} <= imported
    assert imported <= set(page_modules())
