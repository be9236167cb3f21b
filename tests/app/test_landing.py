"""AppTest: every page says what the app is and its five steps in the sidebar; the Deploy button is hidden."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import APP_NAME, STEPS
from tests.apptest import open_page

pytestmark = pytest.mark.slow  # runs the app in AppTest

ROOT = Path(__file__).parents[2]


def sidebar_text(at: AppTest) -> str:
    return "\n".join(block.value for block in at.sidebar.markdown)


@pytest.mark.parametrize(
    ("page", "title"),
    [("simulate", "Simulate"), ("device", "Device"), ("noise", "Noise model"), ("explain", "Explain"), ("fit", "Fit"),
     ("export", "Export")],
)  # fmt: skip
def test_every_page_names_the_app_and_its_five_steps_in_the_sidebar(app: AppTest, page: str, title: str) -> None:
    open_page(app, page)
    assert not app.exception
    assert app.title[0].value == title
    text = sidebar_text(app)
    assert text.startswith(f"**{APP_NAME}**: noise models of real quantum devices (IBM, Google, IonQ")
    steps = [line for line in text.splitlines() if line[:2] in {"1.", "2.", "3.", "4.", "5."}]
    assert [step.split("**")[1] for step in steps] == ["Device", "Noise model", "Simulate / Explain", "Fit", "Export"]
    assert steps == [f"{n}. {step}" for n, step in enumerate(STEPS, 1)]


def test_the_deploy_button_is_hidden() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] in {"viewer", "minimal"}  # both hide the developer options, Deploy too
