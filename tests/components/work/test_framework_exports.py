"""The Export page's framework exports in a worker: a framework that is not installed is said on its tab, with the
command that adds it, and the other exports stay."""

from __future__ import annotations

import sys

import pytest

from components.work.framework_exports import circuit_framework_exports, spec_framework_exports
from noise_core import derive_noise_spec
from noise_core.simulation.circuits import qft
from noise_core.simulation.options import RunOptions
from presets import load_preset


def test_a_framework_that_is_not_installed_is_said_and_the_other_exports_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cirq", None)  # import cirq now raises ImportError
    monkeypatch.delitem(sys.modules, "noise_core.frameworks.cirq_model", raising=False)
    cirq, pennylane = spec_framework_exports(derive_noise_spec(load_preset("ibmq_manila")))
    assert cirq.document is None and cirq.report is None
    assert cirq.problem == "Cirq is not installed on this server (cirq): `pip install '.[cirq]'` in the clone adds it."
    assert pennylane.document is not None and pennylane.report is not None


def test_a_circuit_stim_cannot_hold_is_said_and_braket_still_gets_it() -> None:
    calibration = load_preset("ibmq_manila")
    stim, braket = circuit_framework_exports(qft(3).circuit, derive_noise_spec(calibration), calibration, RunOptions())
    assert stim.document is None and "method='twirled' needs a Clifford circuit measured at the end" in stim.problem
    assert braket.document is not None and braket.document.startswith("// Noise Studio export to Amazon Braket.")
