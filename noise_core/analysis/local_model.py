"""Measured circuits' outcome probabilities as functions of per-location parameters (``locations``): exact.

``LocalModel`` has ``FactorModel``'s interface, so ``fit_noise`` maximises, profiles and compares it the same
way. Its probabilities at θ are those of the spec with each named location set to its value
(``locations.applied``), computed without interpolation: each circuit is placed once (``measured_circuit``) and
compiled once (``compiled.CompiledCircuit``), and the specs of a batch of θ (a gradient's k + 1 points) go through
it together; readout is applied analytically per spec (``MeasuredBits.readout_blocks``, ``apply_readout``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from noise_core.analysis.compiled import CompiledCircuit, Slot, SpecChannels
from noise_core.analysis.counts import MeasuredCounts
from noise_core.analysis.factor_model import SMALLEST_PROBABILITY, MeasuredCircuit, measured_circuit
from noise_core.analysis.locations import LocalParameter, applied, candidate_names, check_together, parse_parameter
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import FitError
from noise_core.simulation.readout_sampling import apply_readout
from noise_core.simulation.run import MeasuredBits
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import ReadoutBlock
from noise_core.spec.restriction import restrict_spec

SCAN_POINTS = 41
"""Values tried across a signed parameter's range before the fit (``LocalModel.starts``)."""
SCAN_SWEEPS = 2
"""Passes over the signed parameters (each scan sees the others' values from the pass before)."""
GRADIENT_STEP = 1e-7
"""Forward-difference step of the gradient, relative to each parameter's search range."""


