"""The session state the pages share: one place for its keys, typed accessors around them.

- the device in force (``LoadedDevice``), the last rejected upload's message, and what the archive did with the
  last loaded one;
- the noise model (``NoiseState``): the spec in force (always valid), the derived spec it is
  compared with, the spec the editors start from, and the problems of the last rejected edit;
- the circuit and run settings chosen on the Simulate page, which the Noise model page's live
  result uses too;
- the last simulation shown, with the inputs it was computed from, so a page can mark it stale;
- the measured counts last accepted on the Fit page (a rejected upload leaves them in place).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from components.runtime.cached import cached_derive, cached_preset, cached_spec_fingerprint
from components.work.replies import CountsSummary
from components.work.requests import (
    CircuitRequest,
    CountsUpload,
    DeviceSource,
    WhatIf,
    library_request,
    preset_source,
)
from noise_core import BackendCalibration, DerivationOptions, NoiseSpec, SimulationResult
from noise_core.simulation.options import RunOptions
from presets import DEFAULT_PRESET

_DEVICE = "device"
_UPLOAD_ERROR = "device_upload_error"
_ARCHIVE_NOTE = "device_archive_note"
_NOISE = "noise"
_LAST_SIMULATION = "last_simulation"
_WORKBENCH = "workbench"
_MEASURED = "measured_counts"


@dataclass(frozen=True)
class LoadedDevice:
    """The calibration in force, where it came from ('preset ibm_fez'), and how a worker loads it."""

    calibration: BackendCalibration
    source: str
    origin: DeviceSource

    @property
    def key(self) -> str:
        return self.origin.key


@dataclass(frozen=True)
class NoiseState:
    """The noise model: what is in force, what it came from, and the last rejected edit."""

    spec: NoiseSpec
    """The spec simulations use: the last valid one."""
    derived: NoiseSpec | None
    """Derived from the device with ``options``; None for a spec built from scratch or imported."""
    options: DerivationOptions
    editor_base: NoiseSpec
    """What the editors start from; replaced on derive, reset, scratch and import."""
    generation: int
    """Bumped with ``editor_base``, so editor widgets restart from it."""
    problems: tuple[str, ...] = ()
    """Problems of the last edit that was not applied (empty when the editors are valid)."""


@dataclass(frozen=True)
class ChosenCircuit:
    """A circuit as the pages pass it: the request a worker builds, and its name for people ('GHZ(3)')."""

    request: CircuitRequest
    label: str


DEFAULT_CIRCUIT = ChosenCircuit(library_request("GHZ", {"num_qubits": 3}), "GHZ(3)")
DEFAULT_SETTINGS = RunOptions(shots=4000, seed=7, method="auto")


@dataclass(frozen=True)
class Workbench:
    """The circuit and settings chosen on the Simulate page; the live results of both pages use them."""

    circuit: ChosenCircuit
    settings: RunOptions


@dataclass(frozen=True)
class ShownSimulation:
    """The result last drawn, the key of its inputs, and those inputs (said in words by ``described``)."""

    inputs: str
    label: str
    request: CircuitRequest
    result: SimulationResult
    backend_name: str
    origin: DeviceSource
    spec: NoiseSpec
    settings: RunOptions
    what_if: WhatIf

    @property
    def described(self) -> str:
        """The inputs in words, for the label of a stale result and the downloads (the model by its fingerprint)."""
        settings = self.settings
        layout = "transpiler's layout" if settings.initial_layout is None else f"layout {list(settings.initial_layout)}"
        parts = [
            self.label,
            self.backend_name,
            f"model {cached_spec_fingerprint(self.spec)[:8]}",
            f"{settings.shots:,} shots",
            f"seed {settings.seed}",
            settings.method,
            layout,
        ]
        if not self.what_if.is_identity:
            parts.append(self.what_if.describe())
        return ", ".join(parts)


def preset_device(name: str) -> LoadedDevice:
    return LoadedDevice(cached_preset(name), f"preset {name}", preset_source(name))


def init_session() -> None:
    """Open on the default preset and its derived model; later reruns keep what the user has."""
    if _DEVICE not in st.session_state or _NOISE not in st.session_state:
        set_device(preset_device(DEFAULT_PRESET))


def current_device() -> LoadedDevice:
    """The device in force. Opened lazily too: on a fresh server, a page's own URL (``/noise``) is
    run by Streamlit's pages-folder mode without ``app.py`` until some session has called
    ``st.navigation``."""
    init_session()
    return st.session_state[_DEVICE]


def set_device(device: LoadedDevice) -> None:
    """Put a device in force with its noise model derived with the options in force (defaults at first).

    The model is derived first: if that fails (``TaskStopped``), the device and model in force stay.
    """
    previous = st.session_state.get(_NOISE)
    options = previous.options if previous is not None else DerivationOptions()
    spec = cached_derive(device.origin, options)
    st.session_state[_DEVICE] = device
    st.session_state.pop(_UPLOAD_ERROR, None)
    st.session_state.pop(_ARCHIVE_NOTE, None)
    _restart_editors(spec, derived=spec, options=options)


def restore(
    device: LoadedDevice,
    model: tuple[NoiseSpec, NoiseSpec | None, DerivationOptions],
    circuit: ChosenCircuit,
    settings: RunOptions,
) -> None:
    """Put a restored view in force: its device, its model (spec in force, derived spec, options) as saved
    (not derived again), and its circuit and settings."""
    spec, derived, options = model
    if derived is not None and cached_spec_fingerprint(spec) == cached_spec_fingerprint(derived):
        spec = derived  # unedited: the pages tell an edit by identity
    st.session_state[_DEVICE] = device
    st.session_state.pop(_UPLOAD_ERROR, None)
    st.session_state.pop(_ARCHIVE_NOTE, None)
    _restart_editors(spec, derived=derived, options=options)
    set_workbench(circuit, settings)


def upload_error() -> str | None:
    """The last rejected upload's message, shown until a device loads successfully."""
    return st.session_state.get(_UPLOAD_ERROR)


