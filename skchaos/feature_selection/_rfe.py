"""Recursive feature elimination ranked by attributions on held-out rows."""

import time
from contextlib import contextmanager
from copy import deepcopy
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    _fit_context,
    clone,
    is_classifier,
)
from sklearn.feature_selection._base import SelectorMixin
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)
from sklearn.utils._tags import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.utils.validation import check_array, validate_data

from skchaos.feature_selection._importance import (
    AGGREGATIONS,
    _ImportanceComputer,
    check_attribution,
    resolve_attribution,
)
from skchaos.feature_selection._plotting import plot_scores
from skchaos.feature_selection._warm_start import _is_sliceable, _warm_start
from skchaos.utils import torch_random_context

_MAX_SEED = np.iinfo(np.int32).max


def _estimator_has(attr):
    """Check ``estimator_`` once fitted, else ``estimator`` (for available_if)."""

    def check(self):
        estimator = getattr(self, "estimator_", self.estimator)
        getattr(estimator, attr)
        return True

    return check


def _draw_seed(rng, seeded):
    """An int seed from ``rng`` when the selector is seeded, else None."""
    return int(rng.randint(_MAX_SEED)) if seeded else None


def _seeded_clone(estimator, seed):
    """Clone ``estimator``; give its unset ``random_state`` parameters ``seed``."""
    estimator = clone(estimator)
    if seed is not None:
        unset = {
            name: seed
            for name, value in estimator.get_params(deep=True).items()
            if (name == "random_state" or name.endswith("__random_state"))
            and value is None
        }
        if unset:
            estimator.set_params(**unset)
    return estimator


def _fit_seeded(estimator, X, y, seed):
    """Fit ``estimator``; torch is seeded locally unless it has a random_state."""
    if any(
        name == "random_state" or name.endswith("__random_state")
        for name in estimator.get_params(deep=True)
    ):
        seed = None
    with torch_random_context(seed):
        return estimator.fit(X, y)


def _n_removed(step, n_left, n_stop):
    """How many units one round eliminates: ``step`` of them, at least one."""
    n = int(step) if isinstance(step, Integral) else max(1, int(step * n_left))
    return min(n, n_left - n_stop)


def _within_tol(scores, best, tol):
    """Which scores are within ``tol`` (relative to ``|best|``) of ``best``."""
    return np.asarray(scores) >= best - tol * abs(best)


def _nan_to_worst(scores):
    scores = np.asarray(scores, dtype=np.float64)
    return np.where(np.isnan(scores), -np.inf, scores)


@contextmanager
def _atomic_fit(selector):
    """Restore the selector's previous state if ``fit`` fails.

    A failed fit of a fresh selector leaves no fitted attribute, and a failed
    refit of a fitted one leaves the previous fit intact, never a mix.
    """
    snapshot = dict(vars(selector))
    try:
        yield
    except BaseException:
        vars(selector).clear()
        vars(selector).update(snapshot)
        raise


