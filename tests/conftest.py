"""Shared fixtures and documents: real snapshots, a minimal valid snapshot, Classiq's example spec."""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import qiskit_ibm_runtime.fake_provider as fake_provider
from streamlit.testing.v1 import AppTest

# The tests (and the app servers they start, which inherit the environment) never touch the user's own workspace:
# every run gets a fresh SQLite file of its own.
os.environ["NOISE_STUDIO_DATABASE_URL"] = (
    f"sqlite:///{tempfile.mkdtemp(prefix='noise-studio-tests-')}/workspace.sqlite3"
)

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


def classiq_combining_channels() -> dict[str, Any]:
    """Classiq's documented "Combining channels" ``ClassiqSimulatorNoiseSpecification``, every field spelled out."""
    return {
        "basis_gates": ["id", "rz", "sx", "cx", "x"],
        "gate_depolarizing_errors": [{"gate": "x", "probability": 0.001, "num_qubits": 1}],
        "local_depolarizing_errors": [{"gate": "cx", "num_qubits": 2, "probability": 0.02, "qubits": [0, 1]}],
        "gate_pauli_errors": [
            {
                "gate": "h",
                "num_qubits": 1,
                "pauli_terms": [{"pauli": "I", "probability": 0.99}, {"pauli": "Z", "probability": 0.01}],
            }
        ],
        "gate_thermal_relaxation_errors": [
            {"gate": "sx", "t1": 60000.0, "t2": 20000.0, "time": 100.0, "excited_state_population": 0.0}
        ],
        "readout_bit_flip_probability": None,
        "readout_assignment_probabilities": [[0.98, 0.02], [0.03, 0.97]],
        "local_readout_errors": [{"qubit": 0, "assignment_probabilities": [[0.9, 0.1], [0.15, 0.85]]}],
    }


def classiq_example_with_local_extensions() -> dict[str, Any]:
    """Classiq's example plus one entry of each local extension (local Pauli, local thermal relaxation)."""
    return {
        **classiq_combining_channels(),
        "local_pauli_errors": [
            {
                "gate": "cz",
                "qubits": [1, 2],
                "pauli_terms": [{"pauli": "II", "probability": 0.97}, {"pauli": "ZZ", "probability": 0.03}],
            }
        ],
        "local_thermal_relaxation_errors": [
            {
                "gate": "cx",
                "qubits": [0, 1],
                "relaxations": [
                    {"t1": 100_000.0, "t2": 80_000.0, "time": 300.0},
                    {"t1": 90_000.0, "t2": 150_000.0, "time": 300.0, "excited_state_population": 0.01},
                ],
            }
        ],
    }


@pytest.fixture
def app() -> AppTest:
    """The app run once on its default view (``tests.apptest.started_app``)."""
    from tests.apptest import started_app

    return started_app()
