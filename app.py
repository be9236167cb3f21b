"""Noise Studio: router, shared state and the sidebar's few words on what this is. Run with ``streamlit run app.py``,
which serves ``app`` (an ``st.App`` whose lifespan starts the workers with the server) and runs ``main`` per session."""

import streamlit as st

from components.runtime.startup import PAGES, load_app, start_with_the_server

APP_NAME = "Noise Studio"
WHAT_IT_DOES = (
    "noise models of real IBM quantum devices, built from their calibration snapshots, "
    "checked, edited and tried on circuits."
)
STEPS = (
    "**Device**: pick or upload a calibration snapshot",
    "**Noise model**: derive it from the device and edit it",
    "**Simulate / Explain**: run circuits on it, and see which errors cost most",
    "**Fit**: compare it with counts measured on the device, and fit it to them",
    "**Export**: the checked spec, for Qiskit Aer or Classiq",
)
# The app's name above the page navigation: st.logo takes an image, so the name is drawn as SVG text.
# (No bare strings at module level here: Streamlit's magic would print them on every page.)
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="220" height="32" viewBox="0 0 220 32">'
    '<path d="M2 16 Q7 2 12 16 T22 16 T32 16" fill="none" stroke="#2a9d8f" stroke-width="3"/>'
    '<text x="40" y="23" font-family="sans-serif" font-size="20" font-weight="700" fill="#31333f">'
    f"{APP_NAME}</text></svg>"
)


def render_sidebar_intro() -> None:
    """The app's name above the navigation, and one line on what it does and its steps below it."""
    st.logo(LOGO_SVG, size="large")
    st.sidebar.markdown(
        f"**{APP_NAME}**: {WHAT_IT_DOES}\n\n" + "\n".join(f"{n}. {step}" for n, step in enumerate(STEPS, 1))
    )


def main() -> None:
    load_app()
    from components.runtime.session import init_session  # again in every worker, which need none of it
    from components.views import saved, sharing  # imported here, not at the top: multiprocessing imports this script

    st.set_page_config(page_title=APP_NAME, page_icon=":material/graphic_eq:", layout="wide")
    init_session()
    sharing.read_link_once()
    # Pages by absolute path: the router works from whatever folder the main script runs in. AppTest runs main from
    # its own folder (tests/apptest.py): beside pages/, it would run a page's script alone after the first run.
    navigation = st.navigation(
        [
            st.Page(PAGES / "device.py", title="Device", icon=":material/memory:"),
            st.Page(PAGES / "noise.py", title="Noise model", icon=":material/tune:"),
            st.Page(PAGES / "simulate.py", title="Simulate", icon=":material/bar_chart:", default=True),
            st.Page(PAGES / "explain.py", title="Explain", icon=":material/troubleshoot:"),
            st.Page(PAGES / "fit.py", title="Fit", icon=":material/query_stats:"),
            st.Page(PAGES / "export.py", title="Export", icon=":material/download:"),
        ]
    )
    render_sidebar_intro()
    sharing.render_restore()
    saved.render_saved()
    sharing.render_messages()
    navigation.run()
    sharing.render_share(navigation.url_path)


app = st.App("app.py", lifespan=start_with_the_server)

if __name__ == "__main__":
    main()
