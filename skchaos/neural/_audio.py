"""Classifiers of multi-channel signals ``(n_samples, n_channels, n_timesteps)``.

The scikit-learn estimators around the networks of :mod:`._audio_modules`,
built on the shared skorch base and the channels-first input handling of
:mod:`._layers`.
"""

from numbers import Integral

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from skorch import NeuralNetClassifier

from skchaos.neural._audio_modules import (
    CHANNEL_POOLINGS,
    RNN_CELLS,
    AudioCNN,
    AudioRNN,
    AudioTransformer,
)
from skchaos.neural._docs import CONV_FIELDS
from skchaos.neural._layers import CONV_CONSTRAINTS, ChannelsFirstMixin, check_widths
from skchaos.neural._targets import NeuralClassifierMixin
from skchaos.utils import Substitution


class _AudioMixin(ChannelsFirstMixin):
    """Channels-first input of shape ``(n_samples, n_channels, n_timesteps)``."""

    _n_spatial_dims = 1
    _layout = "(n_samples, n_channels, n_timesteps)"
    _parameter_constraints = {
        **NeuralClassifierMixin._parameter_constraints,
        **CONV_CONSTRAINTS,
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "pool": [Interval(Integral, 1, None, closed="left")],
    }


_STEM_CONV = """
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
""".strip()

_STEM_NORM = """
    norm : {"batch", "group"} or None, default="batch"
        Normalization after each convolution. Batch norm is an affine map at
        prediction time, so DeepLift stays exact.

    activation : str, nn.Module or callable, default="relu"
        The convolutions' nonlinearity, as in :class:`MLPClassifier`; every
        use gets its own instance.
""".strip()

#: The stem's parameters, in the order of the classifiers' signatures.
_STEM = f"{_STEM_CONV}\n\n    {_STEM_NORM}"


_AUDIO_NOTES = """
    ``X`` of shape ``(n_samples, n_timesteps)`` is one channel, ``(n_samples,
    1, n_timesteps)``. Prediction needs the rank seen in fit; the length may
    differ (the network pools over time), the channel count may not. A
    training pass whose last mini-batch would hold a single sample drops that
    sample (a different one each epoch), since batch norm cannot train on it.
""".strip()

_AUDIO_SEE_ALSO = """
    skchaos.datasets.make_audio_localization : Signals with a known
        informative channel, to score attributions.
    CNNClassifier : The image counterpart.
""".strip()

_EXAMPLE_DATA = """
    >>> from skchaos.datasets import make_audio_localization
    >>> X, y = make_audio_localization(
    ...     n_samples=40, condition="RBFP", n_channels=3, n_timesteps=256,
    ...     random_state=0)
""".strip()

#: The fields shared by the audio classifiers.
_AUDIO_FIELDS = {
    **CONV_FIELDS,
    "stem": _STEM,
    "stem_conv": _STEM_CONV,
    "stem_norm": _STEM_NORM,
    "audio_notes": _AUDIO_NOTES,
    "audio_see_also": _AUDIO_SEE_ALSO,
    "example_data": _EXAMPLE_DATA,
    "input_shape": "``(n_channels, n_timesteps)``",
}


