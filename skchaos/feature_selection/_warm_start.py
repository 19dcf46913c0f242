"""Warm starts for recursive elimination: restrict a fitted net to fewer inputs.

After a round of elimination the network trained on ``n`` inputs is reused for
the ``m < n`` survivors: the columns of its first layer's weight that belong to
the eliminated inputs are deleted, which gives exactly the function the old
network computes when the eliminated inputs are zero, and training continues
from there. The helpers find that first layer, slice it, check the result, and
fine-tune; anything they cannot handle is reported as "not sliceable" so that
the caller retrains from scratch instead.

A network whose parameters do not depend on the number of input channels
(one encoder shared by the channels and pooled over them, as in
:class:`~skchaos.neural.AudioCNN`) has no such layer: it is rebuilt for the
surviving channels, takes over every weight unchanged, and is fine-tuned.
"""

from copy import deepcopy

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
# Steps of the cosine learning-rate decay of a fine-tuning.
_N_LR_STEPS = 5


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
    if hasattr(net, "input_shape_") and Z.ndim >= 3:
        net.input_shape_ = tuple(Z.shape[1:])
    vars(net).pop("feature_names_in_", None)
    data_kwargs = getattr(net, "_module_data_kwargs_", None)
    if data_kwargs is not None and hasattr(net, "_module_kwargs_from_X"):
        net._module_data_kwargs_ = {**data_kwargs, **net._module_kwargs_from_X(Z)}


def _is_sliceable(estimator, n_dims):
    """Whether :func:`_warm_start` can be tried on ``estimator``."""
    net = _final_net(estimator)
    if net is None or not getattr(net, "initialized_", False):
        return False
    # Pipelines are sliced along the columns of 2-D inputs only.
    return n_dims == 2 or not isinstance(estimator, Pipeline)


def _warm_start(
    fitted,
    keep,
    X_train,
    y_train,
    X_check,
    *,
    epochs,
    seed,
    schedule="cosine",
    copy=False,
):
    """Restrict a fitted net to the inputs ``keep`` and fine-tune it.

    Parameters
    ----------
    fitted : estimator
        The fitted skorch net, or a pipeline ending in one whose transformers
        are column-wise (see :func:`_prefix_is_columnwise`).
    keep : ndarray of int
        Sorted positions, along axis 1 of ``X``, of the surviving inputs.
    X_train, y_train : ndarray
        The training rows, with all current inputs (``keep`` is applied
        here).
    X_check : ndarray
        A few rows, with all current inputs, on which the sliced network must
        reproduce the original one with the eliminated inputs set to zero.
    epochs : int
        Fine-tuning epochs (run by ``partial_fit``).
    seed : int or None
        Seeds torch locally during the fine-tuning of nets that have no
        ``random_state`` of their own.
    schedule : {"cosine", "constant"}, default="cosine"
        Learning-rate schedule of the fine-tuning (see :func:`_lr_factors`).
    copy : bool, default=False
        Whether to slice a deep copy; otherwise ``fitted`` itself is changed
        (it is left untouched when None is returned).

    Returns
    -------
    estimator : estimator or None
        The fine-tuned estimator, or None when the network can be neither
        sliced (no suitable input layer, or the sliced network does not
        reproduce the original one) nor rebuilt with all its weights (see
        :func:`_rebuilt_module`); the caller then retrains from scratch.
    """
    width = X_train.shape[1]
    if not _is_sliceable(fitted, X_train.ndim) or (
        isinstance(fitted, Pipeline) and not _prefix_is_columnwise(fitted, width)
    ):
        return None
    if copy:
        fitted = deepcopy(fitted)
    prefix, net = _split_estimator(fitted)
    X_sub = X_train[:, keep]
    layer = _first_input_layer(net.module_, width, tabular=X_train.ndim == 2)
    if layer is not None:
        Z_train = _slice_checked(fitted, layer, keep, X_sub, y_train, X_check)
    elif prefix is None and (module := _rebuilt_module(net, X_sub)) is not None:
        net.module_, Z_train = module, X_sub
    else:
        Z_train = None
    if Z_train is None:
        return None
    _update_net_bookkeeping(net, Z_train)
    net.initialize_optimizer()
    _fine_tune(net, Z_train, y_train, epochs, schedule, seed)
    return fitted


