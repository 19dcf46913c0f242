"""Utilities shared by the skchaos subpackages.

Seeding (:func:`torch_random_context`, :func:`seeded_clone`, ...), devices,
the model inside an estimator (:func:`split_estimator`, :func:`final_net`),
input-layer slicing, interrupts, thread limits and atomic files.

Names are imported on first use (PEP 562), so that the torch-free helpers
(:func:`interrupt_guard`, :func:`write_atomic`, :class:`Substitution`, ...)
do not import torch: the command line checks its arguments before torch is
loaded.
"""

import importlib

_SOURCES = {
    "InterruptState": "_interrupt",
    "MAX_SEED": "_torch",
    "MIN_GAIN": "_validation",
    "Substitution": "_docstring",
    "check_groups": "_validation",
    "check_positive_int": "_checks",
    "check_sample_weight": "_validation",
    "copy_estimator": "_estimator",
    "draw_seed": "_random",
    "final_net": "_estimator",
    "first_input_layer": "_slicing",
    "fit_seeded": "_random",
    "interrupt_guard": "_interrupt",
    "limited_threads": "_threads",
    "net_output": "_slicing",
    "numpy_random_context": "_torch",
    "outputs_match": "_slicing",
    "read_csv_exact": "_io",
    "resolve_device": "_torch",
    "seeded_clone": "_random",
    "seeds_itself": "_random",
    "slice_if_same": "_slicing",
    "slice_input_layer": "_slicing",
    "split_estimator": "_estimator",
    "torch_random_context": "_torch",
    "torch_seed_from_random_state": "_torch",
    "write_atomic": "_io",
}

__all__ = [
    "InterruptState",
    "MAX_SEED",
    "MIN_GAIN",
    "Substitution",
    "check_groups",
    "check_positive_int",
    "check_sample_weight",
    "copy_estimator",
    "draw_seed",
    "final_net",
    "first_input_layer",
    "fit_seeded",
    "interrupt_guard",
    "limited_threads",
    "net_output",
    "numpy_random_context",
    "outputs_match",
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


def __getattr__(name):
    if name not in _SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_SOURCES[name]}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *__all__})