@Substitution(**_AUDIO_FIELDS, lr="3e-3", module="AudioCNN")
class AudioCNNClassifier(_AudioMixin, NeuralClassifierMixin, NeuralNetClassifier):
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

    Parameters
    ----------
    channels : int or sequence of int, default=(32, 32, 64, 128)
        The width of each convolution. With the defaults a signal is
        shortened 1024 times before the global pooling.

    %(stem_conv)s

    channel_pooling : {"max", "mean"} or None, default="max"
        ``"max"`` or ``"mean"``: one stem with shared weights encodes each
        channel alone, and the channels' features are max- or mean-pooled
        (the network then ignores the order of the channels). None: all
        channels feed the first convolution, which mixes them; cheaper, but
        it fails when any channel may carry the signal (see Notes).

    %(stem_norm)s

    dropout : float, default=0.0
        Dropout probability before the linear head.

    %(training)s

    Attributes
    ----------
    %(fitted_attributes)s

    See Also
    --------
    AudioRNNClassifier : A recurrent network on the same stem.
    AudioTransformerClassifier : A transformer on the same stem.
    %(audio_see_also)s

    Notes
    -----
    %(audio_notes)s

    When the informative channel is drawn at random, as in the ChaosMining
    audio data, the default network (``channel_pooling="max"``) learns the
    task while ``channel_pooling=None`` stays near chance; with the
    informative channel fixed, ``channel_pooling=None`` learns it too. The
    measurements are in ``benchmarks/README.md``.

    Examples
    --------
    %(example_data)s
    >>> from skchaos.neural import AudioCNNClassifier
    >>> clf = AudioCNNClassifier(channels=(8, 16), max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict_proba(X[:3]).shape
    (3, 8)
    >>> clf.input_shape_
    (3, 256)
    """

    _parameter_constraints = {
        **_AudioMixin._parameter_constraints,
        "channels": [Interval(Integral, 1, None, closed="left"), "array-like"],
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
        self._init_params(
            locals(), module=AudioCNN, criterion=torch.nn.CrossEntropyLoss
        )

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


@Substitution(**_AUDIO_FIELDS, lr="1e-3", module="AudioRNN")
class AudioRNNClassifier(_AudioMixin, NeuralClassifierMixin, NeuralNetClassifier):
    """Recurrent classifier of multi-channel signals, trained with skorch.

    The network (:class:`AudioRNN`) shortens the signal with 1-D
    convolutions and pooling (64 times with the defaults), runs a
    bidirectional GRU (or an LSTM) over the resulting sequence and averages
    its outputs over time into a linear head. It takes ``(n_samples,
    n_channels, n_timesteps)``; the channel count is read from ``X`` at fit.
    It outputs one logit per class, trained with ``CrossEntropyLoss``.

    Parameters
    ----------
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

    %(stem)s

    dropout : float, default=0.0
        Dropout probability between recurrent layers and before the linear
        head.

    %(training)s

    Attributes
    ----------
    %(fitted_attributes)s

    See Also
    --------
    AudioCNNClassifier : A convolutional network, the fastest to train.
    AudioTransformerClassifier : A transformer on the same stem.
    %(audio_see_also)s

    Notes
    -----
    %(audio_notes)s

    DeepLift has no rule for recurrent layers: it back-propagates their
    gradient (with a warning), so its attributions no longer sum to the
    output difference; saliency, integrated gradients and the perturbation
    methods are unaffected.

    Examples
    --------
    %(example_data)s
    >>> from skchaos.neural import AudioRNNClassifier
    >>> clf = AudioRNNClassifier(
    ...     hidden_size=8, stem_channels=(8, 8), max_epochs=2, random_state=0)
    >>> clf.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints = {
        **_AudioMixin._parameter_constraints,
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions(set(RNN_CELLS))],
        "bidirectional": ["boolean"],
        "stem_channels": [Interval(Integral, 1, None, closed="left"), "array-like"],
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
        self._init_params(
            locals(), module=AudioRNN, criterion=torch.nn.CrossEntropyLoss
        )

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


@Substitution(**_AUDIO_FIELDS, lr="1e-3", module="AudioTransformer")
class AudioTransformerClassifier(
    _AudioMixin, NeuralClassifierMixin, NeuralNetClassifier
):
    """Transformer classifier of multi-channel signals, trained with skorch.

    The network (:class:`AudioTransformer`) embeds the signal with 1-D
    convolutions and pooling (one ``d_model`` token per 64 steps with the
    defaults), adds sinusoidal positions, runs a pre-norm transformer
    encoder and averages the tokens into a linear head. It takes
    ``(n_samples, n_channels, n_timesteps)``; the channel count is read from
    ``X`` at fit. It outputs one logit per class, trained with
    ``CrossEntropyLoss``.

    Parameters
    ----------
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

    %(stem)s

    dropout : float, default=0.0
        Dropout probability in the encoder and before the linear head.

    %(training)s

    Attributes
    ----------
    %(fitted_attributes)s

    See Also
    --------
    AudioCNNClassifier : A convolutional network, the fastest to train.
    AudioRNNClassifier : A recurrent network on the same stem.
    %(audio_see_also)s

    Notes
    -----
    %(audio_notes)s

    DeepLift has no rule for attention, layer norm or the encoder's GELU
    (called as a function): it back-propagates their gradient (with a
    warning), so its attributions no longer sum to the output difference;
    saliency, integrated gradients and the perturbation methods are
    unaffected.

    Examples
    --------
    %(example_data)s
    >>> from skchaos.neural import AudioTransformerClassifier
    >>> clf = AudioTransformerClassifier(
    ...     d_model=8, nhead=2, num_layers=1, stem_channels=8, max_epochs=2,
    ...     random_state=0)
    >>> clf.fit(X, y).decision_function(X[:3]).shape
    (3, 8)
    """

    _parameter_constraints = {
        **_AudioMixin._parameter_constraints,
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "nhead": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "dim_feedforward": [Interval(Integral, 1, None, closed="left")],
        "stem_channels": [Interval(Integral, 1, None, closed="left"), "array-like"],
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
        self._init_params(
            locals(), module=AudioTransformer, criterion=torch.nn.CrossEntropyLoss
        )

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
