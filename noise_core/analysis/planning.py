"""``plan_fit_circuits``: the circuits a fit needs on chosen qubits, to run on hardware and bring the counts back.

A plan on qubits q₀…qₙ₋₁ holds: readout calibration (prepare |0…0⟩ and |1…1⟩: pins each qubit's
P(1|0) and P(0|1), so readout is identified apart from gates), GHZ(n) (a CX chain along the listed
order: list a connected path) and a mirror circuit (random Clifford layers and their inverse:
every gate's error shows). With ``characterization=True`` it adds the circuits that pin per-location physics
(Ramsey, echo, conditional Ramsey, amplified sx, repeated cz, alternating basis states: ``characterization``),
written as OpenQASM 3 (they wait) and inline in the counts template. ``FitPlan.archive()`` is a zip of the
OpenQASM files, a counts template (``load_counts``'s format, counts left empty to fill in) and a README saying how
to run them; ``FitPlan.precision`` says how well the plan pins each parameter at a number of shots.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from qiskit import qasm2, qasm3

from noise_core.analysis.characterization import characterization_circuits
from noise_core.analysis.counts import COUNTS_FORMAT, COUNTS_VERSION, load_counts
from noise_core.analysis.fit import MAX_LOCAL_PARAMETERS
from noise_core.analysis.likelihood import fisher_information
from noise_core.analysis.local_model import LocalModel
from noise_core.analysis.selection import identifiable
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.errors import FitError, NoiseStudioError
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.references import library_circuit
from noise_core.simulation.simulate import simulate
from noise_core.spec.models import NoiseSpec

AIMED_AT = ("detuning[", "zz[", "overrotation[sx:", "cphase[cz:", "zphase[cz:", "relaxation[", "readout")
"""Name prefixes of the parameters the characterization circuits pin (``characterization``)."""
MAX_PLANNED_QUBITS = 8
"""Widest plan: a fit computes each circuit's distribution exactly (2ⁿ outcomes, a 4ⁿ density matrix)."""


@dataclass(frozen=True)
class PlannedCircuit:
    """One circuit of a plan: its name in the counts file, library reference (None: written out as OpenQASM 3),
    circuit and what it pins."""

    name: str
    reference: str | None
    circuit: LibraryCircuit
    purpose: str

    def qasm(self) -> str:
        """OpenQASM 2 of a library circuit, OpenQASM 3 of one that waits (2 has no delay)."""
        text: str = qasm2.dumps(self.circuit.circuit) if self.reference else qasm3.dumps(self.circuit.circuit)
        return text

    def document_circuit(self) -> str | dict[str, str]:
        """What the counts file names it by: its library reference, or its OpenQASM 3 text."""
        return self.reference or {"qasm": self.qasm()}


