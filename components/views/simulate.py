"""The Simulate page's parts: circuit choice, run settings, the what-if strip, and the result's tabs.

The live result itself (run, metrics, histogram, downloads) is ``components.views.live_result``.
"""

from __future__ import annotations

import re
from typing import cast

import pandas as pd
import streamlit as st

from components.figures.results import build_assignment_heatmap, build_timeline_figure
from components.logic.cells import parse_qubits
from components.logic.wording import in_ui_terms
from components.runtime.cached import cached_assignment, cached_circuit_name, cached_device_map, cached_drawing
from components.runtime.session import (
    ChosenCircuit,
    ShownSimulation,
    current_device,
    noise_state,
    shown_simulation,
    use_spec,
)
from components.runtime.tasks import TaskStopped
from components.views.device import render_device_map
from components.work.requests import CircuitRequest, RunSettings, WhatIf, library_request, qasm_request
from noise_core import CIRCUIT_LIBRARY, NoiseStudioError, SimulationLimits, SimulationResult
from noise_core.errors import CircuitError
from noise_core.simulation import METHODS
from noise_core.simulation.circuits import MAX_CLIFFORD_DEPTH, QUBIT_RANGES
from noise_core.simulation.methods import Method
from noise_core.simulation.qasm_bounds import DEFAULT_QASM_LIMITS
from noise_core.simulation.simulate import LEFT_OUT_NOTE
from noise_core.spec.readout import assignment_matrix

HEATMAP_QUBITS = 6
"""Per-qubit assignment heatmaps are drawn for at most this many measured qubits."""
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
_PENDING_LAYOUT = "sim_layout_pending"


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


WHAT_IF_RESET = {"whatif_gate": 1.0, "whatif_readout": 1.0, "whatif_relaxation": 1.0, "whatif_idle": 1.0,
                 "whatif_qubit": None, "whatif_p10": 0.0, "whatif_p01": 0.0}  # fmt: skip
"""The what-if strip at rest: a restored session or a link shows its model as it is."""


def widget_state(request: CircuitRequest, settings: RunSettings) -> dict[str, object]:
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


def settings() -> RunSettings | None:
    """Shots, seed, method, an optional pinned layout and, on a device with uncalibrated couplers, whether to avoid
    them; None (and a message) when the layout is unreadable."""
    if _PENDING_LAYOUT in st.session_state:  # "Pin this layout" asked for it in the result fragment
        st.session_state[LAYOUT_KEY] = st.session_state.pop(_PENDING_LAYOUT)
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
        help="auto: exact density matrix when it fits, stabilizer for wide Clifford circuits, else trajectories",
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
    return RunSettings(int(shots), int(seed), cast(Method, method), layout, avoid)  # one of METHODS, the only options


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


WHAT_IF_FACTORS = (
    ("gate", "gate errors", "Multiplies every depolarizing λ and Pauli probability; 0 removes them"),
    ("readout", "readout errors", "Multiplies P(1|0) and P(0|1) of every qubit; 0 removes them"),
    ("relaxation", "T1/T2 rates (gates)", "2 halves T1 and T2 during gates; 0 removes that relaxation"),
    ("idle", "T1/T2 rates (idle)", "2 halves T1 and T2 while qubits wait; 0 removes idle relaxation"),
)
"""The what-if factors as the Simulate strip and the Explain sliders label them: (kind, label, help)."""


def what_if_strip() -> WhatIf:
    """Factors on the model in force and one qubit's readout, for this page's result only."""
    _follow_the_model_in_force()
    with st.expander("What if… (scale the model in force for this result)", expanded=True, icon=":material/tune:"):
        columns = st.columns([1, 1, 1, 1, 0.2, 1.4, 0.9, 0.9])
        factors = {
            name: columns[index].number_input(
                f"{label} ×",
                0.0,
                100.0,
                1.0,
                step=0.1,
                format="%.2f",
                key=f"whatif_{name}",
                persist_state="session",
                help=help_text,
            )
            for index, (name, label, help_text) in enumerate(WHAT_IF_FACTORS)
        }
        qubit = columns[5].selectbox(
            "one qubit's readout", [None, *_qubits_measured_first()], key="whatif_qubit", persist_state="session",
            format_func=lambda q: "unchanged" if q is None else f"qubit {q}", on_change=_start_from_current_readout,
            help="Its P(1|0) and P(0|1) start at the model in force's values; change one to try another",
        )  # fmt: skip
        p10 = columns[6].number_input(
            "P(1|0)",
            0.0,
            1.0,
            0.0,
            step=0.01,
            format="%.4f",
            key="whatif_p10",
            persist_state="session",
            disabled=qubit is None,
        )
        p01 = columns[7].number_input(
            "P(0|1)",
            0.0,
            1.0,
            0.0,
            step=0.01,
            format="%.4f",
            key="whatif_p01",
            persist_state="session",
            disabled=qubit is None,
        )
        changed_qubit = None if qubit is None or (p10, p01) == current_readout(qubit) else qubit
        what_if = WhatIf(
            float(factors["gate"]), float(factors["readout"]), float(factors["relaxation"]), changed_qubit, p10, p01,
            idle=float(factors["idle"]),
        )  # fmt: skip
        if not what_if.is_identity:
            left, right = st.columns([4, 1])
            left.caption(
                "This result uses the scaled model; the model in force is unchanged until you put it in force."
            )
            right.button(
                "Put in force", key="whatif_apply", on_click=_put_in_force, args=(what_if,), icon=":material/check:",
                help="Make this scaled model the model in force (the Noise model page lists it as changes)",
            )  # fmt: skip
        if problem := st.session_state.pop(_PUT_IN_FORCE_ERROR, None):
            st.error(f"Not put in force; the model in force is unchanged: {problem}", icon=":material/error:")
    return what_if


