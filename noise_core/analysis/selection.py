"""``parameters="auto"``: which per-location physics the counts support, chosen by cross-validation on circuits.

1. **Identifiable.** Every parameter the circuits meet (``LocalModel.candidates``) gets the expected (Fisher)
   information of the counts at the model as given, in units of its search range. A parameter with none, or
   lying along a direction the information does not see (another parameter does the same to every circuit),
   cannot be learnt from these circuits; a kind of physics with no identifiable parameter is reported so.
2. **Supported.** Stepwise selection by family (one kind on one gate: ``overrotation[sx]``, ``cphase[cz]``,
   ``readout01``, ``detuning``, …; a kind spans several, so sx can be kept while x is dropped), judged by
   K-fold cross-validation over the circuits (repeated runs of one circuit held out together): each fold's
   circuits are predicted by a fit to the others, and the score is the held-out negative log-likelihood summed
   over folds. From no family or from all, whichever scores better, families are added (or removed) while that
   changes the score by more than ``MIN_GAIN`` nats (``stepwise_selection``); the rest are "not supported by
   these counts".
   A family rather than a whole kind: a 12-parameter "coherent" kind on a Heron set overfit its folds (x gates
   occur in few circuits), while its sx and cz parts predict.

Why cross-validation rather than likelihood-ratio tests or an information criterion: with thousands of shots
per circuit, any added freedom improves the fit "significantly" wherever the model is mis-specified, and
both the LR test and AIC/BIC then keep parameters that only soak up physics the model lacks (a 17-parameter
hand fit of a Heron set helped its own compilation and made another four times worse). Predicting circuits
the fit did not see is the measure the product is judged by, so it is the measure that chooses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from noise_core.analysis.counts import MeasuredCounts
from noise_core.analysis.factor_model import MeasuredCircuit
from noise_core.analysis.likelihood import fisher_information, maximize, on_one_blas_thread
from noise_core.analysis.local_model import LocalModel
from noise_core.analysis.locations import KINDS
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import FitError
from noise_core.spec.models import NoiseSpec

FOLDS = 3
"""Cross-validation folds, each fit sees two thirds of the circuits. Circuits are dealt into folds in a seeded
random order: dealt in file order, a set that cycles through 3 or 9 measurement bases put every circuit with
one basis on a qubit into one fold, and the fits of the other folds never saw it."""
MIN_GAIN = 2.0
"""Nats of held-out log-likelihood a kind must add to be kept: a likelihood ratio of e² ≈ 7.4 on unseen circuits."""
FLAT = 1e-9
"""Information below this fraction of the largest (per unit of search range) counts as none."""
ORDER = ("readout", "correlated readout", "gate", "relaxation", "coherent", "detuning", "zz")
"""The kinds of physics, in the order ties are broken."""


@dataclass(frozen=True)
class Selection:
    """What ``choose_parameters`` decided: the parameters kept and, per kind, what the counts say."""

    parameters: tuple[str, ...]
    support: pd.DataFrame
    """By kind: status ('supported by these counts', 'not supported by these counts', 'not identifiable from
    these circuits'), parameters (identifiable ones), held-out gain (nats, when it was tried), the score
    it reached, and the parameters left out as not identifiable."""
    baseline: float
    """Held-out negative log-likelihood of the model as given (every fold, nats)."""
    score: float
    """Held-out negative log-likelihood of the parameters kept (nats; chosen on these folds, so optimistic)."""
    folds: int
    """How many folds the circuits were dealt into."""


def choose_parameters(
    spec: NoiseSpec,
    data: MeasuredCounts,
    circuits: Sequence[MeasuredCircuit],
    *,
    calibration: BackendCalibration | None,
    max_factor: float,
    seed: int = 0,
    executor: Executor | None = None,
) -> Selection:
    """The per-location parameters these counts support (module docstring), and per kind why; the folds' fits on
    ``executor`` when given (``CrossValidation``)."""
    if len(circuit_groups(circuits)) < 2:
        raise FitError(
            "parameters='auto' judges physics by predicting circuits a fit did not see: it needs counts of at least "
            "two different circuits (repeated runs of one circuit count once); name the parameters instead"
        )
    folds = CrossValidation(spec, data, tuple(circuits), calibration, max_factor, seed, executor)
    everything = folds.model(folds.model([], circuits).candidates(), circuits)
    information = fisher_information(everything, everything.start())
    widths = np.array([upper - low for low, upper in everything.bounds])
    seen = identifiable(everything.names, information, widths)
    families: dict[str, list[str]] = {}
    hidden: dict[str, list[str]] = {}
    for name, ok in sorted(zip(everything.names, seen, strict=True), key=lambda item: _order(item[0])):
        (families if ok else hidden).setdefault(family_of(name), []).append(name)
    kept, tried, baseline, reached = stepwise_selection(families, folds.score)
    chosen = tuple(name for family in kept for name in families[family])
    return Selection(chosen, support_table(families, hidden, kept, tried), baseline, reached, len(folds.folds()))


@dataclass(frozen=True)
class CrossValidation:
    """``FOLDS``-fold cross-validation over measured circuits, whole circuits per fold (``circuit_groups``,
    dealt by ``folds_of`` with ``seed``): ``score`` is what model selection and the held-out check use."""

    spec: NoiseSpec
    data: MeasuredCounts
    circuits: tuple[MeasuredCircuit, ...]
    calibration: BackendCalibration | None
    max_factor: float
    seed: int
    executor: Executor | None = None
    """Where the folds' fits run, one task each (a process pool, or Dask's ``Client.get_executor()``); None: here."""

    def model(self, names: Sequence[str], chosen: Sequence[MeasuredCircuit], require_met: bool = True) -> LocalModel:
        """``names`` on the circuits ``chosen`` (placed once, shared)."""
        return LocalModel(
            self.spec, self.data, calibration=self.calibration, parameters=names, max_factor=self.max_factor,
            circuits=chosen, require_met=require_met,
        )  # fmt: skip

    def folds(self) -> list[list[int]]:
        """Circuit indices held out by each fold."""
        groups = circuit_groups(self.circuits)
        return [sorted(i for group in fold for i in groups[group]) for fold in folds_of(len(groups), self.seed)]

    def score(self, names: Sequence[str]) -> float:
        """Held-out NLL summed over the folds (nats, ``held_out_nll``), each fold predicted by a fit of ``names``
        to the others; ``names`` empty: the model as given."""
        if self.executor is None:
            return math.fsum(self.fold_score(names, fold) for fold in self.folds())
        here = replace(self, executor=None)  # what a task carries: an executor does not travel
        tasks = [self.executor.submit(on_one_blas_thread, here.fold_score, list(names), fold) for fold in self.folds()]
        return math.fsum(task.result() for task in tasks)

    def fold_score(self, names: Sequence[str], fold: list[int]) -> float:
        """Held-out NLL of the circuits ``fold`` (nats) predicted by a fit of ``names`` to the other circuits."""
        train = [circuit for index, circuit in enumerate(self.circuits) if index not in fold]
        test = [self.circuits[index] for index in fold]
        theta, _best = maximize(self.model(names, train, require_met=False), [c.measured for c in train])
        return held_out_nll(test, self.model(names, test, require_met=False).probabilities(theta))


@dataclass(frozen=True)
class HeldOut:
    """The held-out check beside a fit: each fold's circuits predicted by the model in force and by the parameters
    fitted to the other folds (``CrossValidation``), as negative log-likelihoods relative to the saturated model."""

    calibrated: float
    """Held-out NLL of the model in force (nats, summed over the folds)."""
    fitted: float
    """Held-out NLL with the parameters fitted to the other folds (nats)."""
    folds: int
    selected_here: bool
    """True when these same folds chose the parameters (``"auto"``): the fitted figure is then optimistic."""

    @property
    def change(self) -> float:
        """(fitted − calibrated) / calibrated: −0.3 is a 30 % smaller held-out NLL."""
        return (self.fitted - self.calibrated) / self.calibrated if self.calibrated > 0 else 0.0

    def describe(self) -> str:
        """One line: both held-out NLLs and the change, and whether the folds also chose the parameters."""
        chosen = "; the parameters were chosen on these folds, so the fitted figure is optimistic" * self.selected_here
        return (
            f"held out ({self.folds}-fold, whole circuits): NLL {self.fitted:.1f} nats fitted vs {self.calibrated:.1f} "
            f"nats for the model in force ({self.change:+.0%}){chosen}"
        )


def held_out_check(folds: CrossValidation, names: Sequence[str]) -> HeldOut | None:
    """``HeldOut`` of ``names`` on these folds; None with fewer than two distinct circuits (nothing to hold out)."""
    if len(circuit_groups(folds.circuits)) < 2:
        return None
    return HeldOut(folds.score([]), folds.score(names), len(folds.folds()), selected_here=False)


def circuit_groups(circuits: Sequence[MeasuredCircuit]) -> list[list[int]]:
    """Indices of the runs of each distinct circuit (same circuit text, same qubits), in first-seen order: a fold
    holds out whole circuits, so repeated runs of one circuit never sit on both sides (a fold would then test
    run-to-run prediction, not circuits the fit has not seen)."""
    groups: dict[tuple[str, tuple[int, ...] | None], list[int]] = {}
    for index, circuit in enumerate(circuits):
        key = (str(circuit.counts.circuit), circuit.counts.physical_qubits)
        groups.setdefault(key, []).append(index)
    return list(groups.values())


def folds_of(count: int, seed: int) -> list[list[int]]:
    """Circuit indices of each fold: a seeded permutation dealt round the folds (fewer folds than ``FOLDS`` when
    there are fewer circuits), each fold sorted."""
    number = min(FOLDS, count)
    order = np.random.default_rng(seed).permutation(count)
    return [sorted(int(index) for index in order[fold::number]) for fold in range(number)]


def identifiable(names: Sequence[str], information: np.ndarray, widths: np.ndarray) -> list[bool]:
    """Per parameter: True when the information (scaled to units of search range) sees it on its own."""
    scaled = information * np.outer(widths, widths)
    largest = max(float(np.max(np.diag(scaled))), 1e-300) if len(names) else 1.0
    values, vectors = np.linalg.eigh(scaled) if len(names) else (np.zeros(0), np.zeros((0, 0)))
    flat = vectors[:, values <= FLAT * largest]
    along_flat = np.any(np.abs(flat) > 0.1, axis=1) if flat.size else np.zeros(len(names), dtype=bool)
    return [bool(scaled[i, i] > FLAT * largest and not along_flat[i]) for i in range(len(names))]


def stepwise_selection(
    families: dict[str, list[str]],
    score: Callable[[list[str]], float],
) -> tuple[list[str], dict[str, tuple[float, float]], float, float]:
    """Families kept, each family's (held-out gain it brings, score with it) when last judged, the baseline
    score (no family) and the kept families' score. Starts from the better of no family and every family, then:

    - from none, forward: each round adds the family that lowers ``score`` most, if by more than ``MIN_GAIN``;
    - from all, backward: each round removes the family whose removal raises ``score`` least, if it raises it by
      less than ``MIN_GAIN`` (a family stays only when predicting without it is clearly worse).

    Both ends, because forward steps alone stall where several kinds are missing at once: each alone then
    soaks up the others' effects and predicts worse (a Ramsey set with detuning, ZZ and over-rotation kept none).
    """
    names = [name for family in families for name in families[family]]

    def of(chosen: list[str]) -> list[str]:
        return [name for family in chosen for name in families[family]]

    baseline, full = score([]), score(names) if names else math.inf
    tried: dict[str, tuple[float, float]] = {}
    if full < baseline:
        kept, current = list(families), full
        while kept:
            scores = {family: score(of([f for f in kept if f != family])) for family in kept}
            for family, value in scores.items():
                tried[family] = (value - current, current)
            weakest = min(kept, key=lambda family: (scores[family], -kept.index(family)))
            if scores[weakest] - current >= MIN_GAIN:
                break
            kept.remove(weakest)
            current = scores[weakest]
        return kept, tried, baseline, current
    kept, current = [], baseline
    while remaining := [family for family in families if family not in kept]:
        scores = {family: score(of([*kept, family])) for family in remaining}
        for family, value in scores.items():
            tried[family] = (current - value, value)
        best = min(remaining, key=lambda family: (scores[family], remaining.index(family)))
        if current - scores[best] <= MIN_GAIN:
            break
        kept.append(best)
        current = scores[best]
    return kept, tried, baseline, current


def support_table(
    families: dict[str, list[str]],
    hidden: dict[str, list[str]],
    kept: list[str],
    tried: dict[str, tuple[float, float]],
) -> pd.DataFrame:
    """One row per family of parameters the circuits meet, with its kind of physics (``Selection.support``)."""
    rows = []
    for family in sorted({*families, *hidden}, key=_order):
        names, left_out = families.get(family, []), hidden.get(family, [])
        if not names:
            status = "not identifiable from these circuits"
        else:
            status = "supported by these counts" if family in kept else "not supported by these counts"
        gain, reached = tried.get(family, (math.nan, math.nan))
        rows.append(
            {
                "family": family,
                "kind": kind_of(family),
                "status": status,
                "parameters": ", ".join(names),
                "held-out gain (nats)": gain,
                "held-out NLL (nats)": reached,
                "not identifiable": ", ".join(left_out),
            }
        )
    return pd.DataFrame(rows).set_index("family")


def family_of(name: str) -> str:
    """What selection keeps or drops together: a parameter's kind and gate ('zphase[cz:4,5@5]' → 'zphase[cz]',
    'detuning[5]' → 'detuning')."""
    prefix, _bracket, inside = name.partition("[")
    gate = inside.split(":", 1)[0] if ":" in inside else ""
    return f"{prefix}[{gate}]" if gate else prefix


def _order(name: str) -> tuple[int, str]:
    """Families and names in ``ORDER`` of their kind of physics, then by name."""
    return ORDER.index(kind_of(name)), name


def kind_of(name: str) -> str:
    """The kind of physics of a parameter or family name ('zphase[cz:4,5@5]', 'zphase[cz]' → 'coherent')."""
    return KINDS[name.split("[", 1)[0]]


def held_out_nll(circuits: Sequence[MeasuredCircuit], probabilities: Sequence[np.ndarray]) -> float:
    """−Σ n·ln q over the circuits, relative to the saturated model (q = the observed frequencies)."""
    total = 0.0
    for circuit, q in zip(circuits, probabilities, strict=True):
        n = circuit.measured
        seen = n > 0
        total += float(np.sum(n[seen] * np.log(n[seen] / n.sum() / np.maximum(q[seen], 1e-300))))
    return total
