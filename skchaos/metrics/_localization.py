"""Localization scores of attribution maps (the ChaosMining vision and audio
benchmarks).

The image scores compare a per-pixel attribution map with the known position
of the informative patch (see :func:`skchaos.datasets.make_image_localization`);
the audio score compares per-channel attribution mass with the known
informative channel (see :func:`skchaos.datasets.make_audio_localization`).
All are higher-is-better and lie in [0, 1].
"""

from numbers import Integral, Real

import numpy as np
from scipy.ndimage import gaussian_filter
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn_compat.utils.validation import check_array

# Gaussian smoothing of the paper: sigma 6 pixels on 224-pixel images.
_PAPER_SIGMA = 6.0
_PAPER_SIZE = 224

# Channel reductions of (n, C, H, W) blocks; None keeps a single channel as is.
_REDUCERS = {
    "mean_abs": lambda a: np.abs(a).mean(axis=1),
    "sum_abs": lambda a: np.abs(a).sum(axis=1),
    "max_abs": lambda a: np.abs(a).max(axis=1),
    None: lambda a: a[:, 0],
}
# Attribution values reduced and smoothed per chunk of samples (bounds the
# temporaries: at 3 x 224 x 224 a chunk is 27 images).
_CHUNK_VALUES = 1 << 22
_MAP_CONSTRAINTS = {
    "attributions": ["array-like"],
    "smoothing_sigma": [
        Interval(Real, 0, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "reduce_channels": [StrOptions({"mean_abs", "sum_abs", "max_abs"}), None],
}


def _check_image_attributions(attributions, reduce_channels):
    """Validate image attributions; return them as (n, C, H, W).

    (n, H, W) input becomes a single channel, (n, 1, H, W).
    """
    ndim = np.ndim(attributions)
    if reduce_channels is None and ndim != 3:
        raise ValueError(
            "attributions must have shape (n_samples, height, width) when "
            f"reduce_channels=None; got shape {np.shape(attributions)}. Pass a "
            "channel reduction such as reduce_channels='mean_abs' for "
            "(n_samples, n_channels, height, width) attributions."
        )
    if ndim not in (3, 4):
        raise ValueError(
            "attributions must have shape (n_samples, n_channels, height, width) "
            f"or (n_samples, height, width); got shape {np.shape(attributions)}."
        )
    values = check_array(
        attributions,
        dtype=[np.float64, np.float32],
        ensure_2d=False,
        allow_nd=True,
        input_name="attributions",
    )
    if min(values.shape[-2:]) < 1:
        raise ValueError(
            f"attributions have an empty image (shape {values.shape}); expected "
            "height and width of at least 1."
        )
    return values[:, None] if ndim == 3 else values


def _iter_maps(values, reduce_channels, smoothing_sigma):
    """Yield ``(rows, maps)``: reduced, smoothed (m, H, W) maps per chunk."""
    n_samples, n_channels, height, width = values.shape
    if smoothing_sigma == "auto":
        sigma = (
            _PAPER_SIGMA * height / _PAPER_SIZE,
            _PAPER_SIGMA * width / _PAPER_SIZE,
        )
    else:
        sigma = (float(smoothing_sigma),) * 2
    step = max(1, _CHUNK_VALUES // (n_channels * height * width))
    for start in range(0, n_samples, step):
        rows = slice(start, start + step)
        maps = _REDUCERS[reduce_channels](values[rows])
        if max(sigma) > 0:
            maps = gaussian_filter(maps, sigma=(0.0, *sigma))
        yield rows, maps


def _check_boxes(foreground_box, n_samples, height, width):
    """Validate (x, y, w, h) boxes: shape (n, 4) or (4,), integral, inside."""
    boxes = check_array(
        np.atleast_2d(foreground_box), dtype=np.float64, input_name="foreground_box"
    )
    if boxes.shape[1] != 4 or boxes.shape[0] not in (1, n_samples):
        raise ValueError(
            f"foreground_box must have shape ({n_samples}, 4) or (4,), one "
            "(x, y, w, h) box per sample or one for all; got shape "
            f"{np.shape(foreground_box)}."
        )
    if np.any(boxes != np.round(boxes)):
        raise ValueError(
            "foreground_box must hold whole pixel numbers (x, y, w, h); got "
            "non-integer values."
        )
    boxes = np.broadcast_to(boxes.astype(np.int64), (n_samples, 4))
    x, y, w, h = boxes.T
    bad = (x < 0) | (y < 0) | (w < 1) | (h < 1) | (x + w > width) | (y + h > height)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"foreground_box {boxes[i].tolist()} (sample {i}) is not a box inside "
            f"the {height} x {width} attribution maps; expected x, y >= 0, "
            "w, h >= 1, x + w <= width and y + h <= height."
        )
    return boxes


def _localization_iou_per_sample(maps, boxes, k=None):
    """Per-sample IoU of the top-k pixels' bounding box with the true box.

    Parameters
    ----------
    maps : ndarray of shape (n_samples, height, width)
        Reduced (and smoothed) attribution maps.
    boxes : ndarray of shape (n_samples, 4)
        True boxes as integer (x, y, w, h).
    k : int or None
        The number of top pixels; None uses each box's area ``w * h``.

    Returns
    -------
    iou : ndarray of shape (n_samples,)
    """
    n_samples, height, width = maps.shape
    flat = maps.reshape(n_samples, -1)
    n_pixels = flat.shape[1]
    counts = boxes[:, 2] * boxes[:, 3] if k is None else np.full(n_samples, k)
    predicted = np.empty((n_samples, 4), dtype=np.int64)  # x0, y0, x1, y1
    # One vectorized argpartition per distinct k (usually a single one).
    for count in np.unique(counts):
        rows = np.flatnonzero(counts == count)
        top = np.argpartition(flat[rows], n_pixels - count, axis=1)
        pixel_rows, pixel_cols = np.divmod(top[:, n_pixels - count :], width)
        predicted[rows] = np.column_stack(
            [
                pixel_cols.min(axis=1),
                pixel_rows.min(axis=1),
                pixel_cols.max(axis=1) + 1,
                pixel_rows.max(axis=1) + 1,
            ]
        )
    true = np.column_stack([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]])
    overlap = np.clip(
        np.minimum(predicted[:, 2:], true[:, 2:])
        - np.maximum(predicted[:, :2], true[:, :2]),
        0,
        None,
    ).prod(axis=1)
    areas = (predicted[:, 2:] - predicted[:, :2]).prod(axis=1) + boxes[:, 2:].prod(
        axis=1
    )
    return overlap / (areas - overlap)


@validate_params(
    {
        **_MAP_CONSTRAINTS,
        "foreground_box": ["array-like"],
        "k": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def localization_iou_score(
    attributions,
    foreground_box,
    *,
    smoothing_sigma="auto",
    reduce_channels="mean_abs",
    k=None,
):
    """Top-k bounding-box IoU of image attributions (ChaosMining vision).

    Each attribution map is reduced over its channels, smoothed, and its ``k``
    largest pixels are enclosed in a bounding box; the score is the mean over
    samples of that box's intersection over union with the true foreground
    box. 1 means the attribution's peak region is exactly the foreground.

    Parameters
    ----------
    attributions : array-like of shape (n_samples, n_channels, height, width) \
            or (n_samples, height, width)
        Attribution maps, for example of a classifier trained on
        :func:`~skchaos.datasets.make_image_localization` data.

    foreground_box : array-like of shape (n_samples, 4) or (4,)
        The true boxes as integer ``(x, y, w, h)``: column and row of the
        top-left pixel, width and height (the dataset's ``foreground_box``).
        A single box applies to every sample.

    smoothing_sigma : float or "auto", default="auto"
        The standard deviation (pixels) of the Gaussian smoothing applied to
        each map before the top-k selection. ``"auto"`` scales the paper's
        sigma of 6 at 224 pixels to the map size: ``6 * height / 224`` along
        rows and ``6 * width / 224`` along columns. 0 disables smoothing.

    reduce_channels : {"mean_abs", "sum_abs", "max_abs"} or None, \
            default="mean_abs"
        How (n_samples, n_channels, height, width) attributions become one map
        per sample: the mean (the paper), sum or maximum of the absolute
        values over the channels. (n_samples, height, width) attributions are
        one channel: their absolute value is used. None requires
        (n_samples, height, width) attributions and uses them as given
        (signed values then rank as they are).

    k : int, default=None
        The number of top pixels. None uses each sample's foreground area
        ``w * h``, as the paper.

    Returns
    -------
    score : float
        The mean IoU over samples, in [0, 1].

    See Also
    --------
    pointing_game_score : Whether the maximum falls on the foreground.
    channel_localization_score : The audio counterpart.
    skchaos.datasets.make_image_localization : Data with ``foreground_box``.

    Notes
    -----
    For a sample with reduced, smoothed map :math:`M`, let :math:`T_k` be its
    :math:`k` largest pixels and :math:`B(T_k)` their bounding box; with the
    true box :math:`G`,

    .. math::

        \\mathrm{IoU} = \\frac{|B(T_k) \\cap G|}{|B(T_k) \\cup G|}.

    Ties at the k-th value are broken arbitrarily (but deterministically), so
    maps with large flat regions, such as an all-zero map, score by the
    position of an arbitrary top-k set. Smoothing uses
    :func:`scipy.ndimage.gaussian_filter` (reflecting borders, truncated at 4
    sigma) on each map separately.

    A bounding box rewards compact attributions: a few stray pixels far from
    the foreground enlarge the box and lower the score.

    References
    ----------
    .. [1] Shi, Kan, Smucny and Davidson, "ChaosMining: A Benchmark to Evaluate
       Post-Hoc Local Attribution Methods in Low SNR Environments",
       arXiv:2406.12150, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.metrics import localization_iou_score
    >>> attributions = np.zeros((1, 3, 16, 16))
    >>> attributions[0, :, 4:8, 2:6] = 1.0  # rows 4-7, columns 2-5
    >>> localization_iou_score(attributions, [2, 4, 4, 4], smoothing_sigma=0)
    1.0
    >>> localization_iou_score(attributions, [4, 4, 4, 4], smoothing_sigma=0)
    0.333...
    """
    values = _check_image_attributions(attributions, reduce_channels)
    n_samples, _, height, width = values.shape
    boxes = _check_boxes(foreground_box, n_samples, height, width)
    if k is not None and k > height * width:
        raise ValueError(
            f"k={k} is larger than the {height * width} pixels of the "
            f"{height} x {width} attribution maps; expected k <= height * width."
        )
    iou = np.empty(n_samples)
    for rows, maps in _iter_maps(values, reduce_channels, smoothing_sigma):
        iou[rows] = _localization_iou_per_sample(maps, boxes[rows], k)
    return float(np.mean(iou))


@validate_params(
    {**_MAP_CONSTRAINTS, "foreground_mask": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def pointing_game_score(
    attributions, foreground_mask, *, smoothing_sigma=0, reduce_channels="mean_abs"
):
    """Fraction of samples whose attribution maximum lies on the foreground.

    The pointing game (Zhang et al., 2018) asks whether the single most
    attributed pixel of each (reduced, optionally smoothed) map falls inside
    the foreground mask.

    Parameters
    ----------
    attributions : array-like of shape (n_samples, n_channels, height, width) \
            or (n_samples, height, width)
        Image attribution maps. For audio attributions use
        :func:`channel_localization_score`.

    foreground_mask : array-like of shape (n_samples, height, width) or \
            (height, width)
        Boolean (or 0/1) masks of the foreground (the dataset's
        ``foreground_mask``). A single mask applies to every sample; every
        mask must have at least one foreground pixel.

    smoothing_sigma : float or "auto", default=0
        The standard deviation (pixels) of a Gaussian smoothing applied before
        taking the maximum; ``"auto"`` is ``6 * size / 224`` as in
        :func:`localization_iou_score`. 0 (the default) disables it.

    reduce_channels : {"mean_abs", "sum_abs", "max_abs"} or None, \
            default="mean_abs"
        The channel reduction, as in :func:`localization_iou_score`.

    Returns
    -------
    score : float
        The mean hit rate over samples, in [0, 1].

    See Also
    --------
    localization_iou_score : The paper's top-k bounding-box IoU.
    skchaos.datasets.make_image_localization : Data with ``foreground_mask``.

    Notes
    -----
    With reduced map :math:`M_i` and mask :math:`F_i`, the set of maximal
    pixels is :math:`A_i = \\arg\\max M_i`, and the score is

    .. math::

        \\frac{1}{n} \\sum_i \\frac{|A_i \\cap F_i|}{|A_i|},

    so a unique maximum scores 0 or 1 and ties are split: the expected hit of
    a random tie-break. A constant map scores the foreground's share of the
    image, the chance level.

    References
    ----------
    .. [1] Zhang, Bargal, Lin, Brandt, Shen and Sclaroff, "Top-Down Neural
       Attention by Excitation Backprop", International Journal of Computer
       Vision, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.metrics import pointing_game_score
    >>> mask = np.zeros((2, 8, 8), dtype=bool)
    >>> mask[:, 2:4, 2:4] = True
    >>> attributions = np.zeros((2, 8, 8))
    >>> attributions[0, 3, 3] = 1.0  # on the foreground
    >>> attributions[1, 6, 6] = 1.0  # off the foreground
    >>> pointing_game_score(attributions, mask)
    0.5
    """
    values = _check_image_attributions(attributions, reduce_channels)
    n_samples, _, height, width = values.shape
    if np.ndim(foreground_mask) not in (2, 3):
        raise ValueError(
            f"foreground_mask must have shape ({n_samples}, height, width) or "
            f"(height, width); got shape {np.shape(foreground_mask)}."
        )
    mask = check_array(
        foreground_mask,
        dtype=None,
        ensure_2d=False,
        allow_nd=True,
        input_name="foreground_mask",
    )
    if mask.dtype != bool:
        if not np.isin(mask, (0, 1)).all():
            raise ValueError(
                "foreground_mask must be boolean or hold only 0 and 1; got other "
                "values."
            )
        mask = mask.astype(bool)
    if mask.ndim == 2:
        mask = mask[None]
    if mask.shape[1:] != (height, width) or mask.shape[0] not in (1, n_samples):
        raise ValueError(
            f"foreground_mask has shape {mask.shape} but the attribution maps "
            f"are {n_samples} x {height} x {width}; expected ({n_samples}, "
            f"{height}, {width}) or ({height}, {width})."
        )
    mask = np.broadcast_to(mask, (n_samples, height, width))
    empty = ~mask.any(axis=(1, 2))
    if empty.any():
        raise ValueError(
            f"foreground_mask is empty for sample {int(np.flatnonzero(empty)[0])}; "
            "expected at least one foreground pixel per sample."
        )
    hits = np.empty(n_samples)
    for rows, maps in _iter_maps(values, reduce_channels, smoothing_sigma):
        is_max = maps == maps.max(axis=(1, 2), keepdims=True)
        hits[rows] = (is_max & mask[rows]).sum(axis=(1, 2)) / is_max.sum(axis=(1, 2))
    return float(np.mean(hits))


@validate_params(
    {"attributions": ["array-like"], "informative_channel": ["array-like", Integral]},
    prefer_skip_nested_validation=True,
)
def channel_localization_score(attributions, informative_channel):
    """Share of attribution mass on the informative channel (ChaosMining audio).

    For each sample, the mean absolute attribution of every channel is
    computed, and the informative channel's share of their sum is taken; the
    score is the mean share over samples. 1 means all attribution lies on the
    informative channel; spreading it evenly scores ``1 / n_channels``, the
    chance level.

    Parameters
    ----------
    attributions : array-like of shape (n_samples, n_channels, n_timesteps)
        Attributions of a multi-channel input, for example of a classifier
        trained on :func:`~skchaos.datasets.make_audio_localization` data.
        Any number of trailing axes is averaged over; (n_samples, n_channels)
        gives one value per channel.

    informative_channel : array-like of shape (n_samples,) or int
        The index of each sample's informative channel (the dataset's
        ``informative_channel``), or one index for every sample.

    Returns
    -------
    score : float
        The mean share over samples, in [0, 1].

    See Also
    --------
    localization_iou_score : The image counterpart.
    skchaos.datasets.make_audio_localization : Data with
        ``informative_channel``.

    Notes
    -----
    With :math:`e_{ic} = \\operatorname{mean}_t |a_{ict}|` and informative
    channel :math:`c_i`,

    .. math::

        \\frac{1}{n} \\sum_i \\frac{e_{i c_i}}{\\sum_c e_{ic}}.

    A sample whose attributions are all zero carries no localization and
    counts as an even spread, ``1 / n_channels``.

    References
    ----------
    .. [1] Shi, Kan, Smucny and Davidson, "ChaosMining: A Benchmark to Evaluate
       Post-Hoc Local Attribution Methods in Low SNR Environments",
       arXiv:2406.12150, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.metrics import channel_localization_score
    >>> attributions = np.zeros((2, 4, 10))
    >>> attributions[0, 1] = 1.0  # all mass on channel 1
    >>> attributions[1] = 1.0  # spread evenly over the 4 channels
    >>> channel_localization_score(attributions, [1, 3])
    0.625
    """
    if np.ndim(attributions) < 2:
        raise ValueError(
            "attributions must have shape (n_samples, n_channels, n_timesteps) "
            f"or (n_samples, n_channels); got shape {np.shape(attributions)}."
        )
    values = check_array(
        attributions,
        dtype=[np.float64, np.float32],
        ensure_2d=False,
        allow_nd=True,
        input_name="attributions",
    )
    n_samples, n_channels = values.shape[:2]
    energy = np.abs(values.reshape(n_samples, n_channels, -1)).mean(axis=2)

    channel = np.asarray(informative_channel)
    if channel.ndim == 0:
        channel = np.full(n_samples, channel)
    if channel.ndim != 1 or channel.shape[0] != n_samples:
        raise ValueError(
            f"informative_channel must have shape ({n_samples},), one channel "
            f"per sample, or be one int; got shape {np.shape(informative_channel)}."
        )
    if not np.issubdtype(channel.dtype, np.integer):
        if not (
            np.issubdtype(channel.dtype, np.floating)
            and np.all(channel == np.round(channel))
        ):
            raise ValueError(
                "informative_channel must hold integer channel indices; got "
                f"dtype {channel.dtype}."
            )
        channel = channel.astype(np.int64)
    if channel.min() < 0 or channel.max() >= n_channels:
        raise ValueError(
            f"informative_channel must lie in [0, {n_channels - 1}] for "
            f"attributions with {n_channels} channels; got values from "
            f"{channel.min()} to {channel.max()}."
        )
    total = energy.sum(axis=1)
    share = np.divide(
        energy[np.arange(n_samples), channel],
        total,
        out=np.full(n_samples, 1.0 / n_channels),
        where=total > 0,
    )
    return float(np.mean(share))
