"""Share and reproduce a view: the session bundle (download, restore) and the link that reopens it.

The link carries the preset, the library circuit (``ghz:3``), shots, seed, method and a pinned layout
as query parameters; it is read once per browser session, when the app opens. Model edits and
OpenQASM programs are too large for a URL: the bundle carries them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from components.logic.cells import parse_qubits
from components.logic.wording import plain
from components.runtime.cached import cached_circuit_name, spec_digest
from components.runtime.session import (
    ChosenCircuit,
    current_device,
    noise_state,
    preset_device,
    set_device,
    set_workbench,
    workbench,
)
from components.runtime.tasks import TaskStopped
from components.views.bundles import bundle_writer, put_in_force, restored_view
from components.views.device_picker import PRESET_KEY, misplaced, misplaced_kind, render_destination
from components.views.saved import ITEM_PARAMETER, open_item_link
from components.views.simulate_inputs import widget_state, with_page_defaults
from components.work.requests import library_request
from noise_core import DerivationOptions, DocumentKind, NoiseStudioError
from noise_core.sessions import MAX_SESSION_BYTES, SESSION_SUFFIX
from noise_core.simulation.circuits import MAX_LIBRARY_QUBITS
from noise_core.simulation.methods import METHODS, Method, SimulationLimits
from noise_core.simulation.options import RunOptions
from noise_core.simulation.references import parse_reference, reference_of
from presets import list_presets

BUNDLE_KEY = "session_bundle_upload"
_LINK_READ = "session_link_read"
_MESSAGES = "session_messages"
_DESTINATIONS = "session_destinations"
RESTORE_LIMIT_MB = MAX_SESSION_BYTES // 2**20
Value = TypeVar("Value")
LINK_PARAMETERS = ("preset", "circuit", "shots", "seed", "method", "layout", "avoid_uncalibrated")


def read_link_once() -> None:
    """The first run of a browser session: put the link's view in force (each bad parameter said, then ignored)."""
    if st.session_state.get(_LINK_READ):
        return
    st.session_state[_LINK_READ] = True
    if ITEM_PARAMETER in st.query_params:  # a saved item's link: the item is the whole view it opens
        problem = open_item_link(st.query_params[ITEM_PARAMETER])
        _say(*([problem] if problem else []))
        return
    parameters = {key: st.query_params[key] for key in LINK_PARAMETERS if key in st.query_params}
    if parameters:
        _say(*_apply_link(parameters))


def _apply_link(parameters: dict[str, str]) -> list[str]:
    problems = []
    preset = parameters.get("preset")
    if preset is not None:
        if preset not in {item.name for item in list_presets()}:
            problems.append(f"The link's preset {preset[:40]!r} is not shipped here; the device stays as it was.")
        elif preset != current_device().origin.preset:
            try:
                set_device(preset_device(preset))
                st.session_state[PRESET_KEY] = preset
            except TaskStopped as error:
                problems.append(f"The link's preset {preset} was not loaded: {error}")
    bench = workbench()
    circuit, settings = bench.circuit, bench.settings
    if "circuit" in parameters:
        try:
            name, given = parse_reference(parameters["circuit"])
            request = library_request(name, with_page_defaults(name, given))
            circuit = ChosenCircuit(request, cached_circuit_name(request))
        except (NoiseStudioError, TaskStopped) as error:
            problems.append(f"The link's circuit was not used: {error}")
    settings, settings_problems = _link_settings(parameters, settings)
    set_workbench(circuit, settings)
    st.session_state.update(widget_state(circuit.request, settings))
    return problems + settings_problems


def _link_settings(parameters: dict[str, str], settings: RunOptions) -> tuple[RunOptions, list[str]]:
    """Shots, seed, method, layout and avoidance of uncalibrated couplers from the link, each checked against the
    Simulate page's own limits."""
    problems = []

    def checked(name: str, convert: Callable[[str], Value], rule: str, default: Value) -> Value:
        if name not in parameters:
            return default
        try:
            return convert(parameters[name])
        except ValueError:
            problems.append(f"The link's {name} {parameters[name][:40]!r} was not used: it must be {rule}.")
            return default

    shots = SimulationLimits().max_shots
    chosen = RunOptions(
        shots=checked(
            "shots", lambda text: _whole(text, 1, shots), f"a whole number from 1 to {shots:,}", settings.shots
        ),
        seed=checked("seed", lambda text: _whole(text, 0, 2**32 - 1), "a whole number from 0 to 2³²−1", settings.seed),
        method=checked("method", _method, "one of " + ", ".join(METHODS), settings.method),
        initial_layout=checked("layout", _layout, "distinct qubit numbers like 1,2,3", settings.initial_layout),
        avoid_uncalibrated_couplers=checked(
            "avoid_uncalibrated", _switch, "0 or 1", settings.avoid_uncalibrated_couplers
        ),
    )
    return chosen, problems


def _whole(text: str, low: int, high: int) -> int:
    value = int(text)
    if not low <= value <= high:
        raise ValueError
    return value


