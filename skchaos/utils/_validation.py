"""Checks of the per-row metadata of ``fit``: sample weights and groups."""

from numbers import Number

import numpy as np
from sklearn_compat.utils.validation import check_array

# A network has learned something when its loss beats the best constant
# prediction's by more than this fraction of the constant's (an R^2 of 0.01
# for the squared error): the selectors' check and the nets' until_learned.
MIN_GAIN = 0.01


def _n_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def check_sample_weight(sample_weight, X):
    """Validate ``sample_weight`` for the rows of ``X``; return float64 weights.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,)
        One weight per row of ``X``: finite, non-negative, not all zero.
    X : array-like of shape (n_samples, ...)
        The rows the weights belong to.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        Naming ``sample_weight``, what is wrong and what was expected.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.utils import check_sample_weight
    >>> check_sample_weight([1, 0, 2], np.zeros((3, 2)))
    array([1., 0., 2.])
    >>> check_sample_weight([1, -1, 2], np.zeros((3, 2)))
    Traceback (most recent call last):
    ...
    ValueError: sample_weight must be non-negative; got 1 negative weight(s), e.g. -1.0.
    """
    n_rows = _n_rows(X)
    if isinstance(sample_weight, Number | str):
        raise ValueError(
            f"sample_weight must be an array of one weight per row, shape "
            f"({n_rows},); got the scalar {sample_weight!r}."
        )
    weight = check_array(
        sample_weight,
        ensure_2d=False,
        dtype=np.float64,
        ensure_all_finite=False,
        ensure_min_samples=0,
        input_name="sample_weight",
    )
    if weight.shape != (n_rows,):
        raise ValueError(
            f"sample_weight must have one weight per row of X, shape ({n_rows},); "
            f"got shape {weight.shape}."
        )
    if not np.all(np.isfinite(weight)):
        raise ValueError(
            f"sample_weight must be finite; got {int(np.sum(~np.isfinite(weight)))} "
            "NaN or infinite weight(s)."
        )
    negative = weight < 0
    if negative.any():
        raise ValueError(
            f"sample_weight must be non-negative; got {int(negative.sum())} "
            f"negative weight(s), e.g. {weight[negative][0]}."
        )
    if not weight.any():
        raise ValueError(
            "sample_weight is zero for every row; at least one row needs a "
            "positive weight."
        )
    return weight


def check_groups(groups, X, *, min_groups=1):
    """Validate ``groups`` for the rows of ``X``; return the group labels.

    Parameters
    ----------
    groups : array-like of shape (n_samples,)
        The group label of each row of ``X`` (any hashable values).
    X : array-like of shape (n_samples, ...)
        The rows the labels belong to.
    min_groups : int, default=1
        The number of distinct groups needed (2 for a split that keeps each
        group on one side).

    Returns
    -------
    groups : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.utils import check_groups
    >>> check_groups(["a", "a", "b"], np.zeros((3, 2)), min_groups=2)
    array(['a', 'a', 'b'], dtype='<U1')
    >>> check_groups([1, 1, 1], np.zeros((3, 2)), min_groups=2)
    Traceback (most recent call last):
    ...
    ValueError: groups has 1 distinct group; ... needs at least 2.
    """
    n_rows = _n_rows(X)
    labels = check_array(
        groups,
        ensure_2d=False,
        dtype=None,
        ensure_min_samples=0,
        input_name="groups",
    )
    if labels.shape != (n_rows,):
        raise ValueError(
            f"groups must have one group label per row of X, shape ({n_rows},); "
            f"got shape {labels.shape}."
        )
    n_groups = len(np.unique(labels))
    if n_groups < min_groups:
        raise ValueError(
            f"groups has {n_groups} distinct group; splitting the rows with each "
            f"group on one side needs at least {min_groups}."
        )
    return labels
