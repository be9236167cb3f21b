"""Session bundles: one JSON file (``*.noise-studio.json``) holding everything that reproduces a view.

A bundle holds the calibration (a shipped preset by name, or the snapshot itself), the spec in
force and the derived spec it is compared with, the derivation options, the circuit (a library
reference such as ``ghz:3``, or OpenQASM text with its expected outcomes), and the run settings
(shots, seed, method, pinned layout, whether uncalibrated couplers were avoided), with the fingerprint
of each part: SHA-256 of the calibration's physics, of each spec's physics, and of the circuit's
canonical description.

``save_session`` writes one; ``load_session`` reads one strictly: its size and nesting bounded,
every field checked (``SessionBundle``, JSON Schema in ``session.schema.json``; shots, layout and
program within the simulator's own limits), each part rebuilt and its fingerprint recomputed. The
derivation options and the snapshot's file name are carried but not fingerprinted (they change no
result of the spec in force). Every problem is reported, each by the part it concerns
("spec in force: fingerprint mismatch …"), in one ``SessionError``. A preset is named, never a path:
``resolve_preset`` (the app's or the command line's preset loader) turns the name into a snapshot.
``run_session`` simulates the restored view: the same counts as when it was saved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from noise_core.calibration import BackendCalibration, load_calibration
from noise_core.errors import NoiseStudioError, SessionError
from noise_core.json_bounds import json_bounds_problem
from noise_core.simulation.circuits import MAX_LIBRARY_QUBITS, LibraryCircuit
from noise_core.simulation.methods import Method, SimulationLimits
from noise_core.simulation.options import RunOptions, checked_layout
from noise_core.simulation.qasm import parse_circuit
from noise_core.simulation.qasm_bounds import DEFAULT_QASM_LIMITS
from noise_core.simulation.references import library_circuit, parse_reference
from noise_core.simulation.result import SimulationResult
from noise_core.simulation.simulate import simulate
from noise_core.spec.base import MAX_DEVICE_QUBITS
from noise_core.spec.fingerprint import spec_fingerprint
from noise_core.spec.models import NoiseSpec
from noise_core.spec.provenance import DerivationOptions
from noise_core.spec.validation import MAX_PROBLEM_CHARS, FieldProblem, untrusted_problems

SESSION_FORMAT = "noise-studio-session"
SESSION_VERSION = 1
SESSION_SUFFIX = ".noise-studio.json"
MAX_SESSION_BYTES = 32 * 2**20
"""Largest bundle read: a 156-qubit snapshot (~0.7 MB) and two of its specs (~3 MB each as JSON) fit."""
SCHEMA_PATH = Path(__file__).with_name("session.schema.json")

Fingerprint = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, hex.")]


class BundleModel(BaseModel):
    """Strict parts: unknown fields refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CalibrationPart(BundleModel):
    """The device: a shipped preset by name, or the snapshot's text (BackendProperties JSON or IBM's CSV)."""

    preset: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_\-]{1,64}$", description="A preset's name (never a path)."
    )
    snapshot: str | None = Field(default=None, description="The snapshot document, when it is not a preset.")
    filename: str | None = Field(
        default=None,
        pattern=r"^[^/\\\x00]{1,255}$",
        description="The snapshot's file name, no folders (a CSV's backend and date are in it).",
    )
    fingerprint: Fingerprint

    @model_validator(mode="after")
    def _one_source(self) -> CalibrationPart:
        if (self.preset is None) == (self.snapshot is None):
            raise ValueError("give either preset (a shipped snapshot's name) or snapshot (the document), not both")
        return self


class CircuitPart(BundleModel):
    """The circuit: a library reference ('ghz:3'), or OpenQASM text and the outcomes an ideal device returns."""

    reference: str | None = Field(default=None, max_length=200)
    qasm: str | None = Field(default=None, max_length=DEFAULT_QASM_LIMITS.max_bytes)
    expected: list[Annotated[str, Field(pattern=r"^[01]{1,10000}$")]] = Field(default_factory=list, max_length=4096)
    fingerprint: Fingerprint

    @model_validator(mode="after")
    def _one_source(self) -> CircuitPart:
        if (self.reference is None) == (self.qasm is None):
            raise ValueError("give either reference (a library circuit such as ghz:3) or qasm, not both")
        if self.reference is not None and self.expected:
            raise ValueError("expected outcomes go with qasm; a library circuit knows its own")
        return self


