"""Attributions of fitted models, with captum methods chosen by name.

:func:`attribute` computes per-sample attributions of a skorch net, a
pipeline ending in one, or a torch module (and, for perturbation methods, of
any scikit-learn estimator); :func:`model_agnostic_importance` is a global
permutation-importance fallback for any estimator.

The registry of methods answers questions about them without computing
anything: :func:`available_methods`, :func:`method_info` and
:func:`check_method_params`. :data:`ATTRIBUTE_KWARGS` and
:data:`RESERVED_PARAMS` name :func:`attribute`'s own keyword arguments, for
callers that pass a method's parameters along with them.

Examples
--------
>>> from skchaos.attribution import ATTRIBUTE_KWARGS, RESERVED_PARAMS
>>> ATTRIBUTE_KWARGS
('baselines', 'batch_size')
>>> RESERVED_PARAMS
('feature_mask', 'random_state', 'target')
>>> params = {"n_steps": 20, "batch_size": 256}
>>> sorted(set(params) - set(ATTRIBUTE_KWARGS))
['n_steps']
"""

from skchaos.attribution._attribute import attribute
from skchaos.attribution._model_agnostic import model_agnostic_importance
from skchaos.attribution._registry import (
    ATTRIBUTE_KWARGS,
    RESERVED_PARAMS,
    available_methods,
    check_method_params,
    method_info,
)

__all__ = [
    "ATTRIBUTE_KWARGS",
    "RESERVED_PARAMS",
    "attribute",
    "available_methods",
    "check_method_params",
    "method_info",
    "model_agnostic_importance",
]
