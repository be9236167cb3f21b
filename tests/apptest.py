"""What the AppTest files share: the app opened on its default view, a figure as sent, the model state, an edit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[1] / "app.py")


def started_app() -> AppTest:
    """The app run once: the default preset, its derived model and GHZ(3) simulated on the Simulate page."""
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    return at


def figure(at: AppTest, key: str) -> dict:
    """A plotly chart's figure as sent to the browser."""
    return json.loads(at.get_by_key(key).proto.spec)


def noise(at: AppTest) -> Any:
    """The session's ``NoiseState``."""
    return at.session_state["noise"]


def edit(at: AppTest, table: str, change: dict) -> AppTest:
    """Change a Noise model editor as the browser does: by setting its change record in session state."""
    key = f"noise_editor_{table}_{noise(at).generation}"
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **change}
    return at.run()
