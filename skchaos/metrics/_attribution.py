"""Attribution metrics against a ground truth: uniformity and functional precision.

Both follow scikit-learn's ``*_score`` convention: they return a float in
``[0, 1]`` and higher is better.
"""

from numbers import Integral

import numpy as np
from sklearn.preprocessing import normalize as _normalize_rows
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

# Stabiliser in the denominator of the uniform score, as in the paper.
_US_EPS = 1e-7


def _check_attributions(array, *, input_name):
    """Validate an attribution-like array and flatten it to 2-D.

    Returns the float64 array of shape ``(n_samples, n_features)`` and the
    trailing shape a ``relevant_mask`` may also take: ``array.shape[1:]`` for
    inputs with two or more dimensions, ``(1,)`` for 1-D inputs (one column).
    """
    array = check_array(
        array,
        ensure_2d=False,
        allow_nd=True,
        dtype=np.float64,
        input_name=input_name,
    )
    if array.ndim == 1:
        return array.reshape(-1, 1), (1,)
    trailing_shape = array.shape[1:]
    array = array.reshape(array.shape[0], -1)
    if array.shape[1] == 0:
        raise ValueError(
            f"{input_name} must have at least one feature, got an array of "
            f"shape {(array.shape[0], *trailing_shape)}."
        )
    return array, trailing_shape


def _check_relevant_mask(relevant_mask, *, n_features=None, shape=None):
    """Validate a boolean mask of relevant features and return it as 1-D.

    Parameters
    ----------
    relevant_mask : array-like of bool
        The mask to check.
    n_features : int, default=None
        The required length of the flat mask; None accepts any non-empty 1-D
        mask.
    shape : tuple of int, default=None
        A second accepted shape (the trailing shape of n-dimensional
        attributions); a mask of that shape is flattened in C order.
    """
    mask = np.asarray(relevant_mask)
    if mask.dtype != bool:
        raise TypeError(
            "relevant_mask must be a boolean array (True for the relevant "
            f"features), got an array of dtype {mask.dtype}."
        )
    if shape is not None and mask.shape == tuple(shape):
        return mask.reshape(-1)
    if n_features is None:
        if mask.ndim != 1 or mask.size == 0:
            raise ValueError(
                "relevant_mask must be a non-empty 1-D boolean array of shape "
                f"(n_features,), got shape {mask.shape}."
            )
        return mask
    if mask.shape != (n_features,):
        expected = f"({n_features},)"
        if shape is not None and len(shape) > 1:
            expected += f" or {tuple(shape)}"
        raise ValueError(
            f"relevant_mask has shape {mask.shape}, expected {expected} to "
            "match the features of the attributions."
        )
    return mask


