"""Exports to other frameworks' own simulators, each with a report of what it kept exactly, approximated or dropped.

``report`` holds the report every export carries (Classiq's and Aer's too); ``kraus`` the per-operation
channels Cirq's and PennyLane's models apply. ``cirq_model``, ``pennylane_model`` and (to run a program)
``braket_program`` need their optional packages (``pip install 'noise-studio[cirq,pennylane,braket]'``) and are
imported only where used; ``stim_export`` needs only Stim, a dependency.
"""
