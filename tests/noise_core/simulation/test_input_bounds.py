"""Everything a browser sends is bounded before the expensive step: OpenQASM text and JSON documents."""

from __future__ import annotations

import json

import pytest

from noise_core import CalibrationError, CircuitParseError, SpecImportError, load_calibration, parse_circuit
from noise_core.export import spec_from_json
from noise_core.json_bounds import json_bounds_problem, nesting_depth
from noise_core.simulation.qasm_bounds import QasmLimits
from tests.conftest import minimal_snapshot

QASM2_HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def nested_gates(levels: int) -> str:
    """Gate g_i calls g_{i-1} twice, so g_levels expands to 2**levels X gates."""
    definitions = "gate g0 a { x a; }\n" + "".join(
        f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}\n" for i in range(1, levels + 1)
    )
    return QASM2_HEADER + "qreg q[1];\ncreg c[1];\n" + definitions + f"g{levels} q[0];\nmeasure q -> c;\n"


@pytest.mark.parametrize(
    ("program", "message"),
    [
        (
            'OPENQASM 2.0; include "/etc/passwd"; qreg q[1]; creg c[1]; measure q->c;',
            r'line 1: include "/etc/passwd" is refused: only "qelib1.inc" can be included here \(no file on the server is read\)',
        ),
        (
            'OPENQASM 2.0;\n\ninclude "../../etc/hostname";\nqreg q[1];',
            r'line 3: include "\.\./\.\./etc/hostname" is refused',
        ),
        ('OPENQASM 2.0; include  /* sneaky */ "/etc/passwd" ;', r'include "/etc/passwd" is refused'),
        ("OPENQASM 2.0; include /etc/passwd;", r'line 1: an include is written include "qelib1.inc";'),
        (
            'OPENQASM 3.0; include "qelib1.inc"; qubit q;',
            r'include "qelib1.inc" is refused: only "stdgates.inc" can be included',
        ),
        (
            'OPENQASM 2.0; include "qelib1.inc"; qreg q[100000000]; creg c[1];',
            r"declares 100,000,000 qubits; the limit is 1,000 \(max_qubits\)",
        ),
        (
            "OPENQASM 2.0; qreg q[2]; creg c[99999999999999];",
            r"register sizes must be whole numbers below 10\^9; got \[99999999999999\]",
        ),
        (
            'OPENQASM 3.0; include "stdgates.inc"; qubit[4000] q;',
            r"declares 4,000 qubits; the limit is 1,000 \(max_qubits\)",
        ),
        (
            'OPENQASM 3.0; include "stdgates.inc"; const int n = 5; qubit[n] q;',
            r"register sizes must be whole numbers below 10\^9; got \[n\]",
        ),
        ('OPENQASM 3.0; include "stdgates.inc"; h $99999999;', r"declares 100,000,000 qubits; the limit is 1,000"),
        (nested_gates(30), r"line \d+: gate 'g16' nests gate definitions 17 deep; the limit is 16 \(max_gate_depth\)"),
        (
            QASM2_HEADER + "qreg q[900];\ncreg c[900];\ngate b a { " + "x a; " * 300 + "}\nb q;\n",
            r"the program expands to 270,000 instructions; the limit is 200,000 \(max_instructions\)",
        ),
    ],
)
def test_hostile_programs_are_refused_before_parsing(program: str, message: str) -> None:
    with pytest.raises(CircuitParseError, match=message) as refusal:
        parse_circuit(program)
    assert "root:" not in str(refusal.value)


def test_a_wide_expansion_within_the_depth_limit_is_refused_by_its_count() -> None:
    with pytest.raises(
        CircuitParseError,
        match=r"line 19: gate 'g14' expands to 16,384 instructions; the limit is 10,000 \(max_instructions\)",
    ):
        parse_circuit(nested_gates(15), limits=QasmLimits(max_instructions=10_000))


def test_oversized_text_is_refused_with_its_size() -> None:
    program = QASM2_HEADER + "qreg q[1];\n" + "// padding\n" * 100_000
    with pytest.raises(
        CircuitParseError, match=r"the program is 1,1\d\d,\d\d\d bytes; the limit is 1,048,576 \(max_bytes\)"
    ):
        parse_circuit(program)


@pytest.mark.parametrize(
    "program",
    [
        QASM2_HEADER + 'qreg q[3];\ncreg c[3];\n// include "/etc/passwd";\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n',
        nested_gates(10),
        'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n',
    ],
)
def test_ordinary_programs_still_parse(program: str) -> None:
    assert parse_circuit(program).num_qubits >= 1


def test_nesting_depth_ignores_brackets_inside_strings() -> None:
    assert nesting_depth(b'{"a": [1, {"b": "[[[[\\"]]]"}]}') == 3
    assert nesting_depth(b'["]]]]]]]]", [[[1]]]]') == 4
    assert nesting_depth(b"42") == 0


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "the document nests arrays and objects 100,000 deep; the limit is 32"),
        (b" " * (2 * 2**20 + 1), "the document is 2.0 MB; the limit is 2.0 MB"),
    ],
)
def test_json_bounds_name_the_limit_and_the_value(document: bytes, problem: str) -> None:
    assert json_bounds_problem(document, max_bytes=2 * 2**20) == problem


def test_a_deeply_nested_calibration_upload_is_refused_not_a_recursion_error() -> None:
    document = json.dumps(minimal_snapshot())[:-1] + ', "general": ' + "[" * 50_000 + "]" * 50_000 + "}"
    with pytest.raises(
        CalibrationError, match=r"nests arrays and objects 50,00\d deep; the limit is 32 for a calibration snapshot"
    ):
        load_calibration(document.encode())


def test_a_deeply_nested_spec_import_is_refused_with_the_rule() -> None:
    with pytest.raises(
        SpecImportError, match=r"nests arrays and objects 100,000 deep; the limit is 32 for a noise spec"
    ) as refusal:
        spec_from_json(b"[" * 100_000 + b"]" * 100_000)
    assert refusal.value.problems[0].rule == "document_bounds"
