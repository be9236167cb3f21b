"""``derive_noise_spec``: the channels it writes, every adjustment it reports, its options."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from noise_core import DerivationOptions, FindingKind, NoiseSpec, NoiseStudioError, derive_noise_spec, load_calibration
from noise_core.export import classiq_incompatibilities
from noise_core.physics import Relaxation, average_gate_fidelity, match_depolarizing, relaxation_process_fidelity
from noise_core.spec.gates import max_depolarizing_probability
from presets import list_presets, load_preset
from tests.conftest import nduv


def derive(snapshot: dict[str, Any], **options: Any) -> NoiseSpec:
    return derive_noise_spec(load_calibration(snapshot), **options)


def set_property(records: list[dict[str, Any]], name: str, value: Any, unit: str | None = None) -> None:
    for record in records:
        if record["name"] == name:
            record["value"] = value
            if unit is not None:
                record["unit"] = unit
            return
    records.append(nduv(name, value, unit or ""))


def drop_property(records: list[dict[str, Any]], name: str) -> None:
    records[:] = [record for record in records if record["name"] != name]


def findings_of(spec: NoiseSpec, kind: FindingKind) -> list:
    assert spec.provenance is not None
    return [finding for finding in spec.provenance.findings if finding.kind == kind]


def relaxation_entry(spec: NoiseSpec, gate: str, qubits: list[int]):
    return next(e for e in spec.local_thermal_relaxation_errors if e.gate == gate and e.qubits == qubits)


def depolarizing_entry(spec: NoiseSpec, gate: str, qubits: list[int]):
    return next((e for e in spec.local_depolarizing_errors if e.gate == gate and e.qubits == qubits), None)


def test_healthy_snapshot_gives_depolarizing_relaxation_and_readout_without_findings(snapshot) -> None:
    spec = derive(snapshot)
    assert spec.provenance is not None and spec.provenance.findings == []
    assert spec.basis_gates == ["cx", "sx"]
    relaxation = relaxation_entry(spec, "cx", [0, 1]).relaxations
    assert [(r.t1, r.t2, r.time) for r in relaxation] == [pytest.approx((100e3, 80e3, 300.0))] * 2
    expected = match_depolarizing(
        0.01,
        average_gate_fidelity(relaxation_process_fidelity([Relaxation(100e3, 80e3, 300.0)] * 2), 2),
        2,
    )
    assert depolarizing_entry(spec, "cx", [0, 1]).probability == pytest.approx(expected.probability, rel=1e-12)
    readout = {entry.qubit: entry.assignment_probabilities for entry in spec.local_readout_errors}
    assert [p for row in readout[0] for p in row] == pytest.approx(
        [0.99, 0.01, 0.03, 0.97]
    )  # prob_meas1_prep0, prob_meas0_prep1


def test_t2_above_twice_t1_is_capped_and_reported(snapshot) -> None:
    set_property(snapshot["qubits"][0], "T2", 250.0, "us")
    spec = derive(snapshot)
    assert relaxation_entry(spec, "sx", [0]).relaxations[0].t2 == pytest.approx(200e3)
    (finding,) = findings_of(spec, FindingKind.T2_ABOVE_LIMIT)
    assert finding.qubits == (0,)
    assert finding.value == pytest.approx(250.0)
    assert "caps T2 at 2·T1 = 200 µs" in finding.action


def test_missing_t2_becomes_twice_t1(snapshot) -> None:
    drop_property(snapshot["qubits"][1], "T2")
    spec = derive(snapshot)
    assert relaxation_entry(spec, "sx", [1]).relaxations[0].t2 == pytest.approx(200e3)
    (finding,) = findings_of(spec, FindingKind.MISSING_DATA)
    assert (finding.subject, finding.property_name) == ("qubit 1", "T2")
    assert "2·T1 = 200 µs" in finding.action


def test_missing_t1_means_no_amplitude_damping(snapshot) -> None:
    drop_property(snapshot["qubits"][1], "T1")
    spec = derive(snapshot)
    assert relaxation_entry(spec, "sx", [1]).relaxations[0].t1 is None
    assert relaxation_entry(spec, "sx", [1]).relaxations[0].t2 == pytest.approx(80e3)
    (finding,) = findings_of(spec, FindingKind.MISSING_DATA)
    assert "no amplitude damping" in finding.action


def test_qubit_without_t1_or_t2_gets_no_relaxation_on_its_own_gates(snapshot) -> None:
    for name in ("T1", "T2"):
        drop_property(snapshot["qubits"][1], name)
    spec = derive(snapshot)
    assert not [e for e in spec.local_thermal_relaxation_errors if e.qubits == [1]]
    cx = relaxation_entry(spec, "cx", [0, 1]).relaxations
    assert (cx[1].t1, cx[1].t2) == (None, None)
    assert len(findings_of(spec, FindingKind.MISSING_DATA)) == 2


def test_nan_t1_is_treated_as_missing_and_reported_as_invalid(snapshot) -> None:
    set_property(snapshot["qubits"][0], "T1", float("nan"))
    spec = derive(snapshot)
    assert relaxation_entry(spec, "sx", [0]).relaxations[0].t1 is None
    (finding,) = findings_of(spec, FindingKind.INVALID_VALUE)
    assert finding.property_name == "T1" and "treated as missing" in finding.action
    again = NoiseSpec.model_validate_json(spec.model_dump_json())
    assert again.provenance.findings[0].message == finding.message  # NaN survives the JSON round trip


@pytest.mark.parametrize(
    ("error", "kind"), [(1.0, FindingKind.GATE_ERROR_ONE), (0.7, FindingKind.GATE_ERROR_ABOVE_LIMIT)]
)
def test_gate_error_above_the_depolarizing_limit_is_clipped(snapshot, error: float, kind: FindingKind) -> None:
    set_property(snapshot["gates"][0]["parameters"], "gate_error", error)
    spec = derive(snapshot)
    assert depolarizing_entry(spec, "sx", [0]).probability == max_depolarizing_probability(1)
    (finding,) = findings_of(spec, kind)
    assert (finding.gate, finding.qubits, finding.value) == ("sx", (0,), error)
    assert "clipped to d/(d+1) = 0.6667" in finding.action and "λ capped" in finding.action


def test_gate_error_below_the_relaxation_limit_is_reported_with_the_model_error(snapshot) -> None:
    set_property(snapshot["gates"][2]["parameters"], "gate_error", 1e-4)
    spec = derive(snapshot)
    assert depolarizing_entry(spec, "cx", [0, 1]) is None
    (finding,) = findings_of(spec, FindingKind.BELOW_COHERENCE_LIMIT)
    fidelity = average_gate_fidelity(relaxation_process_fidelity([Relaxation(100e3, 80e3, 300.0)] * 2), 2)
    ratio = (1 - fidelity) / 1e-4
    assert f"{ratio:.3g}× the reported value" in finding.action
    assert finding.qubits == (0, 1)


def test_missing_gate_error_gives_relaxation_only(snapshot) -> None:
    drop_property(snapshot["gates"][2]["parameters"], "gate_error")
    spec = derive(snapshot)
    assert depolarizing_entry(spec, "cx", [0, 1]) is None
    assert relaxation_entry(spec, "cx", [0, 1])
    (finding,) = findings_of(spec, FindingKind.MISSING_DATA)
    assert (finding.property_name, finding.gate) == ("gate_error", "cx")


def test_missing_gate_length_gives_no_relaxation_and_full_depolarizing_match(snapshot) -> None:
    drop_property(snapshot["gates"][2]["parameters"], "gate_length")
    spec = derive(snapshot)
    assert not [e for e in spec.local_thermal_relaxation_errors if e.gate == "cx"]
    assert depolarizing_entry(spec, "cx", [0, 1]).probability == pytest.approx(4 * 0.01 / 3)
    (finding,) = findings_of(spec, FindingKind.MISSING_DATA)
    assert finding.property_name == "gate_length"


def test_measure_entries_are_skipped_and_reset_gets_relaxation_only(snapshot) -> None:
    for name in ("measure", "measure_2", "reset"):
        snapshot["gates"].append(
            {"qubits": [0], "gate": name, "parameters": [nduv("gate_error", 0.02), nduv("gate_length", 1000, "ns")]}
        )
    spec = derive(snapshot)
    gates = {e.gate for e in [*spec.local_depolarizing_errors, *spec.local_thermal_relaxation_errors]}
    assert gates == {"sx", "cx", "reset"}
    assert depolarizing_entry(spec, "reset", [0]) is None
    skipped = findings_of(spec, FindingKind.SKIPPED_ENTRY)
    assert sorted(f.gate for f in skipped) == ["measure", "measure_2"]
    assert "counting measurement noise twice" in skipped[0].action


def test_readout_from_readout_error_when_the_pair_is_incomplete(snapshot) -> None:
    drop_property(snapshot["qubits"][0], "prob_meas1_prep0")
    spec = derive(snapshot)
    readout = {entry.qubit: entry.assignment_probabilities for entry in spec.local_readout_errors}
    assert [p for row in readout[0] for p in row] == pytest.approx([0.98, 0.02, 0.02, 0.98])


def test_missing_readout_is_reported(snapshot) -> None:
    for name in ("readout_error", "prob_meas0_prep1", "prob_meas1_prep0"):
        drop_property(snapshot["qubits"][1], name)
    spec = derive(snapshot)
    assert [entry.qubit for entry in spec.local_readout_errors] == [0]
    (finding,) = findings_of(spec, FindingKind.MISSING_DATA)
    assert (finding.subject, finding.property_name) == ("qubit 1", "readout_error")


def test_temperature_sets_excited_state_population_from_frequency(snapshot) -> None:
    drop_property(snapshot["qubits"][1], "frequency")
    spec = derive(snapshot, temperature=50.0)
    populations = [relaxation_entry(spec, "sx", [q]).relaxations[0].excited_state_population for q in (0, 1)]
    assert populations[0] == pytest.approx(1 / (1 + 2.718281828459045**4.799243), rel=1e-9)
    assert populations[1] == 0.0
    (finding,) = findings_of(spec, FindingKind.MISSING_DATA)
    assert finding.subject == "device" and finding.value == 1.0


def test_gate_lengths_override_in_both_forms_and_units(snapshot) -> None:
    spec = derive(snapshot, gate_lengths=[("sx", 0.1), ("cx", [0, 1], 0.5), ("cx", None, 9.0)], gate_length_units="us")
    assert relaxation_entry(spec, "sx", [1]).relaxations[0].time == pytest.approx(100.0)
    assert relaxation_entry(spec, "cx", [0, 1]).relaxations[0].time == pytest.approx(500.0)  # first match wins
    assert spec.provenance.options.gate_lengths[1].qubits == [0, 1]


def test_unused_gate_length_override_is_reported(snapshot) -> None:
    spec = derive(snapshot, gate_lengths=[("ecr", 300.0)])
    (finding,) = findings_of(spec, FindingKind.SKIPPED_ENTRY)
    assert finding.gate == "ecr" and "ignored" in finding.action


def test_thermal_relaxation_off_matches_the_gate_error_with_depolarizing_alone(snapshot) -> None:
    spec = derive(snapshot, thermal_relaxation=False)
    assert spec.local_thermal_relaxation_errors == []
    assert depolarizing_entry(spec, "cx", [0, 1]).probability == pytest.approx(4 * 0.01 / 3)
    assert depolarizing_entry(spec, "sx", [0]).probability == pytest.approx(2 * 3e-4 / 1)


def test_gate_error_and_readout_off(snapshot) -> None:
    spec = derive(snapshot, gate_error=False, readout_error=False)
    assert spec.local_depolarizing_errors == [] and spec.local_readout_errors == []
    assert len(spec.local_thermal_relaxation_errors) == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"temperature": -5.0}, r"temperature\s+Input should be greater than or equal to 0"),
        ({"gate_length_units": "min"}, r"gate_length_units\s+Input should be 'ns', 'us', 'µs', 'ms' or 's'"),
        ({"gate_lengths": [("sx",)]}, r"gate_lengths entries are \(gate, value\) or \(gate, qubits, value\)"),
        ({"gate_lengths": [("sx", -3.0)]}, r"value\s+Input should be greater than or equal to 0"),
    ],
)
def test_invalid_options_are_refused_with_the_option_named(snapshot, options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        derive(snapshot, **options)


def test_provenance_records_source_and_options(snapshot) -> None:
    spec = derive(snapshot, temperature=20.0)
    provenance = spec.provenance
    assert (provenance.backend_name, provenance.num_qubits, provenance.time_unit) == ("fake_two", 2, "ns")
    assert provenance.options.temperature == 20.0 and provenance.options.gate_error
    assert provenance.last_update_date.isoformat() == "2024-05-01T10:00:00+00:00"


@pytest.mark.parametrize("name", [preset.name for preset in list_presets()])
def test_derived_preset_specs_are_valid_and_round_trip_through_json(name: str) -> None:
    spec = derive_noise_spec(load_preset(name))
    assert NoiseSpec.model_validate_json(spec.model_dump_json()) == spec
    relaxes = bool(spec.local_thermal_relaxation_errors or spec.idle_relaxation_errors)
    # relaxation needs the local extensions, which Classiq lacks; Quantinuum's published figures have no durations
    assert bool(classiq_incompatibilities(spec)) == relaxes and relaxes == (name != "quantinuum_h1_1")


def test_invalid_derivation_option_is_a_validation_error(snapshot) -> None:
    with pytest.raises(ValidationError, match=r"thermal_relaxation\s+Input should be a valid boolean"):
        derive(snapshot, thermal_relaxation="yes")


def test_options_as_a_model_derive_what_the_same_keywords_derive(snapshot) -> None:
    options = DerivationOptions(temperature=20.0, gate_lengths=[{"gate": "cx", "qubits": None, "value": 0.5}])
    by_model = derive_noise_spec(load_calibration(snapshot), options)
    by_keywords = derive(snapshot, temperature=20.0, gate_lengths=[("cx", 0.5)])
    assert by_model == by_keywords
    assert by_model.provenance.options == options


def test_options_given_both_ways_are_refused(snapshot) -> None:
    with pytest.raises(NoiseStudioError, match="either as DerivationOptions or as keywords, not both"):
        derive_noise_spec(load_calibration(snapshot), DerivationOptions(), temperature=20.0)


def test_options_that_differ_from_from_backends_defaults_are_listed_in_words() -> None:
    from noise_core import DerivationOptions

    assert DerivationOptions().overrides() == []
    options = DerivationOptions(
        thermal_relaxation=False,
        temperature=20.0,
        gate_lengths=[{"gate": "cz", "value": 680.0}, {"gate": "sx", "qubits": [4], "value": 0.04}],
        gate_length_units="us",
    )
    assert options.overrides() == [
        "thermal relaxation off",
        "temperature 20 mK",
        "cz length 680 us on every qubit tuple",
        "sx length 0.04 us on 4",
    ]


def test_a_derivation_takes_a_bounded_number_of_gate_length_overrides() -> None:
    from pydantic import ValidationError

    from noise_core import DerivationOptions

    with pytest.raises(ValidationError, match=r"gate_lengths\n  List should have at most 256 items"):
        DerivationOptions(gate_lengths=[{"gate": "cz", "value": 1.0}] * 257)
