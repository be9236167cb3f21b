"""Quantinuum's published emulator parameters (H1, H2, Reimei), read as a ``BackendProperties``.

Quantinuum publishes, per machine and date, the parameters its emulator runs with and the figures of its
product data sheet (github.com/CQCL/quantinuum-hardware-specifications, Apache-2.0: ``notebooks/Emulator
parameters.csv``). The document here is one such row as JSON, with the machine's qubit count added
(the row does not carry it):
``{"machine", "date" ("2024_04_10"), "n_qubits", "p1", "p2", "p0_meas", "p1_meas", "dephasing_error",
"p_crosstalk_meas", "p1_emission_ratio", "p2_emission_ratio"}``.

- ``p1`` and ``p2`` equal the data sheet's single- and two-qubit gate errors, which Quantinuum's own RB
  analysis reports as the average infidelity 1 − F_avg (``qtm_spec.rb_analysis_functions.convert_params``):
  read as ``gate_error`` of ``sx``/``x`` and of ``cz`` (the native ZZMax is CZ up to Z rotations, which are
  free frame changes, as ``rz`` is here);
- ``p0_meas`` and ``p1_meas`` are read as P(1|0) and P(0|1);
- the memory (dephasing) error, measurement crosstalk and the split into spontaneous emission are
  per-circuit-time and per-neighbour figures with no duration or zone to hang them on: left out, each
  said as a finding. Every pair of ions couples (all-to-all).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from noise_core.calibration.device import DeviceBuilder, DeviceInfo, NativeGate
from noise_core.errors import CalibrationError, summarize
from noise_core.spec.findings import Subject
from noise_core.spec.validation import describe_validation_error

MAX_QUANTINUUM_QUBITS = 100
"""Quantinuum's largest system, Helios, has 98 qubits; all-to-all, that is 9,506 two-qubit entries."""
NATIVE_GATES = (
    NativeGate(name="U1q(π/2)", simulated_as="sx"),
    NativeGate(name="U1q(π)", simulated_as="x"),
    NativeGate(name="RZ (virtual)", simulated_as="rz"),
    NativeGate(name="ZZMax", simulated_as="cz"),
)
LEFT_OUT = {
    "dephasing_error": "memory (dephasing) error per qubit over a circuit's time",
    "p_crosstalk_meas": "measurement crosstalk on neighbouring ions",
    "p_crosstalk_init": "initialisation crosstalk on neighbouring ions",
    "p1_emission_ratio": "the share of p1 that is spontaneous emission (leakage and relaxation, not Pauli)",
    "p2_emission_ratio": "the share of p2 that is spontaneous emission (leakage and relaxation, not Pauli)",
}
Probability = Field(default=None, ge=0, le=1)


class QuantinuumParameters(BaseModel):
    """One row of Quantinuum's emulator parameters, with the machine's qubit count."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    machine: str = Field(min_length=1, max_length=64)
    date: datetime
    n_qubits: int = Field(strict=True, ge=2, le=MAX_QUANTINUUM_QUBITS)
    p1: float = Field(ge=0, le=1)
    p2: float = Field(ge=0, le=1)
    p0_meas: float = Field(ge=0, le=1)
    p1_meas: float = Field(ge=0, le=1)
    dephasing_error: float | None = Probability
    p_crosstalk_meas: float | None = Probability
    p_crosstalk_init: float | None = Probability
    p1_emission_ratio: float | None = Probability
    p2_emission_ratio: float | None = Probability

    @field_validator("date", mode="before")
    @classmethod
    def _underscored_date(cls, value: Any) -> Any:
        """Quantinuum writes dates as 2024_04_10."""
        return value.replace("_", "-") if isinstance(value, str) else value


def is_quantinuum_parameters(data: Mapping[str, Any]) -> bool:
    return {"machine", "p1", "p2"} <= set(data)


def quantinuum_properties(data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``BackendProperties`` dict of Quantinuum's emulator parameters; ``CalibrationError`` naming bad fields."""
    try:
        parameters = QuantinuumParameters.model_validate(data)
    except ValidationError as error:
        problems = describe_validation_error(error)
        raise CalibrationError(f"not usable Quantinuum emulator parameters: {summarize(problems)}") from None
    return _device(parameters).document()


def _device(parameters: QuantinuumParameters) -> DeviceBuilder:
    count = parameters.n_qubits
    info = DeviceInfo(
        vendor="Quantinuum",
        source="Quantinuum emulator parameters",
        all_to_all=True,
        native_gates=list(NATIVE_GATES),
        qubit_labels=[str(qubit) for qubit in range(count)],
    )
    date = parameters.date if parameters.date.tzinfo else parameters.date.replace(tzinfo=UTC)
    name = f"quantinuum_{parameters.machine.lower().replace('-', '_')}"
    device = DeviceBuilder(info, backend_name=name, calibrated_at=date, num_qubits=count)
    for qubit in range(count):
        device.qubit(qubit, "prob_meas1_prep0", parameters.p0_meas)
        device.qubit(qubit, "prob_meas0_prep1", parameters.p1_meas)
        for gate in ("sx", "x"):
            device.gate(gate, [qubit], error=parameters.p1, duration=None)
    device.virtual_z()
    for a, b in combinations(range(count), 2):
        for pair in ((a, b), (b, a)):
            device.gate("cz", pair, error=parameters.p2, duration=None)
    _said(device, parameters)
    return device


def _said(device: DeviceBuilder, parameters: QuantinuumParameters) -> None:
    device.convert(
        Subject("device"),
        "p1, p2",
        None,
        rule="the data sheet's gate errors: RB average infidelity, one figure for every qubit or pair",
        action="gate_error of sx and x = p1, of cz (ZZMax up to free Z rotations) = p2; no durations, so no "
        "relaxation during gates",
    )
    for field, what in LEFT_OUT.items():
        value = getattr(parameters, field)
        if value is not None:
            device.convert(Subject("device"), field, value, rule=what, action="left out: no duration or zone")
