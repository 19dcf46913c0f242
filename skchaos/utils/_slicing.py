"""Restrict a torch network to some of its inputs by slicing its first layer.

Deleting the columns (channels) of the first layer's weight that belong to
eliminated inputs gives exactly the function the network computes when those
inputs are zero. The net (:class:`skchaos.neural.MLPRegressor`, ...) and the
selectors' fallback for plain skorch nets both use these helpers;
:func:`net_output` and :func:`outputs_match` also check that a net rescaled
in place still computes the same function.
"""

import numpy as np
import torch
from torch import nn

_CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)


def first_input_layer(module, width, *, tabular):
    """Return the layer that consumes the network input, or None.

    The first ``nn.Linear`` (tabular input) or ``nn.Conv1d/2d/3d`` with
    ``groups=1`` (input with channels) in the module's registration order is
    taken to be the input layer; it must take ``width`` inputs (features or
    channels). Anything else (an input ``BatchNorm``, an embedding, a lazy
    layer) gives None, or is caught by the caller's equivalence check.

    Parameters
    ----------
    module : torch.nn.Module
        The network.
    width : int
        The number of inputs (features, or channels along axis 1).
    tabular : bool
        Whether the input is 2-D (look for ``nn.Linear``) or has channels
        (look for a convolution).

    Returns
    -------
    layer : torch.nn.Module or None

    Examples
    --------
    >>> import torch
    >>> from skchaos.utils import first_input_layer
    >>> net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))
    >>> first_input_layer(net, 3, tabular=True)
    Linear(in_features=3, out_features=4, bias=True)
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


def slice_input_layer(layer, keep):
    """Keep only the input columns (or channels) ``keep`` of ``layer``, in place.

    Parameters
    ----------
    layer : nn.Linear or nn.Conv1d/2d/3d
        The input layer; its ``weight`` has the inputs along axis 1.
    keep : array-like of int
        Positions of the surviving inputs, sorted.

    Returns
    -------
    undo : callable
        Restores the layer as it was.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skchaos.utils import slice_input_layer
    >>> layer = torch.nn.Linear(3, 2)
    >>> x = torch.tensor([[1.0, 0.0, 2.0]])
    >>> before = layer(x)
    >>> undo = slice_input_layer(layer, np.array([0, 2]))
    >>> layer
    Linear(in_features=2, out_features=2, bias=True)
    >>> bool(torch.allclose(layer(x[:, [0, 2]]), before))
    True
    >>> undo(); layer
    Linear(in_features=3, out_features=2, bias=True)
    """
    old_weight = layer.weight
    attr = "in_features" if isinstance(layer, nn.Linear) else "in_channels"
    old_width = getattr(layer, attr)
    index = torch.as_tensor(keep, dtype=torch.long, device=old_weight.device)
    with torch.no_grad():
        weight = old_weight.index_select(1, index).clone()
    layer.weight = nn.Parameter(weight, requires_grad=old_weight.requires_grad)
    setattr(layer, attr, len(index))

    def undo():
        layer.weight = old_weight
        setattr(layer, attr, old_width)

    return undo


def net_output(net, Z):
    """A skorch net's raw output on its input ``Z``, as float64 numpy.

    The module's forward pass in evaluation mode, without gradients (the
    first element of a tuple output).

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted (or initialized) net.
    Z : ndarray
        Inputs of its module.

    Returns
    -------
    output : ndarray of float64
        The module's output on ``Z``.

    Examples
    --------
    >>> import numpy as np
    >>> from skorch import NeuralNetRegressor
    >>> from torch import nn
    >>> from skchaos.utils import net_output
    >>> net = NeuralNetRegressor(nn.Linear, module__in_features=3,
    ...                          module__out_features=1).initialize()
    >>> net_output(net, np.zeros((2, 3), np.float32)).shape
    (2, 1)
    """
    with torch.no_grad():
        output = net.forward(Z, training=False)
    if isinstance(output, tuple):
        output = output[0]
    return output.detach().cpu().double().numpy()


def outputs_match(got, expected, rtol=1e-4):
    """Whether two outputs of a network agree within ``rtol`` of their scale.

    The tolerance is relative to the largest absolute value of ``expected``
    (at least 1), both elementwise and absolutely: how the selectors judge
    that a changed network (sliced, or rescaled) computes the same function.

    Parameters
    ----------
    got, expected : ndarray
        The two outputs.
    rtol : float, default=1e-4
        Tolerance, relative to the outputs' scale (at least 1).

    Returns
    -------
    match : bool
        Whether the shapes are equal and every value agrees.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.utils import outputs_match
    >>> outputs_match(np.array([100.0]), np.array([100.005]))
    True
    >>> outputs_match(np.array([100.0]), np.array([100.1]))
    False
    """
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=rtol, atol=rtol * scale)
    )


def slice_if_same(net, layer, keep, X_check, *, rtol=1e-4, n_rows=64):
    """Slice ``layer`` of a skorch ``net`` to ``keep`` if the net stays the same.

    After slicing, the net must compute on ``X_check[:, keep]`` what it
    computed before on ``X_check`` with the other inputs set to zero (first
    ``n_rows`` rows, relative tolerance ``rtol``); otherwise the layer is
    restored.

    Parameters
    ----------
    net : skorch.NeuralNet
        A fitted net whose module contains ``layer``.
    layer : nn.Linear or nn.Conv1d/2d/3d
        Its input layer (see :func:`first_input_layer`).
    keep : array-like of int
        Sorted positions of the surviving inputs along axis 1.
    X_check : ndarray
        Inputs of the net, with all current columns (channels).
    rtol : float, default=1e-4
        Tolerance, relative to the outputs' scale (at least 1).
    n_rows : int, default=64
        Rows of ``X_check`` used.

    Returns
    -------
    sliced : bool
    """
    rows = np.asarray(X_check[:n_rows], dtype=np.float32)
    zeroed = rows.copy()
    zeroed[:, np.setdiff1d(np.arange(rows.shape[1]), keep)] = 0
    undo = None
    try:
        expected = net_output(net, zeroed)
        undo = slice_input_layer(layer, keep)
        same = outputs_match(net_output(net, rows[:, keep]), expected, rtol)
    except (RuntimeError, ValueError, TypeError):
        same = False
    if not same and undo is not None:
        undo()
    return same
