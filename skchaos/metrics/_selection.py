"""Feature-selection metrics: a selected feature set against the relevant set.

The three metrics share one validation and counting step,
:func:`_selection_counts`, and follow scikit-learn's ``*_score`` convention.
"""

from numbers import Real

import numpy as np
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, validate_params

from skchaos.metrics._attribution import _check_relevant_mask

_PARAMETER_CONSTRAINTS = {
    "support": ["array-like"],
    "relevant_mask": ["array-like"],
    "zero_division": [Interval(Real, 0.0, 1.0, closed="both"), "nan"],
}


def _check_support(support, n_features):
    """Return ``support`` (a boolean mask or integer indices) as a boolean mask."""
    support = check_array(
        support,
        ensure_2d=False,
        allow_nd=True,
        dtype=None,
        ensure_min_samples=0,
        input_name="support",
    )
    if support.ndim != 1:
        raise ValueError(
            "support must be 1-D: a boolean mask of shape (n_features,) or an "
            f"array of feature indices, got shape {support.shape}."
        )
    if support.dtype == bool:
        if support.shape[0] != n_features:
            raise ValueError(
                f"support is a boolean mask of length {support.shape[0]}, but "
                f"relevant_mask has n_features={n_features}."
            )
        return support
    if support.size == 0:
        # An empty selection; ``[]`` converts to float64 in numpy.
        return np.zeros(n_features, dtype=bool)
    if support.dtype.kind not in "iu":
        raise TypeError(
            "support must be a boolean mask or an array of integer feature "
            f"indices (as from get_support), got an array of dtype "
            f"{support.dtype}."
        )
    out_of_range = (support < 0) | (support >= n_features)
    if out_of_range.any():
        raise ValueError(
            f"support holds indices out of range [0, {n_features}) for "
            f"n_features={n_features}: {support[out_of_range].tolist()}."
        )
    unique, counts = np.unique(support, return_counts=True)
    if unique.size != support.size:
        raise ValueError(
            "support holds duplicate feature indices: "
            f"{unique[counts > 1].tolist()}; each feature can be selected once."
        )
    mask = np.zeros(n_features, dtype=bool)
    mask[support] = True
    return mask


def _selection_counts(support, relevant_mask):
    """Count selected-and-relevant, selected and relevant features."""
    relevant = _check_relevant_mask(relevant_mask)
    selected = _check_support(support, relevant.shape[0])
    n_true_positives = int(np.count_nonzero(selected & relevant))
    return n_true_positives, int(selected.sum()), int(relevant.sum())


def _ratio(numerator, denominator, zero_division):
    if denominator == 0:
        return float(zero_division)
    return numerator / denominator


@validate_params(_PARAMETER_CONSTRAINTS, prefer_skip_nested_validation=True)
def selection_precision_score(support, relevant_mask, *, zero_division=0.0):
    r"""Precision of a selected feature set: the share that is relevant.

    Parameters
    ----------
    support : array-like of bool of shape (n_features,) or array-like of int
        The selected features, as a boolean mask (as from a selector's
        ``get_support()``) or as integer feature indices (as from
        ``get_support(indices=True)``; no duplicates, each in
        ``[0, n_features)``).

    relevant_mask : array-like of bool of shape (n_features,)
        True for the truly relevant features; it also fixes ``n_features``.

    zero_division : float in [0, 1] or np.nan, default=0.0
        The value returned when no feature is selected.

    Returns
    -------
    precision : float
        :math:`|S \cap R| / |S|`.

    See Also
    --------
    selection_recall_score : Share of the relevant features that is selected.
    selection_f1_score : Harmonic mean of the two.
    sklearn.metrics.precision_score : The same quantity computed from
        ``(relevant_mask, selected_mask)`` viewed as binary labels.

    Notes
    -----
    With :math:`S` the selected and :math:`R` the relevant features,

    .. math::

        \mathrm{precision} = \frac{|S \cap R|}{|S|}.

    References
    ----------
    .. [1] G. Shi, Z. Kan, J. Smucny and I. Davidson, "ChaosMining: A
       Benchmark to Evaluate Post-Hoc Local Attribution Methods in Low SNR
       Environments", arXiv:2406.12150, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.metrics import selection_precision_score
    >>> relevant = np.array([True, True, False, False])
    >>> selection_precision_score([0, 2], relevant)
    0.5
    >>> selection_precision_score([True, False, False, False], relevant)
    1.0
    >>> selection_precision_score([], relevant, zero_division=np.nan)
    nan
    """
    n_true_positives, n_selected, _ = _selection_counts(support, relevant_mask)
    return _ratio(n_true_positives, n_selected, zero_division)


