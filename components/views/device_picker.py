"""Choose the device: a shipped preset, or an uploaded BackendProperties JSON or IBM calibration CSV.

Also where a file meant for another place goes (``misplaced``, ``render_destination``): every uploader
that refuses a document asks ``noise_core.identify_document`` what it is and sends the user on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components.runtime.cached import cached_upload
from components.runtime.session import (
    LoadedDevice,
    archive_note,
    current_device,
    preset_device,
    set_archive_note,
    set_device,
    set_upload_error,
    upload_error,
)
from components.runtime.startup import PAGES
from components.runtime.tasks import TaskStopped, run_task
from components.runtime.workspace import archive_upload
from components.work.requests import upload_source
from noise_core import CalibrationError, DocumentKind, identify_document
from noise_core.calibration import MAX_DOCUMENT_BYTES
from presets import list_presets

PRESET_KEY = "device_preset"
UPLOAD_KEY = "device_upload"
_MISPLACED = "device_upload_misplaced"
UPLOAD_LIMIT_MB = MAX_DOCUMENT_BYTES // 2**20
"""The loader's limit, stated in the label and enforced by the browser (``server.maxUploadSize`` is at least this)."""
SNAPSHOT_KINDS = frozenset(
    {DocumentKind.CALIBRATION_JSON, DocumentKind.CALIBRATION_CSV, DocumentKind.VENDOR_CALIBRATION}
)


@dataclass(frozen=True)
class Destination:
    """Where a kind of document goes: what to tell the user, and the page to link (None: the sidebar)."""

    advice: str
    page: Path | None = None
    label: str = ""
    icon: str | None = None


_DEVICE_PAGE = Destination(
    "load it on the Device page", PAGES / "device.py", "Load a calibration snapshot on the Device page",
    ":material/memory:",
)  # fmt: skip
_EXPORT_PAGE = Destination(
    "import it on the Export page ('Import a spec')", PAGES / "export.py", "Import a spec on the Export page",
    ":material/download:",
)  # fmt: skip
_FIT_PAGE = Destination(
    "upload it on the Fit page", PAGES / "fit.py", "Compare or fit measured counts on the Fit page",
    ":material/query_stats:",
)  # fmt: skip
_AER_DICT = Destination(
    "it is written for Qiskit Aer and is not read here; import the spec's full or Classiq JSON on the Export page",
    _EXPORT_PAGE.page, _EXPORT_PAGE.label, _EXPORT_PAGE.icon,
)  # fmt: skip
DESTINATIONS = {
    DocumentKind.CALIBRATION_JSON: _DEVICE_PAGE,
    DocumentKind.CALIBRATION_CSV: _DEVICE_PAGE,
    DocumentKind.VENDOR_CALIBRATION: _DEVICE_PAGE,
    DocumentKind.NOISE_SPEC: _EXPORT_PAGE,
    DocumentKind.CLASSIQ_SPEC: _EXPORT_PAGE,
    DocumentKind.AER_NOISE_MODEL: _AER_DICT,
    DocumentKind.SESSION: Destination("open it with 'Restore a session' in the sidebar"),
    DocumentKind.COUNTS: _FIT_PAGE,
}
"""Where each kind of document goes in the app."""


def misplaced_kind(content: bytes, own: frozenset[DocumentKind]) -> DocumentKind | None:
    """What a refused file is when it is another kind than ``own`` (read in a worker, bounded), else None."""
    try:
        kind = run_task(
            "Recognising the file", identify_document, content, key=("identify", hashlib.sha256(content).digest())
        )
    except TaskStopped:
        return None
    return None if kind is None or kind in own else kind


def misplaced(kind: DocumentKind) -> str:
    """'this is <kind>: <where it goes>'."""
    return f"this is {kind}: {DESTINATIONS[kind].advice}"


def render_destination(kind: DocumentKind) -> None:
    """A link to the page where ``kind`` goes (none for a session bundle: the sidebar is on every page)."""
    destination = DESTINATIONS[kind]
    if destination.page is not None:
        st.page_link(destination.page, label=destination.label, icon=destination.icon)


def _load_selected_preset() -> None:
    name = st.session_state[PRESET_KEY]
    if name is None:  # only a client that skips the browser sends an empty choice
        return
    try:
        set_device(preset_device(name))
    except TaskStopped as error:
        _refuse(f"{name} was not loaded: {error}")


