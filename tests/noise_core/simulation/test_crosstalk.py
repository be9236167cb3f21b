"""Static ZZ crosstalk on the schedule: the spec's rules, a conditional Ramsey, the schedule's own start times,
what the stabilizer, coverage, budget, factors and exports do with it, and ξ read from a snapshot."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError
from qiskit import QuantumCircuit

from harness.statistics import tvd_bound
from noise_core import NoiseSpec, SimulationError, derive_noise_spec, error_budget, scale_noise, simulate
from noise_core.export import aer_dict_omissions, approximate_for_classiq, classiq_incompatibilities
from noise_core.simulation.coverage import uncalibrated_couplers, uncovered
from noise_core.simulation.crosstalk import ZZPhaseGate, timed_circuit, zz_totals
from noise_core.simulation.options import RunOptions
from noise_core.simulation.prepare import prepare_simulation
from noise_core.simulation.result import total_variation_distance
from presets import load_preset

MANILA = load_preset("ibmq_manila")  # a line 0–1–2–3–4; sx and x take 35.56 ns
SX_NS = MANILA.gate_length("sx", 0) * 1e9


def zz_spec(*pairs: tuple[int, int, float], **fields: object) -> NoiseSpec:
    entries = [{"qubits": [a, b], "zz": zz} for a, b, zz in pairs]
    return NoiseSpec.model_validate({"zz_crosstalk_errors": entries, **fields})


def conditional_ramsey(wait_ns: float, neighbour_excited: bool) -> QuantumCircuit:
    """Qubit 0: √X, a wait, √X (an X without ZZ); qubit 1 in |1⟩ or |0⟩ throughout (a barrier keeps its X first)."""
    circuit = QuantumCircuit(2, 2)
    if neighbour_excited:
        circuit.x(1)
    circuit.barrier()
    circuit.sx(0)
    circuit.delay(wait_ns, 0, unit="ns")
    circuit.sx(0)
    circuit.barrier()
    circuit.measure([0, 1], [0, 1])
    return circuit


def p1_of_qubit_0(circuit: QuantumCircuit, spec: NoiseSpec) -> float:
    result = simulate(circuit, spec, calibration=MANILA, seed=1, optimization_level=0, initial_layout=[0, 1])
    assert result.method == "density_matrix"
    probabilities = result.noisy_probabilities
    return float(sum(value for label, value in probabilities.items() if label[-1] == "1"))


@pytest.mark.parametrize("wait_ns", [0.0, 1000.0, 4000.0])
@pytest.mark.parametrize("zz_khz", [60.0, -150.0])
def test_a_conditional_ramsey_differs_in_phase_by_two_pi_xi_t(wait_ns: float, zz_khz: float) -> None:
    """With the neighbour in |1⟩ the qubit turns by φ = 2π·ξ·t between the middles of its two √X gates (t = the
    wait + one √X), so P(1) = cos²(φ/2); with the neighbour in |0⟩ nothing turns and P(1) = 1."""
    spec = zz_spec((0, 1, zz_khz))
    phase = 2 * math.pi * zz_khz * (wait_ns + SX_NS) * 1e-6
    assert p1_of_qubit_0(conditional_ramsey(wait_ns, True), spec) == pytest.approx(math.cos(phase / 2) ** 2, abs=1e-12)
    assert p1_of_qubit_0(conditional_ramsey(wait_ns, False), spec) == pytest.approx(1.0, abs=1e-12)


def test_a_zero_coupling_and_a_pair_outside_the_circuit_are_the_identity() -> None:
    circuit = conditional_ramsey(2000.0, True)
    assert p1_of_qubit_0(circuit, zz_spec((0, 1, 0.0), (2, 3, 500.0))) == pytest.approx(1.0, abs=1e-15)


def test_the_order_of_a_pair_does_not_matter_and_phases_add_over_a_wait() -> None:
    forward, backward = zz_spec((0, 1, 80.0)), zz_spec((1, 0, 80.0))
    circuit = conditional_ramsey(1500.0, True)
    assert p1_of_qubit_0(circuit, forward) == pytest.approx(p1_of_qubit_0(circuit, backward), abs=1e-15)


def prepared(circuit: QuantumCircuit, spec: NoiseSpec, layout: tuple[int, ...]):  # type: ignore[no-untyped-def]
    return prepare_simulation(circuit, spec, MANILA, RunOptions(seed=1, optimization_level=0, initial_layout=layout))


def test_the_schedule_start_times_are_qiskits_own() -> None:
    """``scheduled_times`` walks the padded circuit; Qiskit's ``op_start_times`` (its ALAP analysis) agree."""
    circuit = QuantumCircuit(3, 3)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.delay(700, 2, unit="ns")
    circuit.cx(1, 2)
    circuit.measure([0, 1, 2], [0, 1, 2])
    from noise_core.simulation.idle import scheduled_times
    from noise_core.simulation.target import build_target

    placed = prepared(circuit, zz_spec((0, 1, 50.0)), (0, 1, 2)).placed
    ours = [start for start, _duration in scheduled_times(placed.transpiled, build_target(MANILA).target)]
    assert np.allclose(ours, np.array(placed.transpiled.op_start_times) * 1e9, atol=1e-6)


