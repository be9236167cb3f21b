"""Fingerprints of calibrations and specs, and the check that a spec runs on the device it came from."""

from __future__ import annotations

import json
import re

import pytest

from noise_core import (
    CoherentErrorOnGate,
    NoiseSpec,
    derive_noise_spec,
    load_calibration,
    simulate,
    spec_from_json,
    spec_to_json,
)
from noise_core.calibration import calibration_mismatch
from noise_core.simulation.circuits import ghz
from noise_core.spec import spec_fingerprint
from presets import SNAPSHOT_DIR, load_preset
from tests.conftest import classiq_example_with_local_extensions, minimal_snapshot


def test_calibration_fingerprint_ignores_key_order_whitespace_and_number_spelling() -> None:
    document = minimal_snapshot()
    reference = load_calibration(document).fingerprint
    assert re.fullmatch(r"[0-9a-f]{64}", reference)
    reordered = json.dumps({key: document[key] for key in reversed(document)}, indent=4, sort_keys=True)
    respelled = json.dumps(document).replace('"value": 0.01}', '"value": 1.0e-2}')
    assert "1.0e-2" in respelled
    assert load_calibration(reordered.encode()).fingerprint == reference
    assert load_calibration(respelled.encode()).fingerprint == reference


def test_calibration_fingerprint_ignores_names_and_dates() -> None:
    document = minimal_snapshot()
    reference = load_calibration(document).fingerprint
    renamed = {**document, "backend_name": "other", "last_update_date": "2025-01-01T00:00:00+00:00"}
    assert load_calibration(renamed).fingerprint == reference


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("qubits", 0, 0, "value"), 101.0),
        (("qubits", 1, 3, "value"), 0.021),
        (("gates", 2, "parameters", 0, "value"), 0.0101),
    ],
)
def test_calibration_fingerprint_changes_with_any_physical_value(where: tuple, value: float) -> None:
    document = minimal_snapshot()
    reference = load_calibration(document).fingerprint
    target = document
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    assert load_calibration(document).fingerprint != reference


def test_spec_fingerprint_ignores_entry_order_and_provenance_and_sees_every_value() -> None:
    document = classiq_example_with_local_extensions()
    reference = spec_fingerprint(NoiseSpec.model_validate(document))
    shuffled = {
        key: list(reversed(value)) if isinstance(value, list) and key != "readout_assignment_probabilities" else value
        for key, value in document.items()
    }
    assert spec_fingerprint(NoiseSpec.model_validate(shuffled)) == reference
    changed = {**document, "gate_depolarizing_errors": [{"gate": "x", "probability": 0.002, "num_qubits": 1}]}
    assert spec_fingerprint(NoiseSpec.model_validate(changed)) != reference
    derived = derive_noise_spec(load_preset("ibmq_manila"))
    assert spec_fingerprint(derived) == spec_fingerprint(derived.model_copy(update={"provenance": None}))
    assert spec_fingerprint(spec_from_json(spec_to_json(derived))) == spec_fingerprint(derived)


def test_a_spec_without_the_later_kinds_keeps_the_fingerprint_it_had_before_they_existed() -> None:
    """The digest of manila's derived spec as computed before idle and coherent fields (stored in old bundles)."""
    derived = derive_noise_spec(load_preset("ibmq_manila"))
    assert spec_fingerprint(derived) == "937c0de6ab28db0e97b18bc06b26443dcd1dee70bdb4345d73eb0e6632eef617"
    coherent = derived.model_copy(update={"gate_coherent_errors": [CoherentErrorOnGate(gate="sx", angle=0.01)]})
    assert spec_fingerprint(coherent) != spec_fingerprint(derived)


def test_a_derived_spec_records_its_calibration_and_fits_only_that_one() -> None:
    manila = load_preset("ibmq_manila")
    spec = derive_noise_spec(manila)
    assert spec.provenance.calibration_fingerprint == manila.fingerprint
    assert calibration_mismatch(spec, manila) is None
    assert calibration_mismatch(NoiseSpec(), manila) is None
    quito = load_calibration(SNAPSHOT_DIR / "ibm_algiers.json")
    message = calibration_mismatch(spec, quito)
    assert message is not None
    assert re.search(
        r"derived from ibmq_manila calibrated 2024-05-27 \d\d:\d\d, fingerprint [0-9a-f]{12}, "
        r"but the device is ibm_algiers calibrated \d{4}-\d\d-\d\d \d\d:\d\d, fingerprint [0-9a-f]{12}",
        message,
    )


def test_a_spec_written_before_fingerprints_is_compared_by_name_and_date() -> None:
    manila = load_preset("ibmq_manila")
    spec = derive_noise_spec(manila)
    old = spec.model_copy(update={"provenance": spec.provenance.model_copy(update={"calibration_fingerprint": None})})
    assert calibration_mismatch(old, manila) is None
    assert "fingerprint" not in calibration_mismatch(old, load_preset("ibm_algiers"))


def test_simulate_warns_when_the_spec_came_from_another_device() -> None:
    manila, algiers = load_preset("ibmq_manila"), load_preset("ibm_algiers")
    spec = derive_noise_spec(manila)
    foreign = simulate(ghz(3), spec, calibration=algiers, seed=1)
    assert foreign.warnings[0].startswith("The spec was derived from ibmq_manila")
    own = simulate(ghz(3), spec, calibration=manila, seed=1)
    assert not any("derived from" in warning for warning in own.warnings)
