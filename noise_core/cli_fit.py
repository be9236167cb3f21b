"""The against-the-hardware commands of ``python -m noise_core``: plan circuits, compare counts, fit factors.

    python -m noise_core plan SNAPSHOT --qubits 1,2,3 [--depth 4] [--seed 1] [--characterization] -o plan.zip
    python -m noise_core compare SPEC_OR_SNAPSHOT COUNTS [--circuit ghz:3 --qubits 1,2,3] [--json]
    python -m noise_core fit SPEC_OR_SNAPSHOT COUNTS [--parameters gate,readout | auto | 'zz[4,5],detuning[5]']
        [-o fitted.json] [--json]

COUNTS: a counts file (``noise_core.analysis.counts``: experiments naming their circuits), or one
circuit's Qiskit counts dict or CSV with ``--circuit`` (a library reference or an OpenQASM file) and
``--qubits``. SPEC_OR_SNAPSHOT as for ``budget`` (``noise_core.cli_explain``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import multiprocessing
import os
import re
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypedDict

from noise_core.analysis.compare import Comparison, compare_counts
from noise_core.analysis.counts import MeasuredCounts, load_counts
from noise_core.analysis.fit import fit_noise
from noise_core.analysis.planning import plan_fit_circuits
from noise_core.calibration import load_calibration
from noise_core.cli_explain import model_and_device, read_circuit
from noise_core.errors import NoiseStudioError
from noise_core.export import spec_to_json


def add_commands(commands: Any) -> None:
    """Register ``plan``, ``compare`` and ``fit`` on the main parser's subcommands."""
    plan = commands.add_parser("plan", help="the circuits a fit needs, as OpenQASM with a counts template (zip)")
    plan.add_argument("snapshot", help="calibration snapshot of the device")
    plan.add_argument("--qubits", required=True, help="device qubits, a connected path: 1,2,3")
    plan.add_argument("--depth", type=int, default=4, help="mirror circuit depth (default 4)")
    plan.add_argument("--seed", type=int, default=1, help="mirror circuit seed (default 1)")
    plan.add_argument(
        "--characterization", action="store_true",
        help="add Ramsey, echo, conditional Ramsey, amplified sx, repeated cz and alternating basis states "
        "(per-location fits), "
        "and print the standard error each parameter would have at 4000 shots under the derived model",
    )  # fmt: skip
    plan.add_argument("-o", "--output", required=True, help="zip file to write")
    plan.set_defaults(run=_plan)
    compare = commands.add_parser("compare", help="measured counts against the model and the ideal circuit")
    _common_arguments(compare)
    compare.set_defaults(run=_compare)
    fit = commands.add_parser("fit", help="fit factors or per-location physics to measured counts")
    _common_arguments(fit)
    fit.add_argument(
        "--parameters",
        default="gate,readout",
        help="global factors (gate,readout,relaxation,idle,readout_per_qubit), per-location names "
        "('gate[cz:4,5],zz[4,5],detuning[5],readout01[4]'), or auto: the physics the counts support",
    )
    fit.add_argument("--max-factor", type=float, default=5.0, help="top of each factor's search range (default 5)")
    fit.add_argument("-o", "--output", help="write the fitted spec JSON here")
    fit.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="processes for a per-location fit's scanned starts, profile intervals and held-out folds "
        "(default 1: this one)",
    )
    fit.set_defaults(run=_fit)


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="SPEC_OR_SNAPSHOT", help="noise spec JSON, or a calibration snapshot")
    parser.add_argument("counts", help="counts file (JSON), or one circuit's counts dict / CSV with --circuit")
    parser.add_argument("--calibration", metavar="SNAPSHOT", help="the device a spec JSON runs on")
    parser.add_argument("--circuit", help="the circuit of bare counts: ghz:3, or an OpenQASM file")
    parser.add_argument("--qubits", help="the device qubits bare counts ran on: 1,2,3")
    parser.add_argument("--seed", type=int, default=0, help="transpiler and bootstrap seed (default 0)")
    parser.add_argument(
        "--draws", type=int, help="bootstrap draws where χ² does not apply (default: compare 1000, fit 200 refits)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")


def _plan(arguments: argparse.Namespace) -> int:
    calibration = load_calibration(Path(arguments.snapshot))
    plan = plan_fit_circuits(
        calibration, _qubits(arguments.qubits) or [], mirror_depth=arguments.depth, seed=arguments.seed,
        characterization=arguments.characterization,
    )  # fmt: skip
    Path(arguments.output).write_bytes(plan.archive())
    print(plan.instructions(), end="")
    if arguments.characterization:
        derived, _device = model_and_device(arguments.snapshot, None)  # the snapshot's derived model
        precision = plan.precision(derived, calibration=calibration, shots=4000)
        print("\nstandard errors at 4000 shots per circuit under the derived model (Fisher information):")
        print(precision.to_string(float_format=lambda value: f"{value:.2g}"))
    print(f"wrote {arguments.output}")
    return 0


