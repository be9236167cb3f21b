"""``build_noise_model``: a ``NoiseSpec`` → a Qiskit Aer ``NoiseModel``.

Precedence: on a gate and qubit tuple, a qubit-specific entry (``local_*``) replaces the
all-qubit entry of the same kind; kinds without a local entry keep the all-qubit one. A local
readout matrix replaces the global readout setting on its qubit. Aer applies a local error
*instead of* the all-qubit error of that gate, so each placement with any local entry gets one
error that already contains the all-qubit kinds it keeps.

Composition on one gate occurrence: depolarizing → Pauli → thermal relaxation (the order of
``from_backend``'s "depolarizing followed by thermal relaxation"). Depolarizing and Pauli
channels are both Pauli mixtures, so they are merged into one mixture; the relaxation of each
qubit follows every term as a Kraus instruction. The result equals Aer's own
``depolarizing_error(λ, n).compose(thermal_relaxation_error(...).expand(...))`` as a channel
(tests compare superoperators) and builds about 5× faster, which is what lets a restricted
model be rebuilt per circuit.

Delays get no noise: the spec has no idle channel (Aer's ``from_backend`` adds relaxation on
``delay`` through a custom pass).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qiskit.circuit import CircuitInstruction, Instruction, QuantumCircuit
from qiskit.circuit.library import PauliGate
from qiskit.quantum_info import Kraus
from qiskit_aer.noise import NoiseModel, QuantumError, ReadoutError

from noise_core.allocation import garbage_collection_paused
from noise_core.physics import Relaxation
from noise_core.spec import NoiseSpec, PauliNoiseTerm, ThermalRelaxationParameters

PauliProbabilities = dict[str, float]
"""Pauli label (Qiskit order: last letter on the gate's first qubit) → probability."""


def build_noise_model(spec: NoiseSpec, *, qubits: Iterable[int] | None = None) -> NoiseModel:
    """Every channel of ``spec`` as an Aer ``NoiseModel``, optionally restricted to ``qubits``.

    With ``qubits``, qubit-specific entries are kept only when all their qubits are in the set
    (indices are not renumbered); all-qubit entries are kept as they are. Building only the
    qubits a circuit touches keeps Aer's per-run conversion cost proportional to the circuit,
    not the device (qiskit-aer issues 1087, 2379).
    """
    with garbage_collection_paused():
        return _build(spec, None if qubits is None else frozenset(qubits))


def _build(spec: NoiseSpec, keep: frozenset[int] | None) -> NoiseModel:
    model = NoiseModel(basis_gates=spec.basis_gates) if spec.basis_gates else NoiseModel()
    factory = _ErrorFactory()
    channels = _ChannelIndex.of(spec)
    for gate, channel in channels.all_qubit_channels():
        error = factory.error(channel)
        if error is not None:
            model.add_all_qubit_quantum_error(error, gate, warnings=False)
    for (gate, gate_qubits), channel in channels.local_channels():
        if keep is not None and not keep.issuperset(gate_qubits):
            continue
        error = factory.error(channel)
        if error is None and channels.has_all_qubit_channel(gate):
            error = factory.identity(len(gate_qubits))
        if error is not None:
            model.add_quantum_error(error, gate, gate_qubits, warnings=False)
    _add_readout_errors(model, spec, keep)
    return model


@dataclass(frozen=True)
class GateChannel:
    """The noise on one gate placement: merged Pauli mixture, then per-qubit relaxation."""

    num_qubits: int
    paulis: tuple[tuple[str, float], ...]
    relaxations: tuple[Relaxation | None, ...]

    @property
    def is_identity(self) -> bool:
        only_identity = all(label.strip("I") == "" for label, p in self.paulis if p > 0)
        return only_identity and all(r is None or r.is_identity for r in self.relaxations)


@dataclass
class _ChannelIndex:
    """The spec's entries by gate (all-qubit) and by (gate, qubits) (local), one dict per kind."""

    depolarizing: dict[str, tuple[int, float]] = field(default_factory=dict)
    pauli: dict[str, tuple[int, list[PauliNoiseTerm]]] = field(default_factory=dict)
    thermal: dict[str, ThermalRelaxationParameters] = field(default_factory=dict)
    local_depolarizing: dict[tuple[str, tuple[int, ...]], float] = field(default_factory=dict)
    local_pauli: dict[tuple[str, tuple[int, ...]], list[PauliNoiseTerm]] = field(default_factory=dict)
    local_thermal: dict[tuple[str, tuple[int, ...]], list[ThermalRelaxationParameters]] = field(default_factory=dict)

    @classmethod
    def of(cls, spec: NoiseSpec) -> _ChannelIndex:
        index = cls()
        index.depolarizing = {e.gate: (e.num_qubits, e.probability) for e in spec.gate_depolarizing_errors}
        index.pauli = {e.gate: (e.num_qubits, e.pauli_terms) for e in spec.gate_pauli_errors}
        index.thermal = {e.gate: e for e in spec.gate_thermal_relaxation_errors}
        index.local_depolarizing = {(e.gate, tuple(e.qubits)): e.probability for e in spec.local_depolarizing_errors}
        index.local_pauli = {(e.gate, tuple(e.qubits)): e.pauli_terms for e in spec.local_pauli_errors}
        index.local_thermal = {(e.gate, tuple(e.qubits)): e.relaxations for e in spec.local_thermal_relaxation_errors}
        return index

    def all_qubit_channels(self) -> Iterable[tuple[str, GateChannel]]:
        for gate in {**self.depolarizing, **self.pauli, **self.thermal}:
            num_qubits = self._arity(gate)
            yield gate, self._channel(gate, num_qubits, None, None, None)

    def local_channels(self) -> Iterable[tuple[tuple[str, tuple[int, ...]], GateChannel]]:
        for gate, qubits in {**self.local_depolarizing, **self.local_pauli, **self.local_thermal}:
            key = (gate, qubits)
            yield (
                key,
                self._channel(
                    gate,
                    len(qubits),
                    self.local_depolarizing.get(key),
                    self.local_pauli.get(key),
                    self.local_thermal.get(key),
                ),
            )

    def has_all_qubit_channel(self, gate: str) -> bool:
        return gate in self.depolarizing or gate in self.pauli or gate in self.thermal

    def _arity(self, gate: str) -> int:
        if gate in self.depolarizing:
            return self.depolarizing[gate][0]
        if gate in self.pauli:
            return self.pauli[gate][0]
        return 1

    def _channel(
        self,
        gate: str,
        num_qubits: int,
        local_depolarizing: float | None,
        local_pauli: list[PauliNoiseTerm] | None,
        local_thermal: Sequence[ThermalRelaxationParameters] | None,
    ) -> GateChannel:
        """Each kind from the local entry when there is one, else from the all-qubit entry."""
        depolarizing = (
            local_depolarizing if local_depolarizing is not None else self.depolarizing.get(gate, (0, 0.0))[1]
        )
        paulis = depolarizing_paulis(depolarizing, num_qubits)
        pauli_terms = local_pauli if local_pauli is not None else self.pauli.get(gate, (0, None))[1]
        if pauli_terms is not None:
            paulis = compose_pauli_channels(paulis, {term.pauli: term.probability for term in pauli_terms})
        if local_thermal is None and gate in self.thermal:
            local_thermal = [self.thermal[gate]]
        relaxations = tuple(_relaxation(p) for p in local_thermal) if local_thermal else (None,) * num_qubits
        return GateChannel(num_qubits, tuple(sorted(paulis.items())), relaxations)


def depolarizing_paulis(probability: float, num_qubits: int) -> PauliProbabilities:
    """Aer's ``depolarizing_error(λ, n)`` as a Pauli mixture: each non-identity Pauli λ/4ⁿ."""
    identity = "I" * num_qubits
    if probability == 0.0:
        return {identity: 1.0}
    size = 4**num_qubits
    each = probability / size
    labels = [_pauli_label(index, num_qubits) for index in range(size)]
    return {label: (max(0.0, 1.0 - probability * (size - 1) / size) if label == identity else each) for label in labels}


def compose_pauli_channels(first: PauliProbabilities, then: PauliProbabilities) -> PauliProbabilities:
    """The Pauli mixture of applying ``first`` then ``then``: P(c) = Σ_{a·b ∝ c} p(a)·q(b)."""
    result: dict[int, float] = {}
    num_qubits = len(next(iter(first)))
    for label_a, p_a in first.items():
        code_a = _pauli_code(label_a)
        for label_b, p_b in then.items():
            code = code_a ^ _pauli_code(label_b)
            result[code] = result.get(code, 0.0) + p_a * p_b
    return {_pauli_label(code, num_qubits): p for code, p in result.items() if p > 0}


_LETTER_BITS = {"I": 0, "X": 1, "Z": 2, "Y": 3}
_BITS_LETTER = "IXZY"


def _pauli_code(label: str) -> int:
    """Two bits (x, z) per qubit, qubit 0 (the label's last letter) lowest; products are XORs."""
    code = 0
    for position, letter in enumerate(reversed(label)):
        code |= _LETTER_BITS[letter] << (2 * position)
    return code


def _pauli_label(code: int, num_qubits: int) -> str:
    return "".join(_BITS_LETTER[(code >> (2 * qubit)) & 3] for qubit in reversed(range(num_qubits)))


def _relaxation(parameters: ThermalRelaxationParameters) -> Relaxation:
    return Relaxation(parameters.t1, parameters.t2, parameters.time, parameters.excited_state_population)


class _ErrorFactory:
    """Builds ``QuantumError``s, reusing one object for equal channels (x, sx and id often are)."""

    def __init__(self) -> None:
        self._errors: dict[GateChannel, QuantumError | None] = {}
        self._kraus: dict[Relaxation, Instruction] = {}

    def error(self, channel: GateChannel) -> QuantumError | None:
        """The channel as a mixture of circuits: one Pauli, then each qubit's relaxation; None if identity."""
        if channel not in self._errors:
            self._errors[channel] = None if channel.is_identity else self._build(channel)
        return self._errors[channel]

    def identity(self, num_qubits: int) -> QuantumError:
        """A no-op error: a local entry that cancels the all-qubit error of its gate there."""
        return QuantumError([(QuantumCircuit(num_qubits), 1.0)])

    def _build(self, channel: GateChannel) -> QuantumError:
        template = QuantumCircuit(channel.num_qubits)
        wires = tuple(template.qubits)
        relaxations = [
            CircuitInstruction(self._relaxation_instruction(relaxation), (wires[index],))
            for index, relaxation in enumerate(channel.relaxations)
            if relaxation is not None and not relaxation.is_identity
        ]
        mixture = []
        for label, probability in channel.paulis:
            if probability <= 0:
                continue
            circuit = template.copy_empty_like()
            if label.strip("I"):
                circuit._append(CircuitInstruction(PauliGate(label), wires))
            for instruction in relaxations:
                circuit._append(instruction)
            mixture.append((circuit, probability))
        return QuantumError(mixture)

    def _relaxation_instruction(self, relaxation: Relaxation) -> Instruction:
        if relaxation not in self._kraus:
            self._kraus[relaxation] = Kraus(relaxation.kraus_operators()).to_instruction()
        return self._kraus[relaxation]


def _add_readout_errors(model: NoiseModel, spec: NoiseSpec, keep: frozenset[int] | None) -> None:
    global_matrix = spec.readout_assignment_probabilities
    if spec.readout_bit_flip_probability is not None:
        flip = spec.readout_bit_flip_probability
        global_matrix = [[1.0 - flip, flip], [flip, 1.0 - flip]]
    if global_matrix is not None and not _is_identity_matrix(global_matrix):
        model.add_all_qubit_readout_error(ReadoutError(global_matrix), warnings=False)
    for entry in spec.local_readout_errors:
        if keep is None or entry.qubit in keep:
            model.add_readout_error(ReadoutError(entry.assignment_probabilities), [entry.qubit], warnings=False)


def _is_identity_matrix(matrix: Sequence[Sequence[float]]) -> bool:
    return matrix[0][1] == 0.0 and matrix[1][0] == 0.0
