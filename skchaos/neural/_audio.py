"""Classifiers of multi-channel signals ``(n_samples, n_channels, n_timesteps)``.

Three networks share a strided 1-D convolutional stem (:class:`ConvStem1d`)
that turns the waveform into a shorter sequence of feature vectors:
:class:`AudioCNN` pools it directly, :class:`AudioRNN` runs a GRU or LSTM over
it and :class:`AudioTransformer` a transformer encoder. Each comes with a
scikit-learn classifier built on the shared skorch base.
"""

import math
from numbers import Integral

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from skorch import NeuralNetClassifier
from torch import nn

from skchaos.neural._base import NeuralClassifierMixin
from skchaos.neural._modules import make_activation
from skchaos.neural._vision import (
    _CONV_CONSTRAINTS,
    FITTED_ATTRIBUTES,
    TRAINING_PARAMETERS,
    ChannelsFirstMixin,
    _check_module_args,
    _check_positive_int,
    _pooled_head,
    check_widths,
    make_norm,
)

RNN_CELLS = ("gru", "lstm")


# ----------------------------------------------------------------- modules
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
    audio data (10 channels x 4000 steps, 1500 training samples) stride 4
    reached a test accuracy of 0.63 where stride 8 reached 0.39, and average
    pooling 0.78 where max pooling reached 0.63. Average pooling is also
    linear, which keeps DeepLift exact (captum's max-pooling rule is not
    complete for stacked poolings).

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
        kernel_size = _check_positive_int(kernel_size, "kernel_size")
        stride = _check_positive_int(stride, "stride")
        pool = _check_positive_int(pool, "pool")
        layers, width = [], _check_positive_int(n_channels, "n_channels")
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


CHANNEL_POOLINGS = ("max", "mean")


