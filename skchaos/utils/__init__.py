"""Utilities shared by the skchaos subpackages.

Seeding (:func:`torch_random_context`, :func:`seeded_clone`, ...), devices and
the model inside an estimator (:func:`split_estimator`, :func:`final_net`).
"""

from skchaos.utils._docstring import Substitution
from skchaos.utils._estimator import final_net, split_estimator
from skchaos.utils._interrupt import InterruptState, interrupt_guard
from skchaos.utils._io import read_csv_exact, write_atomic
from skchaos.utils._random import (
    MAX_SEED,
    draw_seed,
    fit_seeded,
    seeded_clone,
    seeds_itself,
)
from skchaos.utils._slicing import (
    first_input_layer,
    slice_if_same,
    slice_input_layer,
)
from skchaos.utils._torch import (
    numpy_random_context,
    resolve_device,
    torch_random_context,
    torch_seed_from_random_state,
)

__all__ = [
    "InterruptState",
    "MAX_SEED",
    "Substitution",
    "draw_seed",
    "final_net",
    "first_input_layer",
    "fit_seeded",
    "interrupt_guard",
    "numpy_random_context",
    "read_csv_exact",
    "resolve_device",
    "seeded_clone",
    "seeds_itself",
    "slice_if_same",
    "slice_input_layer",
    "split_estimator",
    "torch_random_context",
    "torch_seed_from_random_state",
    "write_atomic",
]
