"""refit="auto": the selected round's network becomes ``estimator_``."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetRegressor
from torch import nn

from skchaos.feature_selection import AttributionRFE, AttributionRFECV, RoundTraining
from skchaos.neural import MLPClassifier, MLPRegressor
from skchaos.neural._rescale import RescaleMixin


def _net(cls=MLPRegressor, **params):
    settings = {"hidden_layer_sizes": (8,), "lr": 0.05, "max_epochs": 20}
    return cls(**{**settings, "random_state": 0, **params})


@pytest.fixture(scope="module")
def data():
    """Two relevant columns (0 and 1) among six, in very different units."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 6))
    y = X[:, 0] - 0.8 * X[:, 1] + 0.05 * rng.randn(300)
    units = np.array([10.0, 0.1, 1.0, 50.0, 1.0, 1.0])
    return X * units + 7.0, 100.0 * y - 40.0


@pytest.fixture
def folds(monkeypatch):
    """Every call of the nets' fold, with what it returned."""
    calls = []
    fold = RescaleMixin._absorb_standardization

    def spy(self, *args, **kwargs):
        calls.append(fold(self, *args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(RescaleMixin, "_absorb_standardization", spy)
    return calls


def _split(X, y):
    return X[:200], y[:200], X[200:], y[200:]


def test_auto_continues_the_selected_rounds_network(data, folds):
    X, y, X_test, y_test = _split(*data)
    net = _net(batch_size=64)
    kwargs = {"n_features_to_select": 2, "random_state": 0}
    warm = AttributionRFE(net, **kwargs).fit(X, y)
    assert folds == [True]
    cold = AttributionRFE(net, refit=True, **kwargs).fit(X, y)
    assert folds == [True]  # a refit from scratch folds nothing
    np.testing.assert_array_equal(warm.support_, cold.support_)
    assert warm.get_support(indices=True).tolist() == [0, 1]
    # The network the user configured: the rounds' penalty and batch size
    # are gone, and it takes the columns and predicts the target as given.
    assert warm.estimator_.get_params(deep=False) == cold.estimator_.get_params(
        deep=False
    )
    assert warm.estimator_.input_penalty == 0.0
    assert warm.estimator_.batch_size == 64
    assert warm.estimator_.n_features_in_ == 2
    assert warm.score(X_test, y_test) > 0.99
    assert warm.score(X_test, y_test) >= cold.score(X_test, y_test) - 0.005


def test_auto_is_reproducible(data):
    X, y = data
    kwargs = {"n_features_to_select": 2, "random_state": 3}
    first = AttributionRFE(_net(), **kwargs).fit(X, y).predict(X)
    np.testing.assert_array_equal(
        AttributionRFE(_net(), **kwargs).fit(X, y).predict(X), first
    )


def test_auto_with_a_classifier_and_weights(data, folds):
    X, y = data
    labels = (y > np.median(y)).astype(int)
    weights = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    selector = AttributionRFE(
        _net(MLPClassifier), n_features_to_select=2, random_state=0
    ).fit(X, labels, sample_weight=weights)
    assert folds == [True]
    assert selector.score(X, labels) > 0.9
    np.testing.assert_allclose(selector.predict_proba(X).sum(axis=1), 1.0, atol=1e-6)


def test_auto_in_cross_validation_continues_the_final_paths_network(data, folds):
    X, y = data
    selector = AttributionRFECV(_net(), cv=2, random_state=0).fit(X, y)
    assert folds == [True]  # the folds' paths keep no network
    assert selector.score(X, y) > 0.95


@pytest.mark.parametrize(
    "estimator, round_training",
    [
        (make_pipeline(StandardScaler(), _net()), None),  # a pipeline
        (_net(), RoundTraining(epochs=5)),  # rounds of a fixed length
    ],
    ids=["pipeline", "fixed-epochs"],
)
def test_auto_falls_back_to_a_refit_from_scratch(
    data, folds, estimator, round_training
):
    X, y = data
    kwargs = {"n_features_to_select": 2, "round_training": round_training}
    auto = AttributionRFE(estimator, random_state=0, **kwargs).fit(X, y)
    assert folds == []
    cold = AttributionRFE(estimator, refit=True, random_state=0, **kwargs).fit(X, y)
    np.testing.assert_array_equal(auto.support_, cold.support_)


class _Net(nn.Module):
    def __init__(self, n_features=6):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(n_features, 8), nn.ReLU(), nn.Linear(8, 1)
        )

    def forward(self, X):
        return self.layers(X)


def test_auto_gives_a_plain_skorch_net_a_refit_from_scratch(data):
    X, y = data
    net = NeuralNetRegressor(_Net, lr=0.05, max_epochs=5, train_split=None, verbose=0)
    selector = AttributionRFE(net, n_features_to_select=2, random_state=0)
    selector.fit(X.astype(np.float32), y.astype(np.float32))
    # A clone of the user's net, trained on the two kept columns only.
    assert selector.estimator_ is not net
    assert len(selector.predict(X.astype(np.float32))) == len(y)
