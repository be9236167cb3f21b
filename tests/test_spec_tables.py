"""Spec ⇄ editable tables: exact round trips, problems tied to rows, and what differs from derived."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from components.spec_tables import SpecEditError, entry_label, spec_from_tables, tables_from_spec
from components.table_changes import changes_from_derived, row_status
from noise_core import NoiseSpec, derive_noise_spec
from presets import load_preset


@cache
def derived(name: str) -> NoiseSpec:
    return derive_noise_spec(load_preset(name))


def entries(spec: NoiseSpec) -> dict:
    return {
        field: sorted(map(str, value)) if isinstance(value, list) else value
        for field, value in spec.model_dump().items()
    }


@pytest.mark.parametrize("name", ["ibmq_manila", "ibm_pittsburgh"])
def test_a_derived_spec_survives_the_tables_exactly(name: str) -> None:
    spec = derived(name)
    assert entries(spec_from_tables(tables_from_spec(spec), spec)) == entries(spec)


def test_every_kind_of_entry_round_trips() -> None:
    spec = NoiseSpec(
        gate_depolarizing_errors=[{"gate": "cx", "num_qubits": 2, "probability": 0.02}],
        gate_pauli_errors=[
            {
                "gate": "sx",
                "num_qubits": 1,
                "pauli_terms": [{"pauli": "I", "probability": 0.97}, {"pauli": "Z", "probability": 0.03}],
            }
        ],
        gate_thermal_relaxation_errors=[{"gate": "sx", "t1": 5e4, "t2": 4e4, "time": 35.0}],
        local_pauli_errors=[
            {
                "gate": "cx",
                "qubits": [0, 1],
                "pauli_terms": [{"pauli": "II", "probability": 0.9}, {"pauli": "XZ", "probability": 0.1}],
            }
        ],
        local_thermal_relaxation_errors=[
            {
                "gate": "cx",
                "qubits": [0, 1],
                "relaxations": [{"t1": None, "t2": None, "time": 300.0}, {"t1": 6e4, "t2": 5e4, "time": 300.0}],
            }
        ],
        readout_bit_flip_probability=0.01,
    )
    tables = tables_from_spec(spec)
    assert tables["qubit_specific"].loc[0, "t1"] == "inf, 60000.0"
    assert tables["all_qubit"].set_index("gate").loc["sx", "pauli"] == "Z:0.03"
    assert entries(spec_from_tables(tables, spec)) == entries(spec)


def test_pauli_terms_without_the_identity_leave_it_the_rest() -> None:
    tables = tables_from_spec(NoiseSpec())
    tables["all_qubit"] = pd.DataFrame([{"gate": "x", "num_qubits": 1, "pauli": "X:0.1, Z:0.2"}])
    spec = spec_from_tables(tables, NoiseSpec())
    terms = {term.pauli: term.probability for term in spec.gate_pauli_errors[0].pauli_terms}
    assert terms == pytest.approx({"I": 0.7, "X": 0.1, "Z": 0.2})


@pytest.mark.parametrize(
    ("table", "row", "message"),
    [
        (
            "qubit_specific",
            {"gate": "cz", "qubits": "3;4", "depolarizing": 0.1},
            r"qubit-specific row 1 \(cz on 3;4\): qubits are written like '3' or '3,4'",
        ),
        (
            "qubit_specific",
            {"gate": "cz", "qubits": "3,4", "t1": "5e4", "t2": "4e4", "time": "1, 2, 3"},
            r"time needs one value per qubit \(2\)",
        ),
        (
            "qubit_specific",
            {"gate": "cz", "qubits": "3,4", "depolarizing": 1.2},
            r"probability must be at most 4\^n/\(4\^n-1\) = 1.0666666666666667 for num_qubits=2; got 1.2 \[rule: depolarizing_limit\]",
        ),
        (
            "all_qubit",
            {"gate": "x", "num_qubits": 1, "pauli": "X:0.7, Z:0.6"},
            r"all-qubit row 1 \(x\): Pauli terms sum to 1.3 > 1",
        ),
        (
            "all_qubit",
            {"gate": "x", "num_qubits": 1, "pauli": "X=0.1"},
            r"Pauli terms are written like 'X:0.01, Z:0.02'; could not read 'X=0.1'",
        ),
        (
            "readout",
            {"qubit": 2, "p1_given_0": 1.5, "p0_given_1": 0.1},
            r"readout row 1 \(qubit 2\): assignment_probabilities",
        ),
    ],
)
def test_problems_name_the_table_row_field_and_rule(table: str, row: dict, message: str) -> None:
    tables = tables_from_spec(NoiseSpec())
    tables[table] = pd.DataFrame([row], columns=tables[table].columns)
    with pytest.raises(SpecEditError, match=message):
        spec_from_tables(tables, NoiseSpec())


def test_row_status_and_the_changes_list_compare_with_the_derived_tables() -> None:
    derived_tables = tables_from_spec(derived("ibmq_manila"))
    reference = derived_tables["qubit_specific"]
    edited = reference.copy()
    edited.loc[0, "depolarizing"] = 0.5
    edited = edited.drop(index=3)
    added = pd.DataFrame([{"gate": "cx", "qubits": "0,4", "depolarizing": 0.1}], columns=edited.columns)
    edited = pd.concat([edited, added], ignore_index=True)
    status = row_status(edited, reference, "qubit_specific")
    assert status.iloc[0] == "edited" and status.iloc[-1] == "added"
    assert (status.iloc[1:-1] == "calibration").all()
    gate, qubits = reference.loc[3, ["gate", "qubits"]]
    changes = changes_from_derived({**derived_tables, "qubit_specific": edited}, derived_tables)
    assert list(changes.itertuples(index=False, name=None)) == [
        ("qubit_specific", entry_label("qubit_specific", reference.loc[0]), "edited"),
        ("qubit_specific", "cx on 0,4", "added"),
        ("qubit_specific", f"{gate} on {qubits}", "removed"),
    ]
