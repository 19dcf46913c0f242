"""Image localization dataset (the ChaosMining vision benchmark).

A small labelled foreground patch is pasted into a larger uninformative
background; an image classifier has to find it, and its attributions can be
scored against the known position of the patch with
:func:`skchaos.metrics.localization_iou_score` or
:func:`skchaos.metrics.pointing_game_score`.
"""

import functools
from numbers import Integral

import numpy as np
from sklearn.datasets import load_digits, load_sample_images
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

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

# Values per chunk when drawing the random-noise backgrounds, to bound the
# float64 temporaries of ``RandomState.random_sample``.
_NOISE_CHUNK_VALUES = 1 << 22
# Values per batched resize of structured-background sources (256 MB float32).
_RESIZE_CHUNK_VALUES = 1 << 26
# Number of crop sizes of the structured backgrounds. Crops are taken from the
# source resized once per size, so the per-sample work is a plain crop.
_N_CROP_SCALES = 16

_DESCR_TEMPLATE = """\
.. _image_localization_dataset:

Image localization dataset (ChaosMining vision benchmark)
---------------------------------------------------------

A labelled foreground patch pasted into an uninformative background, so the
region an image classifier must attend to is known exactly (Shi et al., 2024,
arXiv:2406.12150).

**Data Set Characteristics:**

:Number of Instances: {n_samples}
:Image shape: {n_channels} x {image_size} x {image_size} (channels, rows, columns)
:Values: float32, in [0, 1] for the default foreground and backgrounds
:Condition: {condition} ({condition_text})
:Foreground: {foreground_text}, patch {patch_h} x {patch_w} pixels
:Background: {background_text}
:Position: {position_text}
:Pasting: the patch replaces the background pixels under it
:Classes: {n_classes}
:Truth: ``foreground_box`` (x, y, w, h) with x the column and y the row of the
    top-left pixel, and ``foreground_mask``, True exactly on the patch
"""


@functools.lru_cache(maxsize=1)
def _digit_pool():
    """sklearn's 8x8 digits in [0, 1], shape (1797, 1, 8, 8), read-only."""
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]
    images.flags.writeable = False
    return images, digits.target, digits.target_names


@functools.lru_cache(maxsize=1)
def _sample_image_pool():
    """sklearn's two sample photographs in [0, 1], shape (2, 3, 427, 640)."""
    images = np.stack(load_sample_images().images).astype(np.float32) / 255.0
    images = np.ascontiguousarray(images.transpose(0, 3, 1, 2))
    images.flags.writeable = False
    return images


def _as_nchw(array, name):
    """User images (n, h, w) or (n, h, w, C) -> float32 (n, C, h, w) in [0, 1].

    ``uint8`` arrays are divided by 255; other dtypes are used as given.
    """
    array = _check_source_array(
        array, name=name, ndims=(3, 4), layout="(n, h, w) or (n, h, w, n_channels)"
    )
    scale = 1.0 / 255.0 if array.dtype == np.uint8 else 1.0
    array = np.asarray(array, dtype=np.float32) * np.float32(scale)
    if array.ndim == 3:
        return array[:, None]
    return np.ascontiguousarray(array.transpose(0, 3, 1, 2))


def _match_channels(images, n_channels):
    """Average to one channel unless the count matches, then replicate.

    Returns an array of shape (n, n_channels, h, w) or (n, 1, h, w); a single
    channel broadcasts over ``n_channels`` when pasted.
    """
    if images.shape[1] in (1, n_channels):
        return images
    return images.mean(axis=1, keepdims=True)


def _resize(images, size):
    """Antialiased bilinear resize of (n, C, h, w) float32 to (n, C, *size)."""
    import torch
    import torch.nn.functional as F

    if images.shape[-2:] == tuple(size):
        return np.asarray(images)
    tensor = torch.from_numpy(np.ascontiguousarray(images))
    resized = F.interpolate(
        tensor, size=tuple(size), mode="bilinear", antialias=True, align_corners=False
    ).numpy()
    # The filter is a convex combination; clip its float rounding to the range.
    return np.clip(resized, images.min(), images.max(), out=resized)


