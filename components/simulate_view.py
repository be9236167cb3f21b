"""The Simulate page's parts: circuit choice, settings, live-or-button running, and the results.

A run is *live* (no click) when ``plan_simulation`` estimates it under ``LIVE_SECONDS``;
otherwise it waits for the Run button and the result on screen is marked stale until then.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import cast

import streamlit as st

from components.cached import cached_assignment, cached_circuit_name, cached_plan, cached_simulation, spec_digest
from components.device_view import render_device_map
from components.figures import build_assignment_heatmap, build_histogram_figure
from components.jobs import CircuitRequest
from components.session import current_device, noise_state, set_shown_simulation, shown_simulation
from components.tasks import TaskStopped
from noise_core import CIRCUIT_LIBRARY, NoiseStudioError, SimulationLimits, SimulationResult
from noise_core.errors import CircuitError
from noise_core.simulation import METHODS
from noise_core.simulation.circuits import MAX_CLIFFORD_DEPTH, QUBIT_RANGES
from noise_core.simulation.methods import Method
from noise_core.simulation.qasm_bounds import DEFAULT_QASM_LIMITS

LIVE_SECONDS = 1.0
"""Runs estimated under this re-render on every valid edit; longer ones wait for the Run button."""
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


@dataclass(frozen=True)
class ChosenCircuit:
    request: CircuitRequest
    label: str


def circuit_picker() -> ChosenCircuit | None:
    """Library circuit with its parameters, or OpenQASM pasted or uploaded; None (and a message) if invalid."""
    source = st.segmented_control("Circuit from", ["Library", "OpenQASM"], default="Library", key="sim_source")
    if source == "OpenQASM":
        return _qasm_circuit()
    name = st.selectbox("Circuit", list(CIRCUIT_LIBRARY), index=1, key="sim_library")
    parameters = tuple(sorted(_library_parameters(name).items()))
    request = CircuitRequest(f"library:{name}:{parameters!r}", library=name, parameters=parameters)
    try:
        label = cached_circuit_name(request)
    except (CircuitError, TaskStopped) as error:
        st.error(f"{error}")
        return None
    return ChosenCircuit(request, label)


def _library_parameters(name: str) -> dict[str, object]:
    columns = st.columns(3)
    if name in QUBIT_RANGES:
        default = {"GHZ": 3, "QFT": 4, "Grover": 3, "random Clifford": 4}[name]
        low, high = QUBIT_RANGES[name]
        size = columns[0].number_input("qubits", low, high, default, key=f"sim_{name}_n")
        parameters: dict[str, object] = {"num_qubits": int(size)}
        if name == "QFT":
            value = columns[1].number_input("value read back", 0, None, 5, key="sim_qft_value")
            parameters["value"] = int(value)
        if name == "Grover":
            parameters["marked"] = columns[1].text_input("marked bitstring", "1" * int(size), key="sim_grover_marked")
        if name == "random Clifford":
            parameters["depth"] = int(
                columns[1].number_input("depth", 1, MAX_CLIFFORD_DEPTH, 3, key="sim_clifford_depth")
            )
            parameters["seed"] = int(columns[2].number_input("circuit seed", 0, None, 1, key="sim_clifford_seed"))
        return parameters
    if name == "Bernstein–Vazirani":
        return {"secret": columns[0].text_input("secret bitstring", "1011", key="sim_bv_secret")}
    return {}


def _qasm_circuit() -> ChosenCircuit | None:
    limit_kb = DEFAULT_QASM_LIMITS.max_bytes // 1000
    uploaded = st.file_uploader(
        "Upload a .qasm file", type=["qasm", "txt"], key="sim_qasm_upload",
        help=f"OpenQASM 2 or 3 text, at most {limit_kb} kB; it is only parsed, never executed, and may "
        'include only "qelib1.inc" (2) or "stdgates.inc" (3).',
    )  # fmt: skip
    if uploaded is not None:
        content = uploaded.getvalue()
        if len(content) > DEFAULT_QASM_LIMITS.max_bytes:
            st.error(f"{uploaded.name} is {len(content) // 1000} kB; the limit is {limit_kb} kB.")
            return None
        text = content.decode("utf-8", errors="replace")
    else:
        text = st.text_area("…or paste OpenQASM 2 or 3", DEFAULT_QASM, height=200, key="sim_qasm_text")
    request = CircuitRequest(f"qasm:{hashlib.sha256(text.encode()).hexdigest()[:16]}", qasm=text)
    try:
        cached_circuit_name(request)
    except (CircuitError, TaskStopped) as error:
        st.error(f"The program was not read: {error}")
        return None
    return ChosenCircuit(request, "OpenQASM program")


def settings() -> tuple[int, int, Method]:
    columns = st.columns(3)
    shots = columns[0].number_input("shots", 1, SimulationLimits().max_shots, 4000, step=1000, key="sim_shots")
    seed = columns[1].number_input("seed", 0, 2**32 - 1, 7, key="sim_seed", help="Same seed, same counts")
    method = columns[2].selectbox(
        "method", METHODS, key="sim_method",
        help="auto: exact density matrix when it fits, stabilizer for wide Clifford circuits, else trajectories",
    )  # fmt: skip
    return int(shots), int(seed), cast(Method, method)  # one of METHODS, the only options offered


def run_or_show(chosen: ChosenCircuit, shots: int, seed: int, method: Method) -> SimulationResult | None:
    """Run live when cheap, else behind a button; returns the result to draw (maybe stale)."""
    device = current_device()
    spec = noise_state().spec
    inputs = f"{device.key}|{spec_digest(spec)}|{chosen.request.key}|{shots}|{seed}|{method}"
    arguments = (device.origin, spec, chosen.request, method, shots, seed)
    try:
        plan = cached_plan(*arguments)
    except (NoiseStudioError, TaskStopped) as error:
        st.error(f"Not simulated: {error}")
        return _stale(inputs)
    live = plan.estimated_seconds <= LIVE_SECONDS
    st.caption(
        f"Plan: {plan.method} on {len(plan.active_qubits)} active qubits, {plan.num_instructions} instructions, "
        f"estimated {plan.estimated_seconds:.2g} s — " + ("runs live on every change." if live else "press Run.")
    )
    if live or st.button("Run simulation", type="primary", key="sim_run"):
        try:
            result = cached_simulation(*arguments, lane="quick" if live else "heavy")
        except (NoiseStudioError, TaskStopped) as error:
            st.error(f"Not simulated: {error}")
            return _stale(inputs)
        set_shown_simulation(inputs, result)
        return result
    return _stale(inputs)


def previous_result() -> SimulationResult | None:
    """The last result, kept on screen (marked) while the circuit above cannot be simulated."""
    shown = shown_simulation()
    if shown is not None:
        st.warning("Showing the last result; fix the circuit above to update it.", icon="⏳")
    return None if shown is None else shown.result


def _stale(inputs: str) -> SimulationResult | None:
    shown = shown_simulation()
    if shown is None:
        return None
    if shown.inputs != inputs:
        st.warning("Stale: the result below is from before your last change. Press Run to update it.", icon="⏳")
    return shown.result


def render_metrics(result: SimulationResult) -> None:
    metrics = result.metrics
    columns = st.columns(4)
    columns[0].metric("Total variation distance", f"{metrics.total_variation_distance:.4f}")
    columns[1].metric("Hellinger fidelity", f"{metrics.hellinger_fidelity:.4f}")
    success = metrics.success_probability
    columns[2].metric(
        "Success probability",
        "n/a" if success is None else f"{success:.4f}",
        help="Noisy probability of the circuit's ideal outcomes" if success is not None else "No known ideal outcome",
    )
    columns[3].metric("Active qubits", len(result.active_qubits), help="Physical qubits the circuit touches")
    basis = "exact distributions" if metrics.exact else f"{result.shots} sampled shots"
    st.caption(f"Method {result.method}: {result.method_reason}. Metrics from {basis}; seed {result.seed}.")


def render_histogram(result: SimulationResult, label: str) -> None:
    figure = build_histogram_figure(result.distribution_table(), title=f"{label}: ideal vs noisy")
    st.plotly_chart(figure, key="sim_histogram", width="stretch")


def render_assignment(result: SimulationResult, shots: int, seed: int) -> None:
    device = current_device()
    spec = noise_state().spec
    qubits = tuple(int(q) for q in result.measured_qubits.sort_index())[:HEATMAP_QUBITS]
    try:
        report = cached_assignment(device.origin, spec, qubits, shots, seed)
    except (NoiseStudioError, TaskStopped) as error:
        st.error(f"Not estimated: {error}")
        return
    st.caption(
        "Row = prepared state, column = recorded outcome. *Specified* comes from the model; *estimated* from "
        f"simulating readout-calibration circuits ({report.shots} shots each), so it also carries the X gates' "
        "errors and shot noise."
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


def render_layout(result: SimulationResult) -> None:
    st.caption(
        f"Active physical qubits: {list(result.active_qubits)}; circuit qubit i started on "
        f"{list(result.initial_layout)} and ended on {list(result.final_layout)}."
    )
    render_device_map(current_device(), highlight=result.active_qubits, key="sim_layout_map")


def render_coverage(result: SimulationResult) -> None:
    for warning in result.warnings:
        st.warning(warning)
    st.dataframe(
        result.coverage,
        key="sim_coverage",
        hide_index=True,
        width="stretch",
        column_config={
            "infidelity": st.column_config.NumberColumn(format="%.2e"),
            "reported_error": st.column_config.NumberColumn("reported error", format="%.2e"),
        },
    )


def render_details(result: SimulationResult) -> None:
    st.dataframe((result.timings * 1e3).round(1).rename("ms").to_frame(), key="sim_timings", width="content")