class RunPart(BundleModel):
    """How the circuit was simulated: within the simulator's own limits."""

    shots: int = Field(strict=True, ge=1, le=SimulationLimits().max_shots)
    seed: int = Field(strict=True, ge=0, le=2**32 - 1)
    method: Method
    initial_layout: list[Annotated[int, Field(strict=True, ge=0, lt=MAX_DEVICE_QUBITS)]] | None = Field(
        default=None, max_length=MAX_LIBRARY_QUBITS, description="Physical qubit of each circuit qubit, distinct."
    )
    avoid_uncalibrated_couplers: bool = Field(
        default=False,
        strict=True,
        description="simulate's option: no coupler without a reported error offered to the transpiler. Absent in "
        "bundles saved before the option, which ran with them (False).",
    )

    @model_validator(mode="after")
    def _distinct(self) -> RunPart:
        checked_layout(self.initial_layout)
        return self

    def options(self) -> RunOptions:
        """The run's options (the rest at their defaults, as when it was saved)."""
        layout = None if self.initial_layout is None else tuple(self.initial_layout)
        return RunOptions(
            shots=self.shots,
            seed=self.seed,
            method=self.method,
            initial_layout=layout,
            avoid_uncalibrated_couplers=self.avoid_uncalibrated_couplers,
        )


class SessionBundle(BundleModel):
    """A whole session as saved (``session.schema.json``)."""

    format: Literal["noise-studio-session"] = "noise-studio-session"
    version: Literal[1] = 1
    saved: datetime
    calibration: CalibrationPart
    spec: NoiseSpec
    spec_fingerprint: Fingerprint
    derived: NoiseSpec | None = None
    derived_fingerprint: Fingerprint | None = None
    options: DerivationOptions = Field(default_factory=DerivationOptions)
    circuit: CircuitPart
    run: RunPart


@dataclass(frozen=True)
class Session:
    """A bundle read back and checked: the calibration loaded, the circuit built, every fingerprint equal."""

    bundle: SessionBundle
    calibration: BackendCalibration
    circuit: LibraryCircuit | str

    def simulate(self) -> SimulationResult:
        """The saved view's simulation: the same circuit, model, device and settings, so the same counts."""
        return simulate(self.circuit, self.bundle.spec, self.bundle.run.options(), calibration=self.calibration)


def save_session(
    *,
    calibration: BackendCalibration,
    spec: NoiseSpec,
    circuit: str | tuple[str, Sequence[str]],
    shots: int,
    seed: int,
    method: Method = "auto",
    initial_layout: Sequence[int] | None = None,
    avoid_uncalibrated_couplers: bool = False,
    derived: NoiseSpec | None = None,
    options: DerivationOptions | None = None,
    preset: str | None = None,
    snapshot: str | None = None,
    filename: str | None = None,
) -> str:
    """The bundle's JSON text (no circuit is built: the app writes it from a download's own thread, where Qiskit
    code crashed the server). ``circuit``: a library reference ('ghz:3') or (OpenQASM text, expected outcomes).

    The device is ``preset`` by name when given, else ``snapshot`` (the uploaded document's text, with its
    ``filename``), else the calibration's own ``to_dict()`` JSON.
    """
    document = None if preset is not None else snapshot or json.dumps(calibration.to_dict())
    circuit_part = _circuit_part(circuit)
    try:
        bundle = SessionBundle(
            saved=datetime.now(UTC),
            calibration=CalibrationPart(
                preset=preset, snapshot=document, filename=filename, fingerprint=calibration.fingerprint
            ),
            spec=spec,
            spec_fingerprint=spec_fingerprint(spec),
            derived=derived,
            derived_fingerprint=None if derived is None else spec_fingerprint(derived),
            options=options or DerivationOptions(),
            circuit=circuit_part,
            run=RunPart(
                shots=shots,
                seed=seed,
                method=method,
                initial_layout=None if initial_layout is None else list(initial_layout),
                avoid_uncalibrated_couplers=avoid_uncalibrated_couplers,
            ),
        )
    except ValidationError as error:
        raise SessionError(untrusted_problems(error, document="a session bundle")) from None
    return bundle.model_dump_json(indent=1)  # nulls kept, as in the spec's own JSON: a finding's value may be null


def load_session(
    source: bytes | str | Path, *, resolve_preset: Callable[[str], BackendCalibration] | None = None
) -> Session:
    """Read and check a bundle (module docstring); ``SessionError`` lists every problem by part."""
    if isinstance(source, Path) and source.stat().st_size > MAX_SESSION_BYTES:
        raise SessionError(
            [
                FieldProblem(
                    "", "document_bounds", f"not read: {source.name} is over the {MAX_SESSION_BYTES // 2**20} MB limit"
                )
            ]
        )
    document = source.read_bytes() if isinstance(source, Path) else source
    raw = document.encode() if isinstance(document, str) else document
    problem = json_bounds_problem(raw, max_bytes=MAX_SESSION_BYTES)
    if problem is not None:
        raise SessionError([FieldProblem("", "document_bounds", f"not read: {problem}")])
    try:
        bundle = SessionBundle.model_validate_json(raw)
    except ValidationError as error:
        raise SessionError(untrusted_problems(error, document="a session bundle")) from None
    calibration, calibration_problem = _calibration(bundle.calibration, resolve_preset)
    circuit, circuit_problem = _circuit(bundle.circuit)
    problems = [problem for problem in (calibration_problem, circuit_problem) if problem is not None]
    problems += _mismatches(bundle, calibration)
    if problems or calibration is None or circuit is None:
        raise SessionError(problems)
    return Session(bundle, calibration, circuit)


