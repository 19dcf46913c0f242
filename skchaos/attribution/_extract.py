"""Get the model to explain, and its input, out of an estimator.

Attributions are always taken with respect to the input of the final model:
for a :class:`~sklearn.pipeline.Pipeline` the earlier steps' ``transform`` is
applied first (:func:`skchaos.utils.split_estimator`).
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.utils.validation import check_array
from torch import nn

from skchaos.attribution._registry import _REGISTRY
from skchaos.utils import split_estimator


@dataclass
class _Model:
    """The model behind an estimator, ready for captum.

    Attributes
    ----------
    forward : callable
        Maps a tensor batch to a tensor of outputs: the torch module itself,
        or a wrapper around ``predict``/``predict_proba``.
    module : torch.nn.Module or None
        The torch module (None for a non-torch estimator).
    classes : ndarray or None
        The class labels of a classifier, when it records them.
    is_classifier : bool
        Whether an unset target means the predicted class.
    device, dtype : torch.device, torch.dtype
        Where and in which precision the input must be.
    name : str
        The final estimator's class name, for messages.
    """

    forward: object
    module: nn.Module | None
    classes: np.ndarray | None
    is_classifier: bool
    device: torch.device
    dtype: torch.dtype
    name: str

    @property
    def differentiable(self):
        return self.module is not None


class _PredictForward:
    """Wrap a fitted scikit-learn estimator as a tensor -> tensor function.

    Regressors are evaluated with ``predict``, classifiers with
    ``predict_proba`` (one column per class).
    """

    def __init__(self, estimator, classifier):
        self.estimator = estimator
        self.method = "predict_proba" if classifier else "predict"
        self.columns = getattr(estimator, "feature_names_in_", None)

    def __call__(self, x):
        array = x.detach().cpu().numpy()
        if self.columns is not None:
            import pandas as pd

            array = pd.DataFrame(array, columns=self.columns)
        output = np.asarray(getattr(self.estimator, self.method)(array), dtype=float)
        return torch.from_numpy(output)


def _module_device_dtype(module):
    """The device and floating dtype of a module's first parameter or buffer."""
    for tensor in (*module.parameters(), *module.buffers()):
        if tensor.is_floating_point():
            return tensor.device, tensor.dtype
    return torch.device("cpu"), torch.get_default_dtype()


def _resolve_model(estimator, *, method):
    """Find and check the model to explain.

    Parameters
    ----------
    estimator : object
        A fitted skorch net (anything with a fitted ``module_``), a pipeline
        ending in one, a ``torch.nn.Module``, or (for perturbation methods) a
        fitted scikit-learn estimator or pipeline.
    method : _MethodSpec
        The attribution method; gradient methods need a torch model.

    Returns
    -------
    model : _Model
    """
    _, final = split_estimator(estimator)
    if isinstance(final, nn.Module):
        device, dtype = _module_device_dtype(final)
        return _Model(final, final, None, False, device, dtype, type(final).__name__)

    name = type(final).__name__
    if not hasattr(final, "fit"):
        raise TypeError(
            f"estimator must be a fitted skorch net, a Pipeline ending in one, a "
            f"torch.nn.Module or a fitted scikit-learn estimator; got an object "
            f"of type {name}."
        )
    check_is_fitted(final)
    classifier = is_classifier(final) or hasattr(final, "classes_")
    classes = getattr(final, "classes_", None) if classifier else None
    module = getattr(final, "module_", None)
    if isinstance(module, nn.Module):
        device, dtype = _module_device_dtype(module)
        return _Model(module, module, classes, classifier, device, dtype, name)

    if method.gradient_based:
        perturbation = sorted(n for n, s in _REGISTRY.items() if not s.gradient_based)
        raise TypeError(
            f"method={method.name!r} needs gradients, but {name} is not a "
            "differentiable torch model (a fitted skorch net, a Pipeline ending "
            "in one, or a torch.nn.Module). Use a perturbation method "
            f"({', '.join(perturbation)}) or "
            "skchaos.attribution.model_agnostic_importance for a global "
            "permutation importance."
        )
    if classifier and not hasattr(final, "predict_proba"):
        raise TypeError(
            f"{name} is a classifier without predict_proba; perturbation "
            "attributions of a scikit-learn classifier explain its class "
            "probabilities."
        )
    forward = _PredictForward(final, classifier)
    return _Model(
        forward, None, classes, classifier, torch.device("cpu"), torch.float64, name
    )


def _net_input(estimator, X):
    """Return X as the final model sees it: validated, finite, 2-D or more.

    A pipeline's earlier steps are applied first. Numpy, pandas and other
    array-likes come back as a numpy array (any real dtype, not yet cast);
    a torch tensor stays a (detached) tensor on its device.

    Parameters
    ----------
    estimator : object
        The estimator, as given to :func:`attribute`.
    X : array-like or torch.Tensor of shape (n_samples, ...)
        The raw input.

    Returns
    -------
    X_net : ndarray or torch.Tensor of shape (n_samples, ...)
    """
    transformer, _ = split_estimator(estimator)
    where = ""
    if transformer is not None:
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        X = transformer.transform(X)
        if sp.issparse(X):
            X = X.toarray()
        where = " after the pipeline's transformers"
    if isinstance(X, torch.Tensor):
        return _check_tensor(X, where)
    # C order: a column-major array (pandas 3 gives one for a DataFrame)
    # would go through other matmul kernels and differ by rounding.
    return check_array(
        X,
        dtype="numeric",
        order="C",
        allow_nd=True,
        ensure_all_finite=True,
        input_name="X",
    )


def _check_tensor(X, where=""):
    """The torch twin of ``check_array(allow_nd=True)`` for :func:`_net_input`."""
    X = X.detach()
    if X.ndim < 2:
        raise ValueError(
            f"X must be at least 2-D (n_samples, n_features, ...){where}; got a "
            f"tensor of shape {tuple(X.shape)}."
        )
    if X.shape[0] == 0 or X[0].numel() == 0:
        raise ValueError(
            f"X must have at least one sample and one feature{where}; got a "
            f"tensor of shape {tuple(X.shape)}."
        )
    if X.is_complex():
        raise ValueError(f"X must be real{where}; got dtype {X.dtype}.")
    if X.is_floating_point() and not bool(torch.isfinite(X).all()):
        raise ValueError(
            f"X contains NaN or infinity{where}; attributions need finite inputs."
        )
    return X
