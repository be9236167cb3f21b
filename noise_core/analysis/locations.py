"""Per-location fit parameters: the device's physics at one gate, qubit or coupler, by names a user can type.

| name                    | what it sets (on the spec's entries for that location)                         | unit |
|-------------------------|---------------------------------------------------------------------------------|------|
| ``gate[cz:4,5]``        | factor on the depolarizing probability of that gate on those qubits (either order) | ×    |
| ``relaxation[5]``       | factor on qubit 5's relaxation rates 1/T1 and 1/T2, in gates and waits (T2* too) | ×    |
| ``readout01[4]``        | P(1|0) of qubit 4's readout                                                     | —    |
| ``readout10[4]``        | P(0|1) of qubit 4's readout                                                     | —    |
| ``overrotation[sx:5]``  | coherent error ε after sx on qubit 5: RX(ε) (``spec.coherent``)                | rad  |
| ``cphase[cz:4,5]``      | conditional-phase error ε after cz on coupler 4–5: RZZ(ε)                        | rad  |
| ``zphase[cz:4,5@5]``    | local phase error φ on qubit 5 after cz on coupler 4–5: RZ(φ)                    | rad  |
| ``detuning[5]``         | frame offset δ of qubit 5 during waits: RZ(2π·δ·t)                               | kHz  |
| ``zz[4,5]``             | static ZZ coupling ξ of the pair (``spec.crosstalk``)                            | kHz  |
| ``readoutcorr[4,5]``    | common-mode flip c of the pair's two bits, own rates kept (``readout_parameters``) | —    |

Factors are 1 at the calibrated model; the others are values, starting from the spec's (0 where it has none).
Each kind is grouped for model selection (``KINDS``). A parameter sets the *location's* value wherever a
circuit meets it, never a per-circuit correction.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from noise_core.analysis.readout_parameters import (
    READOUT_RANGE,
    common_mode_limit,
    flip_rate,
    pair_is_ungrouped,
    set_common_mode,
    set_flip_rate,
)
from noise_core.errors import FitError
from noise_core.spec.coherent import coherent_axis
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import readout_group

Document = dict[str, Any]
"""A spec as ``model_dump(mode="json")``: what parameters edit before one validation."""

ANGLE_RANGE = 0.3
"""Coherent errors are searched in ±0.3 rad (17°): calibrated gates are off by mrad to tens of mrad."""
DETUNING_RANGE_KHZ = 100.0
"""Detuning searched in ±100 kHz: a few µs of waits turn by under a cycle."""
ZZ_RANGE_KHZ = 300.0
"""ZZ searched in ±300 kHz: fixed-frequency transmon pairs show 1–100 kHz."""

KINDS: dict[str, str] = {
    "readout01": "readout",
    "readout10": "readout",
    "gate": "gate",
    "relaxation": "relaxation",
    "overrotation": "coherent",
    "cphase": "coherent",
    "zphase": "coherent",
    "detuning": "detuning",
    "zz": "zz",
    "readoutcorr": "correlated readout",
}
"""Each parameter's kind of physics, what ``parameters="auto"`` keeps or drops as a whole."""
UNITS = {"gate": "×", "relaxation": "×", "detuning": "kHz", "zz": "kHz"} | dict.fromkeys(
    ("readout01", "readout10", "readoutcorr"), ""
)
NAME = re.compile(r"^(?P<kind>[a-z0-9]+)\[(?:(?P<gate>[a-z][a-z0-9_]*):)?(?P<qubits>\d+(?:,\d+)*)(?:@(?P<on>\d+))?\]$")


@dataclass(frozen=True)
class LocalParameter:
    """One per-location parameter: its name, kind, gate, physical qubits (``on``: zphase's qubit), search range."""

    name: str
    kind: str
    gate: str | None
    qubits: tuple[int, ...]
    on: int | None
    low: float
    upper: float

    @property
    def simulated(self) -> bool:
        """False for readout (correlated too): it changes no channel inside the circuit."""
        return not self.kind.startswith("readout")

    @property
    def unit(self) -> str:
        return UNITS.get(self.kind, "rad")

    def value_in(self, spec: NoiseSpec) -> float:
        """The value the spec has (1 for a factor)."""
        return _READERS[self.kind](spec, self)

    def apply(self, document: Document, value: float) -> None:
        """Set this location's value in ``document`` (in place)."""
        _WRITERS[self.kind](document, self, value)


def is_parameter_name(name: object) -> bool:
    """True when ``name`` has a per-location parameter's form (module table); ``parse_parameter`` checks the rest."""
    match = NAME.match(name) if isinstance(name, str) else None
    return match is not None and match["kind"] in KINDS


