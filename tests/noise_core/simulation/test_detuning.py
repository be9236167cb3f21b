"""Detuning and Ramsey dephasing of waiting qubits: the spec's rules, analytic fringes, and an Aer reference."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from pydantic import ValidationError
from qiskit import QuantumCircuit
from qiskit.circuit import Instruction
from qiskit.circuit.library import RZGate
from qiskit_aer.noise import NoiseModel

from harness.aer_reference import fake_backend, ours_and_reference, with_exact_channels
from noise_core import (
    NoiseSpec,
    SimulationError,
    derive_noise_spec,
    error_budget,
    noise_coverage,
    scale_noise,
    simulate,
)
from noise_core.export import aer_dict_omissions, approximate_for_classiq
from noise_core.simulation.idle import delay_nanoseconds
from noise_core.spec.readout import assignment_matrix
from presets import load_preset

BASIS = ["x", "sx", "rz", "cz"]


def ramsey(wait_ns: float) -> QuantumCircuit:
    """H, a wait of ``wait_ns``, H, measure: P(1) = sin²(π·δ·t) under a detuning δ, (1 − e^(−t/T2*))/2 dephasing."""
    circuit = QuantumCircuit(1, 1)
    circuit.h(0)
    circuit.delay(wait_ns, 0, unit="ns")
    circuit.h(0)
    circuit.measure(0, 0)
    return circuit


def p1(circuit: QuantumCircuit, spec: NoiseSpec) -> float:
    result = simulate(circuit, spec, seed=1, optimization_level=0)
    assert result.method == "density_matrix"
    return float(result.noisy_probabilities.get("1", 0.0))


def spec_with(**fields: object) -> NoiseSpec:
    return NoiseSpec.model_validate({"basis_gates": BASIS, **fields})


@pytest.mark.parametrize("wait_ns", [0.0, 400.0, 1000.0, 2600.0])
@pytest.mark.parametrize("detuning_khz", [250.0, -90.0])
def test_a_ramsey_fringe_oscillates_at_the_detuning(wait_ns: float, detuning_khz: float) -> None:
    spec = spec_with(idle_detuning_errors=[{"qubit": 0, "detuning": detuning_khz}])
    expected = math.sin(math.pi * detuning_khz * wait_ns * 1e-6) ** 2
    assert p1(ramsey(wait_ns), spec) == pytest.approx(expected, abs=1e-12)


def test_t2_star_dephases_waits_in_place_of_the_echo_t2() -> None:
    """Pure dephasing (T1 = ∞): P(1) = (1 − e^(−t/T2*))/2 after a Ramsey wait t; with an idle entry its T2 is used
    until T2* is given."""
    wait, t2_star = 3000.0, 5000.0
    spec = spec_with(idle_detuning_errors=[{"qubit": 0, "t2_star": t2_star}])
    assert p1(ramsey(wait), spec) == pytest.approx((1 - math.exp(-wait / t2_star)) / 2, abs=1e-12)
    idle = [{"qubit": 0, "t1": 1e9, "t2": 40_000.0}]
    echo_only = p1(ramsey(wait), spec_with(idle_relaxation_errors=idle))
    with_star = p1(
        ramsey(wait), spec_with(idle_relaxation_errors=idle, idle_detuning_errors=[{"qubit": 0, "t2_star": t2_star}])
    )
    assert echo_only < 0.05 < with_star


def test_a_zero_detuning_without_t2_star_is_the_identity() -> None:
    plain = p1(ramsey(1000.0), spec_with())
    assert p1(ramsey(1000.0), spec_with(idle_detuning_errors=[{"qubit": 0, "detuning": 0.0}])) == plain == 0.0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"idle_detuning_errors": [{"qubit": 0, "detuning": 2e5}]}, r"less than or equal to 100000"),
        ({"idle_detuning_errors": [{"qubit": 0, "t2_star": -1.0}]}, r"greater than 0"),
        (
            {
                "idle_relaxation_errors": [{"qubit": 0, "t1": 100.0, "t2": 50.0}],
                "idle_detuning_errors": [{"qubit": 0, "t2_star": 300.0}],
            },
            r"t2_star of qubit 0 must be at most 2·T1 of its idle entry \(200.0 ns\); got 300.0",
        ),
        (
            {"idle_detuning_errors": [{"qubit": 3, "detuning": 1.0}] * 2},
            r"repeats idle_detuning_errors\[0\] \(qubit 3\)",
        ),
    ],
)
def test_a_detuning_entry_outside_the_rules_is_refused_naming_them(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        spec_with(**fields)


def test_the_stabilizer_refuses_a_turning_qubit_and_the_coverage_and_budget_name_detuning() -> None:
    spec = spec_with(
        idle_detuning_errors=[{"qubit": 0, "detuning": 120.0}],
        gate_depolarizing_errors=[{"gate": "sx", "num_qubits": 1, "probability": 0.01}],
    )
    with pytest.raises(SimulationError, match=r"qubit 0 turns \(detuning\) while idle, which is not a Pauli channel"):
        simulate(ramsey(1000.0), spec, seed=1, method="stabilizer", optimization_level=0)
    circuit = ramsey(1000.0)
    rows = noise_coverage(circuit, spec).set_index("instruction")
    assert rows.loc["delay", "channels"] == "detuning"
    assert rows.loc["delay", "infidelity"] == pytest.approx(math.sin(math.pi * 120.0 * 1000.0 * 1e-6) ** 2, abs=1e-12)
    budget = error_budget(circuit, spec, seed=1, optimization_level=0, metric="tvd")
    assert list(budget.by_kind.index) == ["gate", "readout", "relaxation", "detuning", "interaction"]
    assert budget.by_kind.loc["detuning", "alone"] > 0.05


def test_the_detuning_and_idle_factors_scale_delta_and_t2_star() -> None:
    spec = spec_with(
        idle_relaxation_errors=[{"qubit": 0, "t1": 100_000.0, "t2": 80_000.0}],
        idle_detuning_errors=[{"qubit": 0, "detuning": -30.0, "t2_star": 20_000.0}, {"qubit": 1, "detuning": 5.0}],
    )
    doubled = scale_noise(spec, detuning=2, idle=2)
    assert [(e.detuning, e.t2_star) for e in doubled.idle_detuning_errors] == [(-60.0, 10_000.0), (10.0, None)]
    no_idle = scale_noise(spec, idle=0)
    assert [(e.qubit, e.t2_star) for e in no_idle.idle_detuning_errors] == [(0, None), (1, None)]
    assert [e.qubit for e in scale_noise(spec, detuning=0).idle_detuning_errors] == [0]  # only its T2* is left
    assert not scale_noise(spec, detuning=0, idle=0).idle_detuning_errors


def test_exports_say_the_aer_dict_leaves_waits_out_and_classiq_drops_them() -> None:
    spec = spec_with(idle_detuning_errors=[{"qubit": 0, "detuning": 30.0}])
    assert aer_dict_omissions(spec) == [
        "idle_detuning_errors (1 qubit): detuning and T2* while waiting acts on the scheduled circuit's delays, "
        "not in the dict"
    ]
    folded, notes = approximate_for_classiq(spec)
    assert not folded.idle_detuning_errors
    assert notes == ["idle_detuning_errors: dropped (1 qubit; Classiq has no idle channel)"]


@pytest.mark.slow
@pytest.mark.parametrize("backend_name", ["ibmq_manila", "ibm_sherbrooke", "ibm_fez"])
def test_detuning_on_a_scheduled_circuit_matches_rz_gates_after_each_delay_in_aer(backend_name: str) -> None:
    """A Falcon, an Eagle and a Heron derived model with idle noise, plus δ_q = (q mod 7 − 3)·40 kHz on every
    qubit: against the ALAP circuit ``simulate`` ran with Qiskit's ``RZGate(2π·δ·t)`` after each delay and
    from_backend's channels."""
    calibration = load_preset(backend_name)
    derived = derive_noise_spec(calibration)
    detunings = [{"qubit": q, "detuning": ((q % 7) - 3) * 40.0} for q in range(calibration.num_qubits)]
    spec = NoiseSpec.model_validate({**derived.model_dump(mode="json"), "idle_detuning_errors": detunings})
    circuit = QuantumCircuit(3, 3)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.delay(2000, 1, unit="ns")
    circuit.cx(1, 2)
    circuit.h([0, 1, 2])
    circuit.measure([0, 1, 2], [0, 1, 2])
    result = simulate(circuit, spec, calibration=calibration, seed=3, idle_noise=True)
    assert result.method == "density_matrix"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NoiseModel.from_backend(fake_backend(backend_name))

    def turn(operation: Instruction, qubits: tuple[int, ...]) -> np.ndarray | None:
        if operation.name != "delay":
            return None
        detuning = ((qubits[0] % 7) - 3) * 40.0
        return RZGate(2 * math.pi * detuning * delay_nanoseconds(operation) * 1e-6).to_matrix()

    reference = with_exact_channels(result.transpiled, model, turn)
    ours, expected, labels = ours_and_reference(result, reference, lambda qubit: assignment_matrix(spec, qubit))
    assert np.abs(ours - expected).max() < 1e-9
    plain = simulate(circuit, derived, calibration=calibration, seed=3, idle_noise=True)
    assert np.abs(ours - plain.noisy_probabilities.reindex(labels, fill_value=0.0).to_numpy()).max() > 1e-3
