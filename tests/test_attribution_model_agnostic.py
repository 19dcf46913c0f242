"""The permutation-importance fallback for any estimator."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.exceptions import NotFittedError

from skchaos.attribution import model_agnostic_importance


def _data(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(150, 4))
    return X, np.sin(3 * X[:, 2])


def test_random_forest_finds_the_informative_feature():
    X, y = _data()
    forest = RandomForestRegressor(n_estimators=20, random_state=0).fit(X, y)
    X_test, y_test = _data(seed=1)
    importances = model_agnostic_importance(forest, X_test, y_test, random_state=0)
    assert importances.shape == (4,)
    assert importances.argmax() == 2
    assert importances[2] > 0.5 > np.abs(np.delete(importances, 2)).max()
    again = model_agnostic_importance(forest, X_test, y_test, random_state=0)
    np.testing.assert_array_equal(importances, again)


def test_classifier_and_scoring():
    X, y = _data()
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y > 0)
    importances = model_agnostic_importance(
        forest, X, y > 0, scoring="balanced_accuracy", n_repeats=2, random_state=0
    )
    assert importances.argmax() == 2


def test_errors():
    X, y = _data()
    with pytest.raises(NotFittedError):
        model_agnostic_importance(RandomForestRegressor(), X, y)
    forest = RandomForestRegressor(n_estimators=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="n_repeats"):
        model_agnostic_importance(forest, X, y, n_repeats=0)
    with pytest.raises(ValueError, match="estimator"):
        model_agnostic_importance("forest", X, y)