class AudioCNN(nn.Module):
    """Convolutional classifier of multi-channel signals.

    An M5-style [1]_ :class:`ConvStem1d` (convolutions and pooling over
    time), global average pooling over time, dropout and a linear head.
    By default (``channel_pooling="max"``) one stem with a single input
    channel encodes every channel separately (shared weights) and the
    channels' features are max-pooled before the head: a network that
    treats the channels as an unordered set, suited to data where any
    channel may carry the signal. With ``channel_pooling=None`` every input
    channel feeds the first convolution instead, which mixes them.

    Parameters
    ----------
    n_channels : int
        The number of input channels.
    n_outputs : int, default=2
        The number of outputs (one logit per class).
    channels : int or sequence of int, default=(32, 32, 64, 128)
        The width of each convolution of the stem.
    kernel_size : int, default=80
        Width of the first convolution, in time steps.
    stride : int, default=4
        Stride of the first convolution; the others have stride 1.
    pool : int, default=4
        Width and stride of the average pooling after each convolution.
    channel_pooling : {"max", "mean"} or None, default="max"
        ``"max"`` or ``"mean"``: each channel is encoded alone by the shared
        stem, and the per-channel features are max- or mean-pooled over the
        channels (``nn.MaxPool1d`` / ``nn.AvgPool1d``, so DeepLift has a
        rule for them); the output does not change when the channels are
        permuted. None: the channels are mixed by the first convolution.
    norm : {"batch", "group"} or None, default="batch"
        The normalization after each convolution.
    activation : str, nn.Module or callable, default="relu"
        The nonlinearity; each use gets its own instance.
    dropout : float, default=0.0
        Dropout probability before the linear head.

    Attributes
    ----------
    stem : ConvStem1d
        The convolutions.
    channel_pool : nn.MaxPool1d, nn.AvgPool1d or None
        The pooling over channels; None when ``channel_pooling`` is None.
    time_pool : nn.AdaptiveAvgPool1d or None
        The pooling over time of each channel's features; None when
        ``channel_pooling`` is None.
    head : nn.Sequential
        Pooling over time (when ``channel_pooling`` is None), flattening,
        dropout and the linear layer.

    References
    ----------
    .. [1] Dai, Dai, Qu, Li and Das, "Very Deep Convolutional Neural Networks
       for Raw Waveforms", ICASSP 2017.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import AudioCNN
    >>> module = AudioCNN(n_channels=4, n_outputs=8, channels=(8, 16))
    >>> module(torch.zeros(2, 4, 1000)).shape
    torch.Size([2, 8])
    >>> module.stem[0].in_channels
    1
    >>> mixing = AudioCNN(n_channels=4, channels=(8, 16), channel_pooling=None)
    >>> mixing.stem[0].in_channels
    4
    """

    def __init__(
        self,
        n_channels,
        n_outputs=2,
        channels=(32, 32, 64, 128),
        *,
        kernel_size=80,
        stride=4,
        pool=4,
        channel_pooling="max",
        norm="batch",
        activation="relu",
        dropout=0.0,
    ):
        super().__init__()
        _check_module_args(n_channels, n_outputs, norm, dropout)
        if channel_pooling is not None and channel_pooling not in CHANNEL_POOLINGS:
            raise ValueError(
                f"channel_pooling={channel_pooling!r} is not supported; expected "
                "'max', 'mean' or None."
            )
        self.stem = ConvStem1d(
            n_channels if channel_pooling is None else 1,
            channels,
            kernel_size,
            stride,
            pool,
            norm=norm,
            activation=activation,
        )
        width = self.stem.out_channels
        if channel_pooling is None:
            self.time_pool = None
            self.channel_pool = None
            self.head = _pooled_head(width, n_outputs, dropout, dim=1)
        else:
            self.time_pool = nn.AdaptiveAvgPool1d(1)
            pooling = nn.MaxPool1d if channel_pooling == "max" else nn.AvgPool1d
            self.channel_pool = pooling(n_channels)
            layers = [nn.Flatten()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            layers.append(nn.Linear(width, n_outputs))
            self.head = nn.Sequential(*layers)

    def forward(self, X):
        """Map a batch ``(N, n_channels, T)`` to ``(N, n_outputs)``."""
        if self.channel_pool is None:
            return self.head(self.stem(X))
        n_samples, n_channels, n_timesteps = X.shape
        features = self.stem(X.reshape(n_samples * n_channels, 1, n_timesteps))
        features = self.time_pool(features).reshape(n_samples, n_channels, -1)
        return self.head(self.channel_pool(features.transpose(1, 2)))


class _TimeMean(nn.Module):
    """Mean over the time axis of ``(N, L, D)`` (a linear map)."""

    def forward(self, x):
        return x.mean(dim=1)


class AudioRNN(nn.Module):
    """Recurrent classifier of multi-channel signals.

    A :class:`ConvStem1d` shortens the signal (64 times with the defaults);
    a GRU or LSTM runs over the resulting sequence, and its outputs, averaged
    over time, feed dropout and a linear head.

    Parameters
    ----------
    n_channels : int
        The number of input channels.
    n_outputs : int, default=2
        The number of outputs (one logit per class).
    hidden_size : int, default=64
        Features of the recurrent state (per direction).
    num_layers : int, default=1
        Stacked recurrent layers.
    cell : {"gru", "lstm"}, default="gru"
        The recurrent unit.
    bidirectional : bool, default=True
        Whether to run a second layer backwards in time.
    stem_channels : int or sequence of int, default=(32, 64)
        The widths of the convolutional stem.
    kernel_size : int, default=80
        Width of the stem's first convolution, in time steps.
    stride : int, default=4
        Stride of the stem's first convolution; the others have stride 1.
    pool : int, default=4
        Width and stride of the average pooling after each stem
        convolution.
    norm : {"batch", "group"} or None, default="batch"
        The normalization in the stem.
    activation : str, nn.Module or callable, default="relu"
        The stem's nonlinearity; each use gets its own instance.
    dropout : float, default=0.0
        Dropout probability between recurrent layers and before the head.

    Attributes
    ----------
    stem : ConvStem1d
        The convolutions.
    rnn : nn.GRU or nn.LSTM
        The recurrent layers (``batch_first=True``).
    head : nn.Sequential
        Mean over time, dropout and the linear layer.

    Notes
    -----
    On CUDA, cuDNN cannot back-propagate through a recurrent layer in eval
    mode, which gradient attributions need; the layer then runs without
    cuDNN whenever gradients are recorded outside training.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import AudioRNN
    >>> module = AudioRNN(n_channels=4, n_outputs=8, hidden_size=16)
    >>> module(torch.zeros(2, 4, 1000)).shape
    torch.Size([2, 8])
    """

    def __init__(
        self,
        n_channels,
        n_outputs=2,
        hidden_size=64,
        *,
        num_layers=1,
        cell="gru",
        bidirectional=True,
        stem_channels=(32, 64),
        kernel_size=80,
        stride=4,
        pool=4,
        norm="batch",
        activation="relu",
        dropout=0.0,
    ):
        super().__init__()
        _check_module_args(n_channels, n_outputs, norm, dropout)
        if cell not in RNN_CELLS:
            raise ValueError(
                f"cell={cell!r} is not supported; expected 'gru' or 'lstm'."
            )
        hidden_size = _check_positive_int(hidden_size, "hidden_size")
        num_layers = _check_positive_int(num_layers, "num_layers")
        self.stem = ConvStem1d(
            n_channels,
            stem_channels,
            kernel_size,
            stride,
            pool,
            norm=norm,
            activation=activation,
        )
        self.rnn = (nn.GRU if cell == "gru" else nn.LSTM)(
            self.stem.out_channels,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=bidirectional,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        width = hidden_size * (2 if bidirectional else 1)
        layers = [_TimeMean()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(width, n_outputs))
        self.head = nn.Sequential(*layers)

    def forward(self, X):
        """Map a batch ``(N, n_channels, T)`` to ``(N, n_outputs)``."""
        sequence = self.stem(X).transpose(1, 2)
        if sequence.is_cuda and not self.training and torch.is_grad_enabled():
            with torch.backends.cudnn.flags(enabled=False):
                output, _ = self.rnn(sequence)
        else:
            output, _ = self.rnn(sequence)
        return self.head(output)


class SinusoidalPositions(nn.Module):
    """Add the sinusoidal position encoding of Vaswani et al. to ``(N, L, D)``.

    Computed for the length of each input, so any sequence length works; it
    has no parameters.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural._audio import SinusoidalPositions
    >>> SinusoidalPositions()(torch.zeros(1, 3, 4))[0, 1]
    tensor([0.8415, 0.5403, 0.0100, 0.9999])
    """

    def forward(self, x):
        """Return ``x`` plus the encoding of its positions."""
        length, dim = x.shape[1], x.shape[2]
        position = torch.arange(length, device=x.device, dtype=x.dtype)[:, None]
        index = torch.arange(0, dim, 2, device=x.device, dtype=x.dtype)
        angle = position * torch.exp(index * (-math.log(10000.0) / dim))
        encoding = torch.zeros(length, dim, device=x.device, dtype=x.dtype)
        encoding[:, 0::2] = torch.sin(angle)
        encoding[:, 1::2] = torch.cos(angle[:, : dim // 2])
        return x + encoding


class AudioTransformer(nn.Module):
    """Transformer classifier of multi-channel signals.

    A :class:`ConvStem1d` embeds the signal as a sequence of ``d_model``
    features (one token per 64 steps with the defaults), sinusoidal
    positions are added, and a pre-norm :class:`torch.nn.TransformerEncoder`
    (``batch_first``) processes it; the tokens are averaged after a final
    layer norm and feed dropout and a linear head.

    Parameters
    ----------
    n_channels : int
        The number of input channels.
    n_outputs : int, default=2
        The number of outputs (one logit per class).
    d_model : int, default=64
        Token width (the stem's last width).
    nhead : int, default=4
        Attention heads; must divide ``d_model``.
    num_layers : int, default=2
        Encoder layers.
    dim_feedforward : int, default=128
        Width of each layer's feed-forward block.
    stem_channels : int or sequence of int, default=32
        Widths of the stem's convolutions before its last one, which has
        ``d_model`` channels.
    kernel_size : int, default=80
        Width of the stem's first convolution, in time steps.
    stride : int, default=4
        Stride of the stem's first convolution; the others have stride 1.
    pool : int, default=4
        Width and stride of the average pooling after each stem
        convolution.
    norm : {"batch", "group"} or None, default="batch"
        The normalization in the stem.
    activation : str, nn.Module or callable, default="relu"
        The stem's nonlinearity; each use gets its own instance.
    dropout : float, default=0.0
        Dropout probability in the encoder and before the head.

    Attributes
    ----------
    stem : ConvStem1d
        The convolutional embedding.
    positions : SinusoidalPositions
        The position encoding.
    encoder : nn.TransformerEncoder
        The encoder layers.
    head : nn.Sequential
        Layer norm, mean over tokens, dropout and the linear layer.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import AudioTransformer
    >>> module = AudioTransformer(n_channels=4, n_outputs=8, d_model=16, nhead=2)
    >>> module(torch.zeros(2, 4, 1000)).shape
    torch.Size([2, 8])
    """

    def __init__(
        self,
        n_channels,
        n_outputs=2,
        d_model=64,
        *,
        nhead=4,
        num_layers=2,
        dim_feedforward=128,
        stem_channels=32,
        kernel_size=80,
        stride=4,
        pool=4,
        norm="batch",
        activation="relu",
        dropout=0.0,
    ):
        super().__init__()
        _check_module_args(n_channels, n_outputs, norm, dropout)
        d_model = _check_positive_int(d_model, "d_model")
        nhead = _check_positive_int(nhead, "nhead")
        if d_model % nhead:
            raise ValueError(
                f"nhead={nhead} does not divide d_model={d_model}; expected "
                "d_model to be a multiple of nhead."
            )
        widths = check_widths(stem_channels, "stem_channels") + (d_model,)
        self.stem = ConvStem1d(
            n_channels,
            widths,
            kernel_size,
            stride,
            pool,
            norm=norm,
            activation=activation,
        )
        self.positions = SinusoidalPositions()
        layer = nn.TransformerEncoderLayer(
            d_model,
            nhead,
            _check_positive_int(dim_feedforward, "dim_feedforward"),
            dropout=dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(
            layer,
            _check_positive_int(num_layers, "num_layers"),
            enable_nested_tensor=False,
        )
        layers = [nn.LayerNorm(d_model), _TimeMean()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(d_model, n_outputs))
        self.head = nn.Sequential(*layers)

    def forward(self, X):
        """Map a batch ``(N, n_channels, T)`` to ``(N, n_outputs)``."""
        tokens = self.positions(self.stem(X).transpose(1, 2))
        return self.head(self.encoder(tokens))


# -------------------------------------------------------------- estimators
class _AudioMixin(ChannelsFirstMixin):
    """Channels-first input of shape ``(n_samples, n_channels, n_timesteps)``."""

    _n_spatial_dims = 1
    _layout = "(n_samples, n_channels, n_timesteps)"


_STEM_PARAMETERS = """
    kernel_size : int, default=80
        Width of the first convolution, in time steps (10 ms at 8 kHz): a
        bank of learned band-pass filters over all input channels.

    stride : int, default=4
        Stride of the first convolution; the further convolutions of the stem
        are 3 wide, with stride 1. Larger strides are cheaper but alias (see
        :class:`ConvStem1d`).

    pool : int, default=4
        Width and stride of the average pooling after each convolution of
        the stem.

    norm : {"batch", "group"} or None, default="batch"
        Normalization after each convolution. Batch norm is an affine map at
        prediction time, so DeepLift stays exact.

    activation : str, nn.Module or callable, default="relu"
        The convolutions' nonlinearity, as in :class:`MLPClassifier`; every
        use gets its own instance.
"""

_AUDIO_NOTES = """
    Notes
    -----
    ``X`` of shape ``(n_samples, n_timesteps)`` is one channel, ``(n_samples,
    1, n_timesteps)``. Prediction needs the rank seen in fit; the length may
    differ (the network pools over time), the channel count may not. A
    training pass whose last mini-batch would hold a single sample drops that
    sample (a different one each epoch), since batch norm cannot train on it.
"""


_AUDIO_SEE_ALSO = """
    skchaos.datasets.make_audio_localization : Signals with a known
        informative channel, to score attributions.
    CNNClassifier : The image counterpart.
"""


def _audio_doc(summary, parameters, *, module, lr, dropout, see_also, notes, example):
    """Assemble an audio classifier's docstring from its own parts."""
    training = TRAINING_PARAMETERS % {
        "lr": lr,
        "max_epochs": "20",
        "module": module,
    }
    attributes = FITTED_ATTRIBUTES % {
        "module": module,
        "input_shape": "``(n_channels, n_timesteps)``",
    }
    return f"""{summary}
    Parameters
    ----------{parameters}{_STEM_PARAMETERS}
    dropout : float, default=0.0
        Dropout probability {dropout}.
{training}
    Attributes
    ----------{attributes}
    See Also
    --------{see_also}{_AUDIO_SEE_ALSO}{_AUDIO_NOTES}{notes}
    Examples
    --------
    >>> from skchaos.datasets import make_audio_localization
    >>> from skchaos.neural import {module}Classifier
    >>> X, y = make_audio_localization(
    ...     n_samples=40, condition="RBFP", n_channels=3, n_timesteps=256,
    ...     random_state=0)
{example}"""


class AudioCNNClassifier(_AudioMixin, NeuralClassifierMixin, NeuralNetClassifier):
    __doc__ = _audio_doc(
        """Convolutional classifier of multi-channel signals, trained with skorch.

    The network (:class:`AudioCNN`) is an M5-style stack of 1-D
    convolutions over time (the first one 80 steps wide with stride 4, the
    others 3 wide), each followed by batch norm, a ReLU and an average
    pooling of 4 steps, then global average pooling over time. By default
    this encoder is shared by the channels: it encodes each channel alone,
    and the features are max-pooled over the channels before a linear head.
    It takes ``(n_samples, n_channels, n_timesteps)``; the channel count is
    read from ``X`` at fit.
    It outputs one logit per class, trained with ``CrossEntropyLoss``;
    ``predict_proba`` is their softmax and
    :func:`skchaos.attribution.attribute` explains the logits. The data are
    moved to the device once per fit and mini-batches are gathered there.
""",
        """
    channels : int or sequence of int, default=(32, 32, 64, 128)
        The width of each convolution. With the defaults a signal is
        shortened 1024 times before the global pooling.

    channel_pooling : {"max", "mean"} or None, default="max"
        ``"max"`` or ``"mean"``: one stem with shared weights encodes each
        channel alone, and the channels' features are max- or mean-pooled
        (the network then ignores the order of the channels). None: all
        channels feed the first convolution, which mixes them; about 4
        times cheaper on a CPU, but it fails when any channel may carry the
        signal (see Notes).
""",
        module="AudioCNN",
        lr="3e-3",
        dropout="before the linear head",
        see_also="""
    AudioRNNClassifier : A recurrent network on the same stem.
    AudioTransformerClassifier : A transformer on the same stem.""",
        notes="""
    On the ChaosMining audio data with the informative channel drawn at
    random (10 channels x 4000 steps, 2000 training samples, 10 epochs), the
    default network reached a test accuracy of 0.96 with a random and with a
    structured background, ``channel_pooling=None`` 0.29 and 0.11 (chance is
    0.125). With the informative channel fixed, ``channel_pooling=None``
    reached 0.75 (random background).
""",
        example="""\
    >>> clf = AudioCNNClassifier(channels=(8, 16), max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:3]).shape
    (3, 8)
    >>> clf.input_shape_
    (3, 256)
""",
    )

    _parameter_constraints = {
        **NeuralClassifierMixin._parameter_constraints,
        **_CONV_CONSTRAINTS,
        "channels": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "pool": [Interval(Integral, 1, None, closed="left")],
        "channel_pooling": [StrOptions(set(CHANNEL_POOLINGS)), None],
    }

    def __init__(
        self,
        channels=(32, 32, 64, 128),
        *,
        kernel_size=80,
        stride=4,
        pool=4,
        channel_pooling="max",
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
                kwargs, module=AudioCNN, criterion=torch.nn.CrossEntropyLoss
            ),
        )
        self.channels = channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.pool = pool
        self.channel_pooling = channel_pooling
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
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "pool": self.pool,
            "channel_pooling": self.channel_pooling,
            "norm": self.norm,
            "activation": self.activation,
            "dropout": self.dropout,
        }


class AudioRNNClassifier(_AudioMixin, NeuralClassifierMixin, NeuralNetClassifier):
    __doc__ = _audio_doc(
        """Recurrent classifier of multi-channel signals, trained with skorch.

    The network (:class:`AudioRNN`) shortens the signal with 1-D
    convolutions and pooling (64 times with the defaults), runs a
    bidirectional GRU (or an LSTM) over the resulting sequence and averages
    its outputs over time into a linear head. It takes ``(n_samples,
    n_channels, n_timesteps)``; the channel count is read from ``X`` at fit.
    It outputs one logit per class, trained with ``CrossEntropyLoss``.
""",
        """
    hidden_size : int, default=64
        Features of the recurrent state, per direction.

    num_layers : int, default=1
        Stacked recurrent layers.

    cell : {"gru", "lstm"}, default="gru"
        The recurrent unit.

    bidirectional : bool, default=True
        Whether to run a second recurrent layer backwards in time.

    stem_channels : int or sequence of int, default=(32, 64)
        The widths of the convolutions before the recurrent layers.
""",
        module="AudioRNN",
        lr="1e-3",
        dropout="between recurrent layers and before the linear head",
        see_also="""
    AudioCNNClassifier : A convolutional network, the fastest to train.
    AudioTransformerClassifier : A transformer on the same stem.""",
        notes="""
    DeepLift has no rule for recurrent layers: it back-propagates their
    gradient (with a warning), so its attributions no longer sum to the
    output difference; saliency, integrated gradients and the perturbation
    methods are unaffected.
""",
        example="""\
    >>> clf = AudioRNNClassifier(
    ...     hidden_size=8, stem_channels=(8, 8), max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
""",
    )

    _parameter_constraints = {
        **NeuralClassifierMixin._parameter_constraints,
        **_CONV_CONSTRAINTS,
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions(set(RNN_CELLS))],
        "bidirectional": ["boolean"],
        "stem_channels": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "pool": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        hidden_size=64,
        *,
        num_layers=1,
        cell="gru",
        bidirectional=True,
        stem_channels=(32, 64),
        kernel_size=80,
        stride=4,
        pool=4,
        norm="batch",
        activation="relu",
        dropout=0.0,
        lr=1e-3,
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
                kwargs, module=AudioRNN, criterion=torch.nn.CrossEntropyLoss
            ),
        )
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.cell = cell
        self.bidirectional = bidirectional
        self.stem_channels = stem_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.pool = pool
        self.norm = norm
        self.activation = activation
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state

    def _module_param_kwargs(self):
        return {
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "bidirectional": self.bidirectional,
            "stem_channels": check_widths(self.stem_channels, "stem_channels"),
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "pool": self.pool,
            "norm": self.norm,
            "activation": self.activation,
            "dropout": self.dropout,
        }


class AudioTransformerClassifier(
    _AudioMixin, NeuralClassifierMixin, NeuralNetClassifier
):
    __doc__ = _audio_doc(
        """Transformer classifier of multi-channel signals, trained with skorch.

    The network (:class:`AudioTransformer`) embeds the signal with 1-D
    convolutions and pooling (one ``d_model`` token per 64 steps with the
    defaults),
    adds sinusoidal positions, runs a pre-norm transformer encoder and
    averages the tokens into a linear head. It takes ``(n_samples,
    n_channels, n_timesteps)``; the channel count is read from ``X`` at fit.
    It outputs one logit per class, trained with ``CrossEntropyLoss``.
""",
        """
    d_model : int, default=64
        Token width.

    nhead : int, default=4
        Attention heads; must divide ``d_model``.

    num_layers : int, default=2
        Encoder layers.

    dim_feedforward : int, default=128
        Width of each encoder layer's feed-forward block.

    stem_channels : int or sequence of int, default=32
        Widths of the convolutions before the last one of the stem, which
        has ``d_model`` channels.
""",
        module="AudioTransformer",
        lr="1e-3",
        dropout="in the encoder and before the linear head",
        see_also="""
    AudioCNNClassifier : A convolutional network, the fastest to train.
    AudioRNNClassifier : A recurrent network on the same stem.""",
        notes="""
    DeepLift has no rule for attention, layer norm or the encoder's GELU
    (called as a function): it back-propagates their gradient (with a
    warning), so its attributions no longer sum to the output difference;
    saliency, integrated gradients and the perturbation methods are
    unaffected.
""",
        example="""\
    >>> clf = AudioTransformerClassifier(
    ...     d_model=8, nhead=2, num_layers=1, stem_channels=8, max_epochs=2,
    ...     random_state=0)
    >>> clf.fit(X, y).decision_function(X[:3]).shape
    (3, 8)
""",
    )

    _parameter_constraints = {
        **NeuralClassifierMixin._parameter_constraints,
        **_CONV_CONSTRAINTS,
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "nhead": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "dim_feedforward": [Interval(Integral, 1, None, closed="left")],
        "stem_channels": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "pool": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        d_model=64,
        *,
        nhead=4,
        num_layers=2,
        dim_feedforward=128,
        stem_channels=32,
        kernel_size=80,
        stride=4,
        pool=4,
        norm="batch",
        activation="relu",
        dropout=0.0,
        lr=1e-3,
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
                kwargs, module=AudioTransformer, criterion=torch.nn.CrossEntropyLoss
            ),
        )
        self.d_model = d_model
        self.nhead = nhead
        self.num_layers = num_layers
        self.dim_feedforward = dim_feedforward
        self.stem_channels = stem_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.pool = pool
        self.norm = norm
        self.activation = activation
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state

    def _module_param_kwargs(self):
        return {
            "d_model": self.d_model,
            "nhead": self.nhead,
            "num_layers": self.num_layers,
            "dim_feedforward": self.dim_feedforward,
            "stem_channels": check_widths(self.stem_channels, "stem_channels"),
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "pool": self.pool,
            "norm": self.norm,
            "activation": self.activation,
            "dropout": self.dropout,
        }
