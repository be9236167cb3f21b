"""Other vendors' calibration documents: real ones from the packages that ship them, and broken ones."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from noise_core import CalibrationError, derive_noise_spec, load_calibration
from noise_core.calibration.device import average_error_from_pauli
from noise_core.calibration.snapshot import BackendCalibration
from presets import SNAPSHOT_DIR, load_preset
from presets.generate_vendors import ionq_harmony_document

CIRQ_IONQ_CALIBRATION = {
    "connectivity": [[0, 1], [0, 2], [1, 2]],
    "target": "ionq.qpu",
    "qubits": 3,
    "fidelity": {"1q": {"mean": 0.999}, "2q": {"mean": 0.99}, "spam": {"median": 0.995, "stderr": 0.001}},
    "timing": {"t1": 100, "t2": 1, "1q": 1.1e-05, "2q": 0.00021, "readout": 0.000175, "reset": 3.5e-05},
    "date": "2020-08-07T12:47:22.337Z",
}
"""cirq-ionq 1.7's ``calibration_test.py`` document (Apache-2.0), with a spam figure and coherence times added."""


def _google_metrics() -> list[dict[str, Any]]:
    document = json.loads((SNAPSHOT_DIR / "google_willow_pink_d7v1.json").read_text())
    metrics: list[dict[str, Any]] = document["metrics"]["metrics"]
    return metrics


def _metric(name: str, *targets: str) -> float:
    entry = next(m for m in _google_metrics() if m["name"] == name and m["targets"] == list(targets))
    return float(entry["values"][0]["doubleVal"])


def test_googles_willow_calibration_reads_as_cirq_google_reads_it() -> None:
    calibration = load_preset("google_willow_pink_d7v1")
    info = calibration.device_info
    assert (calibration.num_qubits, info.vendor, calibration.last_update_date.date().isoformat()) == (
        105,
        "Google",
        "2024-08-16",
    )
    first = info.qubit_labels.index("q(0, 6)")
    assert calibration.t1(first) == pytest.approx(_metric("single_qubit_idle_t1_micros", "0_6") * 1e-6, rel=1e-12)
    readout = calibration.qubit_property(first)
    assert readout["prob_meas1_prep0"][0] == pytest.approx(_metric("single_qubit_p00_error", "0_6"), rel=1e-12)
    assert readout["prob_meas0_prep1"][0] == pytest.approx(_metric("single_qubit_p11_error", "0_6"), rel=1e-12)
    pauli = _metric("single_qubit_rb_pauli_error_per_gate", "0_6")
    assert calibration.gate_error("sx", [first]) == pytest.approx(pauli * 2 / 3, rel=1e-12)
    second = info.qubit_labels.index("q(0, 7)")
    cycle = _metric("two_qubit_parallel_cz_gate_xeb_pauli_error_per_cycle", "0_6", "0_7")
    for pair in ([first, second], [second, first]):
        assert calibration.gate_error("cz", pair) == pytest.approx(cycle * 4 / 5, rel=1e-12)
    said = [finding.message for finding in calibration.findings if finding.kind == "converted"]
    assert any("gate_error of cz = e_P · 4/5" in line for line in said)
    assert any("cirq-google's defaults: one-qubit gates 25 ns, CZ 32 ns" in line for line in said)


def test_pauli_to_average_error_matches_qiskits_average_gate_fidelity_of_a_depolarizing_channel() -> None:
    """A depolarizing channel whose Pauli (process) error is e_P: its average gate error is what the conversion says."""
    from qiskit.quantum_info import average_gate_fidelity
    from qiskit_aer.noise import depolarizing_error

    for num_qubits, pauli_error in ((1, 0.003), (2, 0.011)):
        dimension = 2**num_qubits
        channel = depolarizing_error(pauli_error * dimension**2 / (dimension**2 - 1), num_qubits)
        expected = 1 - average_gate_fidelity(channel.to_quantumchannel())
        assert average_error_from_pauli(pauli_error, num_qubits) == pytest.approx(expected, rel=1e-12)


def test_ionq_characterization_is_all_to_all_with_ms_as_rxx_and_symmetric_readout() -> None:
    calibration = load_calibration(CIRQ_IONQ_CALIBRATION)
    info = calibration.device_info
    assert (info.vendor, info.all_to_all, calibration.backend_name) == ("IonQ", True, "ionq.qpu")
    assert {gate.name: gate.simulated_as for gate in info.native_gates}["ms"] == "rxx"
    assert calibration.gate_error("rxx", [2, 0]) == pytest.approx(0.01, rel=1e-12)
    assert calibration.gate_error("sx", [1]) == pytest.approx(0.001, rel=1e-12)
    assert calibration.gate_length("rxx", [0, 1]) == pytest.approx(0.00021, rel=1e-12)
    properties = calibration.qubit_property(2)
    assert properties["prob_meas1_prep0"][0] == properties["prob_meas0_prep1"][0] == pytest.approx(0.005, rel=1e-12)
    said = [finding.message for finding in calibration.findings if finding.kind == "converted"]
    assert "device: spam: one readout figure per qubit, not one per prepared state" in said[-1]
    assert [error.value for error in info.standard_errors if error.property_name == "prob_meas1_prep0"] == [0.001] * 3
    assert derive_noise_spec(calibration).basis_gates == ["rxx", "rz", "sx", "x"]


