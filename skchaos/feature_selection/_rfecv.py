"""Attribution-based recursive elimination with a cross-validated size."""

from numbers import Integral

import numpy as np
from sklearn.base import _fit_context
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from skchaos.feature_selection._encoded import fits_by_input_column
from skchaos.feature_selection._path import elimination_path
from skchaos.feature_selection._plotting import plot_scores
from skchaos.feature_selection._rfe import AttributionRFE
from skchaos.feature_selection._setup import atomic_fit, check_fit_metadata
from skchaos.feature_selection._size_rule import nan_to_worst
from skchaos.feature_selection._warm_refit import keeps_path_models
from skchaos.utils import MAX_SEED, draw_seed

_ONE_SE = "1se"


def _rows(values, index):
    return None if values is None else values[index]


def _fold_path(
    setup, X, y, train, test, n_stop, seed, seeded, sample_weight=None, groups=None
):
    """Run one fold's elimination path; score each size on the fold's test rows."""
    X_test, y_test = X[test], y[test]
    w_test = _rows(sample_weight, test)
    scaled = {}  # the test rows in the path's units, standardized once

    def test_score(model, columns, scaling):
        if not scaled:
            scaled["X"], scaled["y"] = scaling.apply(X_test, y_test)
        return setup.evaluate.score(model, scaled["X"][:, columns], scaled["y"], w_test)

    path = elimination_path(
        X[train],
        y[train],
        setup,
        rng=np.random.RandomState(seed),
        seeded=seeded,
        n_stop=n_stop,
        on_round=test_score,
        sample_weight=_rows(sample_weight, train),
        groups=_rows(groups, train),
    )
    return path.n_units, path.on_round


