"""The exports to other frameworks, made in a worker: each framework's package is optional, and a circuit some
framework cannot hold is said, not raised."""

from __future__ import annotations

import json
from importlib import import_module

from qiskit import QuantumCircuit

from components.work.replies import FrameworkExport
from noise_core import BackendCalibration, NoiseSpec, NoiseStudioError
from noise_core.frameworks.kraus import PER_OPERATION_FRAMEWORKS, framework_report, kraus_document
from noise_core.simulation.options import RunOptions

EXTRAS = {"Cirq": "cirq", "PennyLane": "pennylane"}
"""The pyproject extra that installs each framework: ``pip install '.[cirq]'`` in a clone."""


def spec_framework_exports(spec: NoiseSpec) -> tuple[FrameworkExport, ...]:
    """Cirq's and PennyLane's per-operation models of ``spec`` as JSON (``noise_core.frameworks.kraus``); one that
    fails is said on its tab and the others stay."""
    return tuple(_per_operation(spec, key) for key in PER_OPERATION_FRAMEWORKS)


def _per_operation(spec: NoiseSpec, key: str) -> FrameworkExport:
    """The document needs no framework; the export is offered only where the framework that reads it is installed."""
    framework, suffix = PER_OPERATION_FRAMEWORKS[key][0], f".{key}.json"
    try:
        import_module(f"noise_core.frameworks.{key}_model")
        report = framework_report(spec, key)
        document = json.dumps(kraus_document(spec, report))
    except ImportError as error:
        command = f"pip install '.[{EXTRAS[framework]}]'"
        problem = f"{framework} is not installed on this server ({error.name}): `{command}` in the clone adds it."
        return FrameworkExport(framework, suffix, "application/json", None, None, problem)
    except NoiseStudioError as error:
        return FrameworkExport(framework, suffix, "application/json", None, None, str(error))
    return FrameworkExport(framework, suffix, "application/json", document, report)


def circuit_framework_exports(
    circuit: QuantumCircuit, spec: NoiseSpec, calibration: BackendCalibration | None, options: RunOptions
) -> tuple[FrameworkExport, ...]:
    """The circuit under ``spec`` as a Stim circuit (the twirled model) and as an Amazon Braket program."""
    from noise_core.frameworks.braket_program import braket_export
    from noise_core.frameworks.stim_export import stim_export

    exports = []
    try:
        stim = stim_export(circuit, spec, calibration, options)
        exports.append(FrameworkExport("Stim", ".stim", "text/plain", stim.text(), stim.report))
    except NoiseStudioError as error:
        exports.append(FrameworkExport("Stim", ".stim", "text/plain", None, None, str(error)))
    try:
        braket = braket_export(circuit, spec, calibration, options)
        exports.append(FrameworkExport("Amazon Braket", ".braket.qasm", "text/plain", braket.text(), braket.report))
    except NoiseStudioError as error:
        exports.append(FrameworkExport("Amazon Braket", ".braket.qasm", "text/plain", None, None, str(error)))
    return tuple(exports)
