"""The readout parameters of per-location fits (``locations``): each qubit's flip rates and a pair's common-mode flip.

- ``readout01[q]``, ``readout10[q]``: P(1|0) and P(0|1) of qubit q's own 2×2 matrix (made from the all-qubit
  readout when the spec has none for q).
- ``readoutcorr[a,b]``: the probability c that a pair's two recorded bits are wrong together *beyond* what their
  own errors give, with each qubit's own flip rates kept. The pair's joint matrix (``spec.correlated``; row =
  prepared, column = recorded) is M = (T′_b ⊗ T′_a)·F_c: F_c = (1 − c)·I + c·X⊗X flips both recorded bits with
  probability c, and each own rate p is lowered to p′ = (p − c)/(1 − 2c), so that p′(1 − c) + c(1 − p′) = p: a qubit
  read alone errs exactly as before, and only the pair's joint errors change (P(both wrong) rises by about c).
  So c must stay below the pair's smallest flip rate (``common_mode_limit``); where another parameter of the same
  fit lowers a rate under c, p′ is held at 0 and that qubit's rate comes out as c.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import assignment_matrix, readout_group

Document = dict[str, Any]

READOUT_RANGE = 0.5
"""A readout flip probability is searched in [0, 0.5]: above that the qubit's labels are swapped."""


def flip_rate(spec: NoiseSpec, qubit: int, row: int) -> float:
    """P(1|0) (``row`` 0) or P(0|1) (``row`` 1) of the qubit's readout."""
    return float(assignment_matrix(spec, qubit)[row][1 - row])


def set_flip_rate(document: Document, qubit: int, row: int, value: float) -> None:
    """Set P(1|0) (``row`` 0) or P(0|1) (``row`` 1) in the qubit's own matrix, made first when it has none."""
    entry = next((e for e in document["local_readout_errors"] if e["qubit"] == qubit), None)
    if entry is None:
        matrix = assignment_matrix(NoiseSpec.model_validate(document), qubit)
        entry = {"qubit": qubit, "assignment_probabilities": matrix.tolist()}
        document["local_readout_errors"].append(entry)
    entry["assignment_probabilities"][row] = [1.0 - value, value] if row == 0 else [value, 1.0 - value]


def pair_is_ungrouped(spec: NoiseSpec, pair: Sequence[int]) -> bool:
    """True when neither qubit is read out in a correlated group already."""
    return all(readout_group(spec, qubit) is None for qubit in pair)


def common_mode_limit(spec: NoiseSpec, pair: Sequence[int]) -> float:
    """The largest common-mode flip the pair's own rates allow: their smallest flip rate (module docstring)."""
    return min(flip_rate(spec, qubit, row) for qubit in pair for row in (0, 1))


def set_common_mode(document: Document, pair: Sequence[int], value: float) -> None:
    """Replace the pair's per-qubit readout with the joint matrix of a common-mode flip ``value`` (module docstring);
    at 0 nothing changes."""
    if value == 0.0:
        return
    current = NoiseSpec.model_validate(document)
    first, second = (_lowered(assignment_matrix(current, qubit), value) for qubit in pair)
    flip = (1.0 - value) * np.eye(4) + value * np.eye(4)[::-1]
    joint = np.kron(second, first) @ flip  # qubits[0] is bit 0 of a state
    document["local_readout_errors"] = [e for e in document["local_readout_errors"] if e["qubit"] not in pair]
    document["correlated_readout_errors"].append({"qubits": list(pair), "assignment_probabilities": joint.tolist()})


def _lowered(matrix: np.ndarray, common: float) -> np.ndarray:
    """The 2×2 matrix with each flip rate p lowered to max(0, (p − c)/(1 − 2c))."""
    rates = [max(0.0, (matrix[row][1 - row] - common) / (1.0 - 2.0 * common)) for row in (0, 1)]
    return np.array([[1.0 - rates[0], rates[0]], [rates[1], 1.0 - rates[1]]])
