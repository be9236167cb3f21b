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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from noise_core.analysis.counts import MeasuredCounts
from noise_core.analysis.factor_model import MeasuredCircuit
from noise_core.analysis.likelihood import fisher_information, maximize
from noise_core.analysis.local_model import LocalModel
from noise_core.analysis.locations import KINDS
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.spec.models import NoiseSpec

FOLDS = 3
"""Cross-validation folds, each fit sees two thirds of the circuits. Circuits are dealt into folds in a seeded
random order: dealt in file order, a set that cycles through 3 or 9 measurement bases put every circuit with
one basis on a qubit into one fold, and the fits of the other folds never saw it."""
MIN_GAIN = 2.0
"""Nats of held-out log-likelihood a kind must add to be kept: a likelihood ratio of e² ≈ 7.4 on unseen circuits."""
FLAT = 1e-9
"""Information below this fraction of the largest (per unit of search range) counts as none."""
ORDER = ("readout", "gate", "relaxation", "coherent", "detuning", "zz")
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


def choose_parameters(
    spec: NoiseSpec,
    data: MeasuredCounts,
    circuits: Sequence[MeasuredCircuit],
    *,
    calibration: BackendCalibration | None,
    max_factor: float,
    seed: int = 0,
) -> Selection:
    """The per-location parameters these counts support (module docstring), and per kind why."""

    def model(names: Sequence[str], chosen: Sequence[MeasuredCircuit], require_met: bool = True) -> LocalModel:
        return LocalModel(
            spec, data, calibration=calibration, parameters=names, max_factor=max_factor, circuits=chosen,
            require_met=require_met,
        )  # fmt: skip

    everything = model(model([], circuits).candidates(), circuits)
    information = fisher_information(everything, everything.start())
    widths = np.array([upper - low for low, upper in everything.bounds])
    seen = identifiable(everything.names, information, widths)
    families: dict[str, list[str]] = {}
    hidden: dict[str, list[str]] = {}
    for name, ok in sorted(zip(everything.names, seen, strict=True), key=lambda item: _order(item[0])):
        (families if ok else hidden).setdefault(family_of(name), []).append(name)
    groups = circuit_groups(circuits)
    folds = [sorted(index for group in fold for index in groups[group]) for fold in folds_of(len(groups), seed)]

    def score(names: list[str]) -> float:
        """Held-out NLL summed over the folds, each predicted by a fit to the other folds."""
        total = 0.0
        for fold in folds:
            train = [circuit for index, circuit in enumerate(circuits) if index not in fold]
            test = [circuits[index] for index in fold]
            theta, _best = maximize(model(names, train, require_met=False), [c.measured for c in train])
            total += held_out_nll(test, model(names, test, require_met=False).probabilities(theta))
        return total

    kept, tried, baseline = stepwise_selection(families, score)
    chosen = tuple(name for family in kept for name in families[family])
    return Selection(chosen, support_table(families, hidden, kept, tried), baseline)


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
) -> tuple[list[str], dict[str, tuple[float, float]], float]:
    """Families kept, each family's (held-out gain it brings, score with it) when last judged, and the baseline
    score (no family). Starts from the better of no family and every family, then:

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
        return kept, tried, baseline
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
    return kept, tried, baseline


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