def circuit_fingerprint(reference: str | None, qasm: str | None, expected: Sequence[str]) -> str:
    """SHA-256 of the circuit's canonical description (reference or program, and the expected outcomes)."""
    canonical = json.dumps({"reference": reference, "qasm": qasm, "expected": sorted(expected)}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def render_schema() -> str:
    """The bundle's JSON Schema, as shipped in ``session.schema.json``."""
    return json.dumps(SessionBundle.model_json_schema(), indent=2, sort_keys=True) + "\n"


def _circuit_part(circuit: str | tuple[str, Sequence[str]]) -> CircuitPart:
    if isinstance(circuit, str):
        parse_reference(circuit)  # a library entry with its arguments (CircuitError now, not at load); no circuit
        return CircuitPart(reference=circuit, fingerprint=circuit_fingerprint(circuit, None, ()))
    qasm, expected = circuit
    return CircuitPart(qasm=qasm, expected=list(expected), fingerprint=circuit_fingerprint(None, qasm, expected))


def _calibration(
    part: CalibrationPart, resolve_preset: Callable[[str], BackendCalibration] | None
) -> tuple[BackendCalibration | None, FieldProblem | None]:
    """The device, or the problem that stops it."""
    if part.preset is not None and resolve_preset is None:
        message = f"the bundle names preset {part.preset!r}; no preset loader was given"
        return None, FieldProblem("calibration", "no_preset_loader", message)
    try:
        if part.preset is not None and resolve_preset is not None:
            return resolve_preset(part.preset), None
        return load_calibration((part.snapshot or "").encode(), filename=part.filename), None
    except NoiseStudioError as error:
        return None, FieldProblem("calibration", "unusable", str(error)[:MAX_PROBLEM_CHARS])


def _circuit(part: CircuitPart) -> tuple[LibraryCircuit | str | None, FieldProblem | None]:
    """The circuit simulate takes, or the problem that stops it."""
    try:
        if part.reference is not None:
            return library_circuit(part.reference), None
        parsed = parse_circuit(part.qasm or "")
        if not part.expected:
            return part.qasm, None
        if any(len(outcome) != parsed.num_clbits for outcome in part.expected):
            message = f"expected outcomes must have one bit per clbit ({parsed.num_clbits})"
            return None, FieldProblem("circuit", "expected_outcomes", message)
        return LibraryCircuit(parsed.name, parsed, frozenset(part.expected), "OpenQASM program"), None
    except NoiseStudioError as error:
        return None, FieldProblem("circuit", "unusable", str(error)[:MAX_PROBLEM_CHARS])


def _mismatches(bundle: SessionBundle, calibration: BackendCalibration | None) -> list[FieldProblem]:
    """One line per part whose recorded fingerprint differs from the part as it is."""
    circuit = bundle.circuit
    problems = []
    if calibration is not None and calibration.fingerprint != bundle.calibration.fingerprint:
        where = f"preset {bundle.calibration.preset}" if bundle.calibration.preset else "snapshot in the bundle"
        problems.append(
            FieldProblem(
                "calibration",
                "fingerprint_mismatch",
                f"fingerprint mismatch: the bundle was saved with {bundle.calibration.fingerprint[:12]}…, "
                f"the {where} is {calibration.fingerprint[:12]}… (edited, or another snapshot of that name)",
            )
        )
    pairs: list[tuple[str, str | None, str | None]] = [
        ("spec in force", bundle.spec_fingerprint, spec_fingerprint(bundle.spec)),
        ("circuit", circuit.fingerprint, circuit_fingerprint(circuit.reference, circuit.qasm, circuit.expected)),
    ]
    if bundle.derived is not None or bundle.derived_fingerprint is not None:
        actual = None if bundle.derived is None else spec_fingerprint(bundle.derived)
        pairs.append(("derived spec", bundle.derived_fingerprint, actual))
    return problems + [
        FieldProblem(
            name,
            "fingerprint_mismatch",
            f"fingerprint mismatch (the bundle records {_short(recorded)}, the {name} in it is "
            f"{_short(actual)}): it was changed after it was saved",
        )
        for name, recorded, actual in pairs
        if recorded != actual
    ]


def _short(fingerprint: str | None) -> str:
    return "none" if fingerprint is None else f"{fingerprint[:12]}…"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
