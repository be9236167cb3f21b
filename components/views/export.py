"""The Export page's parts: downloads of the spec in force and import of a spec JSON."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from components.logic.wording import in_ui_terms
from components.runtime.cached import (
    cached_circuit_exports,
    cached_classiq_cost,
    cached_exports,
    cached_spec_fingerprint,
)
from components.runtime.session import current_device, noise_state, use_spec, workbench
from components.runtime.tasks import TaskStopped, run_task
from components.views.device_picker import misplaced, misplaced_kind, render_destination
from components.work.replies import FrameworkExport
from noise_core import DocumentKind, NoiseSpec, NoiseStudioError, SpecImportError, spec_from_json
from noise_core.calibration import calibration_mismatch
from noise_core.export import MAX_SPEC_BYTES
from noise_core.frameworks.report import REPORT_KEY, ExportReport

SPEC_KINDS = frozenset({DocumentKind.NOISE_SPEC, DocumentKind.CLASSIQ_SPEC})


def render_downloads() -> None:
    spec = noise_state().spec
    _render_fingerprints(spec)
    try:
        exports = cached_exports(spec)
    except TaskStopped as error:
        st.error(f"The exports were not prepared: {error}")
        return
    name = spec.provenance.backend_name if spec.provenance else "noise_spec"
    full, classiq, aer = st.columns(3)
    with full:
        st.subheader("Full spec")
        st.caption("Every channel, the local extensions and the provenance. Imports back here.")
        st.download_button(
            "Download spec JSON",
            exports.full,
            f"{name}.noise_spec.json",
            "application/json",
            key="export_full",
            on_click="ignore",
        )
    with classiq:
        st.subheader("Classiq")
        notes = exports.classiq_notes
        st.caption(
            "Classiq's ClassiqSimulatorNoiseSpecification fields. What it cannot express is approximated "
            "(process fidelity kept) and listed below."
        )
        st.download_button(
            "Download Classiq JSON",
            exports.classiq,
            f"{name}.classiq.json",
            "application/json",
            key="export_classiq",
            on_click="ignore",
        )
        with st.expander(f"{len(notes)} approximation(s)"):
            st.write("\n".join(f"- {note}" for note in notes[:200]) or "None: the spec is exactly expressible.")
        if notes:
            _render_classiq_cost(spec)
        render_report(exports.classiq_report)
    with aer:
        st.subheader("Qiskit Aer")
        st.caption("NoiseModel.to_dict(serializable=True) of the whole model; coherent errors as unitary errors.")
        st.download_button(
            "Download Aer noise-model dict",
            exports.aer,
            f"{name}.aer_noise_model.json",
            "application/json",
            key="export_aer",
            on_click="ignore",
        )
        with st.expander(f"{len(exports.aer_notes)} left out"):
            st.write("\n".join(f"- {note}" for note in exports.aer_notes) or "None: Aer's dict holds the whole model.")
        render_report(exports.aer_report)
    render_frameworks(exports.frameworks, name)


def render_report(report: ExportReport, where: str = f"under '{REPORT_KEY}'") -> None:
    """What an export kept exactly, approximated and dropped: the summary, where the file holds it, and a table of
    each kind of noise."""
    st.caption(f"In the file, {where}: {report.summary}.")
    with st.expander(f"What {report.framework} keeps, approximates and drops"):
        rows = [line.to_dict() for line in report.lines]
        st.dataframe(pd.DataFrame(rows, columns=["status", "field", "entries", "detail"]), hide_index=True)


def render_frameworks(spec_exports: tuple[FrameworkExport, ...], name: str) -> None:
    """Cirq and PennyLane (the model), Stim and Amazon Braket (the Simulate page's circuit under it), one tab each."""
    st.divider()
    st.subheader("Other frameworks")
    bench = workbench()
    st.caption(
        "Each export was checked on its framework's own simulator. Cirq and PennyLane take the model; Stim and "
        f"Amazon Braket take a circuit under it: {bench.circuit.label}, the Simulate page's circuit."
    )
    try:
        circuit_exports = cached_circuit_exports(current_device().origin, noise_state().spec, bench.circuit.request,
                                                 bench.settings)  # fmt: skip
    except (NoiseStudioError, TaskStopped) as error:
        circuit_exports = ()
        st.warning(f"The circuit's exports were not written: {in_ui_terms(error)}")
    exports = (*spec_exports, *circuit_exports)
    for tab, export in zip(st.tabs([export.framework for export in exports]), exports, strict=True):
        with tab:
            _render_framework(export, name)


def _render_framework(export: FrameworkExport, name: str) -> None:
    if export.document is None or export.report is None:
        st.warning(f"No {export.framework} export: {in_ui_terms(export.problem)}")
        return
    key = "export_" + export.framework.lower().replace(" ", "_")
    label = f"Download {export.framework} ({export.suffix.lstrip('.')})"
    st.download_button(label, export.document, f"{name}{export.suffix}", export.mime, key=key, on_click="ignore")
    render_report(
        export.report, "under 'report'" if export.mime == "application/json" else "in its first comment lines"
    )


def _render_classiq_cost(spec: NoiseSpec) -> None:
    """What the approximation does to the Simulate page's circuit: the TVD between the two noisy results."""
    bench = workbench()
    try:
        cost = cached_classiq_cost(current_device().origin, spec, bench.circuit.request, bench.settings)
    except (NoiseStudioError, TaskStopped) as error:
        st.caption(f"Its effect on {bench.circuit.label} was not measured: {in_ui_terms(error)}")
        return
    how = "exact distributions" if cost.exact else f"sampled, {cost.shots:,} shots each, so shot noise is in it"
    st.caption(
        f"On {bench.circuit.label}, the Simulate page's circuit, it moves the noisy result by a total variation "
        f"distance of {cost.tvd:.4f} ({how})."
    )


def render_import() -> None:
    st.subheader("Import a spec")
    uploaded = st.file_uploader(
        "Spec JSON (the full format above, or Classiq's fields)", type=["json"], key="export_import",
        max_upload_size=MAX_SPEC_BYTES // 2**20,
        help=f"At most {MAX_SPEC_BYTES // 2**20} MB; parsed as JSON and validated in a worker, never executed.",
    )  # fmt: skip
    if uploaded is None:
        return
    content = uploaded.getvalue()
    try:
        spec = run_task("Reading the spec", spec_from_json, content, key=("import", hashlib.sha256(content).digest()))
    except SpecImportError as error:
        _render_import_problems(uploaded.name, content, error)
        return
    except TaskStopped as error:
        st.error(f"{uploaded.name} was not imported; the model in force is unchanged: {error}")
        return
    if _confirmed_for_this_device(uploaded.name, spec) and st.button(
        f"Use {uploaded.name} as the model in force", type="primary", key="export_use_import"
    ):
        use_spec(spec)
        st.success(f"{uploaded.name} is in force: {_summary(spec)}. Edit it on the Noise model page.")


def _render_import_problems(name: str, content: bytes, error: SpecImportError) -> None:
    """Where the file goes when it is another kind of document (a calibration snapshot, a session...), else the
    first 20 problems (field names and rules; ``spec_from_json`` keeps values short)."""
    kind = misplaced_kind(content, SPEC_KINDS)
    problems = [misplaced(kind)] if kind is not None else [str(problem) for problem in error.problems[:20]]
    more = f"\n- … and {len(error.problems) - 20} more" if kind is None and len(error.problems) > 20 else ""
    listed = "\n".join(f"- {problem}" for problem in problems)
    st.error(f"{name} was not imported; the model in force is unchanged.\n\n{listed}{more}")
    if kind is not None:
        render_destination(kind)


def _confirmed_for_this_device(name: str, spec: NoiseSpec) -> bool:
    """True unless the spec came from another snapshot and the user has not confirmed using it here."""
    mismatch = calibration_mismatch(spec, current_device().calibration)
    if mismatch is None:
        return True
    st.warning(f"{name}: {mismatch}.", icon=":material/warning:")
    return st.checkbox(
        f"Use it on {current_device().calibration.backend_name} anyway", key="export_confirm_other_device"
    )


def _render_fingerprints(spec: NoiseSpec) -> None:
    provenance = spec.provenance
    source = "built by hand or imported without provenance"
    if provenance is not None:
        recorded = provenance.calibration_fingerprint or "not recorded"
        source = (
            f"derived from {provenance.backend_name} calibrated {provenance.last_update_date:%Y-%m-%d %H:%M}, "
            f"calibration fingerprint `{recorded}`"
        )
        source += "".join(f"; then fitted to {fit.source} (sha256 `{fit.sha256[:12]}…`)" for fit in provenance.fits)
    st.caption(f"Spec fingerprint `{cached_spec_fingerprint(spec)}` (SHA-256 of its channels) · {source}")


def _summary(spec: NoiseSpec) -> str:
    local = (
        len(spec.local_depolarizing_errors) + len(spec.local_thermal_relaxation_errors) + len(spec.local_pauli_errors)
    )
    return f"{local} qubit-specific channels, {len(spec.local_readout_errors)} readout matrices"
