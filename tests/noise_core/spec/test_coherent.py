"""Coherent errors: the spec's rules, their analytic limits in simulation, scaling, the stabilizer and exports."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError
from qiskit import QuantumCircuit
from qiskit.circuit.library import RXGate, RZGate, RZZGate
from qiskit.quantum_info import Operator, average_gate_fidelity

from noise_core import NoiseSpec, SimulationError, scale_noise, simulate
from noise_core.aer.channels import ChannelIndex
from noise_core.errors import ScalingError
from noise_core.export import approximate_for_classiq, classiq_incompatibilities, to_aer_dict
from noise_core.physics import CoherentRotation
from noise_core.spec.scaling import largest_factor

BASIS = ["x", "sx", "rz", "cz"]


def spec_with(**fields: object) -> NoiseSpec:
    return NoiseSpec.model_validate({"basis_gates": BASIS, **fields})


def exact(circuit: QuantumCircuit, spec: NoiseSpec) -> dict[str, float]:
    """Exact outcome probabilities, the circuit run gate for gate (optimization level 0: no gates merged)."""
    result = simulate(circuit, spec, seed=1, optimization_level=0)
    assert result.method == "density_matrix"
    return result.noisy_probabilities.to_dict()


# --- the spec's rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"gate": "h", "angle": 0.1}, r"gate 'h' has no rotation axis for a coherent error; use one of"),
        ({"gate": "sx", "angle": 4.0}, r"less than or equal to 3.14159"),
        ({"gate": "sx", "angle": 0.1, "phases": [0.1, 0.2]}, r"only two-qubit gates take phases"),
        ({"gate": "cz", "angle": 0.1, "phases": [0.1]}, r"two-qubit gates take \[φ0, φ1\]"),
        ({"gate": "cz", "angle": 0.1, "phases": [0.1, -3.5]}, r"greater than or equal to -3.14159"),
        ({"gate": "sx", "angle": True}, r"valid number"),
    ],
)
def test_a_coherent_entry_outside_the_rules_is_refused_naming_them(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        spec_with(gate_coherent_errors=[entry])


def test_a_local_coherent_entry_needs_the_gates_qubits_once_each() -> None:
    with pytest.raises(ValidationError, match=r"gate 'cz' acts on 2 qubit\(s\); got qubits=\[3\]"):
        spec_with(local_coherent_errors=[{"gate": "cz", "qubits": [3], "angle": 0.1}])
    with pytest.raises(ValidationError, match=r"qubits must be distinct; got \[3, 3\]"):
        spec_with(local_coherent_errors=[{"gate": "cz", "qubits": [3, 3], "angle": 0.1}])
    with pytest.raises(ValidationError, match=r"repeats local_coherent_errors\[0\]"):
        spec_with(local_coherent_errors=[{"gate": "sx", "qubits": [1], "angle": 0.1}] * 2)


def test_the_rotation_matrices_are_qiskits_gates() -> None:
    assert np.allclose(CoherentRotation("x", 0.3).matrix(), RXGate(0.3).to_matrix())
    assert np.allclose(CoherentRotation("z", -0.2).matrix(), RZGate(-0.2).to_matrix())
    two = QuantumCircuit(2)
    two.rzz(0.4, 0, 1)
    two.rz(0.1, 0)
    two.rz(-0.5, 1)
    assert np.allclose(CoherentRotation("zz", 0.4, (0.1, -0.5)).matrix(), Operator(two).data)
    assert np.allclose(CoherentRotation("zz", 0.4).matrix(), RZZGate(0.4).to_matrix())


# --- analytic limits ------------------------------------------------------------------------


@pytest.mark.parametrize("repeats", [1, 7, 40])
@pytest.mark.parametrize("epsilon", [0.05, -0.3])
def test_repeated_x_gates_with_an_over_rotation_follow_sin_squared(repeats: int, epsilon: float) -> None:
    """N X gates, each followed by RX(ε): RX(N(π + ε)) up to a phase, so P(1) = sin²(N(π + ε)/2)."""
    circuit = QuantumCircuit(1, 1)
    for _ in range(repeats):
        circuit.x(0)
    circuit.measure(0, 0)
    probabilities = exact(circuit, spec_with(gate_coherent_errors=[{"gate": "x", "angle": epsilon}]))
    assert probabilities.get("1", 0.0) == pytest.approx(math.sin(repeats * (math.pi + epsilon) / 2) ** 2, abs=1e-12)


@pytest.mark.parametrize("control", [0, 1])
def test_a_cz_with_a_conditional_phase_error_shifts_the_ramsey_phase_by_minus_epsilon(control: int) -> None:
    """|+⟩ next to |b⟩ through CZ·RZZ(ε)·RZ(φ₀): the |+⟩ qubit turns by ε + φ₀ (b = 0) or π − ε + φ₀ (b = 1), so
    after H, P(0) = cos²((ε + φ₀)/2) or sin²((φ₀ − ε)/2)."""
    epsilon, phase = 0.2, 0.07
    circuit = QuantumCircuit(2, 1)
    circuit.h(0)
    if control:
        circuit.x(1)
    circuit.cz(0, 1)
    circuit.h(0)
    circuit.measure(0, 0)
    coherent = [{"gate": "cz", "qubits": [0, 1], "angle": epsilon, "phases": [phase, 0.4]}]
    probabilities = exact(circuit, spec_with(local_coherent_errors=coherent))
    expected = math.cos((epsilon + phase) / 2) ** 2 if control == 0 else math.sin((phase - epsilon) / 2) ** 2
    assert probabilities.get("0", 0.0) == pytest.approx(expected, abs=1e-12)


def test_zero_angles_are_the_identity_and_a_local_zero_cancels_the_all_qubit_error() -> None:
    circuit = QuantumCircuit(2, 2)
    circuit.sx(0)
    circuit.x(1)
    circuit.cz(0, 1)
    circuit.sx(1)
    circuit.measure([0, 1], [0, 1])
    depolarizing = [{"gate": "sx", "num_qubits": 1, "probability": 0.01}]
    plain = exact(circuit, spec_with(gate_depolarizing_errors=depolarizing))
    zero = [{"gate": "sx", "angle": 0.0}, {"gate": "cz", "angle": 0.0, "phases": [0.0, 0.0]}]
    assert exact(circuit, spec_with(gate_depolarizing_errors=depolarizing, gate_coherent_errors=zero)) == plain
    cancelled = spec_with(
        gate_depolarizing_errors=depolarizing,
        gate_coherent_errors=[{"gate": "sx", "angle": 0.3}],
        local_coherent_errors=[
            {"gate": "sx", "qubits": [0], "angle": 0.0},
            {"gate": "sx", "qubits": [1], "angle": 0.0},
        ],
    )
    assert exact(circuit, cancelled) == pytest.approx(plain, abs=1e-15)
    assert exact(circuit, spec_with(gate_coherent_errors=[{"gate": "sx", "angle": 0.3}])) != pytest.approx(plain)


def test_a_placement_names_the_coherent_kind_and_its_fidelity_combines_with_depolarizing() -> None:
    """Process fidelity of RX(ε) alone is cos²(ε/2); after depolarizing λ it is (1 − λ)·cos²(ε/2) + λ/4."""
    epsilon, probability = 0.4, 0.02
    spec = spec_with(
        gate_coherent_errors=[{"gate": "sx", "angle": epsilon}],
        gate_depolarizing_errors=[{"gate": "sx", "num_qubits": 1, "probability": probability}],
    )
    channel = ChannelIndex.of(spec).placement("sx", (0,)).channel
    assert channel is not None and channel.coherent == CoherentRotation("x", epsilon)
    expected = (1 - probability) * math.cos(epsilon / 2) ** 2 + probability / 4
    assert channel.process_fidelity() == pytest.approx(expected, abs=1e-14)
    assert ChannelIndex.of(spec).placement("sx", (0,)).kinds == ("depolarizing", "coherent")


def test_trajectories_sample_the_coherent_distribution() -> None:
    circuit = QuantumCircuit(1, 1)
    for _ in range(9):
        circuit.x(0)
    circuit.measure(0, 0)
    spec = spec_with(gate_coherent_errors=[{"gate": "x", "angle": 0.2}])
    shots = 20_000
    result = simulate(circuit, spec, shots=shots, seed=4, method="trajectories", optimization_level=0)
    expected = math.sin(9 * (math.pi + 0.2) / 2) ** 2
    bound = 5 * math.sqrt(expected * (1 - expected) / shots)  # 5 binomial standard deviations
    assert abs(result.noisy_counts.get("1", 0) / shots - expected) < bound


def test_the_stabilizer_method_is_refused_with_the_reason() -> None:
    circuit = QuantumCircuit(1, 1)
    circuit.x(0)
    circuit.measure(0, 0)
    spec = spec_with(gate_coherent_errors=[{"gate": "x", "angle": 0.2}])
    with pytest.raises(SimulationError, match=r"x on \[0\] has a coherent error, which is not a Pauli channel"):
        simulate(circuit, spec, seed=1, method="stabilizer", optimization_level=0)


# --- scaling ----------------------------------------------------------------------------------


def test_the_coherent_factor_multiplies_angles_and_phases_keeping_their_sign() -> None:
    spec = spec_with(
        gate_coherent_errors=[{"gate": "sx", "angle": -0.5}],
        local_coherent_errors=[{"gate": "cz", "qubits": [0, 1], "angle": 0.25, "phases": [1.0, -0.1]}],
    )
    doubled = scale_noise(spec, coherent=2)
    assert doubled.gate_coherent_errors[0].angle == -1.0
    assert doubled.local_coherent_errors[0].angle == 0.5 and doubled.local_coherent_errors[0].phases == [2.0, -0.2]
    assert not scale_noise(spec, coherent=0).gate_coherent_errors and scale_noise(spec, gate=2) == spec
    assert largest_factor(spec, "coherent") == pytest.approx(math.pi)
    with pytest.raises(ScalingError, match=r"coherent factor 4 would make phase φ0 of gate 'cz' on qubits \[0, 1\]"):
        scale_noise(spec, coherent=4)


# --- exports ----------------------------------------------------------------------------------


def test_exports_keep_the_rotation_for_aer_and_fold_it_for_classiq_at_the_same_average_gate_fidelity() -> None:
    epsilon = 0.3
    spec = spec_with(
        gate_coherent_errors=[{"gate": "sx", "angle": epsilon}],
        local_coherent_errors=[{"gate": "cz", "qubits": [0, 1], "angle": 0.1}],
    )
    assert classiq_incompatibilities(spec) == [
        "gate_coherent_errors[0]: gate_coherent_errors is a local extension for gate 'sx'",
        "local_coherent_errors[0]: local_coherent_errors is a local extension for gate 'cz' on qubits [0, 1]",
    ]
    names = {
        operation["name"] for error in to_aer_dict(spec)["errors"] for c in error["instructions"] for operation in c
    }
    assert "unitary" in names
    folded, notes = approximate_for_classiq(spec)
    assert not classiq_incompatibilities(folded) and len(notes) == 2
    (sx,) = folded.gate_depolarizing_errors
    depolarized = ChannelIndex.of(folded).placement("sx", (0,)).channel
    assert depolarized is not None
    fidelity = average_gate_fidelity(Operator(RXGate(epsilon)))
    assert (2 * depolarized.process_fidelity() + 1) / 3 == pytest.approx(fidelity, abs=1e-12)
    assert sx.probability == pytest.approx(4 / 3 * (1 - math.cos(epsilon / 2) ** 2), abs=1e-12)


# --- the error budget -------------------------------------------------------------------------


def test_the_budget_lists_the_coherent_kind_when_the_circuit_meets_one() -> None:
    from noise_core import error_budget

    circuit = QuantumCircuit(1, 1)
    for _ in range(5):
        circuit.x(0)
    circuit.measure(0, 0)
    depolarizing = [{"gate": "x", "num_qubits": 1, "probability": 0.02}]
    spec = spec_with(gate_depolarizing_errors=depolarizing, gate_coherent_errors=[{"gate": "x", "angle": 0.3}])
    budget = error_budget(circuit, spec, seed=1, optimization_level=0, expected_outcomes={"1"})
    assert list(budget.by_kind.index) == ["gate", "readout", "relaxation", "coherent", "interaction"]
    alone = math.sin(5 * (math.pi + 0.3) / 2) ** 2  # the success probability with the rotation alone
    assert budget.by_kind.loc["coherent", "alone"] == pytest.approx(1 - alone, abs=1e-12)
    plain = error_budget(
        circuit, spec_with(gate_depolarizing_errors=depolarizing), seed=1, optimization_level=0, expected_outcomes={"1"}
    )
    assert "coherent" not in plain.by_kind.index


def test_the_coverage_table_names_the_coherent_kind_and_counts_it_in_the_infidelity() -> None:
    from noise_core import noise_coverage

    circuit = QuantumCircuit(2)
    circuit.sx(0)
    circuit.cz(0, 1)
    spec = spec_with(local_coherent_errors=[{"gate": "cz", "qubits": [0, 1], "angle": 0.2}])
    rows = noise_coverage(circuit, spec).set_index("instruction")
    assert rows.loc["cz", "channels"] == "coherent" and rows.loc["cz", "source"] == "qubit-specific"
    assert rows.loc["cz", "infidelity"] == pytest.approx(math.sin(0.2 / 2) ** 2, abs=1e-12)  # 1 − |Tr RZZ(ε)|²/16
    assert rows.loc["sx", "source"] == "none"
