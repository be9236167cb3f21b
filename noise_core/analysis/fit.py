"""``fit_noise``: the factors of a model that best explain measured counts, with 95 % profile-likelihood intervals.

- Estimate: maximum likelihood over the multinomial counts of every circuit,
  θ̂ = argmax Σ n·ln q(θ) on [0, upper]ᵏ (L-BFGS-B from several starts), q from ``FactorModel``:
  the model scaled by ``scale_noise``'s factors (gate, readout, relaxation, idle), or per-qubit
  readout factors.
- Interval: {t : 2·(ℓ(θ̂) − max over the other factors of ℓ(t, …)) ≤ χ²₁(0.95) = 3.84}, the
  profile-likelihood interval (Venzon & Moolgavkar 1988), ends found with Brent's method.
- Identifiability: a factor whose profile stays within 1.92 of the maximum up to the top of its
  search range is not identified by these counts (Raue et al. 2009, practical non-identifiability):
  its interval is open at the top and the fit says which circuits would pin it; so is a factor
  along a direction where the expected (Fisher) information is singular. Correlations from the
  inverse information say which factors trade off against each other. An estimate at the top of
  its search range is said so: the counts ask for more than ``max_factor`` allows.
- Goodness of fit of the fitted model (``goodness``; refitted on every bootstrap draw) and of the
  calibrated model (every factor 1), so the improvement is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from noise_core.analysis.compare import Comparison, check_draws, comparison_at
from noise_core.analysis.counts import MeasuredCounts
from noise_core.analysis.factor_model import FITTABLE, Factor, FactorModel
from noise_core.analysis.likelihood import PROFILE_DROP, Model, estimate, maximize
from noise_core.analysis.local_model import LocalModel
from noise_core.analysis.locations import LocalParameter, is_parameter_name
from noise_core.analysis.selection import CrossValidation, HeldOut, choose_parameters, held_out_check
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import FitError
from noise_core.spec.models import NoiseSpec
from noise_core.spec.provenance import FitRecord

AUTO = "auto"
"""``parameters=AUTO``: the per-location physics the counts support (``selection.choose_parameters``)."""
MAX_LOCAL_PARAMETERS = 64
"""Most per-location parameters one fit names: each adds a gradient column, a profile interval and a fold's fit."""
REMEDIES = {
    "readout": "add readout-calibration circuits (prepare |0…0⟩ and |1…1⟩ on the same qubits)",
    "readout01": "add readout-calibration circuits (prepare |0…0⟩ and |1…1⟩ on the same qubits)",
    "readout10": "add readout-calibration circuits (prepare |0…0⟩ and |1…1⟩ on the same qubits)",
    "gate": "add circuits with more gates (GHZ, mirror) on the same qubits",
    "readoutcorr": "add the alternating basis states on the pair (plan_fit_circuits' characterization circuits)",
    "overrotation": "add repeated-gate circuits (plan_fit_circuits' characterization circuits: 5 and 21 sx)",
    "cphase": "add repeated-cz circuits on the coupler (plan_fit_circuits' characterization circuits: 2 and 8 cz)",
    "zphase": "add repeated-cz circuits on the coupler (plan_fit_circuits' characterization circuits: 2 and 8 cz)",
    "detuning": "add Ramsey circuits on the qubit (plan_fit_circuits' characterization circuits)",
    "zz": "add conditional Ramsey circuits on the pair (plan_fit_circuits' characterization circuits)",
    "relaxation": "add circuits that spend longer on the same qubits",
}
"""What would identify a parameter of each kind that these counts do not pin."""
STRONG_CORRELATION = 0.9
"""Correlations above this are named in the notes: the data barely separates the two factors."""
INTERPOLATION_TOLERANCE = 1e-6
"""Largest |interpolated − exact| probability at the estimate before the fit warns (sampling errors of
4000 shots are ~1e-3 and above)."""