@dataclass(frozen=True)
class FitPlan:
    """The circuits to run on ``physical_qubits`` (virtual qubit i on ``physical_qubits[i]``)."""

    backend_name: str
    physical_qubits: tuple[int, ...]
    circuits: tuple[PlannedCircuit, ...]
    notes: tuple[str, ...] = ()
    """What to know before running it (listed qubits that are not coupled in order)."""

    def template(self) -> dict[str, object]:
        """The counts document to fill in: each circuit with its qubits, and empty counts."""
        return {
            "format": COUNTS_FORMAT,
            "version": COUNTS_VERSION,
            "experiments": [
                {
                    "name": item.name,
                    "circuit": item.document_circuit(),
                    "physical_qubits": list(self.physical_qubits),
                    "counts": {},
                }
                for item in self.circuits
            ],
        }

    def qasm(self) -> dict[str, str]:
        """OpenQASM text of each circuit, by file name ('ghz.qasm'): 2 for library circuits, 3 for those that wait."""
        return {f"{item.name}.qasm": item.qasm() for item in self.circuits}

    def archive(self) -> bytes:
        """A zip of the OpenQASM files, ``counts_template.json`` and ``README.txt``."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in self.qasm().items():
                archive.writestr(name, text)
            archive.writestr("counts_template.json", json.dumps(self.template(), indent=2))
            archive.writestr("README.txt", self.instructions())
        return buffer.getvalue()

    def simulated_counts(
        self, spec: NoiseSpec, *, calibration: BackendCalibration, shots: int = 4000, seed: int = 0
    ) -> dict[str, object]:
        """The template filled with counts drawn from ``spec``'s model (``simulate``'s probabilities, then
        multinomial draws of ``shots``): what the device would return if ``spec`` were exactly right."""
        rng = np.random.default_rng(seed)
        document = self.template()
        for experiment, item in zip(document["experiments"], self.circuits, strict=True):  # type: ignore[call-overload]
            result = simulate(
                item.circuit,
                spec,
                calibration=calibration,
                initial_layout=list(self.physical_qubits),
                shots=shots,
                seed=0,
            )
            probabilities = (
                result.noisy_probabilities if result.noisy_probabilities is not None else result.noisy_counts
            )
            drawn = rng.multinomial(shots, probabilities.to_numpy(dtype=float) / float(probabilities.sum()))
            experiment["counts"] = {str(o): int(n) for o, n in zip(probabilities.index, drawn, strict=True) if n}
        return document

    def precision(
        self, spec: NoiseSpec, *, calibration: BackendCalibration, shots: int = 4000, parameters: Sequence[str] = ()
    ) -> pd.DataFrame:
        """How well ``shots`` of each circuit would pin each parameter if ``spec`` were the device: the standard error
        √(I⁻¹)ᵢᵢ from the Fisher information I of the plan's exact distributions under ``spec``, all parameters
        fitted together (``parameters``; default those the characterization circuits aim at, ``AIMED_AT``, that the
        plan meets; at most ``MAX_LOCAL_PARAMETERS``, each costs two sweeps of the plan). Rows by name: ``unit``,
        ``standard_error`` and ``identified`` (False where the information does not see it apart from the others,
        ``selection.identifiable``, or where ±1.96 standard errors would span its whole search range; the standard
        errors are of the parameters the information sees, fitted together)."""
        data = load_counts(self.simulated_counts(spec, calibration=calibration, shots=shots))
        probe = LocalModel(spec, data, calibration=calibration, parameters=())
        names = list(parameters) or [name for name in probe.candidates() if name.startswith(AIMED_AT)]
        if len(names) > MAX_LOCAL_PARAMETERS:
            raise FitError(
                f"the precision of at most {MAX_LOCAL_PARAMETERS} parameters at once; this plan meets {len(names)}: "
                "name the ones to check"
            )
        model = LocalModel(spec, data, calibration=calibration, parameters=names, circuits=probe.circuits)
        information = fisher_information(model, model.start())
        widths = np.array([high - low for low, high in model.bounds])
        identified = np.array(identifiable(model.names, information, widths), dtype=bool)
        errors = np.full(len(model.names), np.inf)
        if identified.any():
            covariance = np.linalg.pinv(information[np.ix_(identified, identified)])
            errors[identified] = np.sqrt(np.maximum(np.diag(covariance), 0.0))
        identified &= 2 * 1.96 * errors < widths  # a 95 % interval narrower than the whole search range
        return pd.DataFrame(
            {"unit": [p.unit for p in model.factors], "standard_error": errors, "identified": identified},
            index=pd.Index(model.names, name="parameter"),
        )

    def instructions(self) -> str:
        """How to run the plan and bring the counts back, in words."""
        lines = [
            f"Circuits for fitting a noise model of {self.backend_name} on qubits {list(self.physical_qubits)}.",
            "",
            f"Transpile each .qasm file for {self.backend_name} with initial_layout={list(self.physical_qubits)}",
            "(virtual qubit i on the i-th listed qubit) and run it; then write each circuit's counts",
            "(Qiskit's get_counts() dict, bitstrings with clbit 0 last) into counts_template.json and",
            "upload that file on the Fit page, or call noise_core.fit_noise.",
            "Noise Studio transpiles each circuit with optimization_level=2 and seed_transpiler=0 (the fit's",
            "default seed); transpiling the same way runs the very circuits the model simulates.",
            "",
        ]
        if any(item.reference is None for item in self.circuits):
            lines += [
                "The characterization circuits are OpenQASM 3 (they wait: delays in ns, multiples of 32 ns, 16",
                "samples of 2/9 ns). Keep their barriers: they stop the transpiler merging the repeated sx gates",
                "and the scheduler moving gates across a wait.",
                "",
            ]
        lines += [f"{item.name}.qasm: {item.purpose}" for item in self.circuits]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def plan_fit_circuits(
    calibration: BackendCalibration,
    physical_qubits: Sequence[int],
    *,
    mirror_depth: int = 4,
    seed: int = 1,
    characterization: bool = False,
) -> FitPlan:
    """The readout-calibration, GHZ and mirror circuits on ``physical_qubits``, and with ``characterization`` the
    circuits that pin per-location physics (module docstring)."""
    qubits = _checked_qubits(calibration, physical_qubits)
    width = len(qubits)
    planned = [
        ("readout_0", f"basisstate:{'0' * width}", "prepares |0…0⟩: each qubit's P(1|0)"),
        ("readout_1", f"basisstate:{'1' * width}", "prepares |1…1⟩: each qubit's P(0|1)"),
    ]
    if width > 1:
        planned.append(("ghz", f"ghz:{width}", "GHZ state along the listed qubits: two-qubit gate errors"))
    planned.append(
        (
            "mirror",
            f"mirror:{width},{mirror_depth},{seed}",
            "random Clifford layers and their inverse: every gate's error",
        )
    )
    try:
        circuits = tuple(PlannedCircuit(name, ref, library_circuit(ref), purpose) for name, ref, purpose in planned)
        extra = characterization_circuits(calibration, qubits) if characterization else []
    except NoiseStudioError as error:
        raise FitError(f"cannot plan these circuits: {error}") from None
    circuits += tuple(PlannedCircuit(name, None, circuit, purpose) for name, circuit, purpose in extra)
    return FitPlan(calibration.backend_name, qubits, circuits, _path_notes(calibration, qubits))


def suggest_qubits(calibration: BackendCalibration, count: int) -> tuple[int, ...]:
    """The first path of ``count`` coupled qubits (from the lowest-numbered qubit; 1 qubit: qubit 0), or ()."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PLANNED_QUBITS:
        raise FitError(f"a plan has 1 to {MAX_PLANNED_QUBITS} qubits; got {count!r}")
    neighbours = _neighbours(calibration)

    def extend(path: tuple[int, ...]) -> tuple[int, ...]:
        if len(path) == count:
            return path
        for qubit in sorted(neighbours.get(path[-1], ())):
            if qubit not in path and (found := extend((*path, qubit))):
                return found
        return ()

    return next((found for start in range(calibration.num_qubits) if (found := extend((start,)))), ())


