"""The Device page's comparison with another snapshot, and the change map's colour convention."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.change_map import worse_log2

APP = str(Path(__file__).parents[1] / "app.py")


def test_worse_is_positive_for_errors_up_and_coherence_down() -> None:
    ratio = pd.Series([2.0, 0.5, 1.0, 0.0])
    assert worse_log2("sx error", ratio).tolist()[:3] == [1.0, -1.0, 0.0]
    assert worse_log2("T1 (µs)", ratio).tolist()[:3] == [-1.0, 1.0, 0.0]
    assert np.isnan(worse_log2("T1 (µs)", ratio).iloc[3])  # a ratio of 0 has no logarithm: drawn as unchanged


@pytest.mark.slow
def test_the_device_page_compares_with_a_preset_of_the_same_size_first() -> None:
    app = AppTest.from_file(APP, default_timeout=180).run()
    app.switch_page("pages/device.py").run()
    app.session_state["device_tabs"] = "Compare with another snapshot"
    app.run()
    assert not app.exception and not app.error
    assert app.selectbox(key="compare_preset").value in {"ibm_fez", "ibm_kingston"}  # 156 qubits, as pittsburgh
    figure = json.loads(app.get_by_key("compare_map").proto.spec)
    assert figure["data"][1]["marker"]["colorscale"] and "T1 (µs): after vs before" in figure["layout"]["title"]["text"]
    app.selectbox(key="compare_metric").set_value("readout_error").run()
    assert "readout_error" in json.loads(app.get_by_key("compare_map").proto.spec)["layout"]["title"]["text"]
    assert any("qubits compared by index" in info.value for info in app.info)
