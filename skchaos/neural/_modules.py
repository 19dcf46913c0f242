"""PyTorch modules used by the :mod:`skchaos.neural` estimators.

The modules are written for attribution methods: every nonlinearity is its own
module instance (never reused, never in-place, never a functional call inside
``forward``), so that hook-based methods such as captum's DeepLift see each one.
"""

import copy
from numbers import Integral

import torch
from torch import nn

from skchaos.utils import check_positive_int

ACTIVATIONS = {
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "leaky_relu": nn.LeakyReLU,
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
}


def make_activation(activation):
    """Build a new activation module.

    Parameters
    ----------
    activation : str, nn.Module or callable
        A name among ``"elu"``, ``"gelu"``, ``"leaky_relu"``, ``"relu"``,
        ``"sigmoid"``, ``"silu"`` and ``"tanh"``; a module instance, which is
        deep-copied; or a callable that takes no argument and returns a new
        ``nn.Module``, such as a module class (``nn.Softplus``).

    Returns
    -------
    module : nn.Module
        A fresh module instance, never shared with another layer.

    Examples
    --------
    >>> from torch import nn
    >>> from skchaos.neural._modules import make_activation
    >>> make_activation("gelu")
    GELU(approximate='none')
    >>> make_activation(nn.LeakyReLU(0.2))
    LeakyReLU(negative_slope=0.2)
    """
    expected = (
        f"expected one of {sorted(ACTIVATIONS)}, a torch.nn.Module, or a "
        "callable returning a new torch.nn.Module (e.g. a module class)"
    )
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation={activation!r} is not supported; {expected}.")
        return ACTIVATIONS[activation]()
    if isinstance(activation, nn.Module):
        # Copied: a shared instance would be hooked once for several layers.
        return copy.deepcopy(activation)
    if not callable(activation):
        raise TypeError(f"activation={activation!r} is not supported; {expected}.")
    module = activation()
    if not isinstance(module, nn.Module):
        raise TypeError(
            f"activation={activation!r} returned {type(module).__name__}, not a "
            f"torch.nn.Module; {expected}."
        )
    return module


def check_hidden_layer_sizes(hidden_layer_sizes):
    """Turn ``hidden_layer_sizes`` into a tuple of positive ints.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int
        The width of each hidden layer; an int means one hidden layer.

    Returns
    -------
    sizes : tuple of int
        The validated widths (possibly empty: no hidden layer).

    Examples
    --------
    >>> from skchaos.neural._modules import check_hidden_layer_sizes
    >>> check_hidden_layer_sizes([100, 100])
    (100, 100)
    """
    sizes = (
        (hidden_layer_sizes,)
        if isinstance(hidden_layer_sizes, Integral)
        else hidden_layer_sizes
    )
    try:
        sizes = tuple(sizes)
    except TypeError:
        sizes = None
    if sizes is None or not all(
        isinstance(size, Integral) and not isinstance(size, bool) and size > 0
        for size in sizes
    ):
        raise ValueError(
            f"hidden_layer_sizes={hidden_layer_sizes!r} is not valid; expected a "
            "positive int or a sequence of positive ints."
        )
    return tuple(int(size) for size in sizes)


class FastDropout(nn.Dropout):
    """``nn.Dropout`` whose mask comes from ``torch.rand`` on the CPU.

    The same masks in distribution (each element kept with probability
    ``1 - p``, the kept ones scaled by ``1 / (1 - p)``), drawn about three
    times faster than torch's CPU ``bernoulli_``, which dominated the
    training steps of small networks with input dropout. Other devices use
    torch's own dropout kernel.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural._modules import FastDropout
    >>> drop = FastDropout(0.5)
    >>> out = drop(torch.ones(1000))
    >>> sorted(set(out.tolist()))
    [0.0, 2.0]
    >>> drop.eval()(torch.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """

    def forward(self, X):
        """Drop elements of ``X`` while training; the identity otherwise."""
        if not self.training or self.p in (0, 1) or X.device.type != "cpu":
            return super().forward(X)
        keep = torch.rand_like(X).ge_(self.p)
        return X * keep.mul_(1.0 / (1.0 - self.p))