def _neighbours(calibration: BackendCalibration) -> dict[int, set[int]]:
    neighbours: dict[int, set[int]] = {}
    for _gate, qubits, _properties in calibration.gate_entries():
        if len(qubits) == 2:
            neighbours.setdefault(qubits[0], set()).add(qubits[1])
            neighbours.setdefault(qubits[1], set()).add(qubits[0])
    return neighbours


def _path_notes(calibration: BackendCalibration, qubits: tuple[int, ...]) -> tuple[str, ...]:
    neighbours = _neighbours(calibration)
    apart = [(a, b) for a, b in itertools.pairwise(qubits) if b not in neighbours.get(a, set())]
    if not apart:
        return ()
    a, b = apart[0]
    return (
        f"qubits {a} and {b} are not coupled on {calibration.backend_name}: the GHZ and mirror circuits will need "
        "swaps there; list a connected path for the cleanest fit",
    )


def _checked_qubits(calibration: BackendCalibration, physical_qubits: Sequence[int]) -> tuple[int, ...]:
    listed = list(physical_qubits)
    size = calibration.num_qubits
    if (
        not 1 <= len(listed) <= MAX_PLANNED_QUBITS
        or any(isinstance(q, bool) or not isinstance(q, int) or not 0 <= q < size for q in listed)
        or len(set(listed)) < len(listed)
    ):
        raise FitError(
            f"choose 1 to {MAX_PLANNED_QUBITS} distinct qubits of {calibration.backend_name} (0 to {size - 1}); "
            f"got {listed!r:.60}"
        )
    return tuple(listed)
