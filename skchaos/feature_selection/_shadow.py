"""Shadow columns and Boruta's test: which units beat their own permutations.

The all-relevant question ("does this unit carry any signal?") is answered
by comparing each unit with *shadows*: copies of the units whose rows are
permuted, so that they keep their marginal distribution but lose any link
with the target and with the other columns. A model trained on real and
shadow columns together cannot tell a real noise column from a shadow, so a
real unit whose importance beats the best shadow's more often than a coin
flip carries signal, and one that beats it less often does not.

- :func:`shadow_columns` draws the shadows of the units still in play;
- :func:`hits` compares real importances with a percentile of the shadows';
- :func:`boruta_decisions` turns hit counts into confirmed and rejected
  units by Boruta's two-sided binomial test, corrected for multiple testing
  as BorutaPy's ``two_step=True`` (Benjamini-Hochberg over the units, then
  Bonferroni over the iterations);
- :func:`decidable` says which undecided units the test could still decide
  in the iterations left (the loop stops when none can);
- :class:`ShadowTest` keeps the counts and decisions across iterations.

Kursa and Rudnicki, "Feature Selection with the Boruta Package", Journal of
Statistical Software 36(11), 2010.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import binom

# A unit's decision before the test has decided it.
TENTATIVE, CONFIRMED, REJECTED = 0, 1, -1


def shadow_columns(X, unit_of, rng):
    """Real columns followed by one shadow per unit, and the unit of each.

    Each unit's columns (axis 1) are permuted across the rows together, with
    one permutation per unit drawn from ``rng``: a shadow keeps the joint
    distribution of its unit's columns and loses their link with everything
    else.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_columns) or (n_samples, n_columns, ...)
        The columns (channels) of the units in play.
    unit_of : ndarray of shape (n_columns,)
        The unit of each column, in ``0 .. n_units - 1``.
    rng : numpy.random.RandomState
        Draws the permutations.

    Returns
    -------
    X_aug : ndarray of shape (n_samples, 2 * n_columns, ...)
        ``X`` and then the shadows, column by column in the order of ``X``.
    unit_of_aug : ndarray of shape (2 * n_columns,)
        ``unit_of``, then ``n_units + unit_of`` for the shadows: shadow unit
        ``n_units + u`` is unit ``u`` permuted.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection._shadow import shadow_columns
    >>> X = np.arange(8.0).reshape(4, 2)
    >>> X_aug, unit_of = shadow_columns(X, np.array([0, 1]), np.random.RandomState(0))
    >>> X_aug.shape, unit_of.tolist()
    ((4, 4), [0, 1, 2, 3])
    >>> sorted(X_aug[:, 2]) == sorted(X[:, 0])  # the same values, other rows
    True
    """
    unit_of = np.asarray(unit_of)
    n_units = int(unit_of.max()) + 1 if unit_of.size else 0
    shadows = np.empty_like(X)
    for unit in range(n_units):
        columns = np.flatnonzero(unit_of == unit)
        order = rng.permutation(X.shape[0])
        shadows[:, columns] = X[order][:, columns]
    return np.concatenate([X, shadows], axis=1), np.r_[unit_of, n_units + unit_of]


def shadow_threshold(shadow_importances, perc=100):
    """The importance a real unit must exceed: the ``perc`` percentile of shadows.

    Examples
    --------
    >>> from skchaos.feature_selection._shadow import shadow_threshold
    >>> shadow_threshold([0.1, 0.4, 0.2]), shadow_threshold([0.1, 0.4, 0.2], 50)
    (0.4, 0.2)
    """
    return float(np.percentile(np.asarray(shadow_importances, float), perc))


def hits(real_importances, shadow_importances, perc=100):
    """Which real units beat the ``perc`` percentile of the shadows' importances.

    Parameters
    ----------
    real_importances : array-like of shape (n_units,)
    shadow_importances : array-like of shape (n_shadows,)
    perc : float, default=100
        100 compares with the best shadow (Boruta's rule); lower values are
        more lenient.

    Returns
    -------
    hit : ndarray of bool of shape (n_units,)
        Strictly above the threshold (a tie is no hit).

    Examples
    --------
    >>> from skchaos.feature_selection._shadow import hits
    >>> hits([0.5, 0.3, 0.0], [0.1, 0.3]).tolist()
    [True, False, False]
    """
    threshold = shadow_threshold(shadow_importances, perc)
    return np.asarray(real_importances, float) > threshold


def benjamini_hochberg(p_values, alpha):
    """Which hypotheses Benjamini-Hochberg rejects at false discovery rate ``alpha``.

    Examples
    --------
    >>> from skchaos.feature_selection._shadow import benjamini_hochberg
    >>> benjamini_hochberg([0.001, 0.02, 0.04, 0.5], 0.05).tolist()
    [True, True, False, False]
    """
    p = np.asarray(p_values, dtype=float)
    n = p.size
    if n == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(p, kind="stable")
    below = p[order] <= alpha * np.arange(1, n + 1) / n
    rejected = np.zeros(n, dtype=bool)
    if below.any():
        rejected[order[: np.flatnonzero(below)[-1] + 1]] = True
    return rejected


def boruta_decisions(hit_counts, n_iter, alpha=0.05, two_step=True):
    """Boruta's two-sided binomial test of hit counts: confirmed and rejected.

    After ``n`` trials (iterations that included it) a unit with no signal
    has ``Binomial(n, 0.5)`` hits. It is confirmed when ``P(X >= hits)`` is
    significant and rejected when ``P(X <= hits)`` is, each at level
    ``alpha`` corrected for the number of units tested: with ``two_step``
    (BorutaPy's default) by Benjamini-Hochberg over the units and then
    Bonferroni over the trials (``p <= alpha / n``); otherwise by Bonferroni
    over the units alone.

    Parameters
    ----------
    hit_counts : array-like of int of shape (n_units,)
        Hits of the undecided units.
    n_iter : int or array-like of int of shape (n_units,)
        Trials of every unit (the iterations so far), or of each unit.
    alpha : float, default=0.05
        Level of the corrected tests.
    two_step : bool, default=True
        The two-step correction; False is plain Bonferroni.

    Returns
    -------
    confirmed, rejected : ndarray of bool of shape (n_units,)

    Examples
    --------
    >>> from skchaos.feature_selection._shadow import boruta_decisions
    >>> confirmed, rejected = boruta_decisions([10, 5, 0], n_iter=10)
    >>> confirmed.tolist(), rejected.tolist()
    ([True, False, False], [False, False, True])
    >>> boruta_decisions([5], n_iter=5)[0].tolist()  # too early to decide
    [False]
    """
    counts = np.asarray(hit_counts, dtype=float)
    n = np.broadcast_to(np.asarray(n_iter), counts.shape)
    accept_p = np.where(n > 0, binom.sf(counts - 1, n, 0.5), 1.0)
    reject_p = np.where(n > 0, binom.cdf(counts, n, 0.5), 1.0)
    if two_step:
        bonferroni = alpha / np.maximum(n, 1)
        confirmed = benjamini_hochberg(accept_p, alpha) & (accept_p <= bonferroni)
        rejected = benjamini_hochberg(reject_p, alpha) & (reject_p <= bonferroni)
    else:
        n = max(1, counts.size)
        confirmed, rejected = accept_p <= alpha / n, reject_p <= alpha / n
    return confirmed, rejected


def decidable(hit_counts, n_trials, remaining, alpha=0.05, two_step=True):
    """Which undecided units :func:`boruta_decisions` could still decide.

    A unit with ``hits`` of ``n`` trials gets at most ``remaining`` more
    trials. The most favourable outcomes are a hit in every one of them (to
    be confirmed) or in none (to be rejected). Every correction of
    :func:`boruta_decisions` asks at least that the raw p-value be at most
    ``alpha / N`` after ``N`` trials (two-step) or at most ``alpha`` (plain
    Bonferroni over at least one unit), so a unit that misses this bound for
    every ``N`` from ``n`` to ``n + remaining`` stays tentative whatever the
    iterations left bring. Stopping once no unit is decidable changes no
    decision.

    Parameters
    ----------
    hit_counts : array-like of int of shape (n_units,)
        Hits of the undecided units.
    n_trials : array-like of int of shape (n_units,)
        Their trials so far.
    remaining : int
        The most trials any unit can still get (the iterations left).
    alpha : float, default=0.05
        Level of the test.
    two_step : bool, default=True
        The correction of :func:`boruta_decisions`.

    Returns
    -------
    ndarray of bool of shape (n_units,)
        Whether each unit can still be confirmed or rejected.

    Examples
    --------
    >>> from skchaos.feature_selection._shadow import decidable
    >>> decidable([6, 10], [20, 20], remaining=20).tolist()
    [True, True]
    >>> decidable([6, 10], [20, 20], remaining=10).tolist()  # a coin flip's 10
    [True, False]
    """
    hits_ = np.asarray(hit_counts, dtype=float)[:, None]
    n = np.asarray(n_trials, dtype=float)[:, None]
    extra = np.arange(max(int(remaining), 0) + 1, dtype=float)[None, :]
    total = n + extra
    level = alpha / np.maximum(total, 1) if two_step else alpha
    confirmable = binom.sf(hits_ + extra - 1, total, 0.5) <= level
    rejectable = binom.cdf(hits_, total, 0.5) <= level
    return np.any((confirmable | rejectable) & (total > 0), axis=1)


@dataclass
class ShadowTest:
    """Hit counts and decisions of every unit across Boruta's iterations.

    Parameters
    ----------
    n_units : int
        The number of units tested.
    perc : float, default=100
        The shadows' percentile a hit must beat.
    alpha : float, default=0.05
        Level of the test.
    two_step : bool, default=True
        The correction of :func:`boruta_decisions`.

    Attributes
    ----------
    n_iter : int
        Iterations recorded.
    hit_counts, n_trials : ndarray of shape (n_units,)
        Hits of each unit, and the iterations that included it.
    decision : ndarray of shape (n_units,)
        ``CONFIRMED`` (1), ``REJECTED`` (-1) or ``TENTATIVE`` (0).
    decided_at : ndarray of shape (n_units,)
        The iteration (1-based) that decided each unit, -1 while tentative.
    importance_sum, importance_count : ndarray of shape (n_units,)
        Sum and number of the importances each unit had.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection._shadow import ShadowTest
    >>> test = ShadowTest(3)
    >>> for i in range(10):  # unit 1 beats the best shadow every other time
    ...     alive = test.in_play()
    ...     real = np.array([1.0, 0.6 if i % 2 else 0.1, 0.0])[alive]
    ...     confirmed, rejected = test.update(alive, real, np.array([0.5, 0.2]))
    >>> test.decision.tolist(), test.decided_at.tolist()
    ([1, 0, -1], [8, -1, 8])
    """

    n_units: int
    perc: float = 100
    alpha: float = 0.05
    two_step: bool = True
    n_iter: int = 0
    hit_counts: np.ndarray = field(default=None)
    n_trials: np.ndarray = field(default=None)
    decision: np.ndarray = field(default=None)
    decided_at: np.ndarray = field(default=None)
    importance_sum: np.ndarray = field(default=None)
    importance_count: np.ndarray = field(default=None)

    def __post_init__(self):
        self.hit_counts = np.zeros(self.n_units, dtype=int)
        self.n_trials = np.zeros(self.n_units, dtype=int)
        self.decision = np.full(self.n_units, TENTATIVE, dtype=int)
        self.decided_at = np.full(self.n_units, -1, dtype=int)
        self.importance_sum = np.zeros(self.n_units)
        self.importance_count = np.zeros(self.n_units, dtype=int)

    def in_play(self):
        """The units that take part in the next iteration: all but the rejected."""
        return np.flatnonzero(self.decision != REJECTED)

    def tentative(self):
        """The units still undecided."""
        return np.flatnonzero(self.decision == TENTATIVE)

    def done(self):
        """Whether every unit is decided."""
        return not np.any(self.decision == TENTATIVE)

    def settled(self, remaining):
        """Whether ``remaining`` more iterations could change no decision.

        True when every unit is decided, or when no tentative unit can be
        decided in ``remaining`` iterations (:func:`decidable`).
        """
        open_ = self.tentative()
        if open_.size == 0:
            return True
        return not np.any(
            decidable(
                self.hit_counts[open_],
                self.n_trials[open_],
                remaining,
                self.alpha,
                self.two_step,
            )
        )

    def update(self, units, real_importances, shadow_importances):
        """Record one iteration; return the units it confirmed and rejected.

        Parameters
        ----------
        units : ndarray of int
            The units of this iteration (:meth:`in_play`, or a subset of
            them), aligned with ``real_importances``; only they count a
            trial.
        real_importances : ndarray of shape (len(units),)
        shadow_importances : ndarray
            The importances of their shadows.

        Returns
        -------
        confirmed, rejected : ndarray of int
            The units decided at this iteration.
        """
        self.record(units, real_importances, shadow_importances)
        open_ = self.tentative()
        confirm, reject = boruta_decisions(
            self.hit_counts[open_], self.n_trials[open_], self.alpha, self.two_step
        )
        return self.decide(open_[confirm], open_[reject])

    def record(self, units, real_importances, shadow_importances):
        """Count one iteration: a trial, a hit or not, and an importance per unit.

        The first half of :meth:`update` (parameters as there), for tests
        that decide otherwise.
        """
        self.n_iter += 1
        units = np.asarray(units)
        self.importance_sum[units] += real_importances
        self.importance_count[units] += 1
        self.n_trials[units] += 1
        self.hit_counts[units] += hits(real_importances, shadow_importances, self.perc)

    def decide(self, confirmed, rejected):
        """Mark ``confirmed`` and ``rejected`` as decided at this iteration.

        The second half of :meth:`update`; returns ``(confirmed, rejected)``.
        """
        self.decision[confirmed], self.decision[rejected] = CONFIRMED, REJECTED
        self.decided_at[confirmed] = self.decided_at[rejected] = self.n_iter
        return confirmed, rejected

    def mean_importances(self):
        """Each unit's mean importance over the iterations it took part in."""
        with np.errstate(invalid="ignore"):
            return self.importance_sum / np.maximum(self.importance_count, 1)

    def ranking(self):
        """1 confirmed, 2 tentative, 3 and up rejected (larger: rejected earlier).

        Examples
        --------
        >>> import numpy as np
        >>> from skchaos.feature_selection._shadow import ShadowTest
        >>> test = ShadowTest(4)
        >>> test.decision[:] = [1, 0, -1, -1]
        >>> test.decided_at[:] = [9, -1, 12, 8]
        >>> test.ranking().tolist()
        [1, 2, 3, 4]
        """
        ranking = np.where(self.decision == CONFIRMED, 1, 2)
        rejected = self.decision == REJECTED
        when = np.unique(self.decided_at[rejected])[::-1]  # latest first
        ranking[rejected] = 3 + np.searchsorted(-when, -self.decided_at[rejected])
        return ranking
