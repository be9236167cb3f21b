"""Command line: derive, validate and export specs; compare and convert snapshots; explain, fit and replay runs.

``noise-studio COMMAND`` where the package is installed (``pip install .``), ``python -m noise_core COMMAND`` too:

    python -m noise_core derive PROPS.json -o spec.json [--temperature MK] [--gate-length GATE[@Q,Q]=VALUE ...]
    python -m noise_core validate spec.json
    python -m noise_core export --format classiq|aer|cirq|pennylane spec.json [-o out.json] [--approximate]
    python -m noise_core diff BEFORE.json AFTER.json [--json] [--threshold 0.2] [--top 10]
    python -m noise_core convert SNAPSHOT.csv|json [-o out.json] [--to json|csv]
    python -m noise_core budget SPEC_OR_SNAPSHOT CIRCUIT [--metric success|tvd] [--json]
    python -m noise_core sweep SPEC_OR_SNAPSHOT CIRCUIT --gate 0:2:21 [--scheduler tcp://…] [--json]
    python -m noise_core plan SNAPSHOT --qubits 1,2,3 -o plan.zip
    python -m noise_core compare SPEC_OR_SNAPSHOT COUNTS [--circuit ghz:3 --qubits 1,2,3] [--json]
    python -m noise_core fit SPEC_OR_SNAPSHOT COUNTS [--parameters gate,readout] [-o fitted.json] [--json]
    python -m noise_core run SESSION.noise-studio.json [--presets DIR] [--json]
    python -m noise_core archive import DIR [--as NAME] | archive list [--device NAME] [--json]

(``budget`` and ``sweep``: ``noise_core.cli_explain``; ``plan``, ``compare`` and ``fit``: ``noise_core.cli_fit``;
``archive``: ``noise_core.cli_archive``.)

Exit status: 0 success, 1 invalid input (one ``path: message`` line per problem on stderr),
2 usage error (argparse).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from noise_core import cli_archive, cli_explain, cli_fit
from noise_core.calibration import UNKNOWN_DATE, BackendCalibration, calibration_to_csv, load_calibration
from noise_core.calibration.diff import DEFAULT_THRESHOLD, compare_calibrations
from noise_core.derive import derive_noise_spec
from noise_core.errors import NoiseStudioError, SessionError, SpecImportError
from noise_core.export import (
    approximate_for_classiq,
    classiq_incompatibilities,
    spec_from_json,
    spec_to_json,
    to_aer_dict,
    to_classiq_dict,
)
from noise_core.frameworks.kraus import PER_OPERATION_FRAMEWORKS, framework_report, kraus_document
from noise_core.frameworks.report import aer_report, classiq_report, with_report
from noise_core.sessions import load_session
from noise_core.spec.fingerprint import spec_fingerprint
from noise_core.spec.models import GATE_CHANNEL_FIELDS
from noise_core.spec.units import TIME_UNITS
from presets import load_preset

INVALID_INPUT = 1


def main(argv: Sequence[str] | None = None, *, prog: str = "noise-studio") -> int:
    """Run one command (``argv`` defaults to ``sys.argv[1:]``); returns the exit status.

    ``prog``: the name the usage lines show, the console script's unless ``__main__`` passes ``python -m noise_core``.
    """
    arguments = _parser(prog).parse_args(argv)
    try:
        status: int = arguments.run(arguments)
        return status
    except (ValueError, OSError) as error:  # NoiseStudioError, and pydantic's errors for bad options
        print(f"error: {error}", file=sys.stderr)
        return INVALID_INPUT


def _run(arguments: argparse.Namespace) -> int:
    """Load the bundle (every problem on its own line, exit 1), simulate it, print its metrics."""
    try:
        session = load_session(Path(arguments.bundle), resolve_preset=_preset_loader(arguments.presets))
    except SessionError as error:
        for problem in error.problems:
            print(f"{arguments.bundle}: {problem}", file=sys.stderr)
        return INVALID_INPUT
    result = session.simulate()
    metrics = result.metrics
    if arguments.json:
        document = {
            "metrics": dataclasses.asdict(metrics),
            "noisy_counts": {str(k): int(v) for k, v in result.noisy_counts.items()},
            "method": result.method,
            "active_qubits": list(result.active_qubits),
        }
        print(json.dumps(document, indent=2))
        return 0
    run = session.bundle.run
    print(
        f"{session.calibration.backend_name}, {session.bundle.circuit.reference or 'OpenQASM program'}, "
        f"{run.shots} shots, seed {run.seed}, {result.method} on qubits {list(result.active_qubits)}"
    )
    for name in ("total_variation_distance", "hellinger_fidelity", "success_probability"):
        print(f"{name}: {metrics.shown(name, digits=6)}")  # ± one standard error from the shots when sampled
    print(f"exact: {metrics.exact}")
    return 0


def _preset_loader(folder: str | None) -> Callable[[str], BackendCalibration]:
    """The ``presets`` package's loader (installed beside ``noise_core``), or NAME.json in ``--presets DIR``."""
    if folder is None:
        return load_preset
    return lambda name: load_calibration(Path(folder) / f"{name}.json")


