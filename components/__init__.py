"""Reusable dashboard parts: pure ``build_*`` helpers, ``render_*`` drawers and input widgets."""
