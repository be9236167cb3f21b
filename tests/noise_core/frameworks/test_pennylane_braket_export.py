"""The PennyLane and Braket exports: each framework's own density-matrix simulator gives our exact distribution."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from qiskit import QuantumCircuit

from noise_core import NoiseSpec, derive_noise_spec, simulate
from noise_core.errors import NoiseStudioError
from noise_core.frameworks.braket_program import (
    braket_distribution,
    braket_export,
    braket_program,
    braket_report,
    noisy_circuit,
)
from noise_core.frameworks.kraus import kraus_tables
from noise_core.frameworks.pennylane_model import (
    noise_model_from_document,
    pennylane_distribution,
    pennylane_export_document,
    pennylane_noise_model,
)
from noise_core.simulation.circuits import ghz, qft
from noise_core.simulation.options import RunOptions
from noise_core.simulation.prepare import prepare_simulation
from presets import load_preset

PRESETS = ["ionq_harmony", "ibmq_manila", "google_willow_pink_d7v1", "ibm_sherbrooke", "quantinuum_h1_1"]
"""rxx (IonQ), cx (Falcon), cz (Willow), ecr (Eagle), and a model without relaxation (Quantinuum)."""


def _exact(preset: str, circuit: object) -> tuple[object, dict[str, float]]:
    calibration = load_preset(preset)
    spec = derive_noise_spec(calibration, idle_relaxation=False)
    result = simulate(circuit, spec, calibration=calibration, shots=100, method="density_matrix")  # type: ignore[arg-type]
    assert result.noisy_probabilities is not None
    return (spec, result.transpiled), result.noisy_probabilities.to_dict()


def _max_difference(ours: dict[str, float], theirs: dict[str, float]) -> float:
    return max(abs(ours.get(key, 0.0) - theirs.get(key, 0.0)) for key in set(ours) | set(theirs))


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("circuit", [ghz(4), qft(3)], ids=["ghz4", "qft3"])
def test_pennylanes_default_mixed_gives_our_exact_distribution(preset: str, circuit: object) -> None:
    (spec, transpiled), ours = _exact(preset, circuit)
    model, _report = pennylane_noise_model(spec)  # type: ignore[arg-type]
    assert _max_difference(ours, pennylane_distribution(transpiled, model)) < 1e-9  # type: ignore[arg-type]


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("circuit", [ghz(4), qft(3)], ids=["ghz4", "qft3"])
def test_brakets_local_density_matrix_simulator_gives_our_exact_distribution_waits_included(
    preset: str, circuit: object
) -> None:
    """The whole derived model, idle relaxation after each wait included: Braket's export is of one circuit."""
    calibration = load_preset(preset)
    _braket_parity(calibration, derive_noise_spec(calibration), circuit)


def test_braket_keeps_zz_crosstalk_on_the_schedule() -> None:
    calibration = load_preset("ibm_kingston")
    spec = derive_noise_spec(calibration, zz_crosstalk=True)
    assert spec.zz_crosstalk_errors
    circuit = QuantumCircuit(2, 2)  # a Ramsey fringe on one qubit of a coupled pair, the other in |1⟩
    circuit.x(1)
    circuit.barrier()
    circuit.h(0)
    circuit.delay(20_000, 0, unit="ns")
    circuit.h(0)
    circuit.measure([0, 1], [0, 1])
    pair = spec.zz_crosstalk_errors[0].qubits
    options = RunOptions(seed=3, method="density_matrix", initial_layout=tuple(pair))
    _braket_parity(calibration, spec, circuit, options)
    assert braket_report(spec).by_status("dropped") == ()


def _braket_parity(calibration, spec, circuit, options: RunOptions | None = None) -> None:  # type: ignore[no-untyped-def]
    options = options or RunOptions(seed=7, method="density_matrix")
    prepared = prepare_simulation(circuit, spec, calibration, replace(options, shots=1))
    placed = prepared.placed
    ours = simulate(circuit, spec, calibration=calibration, options=replace(options, shots=10))
    assert ours.noisy_probabilities is not None
    theirs = braket_distribution(
        noisy_circuit(placed, prepared.spec), kraus_tables(prepared.spec), physical=placed.active_qubits
    )
    assert _max_difference(ours.noisy_probabilities.to_dict(), theirs) < 1e-9


def test_the_pennylane_file_reads_back_and_its_readout_matters() -> None:
    (spec, transpiled), ours = _exact("ibmq_manila", ghz(3))
    document = json.loads(json.dumps(pennylane_export_document(spec)))  # type: ignore[arg-type]
    assert document["report"]["framework"] == "PennyLane"
    assert _max_difference(ours, pennylane_distribution(transpiled, noise_model_from_document(document))) < 1e-9  # type: ignore[arg-type]
    document["readout"] = []  # PennyLane's own from_qiskit_noise skips readout; here it is kept, and it shows
    assert _max_difference(ours, pennylane_distribution(transpiled, noise_model_from_document(document))) > 1e-3  # type: ignore[arg-type]


def test_the_braket_file_carries_the_report_and_measures_device_qubits() -> None:
    calibration = load_preset("google_willow_pink_d7v1")
    export = braket_export(ghz(3), derive_noise_spec(calibration), calibration)
    text = export.text()
    assert text.startswith("// Noise Studio export to Amazon Braket. Amazon Braket: entries ")
    assert "// kept exactly: idle_relaxation_errors (105): a kraus pragma after each wait" in text
    for clbit, qubit in enumerate(export.measured):
        assert f"c[{clbit}] = measure ${qubit};" in text
    assert "#pragma braket noise kraus(" in text


def test_a_measured_qubit_used_again_is_refused_by_braket_and_pennylane() -> None:
    circuit = QuantumCircuit(1, 2)
    circuit.measure(0, 0)
    circuit.x(0)
    circuit.measure(0, 1)
    tables = kraus_tables(derive_noise_spec(load_preset("ibmq_manila")))
    with pytest.raises(NoiseStudioError, match=r"the Braket export takes circuits measured at the end only"):
        braket_program(circuit, tables, probabilities=True)
    with pytest.raises(NoiseStudioError, match=r"the PennyLane conversion takes circuits measured at the end only"):
        pennylane_distribution(circuit, None)


def test_outcomes_are_keyed_by_the_classical_bits_written_when_some_are_skipped() -> None:
    """q0 → c0 and q1 → c2 (c1 unwritten): every framework's distribution names the outcome '100'."""
    from noise_core.frameworks.cirq_model import cirq_circuit, cirq_distribution, cirq_noise_model

    circuit = QuantumCircuit(2, 3)
    circuit.x(1)
    circuit.measure(0, 0)
    circuit.measure(1, 2)
    spec = NoiseSpec()
    tables = kraus_tables(spec)
    for distribution in (
        braket_distribution(circuit, tables),
        pennylane_distribution(circuit, pennylane_noise_model(spec)[0]),
        cirq_distribution(cirq_circuit(circuit), cirq_noise_model(spec)[0], 3),
    ):
        assert {key: p for key, p in distribution.items() if p > 1e-12} == pytest.approx({"100": 1.0})
