"""Every export's report of what it kept exactly, approximated and dropped, in Classiq's and Aer's files too."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from noise_core import DocumentKind, NoiseSpec, derive_noise_spec, identify_document, spec_from_json
from noise_core.export import (
    REPORT_KEY,
    approximate_for_classiq,
    noise_model_from_aer_dict,
    to_aer_dict,
    to_classiq_dict,
)
from noise_core.frameworks.report import aer_report, classiq_report, with_report
from presets import load_preset

CLASSIQ_SCHEMA = json.loads((Path(__file__).parents[2] / "data" / "classiq_1.34.0_noise_spec.schema.json").read_text())


@pytest.fixture(scope="module")
def spec() -> NoiseSpec:
    """Manila's derived model with a coherent error and a depolarizing λ above 1 added."""
    derived = derive_noise_spec(load_preset("ibmq_manila"), zz_crosstalk=False)
    return NoiseSpec.model_validate(
        derived.model_dump()
        | {
            "gate_coherent_errors": [{"gate": "sx", "angle": 0.05}],
            "gate_depolarizing_errors": [{"gate": "x", "num_qubits": 1, "probability": 1.1}],
        }
    )


def test_classiqs_report_says_what_was_folded_lowered_and_dropped(spec: NoiseSpec) -> None:
    approximated, notes = approximate_for_classiq(spec)
    report = classiq_report(spec, notes)
    statuses = {line.field: line.status for line in report.lines}
    assert statuses["local_depolarizing_errors"] == "kept exactly"
    assert statuses["local_thermal_relaxation_errors"] == "approximated"
    assert statuses["gate_coherent_errors"] == "approximated"
    assert statuses["depolarizing λ > 1"] == "approximated"
    assert statuses["idle_relaxation_errors"] == "dropped"
    document = with_report(to_classiq_dict(approximated), report)
    jsonschema.validate(document, CLASSIQ_SCHEMA)  # Classiq's schema takes the file with its report
    encoded = json.dumps(document).encode()
    assert identify_document(encoded) == DocumentKind.CLASSIQ_SPEC
    assert spec_from_json(encoded) == spec_from_json(json.dumps(to_classiq_dict(approximated)))


def test_aers_report_keeps_gates_and_readout_and_drops_the_waits(spec: NoiseSpec) -> None:
    report = aer_report(spec)
    statuses = {line.field: line.status for line in report.lines}
    assert statuses["gate_coherent_errors"] == statuses["readout"] == "kept exactly"
    assert statuses["idle_relaxation_errors"] == "dropped"
    document = json.loads(json.dumps(with_report(to_aer_dict(spec, qubits=[0, 1]), report)))
    assert document[REPORT_KEY]["framework"] == "Qiskit Aer"
    assert identify_document(json.dumps(document).encode()) == DocumentKind.AER_NOISE_MODEL
    read = noise_model_from_aer_dict(document)
    assert read.to_dict(serializable=True) == noise_model_from_aer_dict(to_aer_dict(spec, qubits=[0, 1])).to_dict(
        serializable=True
    )


def test_a_summary_counts_entries_by_status(spec: NoiseSpec) -> None:
    report = aer_report(spec)
    kept = sum(line.entries for line in report.lines if line.status == "kept exactly")
    dropped = sum(line.entries for line in report.lines if line.status == "dropped")
    assert report.summary == f"Qiskit Aer: entries {kept} kept exactly, 0 approximated, {dropped} dropped"


def test_the_command_line_writes_each_format_with_its_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from noise_core.cli import main
    from noise_core.export import spec_to_json
    from noise_core.frameworks.kraus import tables_from_document

    spec_path = tmp_path / "spec.json"
    spec_path.write_text(spec_to_json(derive_noise_spec(load_preset("ibmq_manila"))))
    for fmt, framework in (("cirq", "Cirq"), ("pennylane", "PennyLane"), ("aer", "Qiskit Aer")):
        out = tmp_path / f"{fmt}.json"
        assert main(["export", "--format", fmt, str(spec_path), "-o", str(out)]) == 0
        document = json.loads(out.read_text())
        report = document.get(REPORT_KEY) or document["report"]
        assert report["framework"] == framework
        assert f"{framework}: entries " in capsys.readouterr().err
    assert tables_from_document(json.loads((tmp_path / "cirq.json").read_text())).local
    assert main(["export", "--format", "classiq", "--approximate", str(spec_path), "-o", str(tmp_path / "c.json")]) == 0
    assert json.loads((tmp_path / "c.json").read_text())[REPORT_KEY]["framework"] == "Classiq"
