"""One circuit under the model as a Stim circuit: the twirled model with symmetric readout, and what that costs.

Stim holds Clifford gates, Pauli channels and measurements with a symmetric flip (``M(p)``). The export is
the circuit the twirled method samples (``simulation.pauli_circuit``: every channel, the schedule's idle noise
and ZZ crosstalk included, Pauli-twirled where it is not Pauli) with each measured qubit's readout as one
flip p̄ = (P(1|0) + P(0|1)) / 2 (``spec.readout.symmetrized_readout``). Qubits are the device's own numbers;
a comment under the report maps each measurement record to its classical bit.

What it moves is measured where the exact method runs (``twirl_measurement.measure_twirl``): the total
variation distance between the model's exact distribution and the export's (twirled channels, symmetric
readout), on the circuit itself when it has at most 8 qubits, else on an 8-qubit copy on the same qubits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import stim
from qiskit import QuantumCircuit

from noise_core.calibration.snapshot import BackendCalibration
from noise_core.frameworks.report import GATE_FIELDS, SCHEDULE_FIELDS, ExportReport, ReportLine, readout_entries
from noise_core.simulation.circuits import LibraryCircuit
from noise_core.simulation.options import RunOptions
from noise_core.simulation.pauli_circuit import PauliCircuit, pauli_circuit, to_stim
from noise_core.simulation.prepare import prepare_simulation
from noise_core.simulation.twirl import TwirlMeasurement
from noise_core.simulation.twirl_measurement import measure_twirl
from noise_core.spec.models import NoiseSpec
from noise_core.spec.readout import assignment_matrix, symmetrized_readout

PAULI_FIELDS = ("gate_depolarizing_errors", "local_depolarizing_errors", "gate_pauli_errors", "local_pauli_errors")
"""Channels that are Pauli channels already: Stim holds them as they are."""


@dataclass(frozen=True)
class StimExport:
    """The Stim circuit, its report, and the measured distance between the model and the export."""

    circuit: stim.Circuit
    report: ExportReport
    measured: TwirlMeasurement
    clbits: tuple[int, ...]
    """The classical bit of each measurement record, in record order."""

    def text(self) -> str:
        """The file: the report and the record-to-clbit map as ``#`` comments, then Stim's own text."""
        lines = [f"# Noise Studio export to Stim. {self.report.summary}"]
        lines += [f"# {line.status}: {line.field} ({line.entries}): {line.detail}" for line in self.report.lines]
        lines.append(f"# measurement record k → classical bit: {list(self.clbits)}")
        return "\n".join(lines) + "\n" + str(self.circuit) + "\n"


def stim_export(
    circuit: QuantumCircuit | LibraryCircuit | str,
    spec: NoiseSpec,
    calibration: BackendCalibration | None,
    options: RunOptions | None = None,
) -> StimExport:
    """``circuit`` transpiled and placed as ``simulate`` places it for the twirled method, as a Stim circuit.

    A circuit that is not Clifford, or that measures mid-circuit, is refused as the twirled method refuses
    it (``SimulationError`` naming why).
    """
    options = replace(options or RunOptions(), method="twirled", shots=1).seeded()
    prepared = prepare_simulation(circuit, spec, calibration, options)
    placed, model = prepared.placed, prepared.spec
    pauli = pauli_circuit(placed, model)
    flips = [_mean_flip(model, physical) for physical in placed.active_qubits]
    stim_circuit = to_stim(pauli, qubits=placed.active_qubits, measure_flips=flips)
    measured = measure_twirl(
        circuit,
        spec,
        calibration,
        physical_qubits=placed.initial_layout,
        options=options,
        readout_spec=symmetrized_readout(spec),
    )
    clbits = tuple(clbit for clbit, _physical in placed.measurements)
    return StimExport(stim_circuit, stim_report(model, pauli, measured), measured, clbits)


def _mean_flip(spec: NoiseSpec, qubit: int) -> float:
    matrix = assignment_matrix(spec, qubit)
    return float((matrix[0][1] + matrix[1][0]) / 2)


def stim_report(spec: NoiseSpec, pauli: PauliCircuit, measured: TwirlMeasurement) -> ExportReport:
    """Pauli channels kept exactly; the rest twirled and readout symmetrized (approximated), with the TVD measured."""
    cost = f"together they move the distribution by {measured.distance:.2g} in total variation"
    where = f"on {measured.circuit} on qubits {list(measured.physical_qubits)}, measured exactly"
    lines = [
        ReportLine(field, len(getattr(spec, field)), "kept exactly", "a PAULI_CHANNEL after each gate")
        for field in PAULI_FIELDS
        if getattr(spec, field)
    ]
    twirled = [field for field in (*GATE_FIELDS, *SCHEDULE_FIELDS) if field not in PAULI_FIELDS]
    lines += [
        ReportLine(field, len(getattr(spec, field)), "approximated", f"Pauli-twirled; {cost} ({where})")
        for field in twirled
        if getattr(spec, field)
    ]
    if readout_entries(spec) or spec.correlated_readout_errors:
        entries = readout_entries(spec) + len(spec.correlated_readout_errors)
        detail = f"M(p̄), p̄ = (P(1|0) + P(0|1))/2 per qubit: asymmetry and correlation lost; {cost}"
        lines.append(ReportLine("readout", entries, "approximated", detail))
    return ExportReport("Stim", tuple(lines))
