"""Spec ⇄ editable tables: exact round trips under rounded display, problems in the user's terms, changes from derived."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from components.logic.cells import EXACT, entry_label, humane
from components.logic.spec_tables import tables_from_spec
from components.logic.table_changes import changes_from_derived, row_status, rows_matching, summarize_changes
from components.logic.table_parsing import SpecEditError, spec_from_tables, spec_with_row
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
    again = spec_from_tables(tables_from_spec(spec), spec)
    assert again == spec
    assert again.model_dump_json() == spec.model_dump_json()  # same order too: the same cache keys


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (66842.29367276978, "66842"),
        (66.84229367276978, "66.84"),
        (88.00000000000001, "88"),
        (0.00390625, "0.003906"),
        (0.000123456, "1.235e-04"),
        (1400.0, "1400"),
        (0.0, "0"),
        (-2.5, "-2.5"),
    ],
)
def test_numbers_are_shown_with_about_four_significant_digits(value: float, text: str) -> None:
    assert humane(value) == text


def test_times_are_shown_in_microseconds_and_nanoseconds_with_four_digits() -> None:
    tables = tables_from_spec(derived("ibm_pittsburgh"))
    row = tables["qubit_specific"].iloc[0]
    assert (row["gate"], row["qubits"], row["t1"], row["t2"], row["time"]) == ("id", "0", "66.84", "112.4", "32")
    shown = tables["qubit_specific"].drop(columns=[EXACT])
    longest = max(len(part) for column in ("t1", "t2", "time") for text in shown[column] for part in text.split(", "))
    assert longest <= 6


def test_an_untouched_row_keeps_its_exact_values_while_an_edited_one_takes_the_typed_value() -> None:
    spec = derived("ibm_pittsburgh")
    tables = tables_from_spec(spec)
    table = tables["qubit_specific"].astype(object)
    table.loc[0, "t1"] = "80"  # was shown as 66.84 (µs), exactly 66842.29367276978 ns
    table.loc[1, "t1"] = table.loc[1, "t1"]  # typed again as shown: still exact
    tables["qubit_specific"] = table
    edited = spec_from_tables(tables, spec)
    assert edited.local_thermal_relaxation_errors[0].relaxations[0].t1 == 80_000.0
    assert edited.local_thermal_relaxation_errors[1:] == spec.local_thermal_relaxation_errors[1:]
    assert edited.local_depolarizing_errors == spec.local_depolarizing_errors


@pytest.mark.parametrize("typed", ["0.003906", " 0.0039060 ", "3.906e-3"])
def test_a_probability_retyped_as_the_number_shown_reads_back_exactly(typed: str) -> None:
    """Every cell is text; one retyped as the number it shows is no edit (0.003906 stays 0.00390625)."""
    spec = derived("ibm_pittsburgh")
    tables = tables_from_spec(spec)
    assert tables["readout"].loc[113, "p1_given_0"] == "0.003906"
    tables["readout"].loc[113, "p1_given_0"] = typed
    tables["qubit_specific"].loc[0, "depolarizing"] = str(tables["qubit_specific"].loc[0, "depolarizing"])
    assert spec_from_tables(tables, spec) == spec
    assert spec_with_row(spec, "readout", tables["readout"].loc[113].to_dict()) == spec


@pytest.mark.parametrize(
    ("table_name", "position", "changes"),
    [
        ("readout", 113, {"p1_given_0": "0.3"}),
        ("qubit_specific", 5, {"t1": "200", "depolarizing": "0.002"}),
        ("qubit_specific", 7, {"depolarizing": None, "t1": None, "t2": None, "time": None, "excited": None}),
    ],
)
def test_one_row_spliced_in_equals_the_whole_tables_read_back(table_name: str, position: int, changes: dict) -> None:
    """The form's fast path (one row) and the editors' path (every table) give the same spec."""
    spec = derived("ibm_pittsburgh")
    tables = {name: table.astype(object) for name, table in tables_from_spec(spec).items()}
    for column, value in changes.items():
        tables[table_name].loc[position, column] = value
    row = tables[table_name].loc[position].to_dict()
    assert spec_with_row(spec, table_name, row) == spec_from_tables(tables, spec)


def test_one_row_spliced_in_reports_a_wrong_field_as_the_tables_do() -> None:
    spec = derived("ibm_pittsburgh")
    row = {**tables_from_spec(spec)["readout"].loc[113].to_dict(), "p1_given_0": "2"}
    with pytest.raises(SpecEditError) as caught:
        spec_with_row(spec, "readout", row)
    assert caught.value.problems == ["readout of qubit 113: P(1|0) must be between 0 and 1; got 2"]


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
    assert tables["qubit_specific"].loc[0, "t1"] == "inf, 60"
    assert tables["all_qubit"].set_index("gate").loc["sx", ["pauli", "t1", "time"]].tolist() == ["Z:0.03", "50", "35"]
    assert spec_from_tables(tables, spec) == spec


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
            "readout",
            {"qubit": 113, "p1_given_0": 2.0, "p0_given_1": 0.1},
            "readout of qubit 113: P(1|0) must be between 0 and 1; got 2",
        ),
        (
            "readout",
            {"qubit": 2, "p1_given_0": 0.1, "p0_given_1": "often"},
            "readout of qubit 2: P(0|1) must be a number; got 'often'",
        ),
        (
            "qubit_specific",
            {"gate": "cz", "qubits": "3;4", "depolarizing": 0.1},
            "cz on qubits 3;4: qubits are written like '3' or '3,4' (non-negative integers); got '3;4'",
        ),
        (
            "qubit_specific",
            {"gate": "cz", "qubits": "3,3", "depolarizing": 0.1},
            "cz on qubits 3,3: qubits must be distinct; got 3,3",
        ),
        (
            "qubit_specific",
            {"gate": "cz", "qubits": "3,4", "depolarizing": 1.2},
            "cz on qubits 3,4: depolarizing λ must be between 0 and 1.06667 (4ⁿ/(4ⁿ−1) for 2 qubits); got 1.2",
        ),
        (
            "qubit_specific",
            {"gate": "sx", "qubits": "3", "pauli": "XX:0.1"},
            "sx on qubit 3: Pauli terms need 1 letter(s) per term, one per qubit; got 'XX'",
        ),
        (
            "qubit_specific",
            {"gate": "cz", "qubits": "3,4", "t1": "50", "t2": "40", "time": "1, 2, 3"},
            "cz on qubits 3,4: gate time (ns) needs one value per qubit (2), e.g. '52.1, 61.3'; got '1, 2, 3'",
        ),
        (
            "qubit_specific",
            {"gate": "cz", "qubits": "3,4", "t1": "50, 60", "t2": "40, 130", "time": "68"},
            "cz on qubits 3,4: T2 (µs) must be at most 2·T1 = 120 on qubit 4; got 130",
        ),
        (
            "qubit_specific",
            {"gate": "x", "qubits": "5", "t1": "-3", "t2": "40", "time": "68"},
            "x on qubit 5: T1 (µs) must be a positive number of µs; got '-3'",
        ),
        (
            "qubit_specific",
            {"gate": "x", "qubits": "5", "t1": "50", "t2": "40", "time": "68", "excited": "1.5"},
            "x on qubit 5: excited pop. must be between 0 and 1; got '1.5'",
        ),
        (
            "qubit_specific",
            {"gate": "x", "qubits": "5", "t2": "40", "time": "68"},
            "x on qubit 5: T1 (µs) is empty; enter a positive number of µs",
        ),
        (
            "all_qubit",
            {"gate": "x", "num_qubits": 1, "pauli": "X:0.7, Z:0.6"},
            "x on every qubit: Pauli terms sum to 1.3 > 1; lower them (the identity takes the rest)",
        ),
        (
            "all_qubit",
            {"gate": "x", "num_qubits": 1, "pauli": "X=0.1"},
            "x on every qubit: Pauli terms are written like 'X:0.01, Z:0.02' (probabilities 0 to 1); got 'X=0.1'",
        ),
        (
            "all_qubit",
            {"gate": "x", "num_qubits": 1, "t1": "inf", "t2": "40", "time": "35"},
            "x on every qubit: T1 (µs) must be a positive number of µs (inf is for qubit-specific rows); got 'inf'",
        ),
        (
            "all_qubit",
            {"gate": "x", "num_qubits": 1.5, "depolarizing": 0.1},
            "x on every qubit: qubits (n) must be a whole number; got 1.5",
        ),
        (
            "all_qubit",
            {"gate": None, "num_qubits": 1, "depolarizing": 0.1},
            "new all-qubit row 1: gate is empty; enter a gate name such as 'sx' or 'cz'",
        ),
    ],
)
def test_one_problem_per_wrong_field_names_the_entry_and_the_column_as_labelled(
    table: str, row: dict, message: str
) -> None:
    tables = tables_from_spec(NoiseSpec())
    tables[table] = pd.DataFrame([row], columns=tables[table].columns)
    with pytest.raises(SpecEditError) as caught:
        spec_from_tables(tables, NoiseSpec())
    assert caught.value.problems == [message]


def test_each_wrong_field_of_a_row_is_reported_once() -> None:
    tables = tables_from_spec(NoiseSpec())
    tables["qubit_specific"] = pd.DataFrame(
        [{"gate": "cz", "qubits": "3,4", "depolarizing": 2.0, "pauli": "XX:2", "t1": "x", "t2": "40", "time": "-1"}],
        columns=tables["qubit_specific"].columns,
    )
    with pytest.raises(SpecEditError) as caught:
        spec_from_tables(tables, NoiseSpec())
    assert [problem.split(": ")[1].split(" ")[0] for problem in caught.value.problems] == [
        "depolarizing",
        "Pauli",
        "T1",
        "gate",
    ]
    assert all(problem.startswith("cz on qubits 3,4: ") for problem in caught.value.problems)


def test_a_readout_probability_out_of_range_is_one_problem_in_the_users_terms() -> None:
    spec = derived("ibm_pittsburgh")
    tables = tables_from_spec(spec)
    tables["readout"].loc[113, "p1_given_0"] = "2"  # text, as the browser sends it
    with pytest.raises(SpecEditError) as caught:
        spec_from_tables(tables, spec)
    assert caught.value.problems == ["readout of qubit 113: P(1|0) must be between 0 and 1; got 2"]


def test_a_row_listed_twice_and_rules_of_the_whole_spec_name_the_rows() -> None:
    tables = tables_from_spec(NoiseSpec())
    tables["qubit_specific"] = pd.DataFrame(
        [{"gate": "cz", "qubits": "3,4", "depolarizing": 0.1}, {"gate": "cz", "qubits": "3, 4", "depolarizing": 0.2}],
        columns=tables["qubit_specific"].columns,
    )
    with pytest.raises(SpecEditError, match=r"^cz on qubits 3, 4: listed twice \(rows 1 and 2\); keep one$"):
        spec_from_tables(tables, NoiseSpec())
    tables["qubit_specific"] = pd.DataFrame(
        [{"gate": "cz", "qubits": "3", "depolarizing": 0.1}], columns=tables["qubit_specific"].columns
    )
    with pytest.raises(SpecEditError, match=r"^cz on qubit 3: qubits must list 2 qubits for cz; got 1$"):
        spec_from_tables(tables, NoiseSpec())
    tables["qubit_specific"] = pd.DataFrame(
        [
            {"gate": "mygate", "qubits": "3", "depolarizing": 0.1},
            {"gate": "mygate", "qubits": "3,4", "depolarizing": 0.1},
        ],
        columns=tables["qubit_specific"].columns,
    )
    with pytest.raises(
        SpecEditError,
        match=r"^mygate on qubits 3,4: gate 'mygate' acts on 2 qubit\(s\) in .* but on 1 in mygate on qubit 3$",
    ):
        spec_from_tables(tables, NoiseSpec())


def test_row_status_and_the_changes_list_compare_with_the_derived_tables() -> None:
    derived_tables = tables_from_spec(derived("ibmq_manila"))
    reference = derived_tables["qubit_specific"]
    edited = reference.copy()
    edited.loc[0, "depolarizing"] = "0.5"
    edited = edited.drop(index=3)
    added = pd.DataFrame([{"gate": "cx", "qubits": "0,4", "depolarizing": 0.1}], columns=edited.columns)
    edited = pd.concat([edited, added], ignore_index=True)
    status = row_status(edited, reference, "qubit_specific")
    assert status.iloc[0] == "edited" and status.iloc[-1] == "added"
    assert (status.iloc[1:-1] == "calibration").all()
    gate, qubits = reference.loc[3, ["gate", "qubits"]]
    changes = changes_from_derived({**derived_tables, "qubit_specific": edited}, derived_tables)
    old = reference.loc[0, "depolarizing"]  # the text the editor shows
    assert list(changes[["table", "entry", "change", "values"]].itertuples(index=False, name=None)) == [
        ("qubit_specific", entry_label("qubit_specific", reference.loc[0]), "edited", f"depolarizing λ {old} → 0.5"),
        ("qubit_specific", "cx on 0,4", "added", "depolarizing λ 0.1"),
        ("qubit_specific", f"{gate} on {qubits}", "removed", ""),
    ]


def test_the_changes_show_old_and_new_values_in_the_editors_units() -> None:
    spec = derived("ibm_pittsburgh")
    reference = tables_from_spec(spec)
    tables = {name: table.copy() for name, table in reference.items()}
    tables["readout"].loc[113, "p1_given_0"] = "0.3"
    tables["qubit_specific"] = tables["qubit_specific"].astype(object)
    tables["qubit_specific"].loc[0, "t1"] = "80"
    tables["qubit_specific"].loc[1, "t1"] = "310.6755"  # shown as 310.7 both before and after
    edited = tables_from_spec(spec_from_tables(tables, spec))
    changes = changes_from_derived(edited, reference).set_index("entry")["values"].to_dict()
    p10 = reference["readout"].loc[113, "p1_given_0"]
    assert changes == {
        "id on 0": "T1 (µs) 66.84 → 80",
        "id on 1": "T1 (µs) 310.6755289 → 310.6755",
        "qubit 113": f"P(1|0) {p10} → 0.3",
    }


def test_starting_from_scratch_is_summarized_by_counts() -> None:
    changes = changes_from_derived(tables_from_spec(NoiseSpec()), tables_from_spec(derived("ibm_pittsburgh")))
    assert summarize_changes(changes) == ["1,796 entries removed: 1,484 qubit-specific, 156 readout, 156 idle"]
    assert summarize_changes(changes.head(1)) == ["1 entry removed: 1 qubit-specific"]


def test_the_idle_table_edits_idle_relaxation_in_µs_and_explains_a_broken_t2() -> None:
    spec = derive_noise_spec(load_preset("ibmq_manila"))
    tables = tables_from_spec(spec)
    assert list(tables["idle"]["qubit"]) == ["0", "1", "2", "3", "4"]
    assert spec_from_tables(tables, spec) == spec  # shown rounded, read back exactly
    edited = {**tables, "idle": tables["idle"].assign(t1=["50", *tables["idle"]["t1"][1:]], t2="inf")}
    with pytest.raises(SpecEditError, match=r"waits of qubit 0: T2 \(µs\) must be at most 2·T1 = 100; got inf"):
        spec_from_tables(edited, spec)
    edited["idle"].loc[0, "t2"] = "80"
    changed = spec_from_tables({**edited, "idle": edited["idle"].iloc[:1]}, spec)
    assert [(e.qubit, e.t1, e.t2) for e in changed.idle_relaxation_errors] == [(0, 50_000.0, 80_000.0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("113 cz", {("cz", "113,114"), ("cz", "112,113")}),  # both terms: cz entries on 113 (AND)
        ("113, cz", {("cz", "113,114"), ("cz", "112,113")}),
        ("113", {("cz", "113,114"), ("cz", "112,113"), ("sx", "113")}),
        ("113 114", {("cz", "113,114"), ("cz", "112,113"), ("sx", "113"), ("sx", "114")}),  # qubits: either
        ("sx;cz 114", {("cz", "113,114"), ("sx", "114")}),  # gates: either
        ("", {("cz", "113,114"), ("cz", "112,113"), ("sx", "113"), ("sx", "114"), ("sx", "5")}),
    ],
)
def test_the_filter_combines_qubits_and_gates_and_lists_alternatives_of_each(text: str, expected: set) -> None:
    table = pd.DataFrame(
        [("cz", "113,114"), ("cz", "112,113"), ("sx", "113"), ("sx", "114"), ("sx", "5")], columns=["gate", "qubits"]
    )
    matched = table[rows_matching(table, "qubit_specific", text)]
    assert set(matched.itertuples(index=False, name=None)) == expected
    readout = pd.DataFrame({"qubit": ["112", "113", "114"]})
    assert list(readout[rows_matching(readout, "readout", text)]["qubit"]) == (
        [q for q in ("112", "113", "114") if q in text.replace(",", " ").split()] if text else ["112", "113", "114"]
    )


def test_a_huge_qubit_count_typed_in_a_cell_is_refused_at_once() -> None:
    """A text cell takes '1e12': the λ bound is computed in floats (4ⁿ as an integer would take the server's
    memory) and the count is refused by the spec's rule, in the user's terms."""
    tables = tables_from_spec(NoiseSpec())
    tables["all_qubit"] = pd.DataFrame(
        [{"gate": "mygate", "num_qubits": "1e12", "depolarizing": "0.1"}], columns=tables["all_qubit"].columns
    )
    with pytest.raises(
        SpecEditError, match=r"mygate on every qubit: qubits \(n\): Input should be less than or equal to 5"
    ):
        spec_from_tables(tables, NoiseSpec())


def test_a_qubit_number_past_any_device_typed_in_a_cell_is_refused() -> None:
    spec = derived("ibm_pittsburgh")
    tables = tables_from_spec(spec)
    tables["readout"].loc[113, "qubit"] = "1e300"  # a whole number as a float: once a 10³⁰⁰ qubit in the spec
    with pytest.raises(SpecEditError, match=r"qubit: Input should be less than 10000"):
        spec_from_tables(tables, spec)
