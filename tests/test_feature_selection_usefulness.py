"""Held-out usefulness of a unit (``_usefulness.py``) and where the path measures it."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge

from skchaos.feature_selection import AttributionRFE
from skchaos.feature_selection._path import USEFUL_MAX_UNITS, elimination_path
from skchaos.feature_selection._scoring import Evaluator
from skchaos.feature_selection._usefulness import usefulness


@pytest.fixture(scope="module")
def linear():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 4))
    y = 2 * X[:, 0] + 0.3 * X[:, 1] + 0.5 * rng.normal(size=400)
    return X, y, LinearRegression().fit(X, y)


def test_a_useful_column_scores_high_and_noise_near_zero(linear):
    X, y, model = linear
    z = usefulness(Evaluator(model, None), model, X, y, np.arange(4), 4, 0)
    assert z[0] > 20 and z[1] > 3  # the strong and the weak effect
    assert np.all(np.abs(z[2:]) < 3)  # fitted on these rows by chance only


def test_a_unit_the_model_ignores_scores_zero(linear):
    X, y, _ = linear
    model = LinearRegression().fit(X[:, :1], y)

    class FirstColumnOnly:  # predicts from column 0 alone
        def predict(self, X):
            return model.predict(X[:, :1])

    evaluate = Evaluator(LinearRegression(), None)
    z = usefulness(evaluate, FirstColumnOnly(), X, y, np.arange(4), 4, 0)
    assert z[0] > 20 and z[1:].tolist() == [0.0, 0.0, 0.0]


def test_a_unit_s_columns_are_permuted_together(linear):
    X, y, model = linear
    # Units: {0, 1} and {2, 3}. Permuting 0 and 1 jointly hurts as much as
    # permuting 0 alone, or more; the noise unit stays near zero.
    z = usefulness(Evaluator(model, None), model, X, y, np.array([0, 0, 1, 1]), 2, 0)
    alone = usefulness(Evaluator(model, None), model, X, y, np.arange(4), 4, 0)
    assert z[0] >= alone[0] * 0.9 and abs(z[1]) < 3


def test_the_same_seed_gives_the_same_scores_and_x_is_left_unchanged(linear):
    X, y, model = linear
    before = X.copy()
    args = (Evaluator(model, None), model, X, y, np.arange(4), 4)
    np.testing.assert_array_equal(usefulness(*args, 5), usefulness(*args, 5))
    assert not np.array_equal(usefulness(*args, 5), usefulness(*args, 6))
    np.testing.assert_array_equal(X, before)


def test_a_classifier_s_log_loss_rows_are_used():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=400) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    z = usefulness(Evaluator(model, None), model, X, y, np.arange(3), 3, 0)
    assert z[0] > 10 and np.all(np.abs(z[1:]) < 3)


def _path(X, y, scoring=None, **kwargs):
    selector = AttributionRFE(
        Ridge(), attribution="permutation", step=0.5, scoring=scoring
    )
    X, y, setup = selector._setup(X, y)
    return elimination_path(
        X, y, setup, rng=np.random.RandomState(0), seeded=True, n_stop=1, **kwargs
    )


def test_the_path_measures_the_rounds_of_few_units_only_when_asked():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, USEFUL_MAX_UNITS + 10))
    y = X[:, 0] + 0.5 * X[:, 1] + 0.1 * rng.normal(size=300)
    plain = _path(X, y)
    measured = _path(X, y, measure_usefulness=True)
    assert plain.usefulness == [None] * len(plain.score)
    for n, z, units in zip(measured.n_units, measured.usefulness, measured.units):
        if n > USEFUL_MAX_UNITS:
            assert z is None
        else:
            assert z.shape == units.shape
    assert measured.usefulness[-1] is not None
    # Measuring draws nothing from the path's random stream.
    for a, b in zip(plain.units, measured.units):
        np.testing.assert_array_equal(a, b)
    assert plain.score == measured.score


def test_a_custom_scoring_has_no_row_losses_and_is_not_measured():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 4))
    y = X[:, 0] + 0.1 * rng.normal(size=100)
    path = _path(X, y, scoring="r2", measure_usefulness=True)
    assert path.usefulness == [None] * len(path.score)
