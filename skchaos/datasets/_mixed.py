"""Mixed-type tables with a known truth: numeric, categorical, missing cells."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

# The shapes of the numeric relevant columns' effects (each scaled to the
# term's standard deviation): monotone, saturating, even and periodic.
_NUMERIC_EFFECTS = {
    "linear": lambda x: x,
    "tanh": lambda x: np.tanh(2 * x),
    "square": lambda x: x**2,
    "sin": lambda x: np.sin(2 * x),
}


def _standardized(values):
    values = values - values.mean()
    std = values.std()
    return values / std if std > 0 else values


def _levels(n_samples, n_levels, rng):
    """Level codes of one categorical column, with unequal level frequencies."""
    p = rng.dirichlet(np.full(n_levels, 4.0))
    return rng.choice(n_levels, size=n_samples, p=p)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_numeric": [Interval(Integral, 0, None, closed="left")],
        "n_categorical": [Interval(Integral, 0, None, closed="left")],
        "n_numeric_noise": [Interval(Integral, 0, None, closed="left")],
        "n_categorical_noise": [Interval(Integral, 0, None, closed="left")],
        "n_levels": [Interval(Integral, 2, None, closed="left")],
        "missing_rate": [Interval(Real, 0, 1, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
        "task": [StrOptions({"regression", "classification"})],
        "shuffle_features": ["boolean"],
        "random_state": ["random_state"],
        "return_X_y": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_mixed(
    n_samples=3000,
    *,
    n_numeric=2,
    n_categorical=2,
    n_numeric_noise=30,
    n_categorical_noise=10,
    n_levels=5,
    missing_rate=0.05,
    noise=0.5,
    task="regression",
    shuffle_features=True,
    random_state=None,
    return_X_y=True,
):
    """Generate a mixed-type table with a known truth over its columns.

    Numeric columns are standard normal; categorical columns have
    ``n_levels`` levels (``"a"``, ``"b"``, ...) of unequal frequencies. The
    target is a sum of one term per relevant column, each of standard
    deviation 1: a numeric column enters through a random shape (linear,
    ``tanh(2x)``, ``x**2`` or ``sin(2x)``), a categorical column through a
    random effect per level. The other columns have no influence. Missing
    values are then placed completely at random: each cell of ``X`` is
    missing with probability ``missing_rate`` (the target was computed from
    the complete values, so a missing cell hides information, as in real
    tables). It is the mixed-type counterpart of :func:`make_random_symbolic`
    for the selection of a user's own columns.

    Parameters
    ----------
    n_samples : int, default=3000
        The number of rows.

    n_numeric : int, default=2
        Relevant numeric columns.

    n_categorical : int, default=2
        Relevant categorical columns.

    n_numeric_noise : int, default=30
        Numeric columns without influence on the target.

    n_categorical_noise : int, default=10
        Categorical columns without influence on the target.

    n_levels : int, default=5
        Levels of every categorical column (at least 2).

    missing_rate : float, default=0.05
        Probability that a cell of ``X`` is missing, in [0, 1).

    noise : float, default=0.5
        Standard deviation of the Gaussian noise added to the target's
        signal (whose variance is the number of relevant columns); for
        ``task="classification"``, to the score before it is thresholded.

    task : {"regression", "classification"}, default="regression"
        ``"classification"`` gives a binary target: 1 where the noisy score
        is above its median.

    shuffle_features : bool, default=True
        Shuffle the columns, so that their position says nothing of their
        relevance (the names ``num*`` and ``cat*`` say only the type).

    random_state : int, RandomState instance or None, default=None
        Determines the effects, the data, the noise, the missing cells and
        the column order. Pass an int for reproducible output.

    return_X_y : bool, default=True
        If True, return ``(X, y)``; otherwise a :class:`~sklearn.utils.Bunch`
        with the truth.

    Returns
    -------
    X : pandas.DataFrame of shape (n_samples, n_columns)
        Numeric columns (float, ``NaN`` where missing) and categorical
        columns (``category`` dtype, ``NaN`` where missing).

    y : ndarray of shape (n_samples,)
        The target (float, or 0/1 for classification).

    data : :class:`~sklearn.utils.Bunch`
        Returned when ``return_X_y=False``, with ``data`` (``X``),
        ``target`` (``y``), ``target_clean`` (the signal without noise),
        ``relevant_mask`` (bool per column), ``categorical_mask`` (bool per
        column), ``effects`` (the shape of each relevant numeric column and
        the effect of each level of each relevant categorical column, by
        column name), ``feature_names`` and ``DESCR``.

    Raises
    ------
    ValueError
        If there is no relevant column (``n_numeric + n_categorical == 0``),
        or for a parameter out of its range.

    See Also
    --------
    make_random_symbolic : Numeric data from a random formula.

    Examples
    --------
    >>> from skchaos.datasets import make_mixed
    >>> X, y = make_mixed(n_samples=200, random_state=0)
    >>> X.shape, y.shape
    ((200, 44), (200,))
    >>> sorted(set(X.dtypes.astype(str)))
    ['category', 'float64']
    >>> data = make_mixed(n_samples=200, random_state=0, return_X_y=False)
    >>> [name for name, r in zip(data.feature_names, data.relevant_mask) if r]
    ['cat4', 'cat6', 'num24', 'num27']
    """
    if n_numeric + n_categorical == 0:
        raise ValueError(
            "n_numeric=0 and n_categorical=0 leave no relevant column; expected "
            "at least one relevant column."
        )
    rng = check_random_state(random_state)
    n_num = n_numeric + n_numeric_noise
    n_cat = n_categorical + n_categorical_noise
    numeric = rng.standard_normal((n_samples, n_num))
    codes = np.zeros((n_samples, n_cat), dtype=int)
    for j in range(n_cat):
        codes[:, j] = _levels(n_samples, n_levels, rng)
    signal = np.zeros(n_samples)
    shapes = rng.choice(sorted(_NUMERIC_EFFECTS), size=n_numeric)
    level_effects = rng.standard_normal((n_categorical, n_levels))
    for j, shape in enumerate(shapes):
        signal += _standardized(_NUMERIC_EFFECTS[shape](numeric[:, j]))
    for j in range(n_categorical):
        signal += _standardized(level_effects[j][codes[:, j]])
    score = signal + noise * rng.standard_normal(n_samples)
    if task == "classification":
        y = (score > np.median(score)).astype(int)
    else:
        y = score
    # Columns: numeric then categorical, relevant first within each type;
    # then the order is shuffled and the names given in the final order.
    relevant = np.r_[
        np.arange(n_num) < n_numeric, np.arange(n_cat) < n_categorical
    ].astype(bool)
    categorical = np.r_[np.zeros(n_num, bool), np.ones(n_cat, bool)]
    n_columns = n_num + n_cat
    order = rng.permutation(n_columns) if shuffle_features else np.arange(n_columns)
    missing = rng.random_sample((n_samples, n_columns)) < missing_rate
    labels = np.array([chr(ord("a") + k % 26) * (1 + k // 26) for k in range(n_levels)])
    columns, names, counts = {}, [], {"num": 0, "cat": 0}
    effects = {}
    for position, source in enumerate(order):
        kind = "cat" if categorical[source] else "num"
        name = f"{kind}{counts[kind]}"
        counts[kind] += 1
        names.append(name)
        hole = missing[:, position]
        if kind == "num":
            values = numeric[:, source].copy()
            values[hole] = np.nan
            columns[name] = values
            if relevant[source]:
                effects[name] = str(shapes[source])
        else:
            j = source - n_num
            values = pd.Categorical.from_codes(
                np.where(hole, -1, codes[:, j]), categories=labels
            )
            columns[name] = values
            if relevant[source]:
                effects[name] = dict(zip(labels.tolist(), level_effects[j].tolist()))
    X = pd.DataFrame(columns)
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        target_clean=signal,
        relevant_mask=relevant[order],
        categorical_mask=categorical[order],
        effects=effects,
        feature_names=names,
        DESCR=(
            f"Mixed-type table: {n_numeric} relevant and {n_numeric_noise} noise "
            f"numeric columns, {n_categorical} relevant and {n_categorical_noise} "
            f"noise categorical columns of {n_levels} levels, {missing_rate:.0%} "
            f"of the cells missing completely at random; {task} target."
        ),
    )
