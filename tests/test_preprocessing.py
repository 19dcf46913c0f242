"""make_tabular_preprocessor and input_columns: one output block per column."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from skchaos.datasets import make_mixed
from skchaos.preprocessing import input_columns, make_tabular_preprocessor


@pytest.fixture(scope="module")
def table():
    return make_mixed(
        n_samples=300,
        n_numeric_noise=3,
        n_categorical_noise=2,
        n_levels=3,
        missing_rate=0.1,
        random_state=0,
        return_X_y=False,
    )


def test_every_output_comes_from_one_input_column(table):
    X = table.data
    pre = make_tabular_preprocessor(X).fit(X)
    out = pre.transform(X)
    columns = input_columns(pre)
    assert out.shape == (300, columns.size)
    assert not np.isnan(out).any()
    assert sorted(set(columns)) == list(range(X.shape[1]))
    names = pre.get_feature_names_out()
    for name, column in zip(names, columns):
        assert name.startswith(f"c{column}__")
    for i, col in enumerate(X.columns):
        block = out[:, columns == i]
        if table.categorical_mask[i]:
            # One-hot: a level per column, the missing cells a level of
            # their own, one 1 per row.
            assert block.shape[1] == X[col].nunique() + 1
            np.testing.assert_array_equal(block.sum(axis=1), 1.0)
        else:
            # Standardized values, then the (standardized) missing-value
            # indicator: above its mean exactly where the cell is missing.
            assert block.shape[1] == 2
            np.testing.assert_array_equal(block[:, 1] > 0, X[col].isna().to_numpy())
            assert abs(block[:, 0].mean()) < 1e-9


def test_levels_first_seen_at_transform_are_all_zeros():
    X = pd.DataFrame({"city": ["a", "b", "a", "b"], "x": [1.0, 2.0, 3.0, 4.0]})
    pre = make_tabular_preprocessor(X).fit(X)
    new = pd.DataFrame({"city": ["z"], "x": [2.0]})
    # The complete numeric columns come first, through one shared scaler.
    assert input_columns(pre).tolist() == [1, 0, 0]
    np.testing.assert_array_equal(pre.transform(new)[0, 1:], [0.0, 0.0])


def test_bool_and_constant_columns():
    X = pd.DataFrame({"flag": [True, False, True], "k": [5.0, 5.0, 5.0]})
    pre = make_tabular_preprocessor(X).fit(X)
    out = pre.transform(X)
    assert out.shape == (3, 3)
    assert input_columns(pre).tolist() == [1, 0, 0]
    np.testing.assert_array_equal(out[:, 0], 0.0)  # a constant scales to 0


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        (np.zeros((3, 2)), TypeError, "pandas DataFrame"),
        (pd.DataFrame({"t": pd.date_range("2020", periods=3)}), TypeError, "'t'"),
        (pd.DataFrame({"x": [np.nan] * 3, "y": [1.0, 2, 3]}), ValueError, "'x'"),
        (
            pd.DataFrame({"id": [f"u{i}" for i in range(200)]}),
            ValueError,
            "'id' has 200 distinct levels",
        ),
    ],
)
def test_bad_tables_raise_naming_the_column(X, error, match):
    with pytest.raises(error, match=match):
        make_tabular_preprocessor(X)


def test_max_levels_is_checked():
    X = pd.DataFrame({"c": list("abcab")})
    with pytest.raises(ValueError, match="max_levels=1"):
        make_tabular_preprocessor(X, max_levels=1)
    assert make_tabular_preprocessor(X, max_levels=3).fit(X).transform(X).shape == (
        5,
        3,
    )


def test_input_columns_maps_one_to_one_transformers_and_refuses_others():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 0.0, 1.0], "c": [0, 1, 0]})
    pca = ColumnTransformer([("pca", PCA(1), ["a", "b"])]).fit(X)
    with pytest.raises(ValueError, match="'pca' takes 2 columns"):
        input_columns(pca)
    # A scaler of several columns and a passthrough remainder: one output
    # per input column, traced by name.
    mixed = ColumnTransformer(
        [("s", StandardScaler(), ["c", "a"])], remainder="passthrough"
    ).fit(X)
    assert input_columns(mixed).tolist() == [2, 0, 1]


def test_a_selector_keeps_or_drops_each_input_column_whole():
    # The recipe of the user guide: the encoded outputs of one input column
    # form one group of AttributionRFE.
    import warnings

    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPRegressor

    data = make_mixed(
        n_samples=1000,
        n_numeric_noise=6,
        n_categorical_noise=3,
        n_levels=4,
        noise=0.3,
        random_state=0,
        return_X_y=False,
    )
    pre = make_tabular_preprocessor(data.data).fit(data.data)
    Z, groups = pre.transform(data.data), input_columns(pre)
    net = MLPRegressor((32,), lr=0.01, max_epochs=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        selector = AttributionRFE(net, feature_groups=groups, random_state=0)
        selector.fit(Z, data.target)
    kept = np.unique(groups[selector.support_])
    np.testing.assert_array_equal(selector.support_, np.isin(groups, kept))
    relevant = np.flatnonzero(data.relevant_mask)
    assert set(kept) <= set(relevant)  # no noise column, categorical or not
    assert len(kept) >= 3  # of the 4 relevant (minimal-optimal may drop one)
    assert selector.transform(Z).shape[1] == np.isin(groups, kept).sum()