def test_ionq_pairs_not_listed_are_not_couplers() -> None:
    document = CIRQ_IONQ_CALIBRATION | {"connectivity": [[0, 1], [1, 2]]}
    calibration = load_calibration(document)
    assert not calibration.device_info.all_to_all
    assert ("rxx", (0, 2)) not in {(gate, qubits) for gate, qubits, _ in calibration.gate_entries()}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fidelity": {"1q": {"mean": 1.2}, "2q": {"mean": 0.99}}}, r"fidelity\.1q\.mean.*less than or equal to 1"),
        ({"timing": {"1q": 1e-5}}, r"timing\.2q.*Field required"),
        ({"qubits": 0}, r"qubits.*greater than or equal to 1"),
        ({"connectivity": [[0, 3]]}, r"connectivity\[0\] = \[0, 3\] must name two different qubits in 0…2"),
        ({"fidelity": {"1q": {}, "2q": {"mean": 0.99}}}, r"fidelity\.1q.*needs 'median' or 'mean'"),
    ],
)
def test_broken_ionq_documents_name_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(CalibrationError, match=message):
        load_calibration(CIRQ_IONQ_CALIBRATION | change)


def test_the_braket_ionq_preset_is_validated_by_braket_schemas_and_reads_its_provider_figures() -> None:
    calibration = load_preset("ionq_harmony")
    assert calibration.device_info.source == "AWS Braket IonQ device capabilities"
    assert (calibration.num_qubits, calibration.device_info.all_to_all) == (11, True)
    assert calibration.gate_error("rxx", [3, 9]) == pytest.approx(1 - 0.9696, rel=1e-12)
    broken = ionq_harmony_document()
    broken["paradigm"]["qubitCount"] = "eleven"
    with pytest.raises(CalibrationError, match=r"not a valid Braket device document: paradigm\.qubitCount: value is"):
        load_calibration(json.dumps(broken).encode())
    missing = copy.deepcopy(ionq_harmony_document())
    del missing["provider"]["timing"]["2Q"]
    with pytest.raises(CalibrationError, match=r"Braket IonQ provider block is not usable: timing\.2q"):
        load_calibration(missing)


def _standardized(**two_qubit: Any) -> dict[str, Any]:
    """A Braket standardized-properties document (schema v2) of an IQM-like device counting qubits from 1."""
    rb = {"fidelityType": {"name": "RANDOMIZED_BENCHMARKING"}, "fidelity": 0.999, "unit": "fraction"}
    readout = {"fidelityType": {"name": "READOUT"}, "fidelity": 0.97, "standardError": 0.002, "unit": "fraction"}
    qubit = {
        "T1": {"value": 5e-5, "standardError": None, "unit": "s"},
        "T2": {"value": 4e-5, "standardError": None, "unit": "s"},
        "oneQubitFidelity": [rb, readout],
    }
    gates = [
        {"gateName": "CNOT", "fidelity": 0.98, "direction": {"control": 2, "target": 1}, "unit": "fraction"}
        | {"fidelityType": {"name": "INTERLEAVED_RANDOMIZED_BENCHMARKING"}},
        {"gateName": "CZ", "fidelity": 0.97, "fidelityType": {"name": "RANDOMIZED_BENCHMARKING"}, "unit": "fraction"},
        {"gateName": "XY", "fidelity": 0.96, "fidelityType": {"name": "RANDOMIZED_BENCHMARKING"}, "unit": "fraction"},
    ]
    return {
        "braketSchemaHeader": {
            "name": "braket.device_schema.standardized_gate_model_qpu_device_properties",
            "version": "2",
        },
        "oneQubitProperties": {"1": qubit, "2": qubit, "3": qubit},
        "twoQubitProperties": {"1-2": {"twoQubitGateFidelity": gates}, **two_qubit},
    }