def _load_upload() -> None:
    uploaded = st.session_state[UPLOAD_KEY]
    if uploaded is None:  # the user removed the file: the device stays in force (``device_picker`` says so)
        return
    content = uploaded.getvalue()
    origin = upload_source(uploaded.name, content)
    try:
        calibration = cached_upload(origin)
        set_device(LoadedDevice(calibration, f"upload {uploaded.name}", origin))
        set_archive_note(archive_upload(content, uploaded.name, calibration))
    except CalibrationError as error:
        kind = misplaced_kind(content, SNAPSHOT_KINDS)
        _refuse(f"{uploaded.name} was not loaded: {error if kind is None else misplaced(kind)}", kind)
    except TaskStopped as error:
        _refuse(f"{uploaded.name} was not loaded: {error}")


def _refuse(message: str, kind: DocumentKind | None = None) -> None:
    """Keep the device in force; say why, and remember where the file goes if it is another kind of document."""
    set_upload_error(message)
    st.session_state[_MISPLACED] = (message, kind)


def _show_device_in_force(preset: str | None) -> None:
    """Set the preset box to the device in force (a link, a restore or a failed pick may have changed it): its
    preset, or none for an upload, so that the placeholder names the upload and any preset can be picked."""
    if PRESET_KEY not in st.session_state or st.session_state[PRESET_KEY] != preset:
        st.session_state[PRESET_KEY] = preset


def device_picker() -> None:
    """Preset select box and upload box, always saying which device is in force; a refused upload leaves it."""
    presets = {preset.name: preset for preset in list_presets()}
    names = list(presets)
    device = current_device()
    calibration, in_force = device.calibration, device.origin.preset
    _show_device_in_force(in_force)
    left, right = st.columns(2)
    left.selectbox(
        "Preset device",
        names,
        index=None,  # the value is the state _show_device_in_force set (a default as well made Streamlit warn)
        format_func=lambda name: presets[name].label,
        placeholder=f"In force: {calibration.backend_name} ({device.source})",
        key=PRESET_KEY,
        on_change=_load_selected_preset,
        help="IBM's calibration snapshots shipped with qiskit-ibm-runtime, Google's Willow calibration shipped "
        "with cirq-google, Quantinuum H1-1's published emulator parameters, and IonQ Harmony as AWS Braket lists "
        "it (example figures from amazon-braket-schemas, not one day's calibration); all Apache-2.0. Sources: "
        "presets/snapshots/MANIFEST.json.",
    )
    in_box = right.file_uploader(
        f"…or upload a calibration: IBM, Braket, IonQ, Google or Quantinuum (at most {UPLOAD_LIMIT_MB} MB)",
        type=["json", "csv"],
        key=UPLOAD_KEY,
        on_change=_load_upload,
        max_upload_size=UPLOAD_LIMIT_MB,
        help="IBM calibration snapshot: props_*.json or backend.properties().to_dict(), or the CSV from a QPU's "
        "page on IBM Quantum Platform ('Download calibration data'; keep its file name, which holds the backend "
        "and the calibration time). AWS Braket: a device's properties JSON (IonQ, IQM, Rigetti), checked against "
        "Braket's own schemas. IonQ: its characterization JSON. Google: a calibration as cirq-google ships it "
        "(its file name gives the date). Quantinuum: a row of its published emulator parameters as JSON, with "
        f"n_qubits. The limit is {UPLOAD_LIMIT_MB} MB (real snapshots are under 1 MB). The "
        "device in force stays until a file loads.",
    )
    if in_force is None:
        uploaded = device.source.startswith("upload ")  # not opened from the archive
        removed = " The file is no longer in the box: it" if in_box is None and uploaded else " It"
        st.caption(
            f"In force: {device.source} ({calibration.backend_name}, {calibration.num_qubits} qubits).{removed} "
            "stays in force until a preset is picked or another file is loaded."
        )
        _render_archive_note()
    _render_refusal()


def _render_archive_note() -> None:
    """Whether the upload in force went into the archive (a warning when the database could not take it)."""
    note = archive_note()
    if note is None:
        return
    stored, message = note
    if stored:
        st.caption(f":material/inventory_2: {message}")
    else:
        st.warning(message, icon=":material/cloud_off:")


def _render_refusal() -> None:
    """The last refused upload's message, with a link to where the file goes when it is another kind of document."""
    message = upload_error()
    if not message:
        return
    remembered = st.session_state.get(_MISPLACED)
    kind = remembered[1] if remembered is not None and remembered[0] == message else None
    advice = "" if kind is not None else " Fix the file and upload it again."
    st.error(f"{message}\n\nStill showing {current_device().source}.{advice}")
    if kind is not None:
        render_destination(kind)
