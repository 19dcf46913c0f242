"""Private utilities shared by the skchaos subpackages (not a public API)."""

from skchaos.utils._torch import (
    numpy_random_context,
    resolve_device,
    torch_random_context,
    torch_seed_from_random_state,
)

__all__ = [
    "numpy_random_context",
    "resolve_device",
    "torch_random_context",
    "torch_seed_from_random_state",
]