def set_upload_error(message: str) -> None:
    st.session_state[_UPLOAD_ERROR] = message


def archive_note() -> tuple[bool, str] | None:
    """What happened to the last loaded upload in the archive: (stored, message), or None."""
    return st.session_state.get(_ARCHIVE_NOTE)


def set_archive_note(note: tuple[bool, str] | None) -> None:
    st.session_state[_ARCHIVE_NOTE] = note


def noise_state() -> NoiseState:
    init_session()
    return st.session_state[_NOISE]


def derive(options: DerivationOptions) -> None:
    """Derive the device's model with ``options``; it becomes the spec in force and the editors' start."""
    device = current_device()
    spec = cached_derive(device.origin, options)
    _restart_editors(spec, derived=spec, options=options)


def start_from_scratch() -> None:
    """An ideal spec (no channels) with the device's basis gates, to build by hand."""
    state = noise_state()
    basis = state.derived.basis_gates if state.derived is not None else None
    _restart_editors(NoiseSpec(basis_gates=basis), derived=state.derived, options=state.options)


def reset_to_derived() -> None:
    state = noise_state()
    if state.derived is not None:
        _restart_editors(state.derived, derived=state.derived, options=state.options)


def use_spec(spec: NoiseSpec) -> None:
    """Put ``spec`` in force (imported, or reset in part); it is compared with the derived model, if any."""
    state = noise_state()
    _restart_editors(spec, derived=state.derived, options=state.options)


def apply_edit(spec: NoiseSpec) -> None:
    st.session_state[_NOISE] = replace(noise_state(), spec=spec, problems=())


def reject_edit(problems: list[str]) -> None:
    """Keep the spec in force; remember why the edit was not applied."""
    st.session_state[_NOISE] = replace(noise_state(), problems=tuple(problems))


def _restart_editors(spec: NoiseSpec, *, derived: NoiseSpec | None, options: DerivationOptions) -> None:
    previous = st.session_state.get(_NOISE)
    generation = previous.generation + 1 if previous is not None else 0
    st.session_state[_NOISE] = NoiseState(
        spec=spec, derived=derived, options=options, editor_base=spec, generation=generation
    )


def shown_simulation() -> ShownSimulation | None:
    return st.session_state.get(_LAST_SIMULATION)


def set_shown_simulation(shown: ShownSimulation) -> None:
    st.session_state[_LAST_SIMULATION] = shown


def workbench() -> Workbench:
    """The circuit and settings in use: the Simulate page's last valid choice, GHZ(3) at first."""
    return st.session_state.get(_WORKBENCH) or Workbench(DEFAULT_CIRCUIT, DEFAULT_SETTINGS)


def set_workbench(circuit: ChosenCircuit, settings: RunOptions) -> None:
    st.session_state[_WORKBENCH] = Workbench(circuit, settings)


@dataclass(frozen=True)
class AcceptedCounts:
    """Measured counts the Fit page read without error: the upload (workers re-read it) and what it holds."""

    upload: CountsUpload
    summary: CountsSummary


def accepted_counts() -> AcceptedCounts | None:
    return st.session_state.get(_MEASURED)


def set_accepted_counts(accepted: AcceptedCounts) -> None:
    st.session_state[_MEASURED] = accepted
