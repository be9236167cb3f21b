"""Who is using the app: the signed-in user when sign-in is configured, else the server's one user.

Sign-in is Streamlit's own (``st.login``, OpenID Connect): it is on when the secrets (``.streamlit/secrets.toml``, or
the files ``--secrets.files`` names) hold an ``[auth]`` section; then nothing is drawn before sign-in. Without it
the app is single-user, and what is stored belongs to the account the server runs under.
"""

from __future__ import annotations

import getpass

import streamlit as st


def sign_in_configured() -> bool:
    """Whether the secrets configure an OIDC provider (an ``[auth]`` section)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def admitted() -> bool:
    """Whether this session may see the app: sign-in is off, or the user has signed in."""
    return not sign_in_configured() or bool(st.user.is_logged_in)


def this_user() -> str:
    """Who owns what this session stores: without sign-in, the account the server runs under; signed in, the user's
    email when the provider says it verified it (people recognise it, and a lab's providers agree on it), else the
    provider's subject with its issuer (an unverified email could be anyone's)."""
    if not sign_in_configured():
        return getpass.getuser()
    email, subject, issuer = (st.user.get(claim) for claim in ("email", "sub", "iss"))
    if isinstance(email, str) and email.strip() and st.user.get("email_verified") is True:
        return email.strip()
    return f"{subject} at {issuer}" if issuer else str(subject)
