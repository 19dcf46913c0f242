"""The units a selector eliminates: features, groups of features, or channels.

Every column of a 2-D ``X`` is its own unit unless ``feature_groups`` maps
columns to groups; an input with channels, ``(n, C, ...)``, is selected by
channel (axis 1). A selector works on unit ids ``0 .. n_units - 1`` and maps
them back to columns with ``unit_of``.
"""

from dataclasses import dataclass

import numpy as np
from sklearn_compat.utils.validation import check_array


@dataclass(frozen=True)
class Units:
    """The unit of each column (or channel) of ``X``.

    Attributes
    ----------
    unit_of : ndarray of shape (n_columns,)
        The unit id of each column (channel) along axis 1.
    n_units : int
        The number of units.
    name : str
        ``"features"``, ``"feature groups"`` or ``"channels"``, for messages.
    """

    unit_of: np.ndarray
    n_units: int
    name: str

    def columns(self, units):
        """The sorted columns (axis 1) that belong to ``units``."""
        return np.flatnonzero(np.isin(self.unit_of, units))


def check_units(X, feature_groups):
    """Map each column (or channel) of ``X`` to its selection unit.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features) or (n_samples, n_channels, ...)
        Validated input.
    feature_groups : array-like of shape (n_features,) or None
        Group id of each column of a 2-D ``X``.

    Returns
    -------
    units : Units

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection._units import check_units
    >>> units = check_units(np.zeros((4, 3)), ["x", "y", "x"])
    >>> units.unit_of.tolist(), units.n_units, units.name
    ([0, 1, 0], 2, 'feature groups')
    """
    n_columns = X.shape[1]
    if X.ndim > 2 and n_columns < 2:
        raise ValueError(
            f"X of shape {X.shape} has {n_columns} channel; a minimum of 2 "
            "channels (axis 1) is required to select among them."
        )
    if feature_groups is None:
        name = "channels" if X.ndim > 2 else "features"
        return Units(np.arange(n_columns), n_columns, name)
    if X.ndim > 2:
        raise ValueError(
            "feature_groups is for 2-D X; an X with more dimensions, "
            f"shape {X.shape}, is selected by channel (axis 1)."
        )
    groups = check_array(
        feature_groups,
        ensure_2d=False,
        dtype=None,
        ensure_min_samples=0,
        input_name="feature_groups",
    )
    if groups.shape != (n_columns,):
        raise ValueError(
            f"feature_groups must have one group id per feature, shape "
            f"({n_columns},); got shape {groups.shape}."
        )
    _, unit_of = np.unique(groups, return_inverse=True)
    n_units = int(unit_of.max()) + 1
    if n_units < 2:
        raise ValueError(
            "feature_groups defines a single group; at least 2 groups are "
            "needed to select among them."
        )
    return Units(unit_of.ravel(), n_units, "feature groups")


def check_channels(X, n_channels):
    """Validate an input with channels against the fitted channel count."""
    X = check_array(X, allow_nd=True, dtype=None, ensure_all_finite=True)
    if X.ndim < 3 or X.shape[1] != n_channels:
        raise ValueError(
            f"X has shape {X.shape}, but the selector was fitted on inputs with "
            f"{n_channels} channels along axis 1."
        )
    return X


def expand_channels(X, support):
    """Put zero channels back in the place of the eliminated ones.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_selected, ...)
        Reduced input.
    support : ndarray of bool of shape (n_channels,)
        The selected channels.

    Returns
    -------
    X_original : ndarray of shape (n_samples, n_channels, ...)
    """
    X = check_array(X, allow_nd=True, dtype=None)
    n_selected = int(np.sum(support))
    if X.ndim < 3 or X.shape[1] != n_selected:
        raise ValueError(
            f"X has shape {X.shape}; expected {n_selected} selected channels "
            "along axis 1."
        )
    out = np.zeros((X.shape[0], len(support), *X.shape[2:]), X.dtype)
    out[:, support] = X
    return out
