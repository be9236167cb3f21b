"""The live result: the chosen circuit simulated under the model in force, redrawn on every valid change.

Both the Simulate page and the Noise model page draw it inside a ``st.fragment``, so an edit
reruns only the fragment: one worker task plans the run and, when the plan is estimated under
``LIVE_SECONDS``, runs it in the same round trip. Longer runs wait for a Run button and run as a job
(``components.runtime.background``): one asked for before is found when the user comes back. A result
drawn under inputs that have changed since is labelled stale with the inputs it came from, and
keeps its own circuit's name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.figures.results import HISTOGRAM_ORDERS, HistogramOrder, build_histogram_figure
from components.logic.wording import in_ui_terms
from components.runtime.background import JobFailed, JobPending, has_job, job_seconds
from components.runtime.cached import cached_live, cached_simulation, simulation_key, spec_digest
from components.runtime.run_speed import run_speed
from components.runtime.session import (
    ShownSimulation,
    current_device,
    noise_state,
    set_shown_simulation,
    shown_simulation,
    workbench,
)
from components.runtime.tasks import TaskStopped, task_limits
from components.views.jobs import render_job_state
from components.work.requests import NO_WHAT_IF, WhatIf
from noise_core import NoiseStudioError, SimulationResult
from noise_core.simulation import SimulationPlan
from noise_core.simulation.result import shot_noise_interval
from noise_core.simulation.simulate import LEFT_OUT_NOTE
from noise_core.simulation.views import AXIS_TITLES, VIEWS, WIDE_OUTCOMES_BITS, View, default_view, view_of

LIVE_SECONDS = 1.0
"""Runs estimated under this redraw on every valid change; longer ones wait for the Run button."""


def live_result(what_if: WhatIf = NO_WHAT_IF, *, key: str) -> ShownSimulation | None:
    """Run (live or behind a button) the workbench circuit under the model in force and ``what_if``.

    Returns what to draw: the new result, or the last one (then marked stale), or None.
    """
    bench = workbench()
    device = current_device()
    spec = noise_state().spec
    settings = bench.settings
    inputs = "|".join(map(str, (device.key, spec_digest(spec), what_if, bench.circuit.request.key, settings)))
    speed = run_speed()
    try:
        outcome = cached_live(
            device.origin, spec, what_if, bench.circuit.request, settings, LIVE_SECONDS, speed.factors()
        )
    except (NoiseStudioError, TaskStopped) as error:
        st.error(f"Not simulated: {in_ui_terms(error)}", icon=":material/error:")
        return _stale(inputs)
    if isinstance(outcome, SimulationResult):
        result = outcome
    else:
        asked = has_job(simulation_key(device.origin, spec, what_if, bench.circuit.request, settings))
        runnable = _runnable(outcome)
        clicked = runnable and st.button(
            "Run simulation", type="primary", key=f"{key}_run", icon=":material/play_arrow:"
        )
        if not (clicked or asked):
            return _stale(inputs)
        label = f"Simulating {bench.circuit.label} on {device.calibration.backend_name} ({settings.shots} shots)"
        try:
            result = cached_simulation(device.origin, spec, what_if, bench.circuit.request, settings, label=label)
        except (JobPending, JobFailed) as state:
            render_job_state(state, failed="Not simulated")
            return _stale(inputs)
        except (NoiseStudioError, TaskStopped) as error:
            st.error(f"Not simulated: {in_ui_terms(error)}", icon=":material/error:")
            return _stale(inputs)
    speed.record(result)
    shown = ShownSimulation(
        inputs,
        bench.circuit.label,
        bench.circuit.request,
        result,
        device.calibration.backend_name,
        device.origin,
        spec,
        settings,
        what_if,
    )
    set_shown_simulation(shown)
    return shown


RUN_LIMIT_FRACTION = 0.8
"""A run estimated over this share of its limit (a job's, or a task's) is not offered: estimates are within ~2×,
and a run that passes the limit is lost whole."""
WHAT_TO_CHANGE = {
    "density_matrix": "fewer qubits (each one multiplies the time by about 4), or the method 'trajectories'",
    "trajectories": "fewer shots (the time grows with the shots that meet an error) or fewer qubits, or the method "
    "'auto', which runs a Clifford circuit too wide for trajectories with its model Pauli-twirled",
    "stabilizer": "fewer shots or qubits",
    "twirled": "fewer shots or qubits",
    "matrix_product_state": "fewer shots (each shot is a trajectory of its own), fewer qubits or fewer two-qubit "
    "gates between distant qubits",
}
"""For a run too long for this server, what to change in the page, by method."""


def _runnable(plan: SimulationPlan) -> bool:
    """Say how long the planned run takes on this server; False (and why, and what to change) when it would pass
    the limit it runs under (a job's with a database, else a task's), so no Run button is offered for a run that
    cannot finish."""
    seconds = plan.preparation_seconds + plan.estimated_seconds
    job_limit = job_seconds()
    limit, per = (task_limits().seconds, "run") if job_limit is None else (job_limit, "job")
    what = f"{plan.method} on {len(plan.active_qubits)} active qubits"
    if seconds > RUN_LIMIT_FRACTION * limit:
        st.error(
            f"Not run: {what} is estimated at {seconds:.2g} s on this server, over its {limit:g} s limit per {per}. "
            f"Choose {WHAT_TO_CHANGE.get(plan.method, 'fewer shots or qubits')}.",
            icon=":material/timer_off:",
        )
        return False
    st.caption(f"{what}, estimated {seconds:.2g} s on this server: too long to redraw on every change.")
    return True


def previous_result() -> ShownSimulation | None:
    """The last result, kept on screen and labelled while the inputs above cannot be simulated."""
    shown = shown_simulation()
    if shown is not None:
        st.warning(
            f"Showing the last result, computed for {shown.described}; fix the input above to update it.",
            icon=":material/history:",
        )
    return shown


def _stale(inputs: str) -> ShownSimulation | None:
    shown = shown_simulation()
    if shown is None:
        return None
    if shown.inputs != inputs:
        st.warning(f"Stale: the result below was computed for {shown.described}.", icon=":material/history:")
    return shown


def render_metrics(shown: ShownSimulation, *, per_row: int = 4) -> None:
    """TVD, Hellinger fidelity, success probability (± their shot noise when sampled) and active qubits,
    ``per_row`` to a row; below them the device qubits the circuit ran on and what the transpiler made of it."""
    result = shown.result
    metrics = result.metrics
    noise = "" if metrics.exact else f"; below it, ± one standard error from the {result.shots:,} shots"
    cells = [
        ("Total variation distance", "total_variation_distance", "½·Σ|p_ideal − p_noisy|" + noise),
        ("Hellinger fidelity", "hellinger_fidelity", "(Σ√(p_ideal·p_noisy))²" + noise),
        (
            "Success probability",
            "success_probability",
            "Noisy probability of the circuit's ideal outcomes" + noise
            if metrics.success_probability is not None
            else "No expected outcomes: give them under the OpenQASM program",
        ),
    ]
    columns = [column for start in range(0, 4, per_row) for column in st.columns(per_row)]
    for column, (label, name, help_text) in zip(columns, cells, strict=False):
        value, error = getattr(metrics, name), metrics.standard_errors.get(name)
        column.metric(
            label, "n/a" if value is None else f"{value:.4f}", help=help_text,
            delta=None if error is None else f"± {error:.4f}", delta_color="off", delta_arrow="off",
        )  # fmt: skip
    columns[3].metric("Active qubits", str(len(result.active_qubits)), help="Physical qubits the circuit touches")
    basis = "exact distributions" if metrics.exact else f"{result.shots:,} sampled shots"
    st.caption(
        f"Ran on {shown.backend_name} physical qubits {', '.join(map(str, result.active_qubits))} (circuit qubit "
        f"i on {', '.join(map(str, result.initial_layout))}); transpiled: {result.circuit.describe()}. "
        f"Method {result.method}: {result.method_reason}. Metrics from {basis}; seed {result.seed}."
    )
    if result.approximation:
        measured = "" if result.twirl_measured is None else f" {result.twirl_measured.statement()}."
        st.info(f"Approximate: {result.approximation}.{measured}", icon=":material/blur_on:")
    for warning in result.warnings:
        if not warning.startswith(LEFT_OUT_NOTE):  # about the device, whatever runs: on the Noise coverage tab
            st.warning(in_ui_terms(warning), icon=":material/warning:")


def histogram_table(result: SimulationResult, *, sampled: bool, view: View = "outcome") -> pd.DataFrame:
    """The distribution table in ``view``; with ``sampled`` (or no exact noisy distribution) the noisy column holds
    the sampled frequencies and ``noisy_low``/``noisy_high`` their 95 % shot-noise interval."""
    table = view_of(result.distribution_table(), view)
    if not sampled and result.noisy_probabilities is not None:
        return table
    table["noisy"] = table["noisy_counts"] / result.shots
    interval = shot_noise_interval(table["noisy_counts"], result.shots)
    return table.assign(noisy_low=interval["low"], noisy_high=interval["high"])


@dataclass(frozen=True)
class HistogramOptions:
    top: int = 16
    order: HistogramOrder = "noisy"
    log_scale: bool = False
    sampled: bool = False
    """Noisy bars from the sampled counts, with their shot-noise band, instead of the exact distribution."""
    view: View | None = None
    """Outcomes, per-bit P(1), Hamming weight or parity; None: ``default_view`` of the circuit's width."""


