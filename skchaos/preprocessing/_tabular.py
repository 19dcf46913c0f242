"""A default preprocessor for mixed-type tables, one block of outputs per column."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted


def _kind(column):
    """``"numeric"`` or ``"categorical"`` for a DataFrame column, else None."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    ):
        return "categorical"
    return None


def make_tabular_preprocessor(X, *, max_levels=100):
    """A preprocessor for a mixed-type table: one transformer per column.

    Numeric columns get median imputation with a missing-value indicator
    (only where the column has missing cells) and standardization;
    categorical columns (string, ``object``, ``category`` and ``bool``
    dtypes) get one-hot encoding, with a missing cell as a level of its own
    and levels first seen at ``transform`` encoded as all zeros
    (``handle_unknown="ignore"``). The numeric columns without missing cells
    share one ``StandardScaler`` (named ``numeric``, one output per column);
    every other column has its own transformer, named ``c<i>`` for the
    ``i``-th column. Each output column thus comes from one input column:
    :func:`input_columns` gives that map, which a selector needs to keep or
    drop a column with all its encoded outputs.

    Parameters
    ----------
    X : pandas.DataFrame of shape (n_samples, n_features)
        The table (its column types decide the transformers; nothing is
        fitted).

    max_levels : int, default=100
        The most distinct levels a categorical column may have; a column with
        more (an identifier, a free-text field) raises ``ValueError``, since
        one-hot encoding it would add as many inputs as levels.

    Returns
    -------
    preprocessor : sklearn.compose.ColumnTransformer
        Unfitted, with dense output and ``verbose_feature_names_out=True``
        (output names ``numeric__<name>`` and ``c<i>__<name>``).

    Raises
    ------
    TypeError
        If ``X`` is not a DataFrame, or a column has another dtype
        (datetimes, for example: derive numeric columns from them first).
    ValueError
        If a column is entirely missing, or a categorical column has more
        than ``max_levels`` levels.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skchaos.preprocessing import input_columns, make_tabular_preprocessor
    >>> X = pd.DataFrame({"age": [30.0, np.nan, 50.0, 41.0],
    ...                   "city": ["a", "b", "a", None]})
    >>> pre = make_tabular_preprocessor(X).fit(X)
    >>> pre.get_feature_names_out().tolist()
    ['c0__age', 'c0__missingindicator_age', 'c1__city_a', 'c1__city_b', 'c1__city_nan']
    >>> X["age"] = X["age"].fillna(40.0)  # complete numeric columns share a scaler
    >>> make_tabular_preprocessor(X).fit(X).get_feature_names_out().tolist()
    ['numeric__age', 'c1__city_a', 'c1__city_b', 'c1__city_nan']
    >>> input_columns(pre).tolist()
    [0, 0, 1, 1, 1]
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"X must be a pandas DataFrame (its column types choose the "
            f"encoders); got {type(X).__name__}."
        )
    if not isinstance(max_levels, Integral) or max_levels < 2:
        raise ValueError(
            f"max_levels={max_levels!r} is not valid; expected an int >= 2."
        )
    transformers, complete = [], []
    for i, name in enumerate(X.columns):
        column = X[name]
        kind = _kind(column)
        if kind is None:
            raise TypeError(
                f"column {name!r} has dtype {column.dtype}, which is neither "
                "numeric nor categorical; convert it (e.g. a date to numbers) "
                "or drop it."
            )
        missing = column.isna()
        if missing.all():
            raise ValueError(f"column {name!r} is entirely missing; drop it.")
        if kind == "numeric" and not missing.any():
            complete.append(name)
            continue
        if kind == "numeric":
            imputer = SimpleImputer(strategy="median", add_indicator=True)
            transformer = make_pipeline(imputer, StandardScaler())
        else:
            n_levels = column.nunique(dropna=True)
            if n_levels > max_levels:
                raise ValueError(
                    f"column {name!r} has {n_levels} distinct levels, more than "
                    f"max_levels={max_levels}: one-hot encoding would add as "
                    "many inputs. Drop it (an identifier?), group its rare "
                    "levels, or raise max_levels."
                )
            transformer = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        transformers.append((f"c{i}", transformer, [name]))
    if complete:
        transformers.insert(0, ("numeric", StandardScaler(), complete))
    return ColumnTransformer(
        transformers, remainder="drop", verbose_feature_names_out=True
    )


def input_columns(preprocessor):
    """The input column of each output column of a fitted ColumnTransformer.

    Parameters
    ----------
    preprocessor : sklearn.compose.ColumnTransformer
        Fitted; each of its transformers takes one column, or several with
        one output each, named as its input (a scaler), as
        :func:`make_tabular_preprocessor` builds it.

    Returns
    -------
    columns : ndarray of int of shape (n_outputs,)
        For each output column, the position of its input column in the
        ``X`` the preprocessor was fitted on.

    Raises
    ------
    ValueError
        If a transformer takes several columns (its outputs cannot be told
        apart) or the remainder passes columns through.

    Examples
    --------
    >>> import pandas as pd
    >>> from skchaos.preprocessing import input_columns, make_tabular_preprocessor
    >>> X = pd.DataFrame({"x": [1.0, 2.0, 3.0], "color": ["r", "g", "r"]})
    >>> input_columns(make_tabular_preprocessor(X).fit(X)).tolist()
    [0, 1, 1]
    """
    check_is_fitted(preprocessor, "output_indices_")
    names = list(getattr(preprocessor, "feature_names_in_", []))
    index = {name: i for i, name in enumerate(names)}
    n_outputs = max((s.stop for s in preprocessor.output_indices_.values()), default=0)
    columns = np.full(n_outputs, -1, dtype=np.intp)
    for name, _, selected in preprocessor.transformers_:
        block = preprocessor.output_indices_[name]
        if block.stop == block.start:
            continue
        selected = np.atleast_1d(np.asarray(selected, dtype=object))
        positions = [index[c] if c in index else int(c) for c in selected]
        if selected.size == 1 and name != "remainder":
            columns[block] = positions[0]
            continue
        transformer = preprocessor.named_transformers_[name]
        labels = [str(names[p]) for p in positions] if names else None
        labels = labels or [f"x{p}" for p in positions]
        outputs = None
        if hasattr(transformer, "get_feature_names_out"):
            try:
                outputs = list(transformer.get_feature_names_out(labels))
            except ValueError:  # names that the transformer did not see
                outputs = list(transformer.get_feature_names_out())
        if outputs != labels:
            raise ValueError(
                f"transformer {name!r} takes {selected.size} columns, so its "
                "outputs cannot be traced to one input column each; give every "
                "column its own transformer (make_tabular_preprocessor does)."
            )
        columns[block] = positions
    return columns


def restrict_inputs(preprocessor, keep):
    """An unfitted copy of a fitted ColumnTransformer that takes only ``keep``.

    Each transformer keeps its settings and the kept columns among those it
    took; a transformer left without columns goes, and so does a ``"drop"``.
    Fitted on the kept columns of the same rows, the copy's outputs are the
    fitted preprocessor's outputs of those columns, in the same order, for
    transformers that work column by column (encoders, imputers, scalers);
    :func:`input_columns` checks that each output has one input column.

    Parameters
    ----------
    preprocessor : sklearn.compose.ColumnTransformer
        Fitted.

    keep : array-like of int
        Positions of the kept input columns, in the ``X`` the preprocessor
        was fitted on.

    Returns
    -------
    restricted : sklearn.compose.ColumnTransformer
        Unfitted, for an ``X`` of the kept columns only (in their order):
        the columns are named if the preprocessor was fitted on a DataFrame,
        else given by their new positions.

    Examples
    --------
    >>> import pandas as pd
    >>> from skchaos.preprocessing import make_tabular_preprocessor, restrict_inputs
    >>> X = pd.DataFrame({"x": [1.0, 2.0, 3.0], "z": [0.0, 1.0, 0.0],
    ...                   "color": ["r", "g", "r"]})
    >>> pre = make_tabular_preprocessor(X).fit(X)
    >>> restricted = restrict_inputs(pre, [0, 2]).fit(X[["x", "color"]])
    >>> restricted.get_feature_names_out().tolist()
    ['numeric__x', 'c2__color_g', 'c2__color_r']
    """
    from sklearn.base import clone

    columns = input_columns(preprocessor)  # also checks the one-to-one map
    keep = np.sort(np.unique(np.asarray(keep, dtype=np.intp)))
    names = getattr(preprocessor, "feature_names_in_", None)
    position = {int(c): i for i, c in enumerate(keep)}
    transformers = []
    for name, transformer, _ in preprocessor.transformers_:
        block = preprocessor.output_indices_[name]
        if transformer == "drop" or block.stop == block.start:
            continue
        taken = [int(c) for c in dict.fromkeys(columns[block]) if int(c) in position]
        if not taken:
            continue
        if names is not None:
            selected = [str(names[c]) for c in taken]
        else:
            selected = [position[c] for c in taken]
        if not isinstance(transformer, str):
            transformer = clone(transformer)
        if name == "remainder":  # a reserved name: the rest becomes explicit
            name = "remainder_columns"
        transformers.append((name, transformer, selected))
    params = preprocessor.get_params(deep=False)
    params.update(transformers=transformers, remainder="drop")
    return type(preprocessor)(**params)
