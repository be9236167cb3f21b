"""``build_noise_model``: a ``NoiseSpec`` → a Qiskit Aer ``NoiseModel``.

Precedence: on a gate and qubit tuple, a qubit-specific entry (``local_*``) replaces the
all-qubit entry of the same kind; kinds without a local entry keep the all-qubit one. A local
readout matrix replaces the global readout setting on its qubit. Aer applies a local error
*instead of* the all-qubit error of that gate, so each placement with any local entry gets one
error that already contains the all-qubit kinds it keeps.

Composition on one gate occurrence: coherent → depolarizing → Pauli → thermal relaxation (the
order of ``from_backend``'s "depolarizing followed by thermal relaxation", after the coherent
error that makes the gate the one the device applies). Depolarizing and Pauli channels are both
Pauli mixtures, so they are merged into one mixture; every term starts with the coherent
rotation as a unitary and ends with the relaxation of each qubit as a Kraus instruction. The result equals Aer's own
``depolarizing_error(λ, n).compose(thermal_relaxation_error(...).expand(...))`` as a channel
(tests compare superoperators) and builds about 5× faster, which is what lets a restricted
model be rebuilt per circuit.

Delays get no noise: the spec has no idle channel (Aer's ``from_backend`` adds relaxation on
``delay`` through a custom pass).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from qiskit.circuit import CircuitInstruction, Instruction, QuantumCircuit
from qiskit.circuit.library import IGate, PauliGate, UnitaryGate
from qiskit.quantum_info import Kraus
from qiskit_aer.noise import NoiseModel, QuantumError, ReadoutError

from noise_core.aer.channels import ChannelIndex, GateChannel
from noise_core.errors import NoiseStudioError
from noise_core.gc_pause import garbage_collection_paused
from noise_core.physics import Relaxation
from noise_core.spec.correlated import CorrelatedReadoutNoise
from noise_core.spec.models import NoiseSpec, is_identity_pauli
from noise_core.spec.readout import global_assignment, marginal_assignment

Placements = frozenset[tuple[str, tuple[int, ...]]]
"""(gate, physical qubits) pairs: where a circuit applies each of its instructions."""


def build_noise_model(
    spec: NoiseSpec,
    *,
    qubits: Iterable[int] | None = None,
    compact: bool = False,
    readout: bool = True,
    placements: Placements | None = None,
) -> NoiseModel:
    """Every channel of ``spec`` as an Aer ``NoiseModel``, optionally restricted to ``qubits``.

    With ``qubits``, qubit-specific entries are kept only when all their qubits are in the set;
    all-qubit entries are kept as they are. Building only the qubits a circuit touches keeps
    Aer's per-run conversion cost proportional to the circuit, not the device (qiskit-aer
    issues 1087, 2379). With ``compact=True`` the kept qubits are renumbered in the order
    given (``qubits[i]`` becomes qubit ``i``), for a circuit laid out on just those qubits.
    ``readout=False`` leaves readout errors out (the simulator then applies them itself).
    ``placements`` (a circuit's, ``PlacedCircuit.placements``) keeps only the errors the circuit
    meets: qubit-specific ones on those placements and all-qubit ones of those gates. Aer converts
    every error of a model to C++ on each run (through JSON): on a 12-qubit GHZ circuit on ibm_fez
    that was 104 errors where the circuit meets 23.

    Built ``QuantumError``s are cached process-wide by channel, so rebuilding after an edit
    only builds the channels that changed.
    """
    if compact and qubits is None:
        raise NoiseStudioError("compact=True needs the qubits to renumber")
    register = None if qubits is None else list(dict.fromkeys(qubits))
    renumber = {physical: index for index, physical in enumerate(register)} if compact and register else None
    with garbage_collection_paused():
        return _build(spec, None if register is None else frozenset(register), renumber, readout, placements)


def _build(
    spec: NoiseSpec,
    keep: frozenset[int] | None,
    renumber: Mapping[int, int] | None,
    readout: bool,
    placements: Placements | None,
) -> NoiseModel:
    model = NoiseModel(basis_gates=spec.basis_gates) if spec.basis_gates else NoiseModel()
    channels = ChannelIndex.of(spec)
    gates = None if placements is None else {gate for gate, _qubits in placements}
    for gate, channel in channels.all_qubit_channels():
        if gates is not None and gate not in gates:
            continue
        error = quantum_error(channel)
        if error is not None:
            model.add_all_qubit_quantum_error(error, gate, warnings=False)
    for (gate, gate_qubits), channel in channels.local_channels(within=keep):
        if placements is not None and (gate, gate_qubits) not in placements:
            continue
        error = quantum_error(channel)
        if error is None and channels.has_all_qubit_channel(gate):
            error = _identity_error(len(gate_qubits))
        if error is not None:
            placed = gate_qubits if renumber is None else tuple(renumber[q] for q in gate_qubits)
            model.add_quantum_error(error, gate, placed, warnings=False)
    if readout:
        _add_readout_errors(model, spec, keep, renumber)
    return model


class _StoredError(QuantumError):  # type: ignore[misc]  # qiskit-aer ships no type information
    """A ``QuantumError`` Aer must keep as given.

    ``NoiseModel.add_quantum_error`` silently skips errors it finds ideal. That includes the
    identity a local zero entry adds to cancel an all-qubit error on one placement, so the
    all-qubit error would act there after all. The check also costs ~0.5 ms per error (it tries
    a Clifford conversion and formats the failure). The builder makes only non-identity channels
    and deliberate identities, so it answers the check itself.
    """

    def ideal(self) -> bool:
        return False


@lru_cache(maxsize=4096)
def quantum_error(channel: GateChannel) -> QuantumError | None:
    """The channel as a mixture of circuits: the coherent rotation, one Pauli, then each qubit's relaxation; None
    if identity.

    Cached: equal channels (x, sx and id often are; an unchanged entry after an edit always
    is) share one ``QuantumError``. Aer only reads the errors it is given.
    """
    if channel.is_identity:
        return None
    template = QuantumCircuit(channel.num_qubits)
    wires = tuple(template.qubits)
    relaxations = [
        CircuitInstruction(relaxation_instruction(relaxation), (wires[index],))
        for index, relaxation in enumerate(channel.relaxations)
        if relaxation is not None and not relaxation.is_identity
    ]
    rotation = None
    if channel.coherent is not None and not channel.coherent.is_identity:
        rotation = CircuitInstruction(UnitaryGate(channel.coherent.matrix(), check_input=False), wires)
    mixture = []
    for label, probability in channel.paulis:
        if probability <= 0:
            continue
        circuit = template.copy_empty_like()
        if rotation is not None:
            circuit._append(rotation)
        if not is_identity_pauli(label):
            circuit._append(CircuitInstruction(PauliGate(label), wires))
        elif not relaxations and rotation is None:
            # Never an empty circuit: with shot branching, Aer 0.18 drops a whole error whose
            # first circuit is empty (pinned in tests/noise_core/aer/test_aer_model.py).
            circuit._append(CircuitInstruction(IGate(), wires[:1]))
        for instruction in relaxations:
            circuit._append(instruction)
        mixture.append((circuit, probability))
    return _StoredError(mixture)


@lru_cache(maxsize=8)
def _identity_error(num_qubits: int) -> QuantumError:
    """A no-op error: a local entry that cancels the all-qubit error of its gate there."""
    circuit = QuantumCircuit(num_qubits)
    circuit.id(0)
    return _StoredError([(circuit, 1.0)])


@lru_cache(maxsize=4096)
def relaxation_instruction(relaxation: Relaxation) -> Instruction:
    """The relaxation as an Aer-readable Kraus instruction, cached (gates and idle periods repeat)."""
    return Kraus(relaxation.kraus_operators()).to_instruction()


def _add_readout_errors(
    model: NoiseModel, spec: NoiseSpec, keep: frozenset[int] | None, renumber: Mapping[int, int] | None
) -> None:
    global_matrix = global_assignment(spec)
    if global_matrix is not None and not _is_identity_matrix(global_matrix):
        model.add_all_qubit_readout_error(ReadoutError(global_matrix), warnings=False)
    grouped = {qubit for group in spec.correlated_readout_errors for qubit in group.qubits}
    for entry in spec.local_readout_errors:
        if (keep is None or entry.qubit in keep) and entry.qubit not in grouped:
            qubit = entry.qubit if renumber is None else renumber[entry.qubit]
            model.add_readout_error(ReadoutError(entry.assignment_probabilities), [qubit], warnings=False)
    for group in spec.correlated_readout_errors:
        _add_group_readout(model, group, keep, renumber)


def _add_group_readout(
    model: NoiseModel, group: CorrelatedReadoutNoise, keep: frozenset[int] | None, renumber: Mapping[int, int] | None
) -> None:
    """A correlated group as Aer holds it: its joint ``ReadoutError``, which Aer applies to a measure instruction on
    the whole group, and each qubit's marginal, which it applies to that qubit measured alone (``export``'s
    omissions say so)."""
    kept = [qubit for qubit in group.qubits if keep is None or qubit in keep]
    place = {qubit: qubit if renumber is None else renumber[qubit] for qubit in kept}
    if len(kept) == len(group.qubits):
        model.add_readout_error(ReadoutError(group.assignment_probabilities), [place[q] for q in kept], warnings=False)
    for qubit in kept:
        model.add_readout_error(ReadoutError(marginal_assignment(group, [qubit])), [place[qubit]], warnings=False)


def _is_identity_matrix(matrix: Sequence[Sequence[float]]) -> bool:
    return matrix[0][1] == 0.0 and matrix[1][0] == 0.0
