"""The circuit library's ideal answers, its parameter checks, and OpenQASM parsing errors."""

from __future__ import annotations

import pytest
from qiskit import QuantumCircuit, transpile
from qiskit.quantum_info import Statevector

from noise_core import CircuitParseError
from noise_core.errors import CircuitError
from noise_core.simulation import references
from noise_core.simulation.circuits import (
    CIRCUIT_LIBRARY,
    LibraryCircuit,
    basis_state,
    bell,
    bernstein_vazirani,
    ghz,
    grover,
    mirror,
    qft,
    random_clifford,
    readout_calibration,
)
from noise_core.simulation.qasm import parse_circuit


def ideal_distribution(library_circuit: LibraryCircuit) -> dict[str, float]:
    """Measured-bit probabilities of the circuit without noise (measurements into clbit = qubit)."""
    circuit = library_circuit.circuit
    measured = [circuit.find_bit(item.qubits[0]).index for item in circuit.data if item.operation.name == "measure"]
    state = Statevector(circuit.remove_final_measurements(inplace=False))
    return {label: p for label, p in state.probabilities_dict(qargs=measured).items() if p > 1e-12}


@pytest.mark.parametrize(
    "library_circuit",
    [bell(), ghz(2), ghz(7), qft(1), qft(5), qft(6, value=37), bernstein_vazirani("1"), bernstein_vazirani("100101")],
    ids=lambda c: c.name,
)
def test_deterministic_circuits_return_only_their_expected_outcomes(library_circuit):
    distribution = ideal_distribution(library_circuit)
    assert set(distribution) == library_circuit.expected_outcomes
    assert sum(distribution.values()) == pytest.approx(1.0)


def test_qft_defaults_to_an_alternating_value_and_reads_it_back():
    assert qft(4).expected_outcomes == {"0101"}
    assert ideal_distribution(qft(6, value=37)) == pytest.approx({"100101": 1.0})


@pytest.mark.parametrize(("num_qubits", "marked", "at_least"), [(2, "10", 0.999), (3, "011", 0.94), (5, "10110", 0.99)])
def test_grover_finds_the_marked_string_with_the_textbook_probability(num_qubits, marked, at_least):
    distribution = ideal_distribution(grover(num_qubits, marked))
    assert max(distribution, key=distribution.get) == marked
    assert distribution[marked] >= at_least


def test_random_clifford_is_reproducible_by_seed_and_uses_clifford_gates_only():
    first, again, other = random_clifford(6, 4, seed=3), random_clifford(6, 4, seed=3), random_clifford(6, 4, seed=4)
    assert first.circuit == again.circuit
    assert first.circuit != other.circuit
    assert set(first.circuit.count_ops()) <= {
        "id",
        "x",
        "y",
        "z",
        "h",
        "s",
        "sdg",
        "sx",
        "sxdg",
        "cx",
        "measure",
        "barrier",
    }
    assert first.expected_outcomes is None


def test_readout_calibration_prepares_each_basis_state():
    tensored = readout_calibration(3)
    assert [c.expected_outcomes for c in tensored] == [{"000"}, {"111"}]
    joint = readout_calibration(2, joint=True)
    assert [next(iter(c.expected_outcomes)) for c in joint] == ["00", "01", "10", "11"]
    for circuit in joint:
        assert ideal_distribution(circuit) == pytest.approx({next(iter(circuit.expected_outcomes)): 1.0})


def test_every_library_entry_builds_with_its_defaults_or_simple_arguments():
    arguments = {"GHZ": (3,), "QFT": (3,), "Grover": (3,), "Bernstein–Vazirani": ("101",), "random Clifford": (3, 2, 1)}
    arguments |= {"mirror": (3, 2, 1), "basis state": ("01",)}
    for name, build in CIRCUIT_LIBRARY.items():
        built = build(*arguments.get(name, ()))
        assert isinstance(built.circuit, QuantumCircuit)
        assert any(item.operation.name == "measure" for item in built.circuit.data)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ghz(1), r"GHZ num_qubits must be an integer from 2 to 156; got 1"),
        (lambda: ghz(2.5), r"GHZ num_qubits must be an integer from 2 to 156; got 2.5"),
        (lambda: qft(3, value=8), r"QFT value must be an integer from 0 to 7; got 8"),
        (lambda: grover(11), r"Grover num_qubits must be an integer from 2 to 10; got 11"),
        (lambda: grover(3, "1012"), r"Grover marked must be a string of 3 characters 0/1; got '1012'"),
        (lambda: bernstein_vazirani("10a"), r"Bernstein–Vazirani secret must be a string of 3 characters 0/1"),
        (lambda: random_clifford(3, 0, seed=1), r"random Clifford depth must be an integer from 1 to 1000; got 0"),
        (
            lambda: readout_calibration(7, joint=True),
            r"joint readout calibration num_qubits must be an integer from 1 to 6",
        ),
    ],
)
def test_bad_parameters_name_the_parameter_and_its_range(build, message):
    with pytest.raises(ValueError, match=message):
        build()