def current_readout(qubit: int) -> tuple[float, float]:
    """(P(1|0), P(0|1)) of ``qubit`` in the model in force."""
    matrix = assignment_matrix(noise_state().spec, qubit)
    return float(matrix[0][1]), float(matrix[1][0])


def _start_from_current_readout() -> None:
    """The one-qubit what-if starts from the chosen qubit's values in force: choosing changes nothing."""
    qubit = st.session_state.get("whatif_qubit")
    p10, p01 = (0.0, 0.0) if qubit is None else current_readout(qubit)
    st.session_state["whatif_p10"], st.session_state["whatif_p01"] = p10, p01
    st.session_state[_SEEDED] = (qubit, p10, p01)


_SEEDED = "whatif_seeded"
"""(qubit, P(1|0), P(0|1)) the one-qubit what-if was last started from."""


def _follow_the_model_in_force() -> None:
    """Values the user left as started follow the model in force when it changes (an edit, a derivation, another
    device): left behind, they would quietly undo that change on this result."""
    seeded = st.session_state.get(_SEEDED)
    qubit = st.session_state.get("whatif_qubit")
    left_as_started = seeded is not None and seeded == (
        qubit, st.session_state.get("whatif_p10"), st.session_state.get("whatif_p01")
    )  # fmt: skip
    if seeded is not None and left_as_started and qubit is not None and current_readout(qubit) != seeded[1:]:
        _start_from_current_readout()


def _put_in_force(what_if: WhatIf) -> None:
    """The what-if's model becomes the model in force, and the strip returns to rest (it would apply twice)."""
    try:
        use_spec(what_if.apply(noise_state().spec))
    except NoiseStudioError as error:
        st.session_state[_PUT_IN_FORCE_ERROR] = str(error)
        return
    for key, value in WHAT_IF_RESET.items():
        st.session_state[key] = value


_PUT_IN_FORCE_ERROR = "whatif_apply_error"


def _qubits_measured_first() -> list[int]:
    """Every qubit of the device, those the last result measured (whose readout matters to it) first."""
    shown = shown_simulation()
    count = current_device().calibration.num_qubits
    measured = [] if shown is None else sorted({int(q) for q in shown.result.measured_qubits if int(q) < count})
    return measured + [q for q in range(count) if q not in set(measured)]


def render_assignment(shown: ShownSimulation) -> None:
    """Specified and estimated matrices of the measured qubits, under the inputs of the result shown."""
    result = shown.result
    qubits = tuple(int(q) for q in result.measured_qubits.sort_index())[:HEATMAP_QUBITS]
    try:
        report = cached_assignment(shown.origin, shown.spec, shown.what_if, qubits, result.shots, result.seed)
    except (NoiseStudioError, TaskStopped) as error:
        st.error(f"Not estimated: {in_ui_terms(error)}", icon=":material/error:")
        return
    st.caption(
        "Row = prepared state, column = recorded outcome. *Specified* comes from the model; *estimated* is what "
        f"readout-calibration circuits would record ({report.shots:,} shots each, sampled from their exact "
        "distributions), so it also carries the X gates' errors and shot noise."
    )
    for start in range(0, len(qubits), 3):
        columns = st.columns(6)
        for offset, qubit in enumerate(qubits[start : start + 3]):
            for side, (kind, matrix) in enumerate((("specified", report.specified), ("estimated", report.estimated))):
                columns[2 * offset + side].plotly_chart(
                    build_assignment_heatmap(matrix[qubit], title=f"q{qubit} {kind}"),
                    key=f"sim_heatmap_{qubit}_{kind}",
                    width="stretch",
                )
    if report.specified_joint is not None:
        joint = ",".join(map(str, report.joint_qubits))
        left, right = st.columns(2)
        left.plotly_chart(
            build_assignment_heatmap(report.specified_joint, title=f"joint q[{joint}] specified"),
            key="sim_heatmap_joint_specified",
            width="stretch",
        )
        right.plotly_chart(
            build_assignment_heatmap(report.estimated_joint, title=f"joint q[{joint}] estimated"),
            key="sim_heatmap_joint_estimated",
            width="stretch",
        )


