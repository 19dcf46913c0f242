"""Layers and estimator pieces shared by the image and audio networks.

The norms, the 1-D convolutional stem (:class:`ConvStem1d`), the pooled
linear head, the module-argument checks (their ints through
:func:`~skchaos.utils.check_positive_int`), the channels-first input
handling of the estimators (:class:`ChannelsFirstMixin`) and their
parameter constraints; :mod:`._vision` and :mod:`._audio` build on them.
"""

import math
from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from skchaos.neural._modules import ACTIVATIONS, make_activation
from skchaos.utils import check_positive_int

NORMS = ("batch", "group")


# ----------------------------------------------------------------- checks
def check_widths(widths, name):
    """Turn ``widths`` into a non-empty tuple of positive ints.

    Parameters
    ----------
    widths : int or sequence of int
        Channel counts; an int means one layer (or stage).
    name : str
        The parameter's name, for the error message.

    Returns
    -------
    widths : tuple of int
        The validated widths.

    Examples
    --------
    >>> from skchaos.neural._layers import check_widths
    >>> check_widths([16, 32], "channels")
    (16, 32)
    """
    values = (widths,) if isinstance(widths, Integral) else widths
    try:
        values = tuple(values)
    except TypeError:
        values = ()
    if not values or not all(
        isinstance(v, Integral) and not isinstance(v, bool) and v > 0 for v in values
    ):
        raise ValueError(
            f"{name}={widths!r} is not valid; expected a positive int or a "
            "non-empty sequence of positive ints."
        )
    return tuple(int(v) for v in values)


def check_module_args(n_channels, n_outputs, norm, dropout):
    """Validate the arguments every skchaos convolutional module takes."""
    check_positive_int(n_channels, "n_channels")
    check_positive_int(n_outputs, "n_outputs")
    if norm is not None and norm not in NORMS:
        raise ValueError(
            f"norm={norm!r} is not supported; expected 'batch', 'group' or None."
        )
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout={dropout!r} is not valid; expected 0 <= p < 1.")


# ----------------------------------------------------------------- layers
def make_norm(norm, n_channels, dim):
    """Build a normalization layer for ``dim``-D feature maps.

    Parameters
    ----------
    norm : {"batch", "group"} or None
        ``"batch"``: ``BatchNorm1d``/``BatchNorm2d``, an affine map in eval
        mode (exact for DeepLift); ``"group"``: ``GroupNorm`` with
        ``gcd(n_channels, 8)`` groups, independent of the batch; None: the
        identity.
    n_channels : int
        The number of feature maps.
    dim : {1, 2}
        1 for sequences ``(N, C, T)``, 2 for images ``(N, C, H, W)``.

    Returns
    -------
    module : nn.Module
        A new layer.

    Examples
    --------
    >>> from skchaos.neural._layers import make_norm
    >>> norm = make_norm("group", 12, 2)
    >>> type(norm).__name__, norm.num_groups
    ('GroupNorm', 4)
    """
    if norm is None:
        return nn.Identity()
    if norm == "group":
        return nn.GroupNorm(math.gcd(n_channels, 8), n_channels)
    return (nn.BatchNorm1d if dim == 1 else nn.BatchNorm2d)(n_channels)


def linear_head(width, n_outputs, dropout, *layers):
    """``layers``, dropout (when ``dropout > 0``) and a linear layer, in sequence."""
    layers = list(layers)
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(width, n_outputs))
    return nn.Sequential(*layers)


def pooled_head(width, n_outputs, dropout, dim):
    """Global average pooling, flattening, dropout and a linear layer."""
    pool = nn.AdaptiveAvgPool1d(1) if dim == 1 else nn.AdaptiveAvgPool2d(1)
    return linear_head(width, n_outputs, dropout, pool, nn.Flatten())


