"""Networks for multi-channel signals ``(n_samples, n_channels, n_timesteps)``.

All three share the strided 1-D convolutional stem :class:`ConvStem1d`, which
turns the waveform into a shorter sequence of feature vectors:
:class:`AudioCNN` pools it directly, :class:`AudioRNN` runs a GRU or LSTM over
it and :class:`AudioTransformer` a transformer encoder.
"""

import math

import torch
from torch import nn

from skchaos.neural._docs import NETWORK_IO
from skchaos.neural._layers import (
    ConvStem1d,
    check_module_args,
    check_positive_int,
    check_widths,
    linear_head,
    pooled_head,
)
from skchaos.utils import Substitution

RNN_CELLS = ("gru", "lstm")
CHANNEL_POOLINGS = ("max", "mean")

#: The parameters of the networks' stem, in the order of their signatures.
_STEM_FIELDS = {
    "io": NETWORK_IO,
    "stem_conv": """
    kernel_size : int, default=80
        Width of the stem's first convolution, in time steps.
    stride : int, default=4
        Stride of the stem's first convolution; the others have stride 1.
    pool : int, default=4
        Width and stride of the average pooling after each stem
        convolution.
""".strip(),
    "stem_norm": """
    norm : {"batch", "group"} or None, default="batch"
        The normalization in the stem.
    activation : str, nn.Module or callable, default="relu"
        The stem's nonlinearity; each use gets its own instance.
""".strip(),
}


class _SignalNetwork(nn.Module):
    """The frame of the audio networks: checked arguments, ``head(encode(X))``.

    Subclasses build ``head`` and define ``_encode``, which maps the signals
    to the head's input.
    """

    def __init__(self, n_channels, n_outputs, norm, dropout):
        super().__init__()
        check_module_args(n_channels, n_outputs, norm, dropout)

    def forward(self, X):
        """Map a batch of signals to one logit per class.

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, n_channels, n_timesteps)
            The signals, channels first.

        Returns
        -------
        output : torch.Tensor of shape (n_samples, n_outputs)
            The logits.
        """
        return self.head(self._encode(X))


@Substitution(**_STEM_FIELDS)
class AudioCNN(_SignalNetwork):
    """Convolutional classifier of multi-channel signals.

    An M5-style :class:`ConvStem1d` (convolutions and pooling over time; see
    its References), global average pooling over time, dropout and a linear
    head. By default (``channel_pooling="max"``) one stem with a single input
    channel encodes every channel separately (shared weights) and the
    channels' features are max-pooled before the head: a network that
    treats the channels as an unordered set, suited to data where any
    channel may carry the signal. With ``channel_pooling=None`` every input
    channel feeds the first convolution instead, which mixes them.

    Parameters
    ----------
    %(io)s
    channels : int or sequence of int, default=(32, 32, 64, 128)
        The width of each convolution of the stem.
    %(stem_conv)s
    channel_pooling : {"max", "mean"} or None, default="max"
        ``"max"`` or ``"mean"``: each channel is encoded alone by the shared
        stem, and the per-channel features are max- or mean-pooled over the
        channels (``nn.MaxPool1d`` / ``nn.AvgPool1d``, so DeepLift has a
        rule for them); the output does not change when the channels are
        permuted. None: the channels are mixed by the first convolution.
    %(stem_norm)s
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
        super().__init__(n_channels, n_outputs, norm, dropout)
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
            self.head = pooled_head(width, n_outputs, dropout, dim=1)
        else:
            self.time_pool = nn.AdaptiveAvgPool1d(1)
            pooling = nn.MaxPool1d if channel_pooling == "max" else nn.AvgPool1d
            self.channel_pool = pooling(n_channels)
            self.head = linear_head(width, n_outputs, dropout, nn.Flatten())

    def _encode(self, X):
        if self.channel_pool is None:
            return self.stem(X)
        n_samples, n_channels, n_timesteps = X.shape
        features = self.stem(X.reshape(n_samples * n_channels, 1, n_timesteps))
        features = self.time_pool(features).reshape(n_samples, n_channels, -1)
        return self.channel_pool(features.transpose(1, 2))


class _TimeMean(nn.Module):
    """Mean over the time axis of ``(N, L, D)`` (a linear map)."""

    def forward(self, x):
        return x.mean(dim=1)


@Substitution(**_STEM_FIELDS)
class AudioRNN(_SignalNetwork):
    """Recurrent classifier of multi-channel signals.

    A :class:`ConvStem1d` shortens the signal (64 times with the defaults);
    a GRU or LSTM runs over the resulting sequence, and its outputs, averaged
    over time, feed dropout and a linear head.

    Parameters
    ----------
    %(io)s
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
    %(stem_conv)s
    %(stem_norm)s
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
        super().__init__(n_channels, n_outputs, norm, dropout)
        if cell not in RNN_CELLS:
            raise ValueError(
                f"cell={cell!r} is not supported; expected 'gru' or 'lstm'."
            )
        hidden_size = check_positive_int(hidden_size, "hidden_size")
        num_layers = check_positive_int(num_layers, "num_layers")
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
        self.head = linear_head(width, n_outputs, dropout, _TimeMean())

    def _encode(self, X):
        sequence = self.stem(X).transpose(1, 2)
        if sequence.is_cuda and not self.training and torch.is_grad_enabled():
            with torch.backends.cudnn.flags(enabled=False):
                output, _ = self.rnn(sequence)
        else:
            output, _ = self.rnn(sequence)
        return output


class SinusoidalPositions(nn.Module):
    """Add the sinusoidal position encoding of Vaswani et al. to ``(N, L, D)``.

    Computed for the length of each input, so any sequence length works; it
    has no parameters.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural._audio_modules import SinusoidalPositions
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


@Substitution(**_STEM_FIELDS)
class AudioTransformer(_SignalNetwork):
    """Transformer classifier of multi-channel signals.

    A :class:`ConvStem1d` embeds the signal as a sequence of ``d_model``
    features (one token per 64 steps with the defaults), sinusoidal
    positions are added, and a pre-norm :class:`torch.nn.TransformerEncoder`
    (``batch_first``) processes it; the tokens are averaged after a final
    layer norm and feed dropout and a linear head.

    Parameters
    ----------
    %(io)s
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
    %(stem_conv)s
    %(stem_norm)s
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
        super().__init__(n_channels, n_outputs, norm, dropout)
        d_model = check_positive_int(d_model, "d_model")
        nhead = check_positive_int(nhead, "nhead")
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
            check_positive_int(dim_feedforward, "dim_feedforward"),
            dropout=dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(
            layer,
            check_positive_int(num_layers, "num_layers"),
            enable_nested_tensor=False,
        )
        self.head = linear_head(
            d_model, n_outputs, dropout, nn.LayerNorm(d_model), _TimeMean()
        )

    def _encode(self, X):
        tokens = self.positions(self.stem(X).transpose(1, 2))
        return self.encoder(tokens)