def _compare(arguments: argparse.Namespace) -> int:
    spec, calibration = model_and_device(arguments.model, arguments.calibration)
    data = _counts(arguments)
    comparison = compare_counts(spec, data, calibration=calibration, seed=arguments.seed, **_draws(arguments))
    if arguments.json:
        print(json.dumps(_comparison_document(comparison), indent=2))
        return 0
    _print_comparison("model", comparison)
    return 0


def _fit(arguments: argparse.Namespace) -> int:
    spec, calibration = model_and_device(arguments.model, arguments.calibration)
    data = _counts(arguments)
    parameters = [item.strip() for item in re.split(r",(?![^\[]*\])", arguments.parameters) if item.strip()]
    with _pool(arguments.workers) as executor:
        fit = fit_noise(
            spec,
            data,
            calibration=calibration,
            parameters=parameters,
            max_factor=arguments.max_factor,
            seed=arguments.seed,
            executor=executor,
            **_draws(arguments),
        )
    if arguments.output:
        Path(arguments.output).write_text(spec_to_json(fit.spec), encoding="utf-8")
    if arguments.json:
        document = {
            "source": fit.source,
            "sha256": fit.sha256,
            "estimates": json.loads(fit.estimates.to_json(orient="index", double_precision=15)),
            "log_likelihood": fit.log_likelihood,
            "calibrated_log_likelihood": fit.calibrated_log_likelihood,
            "fitted": _comparison_document(fit.fitted),
            "calibrated": _comparison_document(fit.calibrated),
            "simulations": fit.simulations,
            "support": None if fit.support is None else json.loads(fit.support.to_json(orient="index")),
            "held_out": None if fit.held_out is None else dataclasses.asdict(fit.held_out),
        }
        print(json.dumps(document, indent=2))
        return 0
    print(f"{fit.describe()}; {fit.simulations} simulations\n")
    print(fit.estimates.to_string(float_format=lambda value: f"{value:.4g}"))
    if fit.support is not None:
        print("\nwhat these counts support (3-fold cross-validation over the circuits):")
        print(fit.support.to_string(float_format=lambda value: f"{value:.1f}"))
    print(f"\ncalibrated model (every factor 1): {fit.calibrated.goodness.describe()}")
    print(f"fitted model: {fit.fitted.goodness.describe()}")
    if fit.held_out is not None:
        print(fit.held_out.describe())
    if arguments.output:
        print(f"wrote the fitted spec to {arguments.output}")
    return 0


def _workers(text: str) -> int:
    """A pool size from 1 to this machine's CPUs: more processes only compete for them (and each holds qiskit)."""
    cpus = os.cpu_count() or 1
    if not text.isdigit() or not 1 <= int(text) <= cpus:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {cpus} (this machine's CPUs); got {text}")
    return int(text)


@contextmanager
def _pool(workers: int) -> Iterator[Executor | None]:
    """A pool of ``workers`` processes (started by a forkserver: nothing of this process's threads is forked), or
    None for one."""
    if workers == 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        yield pool


class _Draws(TypedDict, total=False):
    draws: int


def _draws(arguments: argparse.Namespace) -> _Draws:
    """``draws=`` when given on the command line, else each function's own default."""
    return {} if arguments.draws is None else {"draws": arguments.draws}


def _counts(arguments: argparse.Namespace) -> MeasuredCounts:
    path = Path(arguments.counts)
    if arguments.circuit is None:
        if arguments.qubits is not None:
            raise NoiseStudioError("--qubits goes with --circuit (bare counts); a counts file names its own qubits")
        return load_counts(path)
    return load_counts(path, circuits=read_circuit(arguments.circuit), physical_qubits=_qubits(arguments.qubits))


def _qubits(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(item) for item in text.split(",") if item.strip()]
    except ValueError:
        raise NoiseStudioError(f"--qubits expects device qubit numbers like 1,2,3; got {text!r}") from None


def _comparison_document(comparison: Comparison) -> dict[str, object]:
    return {
        "goodness": _finite(vars(comparison.goodness)),
        "goodness_ideal": _finite(vars(comparison.goodness_ideal)),
        "circuits": json.loads(comparison.summary().to_json(orient="index", double_precision=15)),
    }


def _finite(document: dict[str, object]) -> dict[str, object]:
    """Strict JSON: ∞ and NaN (an impossible outcome, no degrees of freedom) written as null."""
    return {
        key: None if isinstance(value, float) and not math.isfinite(value) else value for key, value in document.items()
    }


def _print_comparison(label: str, comparison: Comparison) -> None:
    print(comparison.summary().to_string(float_format=lambda value: f"{value:.4g}"))
    print(f"\nagainst the {label}: {comparison.goodness.describe()}")
    print(f"against the ideal circuit: {comparison.goodness_ideal.describe()}")
