"""Qubits and couplers a snapshot reports broken: left out of the Target, and named when a circuit does not fit."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from noise_core import NoiseSpec, SimulationError, derive_noise_spec, load_calibration, simulate
from noise_core.simulation import build_target
from noise_core.simulation.circuits import ghz
from noise_core.simulation.placement import place_circuit
from noise_core.simulation.target import broken_parts
from presets import load_preset

MANILA = Path(__file__).parents[3] / "presets" / "snapshots" / "ibmq_manila.json"


@cache
def manila_document() -> dict[str, Any]:
    return json.loads(MANILA.read_text(encoding="utf-8"))


def manila_with(*, broken_gates: tuple[str, ...] = (), qubit: int = 2, couplers: tuple[tuple[int, int], ...] = ()):  # type: ignore[no-untyped-def]
    """ibmq_manila (a line 0-1-2-3-4) with some of qubit's gates, or some couplers, reported broken."""
    document = copy.deepcopy(manila_document())
    for entry in document["gates"]:
        hit = (entry["gate"] in broken_gates and entry["qubits"] == [qubit]) or (
            len(entry["qubits"]) == 2 and tuple(sorted(entry["qubits"])) in couplers
        )
        if hit:
            for parameter in entry["parameters"]:
                if parameter["name"] == "gate_error":
                    parameter["value"] = 1.0
    return load_calibration(document)


def test_a_qubit_with_only_its_virtual_rz_left_is_left_out_whole() -> None:
    device = build_target(manila_with(broken_gates=("id", "sx", "x")))
    assert device.unusable_qubits == (2,)
    on_two = [
        name
        for name in device.target.operation_names
        for qargs in device.target.qargs_for_operation_name(name) or ()
        if 2 in qargs
    ]
    assert on_two == []
    parts = broken_parts(device)
    assert parts.qubits == {2: "every gate reported broken (gate_error = 1)"}
    assert parts.largest_connected == 2


def test_a_qubit_that_keeps_its_sx_stays_usable() -> None:
    device = build_target(manila_with(broken_gates=("x",)))
    assert device.unusable_qubits == ()
    assert broken_parts(device).largest_connected == 5


def test_a_circuit_wider_than_the_usable_part_names_the_broken_qubit_and_what_to_do() -> None:
    calibration = manila_with(broken_gates=("id", "sx", "x"))
    with pytest.raises(
        SimulationError,
        match=r"could not map the circuit onto ibmq_manila: the circuit needs 3 connected qubits, but only 2 of "
        r"ibmq_manila's 5 qubits can be used together\. Cannot be used: qubit 2: every gate reported broken "
        r"\(gate_error = 1\)\. Use a circuit on at most 2 qubits$",
    ):
        simulate(ghz(3), NoiseSpec(), calibration=calibration, shots=10)
    assert simulate(ghz(2), NoiseSpec(), calibration=calibration, shots=10, seed=1).noisy_counts.sum() == 10


def test_broken_couplers_are_named_and_a_qubit_cut_off_by_them_too() -> None:
    calibration = manila_with(couplers=((0, 1), (3, 4)))
    with pytest.raises(SimulationError) as caught:
        simulate(ghz(4), NoiseSpec(), calibration=calibration, shots=10)
    message = str(caught.value)
    assert "qubit 0: every coupler reported broken (gate_error = 1); qubit 4: every coupler reported broken" in message
    assert "couplers 0–1, 3–4: reported broken (gate_error = 1). Use a circuit on at most 3 qubits" in message
    assert "http" not in message


def test_ghz_156_on_pittsburgh_says_qubit_117_is_broken_and_155_fit() -> None:
    calibration = load_preset("ibm_pittsburgh")
    spec = derive_noise_spec(calibration)
    with pytest.raises(SimulationError) as caught:
        simulate(ghz(156), spec, calibration=calibration, shots=10)
    message = str(caught.value)
    assert "qubit 117: every gate reported broken (gate_error = 1)" in message
    assert "only 155 of ibm_pittsburgh's 156 qubits can be used together" in message
    assert message.endswith("Use a circuit on at most 155 qubits")
    assert "BasisTranslator" not in message and "http" not in message
    placed = place_circuit(ghz(155).circuit, spec, calibration, optimization_level=1, seed=3)
    assert len(placed.active_qubits) == 155 and 117 not in placed.active_qubits


def test_a_layout_pinned_to_a_broken_qubit_is_refused_with_the_qubit() -> None:
    calibration = manila_with(broken_gates=("id", "sx", "x"))
    with pytest.raises(SimulationError, match=r"the layout uses qubit 2, whose every gate is reported broken"):
        place_circuit(ghz(2).circuit, NoiseSpec(), calibration, optimization_level=1, seed=1, initial_layout=[2, 3])
