"""What a result says beside its numbers: exact zeros, the metrics' shot noise, and the transpiled circuit."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from noise_core import derive_noise_spec, simulate
from noise_core.simulation.circuit_facts import draw_on_device
from noise_core.simulation.circuits import ghz, qft
from noise_core.simulation.result import distribution_metrics, metric_standard_errors
from presets import load_preset


@cache
def device(name: str):  # type: ignore[no-untyped-def]
    calibration = load_preset(name)
    return calibration, derive_noise_spec(calibration)


@pytest.mark.parametrize("size", [3, 12])
def test_outcomes_an_ideal_circuit_never_gives_are_exact_zeros(size: int) -> None:
    """Statevector rounding left ~1e-33 on GHZ(3)'s other outcomes; the ideal lists only |0…0⟩ and |1…1⟩."""
    calibration, spec = device("ibm_pittsburgh")
    result = simulate(ghz(size), spec, calibration=calibration, shots=200, seed=7, method="trajectories")
    assert list(result.ideal_probabilities.index) == ["0" * size, "1" * size]
    assert result.ideal_probabilities.to_numpy() == pytest.approx([0.5, 0.5], abs=1e-12)
    assert len(result.distribution_table()) <= 2 + result.shots  # outcomes seen: ideal ones or sampled ones


def test_the_standard_errors_of_sampled_metrics_match_their_spread_over_repeated_shots() -> None:
    """Draw counts from a known distribution many times: the spread of each metric over the repetitions is
    what a single run's standard error estimates (within the bootstrap's and the repetitions' own noise)."""
    truth = pd.Series({"000": 0.46, "111": 0.44, "001": 0.04, "110": 0.03, "011": 0.02, "100": 0.01})
    ideal = pd.Series({"000": 0.5, "111": 0.5})
    expected = frozenset({"000", "111"})
    rng = np.random.default_rng(3)
    shots, repetitions = 2000, 300
    values: dict[str, list[float]] = {
        "total_variation_distance": [],
        "hellinger_fidelity": [],
        "success_probability": [],
    }
    estimates: dict[str, list[float]] = {name: [] for name in values}
    for repetition in range(repetitions):
        counts = pd.Series(rng.multinomial(shots, truth.to_numpy()), index=truth.index)
        counts = counts[counts > 0]
        metrics = distribution_metrics(ideal, None, ideal * shots, counts, expected)
        errors = metric_standard_errors(ideal, (ideal * shots).astype(int), counts, expected, seed=repetition)
        for name in values:
            values[name].append(getattr(metrics, name))
            estimates[name].append(errors[name])
    for name in values:
        assert np.mean(estimates[name]) == pytest.approx(np.std(values[name], ddof=1), rel=0.15), name


def test_exact_metrics_carry_no_shot_noise_and_sampled_ones_say_it() -> None:
    calibration, spec = device("ibm_pittsburgh")
    exact = simulate(ghz(3), spec, calibration=calibration, shots=4000, seed=7)
    assert exact.metrics.exact and exact.metrics.standard_errors == {}
    assert exact.metrics.shown("success_probability") == f"{exact.metrics.success_probability:.4f}"
    sampled = simulate(ghz(3), spec, calibration=calibration, shots=4000, seed=7, method="trajectories")
    success, error = sampled.metrics.success_probability, sampled.metrics.standard_errors["success_probability"]
    assert error == pytest.approx(np.sqrt(success * (1 - success) / 4000))
    assert sampled.metrics.shown("success_probability") == f"{success:.4f} ± {error:.4f}"


def test_the_result_counts_the_transpiled_circuits_two_qubit_gates_and_routing_swaps() -> None:
    calibration, spec = device("ibm_pittsburgh")
    line = simulate(ghz(4), spec, calibration=calibration, shots=10, seed=7)  # a path on the lattice: no swap
    assert line.circuit.routing_swaps == 0 and line.circuit.two_qubit_gates == 3
    assert dict(line.circuit.operations)["cz"] == 3 and line.circuit.depth >= 4
    drawing = draw_on_device(line.transpiled)
    assert drawing is not None and all(f" q_{qubit}: " in drawing for qubit in line.active_qubits)  # device qubits
    routed = simulate(qft(5), spec, calibration=calibration, shots=10, seed=7)  # all-to-all phases on a lattice
    assert routed.circuit.routing_swaps > 0
    assert routed.circuit.two_qubit_gates == dict(routed.circuit.operations)["cz"]
    assert line.circuit.describe() == f"depth {line.circuit.depth}, 3 two-qubit gates, 0 routing swaps"


def test_wide_outcomes_are_summed_into_bit_marginals_hamming_weights_and_parity() -> None:
    from noise_core.simulation.views import default_view, view_of

    table = pd.DataFrame(
        {
            "ideal": [0.5, 0.5, 0.0],
            "noisy": [0.45, 0.4, 0.15],
            "ideal_counts": [50, 50, 0],
            "noisy_counts": [45, 40, 15],
        },
        index=pd.Index(["0000", "1111", "0001"], name="outcome"),
    )
    bits = view_of(table, "bit")
    assert list(bits.index) == ["clbit 0", "clbit 1", "clbit 2", "clbit 3"]
    assert bits["ideal"].tolist() == [0.5] * 4 and bits["noisy"].tolist() == pytest.approx([0.55, 0.4, 0.4, 0.4])
    assert bits["noisy_counts"].tolist() == [55, 40, 40, 40]
    weights = view_of(table, "weight")
    assert weights["noisy"].to_dict() == pytest.approx({"0": 0.45, "1": 0.15, "4": 0.4})
    parity = view_of(table, "parity")
    assert parity["ideal"].to_dict() == {"even": 1.0, "odd": 0.0}
    assert parity["noisy"].to_dict() == pytest.approx({"even": 0.85, "odd": 0.15})
    assert parity["noisy_counts"].to_dict() == {"even": 85, "odd": 15}
    assert (default_view(16), default_view(17)) == ("outcome", "weight")
