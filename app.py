"""Noise Studio: router and shared state only. Run with ``streamlit run app.py``."""

import streamlit as st

from components.session import init_session


def main() -> None:
    st.set_page_config(page_title="Noise Studio", page_icon=":material/graphic_eq:", layout="wide")
    init_session()
    navigation = st.navigation(
        [
            st.Page("pages/device.py", title="Device", icon=":material/memory:"),
            st.Page("pages/noise.py", title="Noise model", icon=":material/tune:"),
            st.Page("pages/simulate.py", title="Simulate", icon=":material/bar_chart:", default=True),
            st.Page("pages/export.py", title="Export", icon=":material/download:"),
        ]
    )
    navigation.run()


if __name__ == "__main__":
    main()
