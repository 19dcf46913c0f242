"""The :mod:`skchaos.datasets` module."""

from skchaos.datasets._formulas import PAPER_FORMULAS
from skchaos.datasets._symbolic import make_symbolic, make_symbolic_classification

__all__ = [
    "PAPER_FORMULAS",
    "make_symbolic",
    "make_symbolic_classification",
]
