"""The Aer calls of one simulation, readout sampling, and the cache of compact noise models.

Readout is kept out of Aer's model whenever all measurements are terminal and applied here per
shot (``readout_sampling.sample_readout``). That lets trajectories use Aer's shot branching, which is
only sound without readout errors in the model: with them it was seen giving 9–15× the
binomial spread and irreproducible counts, because a branch shares one readout draw. Each branch's
terminal outcomes are then drawn at once (``shot_branching_sampling_enable``, about a third off GHZ(12)'s
trajectories on ibm_fez) unless the model puts a channel on ``measure``: Aer 0.18 skips that channel when
it samples (a 25 % X error on measure gave no flips; ``test_a_channel_on_measure_acts_before_the_readout``).
"""

from __future__ import annotations

import hashlib
import threading
from functools import cached_property

import numpy as np
import pandas as pd
from cachetools import LRUCache
from qiskit import QuantumCircuit
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel

from noise_core.aer import build_noise_model, quantum_error
from noise_core.aer.channels import ChannelIndex
from noise_core.aer.model import Placements
from noise_core.errors import SimulationError
from noise_core.gc_pause import garbage_collection_paused
from noise_core.simulation.cost import statevector_bytes
from noise_core.simulation.crosstalk import timed_circuit
from noise_core.simulation.idle import with_idle_noise
from noise_core.simulation.methods import (
    SimulationLimits,
    exact_ideal,
    non_clifford_gate,
    snapped_quarter_turns,
    uses_stim,
)
from noise_core.simulation.mps import MPS_OPTIONS, Truncation, truncation_of
from noise_core.simulation.pauli_circuit import PauliCircuit, pauli_circuit, sample_bits, to_qiskit
from noise_core.simulation.placement import PlacedCircuit
from noise_core.simulation.readout_sampling import apply_readout, sample_readout
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import ReadoutBlock, readout_blocks

TRAJECTORY_FUSION_THRESHOLD = 1
"""Aer's ``fusion_threshold`` for trajectories: fuse runs of gates into larger unitaries at every width.

Aer's default (14 qubits) suits one ideal pass, where fusing costs more than it saves on a small state; a
trajectory run applies every gate once per branch, so fusing pays at any width. Measured on ibm_fez's
derived model, 4000 shots, idle noise on, Aer 0.18, this machine: GHZ(12) 564 → 194 ms, GHZ(9) 374 → 136 ms,
QFT(10) 48 → 3.2 s, GHZ(3) 108 → 91 ms; a dynamic circuit (no shot branching) 144 → 141 ms. The counts of
GHZ(8), QFT(6) and QFT(8) with 40,000 shots stayed within the sampling bound of the exact distribution
(``test_trajectories_fuse_gates_and_keep_the_exact_distribution``)."""

IDEAL_RESIDUE = 1e-20
"""Ideal (statevector) probabilities below this are floating-point residue, not outcomes: amplitudes under
1e-10, where rounding leaves ~1e-16 per gate (GHZ(3) left 1e-33 on outcomes it never gives). They are exact zeros,
so the ideal distribution lists only the outcomes the circuit gives."""