def _switch(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError
    return text == "1"


def _method(text: str) -> Method:
    if text not in METHODS:
        raise ValueError
    return cast(Method, text)


def _layout(text: str) -> tuple[int, ...]:
    """Distinct qubit numbers, at most one per qubit of the largest library circuit (``parse_qubits``'s rules)."""
    if len(text) > 8 * MAX_LIBRARY_QUBITS:
        raise ValueError
    qubits = tuple(parse_qubits(text))
    if not qubits or len(qubits) > MAX_LIBRARY_QUBITS or len(set(qubits)) < len(qubits):
        raise ValueError
    return qubits


def render_messages() -> None:
    """What the last link or restore said (once), as plain text: file names and link values are the sender's."""
    for message in st.session_state.pop(_MESSAGES, []):
        st.warning(plain(message), icon=":material/warning:")
    for kind in st.session_state.pop(_DESTINATIONS, []):
        render_destination(kind)


def _say(*messages: str) -> None:
    st.session_state[_MESSAGES] = [*st.session_state.get(_MESSAGES, []), *messages]


def render_restore() -> None:
    """The sidebar's box to restore a session bundle (drawn before the page, so a restore is in force for it)."""
    with st.sidebar.expander("Restore a session", icon=":material/restore:"):
        st.file_uploader(
            f"A session bundle (at most {RESTORE_LIMIT_MB} MB)", type=["json"], key=BUNDLE_KEY, on_change=_restore,
            max_upload_size=RESTORE_LIMIT_MB, help="A *.noise-studio.json file; a bad one changes nothing.",
        )  # fmt: skip


def render_share(page_path: str) -> None:
    """The sidebar's share box, drawn after the page (it shows the view the page just chose): the bundle to
    download and the link to copy."""
    with st.sidebar.expander("Share this view", icon=":material/share:"):
        st.download_button(
            f"Download the session ({SESSION_SUFFIX})", data=bundle_writer(), mime="application/json",
            file_name=f"{current_device().calibration.backend_name}{SESSION_SUFFIX}", key="session_download",
            icon=":material/download:", on_click="ignore",
            help="Device, model (edits included), circuit, shots, seed, method and layout, with a fingerprint each.",
        )  # fmt: skip
        link = _link(page_path)
        state = noise_state()
        edited = (
            state.derived is None
            or spec_digest(state.spec) != spec_digest(state.derived)
            or state.options != DerivationOptions()
        )
        if link is None:
            st.caption("A link needs a preset device and a library circuit: download the session to share this view.")
            return
        st.code(link, language=None, wrap_lines=True)
        note = "Model edits are not in the link (too large)" + (
            ": yours differ from the derived model, " if edited else "; "
        )
        st.caption(f"Opens this device, circuit, shots, seed, method and layout. {note}download the session for them.")


def _restore() -> None:
    """The uploaded bundle read in a worker and put in force; a bad one changes nothing and says why."""
    uploaded = st.session_state[BUNDLE_KEY]
    if uploaded is None:
        return
    if uploaded.size > MAX_SESSION_BYTES:
        _say(f"{uploaded.name} was not restored: it is {uploaded.size / 2**20:.3g} MB; the limit is "
             f"{MAX_SESSION_BYTES // 2**20} MB.")  # fmt: skip
        return
    content = uploaded.getvalue()
    try:
        view = restored_view(content)
    except NoiseStudioError as error:
        kind = misplaced_kind(content, frozenset({DocumentKind.SESSION}))
        _say(f"{uploaded.name} was not restored: {error if kind is None else misplaced(kind)}")
        if kind is not None:
            st.session_state[_DESTINATIONS] = [kind]
        return
    except TaskStopped as error:
        _say(f"{uploaded.name} was not restored: {error}")
        return
    put_in_force(view, whole=True)
    st.toast(f"Restored {plain(uploaded.name)}", icon=":material/restore:")


def _view_parameters() -> dict[str, str] | None:
    """The view as link parameters; None without a preset device or a library circuit."""
    device, bench = current_device(), workbench()
    request, settings = bench.circuit.request, bench.settings
    if device.origin.preset is None or request.library is None:
        return None
    parameters = {
        "preset": device.origin.preset,
        "circuit": reference_of(request.library, dict(request.parameters)),
        "shots": str(settings.shots),
        "seed": str(settings.seed),
        "method": settings.method,
    }
    if settings.initial_layout is not None:
        parameters["layout"] = ",".join(map(str, settings.initial_layout))
    if settings.avoid_uncalibrated_couplers:
        parameters["avoid_uncalibrated"] = "1"
    return parameters


def _link(page_path: str) -> str | None:
    """The app's URL with the view's parameters, which the address bar shows too (None when there is no link).
    The page's own path is left out, so the link opens the app (on Simulate) even on a fresh server."""
    parameters = _view_parameters()
    if parameters is None:
        for key in LINK_PARAMETERS:
            st.query_params.pop(key, None)
        return None
    st.query_params.from_dict(parameters)
    url = urlsplit(st.context.url or "http://localhost:8501/")
    path = (url.path.removesuffix(page_path) if page_path else url.path) or "/"
    return urlunsplit((url.scheme, url.netloc, path, urlencode(parameters), ""))
