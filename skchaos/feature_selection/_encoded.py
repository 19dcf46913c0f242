"""Selection of a table's own columns through the pipeline that encodes them.

When a selector's ``estimator`` is a :class:`~sklearn.pipeline.Pipeline`
that begins with a :class:`~sklearn.compose.ColumnTransformer` (one-hot
encoders, imputers, scalers, as
:func:`skchaos.preprocessing.make_tabular_preprocessor` builds it), the
selector selects the columns of the table it is given, not the encoded ones:

- the column transformer is fitted on the rows the selector is fitted on,
  and :func:`skchaos.preprocessing.input_columns` traces each encoded column
  to its input column (a transformer that mixes columns, such as PCA, raises
  ``ValueError`` naming it, before any training);
- a copy of the selector runs on the encoded columns with the rest of the
  pipeline as its estimator and ``feature_groups`` mapping each encoded
  column to its input column (or to the user's group of that column), so an
  input column is ranked, kept or dropped with all its encoded columns;
- the fitted attributes are then given per input column, ``estimator_`` is
  the pipeline for the kept columns (its column transformer restricted to
  them by :func:`skchaos.preprocessing.restrict_inputs`), and ``transform``
  returns the kept columns of the table as they are (a DataFrame stays one).
"""

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_array
from sklearn_compat.utils._dataframe import is_pandas_df
from sklearn_compat.utils.validation import validate_data

from skchaos.preprocessing import input_columns, restrict_inputs

# Per-column attributes of the selectors, read from each input column's
# first encoded column.
_PER_COLUMN = (
    "support_",
    "support_weak_",
    "ranking_",
    "importances_",
    "decision_iteration_",
    "support_minimal_",
)
# history_ entries that list encoded columns.
_COLUMN_LISTS = ("features", "eliminated", "confirmed", "rejected")


def leading_encoder(estimator):
    """The ColumnTransformer that begins a pipeline ``estimator``, else None.

    Examples
    --------
    >>> from sklearn.compose import make_column_transformer
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import OneHotEncoder
    >>> from skchaos.feature_selection._encoded import leading_encoder
    >>> pipe = make_pipeline(make_column_transformer((OneHotEncoder(), [0])), Ridge())
    >>> type(leading_encoder(pipe)).__name__, leading_encoder(Ridge())
    ('ColumnTransformer', None)
    """
    if (
        isinstance(estimator, Pipeline)
        and len(estimator.steps) > 1
        and isinstance(estimator.steps[0][1], ColumnTransformer)
    ):
        return estimator.steps[0][1]
    return None


def _rest(pipeline):
    """The pipeline without its first step (its last step alone if one is left)."""
    steps = pipeline.steps[1:]
    if len(steps) == 1:
        return steps[0][1]
    return Pipeline(steps, memory=pipeline.memory)


def _checked_table(X, **kwargs):
    """``X`` checked as a 2-D table of any dtypes; a DataFrame is kept as it is.

    Other array-likes (lists, arrays) are converted to an ndarray. Missing
    cells are allowed (the encoder handles them), infinite ones are not.
    """
    checked = check_array(
        X,
        dtype=None,
        accept_sparse=False,
        ensure_all_finite="allow-nan",
        input_name="X",
        **kwargs,
    )
    return X if is_pandas_df(X) else checked


def _dense(Z):
    """The encoded columns as a finite float array, or ValueError."""
    Z = Z.toarray() if sparse.issparse(Z) else np.asarray(Z)
    try:
        Z = Z.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "the column transformer that begins the estimator's pipeline "
            "outputs non-numeric values; encode every non-numeric column "
            "(e.g. OneHotEncoder), as skchaos.preprocessing."
            "make_tabular_preprocessor does."
        ) from None
    if not np.isfinite(Z).all():
        raise ValueError(
            "the column transformer that begins the estimator's pipeline "
            "outputs missing or infinite values; impute the missing cells "
            "(e.g. SimpleImputer), as skchaos.preprocessing."
            "make_tabular_preprocessor does."
        )
    return Z


