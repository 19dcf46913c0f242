"""A compact residual CNN image classifier, trained with skorch.

:class:`ResidualCNN` is a small ResNet for images of any size and channel
count; :class:`CNNClassifier` is the scikit-learn estimator around it. The
shared pieces of the convolutional estimators (the channels-first input
handling, the norm layers, the residual block and the parameter docs) live
here too and are reused by :mod:`skchaos.neural._audio`.
"""

import math
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from skorch import NeuralNetClassifier
from torch import nn

from skchaos.neural._base import NeuralClassifierMixin
from skchaos.neural._iterators import TensorBatchIterator
from skchaos.neural._modules import ACTIVATIONS, make_activation

NORMS = ("batch", "group")


# ----------------------------------------------------------------- helpers
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
    >>> from skchaos.neural._vision import check_widths
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


def _check_positive_int(value, name):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name}={value!r} is not valid; expected an int >= 1.")
    return int(value)


def _check_module_args(n_channels, n_outputs, norm, dropout):
    """Validate the arguments every skchaos convolutional module takes."""
    _check_positive_int(n_channels, "n_channels")
    _check_positive_int(n_outputs, "n_outputs")
    if norm is not None and norm not in NORMS:
        raise ValueError(
            f"norm={norm!r} is not supported; expected 'batch', 'group' or None."
        )
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout={dropout!r} is not valid; expected 0 <= p < 1.")


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
    >>> from skchaos.neural._vision import make_norm
    >>> norm = make_norm("group", 12, 2)
    >>> type(norm).__name__, norm.num_groups
    ('GroupNorm', 4)
    """
    if norm is None:
        return nn.Identity()
    if norm == "group":
        return nn.GroupNorm(math.gcd(n_channels, 8), n_channels)
    return (nn.BatchNorm1d if dim == 1 else nn.BatchNorm2d)(n_channels)


def _conv(dim):
    return nn.Conv1d if dim == 1 else nn.Conv2d


class ResidualBlock(nn.Module):
    """Basic residual block: two 3-wide convolutions and a shortcut.

    ``act(norm(conv(act(norm(conv(x))))) + shortcut(x))``, where the shortcut
    is the identity, or a strided 1-wide convolution and a norm when the
    stride or the width changes (ResNet's "option B").

    Parameters
    ----------
    in_channels, out_channels : int
        Input and output widths.
    stride : int, default=1
        Stride of the first convolution (and of the shortcut).
    dim : {1, 2}, default=2
        1 for sequences, 2 for images.
    norm : {"batch", "group"} or None, default="batch"
        The normalization after each convolution (see :func:`make_norm`).
    activation : str, nn.Module or callable, default="relu"
        The nonlinearity; each use gets its own instance.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural._vision import ResidualBlock
    >>> block = ResidualBlock(4, 8, stride=2)
    >>> block(torch.zeros(2, 4, 9, 9)).shape
    torch.Size([2, 8, 5, 5])
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        stride=1,
        *,
        dim=2,
        norm="batch",
        activation="relu",
    ):
        super().__init__()
        conv, bias = _conv(dim), norm is None
        self.conv1 = conv(in_channels, out_channels, 3, stride, 1, bias=bias)
        self.norm1 = make_norm(norm, out_channels, dim)
        self.act1 = make_activation(activation)
        self.conv2 = conv(out_channels, out_channels, 3, 1, 1, bias=bias)
        self.norm2 = make_norm(norm, out_channels, dim)
        if stride == 1 and in_channels == out_channels:
            self.shortcut = nn.Identity()
        else:
            self.shortcut = nn.Sequential(
                conv(in_channels, out_channels, 1, stride, bias=bias),
                make_norm(norm, out_channels, dim),
            )
        self.act2 = make_activation(activation)

    def forward(self, x):
        """Map ``(N, in_channels, *size)`` to ``(N, out_channels, *size / stride)``."""
        out = self.norm2(self.conv2(self.act1(self.norm1(self.conv1(x)))))
        return self.act2(out + self.shortcut(x))


# ------------------------------------------------------------------ module
class ResidualCNN(nn.Module):
    """Compact ResNet for images of any size: stem, residual stages, pooled head.

    The stem is a 3x3 convolution (stride ``stem_stride``), a norm and an
    activation; each width of ``channels`` is a stage of
    ``blocks_per_stage`` :class:`ResidualBlock`\\ s, every stage after the
    first halving the resolution; adaptive average pooling then makes the
    head (dropout and a linear layer) independent of the image size. Every
    activation is its own module instance and nothing is in place, so hook
    based attributions (DeepLift) see each nonlinearity.

    Parameters
    ----------
    n_channels : int
        The number of input channels.
    n_outputs : int, default=2
        The number of outputs (one logit per class).
    channels : int or sequence of int, default=(16, 32, 64)
        The width of each stage.
    blocks_per_stage : int, default=1
        Residual blocks per stage.
    stem_stride : int, default=2
        Stride of the stem convolution: 2 halves the resolution at once
        (cheap for 64 px and larger images), 1 keeps small images (8 px
        digits) at full resolution.
    norm : {"batch", "group"} or None, default="batch"
        The normalization after each convolution (see :func:`make_norm`).
    activation : str, nn.Module or callable, default="relu"
        The nonlinearity, as in :class:`MLP`; each use gets a new instance.
    dropout : float, default=0.0
        Dropout probability before the linear head.

    Attributes
    ----------
    stem : nn.Sequential
        The stem (convolution, norm, activation).
    stages : nn.Sequential
        The residual blocks.
    head : nn.Sequential
        Pooling, flattening, dropout and the linear layer.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import ResidualCNN
    >>> module = ResidualCNN(n_channels=3, n_outputs=10, channels=(8, 16))
    >>> module(torch.zeros(2, 3, 64, 64)).shape
    torch.Size([2, 10])
    >>> module(torch.zeros(2, 3, 8, 8)).shape  # any size
    torch.Size([2, 10])
    """

    def __init__(
        self,
        n_channels,
        n_outputs=2,
        channels=(16, 32, 64),
        *,
        blocks_per_stage=1,
        stem_stride=2,
        norm="batch",
        activation="relu",
        dropout=0.0,
    ):
        super().__init__()
        _check_module_args(n_channels, n_outputs, norm, dropout)
        widths = check_widths(channels, "channels")
        blocks_per_stage = _check_positive_int(blocks_per_stage, "blocks_per_stage")
        stem_stride = _check_positive_int(stem_stride, "stem_stride")
        self.stem = nn.Sequential(
            nn.Conv2d(n_channels, widths[0], 3, stem_stride, 1, bias=norm is None),
            make_norm(norm, widths[0], 2),
            make_activation(activation),
        )
        blocks, width = [], widths[0]
        for stage, out_width in enumerate(widths):
            for index in range(blocks_per_stage):
                stride = 2 if stage > 0 and index == 0 else 1
                blocks.append(
                    ResidualBlock(
                        width, out_width, stride, norm=norm, activation=activation
                    )
                )
                width = out_width
        self.stages = nn.Sequential(*blocks)
        self.head = _pooled_head(width, n_outputs, dropout, dim=2)

    def forward(self, X):
        """Map a batch of shape ``(N, n_channels, H, W)`` to ``(N, n_outputs)``."""
        return self.head(self.stages(self.stem(X)))


def _pooled_head(width, n_outputs, dropout, dim):
    """Global average pooling, flattening, dropout and a linear layer."""
    pool = nn.AdaptiveAvgPool1d(1) if dim == 1 else nn.AdaptiveAvgPool2d(1)
    layers = [pool, nn.Flatten()]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(width, n_outputs))
    return nn.Sequential(*layers)


# --------------------------------------------------------- estimator mixin
class ChannelsFirstMixin:
    """Input handling of estimators on ``(n, C, *spatial)`` arrays.

    ``X`` with fewer dimensions gets singleton axes after the sample axis:
    for images (``_n_spatial_dims = 2``) ``(n, F)`` becomes ``(n, 1, 1, F)``
    and ``(n, H, W)`` becomes ``(n, 1, H, W)``; for audio
    (``_n_spatial_dims = 1``) ``(n, T)`` becomes ``(n, 1, T)``. Prediction
    needs ``X`` of the rank seen in fit. Put it before the neural mixin.
    """

    _allow_nd = True
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

    def _validate_params(self):
        # skorch adds "module", "criterion" and "optimizer" to ``prefixes_``
        # only when it initializes them, so before the first fit it would
        # reject ``optimizer__weight_decay`` and the like; accept them here.
        if getattr(self, "initialized_", False):
            return super()._validate_params()
        state = vars(self)
        had_prefixes = "prefixes_" in state
        previous = state.get("prefixes_")
        state["prefixes_"] = [*self.prefixes_, "module", "criterion", "optimizer"]
        try:
            return super()._validate_params()
        finally:
            if had_prefixes:
                state["prefixes_"] = previous
            else:
                del state["prefixes_"]

    def get_iterator(self, dataset, training=False):
        """Return the batch iterator over ``dataset``.

        As :meth:`NeuralEstimatorMixin.get_iterator`, except that a training
        pass whose last mini-batch would hold a single sample drops it (a
        different one at each shuffled pass): batch norm cannot train on one
        sample of a 1x1 feature map.

        Parameters
        ----------
        dataset : torch Dataset
            The data.
        training : bool, default=False
            Whether to use ``iterator_train`` (else ``iterator_valid``).

        Returns
        -------
        iterator : iterable of (X, y) batches
            The iterator.
        """
        iterator = super().get_iterator(dataset, training=training)
        if training and isinstance(iterator, TensorBatchIterator):
            n_samples, batch_size = len(iterator.X), iterator._batch_size
            if n_samples > batch_size and n_samples % batch_size == 1:
                iterator.drop_last = True
        return iterator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