@dataclass(frozen=True)
class NoiseFit:
    """Fitted factors with intervals, the goodness of fit before and after, and the fitted spec."""

    estimates: pd.DataFrame
    """By factor: estimate, low, high (95 % profile likelihood), upper (search range), identified, note."""
    log_likelihood: float
    calibrated_log_likelihood: float
    """At every factor 1: the model as derived."""
    fitted: Comparison
    calibrated: Comparison
    correlations: pd.DataFrame
    spec: NoiseSpec
    """The whole device's spec with the fitted factors applied (and a ``FitRecord`` when it has provenance)."""
    source: str
    sha256: str
    simulations: int
    interpolation_error: float
    """Largest |interpolated − exact| model probability at the estimate (``FactorModel``)."""
    warnings: tuple[str, ...] = ()
    support: pd.DataFrame | None = None
    """For ``parameters="auto"``: per kind of physics, whether these counts support it (``selection``)."""
    held_out: HeldOut | None = None
    """For per-location fits: the circuits predicted by fits to the others, against the model in force."""

    def describe(self) -> str:
        """'fitted to counts.json (sha256 1a2b3c4d5e6f…)'."""
        return f"fitted to {self.source} (sha256 {self.sha256[:12]}…)"


def fit_noise(
    spec: NoiseSpec,
    data: MeasuredCounts,
    *,
    calibration: BackendCalibration | None = None,
    parameters: Sequence[str] | str = ("gate", "readout"),
    max_factor: float = 5.0,
    seed: int = 0,
    draws: int = 200,
    executor: Executor | None = None,
) -> NoiseFit:
    """Fit ``parameters`` of ``spec`` to ``data``: global factors (gate, readout, relaxation, idle,
    readout_per_qubit), or per-location parameters (``locations``: ``gate[cz:4,5]``, ``zz[4,5]``, …), or
    ``"auto"``: the per-location physics the counts support, chosen by cross-validation (``selection``; the
    verdict per kind in ``NoiseFit.support``).

    Each factor is searched on [0, min(max_factor, its physical limit)], each value on its kind's range.
    ``seed`` places circuits that name no physical qubits and seeds the bootstrap (``draws`` refits) where χ²
    asymptotics fail. With ``executor`` (a process pool, or Dask's ``Client.get_executor()``), a per-location fit's
    profile intervals and cross-validation folds run there, one task each.
    """
    check_draws(draws)
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: BLAS threads only add waiting
        return _fit(spec, data, calibration, parameters, max_factor, seed, draws, executor)


def _fit(
    spec: NoiseSpec,
    data: MeasuredCounts,
    calibration: BackendCalibration | None,
    parameters: Sequence[str] | str,
    max_factor: float,
    seed: int,
    draws: int,
    executor: Executor | None,
) -> NoiseFit:
    model, support, held_out = _model(spec, data, calibration, parameters, max_factor, seed, executor)
    counts = [circuit.measured for circuit in model.circuits]
    found = estimate(model, counts, executor)
    theta, information, intervals = found.theta, found.information, found.intervals
    correlations = _correlations(information, model.names)
    estimates = _estimates(model, theta, intervals, correlations, _flat_directions(information))

    def refit(sample: list[np.ndarray]) -> list[np.ndarray]:
        return model.probabilities(maximize(model, sample, starts=[theta])[0])

    # A per-location refit is a whole exact fit; 200 of them per bootstrap would take many minutes, so there the
    # bootstrap holds the estimate fixed (its p-value is then on the high side: the deviance of a refit is lower).
    exact = isinstance(model, LocalModel)
    fitted = comparison_at(
        model, model.probabilities(theta), fitted=len(theta), draws=draws, seed=seed, refit=None if exact else refit
    )
    calibrated = comparison_at(model, model.probabilities(model.start()), fitted=0, draws=draws, seed=seed)
    interpolation_error = model.interpolation_error(theta)
    warnings: tuple[str, ...] = ()
    if interpolation_error > INTERPOLATION_TOLERANCE:
        warnings = (
            f"the model between its exact grid points is off by up to {interpolation_error:.1e} in probability "
            "at the estimate (a gate at its maximum, or very many noisy gates): treat the intervals with care",
        )
    return NoiseFit(
        estimates=estimates,
        log_likelihood=found.log_likelihood,
        calibrated_log_likelihood=model.log_likelihood(model.start()),
        fitted=fitted,
        calibrated=calibrated,
        correlations=correlations,
        spec=_recorded(model.scaled_spec(theta, spec), data, estimates, model.qubits),
        source=data.source,
        sha256=data.sha256,
        simulations=model.simulations,
        interpolation_error=interpolation_error,
        warnings=warnings,
        support=support,
        held_out=held_out,
    )