def _slice_checked(fitted, layer, keep, X_sub, y_train, X_check):
    """Slice ``layer`` to the inputs ``keep`` if the network stays the same.

    The sliced network must compute what the original one computes with the
    eliminated inputs of the network set to zero, on the first rows of
    ``X_check``. A pipeline's column-wise transformers are refitted on the
    survivors (their statistics for the kept columns do not change).

    Returns
    -------
    Z_train : ndarray or None
        The network's training inputs after slicing (``X_sub`` through the
        refitted transformers), or None when the check fails; ``layer`` is
        then left unchanged.
    """
    prefix, net = _split_estimator(fitted)
    width = X_check.shape[1]
    rows = X_check[:_N_CHECK_ROWS]
    if prefix is None:
        Z_check, Z_new, Z_train, new_prefix = rows.copy(), rows[:, keep], X_sub, None
    else:
        Z_check = prefix.transform(rows)
        new_prefix = clone(prefix)
        Z_train = new_prefix.fit_transform(X_sub, y_train)
        Z_new = new_prefix.transform(rows[:, keep])
    Z_check[:, np.setdiff1d(np.arange(width), keep)] = 0

    state = (
        layer.weight,
        getattr(layer, "in_features", None),
        layer.in_channels if hasattr(layer, "in_channels") else None,
    )
    try:
        expected = _net_output(net, Z_check)
        _slice_input_layer(layer, keep)
        got = _net_output(net, Z_new)
        scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
        same = got.shape == expected.shape and np.allclose(
            got, expected, rtol=_CHECK_RTOL, atol=_CHECK_RTOL * scale
        )
    except (RuntimeError, ValueError, TypeError):
        same = False
    if not same:
        _restore_input_layer(layer, *state)
        return None
    if new_prefix is not None:
        fitted.steps = [*new_prefix.steps, fitted.steps[-1]]
    return Z_train


def _rebuilt_module(net, X):
    """The net's module rebuilt for inputs ``X``, with the fitted weights.

    Only skchaos nets, which build their module from the data shape, are
    rebuilt, and only inputs with channels (``X.ndim >= 3``). The rebuilt
    module must have exactly the parameter and buffer names and shapes of
    the fitted one, i.e. no weight may depend on the channel count: then
    every weight is carried over unchanged (e.g. a shared per-channel encoder
    now pooled over fewer channels). Returns None otherwise.
    """
    if X.ndim < 3 or not (
        hasattr(net, "_module_kwargs_from_X") and hasattr(net, "_module_data_kwargs_")
    ):
        return None
    old_module, old_kwargs = net.module_, net._module_data_kwargs_
    try:
        # The throwaway initialization must not draw from torch's global RNG.
        with torch_random_context(0):
            net._module_data_kwargs_ = {**old_kwargs, **net._module_kwargs_from_X(X)}
            module = net.initialize_module().module_
        old_state, new_state = old_module.state_dict(), module.state_dict()
        same = list(old_state) == list(new_state) and all(
            old_state[key].shape == new_state[key].shape for key in old_state
        )
        if not same:
            return None
        module.load_state_dict(old_state)
    except (RuntimeError, ValueError, TypeError):
        return None
    finally:
        net.module_, net._module_data_kwargs_ = old_module, old_kwargs
    device = next(old_module.parameters(), torch.empty(0)).device
    return module.to(device).train(old_module.training)


def _restore_input_layer(layer, weight, in_features, in_channels):
    """Undo :func:`_slice_input_layer`."""
    layer.weight = weight
    if in_features is not None:
        layer.in_features = in_features
    if in_channels is not None:
        layer.in_channels = in_channels


def _lr_factors(epochs, schedule):
    """Epoch chunks and their learning-rate factors for the fine-tuning.

    ``"cosine"`` decays the rate in (up to) 5 steps along a half cosine, from
    about 1 to about 0.02 times the net's ``lr``, so that every round ends
    near a minimum and the validation scores of successive sizes are
    comparable; ``"constant"`` keeps the net's ``lr``.
    """
    if schedule == "constant":
        return [(epochs, 1.0)]
    n_chunks = min(epochs, _N_LR_STEPS)
    sizes = np.diff(np.linspace(0, epochs, n_chunks + 1).round().astype(int))
    phases = (np.arange(n_chunks) + 0.5) / n_chunks
    factors = 0.5 * (1 + np.cos(np.pi * phases))
    return list(zip(sizes.tolist(), factors.tolist()))


def _fine_tune(net, Z, y, epochs, schedule, seed):
    """Train ``net`` for ``epochs`` more epochs with ``partial_fit``."""
    max_epochs = net.max_epochs
    base_lrs = [group["lr"] for group in net.optimizer_.param_groups]
    # Nets with a random_state seed themselves.
    seed = None if "random_state" in net.get_params(deep=False) else seed
    try:
        with torch_random_context(seed):
            for n_epochs, factor in _lr_factors(int(epochs), schedule):
                for group, lr in zip(net.optimizer_.param_groups, base_lrs):
                    group["lr"] = lr * factor
                net.max_epochs = n_epochs
                net.partial_fit(Z, y)
    finally:
        net.max_epochs = max_epochs
        for group, lr in zip(net.optimizer_.param_groups, base_lrs):
            group["lr"] = lr
