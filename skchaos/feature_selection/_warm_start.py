"""Warm starts for recursive elimination: restrict a fitted net to fewer inputs.

After a round of elimination the network trained on ``n`` inputs is reused for
the ``m < n`` survivors: the columns of its first layer's weight that belong to
the eliminated inputs are deleted, which gives exactly the function the old
network computes when the eliminated inputs are zero, and training continues
from there. The helpers find that first layer, slice it, check the result, and
fine-tune; anything they cannot handle is reported as "not sliceable" so that
the caller retrains from scratch instead.
"""

import copy

import numpy as np
import torch
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from skorch import NeuralNet
from torch import nn

from skchaos.attribution._extract import _split_estimator
from skchaos.utils import torch_random_context

_CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
# Rows used to check that a sliced network reproduces the original one.
_N_CHECK_ROWS = 64
_CHECK_RTOL = 1e-4


def _first_input_layer(module, width, *, tabular):
    """Return the layer that consumes the network input, or None.

    The first ``nn.Linear`` (tabular input) or ``nn.Conv1d/2d/3d`` with
    ``groups=1`` (input with channels) in the module's registration order is
    taken to be the input layer; it must take ``width`` inputs (features or
    channels). Anything else (an input ``BatchNorm``, an embedding, a
    flattening front end) is caught by the equivalence check of
    :func:`_warm_start`.
    """
    kinds = (nn.Linear,) if tabular else _CONVS
    for layer in module.modules():
        if isinstance(layer, nn.modules.lazy.LazyModuleMixin):
            return None
        if isinstance(layer, nn.Linear | nn.Conv1d | nn.Conv2d | nn.Conv3d):
            if not isinstance(layer, kinds):
                return None
            if isinstance(layer, nn.Linear):
                return layer if layer.in_features == width else None
            if layer.groups != 1 or layer.in_channels != width:
                return None
            return layer
    return None


def _slice_input_layer(layer, keep):
    """Keep only the input columns (or channels) ``keep`` of ``layer``, in place.

    Parameters
    ----------
    layer : nn.Linear or nn.Conv1d/2d/3d
        The input layer; its ``weight`` has the inputs along axis 1.
    keep : ndarray of int
        Positions of the surviving inputs, sorted.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skchaos.feature_selection._warm_start import _slice_input_layer
    >>> layer = torch.nn.Linear(3, 2)
    >>> x = torch.tensor([[1.0, 0.0, 2.0]])
    >>> before = layer(x)
    >>> _slice_input_layer(layer, np.array([0, 2]))
    >>> layer
    Linear(in_features=2, out_features=2, bias=True)
    >>> bool(torch.allclose(layer(x[:, [0, 2]]), before))
    True
    """
    index = torch.as_tensor(keep, dtype=torch.long, device=layer.weight.device)
    with torch.no_grad():
        weight = layer.weight.index_select(1, index).clone()
    layer.weight = nn.Parameter(weight, requires_grad=layer.weight.requires_grad)
    if isinstance(layer, nn.Linear):
        layer.in_features = len(keep)
    else:
        layer.in_channels = len(keep)


def _final_net(estimator):
    """The skorch net of an estimator (or pipeline), else None."""
    _, final = _split_estimator(estimator)
    return final if isinstance(final, NeuralNet) else None


def _prefix_is_columnwise(estimator, width):
    """Whether a pipeline's transformers keep one output column per input column.

    Judged by the names: a prefix whose ``get_feature_names_out`` returns the
    input names unchanged (``StandardScaler``, ``MinMaxScaler``,
    ``FunctionTransformer(feature_names_out="one-to-one")``, ...) maps column
    ``j`` to column ``j``, so the network's inputs can be sliced like ``X``.
    """
    prefix, _ = _split_estimator(estimator)
    if prefix is None:
        return True
    names = np.array([f"x{j}" for j in range(width)], dtype=object)
    try:
        out = prefix.get_feature_names_out(names)
    except (AttributeError, TypeError, ValueError):
        return False
    return len(out) == width and bool(np.all(np.asarray(out) == names))


def _net_output(net, Z):
    """The network's raw output on its input ``Z``, as float64 numpy."""
    with torch.no_grad():
        output = net.forward(Z, training=False)
    if isinstance(output, tuple):
        output = output[0]
    return output.detach().cpu().double().numpy()