def test_braket_standardized_properties_keep_ids_directions_and_skip_unknown_gates() -> None:
    calibration = load_calibration(_standardized(), filename="iqm_like.json")
    assert calibration.backend_name == "iqm_like"
    assert calibration.device_info.qubit_labels == ["1", "2", "3"]
    entries = {(gate, qubits) for gate, qubits, _ in calibration.gate_entries()}
    assert ("cx", (1, 0)) in entries and ("cx", (0, 1)) not in entries  # control 2 → index 1
    assert {("cz", (0, 1)), ("cz", (1, 0))} <= entries
    assert calibration.gate_error("cz", [0, 1]) == pytest.approx(0.03, rel=1e-12)
    assert calibration.t2(2) == pytest.approx(4e-5, rel=1e-12)
    assert any(f.subject == "XY on [0, 1]" and f.action == "skipped" for f in calibration.findings)


def test_broken_braket_standardized_properties_name_the_field() -> None:
    document = _standardized()
    document["oneQubitProperties"]["2"] = {"T1": {"value": 5e-5, "unit": "s"}}
    with pytest.raises(CalibrationError, match=r"oneQubitProperties\.2\.T2: field required"):
        load_calibration(document)
    document = _standardized(**{"2-x": {"twoQubitGateFidelity": []}})
    with pytest.raises(CalibrationError, match=r"Braket qubit ids must be integers"):
        load_calibration(document)


def test_a_broken_google_calibration_names_the_field() -> None:
    metrics = [{"name": "single_qubit_idle_t1_micros", "targets": ["a_b"], "values": [{"doubleVal": 20.0}]}]
    with pytest.raises(CalibrationError, match=r"qubit 'a_b' is not a grid qubit like '4_5'"):
        load_calibration({"cirq_type": "Calibration", "metrics": {"metrics": metrics}})
    with pytest.raises(CalibrationError, match=r"not a usable Google calibration: metrics\[0\]\.values"):
        load_calibration({"metrics": [{"name": "x", "targets": ["1_2"], "values": []}]})


def test_ibm_snapshots_carry_no_device_block_and_read_as_ibm() -> None:
    calibration = load_preset("ibmq_manila")
    assert "device" not in calibration.to_dict()
    assert calibration.device_info.vendor == "IBM"
    assert not any(finding.kind == "converted" for finding in calibration.findings)


def test_a_vendor_device_survives_a_round_trip_through_its_backend_properties_dict() -> None:
    calibration = load_preset("ionq_harmony")
    again = BackendCalibration.from_dict(json.loads(json.dumps(calibration.to_dict())))
    assert again == calibration and again.device_info == calibration.device_info


def test_a_crafted_device_block_is_refused_naming_the_field() -> None:
    document = load_preset("ibmq_manila").to_dict() | {"device": {"vendor": "", "source": "x"}}
    with pytest.raises(CalibrationError, match=r"device\.vendor: String should have at least 1 character"):
        load_calibration(document)


def test_quantinuums_emulator_parameters_read_as_average_errors_on_an_all_to_all_device() -> None:
    calibration = load_preset("quantinuum_h1_1")
    info = calibration.device_info
    assert (calibration.num_qubits, info.vendor, info.all_to_all) == (20, "Quantinuum", True)
    assert calibration.last_update_date.date().isoformat() == "2024-04-10"
    assert calibration.gate_error("cz", [19, 3]) == pytest.approx(0.00088, rel=1e-12)
    assert calibration.gate_error("sx", [7]) == pytest.approx(2.1e-05, rel=1e-12)
    properties = calibration.qubit_property(4)
    assert properties["prob_meas1_prep0"][0] == pytest.approx(0.001, rel=1e-12)
    assert properties["prob_meas0_prep1"][0] == pytest.approx(0.004, rel=1e-12)
    left_out = {f.property_name for f in calibration.findings if f.action == "left out: no duration or zone"}
    assert left_out == {"dephasing_error", "p_crosstalk_meas", "p1_emission_ratio", "p2_emission_ratio"}


def test_broken_quantinuum_parameters_name_the_field() -> None:
    document = {"machine": "H1-1", "date": "2024_04_10", "n_qubits": 20, "p1": 2e-5, "p2": 1.5, "p0_meas": 0.001}
    with pytest.raises(
        CalibrationError, match=r"not usable Quantinuum emulator parameters: p2: .*less than or equal to 1"
    ):
        load_calibration(document)
    with pytest.raises(CalibrationError, match=r"p1_meas: Field required"):
        load_calibration(document | {"p2": 0.001})


