"""The library's advice reaches a browser user as UI steps: each phrase of ``components.logic.wording.UI_STEPS`` is
raised for real by ``noise_core`` (so a reworded message fails here) and comes out in the dashboard's terms."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import pytest
from qiskit import QuantumCircuit

from components.logic.wording import UI_STEPS, in_ui_terms
from noise_core import NoiseSpec, NoiseStudioError, derive_noise_spec, simulate
from noise_core.simulation.circuits import ghz, qft, teleportation
from presets import load_preset


@cache
def pittsburgh():  # type: ignore[no-untyped-def]
    calibration = load_preset("ibm_pittsburgh")
    return calibration, derive_noise_spec(calibration)


def on_device(circuit: QuantumCircuit | object, **options: object) -> Callable[[], object]:
    return lambda: simulate(circuit, pittsburgh()[1], calibration=pittsburgh()[0], shots=10, seed=1, **options)  # type: ignore[arg-type]


RAISED_BY = {
    "use method='trajectories' or a narrower circuit": on_device(ghz(14), method="density_matrix"),
    "use method='trajectories' for mid-circuit measurements": on_device(teleportation(), method="density_matrix"),
    "method='stabilizer' needs": on_device(qft(3), method="stabilizer"),
    "method='twirled' needs": on_device(qft(3), method="twirled"),
    "method='density_matrix' needs": on_device(teleportation(), method="density_matrix"),
    "(e.g. circuit.measure_all())": lambda: simulate(QuantumCircuit(1), NoiseSpec()),
}


def uncalibrated_warnings(**options: object) -> str:
    """The warnings of GHZ(3) pinned across ibm_fez's couplers 5–6 and 6–7, stripped of their cz errors."""
    from tests.noise_core.simulation.test_uncalibrated_couplers import device

    calibration, spec = device()
    options = {"initial_layout": [5, 6, 7], **options}
    result = simulate(ghz(3), spec, calibration=calibration, shots=10, seed=1, **options)  # type: ignore[arg-type]
    return " ".join(result.warnings)


WARNED_BY = {
    "with avoid_uncalibrated_couplers=True": lambda: uncalibrated_warnings(),
    "as asked (avoid_uncalibrated_couplers=True)": lambda: uncalibrated_warnings(
        initial_layout=None, avoid_uncalibrated_couplers=True
    ),
}


def test_every_phrase_translated_is_raised_or_warned_by_the_library() -> None:
    assert set(RAISED_BY) | set(WARNED_BY) == set(UI_STEPS)


@pytest.mark.parametrize("phrase", list(WARNED_BY))
def test_the_library_still_warns_it_and_the_dashboard_says_the_ui_step(phrase: str) -> None:
    warnings = WARNED_BY[phrase]()
    assert phrase in warnings
    assert UI_STEPS[phrase] in in_ui_terms(warnings) and "avoid_uncalibrated_couplers" not in in_ui_terms(warnings)


@pytest.mark.parametrize("phrase", list(RAISED_BY))
def test_the_library_still_says_it_and_the_dashboard_says_the_ui_step(phrase: str) -> None:
    with pytest.raises(NoiseStudioError, match=re.escape(phrase)) as caught:
        RAISED_BY[phrase]()
    shown = in_ui_terms(caught.value)
    assert UI_STEPS[phrase] in shown and not re.search(r"\w=[\w'(]", shown)  # no keyword argument left
