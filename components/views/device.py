"""Draw a loaded calibration: summary metrics, qubit and gate tables, findings (grouped and filtered)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components.figures.device_map import build_device_map_figure, coupler_summary
from components.runtime.cached import cached_device_map
from components.runtime.session import LoadedDevice
from noise_core import BackendCalibration, Finding, findings_table
from noise_core.calibration import calibration_csv_name, calibration_to_csv
from noise_core.simulation import target
from noise_core.simulation.target import FRACTIONAL_GATES
from noise_core.spec.gates import is_measurement


def render_device_summary(device: LoadedDevice) -> None:
    """Backend name in full (a heading, never cut), counts as metrics, provenance in a caption."""
    calibration = device.calibration
    warnings = sum(finding.severity == "warning" for finding in calibration.findings)
    st.subheader(calibration.backend_name, anchor=False)
    columns = st.columns(4)
    columns[0].metric("Qubits", calibration.num_qubits)
    columns[1].metric("Gate entries", len(calibration.document.gates))
    columns[2].metric("Calibrated", calibration.last_update_date.strftime("%Y-%m-%d"))
    columns[3].metric("Findings", len(calibration.findings))
    st.caption(
        f"Source: {device.source} · backend version {calibration.backend_version or 'not given'} · "
        f"last update {calibration.last_update_date.isoformat()} · {warnings} of the findings are warnings · "
        f"fingerprint `{calibration.fingerprint}` (SHA-256 of its values; a derived spec records it)"
    )
    render_snapshot_downloads(calibration)


def render_snapshot_downloads(calibration: BackendCalibration) -> None:
    """The snapshot as BackendProperties JSON (for Qiskit tools, e.g. from a CSV upload) and as IBM's CSV.

    Both documents are built on the click (~0.1 s at 156 qubits), not on every rerun of the page.
    """
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "Snapshot as JSON", lambda: json.dumps(calibration.to_dict()),
        file_name=f"{calibration.backend_name}_properties.json", mime="application/json",
        key="device_download_json", icon=":material/download:",
        help="IBM BackendProperties JSON: what Qiskit's BackendProperties.from_dict reads", on_click="ignore",
    )  # fmt: skip
    if calibration.device_info.vendor != "IBM":  # IBM's layout has no column for its gates (calibration_to_csv)
        right.caption(f"No CSV for this {calibration.device_info.vendor} device: IBM's CSV layout has no columns "
                      "for its gates. The JSON holds everything.")  # fmt: skip
        return
    right.download_button(
        "Snapshot as CSV", lambda: calibration_to_csv(calibration), file_name=calibration_csv_name(calibration),
        mime="text/csv", key="device_download_csv", icon=":material/download:",
        help="IBM's calibration CSV layout (2026); values it has no column for are left out", on_click="ignore",
    )  # fmt: skip


QUBIT_COLUMN_FORMATS = {
    "T1 (µs)": "%.1f",
    "T2 (µs)": "%.1f",
    "frequency (GHz)": "%.4f",
    "readout_error": "%.3g",
    "P(1|0)": "%.3g",
    "P(0|1)": "%.3g",
    "readout_length (ns)": "%.0f",
}
"""printf formats of the qubit table: µs to 0.1, GHz to 0.1 MHz, ns whole, probabilities to 3 significant digits."""


def qubit_display_table(calibration: BackendCalibration) -> pd.DataFrame:
    """The qubit table without the columns the snapshot gives for no qubit (Heron has no frequency)."""
    return calibration.qubit_table().astype(float).dropna(axis="columns", how="all")


def render_qubit_table(calibration: BackendCalibration) -> None:
    """One row per qubit, units in the column names, sensible digits."""
    table = qubit_display_table(calibration)
    st.dataframe(
        table,
        key="device_qubit_table",
        width="stretch",
        column_config={
            name: st.column_config.NumberColumn(format=QUBIT_COLUMN_FORMATS.get(name, "%.3g")) for name in table
        },
    )


def render_gate_table(calibration: BackendCalibration) -> None:
    table = calibration.gate_table()
    _start_filter_on_new_device("device_gate_filter", calibration.gate_names, calibration)
    chosen = st.multiselect("Gates", calibration.gate_names, key="device_gate_filter")
    st.dataframe(
        table[table["gate"].isin(chosen)],
        key="device_gate_table",
        width="stretch",
        hide_index=True,
        column_config={
            "gate_error": st.column_config.NumberColumn(format="%.3g"),
            "gate_length (ns)": st.column_config.NumberColumn(format="%.0f"),
        },
    )


def _start_filter_on_new_device(key: str, everything: list[str], calibration: BackendCalibration) -> None:
    """Select ``everything`` in the filter ``key`` when the device changed, or when the filter was forgotten
    (Streamlit drops a widget's value when its page is left), so the tables never come back empty."""
    seen = f"{key}_device"
    if st.session_state.get(seen) != calibration.fingerprint or key not in st.session_state:
        st.session_state[key] = list(everything)
        st.session_state[seen] = calibration.fingerprint


FINDINGS_ROW_HEIGHT = 72
"""Pixels per findings row: above 4rem Streamlit wraps text, so rule and action are read in full, never cut."""
QUBIT_PROPERTIES = "qubit properties"
"""What a finding about a qubit's own values (T1, readout...) concerns, beside 'gate cz' and 'device'."""
MAX_FINDING_GROUPS = 40
"""Groups drawn at most (a real snapshot has under 20); the filters narrow the rest."""


def finding_scope(finding: Finding) -> str:
    """What a finding concerns, for grouping and filtering: 'gate cz', 'qubit properties' or 'device'."""
    if finding.gate is not None:
        return f"gate {finding.gate}"
    return QUBIT_PROPERTIES if finding.qubits else "device"


def gates_not_simulated(gate_names: Iterable[str]) -> list[str]:
    """The snapshot's gates whose entries no simulation uses (``target.not_simulated``)."""
    return sorted(gate for gate in set(gate_names) if target.not_simulated(gate))


@dataclass(frozen=True)
class FindingGroup:
    """Findings that concern one gate (or the qubits, or the device) and are of one kind."""

    scope: str
    kind: str
    findings: tuple[Finding, ...]
    simulated: bool
    """False when the gate is one the simulation does not use: these findings change no result."""

    @property
    def label(self) -> str:
        count = len(self.findings)
        text = f"{self.scope} · {self.kind}: {count} finding{'' if count == 1 else 's'}"
        return text if self.simulated else f"{text} (a gate the simulation does not use)"


def group_findings(findings: Iterable[Finding], unused_gates: Collection[str]) -> list[FindingGroup]:
    """Findings by scope and kind: groups that can change a result first, then the largest first."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        grouped.setdefault((finding_scope(finding), finding.kind.value), []).append(finding)
    groups = [
        FindingGroup(scope, kind, tuple(members), members[0].gate not in unused_gates)
        for (scope, kind), members in grouped.items()
    ]
    return sorted(groups, key=lambda group: (not group.simulated, -len(group.findings), group.scope, group.kind))


def render_findings(calibration: BackendCalibration) -> None:
    """The findings grouped by what they concern and their kind, filtered by kind, gate and qubit; those on gates
    the simulation does not use are said. Rule and action wrap onto several lines instead of being cut."""
    if not calibration.findings:
        st.success("No findings: every value is within its physical rule.")
        return
    st.caption(
        "Loading keeps every value as written. Each finding says which rule a value breaks and what the "
        "noise derivation will do about it."
    )
    unused_gates = gates_not_simulated(calibration.gate_names)
    _say_findings_not_simulated(calibration.findings, unused_gates)
    groups = group_findings(_filtered_findings(calibration), unused_gates)
    if not groups:
        st.info("No finding matches these filters.")
    for index, group in enumerate(groups[:MAX_FINDING_GROUPS]):
        with st.expander(group.label):
            _render_findings_table(group.findings, key=f"device_findings_table_{index}")
    if len(groups) > MAX_FINDING_GROUPS:
        st.caption(f"… and {len(groups) - MAX_FINDING_GROUPS} more groups: narrow the filters to see them.")


def _say_findings_not_simulated(findings: Sequence[Finding], unused_gates: Collection[str]) -> None:
    """How many findings concern gates the simulation does not use, which, and why (nothing when none do)."""
    concerned = [finding.gate for finding in findings if finding.gate is not None and finding.gate in unused_gates]
    if not concerned:
        return
    gates = sorted(set(concerned))
    reasons = []
    if any(gate in FRACTIONAL_GATES for gate in gates):
        reasons.append("IBM's fractional gates are left out of the transpiler's target, as IBM does by default")
    if any(is_measurement(gate) for gate in gates):
        reasons.append("measurements take their noise from each qubit's readout properties")
    st.info(
        f"{len(concerned)} of {len(findings)} findings concern gates the simulation does not use "
        f"({', '.join(gates)}): {'; '.join(reasons)}; so they change no result.",
        icon=":material/info:",
    )


def _filtered_findings(calibration: BackendCalibration) -> list[Finding]:
    """The findings of the kinds and scopes chosen that touch one of the qubits chosen (none chosen: every qubit)."""
    findings = calibration.findings
    kinds = sorted({finding.kind.value for finding in findings})
    scopes = sorted({finding_scope(finding) for finding in findings})
    qubits = sorted({qubit for finding in findings for qubit in finding.qubits})
    _start_filter_on_new_device("device_findings_filter", kinds, calibration)
    _start_filter_on_new_device("device_findings_scope", scopes, calibration)
    _start_filter_on_new_device("device_findings_qubits", [], calibration)
    left, middle, right = st.columns(3)
    chosen_kinds = set(left.multiselect("Kinds", kinds, key="device_findings_filter"))
    chosen_scopes = set(middle.multiselect("Concerning", scopes, key="device_findings_scope"))
    chosen_qubits = set(right.multiselect("Qubits", qubits, key="device_findings_qubits", placeholder="Every qubit"))
    return [
        finding
        for finding in findings
        if finding.kind.value in chosen_kinds
        and finding_scope(finding) in chosen_scopes
        and (not chosen_qubits or chosen_qubits & set(finding.qubits))
    ]


def _render_findings_table(findings: Sequence[Finding], *, key: str) -> None:
    st.dataframe(
        findings_table(findings),
        key=key,
        width="stretch",
        hide_index=True,
        row_height=FINDINGS_ROW_HEIGHT,
        column_config={
            "severity": st.column_config.TextColumn(width=70),
            "kind": st.column_config.TextColumn(width=120),
            "subject": st.column_config.TextColumn(width=90),
            "property": st.column_config.TextColumn(width=90),
            "value": st.column_config.NumberColumn(format="%.4g", width=60),
            "rule": st.column_config.TextColumn(width=200),
            "action": st.column_config.TextColumn(width=290),
        },
    )


def render_device_map(device: LoadedDevice, *, highlight: tuple[int, ...] = (), key: str = "device_map") -> None:
    """The coupling graph, qubits coloured by a chosen metric and couplers by 2-qubit gate error (dashed: none
    reported)."""
    positions, edges, metrics = cached_device_map(device.key, device.calibration)
    all_to_all = device.calibration.device_info.all_to_all
    names = list(metrics.columns)
    metric = st.segmented_control("Colour qubits by", names, default=names[0], key=f"{key}_metric")
    drawn = edges.iloc[:0] if all_to_all else edges  # every pair couples: lines would hide the qubits
    figure = build_device_map_figure(positions, drawn, metrics, metric or names[0], highlight=highlight)
    st.plotly_chart(figure, key=key, width="stretch")
    couplers = (
        f"all-to-all: each of the {len(edges)} pairs couples, so no coupler is drawn; each qubit's hover gives the "
        "median 2-qubit gate error of its pairs"
        if all_to_all
        else f"{coupler_summary(edges)}; coupler colour = 2-qubit gate error (quintiles, green lowest)"
    )
    st.caption(
        f"{len(positions)} qubits, {couplers}. Qubit colour is clipped to the 2nd–98th percentile so one outlier "
        "does not wash out the rest (range in the title), errors on a log scale. Hover a qubit or a coupler for its "
        "true values" + ("; ringed qubits are the ones the simulated circuit used." if highlight else ".")
    )
