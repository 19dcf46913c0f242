"""Small checks shared by the configuration schema.

Each raises a TypeError or ValueError whose message names the offending key
(``where``), the bad value and what was expected.
"""

import json
import math
from numbers import Integral, Real


def sorted_list(values):
    return ", ".join(repr(v) for v in sorted(values))


def check_keys(mapping, valid, where):
    if not isinstance(mapping, dict):
        raise TypeError(
            f"{where} must be a mapping (a dict or a TOML/YAML table); got "
            f"{type(mapping).__name__}."
        )
    unknown = sorted(set(mapping) - set(valid), key=str)
    if unknown:
        raise ValueError(
            f"Unknown key(s) {sorted_list(unknown)} in {where}; valid keys are "
            f"{sorted_list(valid)}."
        )


def as_list(value, where):
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if not values:
        raise ValueError(f"{where} is empty; expected at least one value.")
    return values


def check_unique(values, where):
    seen = []
    for value in values:
        if value in seen:
            raise ValueError(
                f"{where} lists {value!r} more than once; each value of a grid "
                "axis must be unique."
            )
        seen.append(value)


def check_int(value, where, minimum):
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(
            f"{where}={value!r} has type {type(value).__name__}; expected an int "
            f">= {minimum}."
        )
    if value < minimum:
        raise ValueError(f"{where}={value!r} is invalid; expected an int >= {minimum}.")
    return int(value)


def check_real(value, where, *, low, high=math.inf, low_open=False):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{where}={value!r} has type {type(value).__name__}; expected a number."
        )
    value = float(value)
    too_low = value <= low if low_open else value < low
    if not math.isfinite(value) or too_low or value > high:
        left = "(" if low_open else "["
        raise ValueError(
            f"{where}={value!r} is invalid; expected a finite number in "
            f"{left}{low}, {high}]."
        )
    return value


def jsonable(value, where):
    """Check that a parameter value survives a JSON round trip (cache keys)."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        raise TypeError(
            f"{where}={value!r:.200} cannot be written to a cache key; expected "
            "plain numbers, strings, booleans, None, lists or mappings of them "
            "(use a model factory for anything else)."
        ) from None


def merge(base, override):
    """Deep-merge two mappings; lists and scalars in ``override`` replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged
