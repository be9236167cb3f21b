"""The Simulate page's inputs: the circuit (a library entry and its parameters, or an OpenQASM program pasted or
uploaded) and the run settings; and the widget values that choose them again (a restored session, a link)."""

from __future__ import annotations

import re
from typing import cast

import streamlit as st

from components.logic.cells import parse_qubits
from components.logic.wording import in_ui_terms
from components.runtime.cached import cached_circuit_name, cached_device_map
from components.runtime.session import ChosenCircuit, current_device
from components.runtime.tasks import TaskStopped
from components.views.what_if import WHAT_IF_RESET
from components.work.requests import CircuitRequest, library_request, qasm_request
from noise_core import CIRCUIT_LIBRARY, SimulationLimits
from noise_core.errors import CircuitError
from noise_core.simulation import METHODS
from noise_core.simulation.circuits import MAX_CLIFFORD_DEPTH, QUBIT_RANGES
from noise_core.simulation.methods import Method
from noise_core.simulation.options import RunOptions
from noise_core.simulation.qasm_bounds import DEFAULT_QASM_LIMITS

DEFAULT_QASM = """OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg c[3];
h q[0];
cx q[0],q[1];
cx q[1],q[2];
measure q -> c;
"""
LAYOUT_KEY = "sim_layout"
AVOID_KEY = "sim_avoid_uncalibrated"
PARAMETER_KEYS = {
    "value": "sim_qft_value",
    "marked": "sim_grover_marked",
    "depth": "sim_clifford_depth",
    "seed": "sim_clifford_seed",
    "secret": "sim_bv_secret",
    "state": "sim_basis_state",
}
"""The widget of each library parameter other than num_qubits (``_size_key``), by parameter name."""
PENDING_LAYOUT_KEY = "sim_layout_pending"
"""Where "Pin this layout" (a result tab) leaves the layout for the settings to put in their box on the next run."""


def circuit_picker() -> ChosenCircuit | None:
    """Library circuit with its parameters, or OpenQASM pasted or uploaded; None (and a message) if invalid."""
    source = st.segmented_control(
        "Circuit from", ["Library", "OpenQASM"], default="Library", key="sim_source", persist_state="session"
    )
    if source == "OpenQASM":
        return _qasm_circuit()
    name = st.selectbox("Circuit", list(CIRCUIT_LIBRARY), index=1, key="sim_library", persist_state="session")
    request = library_request(name, _library_parameters(name))
    try:
        label = cached_circuit_name(request)
    except (CircuitError, TaskStopped) as error:
        st.error(in_ui_terms(error), icon=":material/error:")
        return None
    return ChosenCircuit(request, label)


def _size_key(name: str) -> str:
    return f"sim_{name}_n"


def with_page_defaults(name: str, parameters: dict[str, object]) -> dict[str, object]:
    """A library entry's parameters with what the page always sets filled in where they are left out (QFT's
    value 5, Grover's marked all ones), so the page builds the very circuit it is given."""
    completed = dict(parameters)
    if name == "QFT":
        completed.setdefault("value", 5)
    if name == "Grover" and completed.get("marked") is None:
        completed["marked"] = "1" * int(completed.get("num_qubits", 3))  # type: ignore[call-overload]
    return completed


def widget_state(request: CircuitRequest, settings: RunOptions) -> dict[str, object]:
    """The Simulate page's widget values that choose ``request`` and ``settings`` (a restored session, a link),
    the what-if strip at rest."""
    state: dict[str, object] = {
        **WHAT_IF_RESET,
        "sim_shots": settings.shots,
        "sim_seed": settings.seed,
        "sim_method": settings.method,
        LAYOUT_KEY: ",".join(map(str, settings.initial_layout or ())),
        AVOID_KEY: settings.avoid_uncalibrated_couplers,
    }
    if request.library is None:
        return state | {
            "sim_source": "OpenQASM", "sim_qasm_text": request.qasm, "sim_qasm_expected": ", ".join(request.expected)
        }  # fmt: skip
    state |= {"sim_source": "Library", "sim_library": request.library}
    for name, value in request.parameters:
        state[_size_key(request.library) if name == "num_qubits" else PARAMETER_KEYS[name]] = value
    return state


