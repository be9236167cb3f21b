"""The pure parts of links and restores: library references both ways, and the Simulate widgets they set."""

from __future__ import annotations

import inspect

import pytest

from components.views.simulate_inputs import PARAMETER_KEYS, widget_state, with_page_defaults
from components.views.what_if import WHAT_IF_RESET
from components.work.requests import library_request
from noise_core import CIRCUIT_LIBRARY
from noise_core.errors import CircuitError
from noise_core.simulation.options import RunOptions
from noise_core.simulation.references import parse_reference, reference_of

EXAMPLES = {
    "Bell": {}, "GHZ": {"num_qubits": 4}, "QFT": {"num_qubits": 3, "value": 5}, "Grover": {"num_qubits": 3, "marked": "011"},
    "Bernstein–Vazirani": {"secret": "1011"}, "random Clifford": {"num_qubits": 3, "depth": 2, "seed": 9},
    "teleportation": {}, "mirror": {"num_qubits": 2, "depth": 3, "seed": 4}, "basis state": {"state": "0110"},
}  # fmt: skip


def test_every_library_entry_has_an_example_here() -> None:
    assert set(EXAMPLES) == set(CIRCUIT_LIBRARY)


@pytest.mark.parametrize(("name", "parameters"), EXAMPLES.items())
def test_a_reference_names_its_entry_and_parameters_and_back(name: str, parameters: dict[str, object]) -> None:
    assert parse_reference(reference_of(name, parameters)) == (name, parameters)


@pytest.mark.parametrize(("name", "parameters"), EXAMPLES.items())
def test_every_parameter_of_every_entry_has_a_simulate_widget(name: str, parameters: dict[str, object]) -> None:
    settings = RunOptions(shots=123, seed=4, method="density_matrix", initial_layout=(3, 1))
    state = widget_state(library_request(name, parameters), settings)
    assert (state["sim_source"], state["sim_library"], state["sim_shots"], state["sim_layout"]) == (
        "Library",
        name,
        123,
        "3,1",
    )
    assert WHAT_IF_RESET.items() <= state.items()
    for parameter in inspect.signature(CIRCUIT_LIBRARY[name]).parameters:
        key = f"sim_{name}_n" if parameter == "num_qubits" else PARAMETER_KEYS[parameter]
        assert state[key] == parameters[parameter]


def test_what_the_page_always_sets_is_filled_in_where_a_reference_leaves_it_out() -> None:
    assert with_page_defaults("QFT", {"num_qubits": 4}) == {"num_qubits": 4, "value": 5}
    assert with_page_defaults("Grover", {"num_qubits": 4}) == {"num_qubits": 4, "marked": "1111"}
    assert with_page_defaults("GHZ", {"num_qubits": 4}) == {"num_qubits": 4}


@pytest.mark.parametrize(
    ("reference", "message"),
    [("qft", r"'qft': qft takes num_qubits, value"), ("ghz:1,2", r"ghz takes at most 1 arguments")],
)
def test_a_reference_missing_or_with_extra_arguments_says_what_the_entry_takes(reference: str, message: str) -> None:
    with pytest.raises(CircuitError, match=message):
        parse_reference(reference)
