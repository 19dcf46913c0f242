"""Recursive feature elimination ranked by attributions on held-out rows."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    _fit_context,
)
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted

from skchaos.feature_selection._encoded import fits_by_input_column
from skchaos.feature_selection._importance import (
    AGGREGATIONS,
)
from skchaos.feature_selection._path import elimination_path, warn_unconverged
from skchaos.feature_selection._plotting import plot_scores
from skchaos.feature_selection._round_training import (
    DEPRECATED_CONSTRAINTS,
    RoundTraining,
)
from skchaos.feature_selection._scoring import Evaluator, warn_if_uninformative
from skchaos.feature_selection._selected import SelectedEstimatorMixin
from skchaos.feature_selection._setup import (
    atomic_fit,
    build_setup,
    check_fit_metadata,
    refit_selected,
    validate_fit_data,
)
from skchaos.feature_selection._size_rule import n_to_select, smallest_acceptable
from skchaos.feature_selection._units import (
    check_units,
)
from skchaos.feature_selection._warm_refit import keeps_path_models, warm_refit
from skchaos.utils import draw_seed


class AttributionRFE(
    SelectedEstimatorMixin, SelectorMixin, MetaEstimatorMixin, BaseEstimator
):
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
        The model to train at each round: a skchaos net (gradient
        attributions and warm starts), a plain skorch net with any module
        (see :ref:`bring_your_own_net`), a :class:`~sklearn.pipeline.Pipeline`
        ending in one, or any scikit-learn estimator with a perturbation
        attribution (a gradient method falls back to ``"permutation"`` with
        a warning).

    attribution : str or callable, default="saliency"
        How features are scored on the validation rows: a method of
        :func:`skchaos.attribution.attribute` (see
        :func:`skchaos.attribution.available_methods`), whose per-sample
        attributions are aggregated by ``importance_aggregation``;
        ``"permutation"``, the drop of ``scoring`` when a feature is
        shuffled (any estimator); or a callable
        ``f(fitted_estimator, X_val, y_val, **attribution_params)`` that
        returns one importance per column or one attribution per value.
        Larger importances are kept; the user guide gives the details.

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
        set whose validation score is no worse than the best one along the
        path, by the rule of ``tol`` (see Notes). With ``feature_groups``, or
        channels, it counts groups (channels).

    step : int or float, default=0.2
        An int >= 1 eliminates that many features per round; a float in (0, 1)
        that fraction of the features *left*, rounded down, and at least one
        (the default: 20% a round, single features below 10). A round that
        removed two or three features and is not acceptable (``tol``) after
        an acceptable one is redone removing only the least important one,
        so that the sizes in between are measured.

    validation_fraction : float, default=0.2
        Fraction of the training rows held out (stratified for classifiers)
        for the attributions and the scores.

    scoring : str, callable or None, default=None
        The validation score (higher is better), a scikit-learn scorer name or
        callable. None uses a loss: ``"neg_mean_squared_error"`` for
        regressors and ``"neg_log_loss"`` for classifiers (``"accuracy"``
        when there is no ``predict_proba``); see Notes for why.

    tol : "auto" or float, default="auto"
        How ``n_features_to_select="auto"`` decides that a size is no worse
        than the best one along the path. ``"auto"``: the paired
        one-standard-error rule on the per-row validation losses (with a
        custom ``scoring``, which has none, ``0.02``). A float: the score
        must be at least ``best - tol * |best|``. Larger values select fewer
        features; the user guide gives the rule in full.

    round_training : RoundTraining or None, default=None
        How each round's network trains: warm start from the previous round,
        how many epochs, the learning-rate schedule, the cap on a round and
        the batch size, the first network's learning rate (see
        :class:`RoundTraining`). None is ``RoundTraining()``: warm rounds
        that each train until their early-stopping loss levels off, on
        mini-batches of 256 rows for nets that train on full batches, whose
        first network trains at three times the net's ``lr`` when its rows
        make at least four such batches.

    input_penalty : "auto" or float, default="auto"
        Group-lasso penalty on the input layer of the networks of the path
        (the ``input_penalty`` of :class:`skchaos.neural.MLPRegressor`), so
        that a network facing many irrelevant columns learns the function
        instead of memorizing its rows through them. ``"auto"``: 0.3 up to
        1,100 features, ``0.3 * sqrt(n_features / 1100)`` beyond, for nets
        that have the parameter and leave it at 0; nothing for other
        estimators. A float is that strength (0: none); a net's own nonzero
        ``input_penalty`` is kept. ``estimator_`` is trained as given.

    importance_aggregation : {"mean_abs", "rms", "max_abs"}, default="mean_abs"
        How per-sample attributions become one importance per feature: the
        mean absolute value over the validation rows (the paper's rule), the
        root mean square, or the largest absolute value. For inputs with
        channels the mean runs over the rows and the axes after the channel.

    feature_groups : array-like of shape (n_features,), default=None
        Group id of each column of a 2-D ``X``: whole groups are eliminated
        together, a group's importance being the mean of its columns'.
        Inputs ``(n, C, ...)`` are always selected by channel (axis 1).

    min_features_to_select : int, default=1
        Smallest number of features (groups, channels) that
        ``n_features_to_select="auto"`` considers.

    patience : "auto", int or None, default=None
        With ``n_features_to_select="auto"``, when the path stops before
        ``min_features_to_select``. None (the default) runs the whole path.
        ``"auto"`` stops it at the first round that scores clearly worse
        than the best so far, outside three times the band of ``tol`` (three
        standard errors under ``tol="auto"``), as a round does that
        eliminates a relevant feature: faster (the rounds below the selected
        size), but a round that is merely badly trained can stop the path
        too early (the user guide gives the measured trade). An int: once
        this many consecutive rounds scored outside the band itself, which
        stops noisy paths early far more often.

    refit : "auto" or bool, default="auto"
        How ``estimator_`` is made on the selected features. ``"auto"``: the
        network of the selected round, already converged on them, carries
        on: it takes the columns as given (the path's standardization folded
        into its first and last layers), gets back the net's own
        ``input_penalty`` and ``batch_size``, and trains on the path's
        training rows until its loss on the validation rows levels off (its
        starting weights are kept if no epoch improves). That needs a
        skchaos net (not inside a pipeline) on 2-D data, with rounds trained
        until converged; any other estimator gets ``True``'s refit. ``True``:
        a new clone trained from scratch on all the rows with the selected
        features. ``False``: the path's network at the selected size, as it
        is (the path then trains on the data as given). Under ``"auto"`` and
        ``False`` every round's network is kept in memory during ``fit``.

    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, the ``random_state`` of each clone that
        has one left at None, torch (locally) during each training, and the
        stochastic attribution methods. An int gives reproducible results.

    verbose : int, default=0
        1 shows a progress bar of the rounds (with an estimate of the time
        left) on stderr and prints one line per round on stdout: features
        left, validation score, how the round's network was trained and
        the elapsed time.

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
        One entry per round of the path: ``"n_features"``, ``"score"``,
        ``"features"``, ``"importances"``, ``"eliminated"``,
        ``"acceptable"`` (no worse than the best size by ``tol``),
        ``"training"`` (``"initial"``, ``"warm"``, ``"cold"``), ``"epochs"``,
        ``"converged"`` and ``"time"``; the user guide describes each.
        ``pandas.DataFrame(history_)`` tabulates it.

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
    The user guide (:ref:`feature_selection`) details each step: the
    validation rows carved out of the data passed to ``fit`` (a test set
    kept outside ``fit`` stays untouched), converged rounds, standardized
    inputs, the warm start (``"cold"`` in ``history_`` where a network
    cannot restrict its inputs), and the warning when a network predicts no
    better than a constant.

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
    >>> y = X[:, 0] + np.sin(2 * X[:, 1]) + 0.1 * rng.randn(300)
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
        "tol": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "round_training": [RoundTraining, None],
        "input_penalty": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "importance_aggregation": [StrOptions(set(AGGREGATIONS))],
        "feature_groups": ["array-like", None],
        "min_features_to_select": [Interval(Integral, 1, None, closed="left")],
        "patience": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "refit": ["boolean", StrOptions({"auto"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        **DEPRECATED_CONSTRAINTS,
    }

    def __init__(
        self,
        estimator,
        *,
        attribution="saliency",
        attribution_params=None,
        n_features_to_select="auto",
        step=0.2,
        validation_fraction=0.2,
        scoring=None,
        tol="auto",
        round_training=None,
        input_penalty="auto",
        importance_aggregation="mean_abs",
        feature_groups=None,
        min_features_to_select=1,
        patience=None,
        refit="auto",
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
        self.n_features_to_select = n_features_to_select
        self.step = step
        self.validation_fraction = validation_fraction
        self.scoring = scoring
        self.tol = tol
        self.round_training = round_training
        self.input_penalty = input_penalty
        self.importance_aggregation = importance_aggregation
        self.feature_groups = feature_groups
        self.min_features_to_select = min_features_to_select
        self.patience = patience
        self.refit = refit
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.fine_tune_epochs = fine_tune_epochs
        self.fine_tune_schedule = fine_tune_schedule
        self.max_round_epochs = max_round_epochs

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Eliminate features along the attribution path and refit the estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \
                n_channels, ...)
            Training inputs; inputs with more than two dimensions are selected
            by channel (axis 1).

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows, in every network's ``fit``, the validation
            scores, the size rule and the aggregation of the attributions.
            Needs an estimator whose ``fit`` takes ``sample_weight``.

        groups : array-like of shape (n_samples,), default=None
            Group labels of the rows (e.g. the patient of each measurement):
            the validation and early-stopping splits keep each group on one
            side.

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
            path, chosen = self._eliminate(X, y, setup, rng, sample_weight, groups)
            self._set_fitted(X, y, setup, path, chosen, rng, sample_weight, groups)
        return self

    def _eliminate(
        self, X, y, setup, rng, sample_weight=None, groups=None, usefulness=False
    ):
        """The elimination path on validated data, and the round it keeps.

        Returns ``(path, chosen)``: the :class:`Path` and the index of the
        selected round. ``rng`` is the fit's one random state; ``usefulness``
        measures the units' held-out usefulness in the last rounds.
        :class:`AttributionBoruta` runs it too, for its minimal-optimal set.
        """
        n_units = setup.units.n_units
        if self._fixed_size():
            k, name = self.n_features_to_select, setup.units.name
            n_stop, patience = n_to_select(k, n_units, name), None
        else:
            n_stop, patience = min(self.min_features_to_select, n_units), self.patience
        path = elimination_path(
            X,
            y,
            setup,
            rng=rng,
            seeded=self.random_state is not None,
            n_stop=n_stop,
            patience=patience,
            tol=self.tol,
            keep_models=keeps_path_models(self.refit, setup, X),
            sample_weight=sample_weight,
            groups=groups,
            measure_usefulness=usefulness,
            refine=not self._fixed_size(),
        )
        if self._fixed_size():
            return path, len(path.score) - 1
        chosen = smallest_acceptable(
            path.score, path.row_losses, path.n_units, self.tol, path.baseline
        )
        return path, chosen

    def _fixed_size(self):
        """Whether ``n_features_to_select`` fixes the size (not "auto")."""
        return self.n_features_to_select != "auto"

    def _setup(self, X, y):
        """Validate everything that can be checked before training.

        Returns the validated ``X`` and ``y`` and the :class:`Setup` of the
        elimination path.
        """
        X, y, classifier = validate_fit_data(self, X, y)
        units = check_units(X, self.feature_groups)
        if self._fixed_size():
            n_to_select(self.n_features_to_select, units.n_units, units.name)
        elif self.min_features_to_select > units.n_units:
            raise ValueError(
                f"min_features_to_select={self.min_features_to_select} is larger "
                f"than the number of {units.name} in X ({units.n_units})."
            )
        setup = build_setup(self, X, y, units, classifier)
        return X, y, setup

    def _scoring_name(self):
        return Evaluator(self.estimator, self.scoring).name

    def _set_fitted(
        self, X, y, setup, path, chosen, rng, sample_weight=None, groups=None
    ):
        """Set every fitted attribute from the path and the chosen round."""
        units = setup.units
        support = np.isin(units.unit_of, path.units[chosen])
        ranking, importances = path.ranking(chosen, units.n_units)
        warn_unconverged(path, type(self).__name__, setup.trainer.max_round_epochs)
        for network, r in (("the first", 0), ("the selected round's", chosen)):
            # The first network's ranking starts the path; the selected
            # round's network is the one the selection rests on.
            if warn_if_uninformative(
                path.row_losses[r], path.baseline, type(self).__name__, network
            ):
                break
        seeded, estimator = self.random_state is not None, None
        if self.refit == "auto":
            seed = draw_seed(rng, seeded)
            estimator = warm_refit(
                setup, path, chosen, support, X, y, seed, sample_weight
            )
        if estimator is None and self.refit:
            estimator = refit_selected(
                setup, X, y, support, rng, seeded, sample_weight, groups
            )
        elif estimator is None:
            estimator = path.models[chosen]
        self.estimator_ = estimator
        self.support_ = support
        self.ranking_ = ranking[units.unit_of]
        self.n_features_ = int(support.sum())
        self.importances_ = importances[units.unit_of]
        self.history_ = path.history(units, self.tol, self.feature_groups is not None)
        self._n_selected_units = len(path.units[chosen])
        self._n_dims = X.ndim

    # ------------------------------------------------------------- plot
    def plot_history(self, ax=None):
        """Plot the validation score against the number of features.

        Sizes that are no worse than the best one (``history_["acceptable"]``)
        are filled; the selected size is marked.

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
            acceptable=self.history_["acceptable"],
        )