def fit_by_input_column(selector, X, y, sample_weight=None, groups=None):
    """Fit ``selector`` on the input columns of ``X`` through its encoder.

    Parameters
    ----------
    selector : AttributionRFE, AttributionRFECV or AttributionBoruta
        Its ``estimator`` begins with a ColumnTransformer
        (:func:`leading_encoder`); its ``feature_groups``, if any, give a
        group per input column.
    X : array-like or DataFrame of shape (n_samples, n_features)
        The table, with its own column types (strings, categories, missing
        cells: whatever the column transformer takes).
    y, sample_weight, groups
        As in the selector's ``fit``.

    Returns
    -------
    selector : the fitted selector.
    """
    X = _checked_table(X, ensure_min_features=2)
    validate_data(selector, X, reset=True, skip_check_array=True)
    n_columns = selector.n_features_in_
    if selector.feature_groups is not None:
        user_groups = np.asarray(selector.feature_groups)
        if user_groups.shape != (n_columns,):
            raise ValueError(
                f"feature_groups must have one group id per column of X, shape "
                f"({n_columns},); got shape {user_groups.shape}."
            )
    encoder = clone(leading_encoder(selector.estimator)).fit(X, y)
    columns = input_columns(encoder)  # ValueError for a transformer that mixes
    Z = _dense(encoder.transform(X))
    encoded_groups = columns
    if selector.feature_groups is not None:
        encoded_groups = user_groups[columns]
    inner = clone(selector).set_params(
        estimator=_rest(selector.estimator), feature_groups=encoded_groups
    )
    inner.fit(Z, y, sample_weight=sample_weight, groups=groups)
    return _set_by_input_column(selector, inner, encoder, columns, X, y)


def fits_by_input_column(selector, X, y, sample_weight=None, groups=None):
    """Fit through the estimator's encoder if it has one; whether it did.

    A selector whose estimator does not begin with a ColumnTransformer
    forgets the ``encoder_`` of an earlier fit and is fitted as usual.
    """
    if leading_encoder(selector.estimator) is None:
        vars(selector).pop("encoder_", None)
        return False
    fit_by_input_column(selector, X, y, sample_weight, groups)
    return True


def _set_by_input_column(selector, inner, encoder, columns, X, y):
    """The fitted attributes of ``selector`` per input column, from ``inner``'s."""
    n_columns = selector.n_features_in_
    encoded, first = np.unique(columns, return_index=True)
    for name in _PER_COLUMN:
        if not hasattr(inner, name):
            continue
        if getattr(inner, name) is None:  # e.g. support_minimal_ when not asked
            setattr(selector, name, None)
            continue
        values = np.asarray(getattr(inner, name))
        out = np.zeros(n_columns, dtype=values.dtype)
        if name == "ranking_":  # a column the encoder drops ranks last
            out[:] = values.max() + 1
        elif name == "decision_iteration_":
            out[:] = -1
        out[encoded] = values[first]
        setattr(selector, name, out)
    selector.n_features_ = int(selector.support_.sum())
    selector.history_ = _history_by_input_column(
        inner.history_, columns, selector.feature_groups is not None
    )
    if hasattr(inner, "cv_results_"):
        results = dict(inner.cv_results_)
        if selector.feature_groups is None:
            results["n_features"] = results.pop("n_groups")
        selector.cv_results_ = results
    for name in ("n_iter_", "_n_selected_units"):
        if hasattr(inner, name):
            setattr(selector, name, getattr(inner, name))
    selector._n_dims = 2
    selector.encoder_ = encoder
    selector.estimator_ = None
    if inner.estimator_ is not None:
        keep = np.flatnonzero(selector.support_)
        restricted = restrict_inputs(encoder, keep).fit(
            _safe_indexing(X, keep, axis=1), y
        )
        first_step = selector.estimator.steps[0][0]
        selector.estimator_ = Pipeline(
            [(first_step, restricted), ("estimator", inner.estimator_)]
        )
    return selector


def _history_by_input_column(history, columns, grouped):
    """``history_`` with its lists of encoded columns given as input columns."""
    history = dict(history)
    if "importances" in history:  # aligned with each round's encoded columns
        history["importances"] = [
            np.asarray(values)[
                np.unique(columns[np.asarray(kept, np.intp)], return_index=True)[1]
            ]
            for kept, values in zip(history["features"], history["importances"])
        ]
    for key in _COLUMN_LISTS:
        if key in history:
            history[key] = [
                np.unique(columns[np.asarray(c, dtype=np.intp)]) for c in history[key]
            ]
    if "features" in history:
        history["n_encoded"] = history["n_features"]
        history["n_features"] = [len(f) for f in history["features"]]
        if not grouped:
            history.pop("n_groups", None)
    return history


def transform_columns(selector, X):
    """The kept input columns of ``X``, as they are (a DataFrame stays one)."""
    X = _checked_table(X)
    validate_data(selector, X, reset=False, skip_check_array=True)
    return _safe_indexing(X, np.flatnonzero(selector.support_), axis=1)
