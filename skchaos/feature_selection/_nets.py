"""How a selector hands a subset (or a superset) of the columns to any net.

The skchaos nets restrict their own inputs (their first layer is sliced,
see :mod:`skchaos.neural`) and build their module for the width of ``X`` at
every fit. A plain skorch net's module may have its input width written into
its layers, take it as a module parameter, infer it lazily, or read the input
in several layers; one mechanism serves all of them:

- a subset of the columns reaches the module through
  :class:`skchaos.neural.InputSubset`, in the module's own width, the other
  columns held at zero (their training mean after the selector's
  standardization): :func:`subset_net`; restricting a fitted net further only
  changes which columns the wrapper places (:func:`restrict_subset`), which
  leaves its function unchanged;
- more columns than the module was built for (shadow columns) need a width
  parameter, which is set, or a lazy first layer (:func:`widened_net`);
  otherwise a ``ValueError`` names the module before any training;
- a plain net's round trains until its early-stopping loss levels off with
  skorch's own ``EarlyStopping`` on the held-out rows
  (:func:`fit_plain_converged`).
"""

from numbers import Integral

import numpy as np
import torch
from sklearn.base import clone
from skorch.callbacks import EarlyStopping
from skorch.dataset import Dataset
from skorch.helper import predefined_split

from skchaos.neural import InputSubset
from skchaos.utils import (
    final_net,
    interrupt_guard,
    seeds_itself,
    split_estimator,
    torch_random_context,
)

# Name of the early-stopping callback a selector adds to a plain net.
_EARLY_STOPPING = "selector_early_stopping"
# Patience of that callback, for nets without an n_iter_no_change.
_PATIENCE = 10


def is_plain_net(estimator):
    """Whether ``estimator``'s net is a skorch net that is not a skchaos net.

    Examples
    --------
    >>> from skorch import NeuralNetRegressor
    >>> from skchaos.feature_selection._nets import is_plain_net
    >>> from skchaos.neural import MLP, MLPRegressor
    >>> is_plain_net(NeuralNetRegressor(MLP)), is_plain_net(MLPRegressor())
    (True, False)
    """
    net = final_net(estimator)
    return net is not None and not hasattr(net, "_restrict_inputs")


def _with_net_params(estimator, **params):
    """A clone of ``estimator`` with parameters of its (final) net set."""
    prefix, _ = split_estimator(estimator)
    if prefix is not None or hasattr(estimator, "steps"):
        name = estimator.steps[-1][0]
        params = {f"{name}__{key}": value for key, value in params.items()}
    return clone(estimator).set_params(**params)


def subset_net(estimator, columns, n_inputs):
    """``estimator`` whose plain net takes ``columns`` of its ``n_inputs`` inputs.

    The net's module becomes ``InputSubset(module, columns, n_inputs,
    **module_params)``; other estimators are returned unchanged.

    Parameters
    ----------
    estimator : estimator object
        A plain skorch net, or a pipeline ending in one (its transformers
        keep one column per column).
    columns : array-like of int
        Sorted positions of the columns the net receives.
    n_inputs : int
        The width the module was built for.

    Returns
    -------
    estimator : estimator object
        A clone (or ``estimator`` itself when nothing changes).
    """
    if not is_plain_net(estimator):
        return estimator
    net = final_net(estimator)
    module_params = net.get_params_for("module")
    module = net.module
    if isinstance(module, type) and issubclass(module, InputSubset):
        return estimator
    return _with_net_params(
        estimator,
        module=InputSubset,
        module__inner=module,
        module__columns=np.asarray(columns, dtype=np.intp),
        module__n_inputs=int(n_inputs),
        **{f"module__{key}": value for key, value in module_params.items()},
    )


def as_net_arrays(estimator, X, y, classifier):
    """``X`` and ``y`` in the dtypes a plain skorch net computes in.

    A plain net gets the arrays as they are and its module computes in
    float32: ``X`` (and a regressor's ``y``) become float32 after the
    selector's standardization, which computes in float64. The skchaos nets
    convert their inputs themselves.
    """
    if not is_plain_net(estimator):
        return X, y
    X = np.asarray(X, dtype=np.float32)
    if not classifier:
        y = np.asarray(y, dtype=np.float32)
    return X, y


def restrict_subset(net, keep):
    """Restrict a fitted plain net (wrapped by :func:`subset_net`) to ``keep``.

    Returns False when its module is not an :class:`InputSubset`.
    """
    module = getattr(net, "module_", None)
    if not isinstance(module, InputSubset):
        return False
    module.restrict(keep)
    return True


def _takes_width(net, width, sample_shape):
    """Whether a fresh module of ``net`` runs on inputs ``width`` wide."""
    probe = clone(net)
    try:
        with torch_random_context(0), torch.no_grad():
            probe.initialize()
            X = torch.zeros((2, width, *sample_shape), dtype=torch.float32)
            probe.module_.eval()(X.to(next(probe.module_.parameters()).device))
    except (RuntimeError, ValueError, TypeError, IndexError, StopIteration):
        return False
    return True


