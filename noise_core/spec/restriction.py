"""A spec cut down to the qubits one circuit uses: the same physics there, a fraction of the size."""

from __future__ import annotations

from collections.abc import Iterable

from noise_core.spec.models import GATE_CHANNEL_FIELDS, GROUP_FIELDS, PAIR_FIELDS, QUBIT_FIELDS, NoiseSpec


def restrict_spec(spec: NoiseSpec, qubits: Iterable[int]) -> NoiseSpec:
    """``spec`` with only the qubit-specific entries whose qubits all lie in ``qubits``.

    All-qubit entries, the global readout and the provenance stay. Any circuit on ``qubits``
    meets exactly the same channels under both specs (an entry naming another qubit never acts
    on it), so analyses ship and scale this one: a 156-qubit derived spec shrinks to the dozen
    entries of an 8-qubit circuit, and a what-if factor is limited only by the qubits in use.
    """
    kept = frozenset(qubits)
    update: dict[str, list[object]] = {
        field: [entry for entry in getattr(spec, field) if kept.issuperset(getattr(entry, "qubits", ()))]
        for field in GATE_CHANNEL_FIELDS
    }
    for field in QUBIT_FIELDS:
        update[field] = [entry for entry in getattr(spec, field) if entry.qubit in kept]
    for field in PAIR_FIELDS:
        update[field] = [entry for entry in getattr(spec, field) if kept.issuperset(entry.pair)]
    for field in GROUP_FIELDS:  # a group with one qubit outside still sets the readout of those inside
        update[field] = [entry for entry in getattr(spec, field) if kept.intersection(entry.qubits)]
    return spec.model_copy(update=update)
