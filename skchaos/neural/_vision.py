"""A compact residual CNN image classifier, trained with skorch.

:class:`ResidualCNN` is a small ResNet for images of any size and channel
count; :class:`CNNClassifier` is the scikit-learn estimator around it.
"""

from numbers import Integral

import torch
from sklearn.utils._param_validation import Interval
from skorch import NeuralNetClassifier
from torch import nn

from skchaos.neural._docs import CONV_FIELDS, NETWORK_IO
from skchaos.neural._layers import (
    CONV_CONSTRAINTS,
    ChannelsFirstMixin,
    check_module_args,
    check_widths,
    make_norm,
    pooled_head,
)
from skchaos.neural._modules import make_activation
from skchaos.neural._targets import NeuralClassifierMixin
from skchaos.utils import Substitution, check_positive_int


# ----------------------------------------------------------------- blocks
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
        """Apply the block.

        Parameters
        ----------
        x : torch.Tensor of shape (n_samples, in_channels, ...)
            Sequences (``dim=1``: one trailing axis, the length) or images
            (``dim=2``: height and width).

        Returns
        -------
        output : torch.Tensor of shape (n_samples, out_channels, ...)
            Each trailing axis divided by ``stride``, rounded up.
        """
        out = self.norm2(self.conv2(self.act1(self.norm1(self.conv1(x)))))
        return self.act2(out + self.shortcut(x))


# ------------------------------------------------------------------ module
@Substitution(io=NETWORK_IO)
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
    %(io)s
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
        check_module_args(n_channels, n_outputs, norm, dropout)
        widths = check_widths(channels, "channels")
        blocks_per_stage = check_positive_int(blocks_per_stage, "blocks_per_stage")
        stem_stride = check_positive_int(stem_stride, "stem_stride")
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
        self.head = pooled_head(width, n_outputs, dropout, dim=2)

    def forward(self, X):
        """Map a batch of images to one logit per class.

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, n_channels, height, width)
            The images, channels first.

        Returns
        -------
        output : torch.Tensor of shape (n_samples, n_outputs)
            The logits.
        """
        return self.head(self.stages(self.stem(X)))


# -------------------------------------------------------------- estimator
@Substitution(
    **CONV_FIELDS,
    lr="3e-3",
    module="ResidualCNN",
    input_shape="``(n_channels, height, width)``",
)
class CNNClassifier(ChannelsFirstMixin, NeuralClassifierMixin, NeuralNetClassifier):
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

    %(training)s

    Attributes
    ----------
    %(fitted_attributes)s

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

    _parameter_constraints = {
        **NeuralClassifierMixin._parameter_constraints,
        **CONV_CONSTRAINTS,
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
        self._init_params(
            locals(), module=ResidualCNN, criterion=torch.nn.CrossEntropyLoss
        )

    def _module_param_kwargs(self):
        return {
            "channels": check_widths(self.channels, "channels"),
            "blocks_per_stage": self.blocks_per_stage,
            "stem_stride": self.stem_stride,
            "norm": self.norm,
            "activation": self.activation,
            "dropout": self.dropout,
        }
