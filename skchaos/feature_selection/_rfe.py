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
from skchaos.feature_selection._scoring import Evaluator, warn_if_uninformative
from skchaos.feature_selection._selected import SelectedEstimatorMixin
from skchaos.feature_selection._setup import (
    atomic_fit,
    build_setup,
    check_fit_metadata,
    refit_selected,
    validate_fit_data,
)
from skchaos.feature_selection._size_rule import smallest_acceptable
from skchaos.feature_selection._units import (
    check_units,
)


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
        The model to train at each round, one of:

        - a skorch net such as :class:`skchaos.neural.MLPRegressor` or
          :class:`skchaos.neural.MLPClassifier` (gradient attributions and
          warm starts), or a plain skorch ``NeuralNetClassifier`` /
          ``NeuralNetRegressor`` with any module (the kept columns reach it
          through :class:`~skchaos.neural.InputSubset`; see the user
          guide, :ref:`bring_your_own_net`);
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
        set whose validation score is no worse than the best one along the
        path, by the rule of ``tol`` (see Notes). With ``feature_groups``, or
        channels, it counts groups (channels).

    step : int or float, default=0.2
        An int >= 1 eliminates that many features per round; a float in (0, 1)
        that fraction of the features *left*, rounded down, and at least one.
        The default shrinks the set geometrically, by 20% a round: coarse
        steps among many noise features, and single features once fewer than
        10 are left, where one round must not remove a relevant feature
        together with a noise one.

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

    warm_start : bool, default=True
        Whether each round fine-tunes the previous round's network, with the
        columns of the eliminated features deleted from its first layer
        (see Notes), instead of training a new clone from scratch (the
        paper's procedure). Estimators that cannot be sliced are retrained.

    fine_tune_epochs : "auto", int or float, default="auto"
        How long each network trains. ``"auto"``: every round, the first
        one included, trains until its loss on early-stopping rows (the
        net's ``validation_fraction`` of the *training* part) levels off,
        keeping its best epoch's weights; the first at least the net's
        ``max_epochs``, every round at most ``max_round_epochs``. An int is
        a fixed number of fine-tuning epochs per warm round, a float in
        (0, 1] a fraction of the net's ``max_epochs``.

    fine_tune_schedule : {"cosine", "constant"}, default="cosine"
        Learning-rate schedule of a fixed-length fine-tuning (an int or
        float ``fine_tune_epochs``): ``"cosine"`` decays the rate along a
        half cosine from the net's ``lr`` to about 2% of it, so that every
        round ends near a minimum; ``"constant"`` keeps the net's ``lr``.
        Rounds under ``fine_tune_epochs="auto"`` keep the net's ``lr``.

    max_round_epochs : int or None, default=None
        Cap on the epochs of one round under ``fine_tune_epochs="auto"``;
        None is 10 times the net's ``max_epochs``. A round that reaches it
        before its loss levels off raises a ``ConvergenceWarning``.

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
        Group id of each column of a 2-D ``X`` (e.g. the sensor of each
        measurement): whole groups are eliminated together, and a group's
        importance is the mean of its features' aggregated attributions (so
        that a wide group, such as a one-hot block, does not outrank a
        single column by its width; perturbation methods and
        ``"permutation"`` perturb the whole group at once instead). Inputs
        with more than two dimensions, ``(n, C, ...)``, are always selected
        by channel (axis 1).

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
        1 shows a progress bar of the rounds (with an estimate of the time
        left) on stderr and prints one line per round on stdout: features
        left, validation score, how the round's network was trained and
        the elapsed time.

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
        ``"eliminated"`` (indices eliminated after the round),
        ``"acceptable"`` (whether the size is no worse than the best one by
        the rule of ``tol``; ``"auto"`` selects the smallest acceptable
        size), ``"training"``
        (``"initial"``, ``"warm"`` or ``"cold"``), ``"epochs"`` (epochs
        trained in the round, None for estimators that are not nets),
        ``"converged"`` (whether the round's loss levelled off before
        ``max_round_epochs``; None for fixed-length rounds) and ``"time"``
        (seconds spent in the round). ``pandas.DataFrame(history_)``
        tabulates it.

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
        "warm_start": ["boolean"],
        "fine_tune_epochs": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "fine_tune_schedule": [StrOptions({"cosine", "constant"})],
        "max_round_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "input_penalty": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
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
        step=0.2,
        validation_fraction=0.2,
        scoring=None,
        tol="auto",
        warm_start=True,
        fine_tune_epochs="auto",
        fine_tune_schedule="cosine",
        max_round_epochs=None,
        input_penalty="auto",
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
        self.max_round_epochs = max_round_epochs
        self.input_penalty = input_penalty
        self.importance_aggregation = importance_aggregation
        self.feature_groups = feature_groups
        self.min_features_to_select = min_features_to_select
        self.patience = patience
        self.refit = refit
        self.random_state = random_state
        self.verbose = verbose

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
            Weights of the rows: passed to every network's ``fit`` (the skchaos
            nets weigh their loss, and their early-stopping loss, by row), and
            used in the validation scores, the per-row losses of the size rule
            and the aggregation of the attributions. A row of weight 0 has no
            influence. Needs an estimator whose ``fit`` takes
            ``sample_weight``.

        groups : array-like of shape (n_samples,), default=None
            Group labels of the rows (e.g. the patient of each measurement):
            the validation split, and the early-stopping split of each round,
            keep every group on one side, so that the scores are not inflated
            by rows of a group seen in training.

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
            n_units = setup.units.n_units
            rng = check_random_state(self.random_state)
            if self._fixed_size():
                n_stop, patience = self._n_to_select(n_units, setup.units.name), None
            else:
                n_stop, patience = (
                    min(self.min_features_to_select, n_units),
                    self.patience,
                )
            path = elimination_path(
                X,
                y,
                setup,
                rng=rng,
                seeded=self.random_state is not None,
                n_stop=n_stop,
                patience=patience,
                tol=self.tol,
                keep_models=not self.refit,
                sample_weight=sample_weight,
                groups=groups,
            )
            if self._fixed_size():
                chosen = len(path.score) - 1
            else:
                chosen = smallest_acceptable(
                    path.score, path.row_losses, path.n_units, self.tol, path.baseline
                )
            self._set_fitted(X, y, setup, path, chosen, rng, sample_weight, groups)
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

        Returns the validated ``X`` and ``y`` and the :class:`Setup` of the
        elimination path.
        """
        X, y, classifier = validate_fit_data(self, X, y)
        units = check_units(X, self.feature_groups)
        if self._fixed_size():
            self._n_to_select(units.n_units, units.name)
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
        warn_unconverged(path, type(self).__name__, self.max_round_epochs)
        for network, r in (("the first", 0), ("the selected round's", chosen)):
            # The first network's ranking starts the path; the selected
            # round's network is the one the selection rests on.
            if warn_if_uninformative(
                path.row_losses[r], path.baseline, type(self).__name__, network
            ):
                break
        if self.refit:
            seeded = self.random_state is not None
            estimator = refit_selected(
                setup, X, y, support, rng, seeded, sample_weight, groups
            )
        else:
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
