"""Noise Studio: router, shared state and the sidebar's few words on what this is. Run with ``streamlit run app.py``,
which serves ``app`` (an ``st.App`` whose lifespan starts the workers with the server) and runs ``main`` per session."""

from pathlib import Path

import streamlit as st

from components.runtime.startup import PAGES, load_app, start_with_the_server

APP_NAME = "Noise Studio"
WHAT_IT_DOES = (
    "noise models of real quantum devices (IBM, Google, IonQ, Quantinuum and others on AWS Braket), built from their "
    "calibration snapshots, "
    "checked, edited and tried on circuits."
)
STEPS = (
    "**Device**: pick or upload a calibration snapshot",
    "**Noise model**: derive it from the device and edit it",
    "**Simulate / Explain**: run circuits on it, and see which errors cost most",
    "**Fit**: compare it with counts measured on the device, and fit it to them",
    "**Export**: the checked spec, for Qiskit Aer, Classiq, Cirq, PennyLane, Stim or Amazon Braket",
)
# The pages in navigation order: file in pages/, title, icon (a comment: a bare string here would be printed).
PAGE_LIST = (
    ("device.py", "Device", ":material/memory:"),
    ("noise.py", "Noise model", ":material/tune:"),
    ("simulate.py", "Simulate", ":material/bar_chart:"),
    ("explain.py", "Explain", ":material/troubleshoot:"),
    ("fit.py", "Fit", ":material/query_stats:"),
    ("export.py", "Export", ":material/download:"),
    ("jobs.py", "Jobs", ":material/work_history:"),
)
DEFAULT_PAGE = "simulate.py"
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


def sign_in_page() -> None:
    from components.views.sign_in import render_sign_in

    render_sign_in(APP_NAME)


def main() -> None:
    load_app()
    from components.runtime.identity import admitted
    from components.runtime.session import init_session  # again in every worker, which need none of it
    from components.views import saved, sharing  # imported here, not at the top: multiprocessing imports this script
    from components.views.sign_in import render_signed_in

    st.set_page_config(page_title=APP_NAME, page_icon=":material/graphic_eq:", layout="wide")
    if not admitted():  # sign-in configured and not signed in: the sign-in page is the only page, at every path
        gate = [
            st.Page(sign_in_page, title="Sign in", url_path=Path(file).stem, default=file == DEFAULT_PAGE)
            for file, _title, _icon in PAGE_LIST
        ]
        st.navigation(gate, position="hidden").run()
        return
    init_session()
    sharing.read_link_once()
    # Pages by absolute path: the router works from whatever folder the main script runs in. AppTest runs main from
    # its own folder (tests/apptest.py): beside pages/, it would run a page's script alone after the first run.
    navigation = st.navigation(
        [st.Page(PAGES / file, title=title, icon=icon, default=file == DEFAULT_PAGE) for file, title, icon in PAGE_LIST]
    )
    render_sidebar_intro()
    render_signed_in()
    sharing.render_restore()
    saved.render_saved()
    sharing.render_messages()
    navigation.run()
    sharing.render_share(navigation.url_path)


app = st.App("app.py", lifespan=start_with_the_server)

if __name__ == "__main__":
    main()
