"""All-relevant selection: the network's attributions against shadow columns."""

import copy
import time
from numbers import Integral, Real

from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)

from skchaos.feature_selection._boruta_steps import (
    HISTORY_KEYS,
    iteration_epochs,
    iteration_trainer,
    record,
    report,
    report_settled,
    run_iteration,
    warn_if_nothing_selected,
    warn_unconverged,
)
from skchaos.feature_selection._encoded import fits_by_input_column
from skchaos.feature_selection._importance import AGGREGATIONS
from skchaos.feature_selection._minimal import minimal_useful_units
from skchaos.feature_selection._path import Setup
from skchaos.feature_selection._penalty_choice import choose_iteration_training
from skchaos.feature_selection._progress import epoch_progress, progress_bar
from skchaos.feature_selection._round_params import net_param
from skchaos.feature_selection._scoring import warn_if_none_learned
from skchaos.feature_selection._selected import SelectedEstimatorMixin
from skchaos.feature_selection._setup import (
    atomic_fit,
    build_scoring,
    check_fit_metadata,
    refit_selected,
    validate_fit_data,
)
from skchaos.feature_selection._shadow import (
    CONFIRMED,
    TENTATIVE,
    ShadowTest,
    decidable,
    shadow_threshold,
)
from skchaos.feature_selection._units import check_units