@pytest.mark.parametrize(
    ("document", "filename", "message"),
    [
        ({"metrics": [{"name": "single_qubit_idle_t1_micros", "targets": ["1_2"], "values": [{"doubleVal": 9}]}],
          "timestampMs": 10**20}, None, r"100000000000000000000 is not a calibration time"),
        ({"metrics": [{"name": "x", "targets": ["1_2"], "values": [{"doubleVal": 9}]}]}, "willow-2024_13_45.json",
         r"'2024_13_45' is not a calibration time"),
        ({"metrics": [{"name": "x", "targets": ["1" * 5000 + "_2"], "values": [{"doubleVal": 9}]}]}, None,
         r"is not a grid qubit like '4_5'"),
        ({"metrics": [{"name": "single_qubit_idle_t1_micros", "targets": ["1_2"], "values": [{"doubleVal": "inf"}]}]},
         None, r"metrics\[0\]\.values\[0\]\.doubleVal: Input should be a finite number"),
        (CIRQ_IONQ_CALIBRATION | {"timing": {"t1": float("inf"), "1q": 1e-5, "2q": 2e-4}}, None,
         r"timing\.t1: Input should be a finite number"),
        (CIRQ_IONQ_CALIBRATION | {"qubits": True}, None, r"qubits: Input should be a valid integer"),
    ],
)  # fmt: skip
def test_hostile_vendor_documents_are_refused_naming_the_field(
    document: dict[str, Any], filename: str | None, message: str
) -> None:
    with pytest.raises(CalibrationError, match=message):
        load_calibration(document, filename=filename)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"twoQubitProperties": {"1-2-3": {"twoQubitGateFidelity": []}}}, r"key '1-2-3' must name two different"),
        ({"twoQubitProperties": {"3": {"twoQubitGateFidelity": []}}}, r"key '3' must name two different qubits"),
        ({"twoQubitProperties": {"2-2": {"twoQubitGateFidelity": []}}}, r"key '2-2' must name two different qubits"),
    ],
)
def test_broken_braket_pairs_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(CalibrationError, match=message):
        load_calibration(_standardized() | change)


def test_a_braket_direction_must_name_its_own_pair_and_ids_are_numbers() -> None:
    document = _standardized()
    document["twoQubitProperties"]["1-2"]["twoQubitGateFidelity"][0]["direction"] = {"control": 1, "target": 3}
    with pytest.raises(CalibrationError, match=r"must name the pair \['1', '2'\] as control and target"):
        load_calibration(document)
    renamed = _standardized()
    renamed["oneQubitProperties"] = {"01": renamed["oneQubitProperties"]["1"], **renamed["oneQubitProperties"]}
    assert load_calibration(renamed).num_qubits == 3  # '01' and '1' are one qubit


def test_braket_schema_v3_reads_its_device_wide_figures_on_the_native_pair_gate() -> None:
    fidelity = {"fidelityType": {"name": "RANDOMIZED_BENCHMARKING"}, "fidelity": 0.995, "unit": "fraction"}
    standardized = {
        "braketSchemaHeader": {"name": "braket.device_schema.standardized_gate_model_qpu_device_properties", "version": "3"},
        "oneQubitProperties": {str(q): {"oneQubitFidelity": [fidelity | {"fidelity": 0.9995}]} for q in range(4)},
        "T1": {"value": 100, "standardError": None, "unit": "us"},
        "T2": {"value": 80, "standardError": None, "unit": "us"},
        "readoutFidelity": [fidelity | {"fidelityType": None, "fidelity": 0.98}],
        "twoQubitGateFidelity": [fidelity],
        "twoQubitGateDuration": {"value": 200, "standardError": None, "unit": "ns"},
        "singleQubitGateDuration": {"value": 40, "standardError": None, "unit": "ns"},
        "readoutDuration": None, "singleQubitFidelity": None, "activeResetDuration": None, "updatedAt": "2025-05-01T00:00:00",
    }  # fmt: skip
    calibration = load_calibration(standardized)
    assert calibration.t1(2) == pytest.approx(1e-4, rel=1e-12)
    # without a paradigm no native two-qubit gate is known: the figure is skipped, and said
    assert not any(gate == "cz" for gate, _qubits, _properties in calibration.gate_entries())
    assert any(f.property_name == "twoQubitGateFidelity" and f.action == "skipped" for f in calibration.findings)


def test_a_vendor_device_is_not_written_as_ibms_csv() -> None:
    from noise_core.calibration import calibration_to_csv

    with pytest.raises(CalibrationError, match=r"IBM's calibration CSV holds IBM devices; this IonQ device would lose"):
        calibration_to_csv(load_preset("ionq_harmony"))


def test_a_braket_document_naming_too_many_qubits_is_refused_before_its_pairs_are_built() -> None:
    document = _standardized()
    qubit = document["oneQubitProperties"]["1"]
    document["oneQubitProperties"] = {str(label): qubit for label in range(1, 1100)}
    with pytest.raises(CalibrationError, match=r"names 1099 qubits; at most 1000 are read"):
        load_calibration(document)
