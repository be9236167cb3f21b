"""The explain commands of ``python -m noise_core``: an error budget, and a what-if sweep (on Dask if asked).

    python -m noise_core budget SPEC_OR_SNAPSHOT CIRCUIT [--calibration SNAPSHOT] [--metric success|tvd] [--json]
    python -m noise_core sweep SPEC_OR_SNAPSHOT CIRCUIT --gate 0:2:21 [--readout 0.5,1,2] [--target 0.9]
        [--scheduler tcp://HOST:8786] [--json]

SPEC_OR_SNAPSHOT: a noise spec JSON (then ``--calibration`` names its device; without it the
circuit runs on an ideal register), or a calibration snapshot (BackendProperties JSON or IBM's
CSV), whose derived model is used. CIRCUIT: an OpenQASM 2/3 file, or a library circuit as
NAME[:ARG,...] (``bell``, ``ghz:8``, ``qft:4``, ``grover:3``, ``bernsteinvazirani:1011``,
``randomclifford:4,10,7``). Factor values: a comma list, or START:STOP:COUNT (evenly spaced).
"""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from noise_core.analysis.budget import METRICS, error_budget
from noise_core.analysis.sweep import MAX_SWEEP_POINTS, factor_reaching, sweep
from noise_core.calibration import load_calibration
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.derive import derive_noise_spec
from noise_core.errors import CalibrationError, NoiseStudioError, SpecImportError
from noise_core.export import spec_from_json
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.qasm_bounds import QasmLimits
from noise_core.simulation.references import library_circuit
from noise_core.spec.factors import FACTOR_KINDS
from noise_core.spec.models import NoiseSpec


def add_commands(commands: Any) -> None:
    """Register ``budget`` and ``sweep`` on the main parser's subcommands."""
    budget = commands.add_parser("budget", help="which kind of noise, and which qubit or coupler, costs most")
    _common_arguments(budget)
    budget.add_argument("--metric", choices=METRICS, default="success", help="success (default) or tvd")
    budget.add_argument("--top", type=_positive, default=10, help="how many locations to list (default 10)")
    budget.set_defaults(run=_budget)

    sweep_parser = commands.add_parser("sweep", help="metrics as gate/readout/relaxation factors vary")
    _common_arguments(sweep_parser)
    for kind in FACTOR_KINDS:
        sweep_parser.add_argument(f"--{kind}", metavar="VALUES", help=f"{kind} factors: 0.5,1,2 or 0:2:21")
    sweep_parser.add_argument("--target", type=float, help="1-D: the factor at which success reaches this value")
    sweep_parser.add_argument("--scheduler", metavar="ADDRESS", help="run the points on a Dask cluster (tcp://…)")
    sweep_parser.set_defaults(run=_sweep)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="SPEC_OR_SNAPSHOT", help="noise spec JSON, or a calibration snapshot")
    parser.add_argument("circuit", help="OpenQASM file, or a library circuit: bell, ghz:8, qft:4, …")
    parser.add_argument("--calibration", metavar="SNAPSHOT", help="the device a spec JSON runs on")
    parser.add_argument("--expected", help="success outcomes of an OpenQASM circuit, comma-separated (e.g. 000,111)")
    parser.add_argument("--shots", type=int, default=4000, help="shots of sampled runs (default 4000)")
    parser.add_argument("--seed", type=int, default=0, help="transpiler and sampling seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")


def _budget(arguments: argparse.Namespace) -> int:
    spec, calibration = model_and_device(arguments.model, arguments.calibration)
    budget = error_budget(
        read_circuit(arguments.circuit),
        spec,
        calibration=calibration,
        metric=arguments.metric,
        shots=arguments.shots,
        seed=arguments.seed,
        expected_outcomes=_expected(arguments.expected),
    )
    locations = budget.by_location.head(arguments.top)
    if arguments.json:
        document = {
            "metric": budget.metric,
            "total_loss": budget.total_loss,
            "exact": budget.exact,
            "method": budget.method,
            "simulations": budget.simulations,
            "active_qubits": list(budget.active_qubits),
            "by_kind": json.loads(budget.by_kind.to_json(orient="index", double_precision=15)),
            "by_location": json.loads(locations.drop(columns="qubits").to_json(orient="records", double_precision=15)),
        }
        print(json.dumps(document, indent=2))
        return 0
    what = "ideal − noisy success probability" if budget.metric == "success" else "total variation distance"
    print(f"loss ({what}): {budget.total_loss:.4g}")
    print(
        f"{budget.method} on qubits {', '.join(map(str, budget.active_qubits))}; "
        f"{'exact' if budget.exact else f'sampled, {budget.shots} shots'}; {budget.simulations} simulations"
    )
    print("\nby kind (removed: loss gone when that kind is removed; alone: loss with only that kind):")
    print(budget.by_kind.to_string(float_format=lambda value: f"{value:.4g}"))
    column = budget.location_figure
    print(f"\nby location (top {arguments.top}; {'exact' if budget.exact else 'first-order estimates'}):")
    columns = ["location", "kind", *dict.fromkeys([column, "first_order"])]
    print(locations[columns].to_string(index=False, float_format="{:.4g}".format))
    return 0


