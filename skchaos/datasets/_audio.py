"""Audio localization dataset (the ChaosMining audio benchmark).

A labelled clip is placed in one channel of a multi-channel recording whose
other channels are uninformative; an audio classifier has to find it, and its
attributions can be scored against the informative channel with
:func:`skchaos.metrics.channel_localization_score`.

The default clips are synthetic sound events of eight classes (tones, chirps,
modulated tones, harmonic stacks, tone sequences, noise bursts) generated
here, so nothing has to be downloaded.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from skchaos.datasets._audio_sources import (
    _CLASS_NAMES,
    _SAMPLE_RATE,
    _as_float,
    _levels,
    _structured_channels,
    _synthesize,
    _take_clips,
)
from skchaos.datasets._docs import DATASETS_FIELDS
from skchaos.datasets._localization_utils import (
    _CONDITION_TEXT,
    _check_background_usage,
    _check_source_array,
    _check_source_labels,
    _draw_balanced_indices,
    _draw_positions,
    _parse_condition,
    _refuse_orphan_labels,
)
from skchaos.utils import Substitution

# Random-noise background: clip(N(0, 1) * _NOISE_STD, -1, 1), comparable to
# the clip levels (_LEVEL_RANGE).
_NOISE_STD = 0.1
# Values per chunk of background rows (bounds the float64 temporaries).
_CHUNK_VALUES = 1 << 22

_DESCR_TEMPLATE = """\
.. _audio_localization_dataset:

Audio localization dataset (ChaosMining audio benchmark)
--------------------------------------------------------

A labelled clip placed in one channel of a multi-channel recording whose other
channels carry no class information, so the channel an audio classifier must
attend to is known exactly (Shi et al., 2024, arXiv:2406.12150).

**Data Set Characteristics:**