class AerRun:
    """One simulation's Aer calls and sampling, sharing the compact circuit and model."""

    def __init__(
        self,
        placed: PlacedCircuit,
        spec: NoiseSpec,
        model: NoiseModel | None,
        shots: int,
        rng: np.random.Generator,
        aer_seeds: list[int],
        limits: SimulationLimits,
    ) -> None:
        self.placed = placed
        self.spec = spec
        self.model = model
        self.shots = shots
        self.rng = rng
        self.aer_seeds = aer_seeds
        self.limits = limits
        self.noisy_circuit = with_idle_noise(timed_circuit(placed, spec), placed.active_qubits, spec)
        """The compact circuit with its ZZ crosstalk, and each delay followed by its waiting noise (the compact one
        without time-bound noise)."""
        self.bits = MeasuredBits(placed)
        self.num_clbits = self.bits.num_clbits
        self.measured = self.bits.measured
        self.truncation: Truncation | None = None
        """What the MPS cut in the noiseless run, when one ran (``ideal``)."""

    def ideal(self) -> tuple[pd.Series | None, pd.Series]:
        """Noise-free: exact probabilities and counts drawn from them where ``methods.exact_ideal``, else (None,
        sampled counts): by Stim for a Clifford circuit measured at the end, Aer's stabilizer for another Clifford
        one, a statevector while it fits, else an MPS."""
        if exact_ideal(self.placed, self.limits):
            circuit = self._unmeasured(with_measure_noise=False)
            probabilities = _saved_probabilities(AerSimulator(method="statevector"), circuit, self.aer_seeds[0])
            return self._exact(np.where(probabilities < IDEAL_RESIDUE, 0.0, probabilities), "ideal")
        if self.placed.terminal and non_clifford_gate(self.placed.compact, on_stim=True) is None:
            return None, self._stim_counts(self.pauli.without_noise(), self.aer_seeds[0], "ideal", read_out=False)
        clifford = non_clifford_gate(self.placed.compact) is None
        if clifford:
            simulator = AerSimulator(method="stabilizer")
        elif statevector_bytes(self.placed.compact.num_qubits) <= self.limits.max_statevector_bytes:
            simulator = AerSimulator(method="statevector")
        else:
            simulator = AerSimulator(method="matrix_product_state", **MPS_OPTIONS)
        return None, counts_series(self._aer_counts(simulator, self.placed.compact, self.aer_seeds[0]), "ideal")

    def noisy(self, method: str) -> tuple[pd.Series | None, pd.Series]:
        """Under the noise model with ``method`` (exact probabilities for density_matrix, else None; counts)."""
        if uses_stim(method, self.placed):
            return None, self._stim_counts(self.pauli, self.aer_seeds[1], "noisy")
        assert self.model is not None  # only Stim's runs go without an Aer model
        if method == "density_matrix":
            circuit = self._unmeasured(with_measure_noise=True)
            simulator = AerSimulator(method="density_matrix", noise_model=self.model)
            before_readout = _saved_probabilities(simulator, circuit, self.aer_seeds[1])
            return self._exact(apply_readout(before_readout, self.bits.readout_blocks(self.spec)), "noisy")
        if method == "stabilizer":
            simulator = AerSimulator(method="stabilizer", noise_model=self.model)
        elif method == "matrix_product_state":
            simulator = AerSimulator(method="matrix_product_state", noise_model=self.model, **MPS_OPTIONS)
            self.truncation = self._mps_truncation()
        else:
            simulator = AerSimulator(
                method="statevector",
                noise_model=self.model,
                fusion_threshold=TRAJECTORY_FUSION_THRESHOLD,
                shot_branching_enable=self.placed.terminal,
                shot_branching_sampling_enable=self.placed.terminal and "measure" not in self.model.noise_instructions,
            )
        counts = self._aer_counts(simulator, self.noisy_circuit, self.aer_seeds[1])
        if self.placed.terminal:
            counts = self._with_sampled_readout(counts)
        return None, counts_series(counts, "noisy")

    def twirled_exact(self, readout_spec: NoiseSpec | None = None) -> pd.Series:
        """The exact distribution the twirled method samples: Aer's density matrix of ``pauli`` (its channels as
        instructions), then readout applied analytically (``readout_spec``'s readout when given, as the Stim
        export's symmetric one). For measuring the twirl where the exact method runs."""
        source = to_qiskit(self.pauli)
        circuit = source.copy_empty_like()
        for item in source.data:
            if item.operation.name != "measure":
                circuit._append(item)
        circuit.save_probabilities([position for _clbit, position, _physical in self.measured])
        before_readout = _saved_probabilities(AerSimulator(method="density_matrix"), circuit, self.aer_seeds[1])
        blocks = self.bits.readout_blocks(readout_spec or self.spec)
        exact, _counts = self._exact(apply_readout(before_readout, blocks), "twirled")
        return exact

    def _unmeasured(self, *, with_measure_noise: bool) -> QuantumCircuit:
        """The compact circuit without its (terminal) measurements, saving the measured qubits' probabilities.

        With ``with_measure_noise`` (the noisy run), idle relaxation follows each delay, and a channel
        the spec puts on ``measure`` acts just before the measurement, as in Aer.
        """
        source = self.noisy_circuit if with_measure_noise else self.placed.compact
        circuit = source.copy_empty_like()
        for item in source.data:
            if item.operation.name != "measure":
                circuit._append(item)
        if with_measure_noise:
            channels = ChannelIndex.of(self.spec)
            for _clbit, position, physical in self.measured:
                placement = channels.placement("measure", (physical,))
                error = None if placement.channel is None else quantum_error(placement.channel)
                if error is not None:
                    circuit.append(error.to_instruction(), [position])
        circuit.save_probabilities([position for _clbit, position, _physical in self.measured])
        return circuit

    def _exact(self, probabilities: np.ndarray, name: str) -> tuple[pd.Series, pd.Series]:
        """Exact distribution over measured bits → labelled series, plus counts sampled from it."""
        exact = self.bits.distribution(probabilities, name)
        counts = pd.Series(self.rng.multinomial(self.shots, exact.to_numpy()), index=exact.index, name=name)
        return exact[exact > 0].sort_index(), counts[counts > 0].sort_index()

    @cached_property
    def pauli(self) -> PauliCircuit:
        """The circuit under the model with every channel Pauli (twirled where it is not: ``pauli_circuit``)."""
        return pauli_circuit(self.placed, self.spec)

    def approximation(self, method: str) -> str:
        """What an approximate method (``methods.APPROXIMATE_METHODS``) approximated, in words; '' for the others."""
        if method == "twirled":
            return self.pauli.statement()
        if method == "matrix_product_state" and self.truncation is not None:
            return self.truncation.statement()
        return ""

    def _stim_counts(self, circuit: PauliCircuit, seed: int, name: str, *, read_out: bool = True) -> pd.Series:
        """Stim's shots of ``circuit``, with each measured qubit's readout drawn per shot when ``read_out``."""
        bits = sample_bits(circuit, self.shots, seed)[:, ::-1]  # label order: clbit 0 last
        unique, frequency = np.unique(self._read_out(bits) if read_out else bits, axis=0, return_counts=True)
        labels = ["".join(map(str, row)) for row in unique]
        return counts_series(dict(zip(labels, (int(count) for count in frequency), strict=True)), name)

    def _mps_truncation(self) -> Truncation:
        """What the MPS cuts from the circuit without its random channels (one shot, Aer's ``mps_log_data``; the ZZ
        phases kept, they entangle): the truncation the run states, standing for its noisy trajectories (``mps``
        module docstring)."""
        circuit = timed_circuit(self.placed, self.spec)
        simulator = AerSimulator(method="matrix_product_state", mps_log_data=True, **MPS_OPTIONS)
        with garbage_collection_paused():
            result = simulator.run(circuit, shots=1, seed_simulator=self.aer_seeds[0]).result()
        if not result.success:
            raise SimulationError(f"the simulator failed: {result.status}")
        return truncation_of(str(result.results[0].metadata.get("MPS_log_data", "")))

    def _aer_counts(self, simulator: AerSimulator, circuit: QuantumCircuit, seed: int) -> dict[str, int]:
        if simulator.options.method == "stabilizer":
            circuit = snapped_quarter_turns(circuit)
        with garbage_collection_paused():  # see _saved_probabilities
            result = simulator.run(circuit, shots=self.shots, seed_simulator=seed).result()
        if not result.success:
            raise SimulationError(f"the simulator failed: {result.status}")
        return {format(int(key, 16), f"0{self.num_clbits}b"): count for key, count in result.data(0)["counts"].items()}

    def _with_sampled_readout(self, counts: dict[str, int]) -> dict[str, int]:
        """Apply each measured qubit's assignment matrix shot by shot."""
        labels = list(counts)
        rows = np.array([[int(bit) for bit in label] for label in labels], dtype=np.uint8)
        bits = np.repeat(rows, [counts[label] for label in labels], axis=0)
        unique, frequency = np.unique(self._read_out(bits), axis=0, return_counts=True)
        return {"".join(map(str, row)): int(count) for row, count in zip(unique, frequency, strict=True)}

    def _read_out(self, bits: np.ndarray) -> np.ndarray:
        """A shots × clbits array of bits (label order: clbit 0 last) with the measured ones read out per shot."""
        columns = [self.num_clbits - 1 - clbit for clbit, _position, _physical in self.measured]
        bits[:, columns] = sample_readout(bits[:, columns], self.bits.readout_blocks(self.spec), self.rng)
        return bits