def _update_net_bookkeeping(net, Z):
    """Tell a sliced net that its input now has ``Z.shape[1]`` columns.

    skchaos nets validate the input width and rebuild their module from the
    recorded data shape; plain skorch nets keep no record.
    """
    if hasattr(net, "n_features_in_"):
        net.n_features_in_ = Z.shape[1]
    vars(net).pop("feature_names_in_", None)
    data_kwargs = getattr(net, "_module_data_kwargs_", None)
    if data_kwargs is not None and hasattr(net, "_module_kwargs_from_X"):
        net._module_data_kwargs_ = {**data_kwargs, **net._module_kwargs_from_X(Z)}


def _is_sliceable(estimator, n_dims):
    """Whether :func:`_warm_start` can be tried on ``estimator``."""
    net = _final_net(estimator)
    if net is None or not getattr(net, "initialized_", False):
        return False
    if isinstance(estimator, Pipeline) and n_dims != 2:
        return False
    return True


def _warm_start(
    fitted, keep, X_train, y_train, X_check, *, epochs, seed, fit_params=None
):
    """Restrict a fitted net to the inputs ``keep`` and fine-tune it.

    Parameters
    ----------
    fitted : estimator
        The fitted skorch net, or a pipeline ending in one whose transformers
        are column-wise (see :func:`_prefix_is_columnwise`). It is not
        modified: a deep copy is sliced.
    keep : ndarray of int
        Sorted positions, along axis 1 of ``X``, of the surviving inputs.
    X_train, y_train : ndarray
        The training rows, with all current inputs (``keep`` is applied
        here).
    X_check : ndarray
        A few rows, with all current inputs, on which the sliced network must
        reproduce the original one with the eliminated inputs set to zero.
    epochs : int
        Fine-tuning epochs (the net's ``max_epochs`` during ``partial_fit``).
    seed : int or None
        Seeds torch locally during the fine-tuning.
    fit_params : dict, default=None
        Passed to ``partial_fit``.

    Returns
    -------
    estimator : estimator or None
        The fine-tuned copy, or None when the network cannot be sliced (no
        suitable input layer, or the sliced network does not reproduce the
        original one); the caller then retrains from scratch.
    """
    width = X_train.shape[1]
    tabular = X_train.ndim == 2
    if not _is_sliceable(fitted, X_train.ndim) or (
        isinstance(fitted, Pipeline) and not _prefix_is_columnwise(fitted, width)
    ):
        return None
    estimator = copy.deepcopy(fitted)
    net = _final_net(estimator)
    layer = _first_input_layer(net.module_, width, tabular=tabular)
    if layer is None:
        return None
    _slice_input_layer(layer, keep)

    X_sub = X_train[:, keep]
    rows = X_check[:_N_CHECK_ROWS]
    old_prefix, old_net = _split_estimator(fitted)
    Z_check = rows.copy() if old_prefix is None else old_prefix.transform(rows)
    if isinstance(estimator, Pipeline):
        # Column-wise transformers are refitted on the survivors: their
        # statistics for the kept columns do not change.
        prefix = clone(estimator[:-1])
        Z_train = prefix.fit_transform(X_sub, y_train)
        estimator.steps = [*prefix.steps, estimator.steps[-1]]
        Z_new = prefix.transform(rows[:, keep])
    else:
        Z_train, Z_new = X_sub, rows[:, keep]

    # The sliced network must compute what the original one computes with
    # the eliminated inputs of the network set to zero.
    Z_check[:, np.setdiff1d(np.arange(width), keep)] = 0
    try:
        expected = _net_output(old_net, Z_check)
        got = _net_output(net, Z_new)
    except (RuntimeError, ValueError, TypeError):
        return None
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    if got.shape != expected.shape or not np.allclose(
        got, expected, rtol=_CHECK_RTOL, atol=_CHECK_RTOL * scale
    ):
        return None

    _update_net_bookkeeping(net, Z_train)
    net.initialize_optimizer()
    max_epochs = net.max_epochs
    net.max_epochs = int(epochs)
    try:
        with torch_random_context(seed):
            net.partial_fit(Z_train, y_train, **(fit_params or {}))
    finally:
        net.max_epochs = max_epochs
    return estimator