def render_histogram(shown: ShownSimulation, *, key: str, options: HistogramOptions = HistogramOptions()) -> None:
    """Ideal vs noisy bars, titled with the circuit the result was computed for, and what the outcomes are."""
    result = shown.result
    view = options.view or default_view(outcome_bits(result))
    table = histogram_table(result, sampled=options.sampled, view=view)
    name = "" if view == "outcome" else f" by {VIEWS[view]}"
    figure = build_histogram_figure(
        table, top=options.top if view == "outcome" else len(table), order=options.order if view == "outcome" else None,
        log_scale=options.log_scale,
        title=f"{shown.label}: ideal vs noisy{name}", shots=result.shots,
        ideal_sampled=result.ideal_probabilities is None, x_title=AXIS_TITLES[view],
    )  # fmt: skip
    st.plotly_chart(figure, key=f"{key}_histogram", width="stretch")
    if view == "outcome" and len(table) > options.top:
        st.caption(outcomes_seen(result, len(table)))


def outcome_bits(result: SimulationResult) -> int:
    """The classical bits of the circuit's outcomes (read from the counts: the server never reads a transpiled
    circuit, whose unpickled copy once crashed it)."""
    return len(str(result.noisy_counts.index[0]))


def outcomes_seen(result: SimulationResult, count: int) -> str:
    """What the histogram's outcomes are: '74 outcomes seen: a nonzero ideal probability or at least one of the
    4,000 noisy shots'."""
    ideal = "a nonzero ideal probability" if result.ideal_probabilities is not None else "at least one ideal shot"
    noisy = (
        "a nonzero exact noisy probability"
        if result.noisy_probabilities is not None
        else f"at least one of the {result.shots:,} noisy shots"
    )
    return f"{count:,} outcomes seen: {ideal} or {noisy}."