class AttributionBoruta(
    SelectedEstimatorMixin, SelectorMixin, MetaEstimatorMixin, BaseEstimator
):
    """All-relevant feature selection: attributions against shadow columns.

    Boruta [1]_ with a neural network's attributions. At every iteration each
    feature still in play gets a *shadow*, a copy of its column with the rows
    permuted; a fresh network is trained on the real and shadow columns, and
    every column is scored by its attributions on held-out rows. A real
    feature scores a *hit* when its importance beats the best shadow's (the
    ``perc`` percentile of the shadows'). A feature without signal is
    exchangeable with the shadows, so it hits about half the time or less;
    the hit counts are tested against ``Binomial(k, 0.5)`` after ``k``
    iterations, and features with significantly many hits are confirmed,
    those with significantly few rejected (they leave the next iterations).
    The loop stops when every feature is decided, after ``max_iter``
    iterations, or sooner when no undecided feature could be decided in the
    iterations left even if it hit every time or never (this changes no
    decision; a ``max_iter`` too small to decide any feature runs in full);
    the undecided ones are *tentative*.

    It answers "which features carry any signal?" (all-relevant), where
    :class:`AttributionRFE` keeps the smallest set that predicts as well as
    all of them (minimal-optimal).

    Parameters
    ----------
    estimator : estimator object
        The model trained at each iteration (a fresh clone each time): a
        skchaos net, a plain skorch net whose module takes its input width
        as a parameter or builds its first layer lazily, a
        :class:`~sklearn.pipeline.Pipeline` ending in one, or any
        scikit-learn estimator with a perturbation attribution.

    attribution : str or callable, default="input_x_gradient"
        How columns are scored on the held-out rows: a method of
        :func:`skchaos.attribution.attribute` (listed by
        :func:`skchaos.attribution.available_methods`), ``"permutation"``,
        or a callable ``f(fitted_estimator, X_val, y_val,
        **attribution_params)`` returning one importance per column; as in
        :class:`AttributionRFE`. Larger importances are stronger.

    attribution_params : dict, default=None
        Keyword arguments of the attribution (see :class:`AttributionRFE`).
        Unknown names raise TypeError before any training.

    perc : float, default=100
        The percentile of the shadows' importances that a hit must exceed:
        100 is the best shadow (Boruta's rule); lower values find more weak
        features and more noise.

    alpha : float, default=0.05
        Level of the binomial tests, after the correction for testing many
        features (see ``two_step``).

    two_step : bool, default=True
        Correct the tests as BorutaPy does: Benjamini-Hochberg over the
        undecided features, then Bonferroni over the iterations. False:
        Bonferroni over the undecided features only.

    max_iter : int, default=60
        The most iterations (trainings). A feature needs at least about 8
        trials to be decided at ``alpha=0.05``. The loop ends sooner once
        the iterations left could decide no tentative feature.

    max_features : float, default=0.5
        The share of the features in play that each iteration draws at
        random, each with its shadow (as a random forest's
        ``max_features``); a feature is tested on the iterations that drew
        it (its trials), so that correlated features get iterations without
        each other. 1.0: every feature in every iteration.

    validation_fraction : float, default=0.25
        Fraction of the rows held out for the attributions at each
        iteration (stratified for classifiers); a new split is drawn at
        every iteration.

    input_penalty : "auto" or float, default="auto"
        Group-lasso penalty on the input layer of the iterations' networks
        (the ``input_penalty`` of :class:`skchaos.neural.MLPRegressor`).
        ``"auto"``, for nets that have the parameter and leave it at 0:
        chosen per fit on held-out rows (10 trial trainings; see the user
        guide); when none of those networks beats a constant prediction,
        10 more at a third of the net's ``lr``, which the iterations then
        use if those do better (``iteration_lr_``); nothing for other
        estimators. A float is that strength; a
        net's own nonzero ``input_penalty`` is kept. ``estimator_`` is
        trained as given.

    input_dropout : "auto" or float, default="auto"
        Dropout of the inputs of the iterations' networks while they train
        (the ``input_dropout`` of :class:`skchaos.neural.MLPRegressor`), so
        that correlated columns each carry the signal; real and shadow
        columns are dropped alike. ``"auto"`` is 0.3 for nets that have the
        parameter and leave it at 0, nothing for other estimators; a float
        in [0, 1) is that probability. ``estimator_`` is trained as given.

    importance_aggregation : {"mean_abs", "rms", "max_abs"}, default="mean_abs"
        How per-row attributions become one importance per column: the
        mean absolute value over the held-out rows, the root mean square,
        or the largest absolute value.

    feature_groups : array-like of shape (n_features,), default=None
        Group id of each column of a 2-D ``X``: a group is tested as one
        unit, its importance the mean of its columns', and its shadow
        permutes the rows of all its columns together. Inputs with more
        than two dimensions, ``(n, C, ...)``, are tested by channel.

    keep_weak : bool, default=False
        Whether the selection (``support_``, ``transform``, ``estimator_``)
        keeps the tentative features as well as the confirmed ones.

    confirm_minimal : bool, default=True
        Before the iterations, run :class:`AttributionRFE`'s elimination
        path on the same rows, with the same estimator, attribution and
        groups, and confirm the features of the minimal-optimal set it
        selects that its network uses on held-out rows
        (``support_minimal_``): a smallest sufficient set is part of the
        all-relevant set. The warm path finds weak effects that a cold
        network facing every noise column and its shadow does not; the
        iterations then test the other features (correlated twins,
        redundant columns). False: the iterations alone.

    random_state : int, RandomState instance or None, default=None
        Seeds the shadows, the splits, the ``random_state`` of each clone
        that has none, torch (locally) during each training, and the
        stochastic attribution methods. An int gives reproducible results.

    verbose : int, default=0
        1 shows a progress bar of the iterations on stderr and prints one
        line per iteration on stdout.

    Attributes
    ----------
    estimator_ : estimator or None
        A clone of ``estimator`` trained on all the rows with the selected
        features; None when no feature is selected.

    support_ : ndarray of shape (n_features_in_,)
        Mask of the selected features: the confirmed ones, and the
        tentative ones with ``keep_weak=True``.

    support_weak_ : ndarray of shape (n_features_in_,)
        Mask of the tentative features, undecided when the iterations
        stopped.

    ranking_ : ndarray of shape (n_features_in_,)
        1 for confirmed features, 2 for tentative ones, 3 and more for the
        rejected ones (larger: rejected earlier).

    decision_iteration_ : ndarray of shape (n_features_in_,)
        The iteration (1-based) at which each feature was confirmed or
        rejected; 0 for the minimal-optimal set of ``confirm_minimal``; -1
        for tentative features.

    support_minimal_ : ndarray of shape (n_features_in_,) or None
        Mask of the features confirmed before the iterations by
        ``confirm_minimal``: those of the set :class:`AttributionRFE`
        selects on the same rows whose held-out usefulness z is at least 2.5
        (the user guide, :ref:`all_relevant`); None with
        ``confirm_minimal=False``.

    n_features_ : int
        Number of selected features (columns, or channels).

    importances_ : ndarray of shape (n_features_in_,)
        Each feature's mean importance over the iterations it took part in
        (with groups, its group's).

    history_ : dict of lists
        One entry per iteration: ``"n_confirmed"``, ``"n_rejected"``,
        ``"n_tentative"``, ``"threshold"`` (the importance a hit had to
        exceed), ``"confirmed"``, ``"rejected"``, ``"score"``, ``"epochs"``,
        ``"converged"`` and ``"time"``; the user guide describes each.

    n_iter_ : int
        Iterations run: ``max_iter`` at most, fewer when every feature was
        decided or when the iterations left could decide none of the
        tentative ones.

    input_penalty_ : float or None
        The input penalty of the iterations' networks (chosen under
        ``input_penalty="auto"``); None for estimators without one.

    iteration_lr_ : float or None
        The learning rate of the iterations' networks: the net's own ``lr``,
        or a third of it when ``input_penalty="auto"`` found that the
        iterations learn only at the slower rate; None for estimators
        without one.

    n_features_in_ : int
        Number of features (channels) seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during fit, when ``X`` has string column
        names.

    classes_ : ndarray of shape (n_classes,)
        The class labels, for classifiers.

    See Also
    --------
    AttributionRFE : Minimal-optimal selection by recursive elimination.
    skchaos.attribution.attribute : The attribution methods.

    Notes
    -----
    Every iteration trains a new clone from scratch on a new split of the
    rows; the test is BorutaPy's. Why each step is as it is: the user guide,
    :ref:`all_relevant`. When nothing is selected, ``transform`` returns no
    column (with scikit-learn's warning) and ``estimator_`` is None.

    References
    ----------
    .. [1] Kursa and Rudnicki (2010). "Feature Selection with the Boruta
       Package". Journal of Statistical Software 36(11).

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection import AttributionBoruta
    >>> from skchaos.neural import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 5))
    >>> y = X[:, 0] + X[:, 1] + 0.1 * rng.normal(size=200)
    >>> net = MLPRegressor(hidden_layer_sizes=(16,), lr=0.02, max_epochs=30)
    >>> selector = AttributionBoruta(net, max_iter=30, random_state=0).fit(X, y)
    >>> selector.get_support(indices=True)
    array([0, 1])
    >>> selector.ranking_  # 1 confirmed, 2 tentative, 3+ rejected
    array([1, 1, 2, 3, 2])
    >>> selector.decision_iteration_  # 0: confirmed by the minimal-optimal set
    array([ 0,  0, -1, 10, -1])
    >>> selector.support_minimal_
    array([ True,  True, False, False, False])
    >>> selector.transform(X).shape
    (200, 2)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "attribution": [str, callable],
        "attribution_params": [dict, None],
        "perc": [Interval(Real, 0, 100, closed="right")],
        "alpha": [Interval(Real, 0, 1, closed="neither")],
        "two_step": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "max_features": [Interval(RealNotInt, 0, 1, closed="right")],
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither")],
        "input_penalty": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "input_dropout": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="left")],
        "importance_aggregation": [StrOptions(set(AGGREGATIONS))],
        "feature_groups": ["array-like", None],
        "keep_weak": ["boolean"],
        "confirm_minimal": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator,
        *,
        attribution="input_x_gradient",
        attribution_params=None,
        perc=100,
        alpha=0.05,
        two_step=True,
        max_iter=60,
        max_features=0.5,
        validation_fraction=0.25,
        input_penalty="auto",
        input_dropout="auto",
        importance_aggregation="mean_abs",
        feature_groups=None,
        keep_weak=False,
        confirm_minimal=True,
        random_state=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.attribution = attribution
        self.attribution_params = attribution_params
        self.perc = perc
        self.alpha = alpha
        self.two_step = two_step
        self.max_iter = max_iter
        self.max_features = max_features
        self.validation_fraction = validation_fraction
        self.input_penalty = input_penalty
        self.input_dropout = input_dropout
        self.importance_aggregation = importance_aggregation
        self.feature_groups = feature_groups
        self.keep_weak = keep_weak
        self.confirm_minimal = confirm_minimal
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Test every feature against shadows and refit on the selected ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            Training inputs; inputs with more than two dimensions are tested
            by channel (axis 1).

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows: passed to every iteration's network and to
            the refit, and used in the held-out scores and the aggregation of
            the attributions. A row of weight 0 has no influence. Needs an
            estimator whose ``fit`` takes ``sample_weight``.

        groups : array-like of shape (n_samples,), default=None
            Group labels of the rows: every split of the rows (held-out and
            early-stopping rows) keeps each group on one side.

        Returns
        -------
        self : object
            The fitted selector.
        """
        with atomic_fit(self):
            if fits_by_input_column(self, X, y, sample_weight, groups):
                return self
            X, y, setup = self._setup(X, y)
            sample_weight, groups = check_fit_metadata(
                self, X, sample_weight, groups, y
            )
            rng = check_random_state(self.random_state)
            seeded = self.random_state is not None
            meta = (sample_weight, groups)
            minimal = None
            if self.confirm_minimal:
                minimal = minimal_useful_units(self, X, y, rng, *meta)
            test, history = self._iterate(X, y, setup, rng, seeded, meta, minimal)
            self._set_fitted(X, y, setup, test, history, rng, seeded, meta)
        return self

    def _setup(self, X, y):
        """Validate everything before training; the data and the :class:`Setup`."""
        X, y, classifier = validate_fit_data(self, X, y)
        units = check_units(X, self.feature_groups)
        caller = type(self).__name__
        evaluate, importance = build_scoring(self, X, y, classifier)
        trainer = iteration_trainer(self, X)
        setup = Setup(
            units=units,
            importance=importance,
            evaluate=evaluate,
            trainer=trainer,
            classifier=classifier,
            validation_fraction=self.validation_fraction,
            step=None,
            score_name=evaluate.name,
            verbose=self.verbose,
            caller=caller,
        )
        return X, y, setup

    def _iterate(self, X, y, setup, rng, seeded, meta, minimal=None):
        """Boruta's iterations; returns the :class:`ShadowTest` and the history.

        The units of ``minimal`` are confirmed before the first iteration.
        """
        units = setup.units
        test = ShadowTest(units.n_units, self.perc, self.alpha, self.two_step)
        if minimal is not None:
            test.decide(minimal, minimal[:0])
        history = {key: [] for key in HISTORY_KEYS}
        trainer = copy.copy(setup.trainer)  # this fit's own hooks and epochs
        trainer.min_epochs, trainer.max_round_epochs = iteration_epochs(
            trainer.estimator
        )
        widened = trainer.estimator
        draw = {
            "max_features": self.max_features,
            "validation_fraction": self.validation_fraction,
            "max_width": 2 * X.shape[1],
        }
        self.input_penalty_ = net_param(widened, "input_penalty")
        self.iteration_lr_ = net_param(widened, "lr")
        if self._chooses_penalty():
            choice = choose_iteration_training(
                X, y, setup, trainer, self.input_penalty_, draw, rng, seeded, meta
            )
            self.input_penalty_, self.iteration_lr_ = choice.penalty, choice.lr
            widened = choice.apply(widened)
        bar = progress_bar(setup, self.max_iter)
        first = []  # per-row losses of the first iterations, and the constant's
        if bar is not None:
            trainer.on_epoch = epoch_progress(bar)
        # Too few iterations to decide anything: they run for importances_.
        can_stop = decidable([0], [0], self.max_iter, self.alpha, self.two_step)[0]
        start = time.perf_counter()
        try:
            while test.n_iter < self.max_iter and not test.done():
                if can_stop and test.settled(self.max_iter - test.n_iter):
                    break
                tic = time.perf_counter()
                step = run_iteration(
                    X, y, setup, trainer, widened, test, draw, rng, seeded, meta
                )
                if step.baseline is not None:
                    first.append((step.losses, step.baseline))
                n = len(step.alive)
                real, shadows = step.importances[:n], step.importances[n:]
                confirmed, rejected = test.update(step.alive, real, shadows)
                threshold = shadow_threshold(shadows, self.perc)
                toc = time.perf_counter()
                record(
                    history, test, units, threshold, confirmed, rejected,
                    step.score, step.info, toc - tic,
                )  # fmt: skip
                report(bar, setup, test.n_iter, history, toc - start)
            report_settled(bar, setup, test, self.max_iter)
        finally:
            if bar is not None:
                bar.close()
        # A feature the iterations confirmed beat the shadows significantly
        # often: their networks learned from it, whatever the first ones did.
        if not (test.decided_at[test.decision == CONFIRMED] > 0).any():
            warn_if_none_learned(first, setup.caller)
        return test, history

    def _chooses_penalty(self):
        """Whether ``input_penalty="auto"`` chooses the strength on held-out rows.

        Only for nets with the parameter that leave it at 0.
        """
        value = net_param(self.estimator, "input_penalty")
        return self.input_penalty == "auto" and value is not None and not value

    def _set_fitted(self, X, y, setup, test, history, rng, seeded, meta):
        """Every fitted attribute, and the refit on the selected features."""
        unit_of = setup.units.unit_of
        decision = test.decision[unit_of]
        confirmed = decision == CONFIRMED
        weak = decision == TENTATIVE
        support = confirmed | weak if self.keep_weak else confirmed
        caller = type(self).__name__
        warn_unconverged(caller, history["converged"])
        warn_if_nothing_selected(caller, test.decision, self.keep_weak)
        estimator = None
        if support.any():
            estimator = refit_selected(setup, X, y, support, rng, seeded, *meta)
        self.estimator_ = estimator
        self.support_ = support
        self.support_weak_ = weak
        self.ranking_ = test.ranking()[unit_of]
        self.decision_iteration_ = test.decided_at[unit_of]
        self.support_minimal_ = None
        if self.confirm_minimal:
            self.support_minimal_ = self.decision_iteration_ == 0
        self.n_features_ = int(support.sum())
        self.importances_ = test.mean_importances()[unit_of]
        self.history_ = history
        self.n_iter_ = test.n_iter
        self._n_dims = X.ndim
