"""Attributions of fitted models, with captum methods chosen by name.

:func:`attribute` computes per-sample attributions of a skorch net, a
pipeline ending in one, or a torch module (and, for perturbation methods, of
any scikit-learn estimator); :func:`model_agnostic_importance` is a global
permutation-importance fallback for any estimator.
"""

from skchaos.attribution._attribute import attribute
from skchaos.attribution._model_agnostic import model_agnostic_importance
from skchaos.attribution._registry import available_methods

__all__ = [
    "attribute",
    "available_methods",
    "model_agnostic_importance",
]