class MeasuredBits:
    """Which qubits a placed circuit measures into which clbits, and how outcomes over them are labelled."""

    def __init__(self, placed: PlacedCircuit) -> None:
        self.num_clbits = placed.compact.num_clbits
        position = {physical: index for index, physical in enumerate(placed.active_qubits)}
        self.measured = sorted((clbit, position[physical], physical) for clbit, physical in placed.measurements)
        """(clbit, compact position, physical qubit) of each measurement, by clbit: measured bit i is entry i."""

    def distribution(self, probabilities: np.ndarray, name: str) -> pd.Series:
        """The nonzero probabilities over the measured bits (bit i = i-th measured clbit), labelled by full clbit
        outcome: only those are labelled, so a wide ideal distribution with few outcomes (GHZ(20): 2 of 2²⁰) is cheap.

        Rounding's tiny negative values are clipped and the total renormalised to 1.
        """
        probabilities = np.clip(probabilities, 0.0, None)
        outcomes = np.flatnonzero(probabilities)
        total = probabilities.sum()
        return pd.Series(probabilities[outcomes] / total, index=self._labels(outcomes), name=name)

    def readout_blocks(self, spec: NoiseSpec) -> list[ReadoutBlock]:
        """``spec``'s readout of the measured bits (bit i = i-th measured clbit): per qubit, or per correlated group."""
        return readout_blocks(spec, [physical for _clbit, _position, physical in self.measured])

    def _labels(self, measured_outcomes: np.ndarray) -> pd.Index:
        """Outcome integers over the measured bits (bit i = i-th measured clbit) → full clbit labels."""
        bits = np.zeros((len(measured_outcomes), self.num_clbits), dtype=np.uint8)
        for index, (clbit, _position, _physical) in enumerate(self.measured):
            bits[:, self.num_clbits - 1 - clbit] = (measured_outcomes >> index) & 1
        return pd.Index(["".join(map(str, row)) for row in bits], name="outcome")