def _fill_noise(out, generator):
    """Fill ``out`` (n, C, H, W) with uniform [0, 1) noise, chunk by chunk."""
    per_sample = int(np.prod(out.shape[1:]))
    step = max(1, _NOISE_CHUNK_VALUES // per_sample)
    for start in range(0, out.shape[0], step):
        block = out[start : start + step]
        block[...] = generator.random_sample(block.shape)


def _fill_structured(out, pool, generator):
    """Fill ``out`` with random square crops of ``pool``, resized and flipped.

    Each sample takes a pool image (every image once per round) and one of
    ``_N_CROP_SCALES`` crop sides, evenly spaced between
    ``min(image_size, short side)`` and the short side of the pool images.
    The pool image is resized by ``image_size / side`` (antialiased bilinear;
    one batched call per scale), so that a square crop of that side becomes
    ``image_size`` pixels; the crop is taken at a uniform position and flipped
    left-right with probability 1/2.
    """
    n_samples, n_channels, image_size, _ = out.shape
    height, width = pool.shape[-2:]
    short = min(height, width)
    sides = np.unique(
        np.linspace(min(image_size, short), short, _N_CROP_SCALES).round().astype(int)
    )
    index = _draw_balanced_indices(n_samples, pool.shape[0], generator)
    scale = generator.randint(0, sides.size, size=n_samples)
    row_draws = generator.random_sample(n_samples)
    col_draws = generator.random_sample(n_samples)
    flips = generator.random_sample(n_samples) < 0.5

    for level, side in enumerate(sides):
        size = (
            max(image_size, round(height * image_size / side)),
            max(image_size, round(width * image_size / side)),
        )
        chosen = np.flatnonzero(scale == level)
        sources, inverse = np.unique(index[chosen], return_inverse=True)
        step = max(1, _RESIZE_CHUNK_VALUES // (pool.shape[1] * size[0] * size[1]))
        for start in range(0, sources.size, step):
            block = _resize(pool[sources[start : start + step]], size)
            in_block = (inverse >= start) & (inverse < start + step)
            members = chosen[in_block]
            rows = (row_draws[members] * (size[0] - image_size + 1)).astype(int)
            cols = (col_draws[members] * (size[1] - image_size + 1)).astype(int)
            local = inverse[in_block] - start
            # A plain slice per sample: faster than any fancy-index gather.
            for i, j, r, c in zip(members, local, rows, cols):
                crop = block[j, :, r : r + image_size, c : c + image_size]
                out[i] = crop[:, :, ::-1] if flips[i] else crop


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "condition": [str],
        "image_size": [Interval(Integral, 1, None, closed="left")],
        "patch_size": [Interval(Integral, 1, None, closed="left")],
        "foreground": ["array-like", None],
        "foreground_labels": ["array-like", None],
        "background": ["array-like", None],
        "n_channels": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
@Substitution(**DATASETS_FIELDS)
def make_image_localization(
    n_samples=1000,
    *,
    condition="RBRP",
    image_size=64,
    patch_size=16,
    foreground=None,
    foreground_labels=None,
    background=None,
    n_channels=3,
    random_state=None,
    return_X_y=True,
):
    """Generate the ChaosMining image localization dataset.

    Each image is a background of shape ``(n_channels, image_size,
    image_size)`` into which a labelled foreground patch is pasted; the label
    of the image is the label of the patch. Because only the patch carries
    the class, a good attribution map concentrates on it, and its position is
    returned as ground truth.

    The four conditions of the paper are named by two letters each. The
    background is random noise (``"RB"``: i.i.d. uniform noise in [0, 1]) or
    structured (``"SB"``: crops of natural photographs), and the patch sits at
    a fixed position (``"FP"``: the centre of the image) or at a uniformly
    random position fully inside the image (``"RP"``).

    Parameters
    ----------
    n_samples : int, default=1000
        The number of images.

    condition : {"RBFP", "RBRP", "SBFP", "SBRP"}, default="RBRP"
        The background and position condition (case-insensitive).

    image_size : int, default=64
        The height and width of the images. The paper uses 224.

    patch_size : int, default=16
        The height and width of the default foreground: sklearn's 8x8 digits
        are resized to ``patch_size`` pixels (bilinear). Ignored when
        ``foreground`` is given: user patches are pasted at their own size,
        unresized, as the paper pastes 32x32 CIFAR-10 images.

    foreground : array-like of shape (n_fg, h, w) or (n_fg, h, w, C), \
            default=None
        User foreground patches, channels last (for example CIFAR-10 images),
        with ``h, w <= image_size``. ``uint8`` arrays are divided by 255;
        other dtypes are used as given. ``None`` uses sklearn's
        :func:`~sklearn.datasets.load_digits` images (1797 grey 8x8 digits,
        10 classes), scaled to [0, 1] and replicated over the channels. Items
        are drawn in random order, each used once before any is reused (so
        ``n_samples <= n_fg`` draws without replacement); the index of the
        item each sample uses is returned as ``foreground_index``.

    foreground_labels : array-like of shape (n_fg,), default=None
        The class labels of ``foreground``. Required with ``foreground``,
        refused without it.

    background : array-like of shape (n_bg, H, W) or (n_bg, H, W, C), \
            default=None
        User background images, channels last, for the structured conditions
        (``"SBFP"``, ``"SBRP"``) only; ``uint8`` arrays are divided by 255.
        ``None`` uses sklearn's :func:`~sklearn.datasets.load_sample_images`
        photographs (``china.jpg`` and ``flower.jpg``, 427x640), which ship
        with scikit-learn, so no download is needed. Each image takes a
        background (each used once per round), a square crop at a uniform
        position with one of 16 sides evenly spaced between
        ``min(image_size, min(H, W))`` and ``min(H, W)``, resized to
        ``image_size`` (antialiased bilinear; crops of exactly ``image_size``
        are used as is), and a random left-right flip.

    n_channels : int, default=3
        The number of image channels. A foreground or background with a
        different number of channels is averaged over its channels (unless it
        has one) and the result is replicated over the ``n_channels``
        channels.

    random_state : int, RandomState instance or None, default=None
        Determines the foreground draws, the positions and the backgrounds.
        Pass an int for reproducible output across multiple function calls.
        See :term:`Glossary <random_state>`.

    return_X_y : bool, default=True
        If True, return ``(data, target)``; otherwise a
        :class:`~sklearn.utils.Bunch`.

    Returns
    -------
    data : ndarray of shape (n_samples, n_channels, image_size, image_size)
        The images, float32, channels first (the PyTorch layout). Only
        returned when ``return_X_y`` is True.

    target : ndarray of shape (n_samples,)
        The class labels. Only returned when ``return_X_y`` is True.

    dataset : :class:`~sklearn.utils.Bunch`
        Only returned when ``return_X_y`` is False, with the keys:

        data : ndarray of shape (n_samples, n_channels, image_size, \
                image_size)
            The images, float32.
        target : ndarray of shape (n_samples,)
            The class labels.
        foreground_box : ndarray of shape (n_samples, 4)
            The pasted patch as integer ``(x, y, w, h)``: ``x`` is the column
            and ``y`` the row of its top-left pixel, ``w`` its width and
            ``h`` its height.
        foreground_mask : ndarray of shape (n_samples, image_size, \
                image_size)
            Boolean, True exactly on the pasted patch.
        foreground_index : ndarray of shape (n_samples,)
            The index of the foreground item (into ``foreground`` or the
            digits) each sample uses.
        condition : str
            The upper-case condition.
        target_names : ndarray
            The class names (the digits 0-9, or the sorted unique
            ``foreground_labels``).
        DESCR : str
            A description of the dataset.

    See Also
    --------
    make_audio_localization : The audio counterpart (informative channel).
    skchaos.metrics.localization_iou_score : Score attributions against
        ``foreground_box``.
    skchaos.metrics.pointing_game_score : Score attributions against
        ``foreground_mask``.

    Notes
    -----
    The paper pastes 32x32 CIFAR-10 images into 224x224 backgrounds of
    uniform noise or Flowers102 photographs. Neither can be downloaded here,
    so the defaults use data that ship with scikit-learn, at a smaller default
    scale (64 px images, 16 px digits); ``image_size=224`` with a CIFAR-10
    ``foreground`` and a Flowers102 ``background`` reproduces the paper's
    setting. The default digits are grey (equal channels), so colour carries
    no class information.

    The output is dense float32: ``4 * n_samples * n_channels *
    image_size**2`` bytes, about 600 MB for the paper's 1000 x 3 x 224 x 224
    (plus ``n_samples * image_size**2`` bytes for the mask), so large sets
    are best generated in pieces with different ``random_state`` values.

    References
    ----------
    %(reference)s

    Examples
    --------
    >>> from skchaos.datasets import make_image_localization
    >>> X, y = make_image_localization(n_samples=4, random_state=0)
    >>> X.shape, X.dtype, y.shape
    ((4, 3, 64, 64), dtype('float32'), (4,))
    >>> data = make_image_localization(
    ...     n_samples=2, condition="SBFP", random_state=0, return_X_y=False
    ... )
    >>> data.foreground_box
    array([[24, 24, 16, 16],
           [24, 24, 16, 16]])
    >>> int(data.foreground_mask[0].sum())
    256
    """
    condition, structured, random_position = _parse_condition(condition)
    _check_background_usage(background, structured, condition)
    _refuse_orphan_labels(foreground, foreground_labels)

    if foreground is None:
        if patch_size > image_size:
            raise ValueError(
                f"patch_size={patch_size} is larger than image_size={image_size}; "
                "expected patch_size <= image_size so that the patch fits."
            )
        pool, pool_labels, target_names = _digit_pool()
        target_names = target_names.copy()  # never hand out the cached array
        foreground_text = (
            f"sklearn's 8x8 digits resized to {patch_size} x {patch_size}, grey"
        )
    else:
        pool = _as_nchw(foreground, "foreground")
        pool_labels, target_names = _check_source_labels(
            foreground_labels, pool.shape[0]
        )
        if max(pool.shape[-2:]) > image_size:
            raise ValueError(
                f"foreground patches are {pool.shape[2]} x {pool.shape[3]} pixels "
                f"(h x w), larger than image_size={image_size}; expected "
                "h, w <= image_size (user patches are pasted unresized)."
            )
        foreground_text = f"{pool.shape[0]} user images"
    if structured:
        if background is None:
            background_pool = _sample_image_pool()
            background_text = "crops of sklearn's sample images (china, flower)"
        else:
            background_pool = _as_nchw(background, "background")
            background_text = f"crops of {background_pool.shape[0]} user images"
        background_pool = np.ascontiguousarray(
            _match_channels(background_pool, n_channels)
        )
        background_text += ", random size, resized, random left-right flip"
    else:
        background_text = "i.i.d. uniform noise in [0, 1]"

    generator = check_random_state(random_state)
    foreground_index = _draw_balanced_indices(n_samples, pool.shape[0], generator)
    patches = _match_channels(pool[foreground_index], n_channels)
    if foreground is None:
        patches = _resize(patches, (patch_size, patch_size))
    patch_h, patch_w = patches.shape[-2:]
    rows = _draw_positions(
        n_samples,
        image_size - patch_h + 1,
        (image_size - patch_h) // 2,
        random_position,
        generator,
    )
    cols = _draw_positions(
        n_samples,
        image_size - patch_w + 1,
        (image_size - patch_w) // 2,
        random_position,
        generator,
    )

    data = np.empty((n_samples, n_channels, image_size, image_size), np.float32)
    if structured:
        _fill_structured(data, background_pool, generator)
    else:
        _fill_noise(data, generator)

    # Paste all patches at once by fancy indexing: (n, C, h, w) index grids.
    patch_rows = rows[:, None] + np.arange(patch_h)
    patch_cols = cols[:, None] + np.arange(patch_w)
    samples = np.arange(n_samples)[:, None, None, None]
    channels = np.arange(n_channels)[None, :, None, None]
    data[samples, channels, patch_rows[:, None, :, None], patch_cols[:, None, None]] = (
        patches
    )
    pixel = np.arange(image_size)
    in_rows = (pixel >= rows[:, None]) & (pixel < rows[:, None] + patch_h)
    in_cols = (pixel >= cols[:, None]) & (pixel < cols[:, None] + patch_w)
    foreground_mask = in_rows[:, :, None] & in_cols[:, None, :]
    foreground_box = np.column_stack(
        [cols, rows, np.full(n_samples, patch_w), np.full(n_samples, patch_h)]
    ).astype(np.int64)
    target = pool_labels[foreground_index]
    if return_X_y:
        return data, target

    position_text = (
        "uniformly random top-left, patch fully inside the image"
        if random_position
        else f"fixed at the centre, top-left (x, y) = ({cols[0]}, {rows[0]})"
    )
    descr = _DESCR_TEMPLATE.format(
        n_samples=n_samples,
        n_channels=n_channels,
        image_size=image_size,
        condition=condition,
        condition_text=_CONDITION_TEXT[condition],
        foreground_text=foreground_text,
        patch_h=patch_h,
        patch_w=patch_w,
        background_text=background_text,
        position_text=position_text,
        n_classes=len(target_names),
    )
    return Bunch(
        data=data,
        target=target,
        foreground_box=foreground_box,
        foreground_mask=foreground_mask,
        foreground_index=foreground_index,
        condition=condition,
        target_names=target_names,
        DESCR=descr,
    )