def render_layout(shown: ShownSimulation) -> None:
    result = shown.result
    pinned = shown.settings.initial_layout is not None
    st.caption(
        f"Active physical qubits: {list(result.active_qubits)}; circuit qubit i started on "
        f"{list(result.initial_layout)} and ended on {list(result.final_layout)}. "
        + (
            "The layout is pinned."
            if pinned
            else f"The transpiler chose this layout with seed {result.seed}; another seed may choose other "
            "qubits, and the exact metrics change with them. Pin it to compare seeds or models on the same qubits."
        )
    )
    if not pinned and st.button("Pin this layout", key="sim_pin_layout", icon=":material/push_pin:"):
        st.session_state[_PENDING_LAYOUT] = ",".join(map(str, result.initial_layout))
        st.rerun(scope="app")  # the layout box and the run settings live outside the result fragment
    if shown.origin.key == current_device().key:
        render_device_map(current_device(), highlight=result.active_qubits, key="sim_layout_map")
    else:
        st.caption(f"This result was computed on {shown.backend_name}; its map is on the Device page.")


def render_coverage(result: SimulationResult) -> None:
    """Which instruction got which channel, and what the device's Target left out (the run's own warnings are
    drawn with its metrics)."""
    for note in (warning for warning in result.warnings if warning.startswith(LEFT_OUT_NOTE)):
        st.caption(f":material/info: {in_ui_terms(note[0].upper() + note[1:])}")
    st.dataframe(
        coverage_for_people(result.coverage),
        key="sim_coverage",
        hide_index=True,
        width="stretch",
        column_config={
            "infidelity": st.column_config.NumberColumn(format="%.2e"),
            "reported_error": st.column_config.TextColumn("reported error"),
        },
    )


def coverage_for_people(coverage: pd.DataFrame) -> pd.DataFrame:
    """The coverage table with the reported error as text: '3.81e-03', 'not reported' for a gate or measurement
    the calibration gives no error for, blank for a wait (a table of numbers would show the word None)."""
    waits = coverage["instruction"] == "delay"
    reported = coverage["reported_error"].map(lambda value: "not reported" if pd.isna(value) else f"{value:.2e}")
    return coverage.assign(reported_error=reported.where(~waits, ""))


def render_schedule(shown: ShownSimulation) -> None:
    """The ALAP schedule of the result's circuit per active qubit, and each qubit's idle time and its cost."""
    result = shown.result
    if result.schedule is None:
        st.info(
            "Not scheduled: the model in force has no idle relaxation (derive with it, the default, to see the "
            "schedule and its idle noise), or the circuit is dynamic (if/switch on measured bits), which Qiskit's "
            "scheduling passes do not take.",
            icon=":material/info:",
        )
        return
    idle = result.coverage[result.coverage["instruction"] == "delay"]
    st.caption(
        "Each qubit waits while others run gates; each wait (a delay) gets the qubit's idle relaxation. Idle time "
        "before the measurement: "
        + ", ".join(
            f"q{row.qubits} {row.idle_ns:,.0f} ns (infidelity {row.infidelity:.1e} per wait)"
            for row in idle.itertuples()
        )
        + ". Waiting after a qubit's measurement changes no outcome and is not simulated."
    )
    st.plotly_chart(build_timeline_figure(result.schedule), key="sim_schedule", width="stretch")


def render_transpiled(shown: ShownSimulation) -> None:
    """The circuit as the device runs it: depth, gate counts and routing swaps, and its drawing on device qubits."""
    result = shown.result
    facts = result.circuit
    counts = ", ".join(f"{name} ×{count}" for name, count in facts.operations)
    st.caption(
        f"On physical qubits {', '.join(map(str, result.active_qubits))}: {facts.describe()}; {counts}. "
        "Each routing swap became three two-qubit gates. Waits of the schedule are not drawn."
    )
    try:
        drawing = cached_drawing(shown.origin, shown.spec, shown.what_if, shown.request, shown.settings)
    except (NoiseStudioError, TaskStopped) as error:
        st.error(f"Not drawn: {in_ui_terms(error)}", icon=":material/error:")
        return
    if drawing is None:
        st.info("Too many instructions to draw readably; the counts above describe it.", icon=":material/info:")
    else:
        st.code(drawing, language=None, wrap_lines=False)


def render_details(result: SimulationResult) -> None:
    timings = (result.timings * 1e3).rename("time (ms)").to_frame()
    st.dataframe(
        timings, key="sim_timings", width="content",
        column_config={"time (ms)": st.column_config.NumberColumn(format="%.1f")},
    )  # fmt: skip
