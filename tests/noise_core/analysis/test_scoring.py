"""Fisher scoring and what it climbs with: the adjoint Jacobian, the expected information, the bounded step."""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import numpy as np
import pytest
from scipy import optimize

import noise_core.analysis.compiled as compiled_module
from noise_core.analysis import scoring
from noise_core.analysis.likelihood import _marginal, fisher_information, maximize
from noise_core.analysis.local_model import LocalModel
from tests.noise_core.analysis.test_local_fit import CIRCUITS, TRUTH, device, simulated, truth_spec

NAMES = [*TRUTH, "gate[sx:1]", "relaxation[1]", "readout10[1]", "gate[x:2]"]
"""Every kind the Jacobian treats differently: coherent, detuning, ZZ, readout, correlated readout, depolarizing,
relaxation."""


@cache
def model_and_point() -> tuple[LocalModel, np.ndarray]:
    calibration, spec = device()
    data = simulated(truth_spec(TRUTH), list(CIRCUITS), shots=2000)
    model = LocalModel(spec, data, calibration=calibration, parameters=NAMES)
    return model, model.start() + np.array([0.01, 5.0, -8.0, 0.01, 0.01, 0.2, 0.1, 0.005, 0.3])


def central_jacobians(model: LocalModel, theta: np.ndarray) -> list[np.ndarray]:
    """∂q/∂θ by central differences of the exact probabilities (steps 1e-5 of each search range)."""
    columns = []
    for index, (low, high) in enumerate(model.bounds):
        step = np.eye(len(theta))[index] * 1e-5 * (high - low)
        ahead, behind = model.probabilities(theta + step), model.probabilities(theta - step)
        columns.append([(a - b) / (2 * step[index]) for a, b in zip(ahead, behind, strict=True)])
    return [np.column_stack([column[c] for column in columns]) for c in range(len(model.circuits))]


def assert_near_central(jacobians: list[np.ndarray], centrals: list[np.ndarray]) -> None:
    """Each column within 1e-4 of its largest central difference: a forward difference's second-order term, h·q″/2
    with h = 1e-7 of the range, is ~1e-5 of it where q is curved, as for an amplified over-rotation."""
    for jacobian, central in zip(jacobians, centrals, strict=True):
        scale = np.abs(central).max(axis=0) + 1e-12
        assert np.all(np.abs(jacobian - central) <= 1e-4 * scale + 1e-9)


def test_the_adjoint_jacobian_equals_central_differences_of_the_exact_probabilities() -> None:
    model, theta = model_and_point()
    probabilities, jacobians = model.probabilities_and_jacobian(theta)
    for q, exact in zip(probabilities, model.probabilities(theta), strict=True):
        np.testing.assert_allclose(q, exact, atol=1e-13)
    assert_near_central(jacobians, central_jacobians(model, theta))


def test_the_wide_register_path_gives_the_jacobian_too(monkeypatch: pytest.MonkeyPatch) -> None:
    model, theta = model_and_point()
    centrals = central_jacobians(model, theta)  # before the patch: the model's compiled steps are whole-register
    calibration, spec = device()
    monkeypatch.setattr(compiled_module, "FULL_REGISTER_QUBITS", 1)
    monkeypatch.setattr(compiled_module, "_COMPOSED", {})
    wide = LocalModel(spec, model.data, calibration=calibration, parameters=NAMES)
    assert not any(circuit.adjoint for circuit in wide._compiled)
    assert_near_central(wide.probabilities_and_jacobian(theta)[1], centrals)


def test_the_information_is_the_expected_information_of_the_counts() -> None:
    model, theta = model_and_point()
    expected = np.zeros((len(theta), len(theta)))
    for circuit, q, jacobian in zip(
        model.circuits, model.probabilities(theta), central_jacobians(model, theta), strict=True
    ):
        expected += circuit.measured.sum() * jacobian.T @ np.diag(1.0 / q) @ jacobian
    np.testing.assert_allclose(
        fisher_information(model, theta), expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max()
    )