class AttributionRFE(SelectorMixin, MetaEstimatorMixin, BaseEstimator):
    """Recursive feature elimination ranked by attributions on held-out rows.

    A neural network (or any estimator) is trained on the features that are
    left, each feature is scored by the mean absolute attribution of the
    network's predictions on a validation split carved out of the training
    data, and the least important ``step`` of them are eliminated; the
    network is then restricted to the survivors and trained again. This is
    the attribution-based elimination of ChaosMining [1]_, made leakage-free
    (attributions and the stopping score never use test rows), much faster
    (warm starts instead of retraining from scratch), and able to choose the
    number of features itself from the validation scores along the path.

    Parameters
    ----------
    estimator : estimator object
        The model to train at each round, one of:

        - a skorch net such as :class:`skchaos.neural.MLPRegressor` or
          :class:`skchaos.neural.MLPClassifier` (gradient attributions and
          warm starts);
        - a :class:`~sklearn.pipeline.Pipeline` ending in one;
        - any scikit-learn estimator, with ``attribution="permutation"``, a
          perturbation method (``"feature_ablation"``, ...) or a callable; a
          gradient method falls back to ``"permutation"`` with a warning.

    attribution : str or callable, default="saliency"
        How features are scored on the validation rows:

        - a method of :func:`skchaos.attribution.attribute`, listed by
          :func:`skchaos.attribution.available_methods` (``"saliency"``,
          ``"integrated_gradients"``, ``"deeplift"``, ``"feature_ablation"``,
          ...): per-sample attributions of the validation rows, aggregated by
          ``importance_aggregation``. Classifiers are attributed for their
          predicted class, multi-output regressors output by output (the
          importances are summed);
        - ``"permutation"``: the drop of ``scoring`` when a feature (or a whole
          group) is shuffled on the validation rows,
          :func:`skchaos.attribution.model_agnostic_importance`; works with
          any estimator;
        - a callable ``f(fitted_estimator, X_val, y_val, **attribution_params)``
          returning one importance per column of ``X_val``, shape
          ``(n_features,)``, or one attribution per value, shape
          ``X_val.shape`` (then aggregated).

        Larger importances are kept.

    attribution_params : dict, default=None
        Keyword arguments of the attribution: the method's parameters (e.g.
        ``{"n_steps": 20}`` for integrated gradients), ``baselines`` and
        ``batch_size`` of :func:`~skchaos.attribution.attribute`;
        ``{"n_repeats": 5}`` for ``"permutation"``; anything for a callable.
        Unknown names raise TypeError before any training.

    n_features_to_select : "auto", int or float, default="auto"
        How many features to keep. An int is a number of features, a float in
        (0, 1] a fraction of them. ``"auto"`` eliminates down to
        ``min_features_to_select`` (see ``patience``) and keeps the smallest
        set whose validation score is within ``tol`` of the best one along the
        path (see Notes). With ``feature_groups``, or channels, it counts
        groups (channels).

    step : int or float, default=0.1
        An int >= 1 eliminates that many features per round; a float in (0, 1)
        that fraction of the features *left*, rounded down, and at least one.
        The default shrinks the set geometrically, by 10% a round: coarse
        steps among many noise features, and single features once fewer than
        20 are left, where one round must not remove a relevant feature
        together with a noise one.

    validation_fraction : float, default=0.2
        Fraction of the training rows held out (stratified for classifiers)
        for the attributions and the scores.

    scoring : str, callable or None, default=None
        The validation score (higher is better), a scikit-learn scorer name or
        callable. None uses a loss: ``"neg_mean_squared_error"`` for
        regressors and ``"neg_log_loss"`` for classifiers (``"accuracy"``
        when there is no ``predict_proba``); see Notes for why.

    tol : float, default=0.02
        Tolerance of ``n_features_to_select="auto"``, relative to the best
        score: a size is acceptable if its score is at least
        ``best - tol * |best|``; with the default loss it means "a validation
        MSE (log-loss) at most 2% above the best one". Larger values select
        fewer features (see Notes).

    warm_start : bool, default=True
        Whether each round fine-tunes the previous round's network, with the
        columns of the eliminated features deleted from its first layer
        (see Notes), instead of training a new clone from scratch (the
        paper's procedure). Estimators that cannot be sliced are retrained.

    fine_tune_epochs : int or float, default=0.1
        Epochs of each warm-started round: an int is a number of epochs, a
        float in (0, 1] a fraction of the network's ``max_epochs`` (at least
        one).

    importance_aggregation : {"mean_abs", "rms", "max_abs"}, default="mean_abs"
        How per-sample attributions become one importance per feature: the
        mean absolute value over the validation rows (the paper's rule), the
        root mean square, or the largest absolute value. For inputs with
        channels the mean runs over the rows and the axes after the channel.

    feature_groups : array-like of shape (n_features,), default=None
        Group id of each column of a 2-D ``X`` (e.g. the sensor of each
        measurement): whole groups are eliminated together, and a group's
        importance is the sum of its features' aggregated attributions
        (perturbation methods and ``"permutation"`` perturb the whole group
        at once instead). Inputs with more than two dimensions, ``(n, C,
        ...)``, are always selected by channel (axis 1).

    min_features_to_select : int, default=1
        Smallest number of features (groups, channels) that
        ``n_features_to_select="auto"`` considers.

    patience : int or None, default=None
        With ``n_features_to_select="auto"``, stop eliminating once this many
        consecutive rounds scored outside the tolerance band of the best
        score so far, which saves the last rounds when the score only gets
        worse once relevant features are gone. None runs down to
        ``min_features_to_select``: the early rounds of a noisy path can
        score worse than the first one before they improve.

    refit : bool, default=True
        Whether ``estimator_`` is a new clone trained on all the rows
        (training and validation) with the selected features. If False, it is
        the network of the elimination path at the selected size, trained on
        the training part only (no extra training, but every round's model is
        kept in memory during ``fit``).

    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, the ``random_state`` of each clone that
        has one left at None, torch (locally) during each training, and the
        stochastic attribution methods. An int gives reproducible results.

    verbose : int, default=0
        1 prints one line per round: features left, validation score and
        elapsed time.

    Attributes
    ----------
    estimator_ : estimator
        The estimator trained on the selected features (see ``refit``).

    support_ : ndarray of shape (n_features_in_,)
        Mask of the selected features (channels for inputs with channels).

    ranking_ : ndarray of shape (n_features_in_,)
        1 for the selected features; larger values were eliminated earlier
        (2: in the last round before the selected size).

    n_features_ : int
        Number of selected features (columns, or channels).

    importances_ : ndarray of shape (n_features_in_,)
        The importance of each feature in the last round it took part in up
        to the selected size: the selected features hold the importance
        measured with exactly the selected set, the eliminated ones the
        importance that eliminated them (importances of different rounds
        come from different networks, so compare them within a round). With
        groups each feature holds its group's importance.

    history_ : dict of lists
        One entry per round of the elimination path, in order:
        ``"n_features"`` (features, or groups/channels, left), ``"score"``
        (validation score), ``"features"`` (indices of the features kept),
        ``"importances"`` (their importances, aligned with ``"features"``),
        ``"eliminated"`` (indices eliminated after the round), ``"training"``
        (``"initial"``, ``"warm"`` or ``"cold"``) and ``"time"`` (seconds
        spent in the round). ``pandas.DataFrame(history_)`` tabulates it.

    n_features_in_ : int
        Number of features (channels) seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during fit, when ``X`` has string column
        names.

    classes_ : ndarray of shape (n_classes,)
        The class labels, for classifiers.

    See Also
    --------
    AttributionRFECV : Chooses the number of features by cross-validation.
    sklearn.feature_selection.RFE : Elimination by coefficients or
        impurity importances.
    skchaos.attribution.attribute : The attribution methods.

    Notes
    -----
    **Choosing the size.** With ``n_features_to_select="auto"`` the path runs
    from all features down to ``min_features_to_select`` (or until
    ``patience`` rounds in a row fall outside the tolerance band), each size
    is scored on the validation rows, and the smallest size whose score is
    at least ``best - tol * |best|`` is selected. The default score is a loss
    because the decision is about weak features: a relevant variable whose
    removal raises a validation MSE of 1e-4 by 3e-5 (30%) moves an R^2 of
    0.999 by 3e-5, below any sensible tolerance.

    **Warm starts.** Deleting the eliminated columns of the first layer's
    weight (``module_.input_layer`` of the skchaos MLPs, otherwise the first
    ``nn.Linear``, or for inputs with channels the first ``nn.Conv1d/2d/3d``)
    leaves the network computing exactly what it computed with those inputs
    set to zero, which is checked on a few validation rows; a new optimizer
    then fine-tunes it for ``fine_tune_epochs``. A skchaos network none of
    whose weights depends on the channel count (the shared, channel-pooled
    encoder of :class:`~skchaos.neural.AudioCNNClassifier`) is instead
    rebuilt for the surviving channels with every weight carried over, and
    fine-tuned. A pipeline is warm-started when its transformers keep the
    column names (scalers), and is refitted on the survivors. Anything else
    (a network that fails the check, a scikit-learn estimator) is retrained
    from a fresh clone at each round and reported as ``"cold"`` in
    ``history_``.

    **Leakage.** ``fit`` splits its rows once into a training part and a
    validation part: networks are trained on the first, and attributions and
    scores come from the second, so a test set kept outside ``fit`` stays
    untouched.

    References
    ----------
    .. [1] Shi, Kan, Smucny and Davidson (2024). "ChaosMining: A Benchmark to
       Evaluate Post-Hoc Local Attribution Methods in Low SNR Environments".
       arXiv:2406.12150.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection import AttributionRFE
    >>> from skchaos.neural import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(300, 6))
    >>> y = X[:, 0] + np.sin(2 * X[:, 1])
    >>> net = MLPRegressor(hidden_layer_sizes=(16,), lr=0.02, max_epochs=100)
    >>> selector = AttributionRFE(net, n_features_to_select=2, random_state=0)
    >>> selector.fit(X, y).get_support(indices=True)
    array([0, 1])
    >>> selector.history_["n_features"]  # one feature eliminated per round
    [6, 5, 4, 3, 2]
    >>> selector.transform(X).shape
    (300, 2)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "attribution": [str, callable],
        "attribution_params": [dict, None],
        "n_features_to_select": [
            StrOptions({"auto"}),
            Interval(RealNotInt, 0, 1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "step": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
        ],
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither")],
        "scoring": [str, callable, None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "fine_tune_epochs": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "fine_tune_schedule": [StrOptions({"cosine", "constant"})],
        "importance_aggregation": [StrOptions(set(AGGREGATIONS))],
        "feature_groups": ["array-like", None],
        "min_features_to_select": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "refit": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator,
        *,
        attribution="saliency",
        attribution_params=None,
        n_features_to_select="auto",
        step=0.1,
        validation_fraction=0.2,
        scoring=None,
        tol=0.02,
        warm_start=True,
        fine_tune_epochs=0.1,
        fine_tune_schedule="cosine",
        importance_aggregation="mean_abs",
        feature_groups=None,
        min_features_to_select=1,
        patience=None,
        refit=True,
        random_state=None,
        verbose=0,
    ):
        self.estimator = estimator
        self.attribution = attribution
        self.attribution_params = attribution_params
        self.n_features_to_select = n_features_to_select
        self.step = step
        self.validation_fraction = validation_fraction
        self.scoring = scoring
        self.tol = tol
        self.warm_start = warm_start
        self.fine_tune_epochs = fine_tune_epochs
        self.fine_tune_schedule = fine_tune_schedule
        self.importance_aggregation = importance_aggregation
        self.feature_groups = feature_groups
        self.min_features_to_select = min_features_to_select
        self.patience = patience
        self.refit = refit
        self.random_state = random_state
        self.verbose = verbose

    @property
    def classes_(self):
        """ndarray of shape (n_classes,): the class labels of a classifier."""
        return self.estimator_.classes_

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Eliminate features along the attribution path and refit the estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            Training inputs; inputs with more than two dimensions are selected
            by channel (axis 1).

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        Returns
        -------
        self : object
            The fitted selector.
        """
        with _atomic_fit(self):
            X, y, setup = self._setup(X, y)
            n_units = setup["n_units"]
            if self._fixed_size():
                n_stop = self._n_to_select(n_units, setup["unit_name"])
                patience = None
            else:
                n_stop = min(self.min_features_to_select, n_units)
                patience = self.patience
            rng = check_random_state(self.random_state)
            path = self._elimination_path(
                X,
                y,
                setup,
                rng=rng,
                n_stop=n_stop,
                patience=patience,
                keep_models=not self.refit,
            )
            if self._fixed_size():
                chosen = len(path["score"]) - 1
            else:
                chosen = _smallest_within_tol(path["score"], path["n_units"], self.tol)
            self._set_fitted(X, y, setup, path, chosen, rng)
        return self

    def _n_to_select(self, n_units, unit):
        """The int ``n_features_to_select``, checked against the unit count."""
        k = self.n_features_to_select
        if isinstance(k, Integral):
            if k > n_units:
                raise ValueError(
                    f"n_features_to_select={k} is larger than the number of "
                    f"{unit} in X ({n_units}); expected at most {n_units}."
                )
            return int(k)
        return max(1, int(k * n_units))

    def _fixed_size(self):
        """Whether ``n_features_to_select`` fixes the size (not "auto")."""
        return self.n_features_to_select != "auto"

    def _setup(self, X, y):
        """Validate everything that can be checked before training.

        Returns the validated ``X`` and ``y`` and a dict with the unit of each
        column (``unit_of``), ``n_units``, the resolved attribution, the
        importance computer and the scorer.
        """
        classifier = is_classifier(self.estimator)
        X, y = validate_data(
            self,
            X,
            y,
            reset=True,
            dtype=(np.float64, np.float32),
            allow_nd=True,
            ensure_min_samples=2,
            ensure_min_features=2,
            multi_output=True,
            y_numeric=not classifier,
        )
        if classifier:
            check_classification_targets(y)
        if X.ndim > 2 and X.shape[1] < 2:
            raise ValueError(
                f"X of shape {X.shape} has {X.shape[1]} channel; a minimum of 2 "
                f"channels (axis 1) is required by {type(self).__name__}."
            )
        unit_of, n_units = self._check_units(X)
        if X.ndim > 2:
            unit_name = "channels"
        elif self.feature_groups is not None:
            unit_name = "feature groups"
        else:
            unit_name = "features"
        params = check_attribution(self.attribution, self.attribution_params)
        attribution = resolve_attribution(
            self.attribution, self.estimator, type(self).__name__
        )
        if self._fixed_size():
            self._n_to_select(n_units, unit_name)
        elif self.min_features_to_select > n_units:
            raise ValueError(
                f"min_features_to_select={self.min_features_to_select} is larger "
                f"than the number of {unit_name} in X ({n_units})."
            )
        n_val = int(np.ceil(self.validation_fraction * X.shape[0]))
        if n_val < 1 or X.shape[0] - n_val < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no "
                f"training or no validation row out of {X.shape[0]} samples."
            )
        scorer = self._get_scorer()
        n_outputs = None
        if not classifier and y.ndim == 2 and y.shape[1] > 1:
            n_outputs = y.shape[1]
        importance = _ImportanceComputer(
            attribution, params, self.importance_aggregation, scorer, n_outputs
        )
        setup = {
            "unit_of": unit_of,
            "n_units": n_units,
            "importance": importance,
            "scorer": scorer,
            "classifier": classifier,
            "unit_name": unit_name,
        }
        return X, y, setup

    def _check_units(self, X):
        """Map each column (or channel) of ``X`` to its selection unit."""
        n_columns = X.shape[1]
        if self.feature_groups is None:
            return np.arange(n_columns), n_columns
        if X.ndim > 2:
            raise ValueError(
                "feature_groups is for 2-D X; an X with more dimensions, "
                f"shape {X.shape}, is selected by channel (axis 1)."
            )
        groups = check_array(
            self.feature_groups,
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
        return unit_of.ravel(), n_units

    def _scoring(self):
        """``scoring``, with None replaced by the default loss."""
        if self.scoring is not None:
            return self.scoring
        if not is_classifier(self.estimator):
            return "neg_mean_squared_error"
        if hasattr(self.estimator, "predict_proba"):
            return "neg_log_loss"
        return "accuracy"

    def _get_scorer(self):
        return check_scoring(self.estimator, scoring=self._scoring())

    def _scoring_name(self):
        scoring = self._scoring()
        return scoring if isinstance(scoring, str) else "score"

    def _split(self, X, y, rng, classifier):
        """Split the rows into a training and a validation part."""
        seed = int(rng.randint(_MAX_SEED))
        rows = np.arange(X.shape[0])
        stratify = y if classifier else None
        try:
            train, val = train_test_split(
                rows,
                test_size=self.validation_fraction,
                random_state=seed,
                stratify=stratify,
            )
        except ValueError:
            if stratify is None:
                raise
            # A class too small to be stratified: split at random.
            train, val = train_test_split(
                rows, test_size=self.validation_fraction, random_state=seed
            )
        return np.sort(train), np.sort(val)

    def _fine_tune_epochs(self, estimator):
        epochs = self.fine_tune_epochs
        if isinstance(epochs, Integral):
            return int(epochs)
        net = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
        return max(1, int(epochs * getattr(net, "max_epochs", 1)))

    def _elimination_path(
        self,
        X,
        y,
        setup,
        *,
        rng,
        n_stop,
        patience,
        keep_models=False,
        X_test=None,
        y_test=None,
    ):
        """Run the elimination from all units down to ``n_stop`` units.

        Returns a dict of per-round lists: ``n_units``, ``score`` (validation),
        ``units`` (kept), ``importances``, ``eliminated`` (units), ``training``,
        ``time``, and ``test_score`` on ``(X_test, y_test)`` when given, and
        ``models`` when ``keep_models``.
        """
        seeded = self.random_state is not None
        unit_of, scorer = setup["unit_of"], setup["scorer"]
        train, val = self._split(X, y, rng, setup["classifier"])
        X_train, y_train, X_val, y_val = X[train], y[train], X[val], y[val]

        path = {
            key: []
            for key in (
                "n_units",
                "score",
                "units",
                "importances",
                "eliminated",
                "training",
                "time",
            )
        }
        if X_test is not None:
            path["test_score"] = []
        if keep_models:
            path["models"] = []

        alive = np.arange(setup["n_units"])
        columns = np.arange(X.shape[1])
        start = time.perf_counter()
        tic = start
        seed = _draw_seed(rng, seeded)
        model = _fit_seeded(_seeded_clone(self.estimator, seed), X_train, y_train, seed)
        training = "initial"
        best = -np.inf
        n_outside = 0
        while True:
            score = float(scorer(model, X_val[:, columns], y_val))
            importances = setup["importance"](
                model,
                X_val[:, columns],
                y_val,
                np.searchsorted(alive, unit_of[columns]),
                len(alive),
                _draw_seed(rng, seeded),
            )
            path["n_units"].append(len(alive))
            path["score"].append(score)
            path["units"].append(alive)
            path["importances"].append(importances)
            path["training"].append(training)
            if X_test is not None:
                path["test_score"].append(
                    float(scorer(model, X_test[:, columns], y_test))
                )
            if keep_models:
                path["models"].append(model)
            toc = time.perf_counter()
            path["time"].append(toc - tic)
            if self.verbose:
                print(
                    f"[{type(self).__name__}] {len(alive)} {setup['unit_name']} "
                    f"left: validation {self._scoring_name()} = {score:.6g} "
                    f"({training}, {toc - tic:.1f} s, {toc - start:.1f} s in all)"
                )

            n_removed = _n_removed(self.step, len(alive), n_stop)
            if patience is not None:
                score = -np.inf if np.isnan(score) else score
                best = max(best, score)
                inside = _within_tol([score], best, self.tol)[0]
                n_outside = 0 if inside else n_outside + 1
            if n_removed <= 0 or (patience is not None and n_outside >= patience):
                path["eliminated"].append(alive[:0])
                break
            order = np.argsort(importances, kind="stable")
            removed = np.sort(alive[order[:n_removed]])
            path["eliminated"].append(removed)
            alive = np.setdiff1d(alive, removed)
            keep = np.flatnonzero(np.isin(unit_of[columns], alive))

            tic = time.perf_counter()
            seed = _draw_seed(rng, seeded)
            model, training = self._next_model(
                model,
                keep,
                X_train[:, columns],
                y_train,
                X_val[:, columns],
                seed,
                copy=keep_models,
            )
            columns = columns[keep]
        return path

    def _next_model(self, model, keep, X_train, y_train, X_val, seed, copy):
        """Warm-start ``model`` on the columns ``keep``, or retrain a clone."""
        if self.warm_start and _is_sliceable(model, X_train.ndim):
            epochs = self._fine_tune_epochs(model)
            warm = _warm_start(
                model,
                keep,
                X_train,
                y_train,
                X_val,
                epochs=epochs,
                seed=seed,
                schedule=self.fine_tune_schedule,
                copy=copy,
            )
            if warm is not None:
                return warm, "warm"
        estimator = _seeded_clone(self.estimator, seed)
        return _fit_seeded(estimator, X_train[:, keep], y_train, seed), "cold"

    def _set_fitted(self, X, y, setup, path, chosen, rng):
        """Set every fitted attribute from the path and the chosen round."""
        unit_of = setup["unit_of"]
        selected_units = path["units"][chosen]
        support = np.isin(unit_of, selected_units)

        # ranking: 1 = selected; eliminated in round r (of R rounds before the
        # chosen one) -> R - r + 1.
        unit_rank = np.ones(setup["n_units"], dtype=int)
        unit_importance = np.full(setup["n_units"], np.nan)
        for r in range(chosen + 1):
            units, values = path["units"][r], path["importances"][r]
            unit_importance[units] = values
            if r < chosen:
                unit_rank[path["eliminated"][r]] = chosen - r + 1
        history = {
            "n_features": path["n_units"],
            "score": path["score"],
            "features": [np.flatnonzero(np.isin(unit_of, u)) for u in path["units"]],
            "importances": [
                values[np.searchsorted(u, unit_of[np.isin(unit_of, u)])]
                for u, values in zip(path["units"], path["importances"])
            ],
            "eliminated": [
                np.flatnonzero(np.isin(unit_of, u)) for u in path["eliminated"]
            ],
            "training": path["training"],
            "time": path["time"],
        }
        if self.feature_groups is not None:
            history["n_groups"] = history.pop("n_features")
            history["n_features"] = [len(f) for f in history["features"]]

        if self.refit:
            seed = _draw_seed(rng, self.random_state is not None)
            estimator = _seeded_clone(self.estimator, seed)
            estimator = _fit_seeded(estimator, X[:, support], y, seed)
        else:
            estimator = path["models"][chosen]
        self.estimator_ = estimator
        self.support_ = support
        self.ranking_ = unit_rank[unit_of]
        self.n_features_ = int(support.sum())
        self.importances_ = unit_importance[unit_of]
        self.history_ = history
        self._n_selected_units = len(selected_units)
        self._n_dims = X.ndim

    # ----------------------------------------------------------- selection
    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def _check_nd(self, X):
        """Validate an input with channels against the fitted shape."""
        X = check_array(X, allow_nd=True, dtype=None, ensure_all_finite=True)
        if X.ndim < 3 or X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has shape {X.shape}, but {type(self).__name__} was fitted on "
                f"inputs with {self.n_features_in_} channels along axis 1."
            )
        return X

    def transform(self, X):
        """Reduce ``X`` to the selected features (or channels).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        X_r : array of shape (n_samples, n_selected_features) or (n_samples, \
                n_selected_channels, ...)
            The input with only the selected features (channels).
        """
        check_is_fitted(self)
        if self._n_dims > 2:
            return self._check_nd(X)[:, self.support_]
        return super().transform(X)

    def inverse_transform(self, X):
        """Put zeros back in the place of the eliminated features (channels).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_selected_features) or \
                (n_samples, n_selected_channels, ...)
            Reduced input.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_) or \
                (n_samples, n_features_in_, ...)
            ``X`` with zero columns (channels) for the eliminated features.
        """
        check_is_fitted(self)
        if self._n_dims <= 2:
            return super().inverse_transform(X)
        X = check_array(X, allow_nd=True, dtype=None)
        if X.ndim < 3 or X.shape[1] != self.n_features_:
            raise ValueError(
                f"X has shape {X.shape}; expected {self.n_features_} selected "
                "channels along axis 1."
            )
        out = np.zeros((X.shape[0], self.n_features_in_, *X.shape[2:]), X.dtype)
        out[:, self.support_] = X
        return out

    # ------------------------------------------------------ delegation
    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Reduce ``X`` to the selected features and predict with ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions.
        """
        check_is_fitted(self)
        return self.estimator_.predict(self.transform(X))

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Reduce ``X`` to the selected features and predict class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(self.transform(X))

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Reduce ``X`` to the selected features and predict log-probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Class log-probabilities, in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(self.transform(X))

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Reduce ``X`` to the selected features and compute the decision function.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The decision function of ``estimator_``.
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(self.transform(X))

    @available_if(_estimator_has("score"))
    def score(self, X, y):
        """Reduce ``X`` to the selected features and score with ``estimator_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            The input samples.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.

        Returns
        -------
        score : float
            ``estimator_.score`` on the reduced ``X`` (R^2 for regressors,
            accuracy for classifiers).
        """
        check_is_fitted(self)
        return self.estimator_.score(self.transform(X), y)

    # ------------------------------------------------------------- plot
    def plot_history(self, ax=None):
        """Plot the validation score against the number of features.

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
        key = "n_groups" if "n_groups" in self.history_ else "n_features"
        return plot_scores(
            ax,
            self.history_[key],
            self.history_["score"],
            chosen=self._n_selected_units,
            ylabel=f"validation {self._scoring_name()}",
            label=type(self).__name__,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sub_tags = get_tags(self.estimator)
        tags.estimator_type = sub_tags.estimator_type
        tags.classifier_tags = deepcopy(sub_tags.classifier_tags)
        tags.regressor_tags = deepcopy(sub_tags.regressor_tags)
        if tags.classifier_tags is not None:
            tags.classifier_tags.poor_score = True
        if tags.regressor_tags is not None:
            tags.regressor_tags.poor_score = True
        tags.target_tags.required = True
        tags.target_tags.multi_output = sub_tags.target_tags.multi_output
        tags.input_tags.allow_nan = False
        tags.input_tags.three_d_array = sub_tags.input_tags.three_d_array
        tags.non_deterministic = self.random_state is None
        return tags


def _smallest_within_tol(scores, sizes, tol):
    """Index of the smallest size whose score is within ``tol`` of the best."""
    scores = _nan_to_worst(scores)
    best = scores.max()
    ok = np.flatnonzero(_within_tol(scores, best, tol))
    return int(ok[np.argmin(np.asarray(sizes)[ok])])
