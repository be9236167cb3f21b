"""Exports to other frameworks' own simulators, each with a report of what it kept exactly, approximated or dropped.

``report`` holds the report every export carries (Classiq's and Aer's too); ``cirq_model`` the Cirq
export, which needs the optional ``cirq-core`` (``pip install noise-studio[cirq]``) and is imported
only where used.
"""
