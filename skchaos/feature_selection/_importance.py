"""Importance of each selection unit (feature, group or channel) on held-out rows.

:class:`_ImportanceComputer` turns the selector's ``attribution`` argument (a
method name of :func:`skchaos.attribution.attribute`, ``"permutation"``, or a
callable) into one importance per unit of the current round: per-sample
attributions are aggregated over the validation rows (and, for inputs with
channels, over every axis after the channel axis), then averaged within each
unit. Perturbation methods perturb a whole unit at once through captum's
``feature_mask`` instead.
"""

import warnings
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from skchaos.attribution import (
    ATTRIBUTE_KWARGS,
    RESERVED_PARAMS,
    attribute,
    available_methods,
    check_method_params,
    method_info,
    model_agnostic_importance,
)
from skchaos.utils import final_net

PERMUTATION = "permutation"

# Per-sample aggregation rules: attributions of shape (n_rows, n) and row
# weights (n_rows,) or None -> (n,). A row of weight 0 takes no part.
AGGREGATIONS = {
    "mean_abs": lambda a, w: np.average(np.abs(a), axis=0, weights=w),
    "rms": lambda a, w: np.sqrt(np.average(np.square(a), axis=0, weights=w)),
    "max_abs": lambda a, w: np.max(np.abs(a if w is None else a[w > 0]), axis=0),
}

_PERMUTATION_PARAMS = ("n_repeats",)


def _attribution_names():
    return [*available_methods(), PERMUTATION]


def check_attribution(attribution, attribution_params):
    """Validate ``attribution`` and ``attribution_params`` before any fitting.

    Returns the params as a dict. Unknown names raise ValueError listing the
    accepted ones; unknown method parameters raise TypeError.
    """
    params = {} if attribution_params is None else dict(attribution_params)
    if callable(attribution):
        return params
    if not isinstance(attribution, str) or attribution not in _attribution_names():
        raise ValueError(
            f"attribution={attribution!r} is not supported; expected a callable "
            "(fitted_estimator, X_val, y_val) -> importances, 'permutation', or "
            f"an attribution method among: {', '.join(available_methods())}."
        )
    reserved = sorted(set(params) & set(RESERVED_PARAMS))
    if reserved:
        raise ValueError(
            f"attribution_params may not set {', '.join(map(repr, reserved))}: "
            "the selector sets them (the target is the predicted class for "
            "classifiers and each output in turn for multi-output regressors; "
            "groups and seeds come from feature_groups and random_state)."
        )
    if attribution == PERMUTATION:
        unknown = sorted(set(params) - set(_PERMUTATION_PARAMS))
        if unknown:
            raise TypeError(
                f"attribution_params {', '.join(map(repr, unknown))} are not "
                "accepted by attribution='permutation'; it accepts: n_repeats."
            )
        n_repeats = params.get("n_repeats", 5)
        if not isinstance(n_repeats, Integral) or n_repeats < 1:
            raise ValueError(
                f"attribution_params['n_repeats']={n_repeats!r} must be an int >= 1."
            )
        return params
    method_params = {k: v for k, v in params.items() if k not in ATTRIBUTE_KWARGS}
    check_method_params(attribution, method_params)
    return params


def resolve_attribution(attribution, estimator, caller):
    """Return the attribution to use for ``estimator`` (fallback for non-torch).

    A gradient method cannot explain a model without gradients: for an
    estimator whose final step is not a skorch net it falls back to
    ``"permutation"`` with a warning.
    """
    if callable(attribution) or attribution == PERMUTATION:
        return attribution
    if final_net(estimator) is None and method_info(attribution).gradient_based:
        name = type(estimator).__name__
        warnings.warn(
            f"{caller}: {name} is not a torch model (a skorch net or a pipeline "
            f"ending in one), so attribution={attribution!r} cannot be computed; "
            "falling back to permutation importance on the validation split. "
            "Pass attribution='permutation' (or a perturbation method such as "
            "'feature_ablation') to silence this warning.",
            UserWarning,
            stacklevel=4,
        )
        return PERMUTATION
    return attribution


def _unit_means(values, unit_of, n_units):
    """Average per-column values within each unit (a group's columns).

    A group of ``k`` columns scores the mean of its columns' importances,
    not their sum: summed, a one-hot block of six columns without signal
    collected six columns' worth of chance attribution and outranked
    numeric columns that matter (``make_mixed``, development seeds 0-9:
    ``AttributionRFE``'s F1 0.920 with sums, 1.000 with means;
    ``benchmarks/results/dev/mixed-groups-dev.jsonl``).

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection._importance import _unit_means
    >>> _unit_means(np.array([1.0, 3.0, 5.0]), np.array([0, 0, 1]), 2).tolist()
    [2.0, 5.0]
    """
    counts = np.bincount(unit_of, minlength=n_units)
    return np.bincount(unit_of, weights=values, minlength=n_units) / counts


def _check_importances(values, what):
    values = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{what} returned NaN or infinite importances.")
    return values