def _width_params(net, n_inputs):
    """The module parameters whose value is the input width ``n_inputs``."""
    return [
        key
        for key, value in net.get_params_for("module").items()
        if isinstance(value, Integral)
        and not isinstance(value, bool)
        and value == n_inputs
    ]


def widened_net(estimator, width, n_inputs, caller, sample_shape=()):
    """``estimator`` whose plain net takes ``width`` input columns.

    A module that runs on inputs ``width`` wide as it is (a lazy first
    layer) is kept; otherwise a module parameter equal to ``n_inputs`` (the
    width of ``X``, e.g. ``module__input_dim``) is set to ``width``. Other
    estimators are returned unchanged.

    Raises
    ------
    ValueError
        When neither works, naming the module and what would.
    """
    if not is_plain_net(estimator):
        return estimator
    net = final_net(estimator)
    if _takes_width(net, width, sample_shape):
        return estimator
    for key in _width_params(net, n_inputs):
        candidate = clone(net).set_params(**{f"module__{key}": width})
        if _takes_width(candidate, width, sample_shape):
            return _with_net_params(estimator, **{f"module__{key}": width})
    module = getattr(net.module, "__name__", type(net.module).__name__)
    what = "more" if width > n_inputs else "other"
    raise ValueError(
        f"{caller}: the module {module} of {type(net).__name__} cannot take "
        f"{width} input columns ({what} than the {n_inputs} it was built for). "
        "Give the module its input width as a parameter (e.g. "
        f"module__input_dim={n_inputs}; the selector sets it), or build its "
        "first layer lazily (torch.nn.LazyLinear)."
    )


def early_stopping_patience(net):
    """Epochs without improvement that end a round of ``net``."""
    return int(getattr(net, "n_iter_no_change", None) or _PATIENCE)


def _with_early_stopping(net, X_es, y_es, patience, max_epochs):
    """Set ``net`` to stop on ``(X_es, y_es)``; skorch's split and callback."""
    callbacks = net.callbacks
    if callbacks == "disable":
        callbacks = []
    callbacks = [
        item
        for item in list(callbacks or [])
        if not (isinstance(item, tuple) and item[0] == _EARLY_STOPPING)
    ]
    stop = EarlyStopping(monitor="valid_loss", patience=patience, load_best=True)
    valid = Dataset(X_es, y_es)
    params = {
        "train_split": predefined_split(valid),
        "max_epochs": int(max_epochs),
        "callbacks": [*callbacks, (_EARLY_STOPPING, stop)],
    }
    net.set_params(**params)
    if net.initialized_:  # a fitted net keeps its callbacks_ until asked
        net.initialize_callbacks()


def fit_plain_converged(
    net,
    X,
    y,
    X_es,
    y_es,
    *,
    max_epochs,
    seed,
    warm=False,
    patience=None,
    min_epochs=None,
):
    """Train a plain skorch net until its loss on ``(X_es, y_es)`` levels off.

    skorch's ``EarlyStopping`` on a predefined validation split ends the
    training after ``patience`` epochs without improvement and restores the
    best epoch's weights; ``max_epochs`` caps it. A fresh fit first trains
    ``min_epochs`` epochs (None: the net's own ``max_epochs``, as the skchaos
    nets do), then goes on until the held-out loss levels off; ``warm``
    continues the fitted net (``partial_fit``) from the start. The net keeps
    its own ``train_split``, ``max_epochs`` and ``callbacks`` afterwards.

    Returns
    -------
    n_epochs : int
        Epochs trained.
    converged : bool
        Whether the loss levelled off before the cap.
    """
    if patience is None:
        patience = early_stopping_patience(net)
    n_before = len(net.history_) if warm and net.initialized_ else 0
    own = {key: getattr(net, key) for key in ("train_split", "max_epochs", "callbacks")}
    seed = None if seeds_itself(net) else seed
    converged = False
    try:
        with interrupt_guard() as interrupt, torch_random_context(seed):
            left = max_epochs
            if not warm:
                floor = own["max_epochs"] if min_epochs is None else min_epochs
                at_least = max(1, min(int(floor), max_epochs))
                net.set_params(train_split=None, max_epochs=at_least)
                net.fit(X, y)
                left -= at_least
            if left > 0:
                _with_early_stopping(net, X_es, y_es, patience, left)
                net.partial_fit(X, y)
                stopping = dict(net.callbacks_)[_EARLY_STOPPING]
                converged = stopping.misses_ >= patience
    finally:
        # The net keeps its own settings (and no reference to the rows).
        net.set_params(**own)
        if net.initialized_:
            net.initialize_callbacks()
    interrupt.check()  # skorch swallows Ctrl-C (its early stop raises one too)
    return len(net.history_) - n_before, converged
