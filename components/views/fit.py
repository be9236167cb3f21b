"""The Fit page's parts: the plan of circuits to run on the device, the counts upload, the fit and its figures."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from components.figures.fit import (
    build_counts_figure,
    build_residual_figure,
    estimates_table,
    precision_table,
    summary_table,
    support_table,
)
from components.figures.fit_map import build_estimate_map_figure, fitted_families
from components.logic.wording import in_ui_terms
from components.runtime.background import JobFailed, JobPending
from components.runtime.cached import (
    cached_counts_summary,
    cached_device_map,
    cached_example_counts,
    cached_fit,
    cached_plan,
    cached_plan_precision,
)
from components.runtime.session import (
    AcceptedCounts,
    accepted_counts,
    current_device,
    noise_state,
    set_accepted_counts,
    use_spec,
    workbench,
)
from components.runtime.tasks import TaskStopped
from components.views.jobs import render_job_state
from components.work.jobs import EXAMPLE_FACTORS, PRECISION_SHOTS, example_physics
from components.work.requests import CountsUpload, PlanRequest, counts_upload
from noise_core import NoiseFit, NoiseStudioError
from noise_core.analysis.counts import MAX_COUNTS_BYTES
from noise_core.analysis.fit import MAX_LOCAL_PARAMETERS
from noise_core.analysis.planning import MAX_PLANNED_QUBITS, suggest_qubits

AUTO_MODE = "per-location physics the counts support"
NAMED_MODE = "named per-location parameters"
FIT_MODES = ("factors of the model in force", AUTO_MODE, NAMED_MODE)
PARAMETER_LABELS = {
    "gate": "gate errors",
    "readout": "readout (one factor)",
    "readout_per_qubit": "readout (one factor per qubit)",
    "relaxation": "T1/T2 rates in gates",
    "idle": "T1/T2 rates while idle",
}
UPLOAD_LIMIT_MB = MAX_COUNTS_BYTES // 2**20
MAX_NAMED_CHARACTERS = 32 * MAX_LOCAL_PARAMETERS
"""The named-parameters box holds this many characters: room for the most parameters one fit takes."""
EXAMPLE_KEY = "fit_example_wanted"
PRECISION_KEY = "fit_precision_wanted"
_LAST_UPLOAD = "fit_counts_last_upload"
"""The key of the upload last put in use (its content, and for bare counts the Simulate page's circuit, layout and
seed): it is not read again until one of them changes, so example counts put in use afterwards stay."""


def render_plan() -> None:
    """Qubits, mirror depth and characterization → the circuits as OpenQASM with a counts template, what they pin,
    and example counts to try."""
    device = current_device()
    left, middle = st.columns([2, 1])
    path = next(found for count in (3, 2, 1) if (found := suggest_qubits(device.calibration, count)))
    suggested = ",".join(map(str, path))
    text = left.text_input(
        "Device qubits, a connected path", suggested, key="fit_plan_qubits", persist_state="session",
        help=f"1 to {MAX_PLANNED_QUBITS} qubits, comma-separated; virtual qubit i runs on the i-th listed qubit.",
    )  # fmt: skip
    depth = int(middle.number_input("mirror depth", 1, 50, 4, key="fit_plan_depth", persist_state="session"))
    characterization = st.toggle(
        "Characterization circuits (Ramsey, echo, conditional Ramsey, amplified sx, repeated cz, alternating basis "
        "states)",
        key="fit_plan_characterization", persist_state="session",
        help="What per-location fits need: detuning, T2, ZZ of each coupler, sx over-rotation, cz phases, correlated "
        "readout.",
    )  # fmt: skip
    try:
        qubits = tuple(int(item) for item in text.split(",") if item.strip())
        request = PlanRequest(qubits, depth, characterization)
        plan = cached_plan(device.origin, request)
    except ValueError as error:  # not numbers, or FitError (a ValueError) naming the rule
        message = error if isinstance(error, NoiseStudioError) else f"qubits must be numbers like 1,2,3; got {text!r}"
        st.error(in_ui_terms(message), icon=":material/error:")
        return
    except TaskStopped as error:
        st.error(in_ui_terms(error), icon=":material/error:")
        return
    for note in plan.notes:
        st.warning(note, icon=":material/warning:")
    st.markdown("\n".join(f"- **{name}**: {purpose}" for name, purpose in plan.circuits))
    with st.popover("How to run them", icon=":material/help:"):
        st.text(plan.instructions)
    zip_column, example_column = st.columns(2)
    zip_column.download_button(
        "Circuits and counts template (.zip)", plan.archive, mime="application/zip", icon=":material/download:",
        file_name=f"fit-plan-{device.calibration.backend_name}-{'-'.join(map(str, qubits))}.zip", key="fit_plan_zip",
        help="OpenQASM files (3 for circuits that wait), counts_template.json to fill in, and README.txt: how to run "
        "them", on_click="ignore",
    )  # fmt: skip
    _example_counts(example_column, request)
    if characterization:
        _precision(request)


def _precision(request: PlanRequest) -> None:
    """On request: the standard error the plan would leave on each per-location parameter (Fisher information)."""
    if st.session_state.get(PRECISION_KEY) != request:
        if not st.button(f"What would these circuits pin at {PRECISION_SHOTS} shots each?", key="fit_plan_precision",
                         icon=":material/target:"):  # fmt: skip
            return
        st.session_state[PRECISION_KEY] = request
    try:
        precision = cached_plan_precision(current_device().origin, noise_state().spec, request)
    except (NoiseStudioError, TaskStopped) as error:
        st.error(in_ui_terms(error), icon=":material/error:")
        return
    st.dataframe(precision_table(precision), width="stretch")
    st.caption(
        f"Standard errors at {PRECISION_SHOTS} shots per circuit if the model in force were the device: the inverse "
        "Fisher information of the plan's exact distributions, every parameter fitted together. 'not identifiable' "
        "means no number of shots of these circuits separates it from the others."
    )


def _example_counts(column: st.delta_generator.DeltaGenerator, request: PlanRequest) -> None:
    """On request: counts drawn from the model in force at known values, to try the page without a device."""
    known = {kind: f"×{value:g}" for kind, value in EXAMPLE_FACTORS.as_dict().items() if value != 1.0}
    if request.characterization:
        known |= {name: f"{value:g}" for name, value in example_physics(request.qubits).items()}
    values = ", ".join(f"{name} {value}" for name, value in known.items())
    if st.session_state.get(EXAMPLE_KEY) != request:
        if not column.button("Make example counts", key="fit_example_make", icon=":material/science:",
                             help=f"Drawn from the model in force with {values}"):  # fmt: skip
            return
        st.session_state[EXAMPLE_KEY] = request
    try:
        example = cached_example_counts(current_device().origin, noise_state().spec, request)
    except (NoiseStudioError, TaskStopped) as error:
        column.error(in_ui_terms(error), icon=":material/error:")
        return
    column.caption(f"Example counts drawn with {values} (kHz, rad), 4000 shots per circuit: a fit should find them.")
    use, download = column.columns(2)
    if use.button(
        "Use them as the counts", key="fit_example_use", icon=":material/input:", type="primary",
        help="Fit the example counts here, without downloading and uploading them",
    ):  # fmt: skip
        _accept(counts_upload(EXAMPLE_NAME, example, workbench().circuit.request, workbench().settings))
    download.download_button(
        "Download them (.json)", example, file_name=EXAMPLE_NAME, mime="application/json",
        key="fit_example_download", icon=":material/download:", on_click="ignore",
    )  # fmt: skip


EXAMPLE_NAME = "example-counts.json"


def _accept(candidate: CountsUpload) -> bool:
    """Read counts in a worker; counts read without error replace those in use, a rejected file leaves them."""
    try:
        summary = cached_counts_summary(candidate)
    except (NoiseStudioError, TaskStopped) as error:
        st.error(f"{candidate.filename} was not used: {in_ui_terms(error)}", icon=":material/error:")
        return False
    set_accepted_counts(AcceptedCounts(candidate if summary.bare else candidate.as_counts_file(), summary))
    return True


def measured_counts() -> AcceptedCounts | None:
    """The uploader; counts read without error replace the previous ones, a rejected file leaves them."""
    upload = st.file_uploader(
        f"Counts file (.json), or one circuit's counts (Qiskit dict .json, or .csv outcome,count; "
        f"at most {UPLOAD_LIMIT_MB} MB)",
        type=["json", "csv"], key="fit_counts_upload", max_upload_size=UPLOAD_LIMIT_MB,
        help="A counts file names each circuit and its qubits (the template from the plan). Bare counts are read "
        "as the circuit chosen on the Simulate page, on its layout.",
    )  # fmt: skip
    if upload is not None:
        bench = workbench()
        candidate = counts_upload(upload.name, upload.getvalue(), bench.circuit.request, bench.settings)
        if candidate.key != st.session_state.get(_LAST_UPLOAD) and _accept(candidate):
            st.session_state[_LAST_UPLOAD] = candidate.key
    accepted = accepted_counts()
    if accepted is not None:
        _render_summary(accepted)
    return accepted


def _render_summary(accepted: AcceptedCounts) -> None:
    summary = accepted.summary
    rows = [
        {
            "circuit": name,
            "from": reference,
            "shots": shots,
            "device qubits": "transpiler's layout" if qubits is None else ", ".join(map(str, qubits)),
        }
        for name, reference, shots, qubits in summary.experiments
    ]
    st.caption(f"Using **{summary.source}** (sha256 `{summary.sha256[:12]}…`).")
    st.dataframe(pd.DataFrame(rows).set_index("circuit"), width="stretch")


def parameter_choice() -> tuple[str, ...]:
    mode = st.radio(
        "What to fit", list(FIT_MODES), key="fit_mode", horizontal=True, persist_state="session",
        help="Factors scale the whole model in force; per-location physics is one value per gate, qubit or "
        "coupler (over-rotation, ZZ, detuning, readout P(1|0) and P(0|1), …).",
    )  # fmt: skip
    if mode == AUTO_MODE:
        st.caption(
            "The fit tries each kind of physics on each gate (readout, gate error, relaxation, over-rotation, "
            "CZ phases, detuning, ZZ) and keeps what predicts circuits it did not see (3-fold cross-validation "
            "over your circuits). It takes minutes: about 5 on 18 three-qubit circuits."
        )
        return ("auto",)
    if mode == NAMED_MODE:
        text = st.text_input(
            "Parameters", key="fit_named", placeholder="overrotation[sx:5], cphase[cz:4,5], zz[4,5], readout01[4]",
            max_chars=MAX_NAMED_CHARACTERS,
            help="gate[cz:4,5] (×), relaxation[5] (×), readout01[4], readout10[4], readoutcorr[4,5], "
            f"overrotation[sx:5] (rad), cphase[cz:4,5] (rad), zphase[cz:4,5@5] (rad), detuning[5] (kHz), zz[4,5] "
            f"(kHz); at most {MAX_LOCAL_PARAMETERS} in one fit",
        )  # fmt: skip
        return tuple(item.strip() for item in re.split(r",(?![^\[]*\])", text or "") if item.strip())
    chosen = st.multiselect(
        "Fit these factors", list(PARAMETER_LABELS), default=["gate", "readout"], key="fit_parameters",
        format_func=PARAMETER_LABELS.__getitem__, persist_state="session",
        help="Each scales the model in force (as on the Explain page): 1 = as it is, 0 = that noise removed.",
    )  # fmt: skip
    return tuple(name for name in PARAMETER_LABELS if name in chosen)  # one order: one cached fit


def fit_of(accepted: AcceptedCounts, parameters: tuple[str, ...]) -> NoiseFit | None:
    """The fit, or None after saying why there is none."""
    if not parameters:
        st.info("Choose at least one factor or name one parameter to fit.", icon=":material/info:")
        return None
    label = (
        f"Fit of {', '.join(parameters)} to {accepted.upload.filename} on {current_device().calibration.backend_name}"
    )
    try:
        return cached_fit(current_device().origin, noise_state().spec, accepted.upload, parameters, label=label)
    except (JobPending, JobFailed) as state:
        render_job_state(state, failed="Not fitted")
        return None
    except (NoiseStudioError, TaskStopped) as error:
        st.error(in_ui_terms(error), icon=":material/error:")
        return None


def render_fit(fit: NoiseFit) -> None:
    """Goodness of fit before and after, the estimates with their intervals, and 'use the fitted model'."""
    gain, before, after, held = st.columns(4)
    gain.metric(
        "log-likelihood gain", f"{fit.log_likelihood - fit.calibrated_log_likelihood:+.1f}",
        help="ln L(fitted model) − ln L(model in force), natural-log units; 2× it is the deviance drop.",
    )  # fmt: skip
    before.metric(
        "goodness of fit, model in force", fit.calibrated.goodness.p_text(), help=fit.calibrated.goodness.describe()
    )
    after.metric("goodness of fit, fitted model", fit.fitted.goodness.p_text(), help=fit.fitted.goodness.describe())
    if fit.held_out is not None:
        held.metric(
            "held-out NLL, fitted", f"{fit.held_out.fitted:.1f} nats",
            delta=f"{fit.held_out.change:+.0%}", delta_color="inverse", help=fit.held_out.describe() + ".",
        )  # fmt: skip
    for warning in fit.warnings:
        st.warning(warning, icon=":material/warning:")
    if fit.support is not None:
        st.markdown("**What these counts support**")
        st.dataframe(support_table(fit.support), width="stretch")
    if len(fit.estimates):
        st.dataframe(estimates_table(fit.estimates), width="stretch")
        _render_estimate_map(fit)
    how = (
        "exact (each circuit compiled once)"
        if fit.interpolation_error == 0.0
        else f"interpolated to within {fit.interpolation_error:.0e} in probability"
    )
    st.caption(
        f"Model in force: {fit.calibrated.goodness.describe()}. Fitted: {fit.fitted.goodness.describe()}. "
        f"Maximum likelihood over all circuits' counts; 95 % profile-likelihood intervals; "
        f"{fit.simulations} circuit evaluations, {how}."
    )
    if len(fit.correlations) > 1:
        with st.expander("Correlations of the estimates"):
            st.dataframe(fit.correlations.map(lambda value: f"{value:+.2f}"), width="stretch")
    if st.button("Use the fitted model", type="primary", key="fit_use", icon=":material/check:"):
        use_spec(fit.spec)
        st.success(
            f"The model in force is now the fitted one ({fit.describe()}). The fit shown is against the previous "
            "model; the next one is against this one, and its factors should be near ×1.",
            icon=":material/check_circle:",
        )


def _render_estimate_map(fit: NoiseFit) -> None:
    """Per-location estimates on the device map, one family at a time (nothing for global factors)."""
    families = fitted_families(fit.estimates)
    if not families:
        return
    family = st.segmented_control("Map of the estimates", families, default=families[0], key="fit_map_family")
    device = current_device()
    positions, edges, _metrics = cached_device_map(device.key, device.calibration)
    figure = build_estimate_map_figure(positions, edges, fit.estimates, family or families[0])
    st.plotly_chart(figure, key="fit_estimate_map", width="stretch")
    st.caption(
        "Colour: how far the fit moved each qubit's or coupler's value from the model in force (red up, blue down; "
        "log₂ for × factors). Hover for the estimate, its 95 % interval and the calibrated value."
    )


def render_circuits(fit: NoiseFit) -> None:
    """One circuit at a time: measured vs model vs ideal, residuals; then every circuit's distances."""
    names = [item.name for item in fit.fitted.circuits]
    choice, scale = st.columns([3, 1], vertical_alignment="bottom")
    name = choice.selectbox("Circuit", names, key="fit_circuit")
    log = scale.toggle("log scale", key="fit_log", help="Rare outcomes, where noise shows, become visible")
    index = names.index(name) if name in names else 0
    fitted, calibrated = fit.fitted.circuits[index], fit.calibrated.circuits[index]
    st.plotly_chart(build_counts_figure(fitted, calibrated, log=log), key="fit_counts_chart")
    st.plotly_chart(build_residual_figure(fitted, calibrated), key="fit_residual_chart")
    st.dataframe(summary_table(fit.fitted.summary(), fit.calibrated.summary()), width="stretch")
    st.download_button(
        "Estimates (.csv)", fit.estimates.to_csv(), file_name="noise-studio-fit.csv", mime="text/csv",
        key="fit_download_csv", icon=":material/download:", on_click="ignore",
    )  # fmt: skip