def _library_parameters(name: str) -> dict[str, object]:
    columns = st.columns(3)
    if name in QUBIT_RANGES:
        default = {"GHZ": 3, "QFT": 4, "Grover": 3, "random Clifford": 4, "mirror": 3}[name]
        low, high = QUBIT_RANGES[name]
        size = columns[0].number_input(
            "qubits", low, high, default, key=_size_key(name), persist_state="session",
            on_change=_fit_parameters_to_size, args=(name,),
        )  # fmt: skip
        parameters: dict[str, object] = {"num_qubits": int(size)}
        if name == "QFT":
            value = columns[1].number_input(
                "value read back", 0, None, 5, key=PARAMETER_KEYS["value"], persist_state="session"
            )
            parameters["value"] = int(value)
        if name == "Grover":
            parameters["marked"] = columns[1].text_input(
                "marked bitstring", "1" * int(size), key=PARAMETER_KEYS["marked"], persist_state="session"
            )
        if name in ("random Clifford", "mirror"):
            parameters["depth"] = int(
                columns[1].number_input(
                    "depth", 1, MAX_CLIFFORD_DEPTH, 3, key=PARAMETER_KEYS["depth"], persist_state="session"
                )
            )
            parameters["seed"] = int(
                columns[2].number_input("circuit seed", 0, None, 1, key=PARAMETER_KEYS["seed"], persist_state="session")
            )
        if note := st.session_state.pop(_PARAMETER_NOTE, None):
            st.caption(note)
        return parameters
    if name == "Bernstein–Vazirani":
        return {
            "secret": columns[0].text_input(
                "secret bitstring", "1011", key=PARAMETER_KEYS["secret"], persist_state="session"
            )
        }
    if name == "basis state":
        return {
            "state": columns[0].text_input(
                "state (clbit 0 last)", "101", key=PARAMETER_KEYS["state"], persist_state="session"
            )
        }
    return {}


def _fit_parameters_to_size(name: str) -> None:
    """A new size keeps the parameters that depend on it valid: Grover's marked bitstring is padded or cut to
    the new width (clbit 0 last, so on the left), and QFT's value read back is brought under 2ⁿ; the page says
    what changed."""
    size = int(st.session_state[_size_key(name)])
    if name == "Grover" and PARAMETER_KEYS["marked"] in st.session_state:
        marked = str(st.session_state[PARAMETER_KEYS["marked"]]).strip()
        if len(marked) != size:
            fitted = marked[-size:].rjust(size, "1")
            st.session_state[PARAMETER_KEYS["marked"]] = fitted
            st.session_state[_PARAMETER_NOTE] = f"Marked bitstring {marked!r} became {fitted!r} for {size} qubits."
    if name == "QFT" and PARAMETER_KEYS["value"] in st.session_state:
        value = int(st.session_state[PARAMETER_KEYS["value"]])
        if value >= 2**size:
            st.session_state[PARAMETER_KEYS["value"]] = 2**size - 1
            st.session_state[_PARAMETER_NOTE] = (
                f"Value read back {value} became {2**size - 1}, the largest {size} qubits hold."
            )


_PARAMETER_NOTE = "sim_parameter_note"


def _qasm_circuit() -> ChosenCircuit | None:
    limit_mib = DEFAULT_QASM_LIMITS.max_bytes // 2**20
    uploaded = st.file_uploader(
        "Upload a .qasm file", type=["qasm", "txt"], key="sim_qasm_upload", max_upload_size=limit_mib,
        help=f"OpenQASM 2 or 3 text, at most {limit_mib} MB; it is only parsed, never executed, and may "
        'include only "qelib1.inc" (2) or "stdgates.inc" (3).',
    )  # fmt: skip
    if uploaded is not None:
        text = uploaded.getvalue().decode("utf-8", errors="replace")
    else:
        text = st.text_area(
            "…or paste OpenQASM 2 or 3", DEFAULT_QASM, height=200, key="sim_qasm_text", persist_state="session"
        )
    expected_text = st.text_input(
        "Expected outcomes (optional)", key="sim_qasm_expected", persist_state="session", placeholder="e.g. 000, 111",
        help="The bitstrings an ideal device returns (clbit 0 last), comma-separated: they define the success "
        "probability. Without them it is n/a.",
    )  # fmt: skip
    request = qasm_request(text, [part.strip() for part in expected_text.split(",") if part.strip()])
    try:
        name = cached_circuit_name(request)
    except (CircuitError, TaskStopped) as error:
        st.error(f"The program was not read: {in_ui_terms(error)}", icon=":material/error:")
        return None
    return ChosenCircuit(request, qasm_label(name, request))


