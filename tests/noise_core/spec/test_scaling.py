"""What-if scaling (``scale_noise``): each factor's effect, its limits, and the physics it preserves."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from qiskit_aer.noise import thermal_relaxation_error

from noise_core import LocalDepolarizingNoiseOnGate, NoiseSpec, build_noise_model, derive_noise_spec, scale_noise
from noise_core.errors import ScalingError
from noise_core.spec import assignment_matrix
from noise_core.spec.factors import FACTOR_KINDS, NoiseFactors
from noise_core.spec.gates import max_depolarizing_probability
from noise_core.spec.models import describe_target, entry_target
from noise_core.spec.restriction import restrict_spec
from noise_core.spec.scaling import largest_factor, scale_noise_on
from presets import load_preset
from tests.channel_math import superoperator


@cache
def derived(name: str = "ibm_sherbrooke") -> NoiseSpec:
    return derive_noise_spec(load_preset(name))


def pauli_spec(non_identity: float) -> NoiseSpec:
    return NoiseSpec.model_validate(
        {
            "gate_pauli_errors": [
                {
                    "gate": "sx",
                    "num_qubits": 1,
                    "pauli_terms": [
                        {"pauli": "I", "probability": 1 - non_identity},
                        {"pauli": "X", "probability": non_identity / 2},
                        {"pauli": "Z", "probability": non_identity / 2},
                    ],
                }
            ],
            "readout_bit_flip_probability": 0.02,
        }
    )


def test_factors_of_one_return_the_spec_itself() -> None:
    assert scale_noise(derived()) is derived()


def at_maximum(entry: LocalDepolarizingNoiseOnGate) -> bool:
    return entry.probability >= max_depolarizing_probability(entry.num_qubits)


def test_gate_factor_multiplies_every_depolarizing_lambda_and_leaves_the_rest() -> None:
    spec, scaled = derived(), scale_noise(derived(), gate=1.5)
    for before, after in zip(spec.local_depolarizing_errors, scaled.local_depolarizing_errors, strict=True):
        expected = before.probability if at_maximum(before) else 1.5 * before.probability
        assert after.probability == pytest.approx(expected, rel=1e-15)
    assert scaled.local_readout_errors == spec.local_readout_errors
    assert scaled.local_thermal_relaxation_errors == spec.local_thermal_relaxation_errors


def test_gate_factor_scales_non_identity_pauli_terms_and_renormalises_the_identity() -> None:
    scaled = scale_noise(pauli_spec(0.1), gate=3.0)
    terms = {term.pauli: term.probability for term in scaled.gate_pauli_errors[0].pauli_terms}
    assert terms["X"] == pytest.approx(0.15) and terms["Z"] == pytest.approx(0.15)
    assert terms["I"] == pytest.approx(0.7)
    assert math.fsum(terms.values()) == 1.0


def test_scaling_down_a_pure_pauli_error_adds_the_identity_term() -> None:
    spec = NoiseSpec.model_validate(
        {"gate_pauli_errors": [{"gate": "x", "num_qubits": 1, "pauli_terms": [{"pauli": "X", "probability": 1.0}]}]}
    )
    terms = {term.pauli: term.probability for term in scale_noise(spec, gate=0.25).gate_pauli_errors[0].pauli_terms}
    assert terms == pytest.approx({"I": 0.75, "X": 0.25})


def test_readout_factor_scales_off_diagonals_and_keeps_rows_stochastic() -> None:
    spec, scaled = derived(), scale_noise(derived(), readout=0.5)
    for entry in spec.local_readout_errors[:20]:
        before, after = assignment_matrix(spec, entry.qubit), assignment_matrix(scaled, entry.qubit)
        assert after[0, 1] == pytest.approx(0.5 * before[0, 1]) and after[1, 0] == pytest.approx(0.5 * before[1, 0])
        np.testing.assert_allclose(after.sum(axis=1), 1.0, atol=1e-15)
    assert scale_noise(pauli_spec(0.1), readout=2.0).readout_bit_flip_probability == pytest.approx(0.04)


def test_relaxation_factor_divides_t1_and_t2_and_keeps_t2_within_twice_t1() -> None:
    spec, scaled = derived(), scale_noise(derived(), relaxation=4.0)
    for before, after in zip(spec.local_thermal_relaxation_errors, scaled.local_thermal_relaxation_errors, strict=True):
        for old, new in zip(before.relaxations, after.relaxations, strict=True):
            assert new.t1 == pytest.approx(old.t1 / 4.0) and new.t2 == pytest.approx(old.t2 / 4.0)
            assert new.t2 <= 2 * new.t1 and new.time == old.time


EVERY_KIND = NoiseSpec.model_validate(
    {
        "gate_depolarizing_errors": [{"gate": "cx", "num_qubits": 2, "probability": 0.02}],
        "gate_pauli_errors": [
            {
                "gate": "h",
                "num_qubits": 1,
                "pauli_terms": [{"pauli": "I", "probability": 0.9}, {"pauli": "Y", "probability": 0.1}],
            }
        ],
        "local_pauli_errors": [
            {
                "gate": "sx",
                "qubits": [1],
                "pauli_terms": [{"pauli": "I", "probability": 0.96}, {"pauli": "Z", "probability": 0.04}],
            }
        ],
        "gate_thermal_relaxation_errors": [{"gate": "x", "t1": 120_000.0, "t2": 90_000.0, "time": 60.0}],
        "readout_assignment_probabilities": [[0.97, 0.03], [0.05, 0.95]],
    }
)


def test_every_kind_of_entry_is_scaled() -> None:
    """The derived specs only have local entries; the all-qubit ones and the global readout matrix scale too."""
    scaled = scale_noise(EVERY_KIND, gate=2.0, readout=0.5, relaxation=3.0)
    assert scaled.gate_depolarizing_errors[0].probability == pytest.approx(0.04)
    assert {t.pauli: t.probability for t in scaled.gate_pauli_errors[0].pauli_terms} == pytest.approx(
        {"I": 0.8, "Y": 0.2}
    )
    assert {t.pauli: t.probability for t in scaled.local_pauli_errors[0].pauli_terms} == pytest.approx(
        {"I": 0.92, "Z": 0.08}
    )
    relaxation = scaled.gate_thermal_relaxation_errors[0]
    assert (relaxation.t1, relaxation.t2, relaxation.time) == pytest.approx((40_000.0, 30_000.0, 60.0))
    np.testing.assert_allclose(scaled.readout_assignment_probabilities, [[0.985, 0.015], [0.025, 0.975]], atol=1e-15)


def test_scaling_the_rates_by_s_is_relaxing_for_s_times_as_long() -> None:
    """exp(−t·s/T) = exp(−(s·t)/T): the model of the scaled spec equals Aer's channel over an s-times longer gate."""
    s = 7.0
    model = build_noise_model(scale_noise(EVERY_KIND, relaxation=s), qubits=[0])
    ours = model._default_quantum_errors.get("x") or model._local_quantum_errors["x"][(0,)]
    reference = thermal_relaxation_error(120_000.0, 90_000.0, 60.0 * s)
    np.testing.assert_allclose(superoperator(ours, 1), superoperator(reference, 1), atol=1e-12)