TRAINING_PARAMETERS = """
    lr : float, default=%(lr)s
        Learning rate of ``optimizer``.

    max_epochs : int, default=%(max_epochs)s
        Number of passes over the training data, fewer when early stopping
        triggers. ``partial_fit`` runs this many more.

    batch_size : int or None, default=64
        Samples per optimizer step (the shuffled mini-batches are gathered
        from the device-resident data with an index tensor) and per
        prediction pass. ``None`` (or -1) uses one full batch.

    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        The optimizer; its other arguments go in ``optimizer__name`` (e.g.
        ``optimizer__weight_decay``).

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training samples
        (stratified by class) and stop when their loss has not improved for
        ``n_iter_no_change`` epochs, restoring the weights of the best epoch.

    validation_fraction : float, default=0.1
        Share of the training samples held out when ``early_stopping=True``.

    n_iter_no_change : int, default=5
        Patience of the early stopping, in epochs.

    device : str or torch.device, default="auto"
        Where to train: ``"auto"`` picks ``"cuda"`` when available, else
        ``"cpu"``. The parameter keeps its value; see ``device_``.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, dropout, shuffling and validation
        split, locally (the global torch seed is never touched): equal values
        give equal predictions on CPU. ``None`` leaves torch unseeded.

    verbose : int, default=0
        0 prints nothing, 1 a table with one line per epoch.

    warm_start : bool, default=False
        Whether ``fit`` continues from the current weights instead of
        re-initializing the module (the channel count must then be unchanged).

    **kwargs : dict
        Other skorch arguments, e.g. ``module`` (default :class:`%(module)s`),
        ``criterion`` (default ``torch.nn.CrossEntropyLoss``), ``callbacks``,
        ``train_split``, ``classes``, and prefixed ones such as
        ``module__name`` or ``optimizer__weight_decay``. A custom ``module``
        is called with ``n_channels`` (from ``X``), ``n_outputs`` (the number
        of classes), the network parameters above (those before ``lr``) and
        its ``module__`` arguments.
"""

FITTED_ATTRIBUTES = """
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.

    module_ : torch.nn.Module
        The trained network (a :class:`%(module)s` by default); it outputs
        one logit per class, which is what attributions explain.

    criterion_ : torch.nn.Module
        The loss.

    optimizer_ : torch.optim.Optimizer
        The optimizer, with its state.

    history_ : skorch.History
        Per-epoch records (``train_loss``, ``valid_loss``, ``dur``, ...).

    n_iter_ : int
        Number of epochs run since the module was initialized.

    device_ : str
        The device the module lives on, e.g. ``"cpu"`` or ``"cuda"``.

    input_shape_ : tuple of int
        The shape of one sample as the network sees it, after singleton axes
        were added to lower-dimensional ``X``:
        %(input_shape)s.

    n_features_in_ : int
        The size of axis 1 of the ``X`` seen in fit: the number of channels
        (for lower-dimensional ``X``, its axis 1 as given).
"""

# Constraints of the shared training parameters that differ from the MLP's.
_CONV_CONSTRAINTS = {
    "norm": [StrOptions(set(NORMS)), None],
    "activation": [StrOptions(set(ACTIVATIONS)), callable],
    "dropout": [Interval(Real, 0, 1, closed="left")],
}