def _model(
    spec: NoiseSpec,
    data: MeasuredCounts,
    calibration: BackendCalibration | None,
    parameters: Sequence[str] | str,
    max_factor: float,
    seed: int,
    executor: Executor | None,
) -> tuple[Model, pd.DataFrame | None, HeldOut | None]:
    """The model ``parameters`` name, for "auto" the verdict per kind of physics, and for per-location parameters
    the held-out check (``selection.HeldOut``)."""
    listed = [parameters] if isinstance(parameters, str) else list(parameters)
    if listed == [AUTO]:
        probe = LocalModel(spec, data, calibration=calibration, parameters=[], max_factor=max_factor, seed=seed)
        chosen = choose_parameters(
            spec, data, probe.circuits, calibration=calibration, max_factor=max_factor, seed=seed, executor=executor
        )
        model = LocalModel(
            spec, data, calibration=calibration, parameters=chosen.parameters, max_factor=max_factor,
            circuits=probe.circuits,
        )  # fmt: skip
        return model, chosen.support, HeldOut(chosen.baseline, chosen.score, chosen.folds, selected_here=True)
    unknown = [name for name in listed if name not in (*FITTABLE, AUTO) and not is_parameter_name(name)]
    if unknown:
        raise FitError(
            f"parameters must be distinct names from {', '.join(FITTABLE)}, per-location names (gate[cz:4,5], "
            f"zz[4,5], readout01[4], …) or {AUTO!r}; got {listed!r:.80}"
        )
    local = [name for name in listed if name not in FITTABLE]
    if not local:
        factors = FactorModel(spec, data, calibration=calibration, parameters=listed, max_factor=max_factor, seed=seed)
        return factors, None, None
    if len(local) < len(listed) or AUTO in listed:
        raise FitError(
            f"fit global factors ({', '.join(FITTABLE)}), per-location parameters (gate[cz:4,5], zz[4,5], …) "
            f"or {AUTO!r} alone, not a mix; got {listed!r:.100}"
        )
    if len(listed) > MAX_LOCAL_PARAMETERS:
        raise FitError(
            f"at most {MAX_LOCAL_PARAMETERS} per-location parameters in one fit; got {len(listed)} (fit the locations "
            "in groups, or let parameters='auto' choose)"
        )
    model = LocalModel(spec, data, calibration=calibration, parameters=listed, max_factor=max_factor, seed=seed)
    folds = CrossValidation(spec, data, tuple(model.circuits), calibration, max_factor, seed, executor)
    return model, None, held_out_check(folds, listed)


def _flat_directions(information: np.ndarray) -> np.ndarray:
    """Per factor, True when it lies along a direction the information does not see (structurally unidentified:
    eigenvalue below 1e-9 of the largest, component above 0.1)."""
    if not information.size:
        return np.zeros(0, dtype=bool)
    values, vectors = np.linalg.eigh(information)
    flat = vectors[:, values <= 1e-9 * max(values.max(), 1e-300)]
    return np.asarray(np.any(np.abs(flat) > 0.1, axis=1), dtype=bool)


