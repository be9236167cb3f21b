"""Device physics → spec: ``derive_noise_spec`` with the formulas of Aer's ``from_backend``."""

from noise_core.derive.derivation import derive_noise_spec

__all__ = ["derive_noise_spec"]
