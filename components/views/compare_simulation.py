"""The Simulate page's device comparison: the result shown, and the same circuit under another snapshot's model.

By default the other run uses the same physical qubits (the shown result's initial layout), so
a difference comes from the noise, not from a different placement; a toggle lets each device
pick its own layout. The other snapshot's model is derived with the derivation options in force
(an edited model in force is compared with the other device's derived one, and the caption says so).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components.figures.results import build_comparison_histogram
from components.logic.wording import in_ui_terms
from components.runtime.cached import cached_derive, cached_live
from components.runtime.session import ShownSimulation, current_device, noise_state
from components.runtime.tasks import TaskStopped
from components.views.compare import other_snapshot
from components.work.requests import NO_WHAT_IF
from noise_core import NoiseStudioError, SimulationResult
from noise_core.simulation.result import total_variation_distance

COMPARE_SECONDS = 10.0
"""The other device's run is started on opening the tab when estimated under this."""


def render_device_comparison(shown: ShownSimulation) -> None:
    """Pick another snapshot; simulate the shown circuit under its model; overlay both histograms, with their TVD."""
    picked = other_snapshot(current_device(), "sim_compare")
    if picked is None:
        return
    calibration, origin = picked
    same_qubits = st.toggle(
        "Same physical qubits", value=True, key="sim_compare_same_qubits",
        help=f"On: the other device runs the circuit on {list(shown.result.initial_layout)}, so only the noise "
        "differs. Off: its transpiler picks its own qubits.",
    )  # fmt: skip
    settings = replace(shown.settings, initial_layout=shown.result.initial_layout if same_qubits else None)
    try:
        spec = cached_derive(origin, noise_state().options)
        outcome = cached_live(origin, spec, NO_WHAT_IF, shown.request, settings, COMPARE_SECONDS)
    except (NoiseStudioError, TaskStopped) as error:
        hint = " Turn off 'Same physical qubits' to let it choose its own." if same_qubits else ""
        st.error(f"Not simulated on {calibration.backend_name}: {in_ui_terms(error)}.{hint}", icon=":material/error:")
        return
    if not isinstance(outcome, SimulationResult):
        st.info(
            f"On {calibration.backend_name} this run is estimated at {outcome.estimated_seconds:.2g} s; "
            "compare smaller circuits here.",
            icon=":material/info:",
        )
        return
    _render_both(shown, outcome, calibration.backend_name)


def _render_both(shown: ShownSimulation, other: SimulationResult, other_name: str) -> None:
    mine = shown.result.distribution_table()["noisy"]
    theirs = other.distribution_table()["noisy"]
    distance = total_variation_distance(mine, theirs)
    names = {f"noisy, {shown.backend_name} (in force)": mine, f"noisy, {other_name} (derived)": theirs}
    figure = build_comparison_histogram(
        shown.result.distribution_table()["ideal"], names, title=f"{shown.label} on two devices"
    )
    columns = st.columns(3)
    columns[0].metric("TVD between the two devices", f"{distance:.4f}", help="½·Σ|p₁ − p₂| of the noisy distributions")
    pairs = ((shown.backend_name, shown.result), (other_name, other))
    for column, (name, result) in zip(columns[1:], pairs, strict=True):
        success = result.metrics.success_probability
        column.metric(f"Success on {name}", "n/a" if success is None else f"{success:.4f}")
    st.plotly_chart(figure, key="sim_compare_histogram", width="stretch")
    st.caption(
        f"Physical qubits: {shown.backend_name} {list(shown.result.active_qubits)}, {other_name} "
        f"{list(other.active_qubits)} (circuit qubit i on {list(shown.result.initial_layout)} and "
        f"{list(other.initial_layout)}). {other_name}: method {other.method}, seed {other.seed}. "
        f"{shown.backend_name} uses the model in force (edits included); {other_name} its model derived with the "
        "same options."
    )
