"""The :mod:`skchaos.preprocessing` module: mixed-type tables for the networks."""

from skchaos.preprocessing._tabular import (
    input_columns,
    make_tabular_preprocessor,
    restrict_inputs,
)

__all__ = [
    "input_columns",
    "make_tabular_preprocessor",
    "restrict_inputs",
]