def parse_parameter(name: str, spec: NoiseSpec, max_factor: float) -> LocalParameter:
    """The parameter ``name`` (module table) on ``spec``, or ``FitError`` saying what a valid name looks like. Its
    name is written with the qubits in ascending order (``zz[5,4]`` is ``zz[4,5]``), as ``candidate_names`` does."""
    match = NAME.match(name) if isinstance(name, str) else None
    kind = match["kind"] if match else None
    if match is None or kind not in KINDS:
        raise FitError(
            f"{name!r:.60} is not a parameter: use gate[cz:4,5], relaxation[5], readout01[4], readout10[4], "
            "overrotation[sx:5], cphase[cz:4,5], zphase[cz:4,5@5], detuning[5], zz[4,5] or readoutcorr[4,5]"
        )
    qubits = tuple(int(q) for q in match["qubits"].split(","))
    on = None if match["on"] is None else int(match["on"])
    gate = match["gate"]
    _check_shape(name, kind, gate, qubits, on)
    low, upper = _range(kind, gate, qubits, spec, max_factor, name)
    located = ",".join(map(str, sorted(qubits)))
    canonical = f"{kind}[{f'{gate}:' if gate else ''}{located}{'' if on is None else f'@{on}'}]"
    return LocalParameter(canonical, kind, gate, tuple(sorted(qubits)), on, low, upper)


def candidate_names(
    spec: NoiseSpec,
    placements: Iterable[tuple[str, tuple[int, ...]]],
    measured: Iterable[int],
    waiting: Iterable[int],
    couplers: Iterable[tuple[int, ...]],
) -> list[str]:
    """Every parameter the circuits meet: gates and coherent errors of their placements, readout of the qubits they
    measure, detuning of qubits that wait, ZZ of device couplers between their qubits, relaxation of each, and
    correlated readout of couplers whose qubits are both measured and in no group of another pair."""
    names: list[str] = []
    active: set[int] = set()
    read = set(measured)
    for gate, qubits in sorted(set(placements)):
        active.update(qubits)
        located = ",".join(map(str, sorted(qubits)))
        if gate not in ("measure", "delay") and _depolarizing(spec, gate, qubits):
            names.append(f"gate[{gate}:{located}]")
        axis = coherent_axis(gate)
        if axis in ("x", "y") and len(qubits) == 1:
            names.append(f"overrotation[{gate}:{located}]")
        if axis == "zz" and len(qubits) == 2:
            names += [f"cphase[{gate}:{located}]", *(f"zphase[{gate}:{located}@{q}]" for q in sorted(qubits))]
    names += [f"relaxation[{q}]" for q in sorted(active) if _relaxes(spec, q)]
    for qubit in sorted(read):
        if readout_group(spec, qubit) is None:
            names += [f"readout01[{qubit}]", f"readout10[{qubit}]"]
    names += [f"detuning[{q}]" for q in sorted(set(waiting))]
    pairs = sorted({tuple(sorted(pair)) for pair in couplers})
    names += [f"zz[{a},{b}]" for a, b in pairs if {a, b} <= active]
    grouped: set[int] = set()
    for a, b in pairs:  # a matching: a qubit is read out in one group (the first coupler, in order, that has it)
        if {a, b} <= read and not {a, b} & grouped and pair_is_ungrouped(spec, (a, b)) and _correlates(spec, (a, b)):
            names.append(f"readoutcorr[{a},{b}]")
            grouped |= {a, b}
    return list(dict.fromkeys(names))


def check_together(parameters: Iterable[LocalParameter]) -> None:
    """``FitError`` when two correlated-readout parameters share a qubit (each qubit is read out in one group)."""
    seen: dict[int, str] = {}
    for parameter in parameters:
        if parameter.kind != "readoutcorr":
            continue
        for qubit in parameter.qubits:
            if qubit in seen:
                raise FitError(
                    f"{seen[qubit]} and {parameter.name} share qubit {qubit}; a qubit is read out in one group, so "
                    "fit correlated readout on couplers that do not touch"
                )
            seen[qubit] = parameter.name


def applied(document: Document, parameters: Iterable[LocalParameter], values: Iterable[float]) -> NoiseSpec:
    """The spec ``document`` with each parameter set to its value (validated once). Correlated readout goes last: it
    composes onto the pair's per-qubit readout as the other parameters leave it."""
    edited = copy.deepcopy(document)
    pairs = sorted(zip(parameters, values, strict=True), key=lambda pair: pair[0].kind == "readoutcorr")
    for parameter, value in pairs:
        parameter.apply(edited, float(value))
    return NoiseSpec.model_validate(edited)


# --- names ---------------------------------------------------------------------------------


