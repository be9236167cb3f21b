"""``derive_noise_spec``: a calibration snapshot → a ``NoiseSpec`` with Aer ``from_backend``'s physics.

For each 1- and 2-qubit (or wider) gate entry: a depolarizing error followed by thermal relaxation
of each qubit the gate acts on, with λ chosen so that the combined channel's average gate error
equals the reported ``gate_error`` (``physics.match_depolarizing``); per-qubit readout
assignment matrices. The channels equal those of Aer 0.18's ``NoiseModel.from_backend`` (a test
compares superoperators), with these deliberate differences, each recorded as a finding:

- ``measure`` entries (and variants such as ``measure_2``) are skipped: readout noise comes from
  the qubit's readout properties only, never a second gate error on the measurement.
- ``reset`` and ``delay`` get relaxation but no depolarizing term (as Aer's target path does).
- Invalid values (NaN, T1 ≤ 0, probabilities outside [0, 1]) are treated as missing instead of
  crashing; a qubit without a frequency gets no excited-state population at any temperature.
- Every clip, cap and substitution Aer makes silently is listed in ``spec.provenance.findings``.

All times in the spec are in nanoseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from noise_core.calibration.checks import effective_t2, missing_frequency_finding, t2_limit_finding, usable_value
from noise_core.calibration.properties import Timestamped
from noise_core.calibration.snapshot import BackendCalibration
from noise_core.derive.crosstalk import snapshot_zz
from noise_core.errors import NoiseStudioError
from noise_core.gc_pause import garbage_collection_paused
from noise_core.physics import (
    MatchedDepolarizing,
    Relaxation,
    average_gate_fidelity,
    excited_state_population,
    match_depolarizing,
    relaxation_process_fidelity,
)
from noise_core.spec.findings import Finding, FindingKind, Subject, make_finding
from noise_core.spec.gates import depolarizing_error_limit, is_measurement, is_non_unitary, max_depolarizing_probability
from noise_core.spec.models import (
    LocalDepolarizingNoiseOnGate,
    LocalReadoutNoise,
    LocalThermalRelaxationNoiseOnGate,
    NoiseSpec,
)
from noise_core.spec.provenance import DerivationOptions, GateLengthOverride, Provenance
from noise_core.spec.readout import assignment_from_flips
from noise_core.spec.relaxation import IdleRelaxationNoise, ThermalRelaxationParameters
from noise_core.spec.units import MICROSECONDS_PER_SECOND, NANOSECONDS_PER_SECOND, TimeUnit, nanoseconds

DERIVED_BY = "noise_core.derive_noise_spec (the physics of qiskit-aer 0.18 NoiseModel.from_backend)"
COHERENCE_LIMIT_TOLERANCE = 1e-12
"""A reported error this far below the relaxation error is still read as equal to it."""

GateLengthsArgument = Iterable[tuple[str, float] | tuple[str, Sequence[int] | None, float]] | None


def derive_noise_spec(
    calibration: BackendCalibration,
    options: DerivationOptions | None = None,
    *,
    gate_error: bool = True,
    readout_error: bool = True,
    thermal_relaxation: bool = True,
    idle_relaxation: bool = True,
    temperature: float = 0.0,
    gate_lengths: GateLengthsArgument = None,
    gate_length_units: TimeUnit = "ns",
    zz_crosstalk: bool = False,
) -> NoiseSpec:
    """The noise model ``NoiseModel.from_backend`` builds from ``calibration``, as a ``NoiseSpec``.

    Pass the options either as a ``DerivationOptions`` or as keywords named as in Aer's
    ``from_backend``, not both: ``temperature`` in mK; ``gate_lengths`` as
    ``[(gate, value), ...]`` or ``[(gate, qubits, value), ...]`` (``qubits`` None = every tuple)
    in ``gate_length_units`` ('ns', 'us', 'µs', 'ms', 's'), overriding the snapshot's durations,
    first match winning. ``idle_relaxation`` adds each qubit's relaxation while it idles
    (``idle_relaxation_errors``; ``from_backend`` puts it on delays). ``zz_crosstalk`` (not in ``from_backend``)
    adds the static ZZ of each coupler the snapshot reports (``derive.crosstalk``). Invalid options raise
    ``pydantic.ValidationError`` (a ``ValueError``) naming the option.
    """
    keywords = DerivationOptions(
        gate_error=gate_error,
        readout_error=readout_error,
        thermal_relaxation=thermal_relaxation,
        idle_relaxation=idle_relaxation,
        temperature=float(temperature),
        gate_lengths=_gate_length_overrides(gate_lengths),
        gate_length_units=gate_length_units,
        zz_crosstalk=zz_crosstalk,
    )
    if options is not None and keywords != DerivationOptions():
        raise NoiseStudioError("pass the derivation options either as DerivationOptions or as keywords, not both")
    with garbage_collection_paused():
        return _Derivation(calibration, options or keywords).spec()


def _gate_length_overrides(gate_lengths: GateLengthsArgument) -> list[GateLengthOverride]:
    overrides = []
    for entry in gate_lengths or ():
        if len(entry) == 2:
            gate, value = entry
            qubits = None
        elif len(entry) == 3:
            gate, qubits, value = entry
        else:
            raise NoiseStudioError(f"gate_lengths entries are (gate, value) or (gate, qubits, value); got {entry!r}")
        overrides.append(
            GateLengthOverride(gate=gate, qubits=None if qubits is None else list(qubits), value=float(value))
        )
    return overrides


class _Derivation:
    """One run of the derivation: per-qubit data first, then gates and readout, then the spec."""

    def __init__(self, calibration: BackendCalibration, options: DerivationOptions) -> None:
        self.calibration = calibration
        self.options = options
        self.findings: list[Finding] = []
        self.override_used = [False] * len(options.gate_lengths)
        relaxed_qubits = range(calibration.num_qubits) if options.thermal_relaxation else range(0)
        self.coherence_times = [self._coherence_times(qubit) for qubit in relaxed_qubits]
        self.populations = self._excited_state_populations()
        self.relaxation_entries: dict[Relaxation, ThermalRelaxationParameters] = {}

    def spec(self) -> NoiseSpec:
        depolarizing, relaxation = self._gate_channels()
        readout = self._readout_errors() if self.options.readout_error else []
        self._report_unused_overrides()
        zz_entries, zz_findings = snapshot_zz(self.calibration) if self.options.zz_crosstalk else ([], [])
        self.findings += zz_findings
        return NoiseSpec(
            basis_gates=sorted(name for name in self.calibration.gate_names if not is_non_unitary(name)),
            local_depolarizing_errors=depolarizing,
            local_thermal_relaxation_errors=relaxation,
            local_readout_errors=readout,
            idle_relaxation_errors=self._idle_relaxations(),
            zz_crosstalk_errors=zz_entries,
            provenance=Provenance(
                backend_name=self.calibration.backend_name,
                backend_version=self.calibration.backend_version,
                last_update_date=self.calibration.last_update_date,
                num_qubits=self.calibration.num_qubits,
                calibration_fingerprint=self.calibration.fingerprint,
                options=self.options,
                derived_by=DERIVED_BY,
                findings=self.findings,
            ),
        )

    # --- per qubit ------------------------------------------------------------------------
    def _coherence_times(self, qubit: int) -> tuple[float | None, float | None]:
        """(T1, T2) in ns as Aer uses them: T2 capped at 2·T1, missing T2 → 2·T1, missing T1 → ∞ (None)."""
        properties = self.calibration.qubit_property(qubit)
        t1, t2 = usable_value(properties, "T1"), usable_value(properties, "T2")
        subject = Subject.qubit(qubit)
        if t1 is None:
            self._missing(subject, properties, "T1", "T1 taken as infinite: no amplitude damping on this qubit")
        if t2 is None:
            action = (
                f"T2 taken as 2·T1 = {2 * t1 * MICROSECONDS_PER_SECOND:.6g} µs"
                if t1 is not None
                else "T2 taken as infinite"
            )
            self._missing(subject, properties, "T2", action)
        over_limit = t2_limit_finding(subject, t1, t2)
        if over_limit is not None:
            self.findings.append(over_limit)
        return _in_ns(t1), _in_ns(effective_t2(t1, t2))

    def _excited_state_populations(self) -> list[float]:
        temperature = self.options.temperature
        if temperature == 0.0 or not self.options.thermal_relaxation:
            return [0.0] * self.calibration.num_qubits
        frequencies = [
            usable_value(self.calibration.qubit_property(qubit), "frequency")
            for qubit in range(self.calibration.num_qubits)
        ]
        without = missing_frequency_finding(
            frequencies,
            action=f"no excited-state population at {temperature:g} mK on those qubits (Aer's properties path crashes)",
        )
        if without is not None:
            self.findings.append(without)
        return [excited_state_population(frequency, temperature) for frequency in frequencies]

    def _idle_relaxations(self) -> list[IdleRelaxationNoise]:
        """Each qubit's T1, T2 (ns) and population for its idle periods, as ``from_backend``'s ``RelaxationNoisePass``
        gets them (T2 capped at 2·T1, missing T2 → 2·T1); qubits with T1 = T2 = ∞ get none (the identity)."""
        if not (self.options.thermal_relaxation and self.options.idle_relaxation):
            return []
        return [
            IdleRelaxationNoise(qubit=qubit, t1=t1, t2=t2, excited_state_population=self.populations[qubit])
            for qubit, (t1, t2) in enumerate(self.coherence_times)
            if not (t1 is None and t2 is None)
        ]

    def _relaxation(self, qubit: int, time_ns: float) -> Relaxation:
        t1, t2 = self.coherence_times[qubit]
        return Relaxation(t1, t2, time_ns, self.populations[qubit])

    def _relaxation_entry(self, relaxation: Relaxation) -> ThermalRelaxationParameters:
        """One frozen spec entry per distinct (qubit, duration): id, sx and x usually share one."""
        if relaxation not in self.relaxation_entries:
            self.relaxation_entries[relaxation] = ThermalRelaxationParameters(
                t1=relaxation.t1,
                t2=relaxation.t2,
                time=relaxation.time,
                excited_state_population=relaxation.excited_state_population,
            )
        return self.relaxation_entries[relaxation]

    # --- gates ----------------------------------------------------------------------------
    def _gate_channels(self) -> tuple[list[LocalDepolarizingNoiseOnGate], list[LocalThermalRelaxationNoiseOnGate]]:
        depolarizing, relaxation = [], []
        skipped: Counter[str] = Counter()
        for gate, qubits, properties in self.calibration.gate_entries():
            if is_measurement(gate):
                skipped[gate] += 1
                continue
            relaxations = self._gate_relaxations(gate, qubits, properties)
            matched = self._gate_depolarizing(gate, qubits, properties, relaxations)
            if matched is not None and matched.probability is not None:
                depolarizing.append(
                    LocalDepolarizingNoiseOnGate(
                        gate=gate, qubits=list(qubits), num_qubits=len(qubits), probability=matched.probability
                    )
                )
            if relaxations and not all(r.is_identity for r in relaxations):
                relaxation.append(
                    LocalThermalRelaxationNoiseOnGate(
                        gate=gate, qubits=list(qubits), relaxations=[self._relaxation_entry(r) for r in relaxations]
                    )
                )
        for gate, count in skipped.items():
            self.findings.append(
                make_finding(
                    Subject(f"{gate} ({count} entries)", gate=gate),
                    FindingKind.SKIPPED_ENTRY,
                    "gate entry",
                    float(count),
                    rule="measurements get readout noise from the qubit's readout properties only",
                    action="skipped (Aer's from_backend adds a gate error here too, counting measurement noise twice)",
                    severity="info",
                )
            )
        return depolarizing, relaxation

    def _gate_time_ns(self, gate: str, qubits: tuple[int, ...], properties: Mapping[str, Timestamped]) -> float | None:
        """The override from ``gate_lengths`` (first match), else the snapshot's gate_length."""
        for index, override in enumerate(self.options.gate_lengths):
            if override.gate == gate and (override.qubits is None or tuple(override.qubits) == qubits):
                self.override_used[index] = True
                return nanoseconds(override.value, self.options.gate_length_units)
        return _in_ns(usable_value(properties, "gate_length"))

    def _gate_relaxations(
        self, gate: str, qubits: tuple[int, ...], properties: Mapping[str, Timestamped]
    ) -> list[Relaxation] | None:
        """Per-qubit relaxation over the gate, or None without thermal relaxation or duration."""
        if not self.options.thermal_relaxation:
            return None
        time_ns = self._gate_time_ns(gate, qubits, properties)
        if time_ns is None:
            self._missing(
                Subject.gate_on(gate, qubits), properties, "gate_length", "no thermal relaxation on this gate"
            )
            return None
        return [self._relaxation(qubit, time_ns) for qubit in qubits] if time_ns else None

    def _gate_depolarizing(
        self,
        gate: str,
        qubits: tuple[int, ...],
        properties: Mapping[str, Timestamped],
        relaxations: list[Relaxation] | None,
    ) -> MatchedDepolarizing | None:
        if not self.options.gate_error or is_non_unitary(gate):
            return None
        subject = Subject.gate_on(gate, qubits)
        error = usable_value(properties, "gate_error")
        if error is None:
            self._missing(subject, properties, "gate_error", "no depolarizing error on this gate (relaxation only)")
            return None
        fidelity = average_gate_fidelity(relaxation_process_fidelity(relaxations or ()), len(qubits))
        matched = match_depolarizing(error, fidelity, len(qubits))
        self._report_gate_adjustment(subject, error, matched)
        return matched

    def _report_gate_adjustment(self, subject: Subject, error: float, matched: MatchedDepolarizing) -> None:
        """Findings for a model error that differs from the reported one, and why."""
        num_qubits = len(subject.qubits)
        limit = depolarizing_error_limit(num_qubits)
        model = f"the model's average gate error is {matched.model_error:.6g}"
        if error > limit:
            kind = FindingKind.GATE_ERROR_ONE if error >= 1 else FindingKind.GATE_ERROR_ABOVE_LIMIT
            capped = matched.probability == max_depolarizing_probability(num_qubits)
            action = f"clipped to d/(d+1) = {limit:.4g}" + ("; λ capped at 4ⁿ/(4ⁿ−1)" if capped else "")
            rule = f"gate_error ≤ d/(d+1) = {limit:.4g}"
            self.findings.append(
                make_finding(subject, kind, "gate_error", error, rule=rule, action=f"{action}; {model}")
            )
        elif error + COHERENCE_LIMIT_TOLERANCE < matched.relaxation_error:
            ratio = f"{matched.relaxation_error / error:.3g}×" if error > 0 else "more than"
            self.findings.append(
                make_finding(
                    subject,
                    FindingKind.BELOW_COHERENCE_LIMIT,
                    "gate_error",
                    error,
                    rule=f"gate_error ≥ relaxation error over the gate = {matched.relaxation_error:.6g}",
                    action=f"no depolarizing term; {model}, {ratio} the reported value",
                )
            )

    # --- readout --------------------------------------------------------------------------
    def _readout_errors(self) -> list[LocalReadoutNoise]:
        readout = []
        for qubit in range(self.calibration.num_qubits):
            matrix = self._assignment_matrix(qubit)
            if matrix is not None and (matrix[0][1] > 0 or matrix[1][0] > 0):
                readout.append(LocalReadoutNoise(qubit=qubit, assignment_probabilities=matrix))
        return readout

    def _assignment_matrix(self, qubit: int) -> list[list[float]] | None:
        """[[P(0|0), P(1|0)], [P(0|1), P(1|1)]] from prob_meas1_prep0/prob_meas0_prep1, else readout_error."""
        properties = self.calibration.qubit_property(qubit)
        flip_up, flip_down = usable_value(properties, "prob_meas1_prep0"), usable_value(properties, "prob_meas0_prep1")
        if flip_up is None or flip_down is None:
            symmetric = usable_value(properties, "readout_error")
            if symmetric is None:
                self._missing(Subject.qubit(qubit), properties, "readout_error", "no readout error on this qubit")
                return None
            return assignment_from_flips(symmetric)
        return assignment_from_flips(flip_up, flip_down)

    # --- findings -------------------------------------------------------------------------
    def _missing(self, subject: Subject, properties: Mapping[str, Timestamped], name: str, action: str) -> None:
        """A property absent, or present with a value that breaks its own rule (then treated as absent)."""
        if name in properties:
            value = properties[name][0]
            finding = make_finding(
                subject,
                FindingKind.INVALID_VALUE,
                name,
                value,
                rule=f"a valid {name}",
                action=f"treated as missing: {action}",
            )
        else:
            finding = make_finding(
                subject, FindingKind.MISSING_DATA, name, None, rule=f"{name} reported", action=action
            )
        self.findings.append(finding)

    def _report_unused_overrides(self) -> None:
        for override, used in zip(self.options.gate_lengths, self.override_used, strict=True):
            if not used:
                where = "any qubits" if override.qubits is None else f"qubits {override.qubits}"
                subject = Subject(
                    f"gate_lengths entry {override.gate} on {where}", tuple(override.qubits or ()), override.gate
                )
                self.findings.append(
                    make_finding(
                        subject,
                        FindingKind.SKIPPED_ENTRY,
                        "gate_lengths",
                        override.value,
                        rule="an override names a gate entry of the snapshot",
                        action="ignored: no such gate entry (durations only apply to calibrated gates, as in Aer)",
                    )
                )


def _in_ns(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * NANOSECONDS_PER_SECOND
