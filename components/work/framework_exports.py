"""The exports to other frameworks, made in a worker: each framework's package is optional, and a circuit some
framework cannot hold is said, not raised."""

from __future__ import annotations

import json

from qiskit import QuantumCircuit

from components.work.replies import FrameworkExport
from noise_core import BackendCalibration, NoiseSpec, NoiseStudioError
from noise_core.simulation.options import RunOptions

EXTRAS = {"Cirq": "cirq", "PennyLane": "pennylane"}
"""The pyproject extra that installs each framework: ``pip install '.[cirq]'`` in a clone."""


def spec_framework_exports(spec: NoiseSpec) -> tuple[FrameworkExport, ...]:
    """Cirq's and PennyLane's per-operation models of ``spec`` as JSON (``noise_core.frameworks.kraus``); one that
    fails is said on its tab and the others stay."""
    exports = []
    for framework, suffix, make in (("Cirq", ".cirq.json", _cirq), ("PennyLane", ".pennylane.json", _pennylane)):
        try:
            exports.append(make(spec))
        except NoiseStudioError as error:
            exports.append(FrameworkExport(framework, suffix, "application/json", None, None, str(error)))
    return tuple(exports)


def _missing(framework: str, suffix: str, error: ImportError) -> FrameworkExport:
    command = f"pip install '.[{EXTRAS[framework]}]'"
    problem = f"{framework} is not installed on this server ({error.name}): `{command}` in the clone adds it."
    return FrameworkExport(framework, suffix, "application/json", None, None, problem)


def _cirq(spec: NoiseSpec) -> FrameworkExport:
    try:
        from noise_core.frameworks.cirq_model import cirq_export_document, cirq_report
    except ImportError as error:
        return _missing("Cirq", ".cirq.json", error)
    document = json.dumps(cirq_export_document(spec))
    return FrameworkExport("Cirq", ".cirq.json", "application/json", document, cirq_report(spec))


def _pennylane(spec: NoiseSpec) -> FrameworkExport:
    try:
        from noise_core.frameworks.pennylane_model import pennylane_export_document, pennylane_report
    except ImportError as error:
        return _missing("PennyLane", ".pennylane.json", error)
    document = json.dumps(pennylane_export_document(spec))
    return FrameworkExport("PennyLane", ".pennylane.json", "application/json", document, pennylane_report(spec))


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
