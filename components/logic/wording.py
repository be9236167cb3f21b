"""The library's advice in the dashboard's terms: a message that says "use method='trajectories'" to a notebook
user says where to click to a browser user.

``noise_core`` writes its messages for people calling it from Python (they name keyword arguments).
Every such phrase that can reach a page is listed once here with the UI step that does the same;
``tests/components/logic/test_wording.py`` raises each of those errors for real and checks that its phrase is
still there, so a reworded message cannot slip past this table.
"""

from __future__ import annotations

import re

UI_STEPS: dict[str, str] = {
    "use method='trajectories' or a narrower circuit": "choose the method 'trajectories', or a narrower circuit",
    "use method='trajectories' for mid-circuit measurements": "choose the method 'trajectories' for mid-circuit "
    "measurements",
    "method='stabilizer' needs": "the method 'stabilizer' needs",
    "method='twirled' needs": "the method 'twirled' needs",
    "method='density_matrix' needs": "the method 'density_matrix' needs",
    "(e.g. circuit.measure_all())": "(e.g. `measure q -> c;` in the program)",
    "with avoid_uncalibrated_couplers=True": "with 'Avoid uncalibrated couplers' in the run settings",
    "as asked (avoid_uncalibrated_couplers=True)": "as asked ('Avoid uncalibrated couplers' is on)",
}
"""Library phrase → what a browser user does instead."""


def in_ui_terms(message: object) -> str:
    """``message`` (an error or text) with each library phrase replaced by its UI step."""
    text = str(message)
    for phrase, step in UI_STEPS.items():
        text = text.replace(phrase, step)
    return text


def plain(text: str) -> str:
    """``text`` with Markdown's special characters escaped, so what another person wrote (a file name, an item's
    name, a link's value) shows as written and cannot draw links or images."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~$-])", r"\\\1", text)
