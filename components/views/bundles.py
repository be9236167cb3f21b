"""A view as a session bundle and back: what the sidebar's download, restore and saved items share.

``bundle_writer`` writes the view in force; ``restored_view`` reads a bundle in a worker into what the session
puts in force; ``put_in_force`` does that, the whole view or only its device and model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from components.runtime.cached import cached_circuit_name, cached_upload
from components.runtime.session import (
    ChosenCircuit,
    LoadedDevice,
    current_device,
    noise_state,
    preset_device,
    restore,
    workbench,
)
from components.runtime.tasks import run_task
from components.views.simulate_inputs import widget_state, with_page_defaults
from components.work.jobs import restore_session
from components.work.requests import library_request
from noise_core import DerivationOptions, NoiseSpec, save_session
from noise_core.simulation.options import RunOptions
from noise_core.simulation.references import reference_of


@dataclass(frozen=True)
class RestoredView:
    """A bundle read back: the device, the model (spec in force, derived, options), the circuit and settings."""

    device: LoadedDevice
    model: tuple[NoiseSpec, NoiseSpec | None, DerivationOptions]
    circuit: ChosenCircuit
    settings: RunOptions


def bundle_writer() -> Callable[[], str]:
    """The bundle of the view as it is now, written when the button is clicked (from values taken now)."""
    device, state, bench = current_device(), noise_state(), workbench()
    request, settings = bench.circuit.request, bench.settings
    circuit: str | tuple[str, tuple[str, ...]] = (
        reference_of(request.library, dict(request.parameters))
        if request.library is not None
        else (request.qasm or "", request.expected)
    )
    origin = device.origin
    assert settings.seed is not None, "the Simulate page's run settings always carry the seed they ran with"
    seed = settings.seed

    def write() -> str:
        """Runs in the download's own thread: no Streamlit state and no Qiskit circuits here."""
        return save_session(
            calibration=device.calibration, spec=state.spec, derived=state.derived, options=state.options,
            circuit=circuit, shots=settings.shots, seed=seed, method=settings.method,
            initial_layout=settings.initial_layout, avoid_uncalibrated_couplers=settings.avoid_uncalibrated_couplers,
            preset=origin.preset, snapshot=_text(origin.content),
            filename=origin.filename,
        )  # fmt: skip

    return write


def _text(content: bytes | None) -> str | None:
    """An uploaded snapshot as text (None: not an upload, or not UTF-8; the bundle then embeds its JSON)."""
    try:
        return None if content is None else content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def restored_view(content: bytes) -> RestoredView:
    """The bundle's view, read and checked in a worker (``NoiseStudioError`` listing its problems, or
    ``TaskStopped``)."""
    restored = run_task("Reading the session", restore_session, content)
    device = (
        preset_device(restored.device.preset)
        if restored.device.preset is not None
        else LoadedDevice(cached_upload(restored.device), restored.device_label, restored.device)
    )
    request = restored.circuit
    if request.library is not None:
        request = library_request(request.library, with_page_defaults(request.library, dict(request.parameters)))
    circuit = ChosenCircuit(request, cached_circuit_name(request))
    return RestoredView(device, (restored.spec, restored.derived, restored.options), circuit, restored.settings)


def put_in_force(view: RestoredView, *, whole: bool) -> None:
    """The view's device and model; with ``whole``, its circuit and settings too (else the session keeps its own)."""
    bench = workbench()
    circuit, settings = (view.circuit, view.settings) if whole else (bench.circuit, bench.settings)
    restore(view.device, view.model, circuit, settings)
    st.session_state.update(widget_state(circuit.request, settings))
