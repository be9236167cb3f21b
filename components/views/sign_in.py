"""The page a visitor sees before signing in (when sign-in is configured), and who is signed in, in the sidebar."""

from __future__ import annotations

import streamlit as st

from components.runtime.identity import sign_in_configured, this_user


def render_sign_in(app_name: str) -> None:
    """Only the app's name and a button that starts the provider's sign-in: nothing else is reachable."""
    st.title(app_name)
    st.write("This server keeps a group's calibration archive and saved work: sign in to use it.")
    st.button("Sign in", key="sign_in", icon=":material/login:", on_click=st.login, type="primary")


def render_signed_in() -> None:
    """Who is signed in, and a button to sign out (nothing without sign-in configured)."""
    if not sign_in_configured():
        return
    name = this_user().replace("`", "")
    st.sidebar.caption(f"Signed in as `{name}`")  # as code: Markdown would make an email a mail link
    st.sidebar.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)
