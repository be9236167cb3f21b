"""Exports and imports: full JSON, Classiq's field set (checked against Classiq's schema), Aer's dict, CLI."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from noise_core import (
    DepolarizingNoiseOnGate,
    LocalDepolarizingNoiseOnGate,
    NoiseSpec,
    build_noise_model,
    derive_noise_spec,
)
from noise_core.cli import main
from noise_core.export import (
    CLASSIQ_FIELDS,
    ClassiqExportError,
    SpecImportError,
    approximate_for_classiq,
    classiq_incompatibilities,
    noise_model_from_aer_dict,
    spec_from_json,
    spec_to_json,
    to_aer_dict,
    to_classiq_dict,
)
from presets import SNAPSHOT_DIR, load_preset
from tests.channel_math import superoperator
from tests.conftest import classiq_combining_channels, classiq_example_with_local_extensions

CLASSIQ_SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "classiq_1.34.0_noise_spec.schema.json").read_text())
"""``ClassiqSimulatorNoiseSpecification.model_json_schema()`` from classiq 1.34.0 (which cannot be
installed beside our pandas/plotly; ``scripts/check_with_classiq.py`` runs the SDK itself)."""


@pytest.fixture(scope="module")
def manila_spec() -> NoiseSpec:
    return derive_noise_spec(load_preset("ibmq_manila"), temperature=15.0)


def test_full_json_round_trips_with_provenance(manila_spec: NoiseSpec) -> None:
    again = spec_from_json(spec_to_json(manila_spec))
    assert again == manila_spec
    assert again.provenance.options.temperature == 15.0


def test_import_reports_every_problem_with_its_path() -> None:
    document = json.dumps({"gate_depolarizing_errors": [{"gate": "x", "probability": 2.0, "num_qubits": 1}], "x": 1})
    with pytest.raises(
        SpecImportError, match=r"gate_depolarizing_errors\[0\]\.probability: probability must be at most"
    ) as caught:
        spec_from_json(document)
    assert [problem.path for problem in caught.value.problems] == ["gate_depolarizing_errors[0].probability", "x"]


def test_import_of_broken_json_names_the_position() -> None:
    with pytest.raises(SpecImportError, match=r"Invalid JSON: EOF while parsing"):
        spec_from_json('{"gate_depolarizing_errors": [')


@pytest.mark.parametrize("name", ["ibmq_manila", "ibm_pittsburgh"])
def test_a_calibration_snapshot_is_recognised_and_sent_to_the_device_page(name: str) -> None:
    with pytest.raises(
        SpecImportError, match=r"^not a valid noise spec: this is a calibration snapshot .*load it on the Device page"
    ) as caught:
        spec_from_json((SNAPSHOT_DIR / f"{name}.json").read_bytes())
    assert [problem.rule for problem in caught.value.problems] == ["calibration_snapshot"]
    assert name not in str(caught.value)


def test_import_problems_name_fields_and_never_echo_long_input() -> None:
    secret = "s" * 500
    document = json.dumps(
        {
            "qubits_blob": [{"T1": secret}] * 30,
            "readout_bit_flip_probability": secret,
            "gate_depolarizing_errors": {"nested": secret},
            "local_readout_errors": [{"qubit": 1, "assignment_probabilities": [[0.5, 0.4], [0.1, 0.9]]}],
        }
    )
    with pytest.raises(SpecImportError) as caught:
        spec_from_json(document)
    problems = {problem.path: problem.message for problem in caught.value.problems}
    assert problems["qubits_blob"] == "not a field of a noise spec (extra inputs are not permitted)"
    assert problems["readout_bit_flip_probability"] == "Input should be a valid number; got a text of 500 characters"
    assert problems["gate_depolarizing_errors"].endswith("got an object with 1 key")
    assert "got sum 0.9 from [0.5, 0.4]" in problems["local_readout_errors[0].assignment_probabilities"]
    assert "sss" not in str(caught.value) and all(len(message) <= 160 for message in problems.values())


def test_import_errors_cross_process_boundaries_with_their_problems() -> None:
    with pytest.raises(SpecImportError) as caught:
        spec_from_json('{"readout_bit_flip_probability": 2}')
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.problems == caught.value.problems and str(again) == str(caught.value)
    refused = pickle.loads(pickle.dumps(ClassiqExportError(["a", "b"])))
    assert refused.entries == ["a", "b"] and str(refused).startswith("2 entries cannot be expressed")


def test_classiq_export_is_exactly_classiqs_field_set_and_round_trips() -> None:
    spec = NoiseSpec.model_validate(classiq_combining_channels())
    document = to_classiq_dict(spec)
    assert document == classiq_combining_channels()
    jsonschema.validate(document, CLASSIQ_SCHEMA)
    assert NoiseSpec.model_validate(document) == spec


def test_classiq_export_refuses_what_it_cannot_express(manila_spec: NoiseSpec) -> None:
    with pytest.raises(ClassiqExportError, match=r"33 entries cannot be expressed in Classiq's schema") as caught:
        to_classiq_dict(manila_spec)
    assert caught.value.entries[0].startswith("local_thermal_relaxation_errors[0]: ")


@pytest.mark.parametrize("name", ["ibmq_manila", "ibm_pittsburgh"])
def test_approximate_classiq_export_keeps_each_placements_process_fidelity(name: str) -> None:
    spec = derive_noise_spec(load_preset(name))
    approximated, notes = approximate_for_classiq(spec)
    document = to_classiq_dict(spec, approximate=True)
    assert set(document) == set(CLASSIQ_FIELDS)
    jsonschema.validate(document, CLASSIQ_SCHEMA)
    assert classiq_incompatibilities(approximated) == []
    idle = [note for note in notes if note.startswith("idle_relaxation_errors")]
    assert idle == [
        f"idle_relaxation_errors: dropped ({spec.provenance.num_qubits} qubits; Classiq has no idle channel)"
    ]
    assert all("folded into local depolarizing" in note for note in notes if note not in idle)
    original, folded = build_noise_model(spec), build_noise_model(approximated)
    for gate, errors in list(original._local_quantum_errors.items())[:3]:
        for qubits, error in list(errors.items())[:5]:
            dimension_squared = 4 ** len(qubits)
            before = np.trace(superoperator(error, len(qubits))).real / dimension_squared
            after = np.trace(superoperator(folded._local_quantum_errors[gate][qubits], len(qubits))).real
            assert after / dimension_squared == pytest.approx(before, abs=1e-12)


def test_approximation_lowers_lambda_above_one_and_keeps_global_channels() -> None:
    spec = NoiseSpec(
        gate_depolarizing_errors=[{"gate": "x", "num_qubits": 1, "probability": 1.2}],
        gate_pauli_errors=[
            {
                "gate": "sx",
                "num_qubits": 1,
                "pauli_terms": [{"pauli": "I", "probability": 0.9}, {"pauli": "Z", "probability": 0.1}],
            }
        ],
        local_pauli_errors=[
            {
                "gate": "sx",
                "qubits": [2],
                "pauli_terms": [{"pauli": "I", "probability": 0.8}, {"pauli": "X", "probability": 0.2}],
            }
        ],
    )
    approximated, notes = approximate_for_classiq(spec)
    assert approximated.gate_depolarizing_errors[0].probability == 1.0
    assert approximated.gate_pauli_errors == spec.gate_pauli_errors
    (local,) = approximated.local_depolarizing_errors
    # the local Pauli (fidelity 0.8) replaced the global one there; with the global Z (0.9) still applied
    # in Classiq, λ solves (1 − λ)·0.9 + λ/4 = 0.8
    assert local.probability == pytest.approx((0.9 - 0.8) / (0.9 - 0.25))
    assert notes[0] == "gate_depolarizing_errors 'x': λ 1.2 lowered to 1"


def test_aer_dict_is_json_and_reads_back_as_the_same_channels() -> None:
    spec = derive_noise_spec(load_preset("ibm_algiers"))  # has T2 > T1 qubits, so Kraus errors
    document = json.loads(json.dumps(to_aer_dict(spec)))
    original, again = build_noise_model(spec), noise_model_from_aer_dict(document)
    assert again._local_readout_errors.keys() == original._local_readout_errors.keys()
    for gate, errors in original._local_quantum_errors.items():
        for qubits, error in errors.items():
            np.testing.assert_allclose(
                superoperator(again._local_quantum_errors[gate][qubits], len(qubits)),
                superoperator(error, len(qubits)),
                atol=1e-15,
            )


def test_cli_derive_validate_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec_path, classiq_path = tmp_path / "spec.json", tmp_path / "classiq.json"
    snapshot = str(SNAPSHOT_DIR / "ibmq_manila.json")
    assert main(["derive", snapshot, "-o", str(spec_path), "--temperature", "20", "--gate-length", "cx@0,1=400"]) == 0
    err = capsys.readouterr().err
    assert "ibmq_manila: 15 depolarizing, 28 relaxation, 5 readout, 5 idle entries; 8 adjustments" in err
    assert "cx on [3, 4]: gate_error = 0.00569628 breaks" in err
    spec = spec_from_json(spec_path.read_text())
    assert spec.provenance.options.gate_lengths[0].qubits == [0, 1]
    cx = next(e for e in spec.local_thermal_relaxation_errors if e.gate == "cx" and e.qubits == [0, 1])
    assert cx.relaxations[0].time == 400.0
    assert main(["validate", str(spec_path)]) == 0
    assert "valid (48 channel entries)" in capsys.readouterr().out
    assert main(["export", "--format", "classiq", str(spec_path)]) == 1
    assert "33 entries cannot be expressed" in capsys.readouterr().err
    assert main(["export", "--format", "classiq", "--approximate", str(spec_path), "-o", str(classiq_path)]) == 0
    jsonschema.validate(json.loads(classiq_path.read_text()), CLASSIQ_SCHEMA)
    assert main(["export", "--format", "aer", str(spec_path)]) == 0
    assert json.loads(capsys.readouterr().out)["errors"]


def test_cli_validate_fails_with_one_line_per_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"readout_bit_flip_probability": 1.5, "local_readout_errors": [{"qubit": -1}]}))
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.json: invalid (3 problems)" in err
    assert "  readout_bit_flip_probability: Input should be less than or equal to 1; got 1.5" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["derive", "missing.json"], "error: no calibration file at .missing.json."),
        (["derive", str(SNAPSHOT_DIR / "ibmq_manila.json"), "--gate-length", "sx"], "expects GATE=VALUE"),
        (["derive", str(SNAPSHOT_DIR / "ibmq_manila.json"), "--temperature", "-1"], "temperature"),
    ],
)
def test_cli_bad_input_exits_1_with_a_message(arguments: list[str], message: str, capsys) -> None:
    assert main(arguments) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert re.search(message, err)


def test_probability_above_one_is_valid_but_flagged_for_classiq() -> None:
    spec = NoiseSpec(
        gate_depolarizing_errors=[DepolarizingNoiseOnGate(gate="sx", probability=1.2, num_qubits=1)],
        local_depolarizing_errors=[
            LocalDepolarizingNoiseOnGate(gate="cx", probability=1.0, num_qubits=2, qubits=[0, 1])
        ],
    )
    assert classiq_incompatibilities(spec) == [
        "gate_depolarizing_errors[0]: depolarizing probability 1.2 > 1 (Classiq accepts λ ≤ 1)"
    ]


def test_local_extensions_are_flagged_for_classiq() -> None:
    flagged = classiq_incompatibilities(NoiseSpec.model_validate(classiq_example_with_local_extensions()))
    assert flagged == [
        "local_pauli_errors[0]: local_pauli_errors is a local extension for gate 'cz' on qubits [1, 2]",
        "local_thermal_relaxation_errors[0]: local_thermal_relaxation_errors is a local extension "
        "for gate 'cx' on qubits [0, 1]",
    ]


def test_three_qubit_depolarizing_is_a_classiq_incompatibility() -> None:
    spec = NoiseSpec(gate_depolarizing_errors=[{"gate": "ccx", "num_qubits": 3, "probability": 0.01}])
    assert classiq_incompatibilities(spec) == [
        "gate_depolarizing_errors[0]: acts on 3 qubits (Classiq accepts num_qubits 1 or 2)"
    ]