def test_a_bounded_step_is_the_best_of_the_quadratic_model_inside_the_box() -> None:
    """Karush–Kuhn–Tucker: inside the box the model's slope is 0; on a bound it points outwards."""
    for damping, seed in itertools.product((0.0, 1e-4, 0.3), range(20)):
        rng = np.random.default_rng(seed)
        vectors = rng.standard_normal((5, 4))
        information = vectors @ vectors.T  # rank 4 of 5: one direction the counts say nothing about
        gradient = information @ rng.standard_normal(5) * 3.0
        low, high = -rng.uniform(0.1, 1.0, 5), rng.uniform(0.1, 1.0, 5)
        step, _predicted = scoring._step(gradient, information, damping, (low, high))
        slope = gradient - (information + damping * np.diag(np.diag(information))) @ step
        inside = (step > low + 1e-9) & (step < high - 1e-9)
        assert np.all(np.abs(slope[inside]) < 1e-7), (damping, seed)
        assert np.all(slope[np.isclose(step, high)] > -1e-7) and np.all(slope[np.isclose(step, low)] < 1e-7)


def test_scoring_climbs_to_the_maximum_that_l_bfgs_b_finds() -> None:
    model, theta = model_and_point()
    counts = [circuit.measured for circuit in model.circuits]
    found, value = scoring.climb(model, counts, theta, list(range(len(theta))))
    width = np.array([high - low for low, high in model.bounds])

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        likelihood, gradient = model.log_likelihood_and_gradient(theta + width * x, counts)
        return -likelihood, -gradient * width

    bounds = [((low - t) / w, (high - t) / w) for (low, high), t, w in zip(model.bounds, theta, width, strict=True)]
    reference = optimize.minimize(objective, np.zeros(len(theta)), jac=True, method="L-BFGS-B", bounds=bounds,
                                  options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 5000})  # fmt: skip
    assert value == pytest.approx(model.log_likelihood(found, counts), abs=1e-9)
    assert value >= -reference.fun - 1e-4


def test_the_first_profile_point_holds_parameters_on_a_bound_where_they_are() -> None:
    model, theta = model_and_point()
    information = fisher_information(model, theta)
    on_bound = theta.copy()
    on_bound[7] = model.bounds[7][0]  # readout10[1] at 0
    error, direction = _marginal(model, on_bound, information, 0)
    kept = [index for index in range(len(theta)) if index != 7]
    covariance = np.linalg.inv(information[np.ix_(kept, kept)])
    assert direction[7] == 0.0
    assert error == pytest.approx(np.sqrt(covariance[0, 0]), rel=1e-6)
    np.testing.assert_allclose(direction[kept], covariance[:, 0] / covariance[0, 0], rtol=1e-6)


def test_a_batch_that_varies_one_parameter_equals_each_point_alone() -> None:
    """Whatever the parameter, away from the start: the slots looked up per point are all it changes."""
    model, theta = model_and_point()
    for index, (low, high) in enumerate(model.bounds):
        points = [np.where(np.arange(len(theta)) == index, value, theta) for value in np.linspace(low, high, 4)]
        for batched, point in zip(model.probabilities_many(points), points, strict=True):
            for q, alone in zip(batched, model.probabilities(point), strict=True):
                np.testing.assert_allclose(q, alone, atol=1e-13, err_msg=model.names[index])


def test_embedding_a_step_on_the_register_equals_applying_it_to_every_basis_matrix() -> None:
    rng = np.random.default_rng(0)
    for width in range(1, 5):
        for positions in (*itertools.permutations(range(width), 1), *itertools.permutations(range(width), 2)):
            size = 4 ** len(positions)
            local = rng.standard_normal((size, size)) + 1j * rng.standard_normal((size, size))
            embedded = compiled_module._embedded(local, positions, width)
            assert np.array_equal(compiled_module._on_register(local, positions, width), embedded), positions


@pytest.mark.slow
def test_a_fresh_fit_on_a_pool_scans_there_and_finds_what_it_finds_here() -> None:
    model, _theta = model_and_point()
    counts = [circuit.measured for circuit in model.circuits]
    here = maximize(model, counts)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pooled = maximize(model, counts, executor=pool)
    assert pooled[1] == pytest.approx(here[1], abs=1e-6)  # both stop within SCORING_TOLERANCE of the maximum
    errors = np.sqrt(np.diag(np.linalg.pinv(fisher_information(model, here[0]), hermitian=True)))
    assert np.all(np.abs(pooled[0] - here[0]) <= 1e-3 * errors)  # rounding (BLAS threads) moves it a little
