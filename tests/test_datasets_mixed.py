"""make_mixed: mixed-type tables whose relevant columns are known."""

import numpy as np
import pandas as pd
import pytest

from skchaos.datasets import make_mixed


def test_shape_types_and_truth():
    data = make_mixed(
        n_samples=500,
        n_numeric=3,
        n_categorical=2,
        n_numeric_noise=5,
        n_categorical_noise=4,
        n_levels=4,
        random_state=0,
        return_X_y=False,
    )
    X = data.data
    assert X.shape == (500, 14)
    assert list(X.columns) == data.feature_names
    categorical = np.array([isinstance(X[c].dtype, pd.CategoricalDtype) for c in X])
    assert np.array_equal(categorical, data.categorical_mask)
    assert categorical.sum() == 6
    assert all(str(X[c].dtype) == "float64" for c in X.columns[~categorical])
    assert all(
        list(X[c].cat.categories) == list("abcd") for c in X.columns[categorical]
    )
    # Names say the type only; the truth is in the masks.
    assert all(n.startswith("cat") == c for n, c in zip(X.columns, categorical))
    assert data.relevant_mask.sum() == 5
    assert (data.relevant_mask & data.categorical_mask).sum() == 2
    assert set(data.effects) == set(X.columns[data.relevant_mask])


def test_missing_cells_at_the_given_rate_and_nowhere_else():
    X, y = make_mixed(n_samples=2000, missing_rate=0.1, random_state=1)
    rate = X.isna().to_numpy().mean()
    assert 0.09 < rate < 0.11
    assert not np.isnan(y).any()
    X0, _ = make_mixed(n_samples=200, missing_rate=0.0, random_state=1)
    assert not X0.isna().to_numpy().any()


def test_relevant_columns_carry_the_signal_and_noise_columns_none():
    data = make_mixed(
        n_samples=4000, missing_rate=0.0, noise=0.1, random_state=2, return_X_y=False
    )
    X, y = data.data, data.target
    strength = {}
    for name in X.columns:
        column = X[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            # Share of the target's variance explained by the level means.
            means = (
                pd.Series(y).groupby(column.to_numpy(), observed=True).transform("mean")
            )
            strength[name] = np.var(means) / np.var(y)
        else:
            # Best of a few shapes: the effects are not all linear.
            x = column.to_numpy()
            strength[name] = max(
                np.corrcoef(f, y)[0, 1] ** 2
                for f in (x, x**2, np.tanh(2 * x), np.sin(2 * x))
            )
    strength = pd.Series(strength)
    relevant = strength[data.relevant_mask]
    noise = strength[~data.relevant_mask]
    # Four unit terms: each relevant column explains about a quarter.
    assert relevant.min() > 0.1
    assert noise.max() < 0.01
    # Independent terms of variance 1 each.
    np.testing.assert_allclose(np.var(data.target_clean), 4.0, rtol=0.05)


def test_same_seed_same_table_and_classification():
    X1, y1 = make_mixed(n_samples=300, task="classification", random_state=3)
    X2, y2 = make_mixed(n_samples=300, task="classification", random_state=3)
    pd.testing.assert_frame_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert set(np.unique(y1)) == {0, 1} and abs(y1.mean() - 0.5) < 0.01
    X3, _ = make_mixed(n_samples=300, random_state=4)
    assert not X1.equals(X3)


def test_unshuffled_columns_keep_the_relevant_ones_first():
    data = make_mixed(
        n_samples=50, shuffle_features=False, random_state=0, return_X_y=False
    )
    assert data.feature_names[:2] == ["num0", "num1"]
    assert data.relevant_mask[:2].all() and not data.relevant_mask[2:32].any()
    assert data.relevant_mask[32:34].all() and not data.relevant_mask[34:].any()


@pytest.mark.parametrize("kind", ["numeric", "categorical"])
def test_tables_of_one_type_only(kind):
    other = "categorical" if kind == "numeric" else "numeric"
    params = {f"n_{other}": 0, f"n_{other}_noise": 0}
    data = make_mixed(n_samples=50, random_state=0, return_X_y=False, **params)
    assert data.data.shape == (50, {"numeric": 32, "categorical": 12}[kind])
    assert data.categorical_mask.all() == (kind == "categorical")
    assert data.relevant_mask.sum() == 2


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_numeric": 0, "n_categorical": 0}, "no relevant column"),
        ({"n_levels": 1}, "n_levels"),
        ({"missing_rate": 1.0}, "missing_rate"),
        ({"task": "ranking"}, "task"),
        ({"n_samples": 0}, "n_samples"),
        ({"noise": -1.0}, "noise"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        make_mixed(**params)