def test_a_pair_picks_up_no_zz_during_its_own_gate_but_a_spectator_pair_does() -> None:
    """X on qubits 0, 1, 2 together, then cx on 0–1, then all measured: from the middle of the X gates to the
    measurements, pair 1–2 (qubit 2 a spectator) accumulates through the cx, pair 0–1 only outside it."""
    circuit = QuantumCircuit(3, 3)
    circuit.x([0, 1, 2])
    circuit.barrier()
    circuit.cx(0, 1)
    circuit.barrier()
    circuit.measure([0, 1, 2], [0, 1, 2])
    setup = prepared(circuit, zz_spec((0, 1, 100.0), (1, 2, 100.0)), (0, 1, 2))
    totals = zz_totals(setup.placed, setup.spec)
    half_x, cx_ns = MANILA.gate_length("x", 0) * 1e9 / 2, MANILA.gate_length("cx", (0, 1)) * 1e9
    assert totals[(1, 2)][1] == pytest.approx(half_x + cx_ns, abs=1e-6)
    assert totals[(0, 1)][1] == pytest.approx(half_x, abs=1e-6)
    assert totals[(1, 2)][0] == pytest.approx(
        math.remainder(2 * math.pi * 100.0 * (half_x + cx_ns) * 1e-6, 2 * math.pi)
    )
    timed = timed_circuit(setup.placed, setup.spec)
    assert sum(isinstance(item.operation, ZZPhaseGate) for item in timed.data) >= 2
    first_measurement = next(index for index, item in enumerate(timed.data) if item.name == "measure")
    assert all(item.name == "measure" for item in timed.data[first_measurement:])  # no phase after a measurement