@validate_params(_PARAMETER_CONSTRAINTS, prefer_skip_nested_validation=True)
def selection_recall_score(support, relevant_mask, *, zero_division=0.0):
    r"""Recall of a selected feature set: the share of relevant features found.

    Parameters
    ----------
    support : array-like of bool of shape (n_features,) or array-like of int
        The selected features, as a boolean mask (as from a selector's
        ``get_support()``) or as integer feature indices (as from
        ``get_support(indices=True)``; no duplicates, each in
        ``[0, n_features)``).

    relevant_mask : array-like of bool of shape (n_features,)
        True for the truly relevant features; it also fixes ``n_features``.

    zero_division : float in [0, 1] or np.nan, default=0.0
        The value returned when no feature is relevant.

    Returns
    -------
    recall : float
        :math:`|S \cap R| / |R|`.

    See Also
    --------
    selection_precision_score : Share of the selected features that is
        relevant.
    selection_f1_score : Harmonic mean of the two.
    sklearn.metrics.recall_score : The same quantity computed from
        ``(relevant_mask, selected_mask)`` viewed as binary labels.

    Notes
    -----
    With :math:`S` the selected and :math:`R` the relevant features,

    .. math::

        \mathrm{recall} = \frac{|S \cap R|}{|R|}.

    References
    ----------
    .. [1] G. Shi, Z. Kan, J. Smucny and I. Davidson, "ChaosMining: A
       Benchmark to Evaluate Post-Hoc Local Attribution Methods in Low SNR
       Environments", arXiv:2406.12150, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.metrics import selection_recall_score
    >>> relevant = np.array([True, True, False, False])
    >>> selection_recall_score([0, 2], relevant)
    0.5
    >>> selection_recall_score([True, True, True, False], relevant)
    1.0
    """
    n_true_positives, _, n_relevant = _selection_counts(support, relevant_mask)
    return _ratio(n_true_positives, n_relevant, zero_division)


@validate_params(_PARAMETER_CONSTRAINTS, prefer_skip_nested_validation=True)
def selection_f1_score(support, relevant_mask, *, zero_division=0.0):
    r"""F1 score of a selected feature set against the relevant set.

    Parameters
    ----------
    support : array-like of bool of shape (n_features,) or array-like of int
        The selected features, as a boolean mask (as from a selector's
        ``get_support()``) or as integer feature indices (as from
        ``get_support(indices=True)``; no duplicates, each in
        ``[0, n_features)``).

    relevant_mask : array-like of bool of shape (n_features,)
        True for the truly relevant features; it also fixes ``n_features``.

    zero_division : float in [0, 1] or np.nan, default=0.0
        The value returned when no feature is selected and none is relevant.

    Returns
    -------
    f1 : float
        :math:`2 |S \cap R| / (|S| + |R|)`.

    See Also
    --------
    selection_precision_score : Share of the selected features that is
        relevant.
    selection_recall_score : Share of the relevant features that is selected.
    sklearn.metrics.f1_score : The same quantity computed from
        ``(relevant_mask, selected_mask)`` viewed as binary labels.

    Notes
    -----
    With :math:`S` the selected and :math:`R` the relevant features, the
    harmonic mean of precision and recall is

    .. math::

        F_1 = \frac{2 |S \cap R|}{|S| + |R|},

    which is 0, not undefined, when exactly one of :math:`S` and :math:`R`
    is empty (as in :func:`sklearn.metrics.f1_score`). When
    :math:`|S| = |R|`, for example for a selector told the number of relevant
    features, precision, recall and F1 coincide.

    References
    ----------
    .. [1] G. Shi, Z. Kan, J. Smucny and I. Davidson, "ChaosMining: A
       Benchmark to Evaluate Post-Hoc Local Attribution Methods in Low SNR
       Environments", arXiv:2406.12150, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.metrics import selection_f1_score
    >>> relevant = np.array([True, True, False, False])
    >>> round(selection_f1_score([0, 2, 3], relevant), 3)
    0.4
    >>> selection_f1_score(relevant, relevant)
    1.0
    """
    n_true_positives, n_selected, n_relevant = _selection_counts(support, relevant_mask)
    return _ratio(2 * n_true_positives, n_selected + n_relevant, zero_division)