def _check_shape(name: str, kind: str, gate: str | None, qubits: tuple[int, ...], on: int | None) -> None:
    wants_gate = kind in ("gate", "overrotation", "cphase", "zphase")
    arity = {"cphase": 2, "zphase": 2, "zz": 2, "readoutcorr": 2, "overrotation": 1}.get(
        kind, 1 if kind != "gate" else len(qubits)
    )
    problem = None
    if wants_gate != (gate is not None):
        problem = f"{kind}[…] {'names' if wants_gate else 'takes no'} a gate (gate:qubits)"
    elif len(qubits) != arity or len(set(qubits)) != len(qubits):
        problem = f"{kind}[…] takes {arity} distinct qubit(s)"
    elif (kind == "zphase") != (on is not None) or (on is not None and on not in qubits):
        problem = "only zphase names the qubit of its phase, one of the gate's (zphase[cz:4,5@5])"
    elif kind in ("overrotation", "cphase", "zphase") and coherent_axis(str(gate)) != ("zz" if arity == 2 else "x"):
        axis = coherent_axis(str(gate))
        if not (kind == "overrotation" and axis == "y"):
            problem = f"gate {gate!r} has no {kind} (coherent axis {axis})"
    if problem:
        raise FitError(f"parameter {name!r}: {problem}")


def _range(
    kind: str, gate: str | None, qubits: tuple[int, ...], spec: NoiseSpec, max_factor: float, name: str
) -> tuple[float, float]:
    """[low, upper] searched; a factor capped where its channel reaches its physical limit."""
    if kind == "gate":
        entries = _depolarizing(spec, str(gate), qubits)
        if not entries:
            raise FitError(f"parameter {name!r}: the model has no depolarizing error on {gate} {list(qubits)}")
        largest = max(entry["probability"] for entry in entries)
        limit = 4 ** len(qubits) / (4 ** len(qubits) - 1)
        return 0.0, min(max_factor, limit / largest)
    if kind == "relaxation":
        if not _relaxes(spec, qubits[0]):
            raise FitError(f"parameter {name!r}: the model has no relaxation of qubit {qubits[0]}")
        return 0.0, max_factor
    if kind == "readoutcorr":
        if not pair_is_ungrouped(spec, qubits) or not _correlates(spec, qubits):
            raise FitError(
                f"parameter {name!r}: the pair needs its own readout, each flip rate above 0 (no correlated group yet)"
            )
        return 0.0, min(common_mode_limit(spec, qubits), READOUT_RANGE)
    if kind.startswith("readout"):
        if readout_group(spec, qubits[0]) is not None:
            raise FitError(f"parameter {name!r}: qubit {qubits[0]} is read out in a correlated group")
        return 0.0, READOUT_RANGE
    bound = {"detuning": DETUNING_RANGE_KHZ, "zz": ZZ_RANGE_KHZ}.get(kind, ANGLE_RANGE)
    return -bound, bound


def _depolarizing(spec: NoiseSpec | Document, gate: str, qubits: Iterable[int]) -> list[Document]:
    document = spec.model_dump(mode="json") if isinstance(spec, NoiseSpec) else spec
    wanted = sorted(qubits)
    return [
        entry
        for entry in document["local_depolarizing_errors"]
        if entry["gate"] == gate and sorted(entry["qubits"]) == wanted and entry["probability"] > 0
    ]


def _correlates(spec: NoiseSpec, pair: tuple[int, ...]) -> bool:
    """True when the pair's readout leaves room for a common-mode flip (each flip rate above 0)."""
    return common_mode_limit(spec, pair) > 0.0


def _relaxes(spec: NoiseSpec, qubit: int) -> bool:
    return any(entry.qubit == qubit for entry in spec.idle_relaxation_errors) or any(
        qubit in entry.qubits for entry in spec.local_thermal_relaxation_errors
    )


# --- reading and writing a location's value ------------------------------------------------


def _read_factor(_spec: NoiseSpec, _parameter: LocalParameter) -> float:
    return 1.0


def _read_readout(spec: NoiseSpec, parameter: LocalParameter) -> float:
    return flip_rate(spec, parameter.qubits[0], 0 if parameter.kind == "readout01" else 1)


def _read_zero(_spec: NoiseSpec, _parameter: LocalParameter) -> float:
    return 0.0


def _read_coherent(spec: NoiseSpec, parameter: LocalParameter) -> float:
    for entry in spec.local_coherent_errors:
        if entry.gate == parameter.gate and sorted(entry.qubits) == list(parameter.qubits):
            if parameter.kind != "zphase":
                return entry.angle
            return (entry.phases or [0.0, 0.0])[entry.qubits.index(int(parameter.on or 0))]
    return 0.0