def test_the_stabilizer_method_is_refused_and_coverage_and_budget_name_crosstalk() -> None:
    circuit = conditional_ramsey(3000.0, True)
    spec = zz_spec((0, 1, 120.0), gate_depolarizing_errors=[{"gate": "sx", "num_qubits": 1, "probability": 0.01}])
    with pytest.raises(SimulationError, match=r"qubits \[0, 1\] pick up a ZZ crosstalk phase .* not a Clifford gate"):
        simulate(circuit, spec, calibration=MANILA, seed=1, method="stabilizer", optimization_level=0)
    setup = prepared(circuit, spec, (0, 1))
    row = setup.coverage.set_index("instruction").loc["zz"]
    phase = 2 * math.pi * 120.0 * row["idle_ns"] * 1e-6
    assert row["qubits"] == "0,1" and row["source"] == "crosstalk" and row["count"] == 1
    assert row["infidelity"] == pytest.approx(3 * (1 - math.cos(phase)) / 8, abs=1e-12)
    assert uncalibrated_couplers(setup.coverage).empty  # a pair is not a two-qubit gate
    assert "zz" not in set(uncovered(setup.coverage)["instruction"])
    budget = error_budget(
        circuit, spec, calibration=MANILA, seed=1, optimization_level=0, initial_layout=[0, 1], metric="tvd"
    )
    assert list(budget.by_kind.index) == ["gate", "readout", "relaxation", "crosstalk", "interaction"]
    assert budget.by_kind.loc["crosstalk", "alone"] > 0.05
    coupler = budget.by_location.set_index("location").loc["q0–q1", "loss"]
    assert coupler == pytest.approx(budget.by_kind.loc["crosstalk", "removed"], abs=1e-12)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"zz_crosstalk_errors": [{"qubits": [3, 3], "zz": 1.0}]},
            r"a ZZ pair needs two different qubits; got \[3, 3\]",
        ),
        ({"zz_crosstalk_errors": [{"qubits": [0, 1], "zz": 2e4}]}, r"less than or equal to 10000"),
        (
            {"zz_crosstalk_errors": [{"qubits": [0, 1], "zz": 1.0}, {"qubits": [1, 0], "zz": 2.0}]},
            r"repeats zz_crosstalk_errors\[0\] \(qubits \[0, 1\]\)",
        ),
    ],
)
def test_a_zz_entry_outside_the_rules_is_refused_naming_them(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        NoiseSpec.model_validate(fields)


def test_the_crosstalk_factor_scales_xi_with_its_sign_and_zero_removes_it() -> None:
    spec = zz_spec((0, 1, -40.0), (2, 3, 10.0))
    assert [entry.zz for entry in scale_noise(spec, crosstalk=2.5).zz_crosstalk_errors] == [-100.0, 25.0]
    assert not scale_noise(spec, crosstalk=0).zz_crosstalk_errors
    assert not simulate_spec_without_idle(spec).zz_crosstalk_errors


def simulate_spec_without_idle(spec: NoiseSpec) -> NoiseSpec:
    return prepare_simulation(
        conditional_ramsey(100.0, True), spec, MANILA, RunOptions(seed=1, idle_noise=False, optimization_level=0)
    ).spec


def test_exports_say_the_aer_dict_and_classiq_leave_crosstalk_out() -> None:
    spec = zz_spec((0, 1, 30.0), (1, 2, 20.0))
    assert aer_dict_omissions(spec) == [
        "zz_crosstalk_errors (2 pairs): ZZ crosstalk acts over the scheduled circuit's time, not in the dict"
    ]
    assert classiq_incompatibilities(spec)[0] == (
        "zz_crosstalk_errors[0]: zz_crosstalk_errors is a local extension for qubits [0, 1]"
    )
    folded, notes = approximate_for_classiq(spec)
    assert not folded.zz_crosstalk_errors
    assert notes == ["zz_crosstalk_errors: dropped (2 pairs; Classiq has no crosstalk channel)"]


def test_derive_reads_xi_from_the_snapshots_zz_entries_by_coupler_and_says_so() -> None:
    """ibmq_manila reports zz_01 … zz_34 in GHz; ibm_algiers names pairs like zz_1213 (12–13, not 1–213)."""
    manila = derive_noise_spec(MANILA, zz_crosstalk=True)
    general = {record.name: record.value for record in MANILA.document.general}
    assert {entry.pair: entry.zz for entry in manila.zz_crosstalk_errors} == pytest.approx(
        {(a, a + 1): general[f"zz_{a}{a + 1}"] * 1e6 for a in range(4)}
    )
    finding = next(f for f in manila.provenance.findings if f.kind == "zz_reported")
    assert "general zz_ab entries (GHz) give 4 couplers ZZ ≠ 0" in finding.action
    assert manila.provenance.options.overrides() == ["ZZ crosstalk from the snapshot"]
    algiers = derive_noise_spec(load_preset("ibm_algiers"), zz_crosstalk=True)
    assert (12, 13) in {entry.pair for entry in algiers.zz_crosstalk_errors}
    assert not derive_noise_spec(MANILA).zz_crosstalk_errors  # from_backend's model has none


def test_trajectories_sample_the_same_zz_physics_within_the_shot_bound() -> None:
    """A 4-qubit circuit with spectator and gate pairs under the derived model plus ZZ on every coupler: the
    trajectories' counts sit within the shot-noise bound of the exact distribution, and without ZZ they do not."""
    circuit = QuantumCircuit(4, 4)
    circuit.h([0, 2])
    circuit.cx(0, 1)
    circuit.delay(3000, 2, unit="ns")
    circuit.sx([1, 2, 3])
    circuit.measure(range(4), range(4))
    derived = derive_noise_spec(MANILA)
    zz = [{"qubits": [a, a + 1], "zz": 400.0} for a in range(4)]
    spec = NoiseSpec.model_validate({**derived.model_dump(mode="json"), "zz_crosstalk_errors": zz})
    run = {"calibration": MANILA, "seed": 4, "initial_layout": [0, 1, 2, 3], "optimization_level": 1}
    exact = simulate(circuit, spec, **run, method="density_matrix").noisy_probabilities
    shots = 20_000
    sampled = simulate(circuit, spec, **run, method="trajectories", shots=shots).noisy_counts / shots
    bound = tvd_bound(16, shots)
    assert total_variation_distance(exact, sampled) < bound
    plain = simulate(circuit, derived, **run, method="density_matrix").noisy_probabilities
    assert total_variation_distance(plain, sampled) > bound