AUTOMATIC_NAME = re.compile(r"^circuit-\d+(-\d+)?$")
"""Qiskit's name for a circuit nobody named ('circuit-299-8798'): a new one each parse, so never a title."""


def qasm_label(name: str, request: CircuitRequest) -> str:
    """'OpenQASM program 'bell'' for a named program, else 'OpenQASM program 3f2a91c0' (the start of its text's
    SHA-256): the same text always gets the same title."""
    if name and not AUTOMATIC_NAME.match(name):
        return f"OpenQASM program {name!r}"
    return f"OpenQASM program {request.key.split(':')[1][:8]}"


def settings() -> RunOptions | None:
    """Shots, seed, method, an optional pinned layout and, on a device with uncalibrated couplers, whether to avoid
    them; None (and a message) when the layout is unreadable."""
    if PENDING_LAYOUT_KEY in st.session_state:  # "Pin this layout" asked for it in the result fragment
        st.session_state[LAYOUT_KEY] = st.session_state.pop(PENDING_LAYOUT_KEY)
    columns = st.columns([1, 1, 1, 2])
    shots = columns[0].number_input(
        "shots", 1, SimulationLimits().max_shots, 4000, step=1000, key="sim_shots", persist_state="session"
    )
    seed = columns[1].number_input(
        "seed", 0, 2**32 - 1, 7, key="sim_seed", persist_state="session",
        help="Same seed, same counts. It also seeds the transpiler's layout: pin the layout to keep the qubits.",
    )  # fmt: skip
    method = columns[2].selectbox(
        "method", METHODS, key="sim_method", persist_state="session",
        help="auto: the exact density matrix when it fits, else sampled trajectories; wider still, approximately: "
        "a Clifford circuit with its model Pauli-twirled on Stim ('twirled'), any other on a matrix-product state",
    )  # fmt: skip
    layout_text = columns[3].text_input(
        "pinned layout (physical qubits)", key=LAYOUT_KEY, persist_state="session",
        placeholder="empty: the transpiler chooses",
        help="Physical qubit of circuit qubit 0, 1, …, e.g. 12,13,14",
    )  # fmt: skip
    try:
        layout = tuple(parse_qubits(layout_text)) if layout_text.strip() else None
    except ValueError as error:
        st.error(f"Pinned layout: {error}", icon=":material/error:")
        return None
    avoid = _avoid_uncalibrated_couplers()
    method_chosen = cast(Method, method)  # one of METHODS, the only options
    return RunOptions(
        shots=int(shots), seed=int(seed), method=method_chosen, initial_layout=layout, avoid_uncalibrated_couplers=avoid
    )


def _avoid_uncalibrated_couplers() -> bool:
    """The toggle that keeps circuits off couplers without a reported error, drawn only on a device that has some
    (elsewhere there is nothing to avoid: False)."""
    device = current_device()
    edges = cached_device_map(device.key, device.calibration)[1]
    unreported = int(edges["gate_error"].isna().sum())
    if not unreported:
        return False
    return st.toggle(
        "Avoid uncalibrated couplers", key=AVOID_KEY, persist_state="session",
        help=f"{unreported} of this device's {len(edges)} couplers have no reported 2-qubit gate error (dashed on "
        "the device map): a derived model gives them relaxation only, so a circuit on them looks better than the "
        "device. On: the transpiler does not use them (a pinned layout is routed around them). Off: they are scored "
        "as the median coupler, so a free layout does not seek them, and a run that uses them names them.",
    )  # fmt: skip
