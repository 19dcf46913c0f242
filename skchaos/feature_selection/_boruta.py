"""All-relevant selection: the network's attributions against shadow columns."""

import copy
import sys
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)

from skchaos.feature_selection._importance import (
    AGGREGATIONS,
    _ImportanceComputer,
    check_attribution,
    resolve_attribution,
)
from skchaos.feature_selection._path import (
    MIN_DELTA,
    Scaling,
    Setup,
    early_stopping_fraction,
    split_rows,
)
from skchaos.feature_selection._progress import epoch_progress, progress_bar
from skchaos.feature_selection._scoring import (
    Evaluator,
    constant_row_losses,
    warn_if_uninformative,
)
from skchaos.feature_selection._selected import SelectedEstimatorMixin
from skchaos.feature_selection._setup import atomic_fit, validate_fit_data
from skchaos.feature_selection._shadow import (
    CONFIRMED,
    TENTATIVE,
    ShadowTest,
    shadow_columns,
    shadow_threshold,
)
from skchaos.feature_selection._units import check_units
from skchaos.feature_selection._warm_start import (
    AUTO_INPUT_PENALTY,
    RoundTrainer,
    auto_input_penalty,
    with_input_penalty,
)
from skchaos.utils import draw_seed, split_estimator

# input_penalty="auto" of the iterations' nets: the norm each feature's
# input weights lose per optimizer step (the proximal step is lr * penalty).
# The development tables (a few hundred rows, twice 210-230 columns with the
# shadows) needed a pull this strong before the nets stopped fitting their
# training rows through the noise and shadow columns (lr 0.003 with penalty
# 10, and lr 0.01 with 3; benchmarks/results/dev/boruta-dev.md); it grows
# beyond 1,100 columns as AttributionRFE's does.
SHRINK_PER_STEP = 0.03