class ConvStem1d(nn.Sequential):
    """Convolutions and pooling that shorten a multi-channel signal.

    Modelled on the M5 network of Dai et al. [1]_: a wide first convolution
    (``kernel_size`` steps, stride ``stride``, over all input channels: a
    bank of learned band-pass filters), then one 3-wide convolution per
    further width of ``channels``; every convolution is followed by a norm,
    its own activation instance and an average pooling of ``pool`` steps
    (M5 max-pools). A signal of ``T`` steps comes out about ``T / (stride *
    pool ** len(channels))`` long; any ``T >= 1`` works (the pooling keeps
    partial windows).

    Parameters
    ----------
    n_channels : int
        The number of input channels.
    channels : int or sequence of int, default=(32, 64)
        The width of each convolution.
    kernel_size : int, default=80
        Width of the first convolution, in time steps (10 ms at 8 kHz).
    stride : int, default=4
        Stride of the first convolution; the others have stride 1.
    pool : int, default=4
        Width and stride of the average pooling after each convolution.
    norm : {"batch", "group"} or None, default="batch"
        The normalization after each convolution.
    activation : str, nn.Module or callable, default="relu"
        The nonlinearity; each use gets its own instance.

    Notes
    -----
    A larger ``stride`` is cheaper but aliases: the rectified output of a
    filter tuned to a tone whose period divides the stride is sampled at one
    fixed phase, so its level depends on that phase. On the ChaosMining
    audio data, stride 4 was clearly more accurate than stride 8, and
    average pooling than max pooling (the measurements are in
    ``benchmarks/README.md``). Average pooling is also linear, which keeps
    DeepLift exact (captum's max-pooling rule is not complete for stacked
    poolings).

    References
    ----------
    .. [1] Dai, Dai, Qu, Li and Das, "Very Deep Convolutional Neural Networks
       for Raw Waveforms", ICASSP 2017.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import ConvStem1d
    >>> stem = ConvStem1d(4, channels=(8, 16))
    >>> stem(torch.zeros(2, 4, 4000)).shape
    torch.Size([2, 16, 63])
    """

    def __init__(
        self,
        n_channels,
        channels=(32, 64),
        kernel_size=80,
        stride=4,
        pool=4,
        *,
        norm="batch",
        activation="relu",
    ):
        widths = check_widths(channels, "channels")
        kernel_size = check_positive_int(kernel_size, "kernel_size")
        stride = check_positive_int(stride, "stride")
        pool = check_positive_int(pool, "pool")
        layers, width = [], check_positive_int(n_channels, "n_channels")
        for index, out_width in enumerate(widths):
            kernel, step = (kernel_size, stride) if index == 0 else (3, 1)
            # Padding kernel // 2 and ceil_mode keep any length >= 1 valid.
            layers += [
                nn.Conv1d(
                    width, out_width, kernel, step, kernel // 2, bias=norm is None
                ),
                make_norm(norm, out_width, 1),
                make_activation(activation),
            ]
            if pool > 1:
                layers.append(nn.AvgPool1d(pool, ceil_mode=True))
            width = out_width
        super().__init__(*layers)
        self.out_channels = width


# --------------------------------------------------------- estimator mixin
class ChannelsFirstMixin:
    """Input handling of estimators on ``(n, C, *spatial)`` arrays.

    ``X`` with fewer dimensions gets singleton axes after the sample axis:
    for images (``_n_spatial_dims = 2``) ``(n, F)`` becomes ``(n, 1, 1, F)``
    and ``(n, H, W)`` becomes ``(n, 1, H, W)``; for audio
    (``_n_spatial_dims = 1``) ``(n, T)`` becomes ``(n, 1, T)``. Prediction
    needs ``X`` of the rank seen in fit. A training pass drops a last
    mini-batch of a single sample. Put it before the neural mixin.
    """

    _allow_nd = True
    # Batch norm cannot train on one sample of a 1x1 feature map (see
    # ``TrainingMixin.get_iterator``).
    _drop_single_sample_batch = True
    _n_spatial_dims = 2
    _layout = "(n_samples, n_channels, height, width)"

    def _validate_data(self, X, y="no_validation", *, reset, **kwargs):
        no_y = isinstance(y, str) and y == "no_validation"
        out = super()._validate_data(X, y, reset=reset, **kwargs)
        X, y = (out, y) if no_y else out
        ndim = 2 + self._n_spatial_dims
        name = type(self).__name__
        if X.ndim > ndim:
            raise ValueError(
                f"{name} expects X of shape {self._layout} (fewer dimensions get "
                f"singleton axes); got X of shape {X.shape}."
            )
        if reset:
            self._fit_ndim_ = X.ndim
        elif X.ndim != self._fit_ndim_:
            raise ValueError(
                f"X has {X.ndim} dimensions, but {name} was fitted on "
                f"{self._fit_ndim_}-dimensional X; pass X of the same shape."
            )
        X = X.reshape(X.shape[:1] + (1,) * (ndim - X.ndim) + X.shape[1:])
        if reset:
            self.input_shape_ = tuple(X.shape[1:])
        return X if no_y else (X, y)

    def _module_kwargs_from_X(self, X):
        return {"n_channels": X.shape[1]}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


#: Constraints of the network parameters shared by the convolutional estimators.
CONV_CONSTRAINTS = {
    "norm": [StrOptions(set(NORMS)), None],
    "activation": [StrOptions(set(ACTIVATIONS)), callable],
    "dropout": [Interval(Real, 0, 1, closed="left")],
}
