"""Shared logic of the localization generators (images and audio).

Both generators follow the ChaosMining localization benchmark
(arXiv:2406.12150): an informative foreground is placed into an uninformative
background, under one of four conditions named by two letters each: the
background is random noise (``RB``) or structured (``SB``), and the foreground
sits at a fixed position (``FP``) or a uniformly random one (``RP``). This
module parses the condition, validates user-supplied foreground and background
arrays, and draws which source items and positions each sample uses.
"""

import numpy as np
from sklearn.utils import column_or_1d
from sklearn_compat.utils.validation import check_array

# condition -> (structured background?, random position?)
_CONDITIONS = {
    "RBFP": (False, False),
    "RBRP": (False, True),
    "SBFP": (True, False),
    "SBRP": (True, True),
}
_CONDITION_TEXT = {
    "RBFP": "random-noise background, fixed position",
    "RBRP": "random-noise background, random position",
    "SBFP": "structured background, fixed position",
    "SBRP": "structured background, random position",
}


def _parse_condition(condition):
    """Normalize a condition name (case-insensitive).

    Returns
    -------
    condition : str
        The upper-case name, one of ``"RBFP"``, ``"RBRP"``, ``"SBFP"``,
        ``"SBRP"``.
    structured : bool
        Whether the background is structured (``SB``).
    random_position : bool
        Whether the foreground position is random (``RP``).
    """
    name = condition.upper()
    if name not in _CONDITIONS:
        raise ValueError(
            f"condition={condition!r} is not a localization condition; expected "
            f"one of {sorted(_CONDITIONS)} (case-insensitive): RB/SB = random or "
            "structured background, FP/RP = fixed or random position."
        )
    structured, random_position = _CONDITIONS[name]
    return name, structured, random_position


def _check_background_usage(background, structured, condition):
    """Refuse a user background that the condition would silently ignore."""
    if background is not None and not structured:
        raise ValueError(
            f"background is only used by the structured-background conditions "
            f"'SBFP' and 'SBRP', but condition={condition!r} draws a random-noise "
            "background; pass background=None or a structured condition."
        )


def _check_source_array(array, *, name, ndims, layout):
    """Validate a user foreground or background array.

    Parameters
    ----------
    array : array-like
        The user array.
    name : str
        The parameter name, used in error messages.
    ndims : tuple of int
        The accepted numbers of dimensions.
    layout : str
        The accepted shapes in words, used in error messages.

    Returns
    -------
    array : ndarray
        The validated array, numeric dtype preserved (``uint8`` stays
        ``uint8``), finite, with at least one item.
    """
    ndim = np.ndim(array)
    if ndim not in ndims:
        raise ValueError(
            f"{name} must be an array of shape {layout}; got an array with "
            f"{ndim} dimension(s) and shape {np.shape(array)}."
        )
    return check_array(
        array,
        dtype="numeric",
        ensure_2d=False,
        allow_nd=True,
        ensure_min_features=0,
        input_name=name,
    )


def _check_source_labels(foreground_labels, n_items):
    """Validate ``foreground_labels`` against a user ``foreground``.

    Returns
    -------
    labels : ndarray of shape (n_items,)
        The labels of the foreground items.
    target_names : ndarray
        The sorted unique labels.
    """
    if foreground_labels is None:
        raise ValueError(
            "foreground_labels is required when foreground is given: pass one "
            f"class label per foreground item (an array of shape ({n_items},))."
        )
    if np.ndim(foreground_labels) != 1:
        raise ValueError(
            "foreground_labels must be a 1-D array with one label per foreground "
            f"item; got shape {np.shape(foreground_labels)}."
        )
    labels = column_or_1d(foreground_labels)
    if labels.shape[0] != n_items:
        raise ValueError(
            f"foreground_labels has {labels.shape[0]} labels but foreground has "
            f"{n_items} items; expected one label per foreground item."
        )
    return labels, np.unique(labels)


def _refuse_orphan_labels(foreground, foreground_labels):
    """Refuse labels passed without a foreground (they would be ignored)."""
    if foreground is None and foreground_labels is not None:
        raise ValueError(
            "foreground_labels is only used together with foreground; got "
            "foreground=None. Pass both, or neither for the default foreground."
        )


def _draw_balanced_indices(n_samples, n_items, generator):
    """Draw ``n_samples`` item indices, each item once per round.

    The indices are consecutive random permutations of ``range(n_items)``,
    truncated to ``n_samples``: no item is reused before every item has been
    used, so ``n_samples <= n_items`` draws without replacement and larger
    ``n_samples`` use every item ``floor`` or ``ceil(n_samples / n_items)``
    times.
    """
    n_rounds = -(-n_samples // n_items)
    if n_rounds <= 1:
        return generator.permutation(n_items)[:n_samples]
    rounds = [generator.permutation(n_items) for _ in range(n_rounds)]
    return np.concatenate(rounds)[:n_samples]


def _draw_positions(n_samples, n_positions, fixed_position, random_position, generator):
    """Positions in ``range(n_positions)``: uniform if random, else fixed."""
    if random_position:
        return generator.randint(0, n_positions, size=n_samples)
    return np.full(n_samples, fixed_position, dtype=np.intp)