@validate_params(
    {
        "attributions": ["array-like"],
        "ground_truth": ["array-like"],
        "relevant_mask": ["array-like", None],
        "normalize": [StrOptions({"l1"}), None],
    },
    prefer_skip_nested_validation=True,
)
def uniformity_score(attributions, ground_truth, *, relevant_mask=None, normalize="l1"):
    r"""Uniform score (US) of attributions against ground-truth attributions.

    The ChaosMining uniform score compares two attribution maps entry by entry
    with a bounded relative error. With ``normalize="l1"`` (the paper's
    setting) each sample's attribution vector and truth vector are first
    divided by their L1 norm over *all* features, so only the shape of the
    attribution counts, and mass placed on noise features shrinks the values
    left on the relevant ones and lowers the score. Only the relevant
    features are then scored.

    Parameters
    ----------
    attributions : array-like of shape (n_samples, n_features) or (n_samples, ...)
        Attributions to score, one row per sample. A 1-D input is one
        feature (for example the predictions of a regressor); inputs with
        more than two dimensions (for example images ``(n, C, H, W)``) are
        flattened over all axes but the first.

    ground_truth : array-like of the same shape as ``attributions``
        Ground-truth attributions (or, with ``normalize=None``, the clean
        target). A 1-D input and a single column are interchangeable.

    relevant_mask : array-like of bool of shape (n_features,), default=None
        The features to score; the mask may also have the trailing shape of
        ``attributions`` (e.g. ``(C, H, W)`` for images). None scores the
        features whose ground truth is non-zero for at least one sample; this
        matches the paper whenever the truth is exactly zero on the noise
        features and nowhere else for every sample. Pass the mask from the
        data generator to be exact.

    normalize : {"l1"} or None, default="l1"
        ``"l1"`` divides each row of ``attributions`` and of
        ``ground_truth`` by its L1 norm over all features (rows of zeros stay
        zero). None compares the raw values, as for the paper's "prediction
        US" of predictions against the noise-free target.

    Returns
    -------
    score : float
        The uniform score in ``[0, 1]``: 1 when ``attributions`` equals
        ``ground_truth`` on the relevant features (after normalization), and
        close to 0 when they have opposite signs or one is negligible next to
        the other.

    See Also
    --------
    functional_precision_score : Fraction of the top-ranked features that
        are relevant.

    Notes
    -----
    With :math:`\tilde a_{ij}` and :math:`\tilde b_{ij}` the (normalized)
    attribution and truth of sample :math:`i` on feature :math:`j`, and
    :math:`R` the set of relevant features,

    .. math::

        \tilde a_{ij} = \frac{a_{ij}}{\sum_{l=1}^{p} |a_{il}|}, \qquad
        \mathrm{US} = \frac{1}{n |R|} \sum_{i=1}^{n} \sum_{j \in R}
        \left(1 - \frac{|\tilde a_{ij} - \tilde b_{ij}|}
        {|\tilde a_{ij}| + |\tilde b_{ij}| + \epsilon}\right),

    where :math:`\epsilon = 10^{-7}` as in the paper. Each term lies in
    :math:`[0, 1]`: it is 1 when :math:`\tilde a_{ij} = \tilde b_{ij}`
    (including when both are 0) and about 0 when the signs differ. With
    ``normalize="l1"`` the score is invariant to a positive rescaling of any
    sample's attributions. Note that a signed truth (such as the gradient) is
    not matched by unsigned attributions (such as captum's default
    ``Saliency``, which returns :math:`|\nabla f|`).

    References
    ----------
    .. [1] G. Shi, Z. Kan, J. Smucny and I. Davidson, "ChaosMining: A
       Benchmark to Evaluate Post-Hoc Local Attribution Methods in Low SNR
       Environments", arXiv:2406.12150, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.metrics import uniformity_score
    >>> truth = np.array([[1.0, -2.0, 0.0], [0.5, 0.5, 0.0]])
    >>> uniformity_score(3 * truth, truth)
    1.0
    >>> attributions = np.array([[1.0, -2.0, 1.0], [0.5, 0.5, 0.0]])
    >>> round(uniformity_score(attributions, truth), 3)
    0.929
    >>> round(uniformity_score([1.0, 2.1], [1.0, 2.0], normalize=None), 3)
    0.988
    """
    a, trailing_shape = _check_attributions(attributions, input_name="attributions")
    b, truth_shape = _check_attributions(ground_truth, input_name="ground_truth")
    check_consistent_length(a, b)
    if trailing_shape != truth_shape:
        raise ValueError(
            "attributions and ground_truth must have the same shape, got "
            f"{np.shape(attributions)} and {np.shape(ground_truth)}."
        )

    if relevant_mask is None:
        mask = np.any(b != 0, axis=0)
        if not mask.any():
            raise ValueError(
                "ground_truth is zero everywhere, so relevant_mask=None finds "
                "no relevant feature; pass relevant_mask explicitly."
            )
    else:
        mask = _check_relevant_mask(
            relevant_mask, n_features=a.shape[1], shape=trailing_shape
        )
        if not mask.any():
            raise ValueError(
                "relevant_mask selects no feature; the uniformity score needs "
                "at least one relevant feature."
            )

    if normalize == "l1":
        a = _normalize_rows(a, norm="l1")
        b = _normalize_rows(b, norm="l1")
    a, b = a[:, mask], b[:, mask]
    per_entry = 1.0 - np.abs(a - b) / (np.abs(a) + np.abs(b) + _US_EPS)
    return float(per_entry.mean())


