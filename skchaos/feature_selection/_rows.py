"""The rows of a path or an iteration: the validation split and the scaling.

Shared by the elimination path (:mod:`~skchaos.feature_selection._path`) and
AttributionBoruta's iterations: :func:`split_rows` splits the rows (each
group on one side, a row of each class on the training side),
:class:`Scaling` standardizes what the networks train on,
:func:`held_out_weights` checks the weights of the held-out rows and
:func:`early_stopping_fraction` reads the net's early-stopping share.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from skchaos.utils import draw_seed, final_net


@dataclass(frozen=True)
class Scaling:
    """The standardization the networks of a path train on.

    The path standardizes the columns of a 2-D ``X`` and, for regressors
    scored by the default loss, ``y``, with the statistics of the training
    part: neural networks train much better on standardized data, the
    importances of standardized inputs do not depend on the units of the
    columns, and a standardized squared error is comparable across tasks.
    Inputs with channels and custom scores are left as they are.
    """

    x_mean: Any = None
    x_scale: Any = None
    y_mean: Any = None
    y_scale: Any = None

    @classmethod
    def fit(cls, X, y, setup):
        if not setup.standardize:
            return cls()
        x_mean = x_scale = y_mean = y_scale = None
        if X.ndim == 2:
            x_mean, x_scale = X.mean(axis=0), _scale(X.std(axis=0))
        if not setup.classifier and setup.evaluate.row_losses:
            y_mean, y_scale = y.mean(axis=0), _scale(y.std(axis=0))
        return cls(x_mean, x_scale, y_mean, y_scale)

    def loss_scale(self, y, classifier):
        """The scale of the training loss: 1, or the variance of a raw target."""
        if classifier or self.y_mean is not None:
            return 1.0
        return float(np.mean(np.var(np.asarray(y, dtype=np.float64), axis=0))) or 1.0

    def apply(self, X, y=None):
        """Standardized copies of ``X`` (and ``y``)."""
        if self.x_mean is not None:
            X = ((X - self.x_mean) / self.x_scale).astype(X.dtype, copy=False)
        if y is not None and self.y_mean is not None:
            # float64 at least: an integer target must not be truncated.
            dtype = np.result_type(y.dtype, np.float64)
            y = ((y - self.y_mean) / self.y_scale).astype(dtype, copy=False)
        return X if y is None else (X, y)


def _scale(std):
    std = np.asarray(std, dtype=np.float64)
    return np.where(std > 0, std, 1.0)


def split_rows(y, fraction, rng, stratify, groups=None):
    """Sorted row indices of a random split, stratified when possible.

    With ``groups``, every group lands on one side (scikit-learn's
    ``GroupShuffleSplit``: ``fraction`` of the groups, not of the rows, go to
    the second part); a single group cannot be split and raises
    ``ValueError``.
    """
    seed = draw_seed(rng)
    rows = np.arange(len(y))
    if groups is not None:
        if len(np.unique(groups)) < 2:
            raise ValueError(
                "groups has a single group among these rows; splitting them "
                "with each group on one side needs at least 2 groups."
            )
        splitter = GroupShuffleSplit(1, test_size=fraction, random_state=seed)
        first, second = next(splitter.split(rows, groups=groups))
        return np.sort(first), np.sort(second)
    try:
        first, second = train_test_split(
            rows,
            test_size=fraction,
            random_state=seed,
            stratify=y if stratify else None,
        )
    except ValueError:
        if not stratify:
            raise
        # A class too small to be stratified: split at random, then give
        # the first part one row of each class it lacks (a network cannot
        # be scored on, or stop early on, labels it never saw).
        first, second = train_test_split(rows, test_size=fraction, random_state=seed)
        missing = np.setdiff1d(np.unique(y[second]), np.unique(y[first]))
        if missing.size and second.size > missing.size:
            moved = [second[np.flatnonzero(y[second] == c)[0]] for c in missing]
            first = np.r_[first, moved]
            second = np.setdiff1d(second, moved)
    return np.sort(first), np.sort(second)


def held_out_weights(sample_weight, rows, caller):
    """The weights of the held-out ``rows`` (None without weights).

    Raises ``ValueError`` when they are all zero: no importance or score can
    be measured on them.
    """
    if sample_weight is None:
        return None
    weights = sample_weight[rows]
    if not weights.any():
        raise ValueError(
            f"{caller}: sample_weight is zero on all the {len(rows)} held-out "
            "rows, so no importance or score can be measured; give more rows "
            "a positive weight, or raise validation_fraction."
        )
    return weights


def early_stopping_fraction(estimator):
    """The fraction of the training part held out to stop each round."""
    net = final_net(estimator)
    return float(getattr(net, "validation_fraction", None) or 0.1)
