"""The size rules of an elimination path: which rounds are "no worse than the best".

:func:`acceptable_rounds` compares every round with the best one (paired
per-row losses under ``tol="auto"``, a relative band otherwise), and
:func:`smallest_acceptable` picks the smallest acceptable size.
"""

from numbers import Integral

import numpy as np

# The relative tolerance of tol="auto" when the score has no per-row losses.
FALLBACK_TOL = 0.02


def nan_to_worst(scores):
    """Scores as float64, with NaN replaced by -inf."""
    scores = np.asarray(scores, dtype=np.float64)
    return np.where(np.isnan(scores), -np.inf, scores)


# patience="auto" stops the path at the first round whose score is outside
# this many times the band of ``tol`` (one standard error under tol="auto").
# On development draws (results/dev/screen-dev.md, "The path's tail") no
# round before the selected one lay beyond 2 bands of the best so far, and
# the round that loses a relevant feature usually lies beyond 4; on a fresh
# held-out draw one badly trained round lay at 3.4 (not the default).
STOP_BANDS = 3.0

# Under tol="auto", a loss within this fraction of the best constant's loss
# (an R^2 of 1e-4 for the squared error) of the best round's is a tie.
TIE_FRACTION = 1e-4


def acceptable_rounds(scores, row_losses, tol="auto", baseline=None, bands=1.0):
    """Which rounds' validation scores are no worse than the best round's.

    Parameters
    ----------
    scores : sequence of float
        The validation score of each round (higher is better).
    row_losses : sequence of ndarray or None
        The validation loss of each row, per round (paired: the same rows
        in every round).
    tol : "auto", "1se" or float, default="auto"
        ``"auto"`` (or ``"1se"``): the paired one-standard-error rule on the validation
        rows. With ``d`` the per-row loss of a round minus that of the best
        round on the same rows, the round is acceptable when
        ``mean(d) <= std(d) / sqrt(n_rows)``: its loss is not worse than the
        best by more than one standard error of the paired difference, a
        margin that shrinks as the validation rows grow, but never below
        ``TIE_FRACTION`` times the mean loss of ``baseline``: on noiseless
        data the standard error can fall to where sizes differ only in how
        far their training went. Without per-row losses (a custom
        ``scoring``) it falls back to ``tol=0.02``. A float: the score is at
        least ``best - tol * |best|``.
    baseline : ndarray or None, default=None
        The per-row validation losses of the best constant prediction
        (:func:`~skchaos.feature_selection._scoring.constant_row_losses`);
        None: no floor.
    bands : float, default=1.0
        A multiple of the band: a round is acceptable when it is no worse
        than the best by ``bands`` standard errors (or ``bands * tol``).
        Larger values accept more; the path's ``patience="auto"`` uses
        :data:`STOP_BANDS` to tell a round that is clearly worse.

    Returns
    -------
    mask : ndarray of bool
        One entry per round; the best round is always acceptable.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection._size_rule import acceptable_rounds
    >>> rng = np.random.RandomState(0)
    >>> base = rng.exponential(size=400)
    >>> same = base + 0.01 * np.tile([1, -1], 200)  # another net, as good
    >>> worse = base + 0.5 + 0.01 * rng.randn(400)  # a relevant feature lost
    >>> losses = [base, same, worse]
    >>> acceptable_rounds([-loss.mean() for loss in losses], losses).tolist()
    [True, True, False]
    """
    scores = nan_to_worst(scores)
    best = int(np.argmax(scores))
    have_rows = len(row_losses) == len(scores) and all(
        loss is not None for loss in row_losses
    )
    if tol in ("auto", "1se") and have_rows:
        ok = band_distances(scores, row_losses, baseline) <= bands
        ok[best] = True
        return ok
    tol = FALLBACK_TOL if isinstance(tol, str) else float(tol)
    return scores >= scores[best] - bands * tol * abs(scores[best])


def band_distances(scores, row_losses, baseline=None):
    """How far each round's loss lies above the best round's, in bands.

    The band of ``tol="auto"`` (see :func:`acceptable_rounds`): the paired
    mean difference of the per-row losses from the best round's, over its
    standard error or the ``TIE_FRACTION`` floor of ``baseline``, whichever
    is larger. A round no worse than the best is at 0; one whose difference
    is not finite (a diverged round), or positive with no band, at infinity.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection._size_rule import band_distances
    >>> best = np.array([1.0, 2.0, 3.0, 4.0])
    >>> worse = best + np.array([0.5, 1.5, 0.5, 1.5])  # mean 1, se 0.289
    >>> band_distances([-2.5, -3.5], [best, worse]).round(2).tolist()
    [0.0, 3.46]
    """
    scores = nan_to_worst(scores)
    losses = np.vstack(row_losses).astype(np.float64)
    n_rows = losses.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):  # diverged rounds
        diff = losses - losses[int(np.argmax(scores))]
        mean = diff.mean(axis=1)
        se = diff.std(axis=1, ddof=1) / np.sqrt(n_rows) if n_rows > 1 else 0 * mean
        floor = 0.0 if baseline is None else TIE_FRACTION * np.mean(baseline)
        scale = np.maximum(se, floor)
        distance = np.where(mean <= 0, 0.0, mean / scale)
    return np.where(np.isfinite(mean), distance, np.inf)


def smallest_acceptable(scores, row_losses, sizes, tol="auto", baseline=None):
    """Index of the smallest size among :func:`acceptable_rounds`."""
    ok = np.flatnonzero(acceptable_rounds(scores, row_losses, tol, baseline))
    return int(ok[np.argmin(np.asarray(sizes)[ok])])


def n_to_select(k, n_units, unit):
    """The units a fixed ``n_features_to_select`` keeps, checked against ``n_units``.

    ``k`` is an int (a count, at most ``n_units``) or a float in (0, 1] (a
    fraction of the units, at least one); ``unit`` names them in the error.
    """
    if isinstance(k, Integral):
        if k > n_units:
            raise ValueError(
                f"n_features_to_select={k} is larger than the number of "
                f"{unit} in X ({n_units}); expected at most {n_units}."
            )
        return int(k)
    return max(1, int(k * n_units))