def test_entries_already_at_their_maximum_stay_there_and_are_listed() -> None:
    """sherbrooke reports some couplers broken (gate_error = 1): fully depolarizing already."""
    broken = [entry for entry in derived().local_depolarizing_errors if at_maximum(entry)]
    assert broken
    provenance = scale_noise(derived(), gate=1.2).provenance
    assert provenance is not None
    assert provenance.scalings[0].kept_at_maximum == [
        f"depolarizing λ of {describe_target(entry_target(e))}" for e in broken
    ]
    assert scale_noise(derived(), gate=0.5).provenance.scalings[0].kept_at_maximum == []  # type: ignore[union-attr]


def test_factors_of_zero_remove_every_channel() -> None:
    assert scale_noise(derived(), gate=0.0, readout=0.0, relaxation=0.0, idle=0.0).is_ideal
    assert not scale_noise(derived(), gate=0.0, readout=0.0, relaxation=0.0).is_ideal  # idle relaxation stays
    without_gates = scale_noise(derived(), gate=0.0)
    assert not without_gates.local_depolarizing_errors and without_gates.local_readout_errors


def test_factors_compose_multiplicatively() -> None:
    once = scale_noise(scale_noise(derived(), gate=0.5, readout=0.5), gate=0.8, readout=1.25)
    direct = scale_noise(derived(), gate=0.4, readout=0.625)
    for a, b in zip(once.local_depolarizing_errors, direct.local_depolarizing_errors, strict=True):
        assert a.probability == pytest.approx(b.probability, rel=1e-14)
    for a, b in zip(once.local_readout_errors, direct.local_readout_errors, strict=True):
        np.testing.assert_allclose(a.assignment_probabilities, b.assignment_probabilities, atol=1e-15)


def test_provenance_records_each_scaling_in_order() -> None:
    scaled = scale_noise(scale_noise(derived(), gate=2.0), relaxation=0.5)
    assert scaled.provenance is not None
    assert [(s.gate, s.readout, s.relaxation) for s in scaled.provenance.scalings] == [(2.0, 1.0, 1.0), (1.0, 1.0, 0.5)]


