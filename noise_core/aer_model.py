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

from qiskit.circuit import CircuitInstruction, Instruction, QuantumCircuit
from qiskit.circuit.library import PauliGate
from qiskit.quantum_info import Kraus
from qiskit_aer.noise import NoiseModel, QuantumError, ReadoutError

from noise_core.allocation import garbage_collection_paused
from noise_core.channels import ChannelIndex, GateChannel
from noise_core.physics import Relaxation
from noise_core.spec import NoiseSpec


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
    channels = ChannelIndex.of(spec)
    for gate, channel in channels.all_qubit_channels():
        error = factory.error(channel)
        if error is not None:
            model.add_all_qubit_quantum_error(error, gate, warnings=False)
    for (gate, gate_qubits), channel in channels.local_channels(within=keep):
        error = factory.error(channel)
        if error is None and channels.has_all_qubit_channel(gate):
            error = factory.identity(len(gate_qubits))
        if error is not None:
            model.add_quantum_error(error, gate, gate_qubits, warnings=False)
    _add_readout_errors(model, spec, keep)
    return model


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
