"""Shared fixtures: real snapshots from qiskit-ibm-runtime and a minimal valid snapshot dict."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import qiskit_ibm_runtime.fake_provider as fake_provider

REAL_SNAPSHOTS = sorted((Path(fake_provider.__file__).parent / "backends").glob("*/props_*.json"))
DATE = "2024-05-01T10:00:00+00:00"


def nduv(name: str, value: Any, unit: str = "", date: str = DATE) -> dict[str, Any]:
    return {"date": date, "name": name, "unit": unit, "value": value}


def minimal_snapshot() -> dict[str, Any]:
    """Two healthy qubits and a cx between them: loads with no findings."""
    qubit = [
        nduv("T1", 100.0, "us"),
        nduv("T2", 80.0, "us"),
        nduv("frequency", 5.0, "GHz"),
        nduv("readout_error", 0.02),
        nduv("prob_meas0_prep1", 0.03),
        nduv("prob_meas1_prep0", 0.01),
        nduv("readout_length", 800, "ns"),
    ]
    gate_1q = [nduv("gate_error", 3e-4), nduv("gate_length", 35.5, "ns")]
    return {
        "backend_name": "fake_two",
        "backend_version": "1.0.0",
        "last_update_date": DATE,
        "qubits": [copy.deepcopy(qubit), copy.deepcopy(qubit)],
        "gates": [
            {"qubits": [0], "gate": "sx", "parameters": copy.deepcopy(gate_1q), "name": "sx0"},
            {"qubits": [1], "gate": "sx", "parameters": copy.deepcopy(gate_1q), "name": "sx1"},
            {"qubits": [0, 1], "gate": "cx", "parameters": [nduv("gate_error", 0.01), nduv("gate_length", 300, "ns")]},
        ],
        "general": [],
    }


@pytest.fixture
def snapshot() -> dict[str, Any]:
    return minimal_snapshot()