def histogram_options(result: SimulationResult) -> HistogramOptions:
    """What the bars show (outcomes or a view of them), log scale, how many outcomes, their order, and exact vs
    sampled noisy bars."""
    columns = st.columns([1.3, 1, 1, 1, 2])
    wide = default_view(outcome_bits(result)) != "outcome"
    view = columns[0].selectbox(
        "show", list(VIEWS), format_func=VIEWS.__getitem__, index=list(VIEWS).index("weight" if wide else "outcome"),
        key=f"sim_view_{'wide' if wide else 'narrow'}", persist_state="session",  # each width starts from its own
        help=f"Above {WIDE_OUTCOMES_BITS} bits whole outcomes are too many to read: sum them by Hamming weight, "
        "parity or per bit",
    )  # fmt: skip
    log_scale = columns[1].toggle(
        "log scale", key="sim_log", persist_state="session", help="Small probabilities become visible"
    )
    top = columns[2].number_input(
        "outcomes shown", 1, 256, 16, key="sim_top", persist_state="session", help="The most likely ones",
        disabled=view != "outcome",
    )  # fmt: skip
    order = columns[3].selectbox(
        "order", HISTOGRAM_ORDERS, key="sim_order", persist_state="session", format_func=lambda o: f"by {o}",
        disabled=view != "outcome",
    )  # fmt: skip
    exact = result.noisy_probabilities is not None
    sampled = columns[4].toggle(
        "sampled bars ± 95 % shot noise",
        value=not exact,
        disabled=not exact,
        key=f"sim_sampled_{exact}",  # an exact and a sampled result each start from their own default
        persist_state="session",
        help=f"Noisy bars from the {result.shots:,} sampled shots, each with its Wilson score interval; the exact "
        "distribution has no shot noise",
    )
    return HistogramOptions(int(top), order, log_scale, sampled, view)


def render_downloads(shown: ShownSimulation) -> None:
    """Counts and probabilities as CSV and JSON, with the inputs they were computed from."""
    table = shown.result.distribution_table()
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Download CSV", table.to_csv(), file_name="noise-studio-result.csv", mime="text/csv",
        key="sim_download_csv", icon=":material/download:", help="Counts and probabilities per outcome",
        on_click="ignore",
    )  # fmt: skip
    right.download_button(
        "Download JSON", result_json(shown), file_name="noise-studio-result.json", mime="application/json",
        key="sim_download_json", icon=":material/download:",
        help="Counts, probabilities, metrics and the inputs they were computed from", on_click="ignore",
    )  # fmt: skip


def result_json(shown: ShownSimulation) -> str:
    """The result's distributions and the inputs it came from, as a JSON document."""
    result = shown.result

    def as_dict(series: pd.Series | None) -> dict[str, float] | None:
        return None if series is None else {str(k): float(v) for k, v in series.items()}

    document = {
        "computed_for": shown.described,
        "circuit": shown.label,
        "shots": result.shots,
        "seed": result.seed,
        "method": result.method,
        "measured_qubits": {str(clbit): int(qubit) for clbit, qubit in result.measured_qubits.items()},
        "ideal_counts": {str(k): int(v) for k, v in result.ideal_counts.items()},
        "noisy_counts": {str(k): int(v) for k, v in result.noisy_counts.items()},
        "ideal_probabilities": as_dict(result.ideal_probabilities),
        "noisy_probabilities": as_dict(result.noisy_probabilities),
        "metrics": {
            "total_variation_distance": result.metrics.total_variation_distance,
            "hellinger_fidelity": result.metrics.hellinger_fidelity,
            "success_probability": result.metrics.success_probability,
            "exact": result.metrics.exact,
        },
    }
    return json.dumps(document, indent=2)