class LocalModel:
    """Per-location parameters' probabilities and likelihood on measured circuits (module docstring)."""

    def __init__(
        self,
        spec: NoiseSpec,
        data: MeasuredCounts,
        *,
        calibration: BackendCalibration | None,
        parameters: Sequence[str],
        max_factor: float = 5.0,
        seed: int = 0,
        circuits: Sequence[MeasuredCircuit] | None = None,
        require_met: bool = True,
    ) -> None:
        """``circuits``: ``data``'s circuits already placed (``measured_circuit``), or a subset of them (a fold);
        ``require_met``: refuse a parameter these circuits never meet (off for a fold's held-out circuits)."""
        self.spec = spec
        self.data = data
        self.circuits = (
            list(circuits)
            if circuits is not None
            else [measured_circuit(spec, counts, calibration, seed) for counts in data.experiments]
        )
        restricted = restrict_spec(spec, self.qubits)
        self._document = restricted.model_copy(update={"provenance": None}).model_dump(mode="json")
        """What parameters edit: the circuits' qubits' physics (provenance, large and unchanged, left out)."""
        self.factors: list[LocalParameter] = [parse_parameter(name, restricted, max_factor) for name in parameters]
        check_together(self.factors)
        met = self.candidates() if require_met else [p.name for p in self.factors]
        unknown = [p.name for p in self.factors if p.name not in met]
        if unknown or len({p.name for p in self.factors}) < len(self.factors):
            raise FitError(
                f"parameters must be distinct and met by these circuits; {', '.join(unknown) or 'repeated names'} "
                f"{'are' if len(unknown) > 1 else 'is'} not (the circuits meet {', '.join(met[:12])}…)"
            )
        self._bits = [MeasuredBits(c.experiment.placed) for c in self.circuits]
        self._calibrated = np.array([p.value_in(restricted) for p in self.factors], dtype=float)
        pairs = [p.qubits for p in self.factors if p.kind == "zz"] + [e.pair for e in restricted.zz_crosstalk_errors]
        compiled = [CompiledCircuit(c.experiment.placed, [(a, b) for a, b in pairs]) for c in self.circuits]
        self._moved = self._moved_slots(compiled)
        live = set().union(*self._moved)
        base = SpecChannels(self.spec_at(self.start()))
        self._compiled = [circuit.fused(live, base) for circuit in compiled]
        self.simulations = 0

    def _moved_slots(self, compiled: Sequence[CompiledCircuit]) -> list[set[Slot]]:
        """Per parameter, the slots it changes: it moved by a tenth of its range from the start, the slots whose
        channel differs from the start's (none for a readout parameter). Taken to hold at every θ: the fused steps and
        ``probabilities_many`` rely on it, and each parameter's writer (``locations``) edits the same entries whatever
        the values."""
        start = self.start()
        base = SpecChannels(self.spec_at(start))
        slots = set().union(*(circuit.slots for circuit in compiled)) if compiled else set()
        moved_slots: list[set[Slot]] = []
        for index, parameter in enumerate(self.factors):
            if not parameter.simulated:
                moved_slots.append(set())
                continue
            moved = start.copy()
            moved[index] += 0.1 * (parameter.upper - parameter.low) * (1 if start[index] < parameter.upper else -1)
            other = SpecChannels(self.spec_at(moved))
            moved_slots.append(
                {slot for slot in slots if not _equal(other.superoperator(slot), base.superoperator(slot))}
            )
        return moved_slots

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.factors]

    @property
    def bounds(self) -> list[tuple[float, float]]:
        return [(p.low, p.upper) for p in self.factors]

    @property
    def qubits(self) -> tuple[int, ...]:
        """The device qubits the circuits ran on (their active qubits, together)."""
        return tuple(sorted({q for circuit in self.circuits for q in circuit.experiment.placed.active_qubits}))

    def candidates(self) -> list[str]:
        """Every parameter these circuits meet (``locations.candidate_names``)."""
        restricted = restrict_spec(self.spec, self.qubits)
        placements = {item for c in self.circuits for item in (c.experiment.placed.placements() or ())}
        waiting = {q for gate, qubits in placements if gate == "delay" for q in qubits}
        couplers: set[tuple[int, ...]] = {qubits for gate, qubits in placements if len(qubits) == 2}
        couplers |= {tuple(entry.qubits) for entry in restricted.local_depolarizing_errors if len(entry.qubits) == 2}
        couplers |= {e.pair for e in restricted.zz_crosstalk_errors}
        return candidate_names(restricted, placements, (q for c in self.circuits for q in c.qubits), waiting, couplers)

    def start(self) -> np.ndarray:
        """The model as given: factors 1, values as the spec has them (kept inside the search range)."""
        lower = np.array([low for low, _high in self.bounds])
        upper = np.array([high for _low, high in self.bounds])
        return np.asarray(np.clip(self._calibrated, lower, upper), dtype=float)

    def starts(self, counts: Sequence[np.ndarray] | None = None) -> list[np.ndarray]:
        """Where a fit starts: the model as given with each signed parameter (coherent angles, detuning, ZZ) in turn
        moved to the best of ``SCAN_POINTS`` across its range, once scanning them in order and once in reverse.

        Their likelihood is periodic in the value (an amplified over-rotation, a Ramsey fringe), so a start at 0 can
        climb the wrong fringe: on a conditional Ramsey of 3 and 6 µs a ZZ of 60 kHz was fitted as 185 kHz from 0.
        The scan sweeps ``SCAN_SWEEPS`` times: ZZ scanned while detuning was still 0 took −146 kHz for the pair's
        Ramsey shift. One order can still end in a wrong basin (sx over-rotation scanned before detuning and ZZ
        left ZZ at 267 kHz for 60), so both orders start a fit and the better is kept; ``rescanned`` looks again
        from the fit's end."""
        counts = self._counts(counts)
        found = [self.scanned(order, counts) for order in self.scan_orders()]
        return found[:1] if len(found) < 2 or np.array_equal(found[0], found[1]) else found

    def scan_orders(self) -> list[list[int]]:
        """The orders ``starts`` scans the signed parameters in: as named, and reversed when there are two or more."""
        signed = [index for index, parameter in enumerate(self.factors) if parameter.low < 0.0]
        return [signed] if len(signed) < 2 else [signed, signed[::-1]]

    def rescanned(self, theta: np.ndarray, counts: Sequence[np.ndarray]) -> np.ndarray | None:
        """``theta`` with each signed parameter in turn moved to its best scanned value, the others at ``theta``'s
        (one sweep), or None when no scanned value is better. A fit that ended on a wrong fringe sees the right one
        here: scans from the model as given can both set sx over-rotation to 0.2–0.3 rad, a start from which ZZ
        climbed to 267 kHz for 60 (2 and 6 µs conditional Ramsey); scanned from that end, ZZ 60 was 23 nats better."""
        signed = [index for index, parameter in enumerate(self.factors) if parameter.low < 0.0]
        moved = self.scanned(signed, counts, start=theta, sweeps=1)
        return None if np.array_equal(moved, theta) else moved

    def scanned(
        self,
        order: Sequence[int],
        counts: Sequence[np.ndarray],
        start: np.ndarray | None = None,
        sweeps: int = SCAN_SWEEPS,
    ) -> np.ndarray:
        """``start`` (default: the model as given), each parameter of ``order`` in turn moved to its best scanned
        value, ``sweeps`` times over (``starts``)."""
        start = self.start() if start is None else np.asarray(start, dtype=float)
        for index in list(order) * sweeps:
            parameter = self.factors[index]
            grid = np.linspace(parameter.low, parameter.upper, SCAN_POINTS)
            points = [np.where(np.arange(len(start)) == index, value, start) for value in grid]
            values = [_log_likelihood(probabilities, counts) for probabilities in self.probabilities_many(points)]
            best = int(np.argmax(values))
            if values[best] > _log_likelihood(self.probabilities(start), counts):
                start = points[best]
        return start

    def spec_at(self, theta: npt.ArrayLike) -> NoiseSpec:
        """The circuits' qubits' spec with every parameter at ``theta``."""
        return applied(self._document, self.factors, np.asarray(theta, dtype=float))

    def probabilities(self, theta: npt.ArrayLike) -> list[np.ndarray]:
        """Each circuit's outcome probabilities at ``theta`` (exact)."""
        return self.probabilities_many([np.asarray(theta, dtype=float)])[0]

    def probabilities_many(self, thetas: Sequence[np.ndarray]) -> list[list[np.ndarray]]:
        """``probabilities`` at each of ``thetas``, the circuits run once for the whole batch; only the slots of the
        parameters that differ within the batch are looked up per point (a scan's 41 points: one parameter's)."""
        specs = [self.spec_at(theta) for theta in thetas]
        channels = [SpecChannels(spec) for spec in specs]
        differ = np.flatnonzero(np.any(np.asarray(thetas) != np.asarray(thetas[0]), axis=0)) if thetas else ()
        varying = set().union(*(self._moved[index] for index in differ))
        result: list[list[np.ndarray]] = [[] for _ in thetas]
        for compiled, bits in zip(self._compiled, self._bits, strict=True):
            before = compiled.before_readout(channels, varying)
            self.simulations += 1
            for row, spec in enumerate(specs):
                result[row].append(_after(before[row], bits.readout_blocks(spec)))
        return result

    def exact_probabilities(self, theta: npt.ArrayLike) -> list[np.ndarray]:
        return self.probabilities(theta)

    def interpolation_error(self, theta: npt.ArrayLike) -> float:
        """0: nothing is interpolated."""
        return 0.0

    def log_likelihood(self, theta: npt.ArrayLike, counts: Sequence[np.ndarray] | None = None) -> float:
        """Σ n·log p over every circuit's outcomes (multinomial, without its constant); ``counts`` default: measured."""
        return _log_likelihood(self.probabilities(theta), self._counts(counts))

    def log_likelihood_and_gradient(
        self, theta: npt.ArrayLike, counts: Sequence[np.ndarray] | None = None
    ) -> tuple[float, np.ndarray]:
        """The log-likelihood and its forward-difference gradient Σ Jᵀ·(n/q) (``probabilities_and_jacobian``)."""
        counts = self._counts(counts)
        probabilities, jacobians = self.probabilities_and_jacobian(theta)
        gradient = np.zeros(len(self.factors))
        for q, jacobian, n in zip(probabilities, jacobians, counts, strict=True):
            gradient += jacobian.T @ (n / np.maximum(q, SMALLEST_PROBABILITY))
        return _log_likelihood(probabilities, counts), gradient

    def probabilities_and_jacobian(self, theta: npt.ArrayLike) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Each circuit's outcome probabilities q at ``theta`` and their forward-difference Jacobian ∂q/∂θ (outcomes
        × parameters; steps of ``GRADIENT_STEP``, backwards where the search range ends).

        Circuits of up to ``FULL_REGISTER_QUBITS`` qubits take the adjoint method (``first_order_jacobian``): one
        forward and one backward pass, then each parameter's changed slots only, through the readout matrix;
        readout parameters change the readout alone. Wider circuits run all k + 1 points in one batch.
        """
        centre = np.asarray(theta, dtype=float)
        steps = np.array([GRADIENT_STEP * (p.upper - p.low) for p in self.factors])
        steps = np.where(centre + steps > [p.upper for p in self.factors], -steps, steps)
        points = [centre] + [centre + np.eye(len(centre))[i] * steps[i] for i in range(len(centre))]
        specs = [self.spec_at(point) for point in points]
        channels = [SpecChannels(spec) for spec in specs]
        probabilities, jacobians = [], []
        for compiled, bits in zip(self._compiled, self._bits, strict=True):
            self.simulations += 1
            if compiled.adjoint:
                q, changes = self._adjoint_changes(compiled, bits, specs, channels)
            else:
                pairs = zip(compiled.before_readout(channels), specs, strict=True)
                after = np.array([_after(before, bits.readout_blocks(spec)) for before, spec in pairs])
                q, changes = after[0], (after[1:] - after[0]).T
            probabilities.append(q)
            jacobians.append(changes / steps)
        return probabilities, jacobians

    def _adjoint_changes(
        self, compiled: CompiledCircuit, bits: MeasuredBits, specs: list[NoiseSpec], channels: list[SpecChannels]
    ) -> tuple[np.ndarray, np.ndarray]:
        """One circuit's probabilities under ``specs[0]`` and their changes to each other spec (one column each):
        simulated parameters by the adjoint method through the readout matrix, readout parameters by the readout."""
        states = compiled.forward(channels[0])
        before = compiled.measured_probabilities(states[-1])
        blocks = bits.readout_blocks(specs[0])
        after = _after(before, blocks)
        changes = np.zeros((after.size, len(self.factors)))
        simulated = [i for i, p in enumerate(self.factors) if p.simulated]
        others = [(channels[1 + i], self._moved[i]) for i in simulated]
        jacobian = compiled.first_order_jacobian(channels[0], states, others)
        changes[:, simulated] = _readout_matrix(blocks, before.size) @ jacobian.T
        for i, parameter in enumerate(self.factors):
            if not parameter.simulated:
                changes[:, i] = _after(before, bits.readout_blocks(specs[1 + i])) - after
        return after, changes

    def scaled_spec(self, theta: npt.ArrayLike, spec: NoiseSpec) -> NoiseSpec:
        """The whole device's ``spec`` with every parameter at ``theta``."""
        return applied(spec.model_dump(mode="json"), self.factors, np.asarray(theta, dtype=float))

    def _counts(self, counts: Sequence[np.ndarray] | None) -> Sequence[np.ndarray]:
        return [circuit.measured for circuit in self.circuits] if counts is None else counts


def _equal(first: np.ndarray | None, second: np.ndarray | None) -> bool:
    """Two slots' superoperators are equal in value (None: the identity). By value, not identity: an equal channel
    evicted from the superoperator cache comes back as a new array, and the slots found (so the steps fused) would
    then depend on what ran before in the process."""
    if first is None or second is None:
        return first is second
    return bool(np.array_equal(first, second))


def _after(before: np.ndarray, blocks: Sequence[ReadoutBlock]) -> np.ndarray:
    """The distribution after readout (rounding's negatives clipped, renormalised)."""
    after = np.clip(apply_readout(before, list(blocks)), 0.0, None)
    return np.asarray(after / after.sum(), dtype=float)


def _readout_matrix(blocks: Sequence[ReadoutBlock], size: int) -> np.ndarray:
    """The readout as a matrix R (after = R·before): its columns are the readout of each outcome."""
    return np.column_stack([apply_readout(column, list(blocks)) for column in np.eye(size)])


def _log_likelihood(probabilities: Sequence[np.ndarray], counts: Sequence[np.ndarray]) -> float:
    pairs = zip(counts, probabilities, strict=True)
    return math.fsum(float(n @ np.log(np.maximum(p, SMALLEST_PROBABILITY))) for n, p in pairs)