class MLP(nn.Module):
    """Fully connected network: ``(Linear, activation[, Dropout]) * k, Linear``.

    The default is the ChaosMining model: three hidden layers of 100 units with
    GELU activations.

    Parameters
    ----------
    n_features : int
        Width of the input.
    n_outputs : int, default=1
        Width of the output: the number of targets, or the number of classes
        (the output is then raw logits).
    hidden_layer_sizes : int or sequence of int, default=(100, 100, 100)
        The width of each hidden layer; ``()`` gives a linear model.
    activation : str, nn.Module or callable, default="gelu"
        The nonlinearity after each hidden layer: a name among ``"elu"``,
        ``"gelu"``, ``"leaky_relu"``, ``"relu"``, ``"sigmoid"``, ``"silu"`` and
        ``"tanh"``, a module (deep-copied for each layer, e.g.
        ``nn.LeakyReLU(0.2)``), or a callable returning a new module (e.g. a
        module class). Each layer gets its own new instance.
    dropout : float, default=0.0
        Dropout probability after each activation; no ``Dropout`` module is
        added when it is 0.
    input_dropout : float, default=0.0
        Dropout probability of the inputs (each feature of each sample is
        zeroed at random while training, the rest scaled by ``1 / (1 - p)``),
        which makes the network spread its weight over correlated features
        instead of relying on one of them; no module is added when it is 0.

    Attributes
    ----------
    layers : nn.Sequential
        All layers in order.
    input_layer : nn.Linear
        The first layer, ``layers[0]``. Its ``weight`` has one column per input
        feature; slice the columns to restrict the network to a feature subset.
    drop_inputs : nn.Dropout
        The dropout of the inputs, only when ``input_dropout > 0`` (an
        ``nn.Dropout`` whose CPU masks are drawn faster, ``FastDropout``).

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import MLP
    >>> module = MLP(n_features=4, n_outputs=2, hidden_layer_sizes=(8,))
    >>> module
    MLP(
      (layers): Sequential(
        (0): Linear(in_features=4, out_features=8, bias=True)
        (1): GELU(approximate='none')
        (2): Linear(in_features=8, out_features=2, bias=True)
      )
    )
    >>> module(torch.zeros(3, 4)).shape
    torch.Size([3, 2])
    """

    def __init__(
        self,
        n_features,
        n_outputs=1,
        hidden_layer_sizes=(100, 100, 100),
        activation="gelu",
        dropout=0.0,
        input_dropout=0.0,
    ):
        super().__init__()
        check_positive_int(n_features, "n_features")
        check_positive_int(n_outputs, "n_outputs")
        for name, value in (("dropout", dropout), ("input_dropout", input_dropout)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name}={value!r} is not valid; expected 0 <= p < 1.")
        if input_dropout > 0:
            self.drop_inputs = FastDropout(input_dropout)
        layers = []
        width = int(n_features)
        for size in check_hidden_layer_sizes(hidden_layer_sizes):
            layers.append(nn.Linear(width, size))
            layers.append(make_activation(activation))
            if dropout > 0:
                layers.append(FastDropout(dropout))
            width = size
        layers.append(nn.Linear(width, int(n_outputs)))
        self.layers = nn.Sequential(*layers)

    @property
    def input_layer(self):
        """nn.Linear: the first layer (``layers[0]``)."""
        return self.layers[0]

    def forward(self, X):
        """Map a batch of samples to the outputs.

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, n_features)
            The inputs.

        Returns
        -------
        output : torch.Tensor of shape (n_samples, n_outputs)
            The outputs of the last linear layer.
        """
        if hasattr(self, "drop_inputs"):
            X = self.drop_inputs(X)
        return self.layers(X)
