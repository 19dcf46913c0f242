"""Behaviour of AttributionRFECV: cross-validated sizes, parallel folds."""

import numpy as np
import pytest
from sklearn.exceptions import DataConversionWarning

from skchaos.feature_selection import AttributionRFE, AttributionRFECV, RoundTraining
from skchaos.neural import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(150, 5))
    y = X[:, 0] - 2 * X[:, 1]
    return X, y


def _selector(**params):
    net = MLPRegressor(hidden_layer_sizes=(8,), lr=0.03, max_epochs=20)
    return AttributionRFECV(net, cv=3, random_state=0, **params)


def test_cv_results_and_selection(data):
    X, y = data
    selector = _selector().fit(X, y)
    results = selector.cv_results_
    assert set(results) == {
        "n_features",
        "mean_test_score",
        "std_test_score",
        "split0_test_score",
        "split1_test_score",
        "split2_test_score",
    }
    np.testing.assert_array_equal(results["n_features"], [1, 2, 3, 4, 5])
    for values in results.values():
        assert values.shape == (5,)
    splits = np.stack([results[f"split{k}_test_score"] for k in range(3)])
    np.testing.assert_allclose(results["mean_test_score"], splits.mean(axis=0))
    np.testing.assert_allclose(results["std_test_score"], splits.std(axis=0))
    assert selector.get_support(indices=True).tolist() == [0, 1]
    assert selector.n_features_ == 2
    # The final elimination stops at the chosen size.
    assert selector.history_["n_features"][-1] == 2
    assert selector.transform(X).shape == (150, 2)


def test_parallel_folds_give_the_same_result(data):
    X, y = data
    serial = _selector(n_jobs=1).fit(X, y)
    parallel = _selector(n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(serial.support_, parallel.support_)
    for key, values in serial.cv_results_.items():
        np.testing.assert_allclose(parallel.cv_results_[key], values, rtol=1e-5)


def test_one_standard_error_rule_never_keeps_more(data):
    X, y = data
    tol = _selector(tol=0.0).fit(X, y)
    one_se = _selector(tol="1se").fit(X, y)
    assert one_se.n_features_ <= tol.n_features_
    mean, std = (
        one_se.cv_results_["mean_test_score"],
        one_se.cv_results_["std_test_score"],
    )
    best = np.argmax(mean)
    chosen = list(one_se.cv_results_["n_features"]).index(one_se.n_features_)
    assert mean[chosen] >= mean[best] - std[best] / np.sqrt(3)


def test_groups_are_reported_as_n_groups(data):
    X, y = data
    X = np.hstack([X, X[:, :1] * 0.5])
    selector = _selector(feature_groups=[0, 1, 2, 2, 3, 0], step=1).fit(X, y)
    assert selector.cv_results_["n_groups"].tolist() == [1, 2, 3, 4]
    assert selector.get_support(indices=True).tolist() == [0, 1, 5]


def test_plot_history_draws_a_band(data):
    import matplotlib.pyplot as plt

    selector = _selector(min_features_to_select=3).fit(*data)
    ax = selector.plot_history()
    assert ax.collections  # the +- std band
    assert "cross-validated" in ax.get_ylabel()
    plt.close("all")


def test_invalid_tol_string(data):
    with pytest.raises(ValueError, match="tol"):
        _selector(tol="2se").fit(*data)
    with pytest.raises(ValueError, match="tol"):
        AttributionRFE(MLPRegressor(), tol="1se").fit(*data)


def test_classifier_with_a_column_vector_y():
    X = np.random.RandomState(0).uniform(size=(30, 3))
    y = np.arange(30) % 3
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_epochs=3, random_state=0)
    params = {
        "cv": 2,
        "round_training": RoundTraining(epochs=1),
        "step": 0.5,
        "random_state": 0,
    }
    flat = AttributionRFECV(clf, **params).fit(X, y)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = AttributionRFECV(clf, **params).fit(X, y[:, None])
    for key, values in flat.cv_results_.items():
        np.testing.assert_allclose(column.cv_results_[key], values)
