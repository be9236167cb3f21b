"""AppTest: every page says what the app is and its five steps in the sidebar; the Deploy button is hidden."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from app import APP_NAME, STEPS

pytestmark = pytest.mark.slow  # runs the app in AppTest

ROOT = Path(__file__).parents[1]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app run as ``streamlit run`` runs it: app.py (router and sidebar) first on every rerun.

    AppTest resets Streamlit's "pages directory" flag before each run, and with a pages/ folder
    next to app.py it then runs a page's script alone after the first run; the server clears
    that flag for good once ``st.navigation`` has run. The patch does the same here.
    """
    original = PagesManager.__init__

    def served(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", served)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    return at


def sidebar_text(at: AppTest) -> str:
    return "\n".join(block.value for block in at.sidebar.markdown)


@pytest.mark.parametrize(
    ("page", "title"),
    [("pages/simulate.py", "Simulate"), ("pages/device.py", "Device"), ("pages/noise.py", "Noise model"),
     ("pages/explain.py", "Explain"), ("pages/fit.py", "Fit"), ("pages/export.py", "Export")],
)  # fmt: skip
def test_every_page_names_the_app_and_its_five_steps_in_the_sidebar(app: AppTest, page: str, title: str) -> None:
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == title
    text = sidebar_text(app)
    assert text.startswith(f"**{APP_NAME}**: noise models of real IBM quantum devices")
    steps = [line for line in text.splitlines() if line[:2] in {"1.", "2.", "3.", "4.", "5."}]
    assert [step.split("**")[1] for step in steps] == ["Device", "Noise model", "Simulate / Explain", "Fit", "Export"]
    assert steps == [f"{n}. {step}" for n, step in enumerate(STEPS, 1)]


def test_the_deploy_button_is_hidden() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] in {"viewer", "minimal"}  # both hide the developer options, Deploy too
