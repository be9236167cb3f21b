"""The Export page's parts: downloads of the spec in force and import of a spec JSON."""

from __future__ import annotations

import streamlit as st

from components.cached import cached_exports, spec_json
from components.session import noise_state, use_spec
from noise_core import NoiseSpec, SpecImportError, spec_from_json

MAX_IMPORT_MB = 20


def render_downloads() -> None:
    spec = noise_state().spec
    exports = cached_exports(spec_json(spec), spec)
    name = spec.provenance.backend_name if spec.provenance else "noise_spec"
    full, classiq, aer = st.columns(3)
    with full:
        st.subheader("Full spec")
        st.caption("Every channel, the local extensions and the provenance. Imports back here.")
        st.download_button(
            "Download spec JSON", exports.full, f"{name}.noise_spec.json", "application/json", key="export_full"
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
        )
        with st.expander(f"{len(notes)} approximation(s)"):
            st.write("\n".join(f"- {note}" for note in notes[:200]) or "None: the spec is exactly expressible.")
    with aer:
        st.subheader("Qiskit Aer")
        st.caption("NoiseModel.to_dict(serializable=True) of the whole model.")
        st.download_button(
            "Download Aer noise-model dict",
            exports.aer,
            f"{name}.aer_noise_model.json",
            "application/json",
            key="export_aer",
        )


def render_import() -> None:
    st.subheader("Import a spec")
    uploaded = st.file_uploader(
        "Spec JSON (the full format above, or Classiq's fields)", type=["json"], key="export_import",
        help=f"At most {MAX_IMPORT_MB} MB; parsed as JSON and validated, never executed.",
    )  # fmt: skip
    if uploaded is None:
        return
    try:
        spec = spec_from_json(uploaded.getvalue())
    except SpecImportError as error:
        st.error(
            f"{uploaded.name} was not imported; the model in force is unchanged.\n\n"
            + "\n".join(f"- {problem}" for problem in error.problems[:20])
        )
        return
    if st.button(f"Use {uploaded.name} as the model in force", type="primary", key="export_use_import"):
        use_spec(spec)
        st.success(f"{uploaded.name} is in force: {_summary(spec)}. Edit it on the Noise model page.")


def _summary(spec: NoiseSpec) -> str:
    local = (
        len(spec.local_depolarizing_errors) + len(spec.local_thermal_relaxation_errors) + len(spec.local_pauli_errors)
    )
    return f"{local} qubit-specific channels, {len(spec.local_readout_errors)} readout matrices"
