"""The Simulate page's result tabs: plan and timings, the transpiled circuit, assignment matrices, the layout on
the device, noise coverage and the schedule. Each draws only while its tab is open."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.figures.results import build_assignment_difference, build_assignment_heatmap, build_timeline_figure
from components.logic.wording import in_ui_terms
from components.runtime.cached import cached_assignment, cached_drawing
from components.runtime.session import ShownSimulation, current_device
from components.runtime.tasks import TaskStopped
from components.views.device import render_device_map
from components.views.simulate_inputs import PENDING_LAYOUT_KEY
from noise_core import AssignmentReport, NoiseStudioError, SimulationResult
from noise_core.simulation.coverage import ZZ_INSTRUCTION
from noise_core.simulation.simulate import LEFT_OUT_NOTE
from noise_core.simulation.twirl import TwirlMeasurement

HEATMAP_QUBITS = 6
"""Per-qubit assignment heatmaps are drawn for at most this many measured qubits."""


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
        _render_joint(report)


def _render_joint(report: AssignmentReport) -> None:
    """The joint matrix, specified and estimated, and with correlated readout its difference from the product of the
    qubits' marginals (what independent readouts would record)."""
    joint = ",".join(map(str, report.joint_qubits))
    columns = st.columns(3 if report.correlated else 2)
    columns[0].plotly_chart(
        build_assignment_heatmap(report.specified_joint, title=f"joint q[{joint}] specified"),
        key="sim_heatmap_joint_specified",
        width="stretch",
    )
    columns[-1].plotly_chart(
        build_assignment_heatmap(report.estimated_joint, title=f"joint q[{joint}] estimated"),
        key="sim_heatmap_joint_estimated",
        width="stretch",
    )
    if report.correlated and report.marginal_product_joint is not None:
        columns[1].plotly_chart(
            build_assignment_difference(
                report.specified_joint, report.marginal_product_joint, title="specified − product of marginals"
            ),
            key="sim_heatmap_joint_correlation",
            width="stretch",
        )
        st.caption(
            "Correlated readout: the middle map is the specified joint matrix minus the product of its qubits' own "
            "matrices, what their readouts add by not erring independently."
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
        st.session_state[PENDING_LAYOUT_KEY] = ",".join(map(str, result.initial_layout))
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
    the calibration gives no error for, blank for a wait or a pair's ZZ (a table of numbers would show the word
    None)."""
    waits = coverage["instruction"].isin(["delay", ZZ_INSTRUCTION])
    reported = coverage["reported_error"].map(lambda value: "not reported" if pd.isna(value) else f"{value:.2e}")
    return coverage.assign(reported_error=reported.where(~waits, ""))


def render_schedule(shown: ShownSimulation) -> None:
    """The ALAP schedule of the result's circuit per active qubit, and each qubit's idle time and its cost."""
    result = shown.result
    if result.schedule is None:
        st.info(
            "Not scheduled: the model in force has no noise that acts over time (idle relaxation, detuning or ZZ "
            "crosstalk; derive with idle relaxation, the default, to see the schedule and its idle noise), or the "
            "circuit is dynamic (if/switch on measured bits), which Qiskit's scheduling passes do not take.",
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
    """The method and why, for an approximate one what it approximated and its size where the exact method runs,
    then the time of each stage."""
    st.markdown(f"**Method {result.method}**: {in_ui_terms(result.method_reason)}.")
    if result.approximation:
        st.markdown(f"**Approximation**: {result.approximation}.")
    measured = result.twirl_measured
    if measured is not None:
        st.markdown(
            f"**Measured where the exact method runs**: {measured.circuit} on qubits "
            f"{', '.join(map(str, measured.physical_qubits))} (the first of this run's), both distributions exact."
        )
        st.dataframe(
            twirl_table(measured), key="sim_twirl_measured", hide_index=True, width="content",
            column_config={"value": st.column_config.NumberColumn(format="%.4f")},
        )  # fmt: skip
    timings = (result.timings * 1e3).rename("time (ms)").to_frame()
    st.dataframe(
        timings, key="sim_timings", width="content",
        column_config={"time (ms)": st.column_config.NumberColumn(format="%.1f")},
    )  # fmt: skip


def twirl_table(measured: TwirlMeasurement) -> pd.DataFrame:
    """The twirl's measured size as rows: total variation distance, and success probability exact and twirled."""
    rows = [("total variation distance, exact vs twirled", measured.distance)]
    if measured.exact_success is not None and measured.twirled_success is not None:
        rows += [("success probability, exact", measured.exact_success)]
        rows += [("success probability, twirled", measured.twirled_success)]
    return pd.DataFrame(rows, columns=["quantity", "value"])
