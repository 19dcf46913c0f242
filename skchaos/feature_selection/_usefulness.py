"""Held-out usefulness of each unit: does permuting it raise the validation loss?

An attribution measures how much a network's output *moves* with a column;
a column the network has fitted by chance on its training rows moves it as
much as a weak real one. Permuting the column on held-out rows tells the
two apart: a column without signal leaves the expected loss where it was
(its permuted values are distributed as its own, and neither is related to
the target), a useful one raises it. :func:`usefulness` returns, for each
unit, the mean per-row increase of the validation loss over a few
permutations divided by its standard error (a z score).
"""

import numpy as np
from sklearn.utils import check_random_state

# Permutations per unit.
N_REPEATS = 5


def usefulness(
    evaluate, model, X, y, unit_of, n_units, seed, sample_weight=None, base=None
):
    """z score of each unit's held-out loss increase when it is permuted.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(model, X, y, sample_weight=...) -> (score, row_losses)``
        (:class:`~skchaos.feature_selection._scoring.Evaluator`); it must
        give per-row losses.
    model : fitted estimator
        The round's network, taking ``X``.
    X, y : ndarray
        The validation rows, in the network's inputs.
    unit_of : ndarray of shape (X.shape[1],)
        The unit (0 to ``n_units - 1``) of each column (channel) of ``X``.
    n_units : int
        The number of units.
    seed : int or None
        Seeds the permutations.
    sample_weight : ndarray or None, default=None
        Weights of the validation rows.
    base : ndarray or None, default=None
        The rows' losses with nothing permuted, if already computed.

    Returns
    -------
    z : ndarray of shape (n_units,)
        0 for a unit whose permutation changes no row's loss.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skchaos.feature_selection._scoring import Evaluator
    >>> from skchaos.feature_selection._usefulness import usefulness
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 2))
    >>> y = X[:, 0] + 0.1 * rng.normal(size=300)
    >>> model = LinearRegression().fit(X, y)
    >>> z = usefulness(Evaluator(model, None), model, X, y, np.arange(2), 2, 0)
    >>> bool(z[0] > 5), bool(abs(z[1]) < 3)
    (True, True)
    """
    if base is None:
        base = evaluate(model, X, y, sample_weight=sample_weight)[1]
    rng = check_random_state(seed)
    z = np.zeros(n_units)
    shuffled = X.copy()
    for unit in range(n_units):
        columns = np.flatnonzero(unit_of == unit)
        increase = np.zeros_like(base, dtype=np.float64)
        for _ in range(N_REPEATS):
            shuffled[:, columns] = X[rng.permutation(X.shape[0])][:, columns]
            losses = evaluate(model, shuffled, y, sample_weight=sample_weight)[1]
            increase += losses - base
        shuffled[:, columns] = X[:, columns]
        increase /= N_REPEATS
        spread = increase.std(ddof=1) / np.sqrt(len(increase))
        z[unit] = increase.mean() / spread if spread > 0 else 0.0
    return z