def _correlations(information: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Correlations of the factors from the inverse information; NaN when it is (nearly) singular."""
    size = len(names)
    if size and np.linalg.cond(information) > 1e12:
        return pd.DataFrame(np.full((size, size), np.nan), index=names, columns=names)
    covariance = np.linalg.inv(information)
    diagonal = np.diag(covariance)
    matrix = (
        covariance / np.sqrt(np.outer(diagonal, diagonal)) if np.all(diagonal > 0) else np.full((size, size), np.nan)
    )
    return pd.DataFrame(matrix, index=names, columns=names)


def _estimates(
    model: Model,
    theta: np.ndarray,
    intervals: list[tuple[float, float, bool]],
    correlations: pd.DataFrame,
    flat: np.ndarray,
) -> pd.DataFrame:
    rows = []
    calibrated = model.start()
    factors: Sequence[Factor | LocalParameter] = model.factors
    for index, factor in enumerate(factors):
        low, high, bounded = intervals[index]
        lower, upper = model.bounds[index]
        margin = 1e-6 * (upper - lower)
        at_limit = bool(theta[index] >= upper - margin or (lower < 0.0 and theta[index] <= lower + margin))
        bounded = bounded and not flat[index] and not at_limit
        rows.append(
            {
                "factor": factor.name,
                "estimate": float(theta[index]),
                "low": low,
                "high": high,
                "upper": factor.upper,
                "calibrated": float(calibrated[index]),
                "unit": factor.unit if isinstance(factor, LocalParameter) else "×",
                "identified": bounded,
                "note": _note(factor, (low, high), bounded, bool(flat[index]), at_limit, correlations),
            }
        )
    columns = ["factor", "estimate", "low", "high", "upper", "calibrated", "unit", "identified", "note"]
    return pd.DataFrame(rows, columns=columns).set_index("factor")


def _note(
    factor: Factor | LocalParameter,
    interval: tuple[float, float],
    bounded: bool,
    flat: bool,
    at_limit: bool,
    correlations: pd.DataFrame,
) -> str:
    """What a user should know about one factor's estimate, in words."""
    others = correlations[factor.name].drop(factor.name).abs()
    partner = others.idxmax() if len(others) and others.max() > STRONG_CORRELATION else None
    trade = (
        f"; it trades off against {partner} (correlation {correlations.loc[factor.name, partner]:+.2f})"
        if partner
        else ""
    )
    signed = isinstance(factor, LocalParameter) and factor.low < 0.0
    unit = factor.unit if isinstance(factor, LocalParameter) else "×"
    if bounded:
        reaches_zero = interval[0] <= 0.0 <= interval[1] if signed else interval[0] == 0.0
        return ("consistent with no such noise (the interval reaches 0)" if reaches_zero else "") + trade
    search = f"±{factor.upper:g} {unit}" if signed else f"×{factor.upper:g}"
    if at_limit and not flat:
        return (
            f"at the {'end' if signed else 'top'} of its search range ({search}): the counts ask for more; "
            f"{'that range is' if signed else 'raise max_factor, unless that is'} the channel's physical limit{trade}"
        )
    why = (
        "the counts depend on it only together with another factor (the information matrix is singular)"
        if flat
        else f"the likelihood stays within {PROFILE_DROP:.2f} of its maximum out to {search}"
    )
    return f"not identified: {why}{trade}; {REMEDIES.get(factor.kind, REMEDIES['relaxation'])}"


def _recorded(spec: NoiseSpec, data: MeasuredCounts, estimates: pd.DataFrame, qubits: tuple[int, ...]) -> NoiseSpec:
    """``spec`` with a ``FitRecord`` appended to its provenance (when it has one)."""
    if spec.provenance is None:
        return spec
    record = FitRecord(
        source=data.source,
        sha256=data.sha256,
        factors={name: float(row.estimate) for name, row in estimates.iterrows()},
        intervals={name: [float(row.low), float(row.high)] for name, row in estimates.iterrows() if row.identified},
        not_identified=[str(name) for name, row in estimates.iterrows() if not row.identified],
        qubits=list(qubits),
    )
    provenance = spec.provenance.model_copy(update={"fits": [*spec.provenance.fits, record]})
    return spec.model_copy(update={"provenance": provenance})