def _derive(arguments: argparse.Namespace) -> int:
    calibration = load_calibration(Path(arguments.properties))
    spec = derive_noise_spec(
        calibration,
        gate_error=not arguments.no_gate_error,
        readout_error=not arguments.no_readout_error,
        thermal_relaxation=not arguments.no_thermal_relaxation,
        idle_relaxation=not arguments.no_idle_relaxation,
        temperature=arguments.temperature,
        gate_lengths=[_gate_length(text) for text in arguments.gate_length],
        gate_length_units=arguments.gate_length_units,
    )
    _write(spec_to_json(spec), arguments.output)
    findings = spec.provenance.findings if spec.provenance else []
    print(
        f"{calibration.backend_name}: {len(spec.local_depolarizing_errors)} depolarizing, "
        f"{len(spec.local_thermal_relaxation_errors)} relaxation, {len(spec.local_readout_errors)} readout, "
        f"{len(spec.idle_relaxation_errors)} idle entries; "
        f"{len(findings)} adjustments",
        file=sys.stderr,
    )
    for finding in findings:
        print(f"  {finding.message}", file=sys.stderr)
    return 0


def _gate_length(text: str) -> tuple[str, list[int] | None, float]:
    """'sx=35.5' or 'cx@0,1=300' → (gate, qubits or None, value)."""
    target, separator, value = text.partition("=")
    gate, _at, qubits = target.partition("@")
    if not separator or not gate:
        raise NoiseStudioError(f"--gate-length expects GATE=VALUE or GATE@Q,Q=VALUE; got {text!r}")
    try:
        return gate, [int(q) for q in qubits.split(",")] if qubits else None, float(value)
    except ValueError:
        raise NoiseStudioError(f"--gate-length expects numbers in GATE@Q,Q=VALUE; got {text!r}") from None


