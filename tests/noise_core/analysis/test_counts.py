"""Measured counts read strictly: every accepted form, and every rule broken named with its experiment and outcome."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from noise_core import CountsError, load_counts
from noise_core.analysis.counts import MAX_COUNTS_BYTES, MAX_EXPERIMENTS
from noise_core.simulation.circuits import ghz

GHZ3_COUNTS = {"000": 1900, "111": 1880, "001": 120, "110": 100}
TWO_REGISTERS = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg a[1];
creg b[2];
h q[0];
cx q[0],q[1];
measure q[0] -> a[0];
measure q[1] -> b[0];
measure q[2] -> b[1];
"""
ONE_BIT_UNMEASURED = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[1];
creg c[2];
x q[0];
measure q[0] -> c[0];
"""


def counts_file(*experiments: dict[str, object]) -> bytes:
    return json.dumps({"format": "noise-studio-counts", "version": 1, "experiments": list(experiments)}).encode()


def experiment(**fields: object) -> dict[str, object]:
    return {"name": "ghz", "circuit": "ghz:3", "physical_qubits": [0, 1, 2], "counts": GHZ3_COUNTS} | fields


def test_a_counts_file_names_its_circuits_qubits_and_shots_and_is_identified_by_its_sha256() -> None:
    document = counts_file(
        experiment(shots=4000), experiment(name="bell", circuit="bell", physical_qubits=None, counts={"00": 3, "11": 5})
    )
    data = load_counts(document, name="run.json")
    first, second = data.experiments
    assert (first.name, first.reference, first.physical_qubits, first.shots) == ("ghz", "ghz:3", (0, 1, 2), 4000)
    assert first.expected_outcomes == {"000", "111"}
    assert dict(first.counts) == GHZ3_COUNTS
    assert first.series().sum() == 4000
    assert second.physical_qubits is None and second.circuit.name == "Bell"  # type: ignore[union-attr]
    assert data.sha256 == hashlib.sha256(document).hexdigest()
    assert data.describe() == f"run.json (sha256 {data.sha256[:12]}…)"


def test_a_bare_list_of_experiments_and_a_path_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "measured.json"
    path.write_text(json.dumps([experiment()]))
    data = load_counts(path)
    assert data.source == "measured.json"
    assert dict(data.experiments[0].counts) == GHZ3_COUNTS


def test_qiskit_counts_dicts_take_their_circuits_from_the_caller_with_hex_keys_and_register_spaces() -> None:
    data = load_counts(
        [{"0x0": 10, "0x7": 12}, {"10 1": 5, "00 0": 7}], circuits=[ghz(3), TWO_REGISTERS], physical_qubits=None
    )
    assert dict(data.experiments[0].counts) == {"000": 10, "111": 12}
    assert dict(data.experiments[1].counts) == {"000": 7, "101": 5}
    assert data.experiments[1].reference == "OpenQASM"


def test_a_csv_of_outcome_count_rows_is_one_circuits_counts() -> None:
    data = load_counts(b"outcome,count\n000,1900\n111,2100.0\n\n", circuits="ghz:3", physical_qubits=[3, 4, 5])
    (only,) = data.experiments
    assert dict(only.counts) == {"000": 1900, "111": 2100}
    assert only.physical_qubits == (3, 4, 5)


def test_an_openqasm_circuit_in_a_counts_file_brings_its_expected_outcomes() -> None:
    circuit = {"qasm": TWO_REGISTERS, "expected": ["000", "011"]}
    data = load_counts(counts_file(experiment(circuit=circuit, physical_qubits=None, counts={"000": 4, "011": 6})))
    assert data.experiments[0].expected_outcomes == {"000", "011"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"counts": {"00": 5}}, r"experiment 'ghz': outcome '00' must be a bitstring of 3 bits, one per clbit"),
        (
            {"counts": {"000": 12.5}},
            r"experiment 'ghz': the count of 000 must be a whole number from 0 to 1,000,000,000; got 12.5",
        ),
        ({"counts": {"000": -1}}, r"the count of 000 must be a whole number from 0 to 1,000,000,000; got -1"),
        ({"counts": {"000": True}}, r"the count of 000 must be a whole number from 0 to 1,000,000,000; got True"),
        ({"counts": {"000": "12"}}, r"the count of 000 must be a whole number from 0 to 1,000,000,000; got '12'"),
        ({"counts": {"000": 0}}, r"the counts add up to 0 shots; at least one shot is needed"),
        ({"counts": {"0x1": 3, "001": 4}}, r"outcome 001 is listed twice \(as '001' too\)"),
        ({"counts": {"0x9": 3}}, r"hex outcome '0x9' needs more than the circuit's 3 clbits"),
        ({"counts": {}}, r"'counts' must be a non-empty \{outcome: count\} object"),
        ({"shots": 4096}, r"the counts add up to 4,000 shots but 'shots' says 4,096"),
        ({"shots": 0}, r"'shots' must be a whole number ≥ 1; got 0"),
        ({"physical_qubits": [0, 1]}, r"physical_qubits lists 2 qubits; the circuit has 3"),
        ({"physical_qubits": [0, 0, 1]}, r"physical_qubits must be distinct device qubit numbers ≥ 0"),
        ({"circuit": "ghz:x"}, r"experiment 'ghz': circuit: num_qubits must be a whole number; got 'x'"),
        ({"circuit": "nope"}, r"circuit: 'nope' is not a library circuit; the library has"),
        ({"circuit": 7}, r"'circuit' must be a library reference such as 'ghz:3'"),
        ({"circuit": {"qasm": "OPENQASM 2.0; qreg q[1]; h q[0"}}, r"experiment 'ghz': circuit: line 1.*"),
        ({"counts": {"000": 10**400}}, r"the count of 000 must be a whole number from 0 to 1,000,000,000; got 1000000"),
        ({"circuit": "mirror:2,2,-1"}, r"circuit: mirror seed must be an integer from 0 to"),
        ({"circuit": "mirror:156,1000,1"}, r"circuit: 'mirror:156,1000,1' has 156 qubits; at most 16 here"),
        (
            {"circuit": "ghz:3", "physical_qubits": [0, 1, 2], "name": "x" * 101},
            r"'name' must be non-empty text of at most 100",
        ),
        ({"layout": [0]}, r"unknown field 'layout'; fields are name, circuit, physical_qubits, shots, counts"),
        ({"name": ""}, r"'name' must be non-empty text"),
        ({"circuit": {"qasm": TWO_REGISTERS, "expected": ["00"]}}, r"'expected' outcomes must be bitstrings of 3 bits"),
    ],
)
def test_each_broken_rule_names_the_experiment_and_the_rule(fields: dict[str, object], message: str) -> None:
    with pytest.raises(CountsError, match=message):
        load_counts(counts_file(experiment(**fields)))


def test_an_outcome_on_a_clbit_no_measurement_writes_is_impossible_under_any_model() -> None:
    with pytest.raises(CountsError, match=r"outcome 10 sets clbit 1, which no measurement in the circuit writes"):
        load_counts({"01": 5, "10": 1}, circuits=ONE_BIT_UNMEASURED)


@pytest.mark.parametrize(
    ("document", "arguments", "message"),
    [
        (b'{"000": 5}', {}, r"these are bare counts: say which circuit produced them"),
        (b"[{}, {}]", {"circuits": ["ghz:3"]}, r"2 counts dicts but 1 circuits; give one circuit per dict"),
        (
            counts_file(experiment()),
            {"circuits": "ghz:3"},
            r"this counts file names its circuits; give no separate circuit for it",
        ),
        (b'{"format": "other", "experiments": []}', {}, r"format 'other' version None is not read"),
        (b'{"experiments": [], "version": true}', {}, r"format None version True is not read"),
        (
            b'{"experiments": [{"name": "a", "circuit": "ghz:3", "count": {"000": 1}}]}',
            {},
            r"experiment 1: must be an object with 'counts'",
        ),
        (
            b'[{"name": "a", "circuit": "ghz:3", "count": {"000": 1}}]',
            {},
            r"experiment 1: must be an object with 'counts'",
        ),
        (b'{"000": 1' + b"0" * 5000 + b"}", {}, r"not valid JSON: Exceeds the limit \(4300 digits\)"),
        (b"000," + b"1" * 200_000, {"circuits": "ghz:3"}, r"CSV line 1: field larger than field limit"),
        (b'{"experiments": []}', {}, r"the document holds no experiments"),
        (b'{"experiments": {"a": 1}}', {}, r"'experiments' must be a list"),
        (b"{not json", {}, r"not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
        (b"[" * 40 + b"]" * 40, {}, r"counts not read: the document nests arrays and objects 40 deep; the limit is 32"),
        (b"\xff\xfe", {}, r"counts must be UTF-8 text"),
        (b"000,5,6\n", {"circuits": "ghz:3"}, r"CSV line 1: expected two columns outcome,count; got 3"),
        (
            b"000,five\n",
            {"circuits": "ghz:3"},
            r"CSV line 1: the count must be a whole number from 0 to 1,000,000,000; got 'five'",
        ),
        (b"000,5\n000,6\n", {"circuits": "ghz:3"}, r"CSV line 2: outcome '000' is listed twice"),
    ],
)
def test_documents_that_cannot_be_read_say_why(document: bytes, arguments: dict[str, object], message: str) -> None:
    with pytest.raises(CountsError, match=message):
        load_counts(document, **arguments)  # type: ignore[arg-type]


def test_size_count_and_name_limits_hold_before_any_circuit_is_built() -> None:
    with pytest.raises(CountsError, match=r"counts not read: the document is 8.0 MB; the limit is 8.0 MB"):
        load_counts(b" " * (MAX_COUNTS_BYTES + 1))
    many = counts_file(*[experiment(name=f"e{index}") for index in range(MAX_EXPERIMENTS + 1)])
    with pytest.raises(CountsError, match=rf"holds {MAX_EXPERIMENTS + 1} experiments; at most {MAX_EXPERIMENTS}"):
        load_counts(many)
    with pytest.raises(CountsError, match=r"experiment name 'ghz' is used twice"):
        load_counts(counts_file(experiment(), experiment(circuit="mirror:156,1000,1")))  # refused before building


def test_a_deeply_nested_document_given_as_data_is_refused_with_a_counts_error() -> None:
    nested: dict[str, object] = {}
    for _ in range(100_000):
        nested = {"a": nested}
    with pytest.raises(CountsError, match=r"the counts must be JSON data"):
        load_counts(nested)