class _ImportanceComputer:
    """Importances of the units of one round, on the validation rows.

    Parameters
    ----------
    attribution : str or callable
        As resolved by :func:`resolve_attribution`.
    params : dict
        ``attribution_params``.
    aggregation : str
        A key of :data:`AGGREGATIONS`.
    scorer : callable
        ``scorer(estimator, X, y)``, for ``"permutation"``.
    n_outputs : int or None
        Number of regression outputs when there are several (each output is
        attributed in turn and the importances are summed); None otherwise.
    """

    def __init__(self, attribution, params, aggregation, scorer, n_outputs):
        self.attribution = attribution
        self.params = params
        self.aggregation = aggregation
        self.scorer = scorer
        self.n_outputs = n_outputs

    def __call__(self, estimator, X, y, unit_of, n_units, seed, sample_weight=None):
        """Return the importance of each unit, shape (n_units,).

        ``unit_of`` maps each column of ``X`` (axis 1: features or channels) to
        its unit in ``0 .. n_units - 1``; ``sample_weight`` weighs the rows in
        the aggregation (and in the score of ``"permutation"``).
        """
        w = sample_weight
        if callable(self.attribution):
            return self._from_callable(estimator, X, y, unit_of, n_units, w)
        if self.attribution == PERMUTATION:
            return self._permutation(estimator, X, y, unit_of, n_units, seed, w)
        return self._attribute(estimator, X, unit_of, n_units, seed, w)

    def _aggregate(self, attributions, n_columns, weight):
        """(n_rows, n_columns, ...) attributions -> (n_columns,) importances."""
        attributions = np.asarray(attributions, dtype=np.float64)
        per_column = np.moveaxis(attributions, 1, -1).reshape(-1, n_columns)
        if weight is not None:  # one weight per row, for every value of it
            weight = np.repeat(weight, per_column.shape[0] // len(weight))
        return AGGREGATIONS[self.aggregation](per_column, weight)

    def _scorer(self, weight):
        if weight is None:
            return self.scorer
        return lambda estimator, X, y: self.scorer(
            estimator, X, y, sample_weight=weight
        )

    def _attribute(self, estimator, X, unit_of, n_units, seed, weight):
        spec = method_info(self.attribution)
        # Perturb whole groups, and whole channels of inputs with channels.
        grouped = spec.feature_mask and (n_units < X.shape[1] or X.ndim > 2)
        mask = None
        if grouped:
            mask = unit_of.reshape((-1,) + (1,) * (X.ndim - 2))
        targets = [None] if self.n_outputs is None else range(self.n_outputs)
        total = np.zeros(n_units)
        for target in targets:
            attributions = attribute(
                estimator,
                X,
                method=self.attribution,
                target=target,
                feature_mask=mask,
                random_state=seed,
                **self.params,
            )
            per_column = self._aggregate(attributions, X.shape[1], weight)
            # A perturbed group gives each member the unit's attribution (the
            # mean takes it once); otherwise the mean of the members'.
            total += _unit_means(per_column, unit_of, n_units)
        return _check_importances(total, f"attribution={spec.name!r}")

    def _from_callable(self, estimator, X, y, unit_of, n_units, weight):
        name = getattr(self.attribution, "__name__", repr(self.attribution))
        values = np.asarray(self.attribution(estimator, X, y, **self.params))
        n_columns = X.shape[1]
        if values.shape == (n_columns,):
            per_column = values.astype(np.float64)
        elif values.shape == X.shape:
            per_column = self._aggregate(values, n_columns, weight)
        else:
            raise ValueError(
                f"The attribution callable {name} returned an array of shape "
                f"{values.shape}; expected ({n_columns},) (one importance per "
                f"column) or {X.shape} (one attribution per value of X_val)."
            )
        per_unit = _unit_means(per_column, unit_of, n_units)
        return _check_importances(per_unit, f"attribution={name}")

    def _permutation(self, estimator, X, y, unit_of, n_units, seed, weight):
        n_repeats = self.params.get("n_repeats", 5)
        if X.ndim == 2 and n_units == X.shape[1]:
            values = model_agnostic_importance(
                estimator,
                X,
                y,
                scoring=self._scorer(weight),
                n_repeats=n_repeats,
                random_state=seed,
            )
            return _check_importances(values, "permutation importance")
        values = _grouped_permutation_importance(
            estimator, X, y, self._scorer(weight), unit_of, n_units, n_repeats, seed
        )
        return _check_importances(values, "permutation importance")


def _grouped_permutation_importance(
    estimator, X, y, scorer, unit_of, n_units, n_repeats, random_state
):
    """Mean score drop when all the columns of a unit are shuffled together.

    The rows of a unit's columns (features, or whole channels of an input
    with channels) are permuted jointly, which keeps their joint distribution
    within the unit and breaks its link with the target and the other units.
    """
    rng = check_random_state(random_state)
    baseline = scorer(estimator, X, y)
    importances = np.zeros(n_units)
    for unit in range(n_units):
        columns = np.flatnonzero(unit_of == unit)
        drops = []
        for _ in range(n_repeats):
            shuffled = X.copy()
            order = rng.permutation(X.shape[0])
            shuffled[:, columns] = X[order][:, columns]
            drops.append(baseline - scorer(estimator, shuffled, y))
        importances[unit] = np.mean(drops)
    return importances