@validate_params(
    {
        "attributions": ["array-like"],
        "relevant_mask": ["array-like"],
        "k": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def functional_precision_score(attributions, relevant_mask, *, k=None):
    r"""Functional precision (FPrec): how many top-ranked features are relevant.

    For each sample the features are ranked by the absolute value of their
    attribution, and the score is the fraction of the ``k`` highest-ranked
    features that are truly relevant, averaged over samples. It measures
    whether an attribution method *ranks* the relevant features first,
    whatever the scale or sign of its values.

    Parameters
    ----------
    attributions : array-like of shape (n_samples, n_features) or (n_samples, ...)
        Attributions, one row per sample. Inputs with more than two
        dimensions are flattened over all axes but the first; a 1-D input is
        one feature.

    relevant_mask : array-like of bool of shape (n_features,)
        True for the truly relevant features; the mask may also have the
        trailing shape of ``attributions`` (e.g. ``(C, H, W)`` for images).

    k : int, default=None
        How many top-ranked features to inspect, in ``[1, n_features]``.
        None uses the number of relevant features, as in the paper.

    Returns
    -------
    score : float
        The mean fraction of relevant features among each sample's top
        ``k``, in ``[0, 1]``.

    See Also
    --------
    uniformity_score : Entry-wise agreement with ground-truth attributions.
    selection_precision_score : Precision of one selected feature set.

    Notes
    -----
    With :math:`T_i` the top-:math:`k` features of sample :math:`i` by
    :math:`|a_{ij}|` and :math:`R` the set of relevant features,

    .. math::

        \mathrm{FPrec} = \frac{1}{n} \sum_{i=1}^{n}
        \frac{|T_i \cap R|}{k}.

    Ties are resolved by averaging, which is deterministic and does not
    depend on the order of the columns: when the :math:`k`-th largest value
    :math:`t_i` is shared by :math:`m_i` features, :math:`r_i` of them
    relevant, and :math:`g_i` features lie strictly above it, the tied
    features contribute :math:`(k - g_i)\, r_i / m_i`, the expected count
    under a uniformly random tie-break. So a row of equal attributions (for
    example all zero) scores the share of relevant features, not 1 or 0.
    Breaking ties by column order instead would favour the relevant
    features, which come first in the ChaosMining data. With distinct values
    the score equals the paper's ``top_features_score``. Any strictly
    increasing transform of :math:`|a|` leaves it unchanged.

    References
    ----------
    .. [1] G. Shi, Z. Kan, J. Smucny and I. Davidson, "ChaosMining: A
       Benchmark to Evaluate Post-Hoc Local Attribution Methods in Low SNR
       Environments", arXiv:2406.12150, 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.metrics import functional_precision_score
    >>> relevant = np.array([True, True, False, False])
    >>> attributions = np.array([[0.9, -0.5, 0.1, 0.0],
    ...                          [0.9, 0.1, -0.5, 0.0]])
    >>> functional_precision_score(attributions, relevant)
    0.75
    >>> functional_precision_score(attributions, relevant, k=1)
    1.0
    >>> functional_precision_score(np.zeros((1, 4)), relevant)
    0.5
    """
    scores, trailing_shape = _check_attributions(
        attributions, input_name="attributions"
    )
    n_features = scores.shape[1]
    mask = _check_relevant_mask(
        relevant_mask, n_features=n_features, shape=trailing_shape
    )
    if k is None:
        k = int(np.count_nonzero(mask))
        if k == 0:
            raise ValueError(
                "relevant_mask selects no feature, so k=None (the number of "
                "relevant features) is 0; pass k explicitly."
            )
    elif k > n_features:
        raise ValueError(f"k must be in [1, n_features={n_features}], got k={k}.")

    scores = np.abs(scores)
    # The k-th largest |attribution| of each row.
    kth_largest = -np.partition(-scores, k - 1, axis=1)[:, k - 1 : k]
    above = scores > kth_largest
    tied = scores == kth_largest
    relevant = mask.astype(np.float64)
    n_above = above.sum(axis=1)
    n_tied = tied.sum(axis=1)  # >= 1: the k-th largest value itself
    hits = above @ relevant + (k - n_above) * (tied @ relevant) / n_tied
    return float(np.mean(hits / k))
