"""Session bundles: round trips, the same counts after a restore, tampering named by part, hostile bundles, the CLI."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noise_core import NoiseSpec, SessionError, derive_noise_spec, load_session, save_session, scale_noise, simulate
from noise_core.calibration import BackendCalibration
from noise_core.cli import main
from noise_core.sessions import SCHEMA_PATH, render_schema
from noise_core.simulation.references import library_circuit
from presets import SNAPSHOT_DIR, load_preset

QASM = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n'


@cache
def manila() -> tuple[BackendCalibration, NoiseSpec]:
    calibration = load_preset("ibmq_manila")
    return calibration, derive_noise_spec(calibration)


def bundle(**changes: object) -> str:
    calibration, spec = manila()
    arguments: dict[str, object] = {
        "calibration": calibration,
        "spec": scale_noise(spec, gate=1.5),
        "derived": spec,
        "circuit": "ghz:3",
        "shots": 1000,
        "seed": 5,
        "preset": "ibmq_manila",
    }
    return save_session(**(arguments | changes))  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gate=st.floats(0.0, 3.0),
    readout=st.floats(0.0, 2.0),
    circuit=st.sampled_from(
        ["ghz:3", "bell", "qft:3,5", "grover:2,10", "mirror:2,3,4", (QASM, ["00", "11"]), (QASM, [])]
    ),
    shots=st.integers(1, 100_000),
    seed=st.integers(0, 2**32 - 1),
    method=st.sampled_from(["auto", "density_matrix", "trajectories"]),
    layout=st.one_of(st.none(), st.permutations([0, 1, 2, 3, 4]).map(lambda order: order[:2])),
    preset=st.booleans(),
)
def test_a_bundle_reads_back_every_part_it_was_saved_with(
    gate: float,
    readout: float,
    circuit: object,
    shots: int,
    seed: int,
    method: str,
    layout: list[int] | None,
    preset: bool,
) -> None:
    calibration, derived = manila()
    spec = scale_noise(derived, gate=gate, readout=readout)
    text = save_session(
        calibration=calibration, spec=spec, derived=derived, circuit=circuit, shots=shots, seed=seed,  # type: ignore[arg-type]
        method=method, initial_layout=layout, preset="ibmq_manila" if preset else None,  # type: ignore[arg-type]
    )  # fmt: skip
    session = load_session(text, resolve_preset=load_preset)
    restored = session.bundle
    assert restored.spec.model_dump() == spec.model_dump()
    assert restored.derived is not None and restored.derived.model_dump() == derived.model_dump()
    assert (restored.run.shots, restored.run.seed, restored.run.method) == (shots, seed, method)
    assert restored.run.initial_layout == layout
    assert session.calibration.fingerprint == calibration.fingerprint
    if isinstance(circuit, str):
        assert restored.circuit.reference == circuit
    else:
        assert (restored.circuit.qasm, restored.circuit.expected) == circuit


def test_a_restored_session_simulates_to_the_very_counts_it_was_saved_with() -> None:
    calibration, spec = manila()
    edited = scale_noise(spec, gate=1.5)
    before = simulate(library_circuit("ghz:3"), edited, calibration=calibration, shots=1000, seed=5)
    for preset in ("ibmq_manila", None):
        after = load_session(bundle(preset=preset), resolve_preset=load_preset).simulate()
        assert after.noisy_counts.to_dict() == before.noisy_counts.to_dict()


def test_a_bundle_carries_every_kind_beyond_from_backend_and_restores_to_the_same_counts() -> None:
    """Coherent errors, detuning with T2*, ZZ crosstalk and a correlated readout group survive the round trip."""
    calibration, derived = manila()
    spec = NoiseSpec.model_validate(
        {
            **derived.model_dump(mode="json"),
            "gate_coherent_errors": [{"gate": "sx", "angle": 0.04}],
            "idle_detuning_errors": [{"qubit": 1, "detuning": 80.0, "t2_star": 30_000.0}],
            "zz_crosstalk_errors": [{"qubits": [0, 1], "zz": -48.0}, {"qubits": [1, 2], "zz": -60.0}],
            "correlated_readout_errors": [
                {"qubits": [0, 1], "assignment_probabilities": [[0.94, 0.02, 0.02, 0.02], [0.03, 0.95, 0.0, 0.02],
                                                               [0.03, 0.0, 0.95, 0.02], [0.01, 0.03, 0.03, 0.93]]}
            ],
        }
    )  # fmt: skip
    text = save_session(calibration=calibration, spec=spec, derived=derived, circuit="ghz:3", shots=1000, seed=5)
    restored = load_session(text, resolve_preset=load_preset)
    assert restored.bundle.spec.model_dump() == spec.model_dump()
    before = simulate(library_circuit("ghz:3"), spec, calibration=calibration, shots=1000, seed=5)
    assert restored.simulate().noisy_counts.to_dict() == before.noisy_counts.to_dict()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda d: d["spec"].update(readout_bit_flip_probability=0.2), r"spec in force: fingerprint mismatch"),
        (lambda d: d["derived"].update(readout_bit_flip_probability=0.2), r"derived spec: fingerprint mismatch"),
        (lambda d: d["circuit"].update(reference="ghz:4"), r"circuit: fingerprint mismatch"),
        (lambda d: d["calibration"].update(fingerprint="0" * 64), r"calibration: fingerprint mismatch"),
        (lambda d: d.pop("derived"), r"derived spec: fingerprint mismatch"),
    ],
)
def test_a_part_changed_after_saving_is_named(tamper, message: str) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(bundle())
    tamper(document)
    with pytest.raises(SessionError, match=message):
        load_session(json.dumps(document), resolve_preset=load_preset)


def test_every_changed_part_is_listed_not_only_the_first() -> None:
    document = json.loads(bundle())
    document["spec"]["readout_bit_flip_probability"] = 0.2
    document["circuit"]["reference"] = "ghz:4"
    with pytest.raises(SessionError) as raised:
        load_session(json.dumps(document), resolve_preset=load_preset)
    assert [problem.path for problem in raised.value.problems] == ["spec in force", "circuit"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"calibration": {"preset": "../../etc/passwd", "fingerprint": "0" * 64}}, r"calibration.preset: .*pattern"),
        ({"calibration": {"preset": "nope", "fingerprint": "0" * 64}}, r"calibration: no preset named 'nope'"),
        ({"calibration": {"snapshot": "{}", "fingerprint": "0" * 64}}, r"calibration: "),
        ({"run": {"shots": 0, "seed": 1, "method": "auto"}}, r"run.shots: .*greater than or equal to 1"),
        ({"run": {"shots": 10, "seed": 1, "method": "fastest"}}, r"run.method: "),
        ({"version": 2}, r"version: "),
        ({"surprise": 1}, r"surprise: .*[Ee]xtra"),
    ],
)
def test_a_bad_bundle_says_what_is_wrong_with_which_part(change: dict[str, object], message: str) -> None:
    document = json.loads(bundle()) | change
    with pytest.raises(SessionError, match=message):
        load_session(json.dumps(document), resolve_preset=load_preset)


def test_a_bundle_that_is_not_json_too_deep_or_too_large_is_refused_before_parsing() -> None:
    with pytest.raises(SessionError, match=r"not a usable session bundle: "):
        load_session(b"{not json")
    with pytest.raises(SessionError, match=r"nests arrays and objects 40 deep; the limit is 32"):
        load_session(b"[" * 40 + b"]" * 40)
    with pytest.raises(SessionError, match=r"the document is 32.0 MB; the limit is 32.0 MB"):
        load_session(b" " * (32 * 2**20 + 1))
    with pytest.raises(SessionError, match=r"calibration: the bundle names preset 'ibmq_manila'; no preset loader"):
        load_session(bundle())


def test_the_shipped_json_schema_is_the_bundles() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), "run `python -m noise_core.sessions`"


def test_the_command_line_reproduces_a_bundle_and_exits_1_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "view.noise-studio.json"
    path.write_text(bundle())
    assert main(["run", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    calibration, spec = manila()
    expected = simulate(
        library_circuit("ghz:3"), scale_noise(spec, gate=1.5), calibration=calibration, shots=1000, seed=5
    )
    assert printed["noisy_counts"] == {k: int(v) for k, v in expected.noisy_counts.items()}
    assert printed["metrics"]["total_variation_distance"] == pytest.approx(expected.metrics.total_variation_distance)
    assert main(["run", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        f"total_variation_distance: {expected.metrics.total_variation_distance:.6f}" in lines and "exact: True" in lines
    )
    document = json.loads(bundle())
    document["spec"]["readout_bit_flip_probability"] = 0.2
    document["circuit"]["reference"] = "ghz:4"
    path.write_text(json.dumps(document))
    assert main(["run", str(path), "--presets", str(SNAPSHOT_DIR)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["spec in force", "circuit"]


def test_the_command_line_reads_a_named_preset_from_the_presets_package_or_the_folder_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "view.noise-studio.json"
    path.write_text(bundle(preset="ibm_nowhere"))
    assert main(["run", str(path)]) == 1
    assert capsys.readouterr().err.startswith(f"{path}: calibration: no preset named 'ibm_nowhere'; available: ")
    (tmp_path / "ibm_nowhere.json").write_bytes((SNAPSHOT_DIR / "ibmq_manila.json").read_bytes())
    assert main(["run", str(path), "--presets", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("ibmq_manila, ghz:3, 1000 shots, seed 5")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"run": {"shots": 10**12, "seed": 1, "method": "auto"}}, r"run.shots: Input should be less than or equal to"),
        (
            {"run": {"shots": 10, "seed": 1, "method": "auto", "initial_layout": [0, 0]}},
            r"initial_layout must list distinct",
        ),
        (
            {"run": {"shots": 10, "seed": 1, "method": "auto", "initial_layout": list(range(157))}},
            r"run.initial_layout: ",
        ),
        (
            {"calibration": {"snapshot": "{}", "filename": "../x.csv", "fingerprint": "0" * 64}},
            r"calibration.filename: ",
        ),
        ({"calibration": {"preset": "x" * 5_000_000, "fingerprint": "0" * 64}}, r"a text of 5000000 characters"),
        ({"surprise": "y" * 5_000_000}, r"surprise: not a field of a session bundle"),
    ],
)
def test_a_bundle_past_the_simulators_limits_is_refused_and_never_echoed_at_length(
    change: dict[str, object], message: str
) -> None:
    document = json.loads(bundle()) | change
    with pytest.raises(SessionError, match=message) as raised:
        load_session(json.dumps(document), resolve_preset=load_preset)
    assert len(str(raised.value)) < 1200


def test_expected_outcomes_belong_to_a_program_and_have_one_bit_per_clbit() -> None:
    document = json.loads(bundle(circuit=(QASM, ["00"])))
    document["circuit"] |= {"expected": ["000"]}
    document["circuit"]["fingerprint"] = "0" * 64
    with pytest.raises(SessionError, match=r"circuit: expected outcomes must have one bit per clbit \(2\)"):
        load_session(json.dumps(document), resolve_preset=load_preset)
    with pytest.raises(SessionError, match=r"expected outcomes go with qasm; a library circuit knows its own"):
        load_session(
            json.dumps(
                json.loads(bundle()) | {"circuit": {"reference": "ghz:3", "expected": ["000"], "fingerprint": "0" * 64}}
            )
        )


def test_a_missing_device_and_a_broken_circuit_are_both_listed() -> None:
    document = json.loads(bundle())
    document["circuit"]["reference"] = "ghz:1"
    with pytest.raises(SessionError) as raised:
        load_session(json.dumps(document))
    assert [problem.path for problem in raised.value.problems] == ["calibration", "circuit", "circuit"]


def test_writing_a_bundle_builds_no_circuit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app writes bundles in a download's own thread, where Qiskit's compiled code crashed the server."""
    import qiskit

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a QuantumCircuit was built")

    monkeypatch.setattr(qiskit.QuantumCircuit, "__init__", refuse)
    assert json.loads(bundle(circuit="grover:3,101"))["circuit"]["reference"] == "grover:3,101"