:Number of Instances: {n_samples}
:Shape: {n_channels} channels x {n_timesteps} steps, float32
:Sample rate: {sample_rate} Hz (nominal; {duration:g} s per window)
:Condition: {condition} ({condition_text})
:Foreground: {foreground_text}
:Background: {background_text}
:Position: {position_text}
:Classes: {n_classes} ({class_list})
:Truth: ``informative_channel`` and ``channel_mask``
"""


def _check_foreground(foreground, foreground_labels, n_timesteps):
    clips = _check_source_array(
        foreground, name="foreground", ndims=(2,), layout="(n_fg, n_fg_timesteps)"
    )
    labels, target_names = _check_source_labels(foreground_labels, clips.shape[0])
    if clips.shape[1] > n_timesteps:
        raise ValueError(
            f"foreground clips have {clips.shape[1]} timesteps, more than "
            f"n_timesteps={n_timesteps}; expected clips of at most n_timesteps "
            f"steps (shorter ones are zero-padded). Pass n_timesteps="
            f"{clips.shape[1]} or crop the clips yourself."
        )
    return clips, labels, target_names


def _check_background(background, n_timesteps):
    clips = _check_source_array(
        background,
        name="background",
        ndims=(1, 2),
        layout="(n_bg, n_bg_timesteps) or (n_bg_timesteps,)",
    )
    clips = clips.reshape(-1, clips.shape[-1])
    if clips.shape[1] < n_timesteps:
        raise ValueError(
            f"background recordings have {clips.shape[1]} timesteps, fewer than "
            f"n_timesteps={n_timesteps}; expected recordings of at least "
            "n_timesteps steps (windows are cropped from them)."
        )
    return clips


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "condition": [str],
        "n_channels": [Interval(Integral, 1, None, closed="left")],
        "n_timesteps": [Interval(Integral, 64, None, closed="left")],
        "foreground": ["array-like", None],
        "foreground_labels": ["array-like", None],
        "background": ["array-like", None],
        "random_state": ["random_state"],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
@Substitution(**DATASETS_FIELDS)
def make_audio_localization(
    n_samples=1000,
    *,
    condition="RBRP",
    n_channels=10,
    n_timesteps=4000,
    foreground=None,
    foreground_labels=None,
    background=None,
    random_state=None,
    return_X_y=True,
):
    """Generate the ChaosMining audio localization dataset.

    Each sample is a recording of ``n_channels`` channels of ``n_timesteps``
    steps. One channel, the informative channel, holds a labelled clip; the
    label of the sample is the label of the clip. The other channels carry no
    class information, so a good attribution concentrates on the informative
    channel, which is returned as ground truth.

    The four conditions of the paper are named by two letters each. The other
    channels are random noise (``"RB"``) or structured, non-white signals
    (``"SB"``), and the informative channel is fixed (``"FP"``: always channel
    0) or drawn uniformly (``"RP"``).

    Parameters
    ----------
    n_samples : int, default=1000
        The number of samples.

    condition : {"RBFP", "RBRP", "SBFP", "SBRP"}, default="RBRP"
        The background and position condition (case-insensitive).

    n_channels : int, default=10
        The number of channels, as in the paper.

    n_timesteps : int, default=4000
        The length of each channel, at least 64. The synthetic clips assume
        a sample rate of 8 kHz (``sample_rate``), so 4000 steps are 0.5 s.

    foreground : array-like of shape (n_fg, n_fg_timesteps), default=None
        User clips (for example Speech Commands recordings), with
        ``n_fg_timesteps <= n_timesteps``; shorter clips are zero-padded at
        the end, as Speech Commands loaders pad clips under one second. They
        are used at their own amplitude (``int16`` PCM is divided by 32768).
        Items are drawn in random order, each used once before any is reused;
        the index each sample uses is returned as ``foreground_index``.
        ``None`` synthesizes the eight classes described in the Notes.

    foreground_labels : array-like of shape (n_fg,), default=None
        The class labels of ``foreground``. Required with ``foreground``,
        refused without it.

    background : array-like of shape (n_bg, n_bg_timesteps) or \
            (n_bg_timesteps,), default=None
        User recordings (for example rainforest sounds) for the structured
        conditions (``"SBFP"``, ``"SBRP"``) only, with ``n_bg_timesteps >=
        n_timesteps``. Every non-informative channel is a window of
        ``n_timesteps`` steps at a uniform offset in one recording (each
        recording used once per round), at its own amplitude (``int16`` PCM
        is divided by 32768), so a single long recording gives many
        different channels. ``None`` synthesizes structured channels (see
        Notes).

    random_state : int, RandomState instance or None, default=None
        Determines the clips, the informative channels and the backgrounds.
        Pass an int for reproducible output across multiple function calls.
        See :term:`Glossary <random_state>`.

    return_X_y : bool, default=True
        If True, return ``(data, target)``; otherwise a
        :class:`~sklearn.utils.Bunch`.

    Returns
    -------
    data : ndarray of shape (n_samples, n_channels, n_timesteps)
        The recordings, float32. Only returned when ``return_X_y`` is True.

    target : ndarray of shape (n_samples,)
        The class labels (integers indexing ``target_names`` for the
        synthetic classes). Only returned when ``return_X_y`` is True.

    dataset : :class:`~sklearn.utils.Bunch`
        Only returned when ``return_X_y`` is False, with the keys:

        data : ndarray of shape (n_samples, n_channels, n_timesteps)
            The recordings, float32.
        target : ndarray of shape (n_samples,)
            The class labels.
        informative_channel : ndarray of shape (n_samples,)
            The channel holding the labelled clip.
        channel_mask : ndarray of shape (n_samples, n_channels)
            Boolean, True exactly at ``informative_channel``.
        foreground_index : ndarray of shape (n_samples,)
            The index of the user clip each sample uses (``None`` for the
            synthetic clips, which are generated per sample).
        condition : str
            The upper-case condition.
        target_names : ndarray
            The class names (see Notes), or the sorted unique
            ``foreground_labels``.
        sample_rate : int
            The nominal sample rate of the synthetic clips, 8000 Hz.
        DESCR : str
            A description of the dataset.

    See Also
    --------
    make_image_localization : The image counterpart (pasted patch).
    skchaos.metrics.channel_localization_score : Score attributions against
        ``informative_channel``.

    Notes
    -----
    The paper places a Speech Commands clip in one of 10 channels, the others
    being clipped Gaussian noise or rainforest recordings. Neither dataset can
    be downloaded here, so the defaults are synthetic.

    **Synthetic clips.** Eight classes (``target_names``), each a sound event
    lasting 40-80%% of the window, at a uniform onset, faded in and out over
    20%% of its length and silent elsewhere, with random parameters (Hz):

    - ``tone``: a steady tone, 300-2000;
    - ``up_chirp`` / ``down_chirp``: a linear sweep between 300-900 and
      1500-2500, rising / falling (their magnitude spectra match: only the
      time course tells them apart);
    - ``am_tone``: a 300-2000 tone whose amplitude is modulated at 6-20 Hz
      (depth 0.7-1);
    - ``fm_tone``: a 500-2000 tone whose frequency is modulated at 4-12 Hz
      by 100-300;
    - ``harmonic``: a 120-300 fundamental with 6 harmonics of amplitude
      1/h;
    - ``tone_sequence``: three equal-length notes of 300-2000 each;
    - ``noise_burst``: white noise band-passed to a 200-800 wide band
      centred at 500-2500.

    Every clip is scaled to an RMS (over the whole window) drawn log-uniformly
    in [0.05, 0.15] for every class, so channel energy does not reveal the
    class: the classifier needs the waveform.

    **Random background** (``"RB"``): every other channel is
    ``clip(N(0, 1) * 0.1, -1, 1)`` i.i.d. noise, as in the paper (Gaussian
    noise clipped to the [-1, 1] range of a waveform), at an RMS comparable
    to the clips.

    **Structured background** (``"SB"``, synthetic): every other channel is
    unit-RMS pink (1/f) or brown (1/f^2) noise, plus a mixture of 1 to 3
    stationary tones (100-3500 Hz) at a gain uniform in [0, 1], plus, with
    probability 1/2, an event of a class other than the sample's (a clip of
    ``foreground`` with another label, for a user foreground) at a gain
    uniform in [0.2, 0.6]; the channel is then scaled to an RMS drawn like
    the clips', so energy does not reveal the informative channel either.
    The distractor events are weaker than the surrounding noise, so the
    informative channel is the only one with a clean event.

    The output is dense float32: ``4 * n_samples * n_channels * n_timesteps``
    bytes, 160 MB at the defaults.

    References
    ----------
    %(reference)s

    Examples
    --------
    >>> from skchaos.datasets import make_audio_localization
    >>> X, y = make_audio_localization(n_samples=4, n_timesteps=800, random_state=0)
    >>> X.shape, X.dtype, y.shape
    ((4, 10, 800), dtype('float32'), (4,))
    >>> data = make_audio_localization(
    ...     n_samples=3, condition="SBFP", n_timesteps=800, random_state=0,
    ...     return_X_y=False,
    ... )
    >>> data.informative_channel
    array([0, 0, 0])
    >>> data.target_names[data.target].tolist()
    ['tone_sequence', 'down_chirp', 'up_chirp']
    """
    condition, structured, random_position = _parse_condition(condition)
    _check_background_usage(background, structured, condition)
    _refuse_orphan_labels(foreground, foreground_labels)
    if foreground is None:
        pool, pool_labels, target_names = None, None, _CLASS_NAMES.copy()
        foreground_text = "synthetic sound events (see the Notes of the function)"
    else:
        pool, pool_labels, target_names = _check_foreground(
            foreground, foreground_labels, n_timesteps
        )
        foreground_text = f"{pool.shape[0]} user clips, zero-padded at the end"
    if background is not None:
        background = _check_background(background, n_timesteps)
        background_text = (
            f"windows of {background.shape[0]} user recordings at random offsets"
        )
    elif structured:
        background_text = (
            "synthetic pink/brown noise + stationary tones + weaker events of "
            "other classes, RMS log-uniform in [0.05, 0.15]"
        )
    else:
        background_text = f"clip(N(0, 1) * {_NOISE_STD}, -1, 1) i.i.d. noise"

    generator = check_random_state(random_state)
    if pool is None:
        foreground_index = None
        target = _draw_balanced_indices(n_samples, _CLASS_NAMES.size, generator)
        clips = _synthesize(target, n_timesteps, generator)
        clips *= _levels(generator, (n_samples, 1))
    else:
        foreground_index = _draw_balanced_indices(n_samples, pool.shape[0], generator)
        target = pool_labels[foreground_index]
        clips = _take_clips(pool, foreground_index, n_timesteps)
    informative_channel = _draw_positions(
        n_samples, n_channels, 0, random_position, generator
    )

    channel_mask = np.zeros((n_samples, n_channels), dtype=bool)
    channel_mask[np.arange(n_samples), informative_channel] = True

    # The other (sample, channel) slots, filled a chunk of rows at a time to
    # bound the float64 temporaries.
    data = np.empty((n_samples, n_channels, n_timesteps), np.float32)
    slot_sample, slot_channel = np.nonzero(~channel_mask)
    if background is not None:
        slot_source = _draw_balanced_indices(
            slot_sample.size, background.shape[0], generator
        )
        slot_offset = generator.randint(
            0, background.shape[1] - n_timesteps + 1, size=slot_sample.size
        )
    step = max(1, _CHUNK_VALUES // n_timesteps)
    for start in range(0, slot_sample.size, step):
        chunk = slice(start, start + step)
        rows, channels = slot_sample[chunk], slot_channel[chunk]
        if background is not None:
            window = slot_offset[chunk, None] + np.arange(n_timesteps)
            values = _as_float(background[slot_source[chunk, None], window])
        elif structured:
            values = _structured_channels(
                target[rows], n_timesteps, pool, pool_labels, generator
            )
        else:
            values = generator.standard_normal((rows.size, n_timesteps))
            values = np.clip(values * _NOISE_STD, -1.0, 1.0)
        data[rows, channels] = values
    data[np.arange(n_samples), informative_channel] = clips
    if return_X_y:
        return data, target

    position_text = (
        "informative channel uniformly random"
        if random_position
        else "informative channel fixed at 0"
    )
    descr = _DESCR_TEMPLATE.format(
        n_samples=n_samples,
        n_channels=n_channels,
        n_timesteps=n_timesteps,
        sample_rate=_SAMPLE_RATE,
        duration=n_timesteps / _SAMPLE_RATE,
        condition=condition,
        condition_text=_CONDITION_TEXT[condition],
        foreground_text=foreground_text,
        background_text=background_text,
        position_text=position_text,
        n_classes=len(target_names),
        class_list=", ".join(str(name) for name in target_names),
    )
    return Bunch(
        data=data,
        target=target,
        informative_channel=informative_channel,
        channel_mask=channel_mask,
        foreground_index=foreground_index,
        condition=condition,
        target_names=target_names,
        sample_rate=_SAMPLE_RATE,
        DESCR=descr,
    )