_HISTORY_KEYS = (
    "n_confirmed",
    "n_rejected",
    "n_tentative",
    "threshold",
    "confirmed",
    "rejected",
    "score",
    "epochs",
    "converged",
    "time",
)


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
    The loop stops when every feature is decided or after ``max_iter``
    iterations; the undecided ones are *tentative*.

    This answers "which features carry any signal?" (all-relevant), where
    :class:`AttributionRFE` answers "which smallest set predicts as well as
    all of them?" (minimal-optimal): it keeps weak and redundant relevant
    features that elimination drops.

    Parameters
    ----------
    estimator : estimator object
        The model trained at each iteration (a fresh clone each time), one of:

        - a skorch net such as :class:`skchaos.neural.MLPRegressor` or
          :class:`skchaos.neural.MLPClassifier`, or a
          :class:`~sklearn.pipeline.Pipeline` ending in one;
        - any scikit-learn estimator, with ``attribution="permutation"``, a
          perturbation method or a callable (a gradient method falls back to
          ``"permutation"`` with a warning).

        The net's input width grows with the shadows; its ``max_epochs`` is
        the least number of epochs of every iteration (see Notes).

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

    max_iter : int, default=40
        The most iterations (trainings). A feature needs at least about 8
        iterations to be decided at ``alpha=0.05``.

    validation_fraction : float, default=0.25
        Fraction of the rows held out for the attributions at each
        iteration (stratified for classifiers); a new split is drawn at
        every iteration.

    input_penalty : "auto" or float, default="auto"
        Group-lasso penalty on the input layer of the iterations' networks
        (the ``input_penalty`` of :class:`skchaos.neural.MLPRegressor`), as
        in :class:`AttributionRFE`: it keeps the network from fitting the
        training rows through many irrelevant (real or shadow) columns.
        ``"auto"`` is ``0.03 / lr`` (the net's ``lr``) for nets that have
        the parameter and leave it at 0, so that the input weights of each
        feature lose 0.03 in norm per optimizer step and those the network
        does not need fade out within tens of steps (up to 1,100 columns,
        real and shadow; it grows like the square root of the width
        beyond); nothing for other estimators. A float is that strength
        (0: the networks train as given); a net's own nonzero
        ``input_penalty`` is kept.
        ``estimator_`` is trained as given.

    importance_aggregation : {"mean_abs", "rms", "max_abs"}, default="mean_abs"
        How per-row attributions become one importance per column: the
        mean absolute value over the held-out rows, the root mean square,
        or the largest absolute value.

    feature_groups : array-like of shape (n_features,), default=None
        Group id of each column of a 2-D ``X``: a group is tested as one
        unit, its importance the sum of its columns', and its shadow
        permutes the rows of all its columns together. Inputs with more
        than two dimensions, ``(n, C, ...)``, are tested by channel.

    keep_weak : bool, default=False
        Whether the selection (``support_``, ``transform``, ``estimator_``)
        keeps the tentative features as well as the confirmed ones.

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
        Mask of the tentative features, undecided after ``max_iter``.

    ranking_ : ndarray of shape (n_features_in_,)
        1 for confirmed features, 2 for tentative ones, 3 and more for the
        rejected ones (larger: rejected earlier).

    decision_iteration_ : ndarray of shape (n_features_in_,)
        The iteration (1-based) at which each feature was confirmed or
        rejected; -1 for tentative features.

    n_features_ : int
        Number of selected features (columns, or channels).

    importances_ : ndarray of shape (n_features_in_,)
        Each feature's mean importance over the iterations it took part in
        (with groups, its group's).

    history_ : dict of lists
        One entry per iteration: ``"n_confirmed"``, ``"n_rejected"`` and
        ``"n_tentative"`` (features, or groups or channels, after the
        iteration), ``"threshold"`` (the importance a hit had to exceed),
        ``"confirmed"`` and ``"rejected"`` (indices of the columns decided
        at the iteration), ``"score"`` (the network's validation score on
        the held-out rows, real and shadow columns), ``"epochs"``,
        ``"converged"`` and ``"time"`` (seconds). ``pandas.DataFrame
        (history_)`` tabulates it.

    n_iter_ : int
        Iterations run.

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
    Every iteration trains a new clone from scratch: a network that has
    already fitted the real columns (a warm start) would face fresh shadows
    it has not fitted, and noise columns would beat them. Each iteration
    draws new shadows and a new split of the rows into training rows (on
    which the network trains, early-stopping on a part of them, until the
    loss levels off; see :class:`AttributionRFE`'s ``fine_tune_epochs``)
    and held-out rows (the attributions), and standardizes the columns (and
    a regression target) with the training rows' statistics.

    The test is BorutaPy's: after ``k`` iterations, a feature is confirmed
    when ``P(Binomial(k, 0.5) >= hits)`` and rejected when
    ``P(Binomial(k, 0.5) <= hits)`` is below ``alpha`` after the
    correction of ``two_step``. Confirmed features stay in play (with
    their shadows) until the end.

    When nothing is selected, ``transform`` returns no column (with
    scikit-learn's warning), ``estimator_`` is None and ``predict`` is not
    available.

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
    >>> selector = AttributionBoruta(net, max_iter=20, random_state=0).fit(X, y)
    >>> selector.get_support(indices=True)
    array([0, 1])
    >>> selector.ranking_  # 1 confirmed, 2 tentative, 3+ rejected
    array([1, 1, 2, 4, 3])
    >>> selector.decision_iteration_
    array([ 8,  8, -1,  8, 12])
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
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither")],
        "input_penalty": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "importance_aggregation": [StrOptions(set(AGGREGATIONS))],
        "feature_groups": ["array-like", None],
        "keep_weak": ["boolean"],
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
        max_iter=40,
        validation_fraction=0.25,
        input_penalty="auto",
        importance_aggregation="mean_abs",
        feature_groups=None,
        keep_weak=False,
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
        self.validation_fraction = validation_fraction
        self.input_penalty = input_penalty
        self.importance_aggregation = importance_aggregation
        self.feature_groups = feature_groups
        self.keep_weak = keep_weak
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Test every feature against shadows and refit on the selected ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            Training inputs; inputs with more than two dimensions are tested
            by channel (axis 1).

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        Returns
        -------
        self : object
            The fitted selector.
        """
        with atomic_fit(self):
            X, y, setup = self._setup(X, y)
            rng = check_random_state(self.random_state)
            seeded = self.random_state is not None
            test, history = self._iterate(X, y, setup, rng, seeded)
            self._set_fitted(X, y, setup, test, history, rng, seeded)
        return self

    def _setup(self, X, y):
        """Validate everything before training; the data and the :class:`Setup`."""
        X, y, classifier = validate_fit_data(self, X, y)
        units = check_units(X, self.feature_groups)
        caller = type(self).__name__
        params = check_attribution(self.attribution, self.attribution_params)
        attribution = resolve_attribution(self.attribution, self.estimator, caller)
        n_val = int(np.ceil(self.validation_fraction * X.shape[0]))
        if X.shape[0] - n_val < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no "
                f"training row out of {X.shape[0]} samples."
            )
        evaluate = Evaluator(self.estimator, None)
        n_outputs = None
        if not classifier and y.ndim == 2 and y.shape[1] > 1:
            n_outputs = y.shape[1]
        importance = _ImportanceComputer(
            attribution, params, self.importance_aggregation, evaluate.score, n_outputs
        )
        trainer = RoundTrainer(
            with_input_penalty(
                self.estimator, self._input_penalty(2 * X.shape[1]), caller, 0
            ),
            final_estimator=self.estimator,
            warm_start=False,
            epochs="auto",
            schedule="constant",
            max_round_epochs=None,
        )
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

    def _input_penalty(self, n_columns):
        """The float penalty of ``input_penalty="auto"`` for a net that has one."""
        if self.input_penalty != "auto":
            return self.input_penalty
        _, net = split_estimator(self.estimator)
        params = net.get_params(deep=False) if hasattr(net, "get_params") else {}
        if "input_penalty" not in params:
            return "auto"  # other estimators stay as they are
        scale = auto_input_penalty(n_columns) / AUTO_INPUT_PENALTY
        return SHRINK_PER_STEP / float(params.get("lr") or 0.01) * scale

    def _iterate(self, X, y, setup, rng, seeded):
        """Boruta's iterations; returns the :class:`ShadowTest` and the history."""
        units = setup.units
        test = ShadowTest(units.n_units, self.perc, self.alpha, self.two_step)
        history = {key: [] for key in _HISTORY_KEYS}
        trainer = copy.copy(setup.trainer)  # this fit's own hooks
        bar = progress_bar(setup, self.max_iter)
        if bar is not None:
            trainer.on_epoch = epoch_progress(bar)
        start = time.perf_counter()
        try:
            while test.n_iter < self.max_iter and not test.done():
                tic = time.perf_counter()
                alive = test.in_play()
                columns = units.columns(alive)
                unit_of = np.searchsorted(alive, units.unit_of[columns])
                X_aug, unit_of_aug = shadow_columns(X[:, columns], unit_of, rng)
                model, info, X_val, y_val = self._train(
                    X_aug, y, setup, trainer, rng, seeded
                )
                score, losses = setup.evaluate(model, X_val, y_val)
                if test.n_iter == 0:
                    baseline = constant_row_losses(setup.evaluate.name, y_val)
                    warn_if_uninformative(
                        losses, baseline, setup.caller, "the first iteration's"
                    )
                n = len(alive)
                importances = setup.importance(
                    model, X_val, y_val, unit_of_aug, 2 * n, draw_seed(rng, seeded)
                )
                confirmed, rejected = test.update(
                    alive, importances[:n], importances[n:]
                )
                counts = np.bincount(test.decision + 1, minlength=3)
                values = (
                    int(counts[2]),
                    int(counts[0]),
                    int(counts[1]),
                    shadow_threshold(importances[n:], self.perc),
                    units.columns(confirmed),
                    units.columns(rejected),
                    score,
                    info.epochs,
                    info.converged,
                    time.perf_counter() - tic,
                )
                for key, value in zip(_HISTORY_KEYS, values):
                    history[key].append(value)
                self._report(bar, setup, test, history, time.perf_counter() - start)
        finally:
            if bar is not None:
                bar.close()
        return test, history

    def _train(self, X_aug, y, setup, trainer, rng, seeded):
        """One iteration's network, cold, on a new split of the rows.

        Returns the model, its :class:`RoundInfo` and the standardized
        held-out rows.
        """
        train, val = split_rows(y, self.validation_fraction, rng, setup.classifier)
        scaling = Scaling.fit(X_aug[train], y[train], setup)
        X_aug, y = scaling.apply(X_aug, y)
        trainer.min_delta = MIN_DELTA * scaling.loss_scale(y[train], setup.classifier)
        X_fit, y_fit, X_es, y_es = X_aug[train], y[train], None, None
        if trainer.auto:
            fraction = early_stopping_fraction(trainer.estimator)
            fit, es = split_rows(y_fit, fraction, rng, setup.classifier)
            X_fit, y_fit, X_es, y_es = X_fit[fit], y_fit[fit], X_fit[es], y_fit[es]
        model, info = trainer.first(X_fit, y_fit, X_es, y_es, draw_seed(rng, seeded))
        return model, info, X_aug[val], y[val]

    def _report(self, bar, setup, test, history, elapsed):
        """Print the iteration just recorded and advance the bar."""
        if bar is None:
            return
        from tqdm.auto import tqdm

        name = setup.units.name
        status = (
            f"{history['n_confirmed'][-1]} confirmed, "
            f"{history['n_rejected'][-1]} rejected, "
            f"{history['n_tentative'][-1]} tentative {name}"
        )
        epochs = history["epochs"][-1]
        trained = "" if epochs is None else f"{epochs} epochs, "
        tqdm.write(
            f"[{setup.caller}] iteration {test.n_iter}: {status}; shadow "
            f"threshold {history['threshold'][-1]:.4g}, validation "
            f"{setup.score_name} = {history['score'][-1]:.6g} ({trained}"
            f"{history['time'][-1]:.1f} s, {elapsed:.1f} s in all)",
            file=sys.stdout,
        )
        bar.set_postfix_str(status)
        bar.update(1)

    def _set_fitted(self, X, y, setup, test, history, rng, seeded):
        """Every fitted attribute, and the refit on the selected features."""
        unit_of = setup.units.unit_of
        decision = test.decision[unit_of]
        confirmed = decision == CONFIRMED
        weak = decision == TENTATIVE
        support = confirmed | weak if self.keep_weak else confirmed
        self._warn_unconverged(history["converged"])
        estimator = None
        if support.any():
            seed = draw_seed(rng, seeded)
            trainer = setup.trainer
            X_sel, X_es, y_es = X[:, support], None, None
            if trainer.auto:
                fraction = early_stopping_fraction(trainer.estimator)
                fit, es = split_rows(y, fraction, rng, setup.classifier)
                X_sel, y, X_es, y_es = X_sel[fit], y[fit], X_sel[es], y[es]
            estimator = trainer.refit(X_sel, y, X_es, y_es, seed)
        self.estimator_ = estimator
        self.support_ = support
        self.support_weak_ = weak
        self.ranking_ = test.ranking()[unit_of]
        self.decision_iteration_ = test.decided_at[unit_of]
        self.n_features_ = int(support.sum())
        self.importances_ = test.mean_importances()[unit_of]
        self.history_ = history
        self.n_iter_ = test.n_iter
        self._n_dims = X.ndim

    def _warn_unconverged(self, converged):
        stopped = sum(ok is False for ok in converged)
        if stopped:
            warnings.warn(
                f"{type(self).__name__}: the networks of {stopped} of "
                f"{len(converged)} iterations reached 10 times the net's "
                "max_epochs before their early-stopping loss levelled off; "
                "their attributions come from networks that were still "
                "learning. Raise the net's lr or max_epochs.",
                ConvergenceWarning,
                stacklevel=4,
            )