def _sweep(arguments: argparse.Namespace) -> int:
    factors: dict[str, list[float]] = {
        kind: _values(kind, text) for kind in FACTOR_KINDS if (text := getattr(arguments, kind)) is not None
    }
    if arguments.target is not None and (len(factors) != 1 or not 0.0 <= arguments.target <= 1.0):
        raise NoiseStudioError("--target needs a 1-D sweep (one factor) and a success probability from 0 to 1")
    spec, calibration = model_and_device(arguments.model, arguments.calibration)
    with ExitStack() as stack:
        executor = None
        if arguments.scheduler:
            from distributed import Client  # only a cluster run needs Dask's client

            client = Client(arguments.scheduler)  # type: ignore[no-untyped-call]  # distributed is untyped
            executor = stack.enter_context(client).get_executor()
        frame = sweep(
            read_circuit(arguments.circuit),
            spec,
            factors=factors,
            calibration=calibration,
            shots=arguments.shots,
            seed=arguments.seed,
            expected_outcomes=_expected(arguments.expected),
            executor=executor,
        )
    reached = _reached(frame, factors, arguments.target)
    if arguments.json:
        document = {
            **frame.attrs,
            "points": json.loads(frame.to_json(orient="records", double_precision=15)),
            "target_factor": reached,
        }
        print(json.dumps(document, indent=2))
        return 0
    print(frame.to_string(index=False, float_format=lambda value: f"{value:.6g}"))
    print(
        f"\n{frame.attrs['method']} on qubits {frame.attrs['active_qubits']}; {frame.attrs['simulations']} simulations"
    )
    if arguments.target is not None:
        factor = next(iter(factors))
        answer = "not reached within the sweep" if reached is None else f"at {factor} factor {reached:.4g}"
        print(f"success probability {arguments.target:g}: {answer}")
    return 0


def _reached(frame: pd.DataFrame, factors: dict[str, list[float]], target: float | None) -> float | None:
    return None if target is None else factor_reaching(frame, factor=next(iter(factors)), target=target)


def model_and_device(path: str, calibration_path: str | None) -> tuple[NoiseSpec, BackendCalibration | None]:
    """A spec file with its optional device, or a snapshot with the model derived from it."""
    document = Path(path).read_bytes()
    try:
        spec = spec_from_json(document)
    except SpecImportError as spec_error:
        try:
            calibration = load_calibration(Path(path))
        except CalibrationError as snapshot_error:
            raise NoiseStudioError(
                f"{path} is neither a noise spec ({spec_error}) nor a calibration snapshot ({snapshot_error})"
            ) from None
        if calibration_path is not None:
            raise NoiseStudioError(f"{path} is a calibration snapshot already; leave out --calibration") from None
        return derive_noise_spec(calibration), calibration
    return spec, None if calibration_path is None else load_calibration(Path(calibration_path))


def read_circuit(text: str) -> LibraryCircuit | str:
    """An OpenQASM file's text, or a library circuit NAME[:ARG,...]."""
    path = Path(text)
    if path.is_file():
        if path.stat().st_size > QasmLimits().max_bytes:
            raise NoiseStudioError(f"{text} is over the {QasmLimits().max_bytes:,}-byte limit for OpenQASM")
        return path.read_text(encoding="utf-8")
    return library_circuit(text)


def _expected(text: str | None) -> list[str] | None:
    return None if text is None else [item.strip() for item in text.split(",") if item.strip()]


def _values(kind: str, text: str) -> list[float]:
    """'0.5,1,2' → those values; '0:2:21' → 21 evenly spaced values from 0 to 2."""
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            if not 1 <= int(count) <= MAX_SWEEP_POINTS:
                raise NoiseStudioError(f"--{kind}: COUNT must be from 1 to {MAX_SWEEP_POINTS}; got {count}")
            return [float(value) for value in np.linspace(float(start), float(stop), int(count))]
        return [float(item) for item in text.split(",")]
    except ValueError as error:
        if isinstance(error, NoiseStudioError):
            raise
        raise NoiseStudioError(f"--{kind} expects values like 0.5,1,2 or START:STOP:COUNT; got {text!r}") from None
