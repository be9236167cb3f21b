"""The what-if on the model in force: the Simulate page's strip (factors and one qubit's readout) and the factors
as the Explain sliders label them too. A what-if changes the result shown, not the model, until it is put in force."""

from __future__ import annotations

import streamlit as st

from components.runtime.session import current_device, noise_state, shown_simulation, use_spec
from components.work.requests import FACTOR_LABELS, WhatIf
from noise_core import NoiseStudioError
from noise_core.spec.factors import FACTOR_KINDS, FACTOR_MEANINGS, NoiseFactors
from noise_core.spec.readout import assignment_matrix

WHAT_IF_RESET = {
    **{f"whatif_{kind}": 1.0 for kind in FACTOR_KINDS}, "whatif_qubit": None, "whatif_p10": 0.0, "whatif_p01": 0.0
}  # fmt: skip
"""The what-if strip at rest: a restored session or a link shows its model as it is."""


WHAT_IF_FACTORS = tuple((kind, FACTOR_LABELS[kind], FACTOR_MEANINGS[kind]) for kind in FACTOR_KINDS)
"""The what-if factors as the Simulate strip and the Explain sliders label them: (kind, label, help), in
``FACTOR_KINDS``' order with the library's meaning of each."""


def what_if_strip() -> WhatIf:
    """Factors on the model in force and one qubit's readout, for this page's result only."""
    _follow_the_model_in_force()
    with st.expander("What if… (scale the model in force for this result)", expanded=True, icon=":material/tune:"):
        columns = st.columns(len(WHAT_IF_FACTORS))
        factors = {
            name: columns[index].number_input(
                f"{label} ×",
                0.0,
                100.0,
                1.0,
                step=0.1,
                format="%.2f",
                key=f"whatif_{name}",
                persist_state="session",
                help=help_text,
            )
            for index, (name, label, help_text) in enumerate(WHAT_IF_FACTORS)
        }
        columns = st.columns([1.4, 0.9, 0.9, 2.8])
        qubit = columns[0].selectbox(
            "one qubit's readout", [None, *_qubits_measured_first()], key="whatif_qubit", persist_state="session",
            format_func=lambda q: "unchanged" if q is None else f"qubit {q}", on_change=_start_from_current_readout,
            help="Its P(1|0) and P(0|1) start at the model in force's values; change one to try another",
        )  # fmt: skip
        p10 = columns[1].number_input(
            "P(1|0)",
            0.0,
            1.0,
            0.0,
            step=0.01,
            format="%.4f",
            key="whatif_p10",
            persist_state="session",
            disabled=qubit is None,
        )
        p01 = columns[2].number_input(
            "P(0|1)",
            0.0,
            1.0,
            0.0,
            step=0.01,
            format="%.4f",
            key="whatif_p01",
            persist_state="session",
            disabled=qubit is None,
        )
        changed_qubit = None if qubit is None or (p10, p01) == current_readout(qubit) else qubit
        what_if = WhatIf(NoiseFactors.of(factors), changed_qubit, p10, p01)
        if not what_if.is_identity:
            left, right = st.columns([4, 1])
            left.caption(
                "This result uses the scaled model; the model in force is unchanged until you put it in force."
            )
            right.button(
                "Put in force", key="whatif_apply", on_click=_put_in_force, args=(what_if,), icon=":material/check:",
                help="Make this scaled model the model in force (the Noise model page lists it as changes)",
            )  # fmt: skip
        if problem := st.session_state.pop(_PUT_IN_FORCE_ERROR, None):
            st.error(f"Not put in force; the model in force is unchanged: {problem}", icon=":material/error:")
    return what_if


def current_readout(qubit: int) -> tuple[float, float]:
    """(P(1|0), P(0|1)) of ``qubit`` in the model in force."""
    matrix = assignment_matrix(noise_state().spec, qubit)
    return float(matrix[0][1]), float(matrix[1][0])


def _start_from_current_readout() -> None:
    """The one-qubit what-if starts from the chosen qubit's values in force: choosing changes nothing."""
    qubit = st.session_state.get("whatif_qubit")
    p10, p01 = (0.0, 0.0) if qubit is None else current_readout(qubit)
    st.session_state["whatif_p10"], st.session_state["whatif_p01"] = p10, p01
    st.session_state[_SEEDED] = (qubit, p10, p01)


_SEEDED = "whatif_seeded"
"""(qubit, P(1|0), P(0|1)) the one-qubit what-if was last started from."""


def _follow_the_model_in_force() -> None:
    """Values the user left as started follow the model in force when it changes (an edit, a derivation, another
    device): left behind, they would quietly undo that change on this result."""
    seeded = st.session_state.get(_SEEDED)
    qubit = st.session_state.get("whatif_qubit")
    left_as_started = seeded is not None and seeded == (
        qubit, st.session_state.get("whatif_p10"), st.session_state.get("whatif_p01")
    )  # fmt: skip
    if seeded is not None and left_as_started and qubit is not None and current_readout(qubit) != seeded[1:]:
        _start_from_current_readout()


def _put_in_force(what_if: WhatIf) -> None:
    """The what-if's model becomes the model in force, and the strip returns to rest (it would apply twice)."""
    try:
        use_spec(what_if.apply(noise_state().spec))
    except NoiseStudioError as error:
        st.session_state[_PUT_IN_FORCE_ERROR] = str(error)
        return
    for key, value in WHAT_IF_RESET.items():
        st.session_state[key] = value


_PUT_IN_FORCE_ERROR = "whatif_apply_error"


def _qubits_measured_first() -> list[int]:
    """Every qubit of the device, those the last result measured (whose readout matters to it) first."""
    shown = shown_simulation()
    count = current_device().calibration.num_qubits
    measured = [] if shown is None else sorted({int(q) for q in shown.result.measured_qubits if int(q) < count})
    return measured + [q for q in range(count) if q not in set(measured)]
