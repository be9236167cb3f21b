"""Who is using the app: the signed-in user when sign-in is configured, else the server's one user.

Sign-in is Streamlit's own (``st.login``, OpenID Connect): it is on when the secrets (``.streamlit/secrets.toml``, or
the files ``--secrets.files`` names) hold an ``[auth]`` section; then nothing is drawn before sign-in. Without it
the app is single-user, and what is stored belongs to the account the server runs under.
"""

from __future__ import annotations

import getpass

import streamlit as st

IDENTITY_CLAIMS = ("email", "sub")
"""The first of these claims a provider sends names the user: an email where there is one (people recognise it,
and it is the same across a lab's providers), else the provider's subject."""


def sign_in_configured() -> bool:
    """Whether the secrets configure an OIDC provider (an ``[auth]`` section)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def admitted() -> bool:
    """Whether this session may see the app: sign-in is off, or the user has signed in."""
    return not sign_in_configured() or bool(st.user.is_logged_in)


def this_user() -> str:
    """Who owns what this session stores: the signed-in user's email (or subject), or without sign-in the account
    the server runs under."""
    if not sign_in_configured():
        return getpass.getuser()
    for claim in IDENTITY_CLAIMS:
        value = st.user.get(claim)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise RuntimeError("a signed-in user without an email or subject claim; admitted() guards every page")