class AttributionRFECV(AttributionRFE):
    """Attribution-based recursive elimination, sized by cross-validation.

    For each cross-validation fold, the elimination path of
    :class:`AttributionRFE` runs on the fold's training rows (which it splits
    again: the attributions come from an inner validation split) from all
    features down to ``min_features_to_select``, and the network of every
    size is scored on the fold's test rows, which the path never saw. The
    size is chosen from the mean test score over the folds (see ``tol``),
    then an :class:`AttributionRFE` with that size is fitted on all the data.

    Parameters
    ----------
    estimator : estimator object
        The model to train at each round: a skorch net (e.g.
        :class:`skchaos.neural.MLPRegressor`), a pipeline ending in one, or
        any scikit-learn estimator (see :class:`AttributionRFE`).

    attribution : str or callable, default="saliency"
        A method of :func:`skchaos.attribution.attribute`,
        ``"permutation"``, or a callable ``f(fitted_estimator, X_val, y_val,
        **attribution_params)``; see :class:`AttributionRFE`.

    attribution_params : dict, default=None
        Keyword arguments of the attribution.

    step : int or float, default=0.2
        An int >= 1 eliminates that many features per round; a float in (0, 1)
        that fraction of the features left (rounded down, at least one).

    validation_fraction : float, default=0.2
        Fraction of each training part held out for the attributions.

    scoring : str, callable or None, default=None
        The score of each size on the test folds (higher is better); None is
        ``"neg_mean_squared_error"`` for regressors and ``"neg_log_loss"``
        for classifiers (``"accuracy"`` without ``predict_proba``).

    tol : "auto", "1se" or float, default="auto"
        How the size is chosen from the mean test scores: ``"auto"`` (or
        ``"1se"``) is the one-standard-error rule, the smallest size whose
        mean score is at least ``best - std / sqrt(n_splits)`` with the
        standard deviation over folds of the best size; a float, the
        smallest size whose mean score is at least ``best - tol * |best|``.

    round_training : RoundTraining or None, default=None
        How each round's network trains (warm start, epochs, schedule, cap,
        batch size, the first network's learning rate): see
        :class:`RoundTraining`; None is ``RoundTraining()``.

    input_penalty : "auto" or float, default="auto"
        Group-lasso penalty on the input layer of the networks of the paths
        (see :class:`AttributionRFE`); ``"auto"`` is 0.3 for the skchaos
        MLPs, more beyond 1,100 features.

    importance_aggregation : {"mean_abs", "rms", "max_abs"}, default="mean_abs"
        How per-sample attributions become one importance per feature.

    feature_groups : array-like of shape (n_features,), default=None
        Group id of each column of a 2-D ``X``: whole groups are eliminated
        together. Inputs with more than two dimensions are selected by
        channel.

    min_features_to_select : int, default=1
        Smallest number of features (groups, channels) scored.

    refit : "auto" or bool, default="auto"
        How the final ``estimator_`` is made: the final path's network
        carried on (``"auto"``, skchaos nets), a new clone trained on all the
        rows (``True``), or the final path's network as it is (``False``);
        see :class:`AttributionRFE`.

    cv : int, cross-validation generator or iterable, default=5
        The folds: an int for (stratified, for classifiers) K-fold, a
        splitter, or an iterable of (train, test) index arrays.

    n_jobs : int, default=None
        Folds run in parallel with joblib; None means 1 unless in a
        :obj:`joblib.parallel_backend` context, -1 all processors.

    random_state : int, RandomState instance or None, default=None
        Seeds each fold's path (one seed per fold, drawn up front, so that
        ``n_jobs`` does not change the result) and the final fit.

    verbose : int, default=0
        1 prints one line per round of every path.

    warm_start : bool, default="deprecated"
        Deprecated in 0.1, removed in 0.2: ``RoundTraining(warm_start=...)``.

    fine_tune_epochs : "auto", int or float, default="deprecated"
        Deprecated in 0.1, removed in 0.2: ``RoundTraining(epochs=...)``.

    fine_tune_schedule : {"cosine", "constant"}, default="deprecated"
        Deprecated in 0.1, removed in 0.2: ``RoundTraining(schedule=...)``.

    max_round_epochs : int or None, default="deprecated"
        Deprecated in 0.1, removed in 0.2: ``RoundTraining(max_epochs=...)``.

    Attributes
    ----------
    cv_results_ : dict of ndarrays
        Sorted by increasing size: ``"n_features"`` (``"n_groups"`` with
        ``feature_groups``), ``"mean_test_score"``, ``"std_test_score"`` and
        ``"split{k}_test_score"`` for each fold ``k``.

    estimator_ : estimator
        The estimator trained on the selected features.

    support_ : ndarray of shape (n_features_in_,)
        Mask of the selected features.

    ranking_ : ndarray of shape (n_features_in_,)
        1 for the selected features, larger for features eliminated earlier
        by the final elimination.

    n_features_ : int
        Number of selected features.

    importances_ : ndarray of shape (n_features_in_,)
        Importances from the final elimination (see :class:`AttributionRFE`).

    history_ : dict of lists
        The rounds of the final elimination.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during fit, when ``X`` has string column
        names.

    classes_ : ndarray of shape (n_classes,)
        The class labels, for classifiers.

    See Also
    --------
    AttributionRFE : One validation split, a tolerance rule on its scores.
    sklearn.feature_selection.RFECV : Cross-validated elimination by
        coefficients or impurity importances.

    Notes
    -----
    All folds share the same sequence of sizes (it depends only on the number
    of features, ``step`` and ``min_features_to_select``), so their scores
    are averaged size by size. The cost is ``n_splits + 1`` elimination paths.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection import AttributionRFECV
    >>> from skchaos.neural import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(300, 5))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> net = MLPRegressor(hidden_layer_sizes=(8,), lr=0.02, max_epochs=60)
    >>> selector = AttributionRFECV(net, cv=3, random_state=0).fit(X, y)
    >>> selector.get_support(indices=True)
    array([0, 1])
    >>> selector.cv_results_["n_features"]
    array([1, 2, 3, 4, 5])
    """

    _parameter_constraints: dict = {
        **AttributionRFE._parameter_constraints,
        "tol": [*AttributionRFE._parameter_constraints["tol"], StrOptions({_ONE_SE})],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
    }
    _parameter_constraints.pop("n_features_to_select")
    _parameter_constraints.pop("patience")

    def __init__(
        self,
        estimator,
        *,
        attribution="saliency",
        attribution_params=None,
        step=0.2,
        validation_fraction=0.2,
        scoring=None,
        tol="auto",
        round_training=None,
        input_penalty="auto",
        importance_aggregation="mean_abs",
        feature_groups=None,
        min_features_to_select=1,
        refit="auto",
        cv=5,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start="deprecated",
        fine_tune_epochs="deprecated",
        fine_tune_schedule="deprecated",
        max_round_epochs="deprecated",
    ):
        self.estimator = estimator
        self.attribution = attribution
        self.attribution_params = attribution_params
        self.step = step
        self.validation_fraction = validation_fraction
        self.scoring = scoring
        self.tol = tol
        self.round_training = round_training
        self.input_penalty = input_penalty
        self.importance_aggregation = importance_aggregation
        self.feature_groups = feature_groups
        self.min_features_to_select = min_features_to_select
        self.refit = refit
        self.cv = cv
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.fine_tune_epochs = fine_tune_epochs
        self.fine_tune_schedule = fine_tune_schedule
        self.max_round_epochs = max_round_epochs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Score every size by cross-validation, then select and refit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            Training inputs.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows, as in :meth:`AttributionRFE.fit`; the test
            scores of the folds are weighted too.

        groups : array-like of shape (n_samples,), default=None
            Group labels of the rows, passed to the ``cv`` splitter (e.g.
            :class:`~sklearn.model_selection.GroupKFold`), as in
            scikit-learn's ``RFECV``; the inner validation and early-stopping
            splits also keep each group on one side.

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
            cv = check_cv(self.cv, y, classifier=setup.classifier)
            splits = list(cv.split(X, y, groups))
            rng = check_random_state(self.random_state)
            seeds = rng.randint(MAX_SEED, size=len(splits))
            seeded = self.random_state is not None
            n_stop = min(self.min_features_to_select, setup.units.n_units)
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(_fold_path)(
                    setup,
                    X,
                    y,
                    train,
                    test,
                    n_stop,
                    seed,
                    seeded,
                    sample_weight,
                    groups,
                )
                for (train, test), seed in zip(splits, seeds)
            )
            sizes = np.asarray(results[0][0])[::-1]
            scores = np.array([fold_scores for _, fold_scores in results])[:, ::-1]
            mean, std = scores.mean(axis=0), scores.std(axis=0)
            chosen = int(sizes[self._choose(mean, std, len(splits))])

            # The final elimination, on all the rows, down to the chosen size.
            final_rng = np.random.RandomState(draw_seed(rng))
            path = elimination_path(
                X,
                y,
                setup,
                rng=final_rng,
                seeded=seeded,
                n_stop=chosen,
                keep_models=keeps_path_models(self.refit, setup, X),
                sample_weight=sample_weight,
                groups=groups,
            )
            self._set_fitted(
                X,
                y,
                setup,
                path,
                len(path.score) - 1,
                final_rng,
                sample_weight,
                groups,
            )
            key = "n_features" if self.feature_groups is None else "n_groups"
            self.cv_results_ = {
                key: sizes,
                "mean_test_score": mean,
                "std_test_score": std,
                **{f"split{k}_test_score": s for k, s in enumerate(scores)},
            }
        return self

    def _fixed_size(self):
        return False

    def _choose(self, mean, std, n_splits):
        """Index of the smallest size allowed by the ``tol`` rule."""
        mean = nan_to_worst(mean)
        best = int(np.argmax(mean))
        if self.tol in ("auto", _ONE_SE):
            ok = np.flatnonzero(mean >= mean[best] - std[best] / np.sqrt(n_splits))
        else:
            ok = np.flatnonzero(mean >= mean[best] - self.tol * abs(mean[best]))
        return int(ok[0])

    def plot_history(self, ax=None):
        """Plot the mean test score (+- one std) against the number of features.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None creates a new figure.

        Returns
        -------
        ax : matplotlib Axes
            The axes, with the selected size marked.
        """
        check_is_fitted(self)
        key = "n_features" if self.feature_groups is None else "n_groups"
        return plot_scores(
            ax,
            self.cv_results_[key],
            self.cv_results_["mean_test_score"],
            std=self.cv_results_["std_test_score"],
            chosen=self._n_selected_units,
            ylabel=f"cross-validated {self._scoring_name()}",
            label=type(self).__name__,
        )
