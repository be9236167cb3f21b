"""What changed between two calibration snapshots: per qubit, per gate, and in summary.

``compare_calibrations(before, after)`` compares what the two share (qubits by index, gates by
name and ordered qubits) and says what they do not. Conventions:

- ``difference`` = after − before and ``ratio`` = after / before, in the units of the tables
  (T1/T2 in µs, frequency in GHz, errors and probabilities as fractions, lengths in ns);
- a metric is *worse* when it moved in its bad direction (errors and readout flips up, T1/T2
  down) by more than ``threshold`` in ratio: after/before > 1 + t for errors, < 1/(1 + t) for
  coherence times. Frequency and lengths have no good direction (``worse`` is NaN);
- a gate is *broken* when its reported error is 1 (IBM's mark for an unusable gate), and
  ``status`` says broken/repaired (error crossed 1), appeared/disappeared, changed or unchanged.

Swapping the snapshots negates differences, inverts ratios and swaps broken↔repaired and
appeared↔disappeared; a snapshot against itself changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from noise_core.calibration.checks import usable_value
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import CalibrationError

BROKEN_ERROR = 1.0
"""A reported gate_error of 1: IBM marks a gate it cannot run this way."""
DEFAULT_THRESHOLD = 0.2
"""A metric counts as worse (or better) when it moved by more than 20 % in ratio."""
HIGHER_IS_BETTER = {"T1 (µs)": True, "T2 (µs)": True}
"""Metrics whose increase is an improvement; errors and readout flips are better lower."""
NEUTRAL_METRICS = ("frequency (GHz)", "readout_length (ns)")
"""Metrics with no good direction."""


@dataclass(frozen=True)
class CalibrationDiff:
    """Two snapshots compared (module docstring for the conventions)."""

    before: str
    """'ibm_fez 2025-01-13T16:54:24+00:00'."""
    after: str
    qubits: pd.DataFrame
    """Index (qubit, metric); before, after, difference, ratio, worse and better (1/0 beyond the threshold;
    NaN for a metric with no good direction or a missing value)."""
    gates: pd.DataFrame
    """Index (gate, qubits as '3,4'); error and length (ns) before and after, error_ratio, status."""
    summary: pd.DataFrame
    """Index metric; median_before, median_after, compared, worse, better (counts beyond the threshold)."""
    notes: tuple[str, ...]
    """What the two do not share (qubit counts, gates only in one), in words."""
    threshold: float

    def largest_changes(self, count: int = 10) -> pd.DataFrame:
        """The qubit metrics that moved most, largest first, by ``error_change``: how much the error a circuit
        meets there changed, as a probability (positive: worse).

        For an error or a readout flip it is after − before. For T1 or T2 it is the change of the chance to
        decay (or dephase) within ``DECAY_REFERENCE_US``, 1 − exp(−t/T) (T = 0 decays at once), so one scale
        ranks them together: a T1 fallen 168.7 → 4.2 µs (+0.206) beside a readout error fallen 0.172 → 0.005
        (−0.167), far above a flip gone 0.0017 → 0 (−0.0017). A ratio ranked that last one, and a rise from
        zero (ratio ∞), first. Metrics with no good direction (frequency, readout length) are not ranked.
        Columns as ``qubits`` with error_change after the ratio; ``ratio`` is NaN where it is infinite.
        """
        ranked = self.qubits.dropna(subset=["before", "after"])
        metrics = ranked.index.get_level_values("metric")
        ranked = ranked[(ranked["before"] >= 0) & (ranked["after"] >= 0) & ~metrics.isin(NEUTRAL_METRICS)]
        ranked = ranked.assign(ratio=ranked["ratio"].replace([np.inf, -np.inf], np.nan))
        change = _error_probability(ranked, "after") - _error_probability(ranked, "before")
        ranked.insert(ranked.columns.get_loc("ratio") + 1, "error_change", change)
        order = ranked["error_change"].abs().sort_values(ascending=False, kind="stable").index
        return ranked.loc[order].head(count)


DECAY_REFERENCE_US = 1.0
"""T1 and T2 changes are ranked by the chance to decay within this many µs: a few layers of two-qubit gates
(IBM's take 60–600 ns), the time over which a circuit meets them."""


def _error_probability(rows: pd.DataFrame, side: str) -> np.ndarray:
    """Each row's value as an error probability: itself for errors and flips, 1 − exp(−t/T) for T1/T2 (µs)."""
    values = rows[side].to_numpy(dtype=float)
    lifetime = np.array([HIGHER_IS_BETTER.get(metric, False) for metric in rows.index.get_level_values("metric")])
    with np.errstate(divide="ignore"):
        decay = np.where(values > 0, 1.0 - np.exp(-DECAY_REFERENCE_US / np.where(values > 0, values, 1.0)), 1.0)
    return np.where(lifetime, decay, values)


def compare_calibrations(
    before: BackendCalibration, after: BackendCalibration, *, threshold: float = DEFAULT_THRESHOLD
) -> CalibrationDiff:
    """Compare two snapshots (of one device over time, or two devices of one family)."""
    if not threshold >= 0:
        raise CalibrationError(f"threshold must be a fraction ≥ 0 (0.2 = 20 %); got {threshold!r}")
    shared = min(before.num_qubits, after.num_qubits)
    qubits = _qubit_changes(_qubit_metrics(before, shared), _qubit_metrics(after, shared), threshold)
    gates = _gate_changes(before, after)
    notes = _notes(before, after, gates)
    return CalibrationDiff(
        before=_name(before),
        after=_name(after),
        qubits=qubits,
        gates=gates,
        summary=_summary(qubits),
        notes=notes,
        threshold=threshold,
    )


def _name(calibration: BackendCalibration) -> str:
    return f"{calibration.backend_name} {calibration.last_update_date.isoformat()}"


def _qubit_metrics(calibration: BackendCalibration, count: int) -> pd.DataFrame:
    """Per qubit (first ``count``): the qubit table's metrics and each 1-qubit gate's error ('sx error')."""
    table = calibration.qubit_table().iloc[:count].astype(float)
    gates = calibration.gate_table()
    single = gates[~gates["qubits"].str.contains(",")]
    errors = single.pivot_table(index="qubits", columns="gate", values="gate_error", aggfunc="first")
    errors.index = errors.index.astype(int)
    errors = errors.loc[:, (errors.fillna(0.0) != 0.0).any()]  # virtual rz reports 0 everywhere
    errors.columns = [f"{gate} error" for gate in errors.columns]
    return table.join(errors.astype(float), how="left")


def _qubit_changes(before: pd.DataFrame, after: pd.DataFrame, threshold: float) -> pd.DataFrame:
    metrics = [column for column in before.columns if column in after.columns]
    old = before[metrics].stack(future_stack=True).rename("before")
    new = after[metrics].stack(future_stack=True).rename("after")
    table = pd.concat([old, new], axis=1)
    table.index.names = ["qubit", "metric"]
    table = table.dropna(how="all")
    table["difference"] = table["after"] - table["before"]
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio"] = table["after"] / table["before"]
    table["worse"] = [_is_worse(metric, ratio, threshold) for (_, metric), ratio in table["ratio"].items()]
    with np.errstate(divide="ignore"):
        inverse = 1.0 / table["ratio"].astype(float)  # a worse move of the swapped pair is a better one here
    table["better"] = [_is_worse(metric, ratio, threshold) for (_, metric), ratio in inverse.items()]
    return table


def _is_worse(metric: str, ratio: float, threshold: float) -> float:
    """1.0 worse, 0.0 not, NaN when the metric has no good direction or the ratio is undefined (0/0).

    A ratio of 0 (a value fell to zero) or ∞ (it rose from zero) is the largest move there is.
    """
    if metric in NEUTRAL_METRICS or np.isnan(ratio) or ratio < 0:
        return np.nan
    with np.errstate(divide="ignore"):
        bad_ratio = np.float64(1.0) / ratio if HIGHER_IS_BETTER.get(metric, False) else np.float64(ratio)
    return float(bad_ratio > 1.0 + threshold)


def _summary(qubits: pd.DataFrame) -> pd.DataFrame:
    """Per metric: medians before/after, how many qubits were compared, got worse, got better."""
    rows = {}
    for metric, group in qubits.groupby(level="metric", sort=False):
        both = group.dropna(subset=["before", "after"])
        directed = metric not in NEUTRAL_METRICS
        rows[metric] = {
            "median_before": group["before"].median(),
            "median_after": group["after"].median(),
            "compared": len(both),
            "worse": int(np.nansum(both["worse"].astype(float))) if directed else np.nan,
            "better": int(np.nansum(both["better"].astype(float))) if directed else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("metric")


def _gate_changes(before: BackendCalibration, after: BackendCalibration) -> pd.DataFrame:
    columns = {"gate_error": "error", "gate_length (ns)": "length (ns)"}
    old = before.gate_table().rename(columns=columns).set_index(["gate", "qubits"])
    new = after.gate_table().rename(columns=columns).set_index(["gate", "qubits"])
    old = old[~old.index.duplicated(keep="last")]
    new = new[~new.index.duplicated(keep="last")]
    table = old.join(new, how="outer", lsuffix=" before", rsuffix=" after")
    table["present before"] = table.index.isin(old.index)
    table["present after"] = table.index.isin(new.index)
    with np.errstate(divide="ignore", invalid="ignore"):  # float columns: a side with no errors is all NaN
        table["error_ratio"] = table["error after"].astype(float) / table["error before"].astype(float)
    table["status"] = [_gate_status(row) for row in table.to_dict("records")]
    return table.drop(columns=["present before", "present after"])


def _gate_status(row: dict[str, object]) -> str:
    if not row["present before"]:
        return "appeared"
    if not row["present after"]:
        return "disappeared"
    old, new = _float(row["error before"]), _float(row["error after"])
    if old < BROKEN_ERROR <= new:
        return "broken"
    if new < BROKEN_ERROR <= old:
        return "repaired"
    same_error = old == new or (np.isnan(old) and np.isnan(new))
    old_length, new_length = _float(row["length (ns) before"]), _float(row["length (ns) after"])
    same_length = old_length == new_length or (np.isnan(old_length) and np.isnan(new_length))
    return "unchanged" if same_error and same_length else "changed"


def _float(value: object) -> float:
    return float(value) if value is not None else np.nan  # type: ignore[arg-type]


def _notes(before: BackendCalibration, after: BackendCalibration, gates: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    if before.num_qubits != after.num_qubits:
        notes.append(
            f"{before.backend_name} has {before.num_qubits} qubits and {after.backend_name} {after.num_qubits}; "
            f"qubits 0..{min(before.num_qubits, after.num_qubits) - 1} are compared"
        )
    if before.backend_name != after.backend_name:
        notes.append(f"different devices ({before.backend_name}, {after.backend_name}): qubits compared by index")
    for status, word in (("appeared", "only after"), ("disappeared", "only before")):
        only = gates[gates["status"] == status]
        if not only.empty:
            names = sorted({gate for gate, _ in only.index})
            notes.append(f"{len(only)} gate entries {word} ({', '.join(names)})")
    return tuple(notes)


def calibration_drift(calibrations: Sequence[BackendCalibration]) -> pd.DataFrame:
    """Every snapshot's qubit metrics in one long table sorted by calibration time.

    Columns: ``date`` (the snapshot's last_update_date in UTC; a date without a zone is read as
    UTC), ``qubit``, ``metric`` (as in ``CalibrationDiff.qubits``), ``value``. For a drift chart:
    the median per date, or one qubit.
    """
    return _over_time(calibrations, _qubit_values, "qubit")


def coupler_drift(calibrations: Sequence[BackendCalibration]) -> pd.DataFrame:
    """Every snapshot's two-qubit gate errors in one long table sorted by calibration time.

    Columns: ``date`` (UTC, as in ``calibration_drift``), ``coupler`` ('4,5', the lower qubit first),
    ``metric`` ('cz error', 'ecr error', …: one per two-qubit gate with reported errors), ``value`` (a
    fraction). A coupler listed both ways (Heron's cz on 4,5 and on 5,4) counts once, with the mean of
    the errors listed. For a drift chart: the median over couplers per date, or one coupler.
    """
    return _over_time(calibrations, _coupler_errors, "coupler")


def _over_time(
    calibrations: Sequence[BackendCalibration], values: Callable[[BackendCalibration], pd.DataFrame], where: str
) -> pd.DataFrame:
    """``values`` (columns ``where``, metric, value) of each snapshot, dated in UTC and sorted by date."""
    if not calibrations:
        raise CalibrationError("a drift table needs at least one snapshot")
    frames = [values(calibration).assign(date=utc_time(calibration.last_update_date)) for calibration in calibrations]
    table = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    return table[["date", where, "metric", "value"]].sort_values(["date", "metric", where], ignore_index=True)


def _qubit_values(calibration: BackendCalibration) -> pd.DataFrame:
    long = _qubit_metrics(calibration, calibration.num_qubits).stack(future_stack=True).rename("value").reset_index()
    long.columns = ["qubit", "metric", "value"]
    return long


def _coupler_errors(calibration: BackendCalibration) -> pd.DataFrame:
    """Each two-qubit gate's usable reported error per coupler ('4,5'), the mean over its listed directions (the
    rule the map and the Target use: ``checks.usable_value``; a missing, NaN or negative error is left out)."""
    rows = [
        {"coupler": f"{min(qubits)},{max(qubits)}", "metric": f"{gate} error", "value": error}
        for gate, qubits, properties in calibration.gate_entries()
        if len(qubits) == 2 and (error := usable_value(properties, "gate_error")) is not None
    ]
    table = pd.DataFrame(rows, columns=["coupler", "metric", "value"])
    return table.groupby(["coupler", "metric"], as_index=False)["value"].mean()


def utc_time(moment: object) -> pd.Timestamp:
    """A calibration time in UTC; a time without a zone is read as UTC (as IBM's file names write it)."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