def _validate(arguments: argparse.Namespace) -> int:
    try:
        spec = spec_from_json(Path(arguments.spec).read_bytes())
    except SpecImportError as error:
        print(f"{arguments.spec}: invalid ({len(error.problems)} problems)", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return INVALID_INPUT
    entries = sum(len(getattr(spec, name)) for name in (*GATE_CHANNEL_FIELDS, "local_readout_errors"))
    print(f"{arguments.spec}: valid ({entries} channel entries)")
    print(f"  spec fingerprint: {spec_fingerprint(spec)}")
    if spec.provenance is not None:
        source = spec.provenance.calibration_fingerprint or "not recorded"
        print(
            f"  derived from {spec.provenance.backend_name} ({spec.provenance.last_update_date:%Y-%m-%d}), "
            f"calibration fingerprint: {source}"
        )
    for line in classiq_incompatibilities(spec)[:10]:
        print(f"  not expressible in Classiq: {line}")
    return 0


def _export(arguments: argparse.Namespace) -> int:
    """The spec in ``--format``, with its report of what it kept (``frameworks.report``) in the file and summed up on
    stderr."""
    spec = spec_from_json(Path(arguments.spec).read_bytes())
    if arguments.format == "aer":
        report = aer_report(spec)
        document = with_report(to_aer_dict(spec), report)
    elif arguments.format in PER_OPERATION_FRAMEWORKS:
        report = framework_report(spec, arguments.format)
        document = kraus_document(spec, report)
    else:
        classiq = to_classiq_dict(spec, approximate=arguments.approximate)
        notes = approximate_for_classiq(spec)[1] if arguments.approximate else []
        for note in notes:
            print(f"approximated: {note}", file=sys.stderr)
        report = classiq_report(spec, notes)
        document = with_report(classiq, report)
    _write(json.dumps(document, indent=2), arguments.output)
    print(report.summary, file=sys.stderr)
    return 0


def _diff(arguments: argparse.Namespace) -> int:
    """Print what changed between two snapshots: notes, summary, largest qubit changes, broken/repaired gates."""
    diff = compare_calibrations(
        load_calibration(Path(arguments.before)), load_calibration(Path(arguments.after)), threshold=arguments.threshold
    )
    changed_gates = diff.gates[diff.gates["status"].isin(["broken", "repaired"])]
    if arguments.json:
        document = {
            "before": diff.before,
            "after": diff.after,
            "threshold": diff.threshold,
            "notes": list(diff.notes),
            "summary": json.loads(diff.summary.to_json(orient="index")),
            "largest_changes": json.loads(diff.largest_changes(arguments.top).reset_index().to_json(orient="records")),
            "gates_broken_or_repaired": json.loads(changed_gates.reset_index().to_json(orient="records")),
        }
        print(json.dumps(document, indent=2))
        return 0
    print(f"before: {diff.before}\nafter:  {diff.after}")
    for note in diff.notes:
        print(f"note: {note}")
    print(f"\nper metric (worse/better: moved more than {diff.threshold:.0%} in ratio):")
    print(diff.summary.to_string(float_format=lambda value: f"{value:.4g}"))
    print(
        f"\nlargest changes (top {arguments.top}, by error_change: the error a circuit meets, as a probability; "
        "T1/T2 as the chance to decay within 1 µs):"
    )
    print(diff.largest_changes(arguments.top).to_string(float_format=lambda value: f"{value:.4g}"))
    if not changed_gates.empty:
        print("\ngates broken or repaired (gate_error = 1 means broken):")
        print(changed_gates[["error before", "error after", "status"]].to_string())
    return 0


def _convert(arguments: argparse.Namespace) -> int:
    """A snapshot (JSON or IBM's CSV, by content) written as BackendProperties JSON or IBM's CSV."""
    calibration = load_calibration(Path(arguments.snapshot))
    text = json.dumps(calibration.to_dict(), indent=1) if arguments.to == "json" else calibration_to_csv(calibration)
    _write(text.rstrip("\n"), arguments.output)
    print(f"{calibration.backend_name}: {len(calibration.findings)} findings", file=sys.stderr)
    if calibration.last_update_date == UNKNOWN_DATE:
        print(
            f"warning: the calibration time is unknown (written as {UNKNOWN_DATE.isoformat()}); keep IBM's file "
            "name (…_calibrations_2025-01-13T16_54_24Z.csv) when converting",
            file=sys.stderr,
        )
    return 0


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(output).write_text(text + "\n", encoding="utf-8")


def _parser(prog: str) -> argparse.ArgumentParser:
    """Every command, each registered once: the help's command list is argparse's, from the registered names."""
    parser = argparse.ArgumentParser(prog=prog, description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(title="commands", required=True)

    derive = commands.add_parser("derive", help="derive a noise spec from a BackendProperties JSON snapshot")
    derive.add_argument("properties", help="BackendProperties JSON file")
    derive.add_argument("-o", "--output", help="where to write the spec JSON (default: stdout)")
    derive.add_argument("--no-gate-error", action="store_true", help="no depolarizing gate errors")
    derive.add_argument("--no-readout-error", action="store_true", help="no readout errors")
    derive.add_argument("--no-thermal-relaxation", action="store_true", help="no T1/T2 relaxation")
    derive.add_argument("--no-idle-relaxation", action="store_true", help="no T1/T2 relaxation while qubits wait")
    derive.add_argument("--temperature", type=float, default=0.0, help="qubit temperature in mK (default 0)")
    derive.add_argument(
        "--gate-length", action="append", default=[], metavar="GATE[@Q,Q]=VALUE", help="override a gate duration"
    )
    derive.add_argument("--gate-length-units", default="ns", choices=TIME_UNITS)
    derive.set_defaults(run=_derive)

    validate = commands.add_parser("validate", help="check a spec JSON; exit 1 with one line per problem")
    validate.add_argument("spec")
    validate.set_defaults(run=_validate)

    export = commands.add_parser(
        "export", help="write a spec as Classiq JSON, an Aer noise-model dict, or Cirq's or PennyLane's channels"
    )
    export.add_argument("spec")
    export.add_argument("--format", required=True, choices=["classiq", "aer", *PER_OPERATION_FRAMEWORKS])
    export.add_argument("--approximate", action="store_true", help="Classiq: fold what it cannot express")
    export.add_argument("-o", "--output", help="where to write (default: stdout)")
    export.set_defaults(run=_export)

    diff = commands.add_parser("diff", help="what changed between two calibration snapshots")
    diff.add_argument("before", help="the earlier (or reference) snapshot")
    diff.add_argument("after", help="the later (or other) snapshot")
    diff.add_argument("--json", action="store_true", help="print the comparison as JSON")
    diff.add_argument(
        "--threshold", type=float, default=DEFAULT_THRESHOLD, help="ratio change counted as worse/better (0.2 = 20 %%)"
    )
    diff.add_argument("--top", type=int, default=10, help="how many of the largest changes to list")
    diff.set_defaults(run=_diff)

    convert = commands.add_parser("convert", help="a snapshot (JSON or IBM CSV) as BackendProperties JSON or CSV")
    convert.add_argument("snapshot", help="BackendProperties JSON or IBM calibration CSV (keep IBM's file name)")
    convert.add_argument("--to", choices=["json", "csv"], default="json", help="output format (default json)")
    convert.add_argument("-o", "--output", help="where to write (default: stdout)")
    convert.set_defaults(run=_convert)

    run = commands.add_parser("run", help="reproduce a session bundle's simulation and print its metrics")
    run.add_argument("bundle", help="a *.noise-studio.json session bundle")
    run.add_argument(
        "--presets", metavar="DIR", help="folder of preset snapshots (NAME.json); default: the shipped presets"
    )
    run.add_argument("--json", action="store_true", help="print metrics and counts as JSON")
    run.set_defaults(run=_run)
    cli_explain.add_commands(commands)
    cli_fit.add_commands(commands)
    cli_archive.add_commands(commands)
    return parser
