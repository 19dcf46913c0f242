"""A global importance for estimators that have no gradients."""

from numbers import Integral

from sklearn.inspection import permutation_importance
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.validation import check_is_fitted


@validate_params(
    {
        "estimator": [HasMethods(["fit"])],
        "X": ["array-like"],
        "y": ["array-like"],
        "scoring": [str, callable, None],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    },
    prefer_skip_nested_validation=True,
)
def model_agnostic_importance(
    estimator, X, y, *, scoring=None, n_repeats=5, random_state=None, n_jobs=None
):
    """Permutation importance of each feature, for any fitted estimator.

    The fallback of :func:`attribute` for models without gradients (random
    forests, gradient boosting, SVMs, ...): each column of ``X`` is shuffled
    ``n_repeats`` times and the mean drop of the score is its importance. It
    wraps :func:`sklearn.inspection.permutation_importance`.

    Parameters
    ----------
    estimator : estimator object
        A fitted scikit-learn estimator (or pipeline, scored as a whole).

    X : array-like of shape (n_samples, n_features)
        Data to permute, ideally held out from training.

    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Targets for the score.

    scoring : str, callable or None, default=None
        A single scorer name or callable; None uses the estimator's ``score``
        (R^2 for regressors, accuracy for classifiers).

    n_repeats : int, default=5
        Number of shuffles per feature.

    random_state : int, RandomState instance or None, default=None
        Controls the shuffles; pass an int for reproducible results.

    n_jobs : int, default=None
        Number of jobs over features (``-1``: all processors).

    Returns
    -------
    importances : ndarray of shape (n_features,)
        Mean decrease of the score per column of ``X`` (higher is more
        important; near zero or negative: not used).

    See Also
    --------
    attribute : Per-sample attributions of torch models.
    sklearn.inspection.permutation_importance : The underlying function.

    Notes
    -----
    This is a global importance, one value per feature for the whole data
    set, not a per-sample attribution, so it cannot be scored against
    per-sample ground truths. For a pipeline it is computed for the columns
    of ``X`` as given (before the pipeline's transformers), unlike
    :func:`attribute`, which explains the network's input.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from skchaos.attribution import model_agnostic_importance
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 3))
    >>> y = X[:, 0] ** 2
    >>> forest = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    >>> importances = model_agnostic_importance(forest, X, y, random_state=0)
    >>> importances.shape, int(importances.argmax())
    ((3,), 0)
    """
    check_is_fitted(estimator)
    result = permutation_importance(
        estimator,
        X,
        y,
        scoring=scoring,
        n_repeats=n_repeats,
        random_state=random_state,
        n_jobs=n_jobs,
    )
    return result.importances_mean
