"""Channels and the Aer ``NoiseModel`` builder: a spec resolved per gate placement, as Aer errors."""

from noise_core.aer.model import build_noise_model, quantum_error

__all__ = ["build_noise_model", "quantum_error"]