QASM3_BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n'


def test_openqasm_2_and_3_programs_parse():
    qasm2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'
    for program in (qasm2, QASM3_BELL, "\ufeff" + QASM3_BELL):
        circuit = parse_circuit(program)
        assert circuit.count_ops() == {"h": 1, "cx": 1, "measure": 2}


@pytest.mark.parametrize(
    ("program", "message", "line"),
    [
        ("", r"the program is empty; paste an OpenQASM 2 or 3 program", None),
        (
            'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0]\ncx q[0],q[1];',
            r"line 5, column 1: needed ';', but instead saw an identifier",
            5,
        ),
        ('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nfoo q[0];', r"line 4, column 1: 'foo' is not defined", 4),
        (QASM3_BELL.replace("h q[0];", "h q[0]"), r"line 6, column 1: unexpected 'cx'; expected ';'", 6),
        (QASM3_BELL.replace("h q[0];", "foo q[0];"), r"line 5, column 1: gate 'foo' is not defined", 5),
        ("OPENQASM 3.0;\nqubit[2] q;\nh q[0;\n", r"line 3, column 6: unexpected ';'; expected .*, …", 3),
    ],
)
def test_bad_openqasm_names_the_line_and_what_was_expected(program, message, line):
    with pytest.raises(CircuitParseError, match=message) as raised:
        parse_circuit(program)
    assert raised.value.line == line


def test_a_mirror_circuit_returns_to_all_zero_and_keeps_every_gate_through_the_transpiler():
    built = mirror(3, 4, seed=2)
    assert ideal_distribution(built) == pytest.approx({"000": 1.0})
    assert built.expected_outcomes == {"000"}
    gates = sum(count for name, count in built.circuit.count_ops().items() if name not in ("measure", "barrier"))
    transpiled = transpile(built.circuit, basis_gates=["rz", "sx", "x", "cx"], optimization_level=2, seed_transpiler=0)
    assert transpiled.count_ops().get("cx", 0) == built.circuit.count_ops().get("cx", 0) > 0
    assert gates > 2 * 3


def test_a_basis_state_circuit_prepares_its_state():
    assert ideal_distribution(basis_state("0110")) == pytest.approx({"0110": 1.0})


@pytest.mark.parametrize(
    ("reference", "name", "outcomes"),
    [
        ("ghz:3", "GHZ(3)", {"000", "111"}),
        ("grover:3,011", None, {"011"}),
        ("basisstate:0101", "readout |0101⟩", {"0101"}),
        ("mirror:2,3,5", "mirror(2, depth 3, seed 5)", {"00"}),
        ("Bell", "Bell", {"00", "11"}),
    ],
)
def test_a_text_reference_names_a_library_circuit(reference, name, outcomes):
    built = references.library_circuit(reference)
    assert built.expected_outcomes == outcomes
    if name is not None:
        assert built.name == name


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("nope:3", r"'nope:3' is not a library circuit; the library has .*basisstate.*ghz"),
        ("ghz:3,4", r"'ghz:3,4': ghz takes at most 1 arguments"),
        ("ghz:three", r"num_qubits must be a whole number; got 'three'"),
        ("mirror:3", r"'mirror:3': mirror takes num_qubits, depth, seed"),
        ("basisstate:012", r"basis state must be 1 to 156 characters 0/1"),
        ("x" * 300, r"at most 200 characters"),
    ],
)
def test_a_bad_reference_says_what_the_library_has_or_takes(reference, message):
    with pytest.raises(CircuitError, match=message):
        references.library_circuit(reference)