def _read_detuning(spec: NoiseSpec, parameter: LocalParameter) -> float:
    return next((e.detuning for e in spec.idle_detuning_errors if e.qubit == parameter.qubits[0]), 0.0)


def _read_zz(spec: NoiseSpec, parameter: LocalParameter) -> float:
    return next((e.zz for e in spec.zz_crosstalk_errors if e.pair == parameter.qubits), 0.0)


def _write_gate(document: Document, parameter: LocalParameter, value: float) -> None:
    for entry in _depolarizing(document, str(parameter.gate), parameter.qubits):
        entry["probability"] *= value


def _write_relaxation(document: Document, parameter: LocalParameter, value: float) -> None:
    """Times divided by ``value`` (rates multiplied); 0 makes them infinite (null)."""
    qubit = parameter.qubits[0]

    def scaled(time: float | None) -> float | None:
        return None if time is None or value == 0.0 else time / value

    for entry in document["idle_relaxation_errors"]:
        if entry["qubit"] == qubit:
            entry["t1"], entry["t2"] = scaled(entry["t1"]), scaled(entry["t2"])
    for entry in document["local_thermal_relaxation_errors"]:
        for position, relaxation in zip(entry["qubits"], entry["relaxations"], strict=True):
            if position == qubit:
                relaxation["t1"], relaxation["t2"] = scaled(relaxation["t1"]), scaled(relaxation["t2"])
    for entry in document["idle_detuning_errors"]:
        if entry["qubit"] == qubit and entry["t2_star"] is not None:
            entry["t2_star"] = scaled(entry["t2_star"])


def _write_readout(document: Document, parameter: LocalParameter, value: float) -> None:
    set_flip_rate(document, parameter.qubits[0], 0 if parameter.kind == "readout01" else 1, value)


def _write_coherent(document: Document, parameter: LocalParameter, value: float) -> None:
    """The location's coherent entries (every ordering the spec's gate entries use, whatever their probability, so
    the same at every value of a ``gate`` factor written before; both when none), created at 0."""
    gate, wanted = str(parameter.gate), list(parameter.qubits)
    listed = [e["qubits"] for e in document["local_depolarizing_errors"] if e["gate"] == gate]
    orders = [order for order in listed if sorted(order) == sorted(wanted)] or (
        [wanted, wanted[::-1]] if len(wanted) == 2 else [wanted]
    )
    for order in orders:
        entry = next((e for e in document["local_coherent_errors"] if e["gate"] == gate and e["qubits"] == order), None)
        if entry is None:
            entry = {
                "gate": gate,
                "qubits": list(order),
                "angle": 0.0,
                "phases": [0.0, 0.0] if len(order) == 2 else None,
            }
            document["local_coherent_errors"].append(entry)
        if parameter.kind == "zphase":
            phases = entry["phases"] or [0.0, 0.0]
            phases[order.index(parameter.on)] = value
            entry["phases"] = phases
        else:
            entry["angle"] = value


def _write_detuning(document: Document, parameter: LocalParameter, value: float) -> None:
    qubit = parameter.qubits[0]
    entry = next((e for e in document["idle_detuning_errors"] if e["qubit"] == qubit), None)
    if entry is None:
        document["idle_detuning_errors"].append({"qubit": qubit, "detuning": value, "t2_star": None})
    else:
        entry["detuning"] = value


def _write_zz(document: Document, parameter: LocalParameter, value: float) -> None:
    pair = list(parameter.qubits)
    entry = next((e for e in document["zz_crosstalk_errors"] if sorted(e["qubits"]) == pair), None)
    if entry is None:
        document["zz_crosstalk_errors"].append({"qubits": pair, "zz": value})
    else:
        entry["zz"] = value


def _write_readoutcorr(document: Document, parameter: LocalParameter, value: float) -> None:
    set_common_mode(document, parameter.qubits, value)


_READERS: dict[str, Callable[[NoiseSpec, LocalParameter], float]] = {
    "gate": _read_factor,
    "relaxation": _read_factor,
    "readout01": _read_readout,
    "readout10": _read_readout,
    "overrotation": _read_coherent,
    "cphase": _read_coherent,
    "zphase": _read_coherent,
    "detuning": _read_detuning,
    "zz": _read_zz,
    "readoutcorr": _read_zero,
}
_WRITERS: dict[str, Callable[[Document, LocalParameter, float], None]] = {
    "gate": _write_gate,
    "relaxation": _write_relaxation,
    "readout01": _write_readout,
    "readout10": _write_readout,
    "overrotation": _write_coherent,
    "cphase": _write_coherent,
    "zphase": _write_coherent,
    "detuning": _write_detuning,
    "zz": _write_zz,
    "readoutcorr": _write_readoutcorr,
}
assert _READERS.keys() == _WRITERS.keys() == KINDS.keys()