def _saved_probabilities(simulator: AerSimulator, circuit: QuantumCircuit, seed: int) -> np.ndarray:
    """The probabilities the circuit saves, from one Aer run with the garbage collector paused: the run's model
    conversion allocates enough to trigger full collections of everything alive, which made one QFT(8) density
    matrix run in six take ~240 ms instead of ~70 (measured on ibm_fez, 12 runs each way)."""
    with garbage_collection_paused():
        result = simulator.run(circuit, shots=1, seed_simulator=seed).result()
    if not result.success:
        raise SimulationError(f"the simulator failed: {result.status}")
    return np.asarray(result.data(0)["probabilities"], dtype=float)


# --- noise models, cached -----------------------------------------------------------------


class NoiseModelCache:
    """Compact noise models of placed circuits by (spec JSON digest, placements, readout), least recently used
    out; safe to share between threads (a ``cachetools`` LRU cache behind a lock)."""

    def __init__(self, size: int = 16) -> None:
        self._models: LRUCache[tuple[str, tuple[int, ...], Placements | None, bool], NoiseModel] = LRUCache(size)
        self._lock = threading.Lock()

    def get(self, spec: NoiseSpec, placed: PlacedCircuit, *, readout: bool) -> NoiseModel:
        """The compact model of ``spec`` for ``placed`` (its active qubits renumbered 0…k−1, only the errors on
        the placements it applies: ``build_noise_model``), built on first use."""
        placements = placed.placements()
        digest = hashlib.blake2b(spec.model_dump_json().encode(), digest_size=16).hexdigest()
        key = (digest, placed.active_qubits, placements, readout)
        with self._lock:
            model = self._models.get(key)
        if model is None:
            model = build_noise_model(
                spec, qubits=placed.active_qubits, compact=True, readout=readout, placements=placements
            )
            with self._lock:
                self._models[key] = model
        return model

    def clear(self) -> None:
        """Forget every model."""
        with self._lock:
            self._models.clear()


NOISE_MODELS = NoiseModelCache()


def clear_caches() -> None:
    """Forget cached noise models and built errors (benchmarks use it to time a cold run)."""
    NOISE_MODELS.clear()
    quantum_error.cache_clear()


def counts_series(counts: dict[str, int], name: str) -> pd.Series:
    """Counts keyed by bitstring as a sorted integer series with index name 'outcome'."""
    series = pd.Series(counts, name=name, dtype=int).sort_index()
    series.index.name = "outcome"
    return series
