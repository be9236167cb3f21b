"""Measured counts from a device, read strictly: ``load_counts(source) -> MeasuredCounts``.

Accepted documents (JSON, or CSV for one circuit):

- a counts file of several circuits (what ``plan_fit_circuits`` writes as a template)::

    {"format": "noise-studio-counts", "version": 1, "experiments": [
      {"name": "ghz3", "circuit": "ghz:3", "physical_qubits": [0, 1, 2], "shots": 4000,
       "counts": {"000": 1931, "111": 1902, ...}},
      {"name": "mine", "circuit": {"qasm": "OPENQASM 2.0; ...", "expected": ["01"]}, "counts": {...}}]}

  (the bare list of experiments is read too). ``circuit`` is a library reference (``ghz:3``,
  ``basisstate:0101``, ``mirror:3,4,1``; ``noise_core.simulation.references``) or OpenQASM text;
  ``physical_qubits[i]`` is the device qubit virtual qubit i ran on (left out: the layout our
  transpilation chooses, with the simulation's seed).
- Qiskit's counts dict (``{"0101": 123, ...}``, keys with spaces between registers, or hex keys
  ``"0x5"``), a list of such dicts, or CSV rows ``outcome,count``: the circuits then come from
  the ``circuits`` argument, one per dict.

Outcomes are Qiskit's bitstrings, clbit 0 last, one character per clbit of the circuit. Every rule
broken raises ``CountsError`` naming the experiment, the outcome and the rule.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias, cast

import pandas as pd
from qiskit import QuantumCircuit

from noise_core.errors import BareCountsError, CountsError, NoiseStudioError
from noise_core.json_bounds import json_bounds_problem
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.qasm import parse_circuit
from noise_core.simulation.references import library_circuit

COUNTS_FORMAT = "noise-studio-counts"
COUNTS_VERSION = 1
MAX_COUNTS_BYTES = 8 * 2**20
"""Largest counts document read (a 16-bit circuit's 65,536 outcomes take ~1.5 MB)."""
MAX_EXPERIMENTS = 32
"""Most circuits in one document: each is one exact simulation per model evaluated."""
MAX_OUTCOMES = 2**16
"""Most distinct outcomes one circuit may list."""
MAX_SHOTS = 10**9
"""Largest total of counts one circuit may have."""
MAX_COUNTS_QUBITS = 16
"""Widest circuit read: comparisons and fits compute each circuit's distribution exactly (a density matrix
takes at most ~11 active qubits), so wider ones are refused before they are built."""
MAX_NAME_CHARACTERS = 100

CircuitSource: TypeAlias = str | LibraryCircuit | QuantumCircuit
"""A library reference (``ghz:3``), OpenQASM text, a library circuit, or a circuit."""


@dataclass(frozen=True)
class CircuitCounts:
    """One circuit's measured counts, the circuit, and where on the device it ran."""

    name: str
    circuit: LibraryCircuit | str
    """The library circuit, or the OpenQASM text (what ``simulate`` takes)."""
    reference: str
    """How the document named the circuit: the library reference, or 'OpenQASM'."""
    counts: tuple[tuple[str, int], ...]
    """(outcome, count), sorted by outcome; outcomes are clbit bitstrings, clbit 0 last."""
    physical_qubits: tuple[int, ...] | None
    expected_outcomes: frozenset[str] | None

    @property
    def shots(self) -> int:
        return sum(count for _outcome, count in self.counts)

    def series(self) -> pd.Series:
        """The counts by outcome."""
        outcomes, counts = zip(*self.counts, strict=True)
        return pd.Series(counts, index=pd.Index(outcomes, name="outcome"), name="measured", dtype="int64")


@dataclass(frozen=True)
class MeasuredCounts:
    """Counts of one or more circuits, from one document (its name and SHA-256 identify it)."""

    experiments: tuple[CircuitCounts, ...]
    source: str
    sha256: str

    def describe(self) -> str:
        """'counts.json (sha256 1a2b3c4d5e6f…)': the name and the first 12 hex digits."""
        return f"{self.source} (sha256 {self.sha256[:12]}…)"


def load_counts(
    source: bytes | str | Path | Mapping[str, object] | Sequence[object],
    *,
    circuits: Sequence[CircuitSource] | CircuitSource | None = None,
    physical_qubits: Sequence[int] | None = None,
    name: str | None = None,
) -> MeasuredCounts:
    """Read measured counts (module docstring): a path, the document's bytes or text, or the parsed JSON.

    ``circuits`` gives the circuit of each bare counts dict (one, or one per dict), run on
    ``physical_qubits``; a counts file names its circuits itself. ``name`` names the source in
    provenance (default: the file name, or 'counts').
    """
    if isinstance(source, Path):
        name = name or source.name
        source = _read_bounded(source)
    document = source.encode() if isinstance(source, str) else source
    sha256 = hashlib.sha256(document if isinstance(document, bytes) else _canonical(document)).hexdigest()
    parsed = _parsed(document) if isinstance(document, bytes) else document
    experiments = _experiments(parsed, circuits, physical_qubits)
    return MeasuredCounts(tuple(experiments), name or "counts", sha256)


def _read_bounded(path: Path) -> bytes:
    if path.stat().st_size > MAX_COUNTS_BYTES:
        raise CountsError(f"{path.name} is over the {MAX_COUNTS_BYTES // 2**20} MB limit for counts")
    return path.read_bytes()


def _canonical(document: object) -> bytes:
    try:
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    except (TypeError, ValueError, RecursionError):
        raise CountsError("the counts must be JSON data: dicts, lists, text and numbers") from None


def _parsed(document: bytes) -> object:
    """JSON (bounded before parsing), else CSV rows outcome,count."""
    problem = json_bounds_problem(document, max_bytes=MAX_COUNTS_BYTES)
    if problem is not None:
        raise CountsError(f"counts not read: {problem}")
    try:
        text = document.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CountsError("counts must be UTF-8 text: JSON, or CSV rows outcome,count") from None
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CountsError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
        except ValueError as error:  # e.g. an integer of more than 4,300 digits
            raise CountsError(f"not valid JSON: {error}") from None
    return _csv_counts(text)


def _csv_counts(text: str) -> dict[str, object]:
    """Rows 'outcome,count' (a header row 'outcome,count' is skipped)."""
    counts: dict[str, object] = {}
    rows = csv.reader(io.StringIO(text))
    try:
        for number, row in enumerate(rows, start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 2:
                raise CountsError(f"CSV line {number}: expected two columns outcome,count; got {len(row)}")
            outcome, count = (cell.strip() for cell in row)
            if number == 1 and count.lower() in {"count", "counts"}:
                continue
            if outcome in counts:
                raise CountsError(f"CSV line {number}: outcome {outcome!r:.40} is listed twice")
            counts[outcome] = _csv_number(count, number)
    except csv.Error as error:
        raise CountsError(f"CSV line {rows.line_num}: {error}") from None
    return counts


def _csv_number(text: str, line: int) -> float:
    try:
        return float(text)
    except ValueError:
        raise CountsError(
            f"CSV line {line}: the count must be a whole number from 0 to {MAX_SHOTS:,}; got {text!r:.40}"
        ) from None


def _experiments(
    parsed: object, circuits: Sequence[CircuitSource] | CircuitSource | None, physical_qubits: Sequence[int] | None
) -> list[CircuitCounts]:
    if isinstance(parsed, dict) and "experiments" in parsed:
        _check_header(parsed)
        parsed = parsed["experiments"]
    named = isinstance(parsed, dict) and "experiments" in parsed
    if named:
        _check_header(parsed)  # type: ignore[arg-type]
        parsed = parsed["experiments"]  # type: ignore[index]
    listed = list(parsed) if isinstance(parsed, list | tuple) else [parsed]
    if not listed:
        raise CountsError("the document holds no experiments; give at least one circuit's counts")
    if len(listed) > MAX_EXPERIMENTS:
        raise CountsError(f"the document holds {len(listed)} experiments; at most {MAX_EXPERIMENTS} are read")
    if named or any(isinstance(item, dict) and set(item) & {"counts", "circuit", "name"} for item in listed):
        if circuits is not None:
            raise CountsError("this counts file names its circuits; give no separate circuit for it")
        _check_names(listed)
        return [_described_experiment(cast(dict[str, object], item), index) for index, item in enumerate(listed)]
    return _bare_experiments(listed, circuits, physical_qubits)


def _check_names(listed: list[object]) -> None:
    """Every experiment an object with counts; names distinct (checked before any circuit is built)."""
    names = []
    for index, item in enumerate(listed):
        if not isinstance(item, dict) or "counts" not in item:
            raise CountsError(f"experiment {index + 1}: must be an object with 'counts' (and name, circuit, …)")
        names.append(item.get("name", f"experiment {index + 1}"))
    twice = next((name for name in names if isinstance(name, str) and names.count(name) > 1), None)
    if twice is not None:
        raise CountsError(f"experiment name {twice!r:.60} is used twice; give each experiment its own name")


def _check_header(document: dict[str, object]) -> None:
    version = document.get("version", COUNTS_VERSION)
    if document.get("format", COUNTS_FORMAT) != COUNTS_FORMAT or type(version) is not int or version != COUNTS_VERSION:
        raise CountsError(
            f"format {document.get('format')!r:.40} version {document.get('version')!r:.10} is not read; "
            f"this is {COUNTS_FORMAT!r} version {COUNTS_VERSION}"
        )
    if not isinstance(document["experiments"], list):
        raise CountsError("'experiments' must be a list of {name, circuit, counts} objects")


def _bare_experiments(
    listed: list[object],
    circuits: Sequence[CircuitSource] | CircuitSource | None,
    physical_qubits: Sequence[int] | None,
) -> list[CircuitCounts]:
    if circuits is None:
        raise BareCountsError(
            "these are bare counts: say which circuit produced them (the circuit argument), or use a counts file "
            "whose experiments name their circuits"
        )
    sources = list(circuits) if isinstance(circuits, list | tuple) else [circuits]
    if len(sources) != len(listed):
        raise CountsError(f"{len(listed)} counts dicts but {len(sources)} circuits; give one circuit per dict")
    return [
        _experiment(f"circuit {index + 1}", source, counts, physical_qubits, shots=None)
        for index, (source, counts) in enumerate(zip(sources, listed, strict=True))
    ]


def _described_experiment(item: dict[str, object], index: int) -> CircuitCounts:
    unknown = sorted(set(item) - {"name", "circuit", "physical_qubits", "shots", "counts"})
    name = item.get("name", f"experiment {index + 1}")
    where = f"experiment {index + 1}" if not isinstance(name, str) else f"experiment {name!r:.40}"
    if unknown:
        raise CountsError(
            f"{where}: unknown field {unknown[0]!r:.40}; fields are name, circuit, physical_qubits, shots, counts"
        )
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARACTERS:
        raise CountsError(f"{where}: 'name' must be non-empty text of at most {MAX_NAME_CHARACTERS} characters")
    circuit = item.get("circuit")
    if circuit is None:
        raise CountsError(f"{where}: 'circuit' is missing; give a library reference (ghz:3) or {{\"qasm\": …}}")
    shots = item.get("shots")
    if shots is not None and (isinstance(shots, bool) or not isinstance(shots, int) or shots < 1):
        raise CountsError(f"{where}: 'shots' must be a whole number ≥ 1; got {shots!r:.20}")
    qubits = item.get("physical_qubits")
    if qubits is not None and not isinstance(qubits, list):
        raise CountsError(f"{where}: 'physical_qubits' must be a list of device qubit numbers")
    return _experiment(name, _document_circuit(circuit, where), item["counts"], qubits, shots=shots)


def _document_circuit(circuit: object, where: str) -> CircuitSource | tuple[str, list[str] | None]:
    """A library reference stays text; {"qasm": …, "expected": […]} becomes (qasm, expected)."""
    if isinstance(circuit, str):
        return circuit
    if isinstance(circuit, dict) and isinstance(circuit.get("qasm"), str) and set(circuit) <= {"qasm", "expected"}:
        expected = circuit.get("expected")
        if expected is not None and not (isinstance(expected, list) and all(isinstance(o, str) for o in expected)):
            raise CountsError(f"{where}: 'expected' must be a list of bitstrings")
        return (circuit["qasm"], expected)
    raise CountsError(f"{where}: 'circuit' must be a library reference such as 'ghz:3' or {{\"qasm\": \"OPENQASM …\"}}")


def _experiment(
    name: str,
    source: CircuitSource | tuple[str, list[str] | None],
    counts: object,
    physical_qubits: Sequence[object] | None,
    *,
    shots: int | None,
) -> CircuitCounts:
    where = f"experiment {name!r:.40}"
    circuit, reference, quantum, expected = _circuit(source, where)
    if quantum.num_qubits > MAX_COUNTS_QUBITS:
        raise CountsError(
            f"{where}: the circuit has {quantum.num_qubits} qubits; comparisons and fits take at most "
            f"{MAX_COUNTS_QUBITS}"
        )
    if expected is not None and any(len(o) != quantum.num_clbits or set(o) - {"0", "1"} for o in expected):
        raise CountsError(
            f"{where}: 'expected' outcomes must be bitstrings of {quantum.num_clbits} bits (clbit 0 last)"
        )
    writable = _measured_clbits(quantum)
    parsed = _counts(counts, quantum.num_clbits, writable, where)
    total = sum(count for _outcome, count in parsed)
    if total == 0:
        raise CountsError(f"{where}: the counts add up to 0 shots; at least one shot is needed")
    if total > MAX_SHOTS:
        raise CountsError(f"{where}: the counts add up to {total:,} shots; at most {MAX_SHOTS:,} are read")
    if shots is not None and shots != total:
        raise CountsError(f"{where}: the counts add up to {total:,} shots but 'shots' says {shots:,}")
    qubits = _physical_qubits(physical_qubits, quantum.num_qubits, where)
    return CircuitCounts(name, circuit, reference, parsed, qubits, expected)


def _circuit(
    source: CircuitSource | tuple[str, list[str] | None], where: str
) -> tuple[LibraryCircuit | str, str, QuantumCircuit, frozenset[str] | None]:
    """(what simulate takes, how it was named, the circuit, expected outcomes)."""
    try:
        if isinstance(source, tuple):
            text, expected = source
            return text, "OpenQASM", parse_circuit(text), None if expected is None else frozenset(expected)
        if isinstance(source, LibraryCircuit):
            return source, source.name, source.circuit, source.expected_outcomes
        if isinstance(source, QuantumCircuit):
            built = LibraryCircuit(source.name, source, None, "a circuit given to load_counts")
            return built, source.name, source, None
        if source.lstrip().upper().startswith("OPENQASM"):
            return source, "OpenQASM", parse_circuit(source), None
        built = library_circuit(source, max_qubits=MAX_COUNTS_QUBITS)
        return built, source.strip(), built.circuit, built.expected_outcomes
    except NoiseStudioError as error:
        raise CountsError(f"{where}: circuit: {error}") from None


def _measured_clbits(circuit: QuantumCircuit) -> set[int]:
    """Clbits some measurement writes (inside control-flow blocks too)."""
    written: set[int] = set()
    for instruction in circuit.data:
        if instruction.operation.name == "measure":
            written.update(circuit.find_bit(clbit).index for clbit in instruction.clbits)
        for block in getattr(instruction.operation, "blocks", ()):
            inner = _measured_clbits(block)
            written.update(circuit.find_bit(instruction.clbits[index]).index for index in inner)
    return written


def _counts(counts: object, width: int, writable: set[int], where: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(counts, dict) or not counts:
        raise CountsError(f"{where}: 'counts' must be a non-empty {{outcome: count}} object")
    if len(counts) > MAX_OUTCOMES:
        raise CountsError(f"{where}: {len(counts):,} outcomes listed; at most {MAX_OUTCOMES:,} are read")
    merged: dict[str, int] = {}
    for key, value in counts.items():
        outcome = _outcome(key, width, where)
        if outcome in merged:
            raise CountsError(f"{where}: outcome {outcome} is listed twice (as {key!r:.40} too)")
        never = [clbit for clbit in range(width) if outcome[width - 1 - clbit] == "1" and clbit not in writable]
        if never:
            raise CountsError(
                f"{where}: outcome {outcome} sets clbit {never[0]}, which no measurement in the circuit writes; "
                "no noise model can produce it (is the bit order reversed? clbit 0 is the last character)"
            )
        merged[outcome] = _count(value, outcome, where)
    return tuple(sorted(merged.items()))


def _outcome(key: object, width: int, where: str) -> str:
    """A bitstring of ``width`` characters: binary (spaces between registers dropped) or hex '0x…'."""
    if not isinstance(key, str):
        raise CountsError(f"{where}: outcomes must be bitstrings; got {key!r:.40}")
    text = key.replace(" ", "")
    if text.lower().startswith("0x"):
        try:
            value = int(text, 16)
        except ValueError:
            raise CountsError(f"{where}: {key!r:.40} is not a hex outcome") from None
        if value >= 2**width:
            raise CountsError(f"{where}: hex outcome {key!r:.40} needs more than the circuit's {width} clbits")
        return format(value, f"0{width}b") if width else ""
    if set(text) - {"0", "1"} or len(text) != width:
        raise CountsError(
            f"{where}: outcome {key!r:.40} must be a bitstring of {width} bits, one per clbit of the circuit "
            "(clbit 0 last), or hex '0x…'"
        )
    return text


def _count(value: object, outcome: str, where: str) -> int:
    """A whole number from 0 to ``MAX_SHOTS`` (12 or 12.0; not 12.5, -1, 10**400, true or '12')."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SHOTS:
        raise CountsError(
            f"{where}: the count of {outcome} must be a whole number from 0 to {MAX_SHOTS:,}; got {value!r:.20}"
        )
    return value


def _physical_qubits(qubits: Sequence[object] | None, width: int, where: str) -> tuple[int, ...] | None:
    if qubits is None:
        return None
    listed = list(qubits)
    if any(isinstance(q, bool) or not isinstance(q, int) or q < 0 for q in listed) or len(set(listed)) < len(listed):
        raise CountsError(f"{where}: physical_qubits must be distinct device qubit numbers ≥ 0; got {listed!r:.60}")
    if len(listed) != width:
        raise CountsError(f"{where}: physical_qubits lists {len(listed)} qubits; the circuit has {width}")
    return tuple(int(q) for q in listed)  # type: ignore[call-overload]