def test_a_factor_past_the_depolarizing_limit_is_refused_naming_the_entry_and_the_largest_factor() -> None:
    spec = derived()
    scalable = [entry for entry in spec.local_depolarizing_errors if not at_maximum(entry)]
    worst = max(scalable, key=lambda e: e.probability / max_depolarizing_probability(e.num_qubits))
    allowed = max_depolarizing_probability(worst.num_qubits) / worst.probability
    with pytest.raises(
        ScalingError,
        match=rf"depolarizing λ of gate '{worst.gate}' on qubits \[.*largest allowed gate factor is {math.floor(allowed * 1000) / 1000:g}$",
    ):
        scale_noise(spec, gate=allowed * 1.01)
    scale_noise(spec, gate=allowed * 0.999)  # just inside is fine


def test_a_readout_factor_past_probability_one_is_refused() -> None:
    with pytest.raises(
        ScalingError, match=r"bit-flip probability exceed its maximum; the largest allowed readout factor is 50"
    ):
        scale_noise(pauli_spec(0.1), readout=60.0)
    with pytest.raises(
        ScalingError,
        match=r"Pauli probabilities of gate 'sx' exceed its maximum; the largest allowed gate factor is 10",
    ):
        scale_noise(pauli_spec(0.1), gate=11.0)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (-1.0, r"relaxation factor must be a finite number ≥ 0 \(1 = unchanged, 0 = removed\); got -1.0"),
        (math.nan, r"relaxation factor must be a finite number ≥ 0 .*; got nan"),
        (math.inf, r"relaxation factor must be a finite number ≥ 0 .*; got inf"),
        (True, r"relaxation factor must be a finite number ≥ 0 .*; got True"),
        ("two", r"relaxation factor 'two' is not a number"),
    ],
)
def test_a_factor_that_is_not_a_finite_non_negative_number_is_refused(bad: object, message: str) -> None:
    with pytest.raises(ScalingError, match=message):
        scale_noise(derived(), relaxation=bad)  # type: ignore[arg-type]
    with pytest.raises(ScalingError, match=message):
        NoiseFactors(relaxation=bad)  # type: ignore[arg-type]


def test_noise_factors_name_the_kinds_and_scale_noise_takes_them_or_keywords_alike() -> None:
    assert FACTOR_KINDS == (
        "gate", "readout", "relaxation", "idle", "coherent", "detuning", "crosstalk", "correlation"
    )  # fmt: skip
    factors = NoiseFactors.of({"gate": 2, "idle": 0})
    assert factors.as_dict() == {
        "gate": 2.0,
        "readout": 1.0,
        "relaxation": 1.0,
        "idle": 0.0,
        "coherent": 1.0,
        "detuning": 1.0,
        "crosstalk": 1.0,
        "correlation": 1.0,
    }
    assert factors.with_factor("readout", 3).readout == 3.0 and not factors.is_identity and NoiseFactors().is_identity
    assert scale_noise(derived(), factors) == scale_noise(derived(), gate=2, idle=0)
    assert scale_noise(derived(), factors, gate=1) == scale_noise(derived(), idle=0)  # keywords replace fields
    with pytest.raises(
        ScalingError,
        match="unknown factor 'temperature'; the factors are gate, readout, relaxation, idle, coherent, detuning, "
        "crosstalk, correlation",
    ):
        NoiseFactors.of({"temperature": 2})
    with pytest.raises(ScalingError, match="unknown factor 'readout_correlation'"):
        factors.with_factor("readout_correlation", 2)


def test_scaling_on_some_qubits_scales_their_entries_and_leaves_every_other_qubits_as_they_were() -> None:
    spec = derive_noise_spec(load_preset("ibm_kingston"))
    qubits = (0, 1, 2)
    assert largest_factor(spec, "readout") < 1.3 < largest_factor(restrict_spec(spec, qubits), "readout")
    with pytest.raises(ScalingError, match=r"the largest allowed readout factor is 1.016"):
        scale_noise(spec, readout=1.3)
    scaled = scale_noise_on(spec, qubits, gate=1.8, readout=1.3)
    on, alone = restrict_spec(scaled, qubits), scale_noise(restrict_spec(spec, qubits), gate=1.8, readout=1.3)
    assert on.model_dump(exclude={"provenance"}) == alone.model_dump(exclude={"provenance"})
    off = [entry for entry in scaled.local_depolarizing_errors if not set(entry.qubits) <= set(qubits)]
    assert off == [entry for entry in spec.local_depolarizing_errors if not set(entry.qubits) <= set(qubits)]
    assert len(scaled.local_readout_errors) == len(spec.local_readout_errors)
    assert scaled.provenance.scalings[-1].qubits == [0, 1, 2]  # type: ignore[union-attr]