class CNNClassifier(ChannelsFirstMixin, NeuralClassifierMixin, NeuralNetClassifier):
    __doc__ = (
        """Residual convolutional image classifier, trained with skorch.

    A compact ResNet (:class:`ResidualCNN`: a stem convolution, residual
    stages with batch norm, global average pooling and a linear head) that
    takes images of any size, channels first, ``(n_samples, n_channels,
    height, width)``; the channel count is read from ``X`` at fit. It outputs
    one logit per class, trained with ``CrossEntropyLoss``; ``predict_proba``
    is their softmax and :func:`skchaos.attribution.attribute` explains the
    logits. The data are moved to the device once per fit and mini-batches
    are gathered there.

    Parameters
    ----------
    channels : int or sequence of int, default=(16, 32, 64)
        The width of each residual stage; each stage after the first halves
        the resolution.

    blocks_per_stage : int, default=1
        Residual blocks per stage.

    stem_stride : int, default=2
        Stride of the stem convolution. 2 suits images of 32 px and more
        (a forward pass of the default network costs about 25 MFLOPs per
        64 px image); use 1 for tiny images such as 8 px digits.

    norm : {"batch", "group"} or None, default="batch"
        Normalization after each convolution. Batch norm is an affine map at
        prediction time, so DeepLift stays exact; ``"group"`` does not depend
        on the batch, but DeepLift has no rule for it.

    activation : str, nn.Module or callable, default="relu"
        The nonlinearity, as in :class:`MLPClassifier`; every use gets its
        own instance.

    dropout : float, default=0.0
        Dropout probability before the linear head.
"""
        + TRAINING_PARAMETERS
        % {
            "lr": "3e-3",
            "max_epochs": "20",
            "module": "ResidualCNN",
        }
        + """
    Attributes
    ----------"""
        + FITTED_ATTRIBUTES
        % {"module": "ResidualCNN", "input_shape": "``(n_channels, height, width)``"}
        + """
    See Also
    --------
    AudioCNNClassifier : The counterpart for multi-channel signals.
    MLPClassifier : A fully connected classifier for tabular data.
    skchaos.datasets.make_image_localization : Images with a known
        foreground, to score attributions.

    Notes
    -----
    ``X`` with fewer dimensions is accepted: ``(n, height, width)`` is one
    channel, ``(n, n_features)`` an image of one row, ``(n, 1, 1,
    n_features)``. Prediction needs the rank seen in fit; the image size may
    differ (the network pools globally), the channel count may not.

    A training pass whose last mini-batch would hold a single sample drops
    that sample (a different one each epoch), since batch norm cannot train
    on it.

    Examples
    --------
    >>> from skchaos.datasets import make_image_localization
    >>> from skchaos.neural import CNNClassifier
    >>> X, y = make_image_localization(
    ...     n_samples=40, condition="RBFP", image_size=16, patch_size=8,
    ...     random_state=0)
    >>> clf = CNNClassifier(channels=(4, 8), max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:3]).shape
    (3, 10)
    >>> clf.input_shape_, clf.n_iter_
    ((3, 16, 16), 2)
    """
    )

    _parameter_constraints = {
        **NeuralClassifierMixin._parameter_constraints,
        **_CONV_CONSTRAINTS,
        "channels": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "blocks_per_stage": [Interval(Integral, 1, None, closed="left")],
        "stem_stride": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        channels=(16, 32, 64),
        *,
        blocks_per_stage=1,
        stem_stride=2,
        norm="batch",
        activation="relu",
        dropout=0.0,
        lr=3e-3,
        max_epochs=20,
        batch_size=64,
        optimizer=torch.optim.Adam,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        device="auto",
        random_state=None,
        verbose=0,
        warm_start=False,
        **kwargs,
    ):
        super().__init__(
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            optimizer=optimizer,
            device=device,
            verbose=verbose,
            warm_start=warm_start,
            **self._skorch_kwargs(
                kwargs, module=ResidualCNN, criterion=torch.nn.CrossEntropyLoss
            ),
        )
        self.channels = channels
        self.blocks_per_stage = blocks_per_stage
        self.stem_stride = stem_stride
        self.norm = norm
        self.activation = activation
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state

    def _module_param_kwargs(self):
        return {
            "channels": check_widths(self.channels, "channels"),
            "blocks_per_stage": self.blocks_per_stage,
            "stem_stride": self.stem_stride,
            "norm": self.norm,
            "activation": self.activation,
            "dropout": self.dropout,
        }
