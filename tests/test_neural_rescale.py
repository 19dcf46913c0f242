"""RescaleMixin: a net folds a standardization of its data into its weights."""

import copy

import numpy as np
import pytest
import torch
from skorch import NeuralNetRegressor
from torch import nn

from skchaos.neural import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3)) * [1.0, 30.0, 0.01] + [5.0, -200.0, 0.3]
    y = np.c_[X[:, 0] + X[:, 1] / 30, 100 * X[:, 2]] * [1.0, 50.0] + [10.0, -3.0]
    return X, y


def _standardization(X, y):
    return X.mean(0), X.std(0), y.mean(0), y.std(0)


def _fitted_on_standardized(net, X, y):
    x_mean, x_scale, y_mean, y_scale = _standardization(X, y)
    return net.fit((X - x_mean) / x_scale, (y - y_mean) / y_scale)


@pytest.mark.parametrize("hidden", [(8, 4), ()])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_the_folded_regressor_computes_the_same_function_of_raw_data(
    data, hidden, n_outputs
):
    X, y = data
    y = y[:, :n_outputs] if n_outputs > 1 else y[:, 0]
    x_mean, x_scale, y_mean, y_scale = _standardization(X, y)
    net = _fitted_on_standardized(
        MLPRegressor(hidden, max_epochs=5, random_state=0), X, y
    )
    expected = net.predict((X - x_mean) / x_scale) * y_scale + y_mean
    assert net._absorb_standardization(x_mean, x_scale, y_mean, y_scale, X_check=X)
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-4, atol=1e-3)
    assert net.n_features_in_ == 3
    # The optimizer starts afresh: no moment estimates of the old weights.
    assert not net.optimizer_.state


def test_the_folded_classifier_keeps_its_probabilities(data):
    X, y = data
    labels = (y[:, 0] > np.median(y[:, 0])).astype(int)
    x_mean, x_scale = X.mean(0), X.std(0)
    net = MLPClassifier((8,), max_epochs=5, random_state=0)
    net.fit((X - x_mean) / x_scale, labels)
    expected = net.predict_proba((X - x_mean) / x_scale)
    assert net._absorb_standardization(x_mean, x_scale, X_check=X)
    np.testing.assert_allclose(net.predict_proba(X), expected, atol=1e-5)


def test_the_folded_net_trains_on(data):
    X, y = data
    x_mean, x_scale, y_mean, y_scale = _standardization(X, y[:, 0])
    net = _fitted_on_standardized(
        MLPRegressor((8,), max_epochs=5, random_state=0), X, y[:, 0]
    )
    net._absorb_standardization(x_mean, x_scale, y_mean, y_scale)
    before = net.score(X, y[:, 0])
    net._fine_tune(X, y[:, 0], epochs=20)
    assert np.isfinite(net.predict(X)).all()
    assert net.score(X, y[:, 0]) != before


class _SquashedOutput(nn.Module):
    """The last linear layer is followed by a nonlinearity: no affine output."""

    def __init__(self, n_features, **kwargs):
        super().__init__()
        self.hidden = nn.Linear(n_features, 4)
        self.out = nn.Linear(4, 1)

    def forward(self, X):
        return torch.tanh(self.out(torch.relu(self.hidden(X))))


def test_a_net_that_cannot_fold_its_output_is_left_unchanged(data):
    X, y = data
    x_mean, x_scale, y_mean, y_scale = _standardization(X, y[:, 0])
    net = _fitted_on_standardized(
        MLPRegressor(module=_SquashedOutput, max_epochs=2, random_state=0),
        X,
        y[:, 0],
    )
    state = copy.deepcopy(net.module_.state_dict())
    assert not net._absorb_standardization(x_mean, x_scale, y_mean, y_scale, X_check=X)
    for key, value in net.module_.state_dict().items():
        assert torch.equal(value, state[key])
    # Its inputs alone can be folded (the first layer is linear).
    assert net._absorb_standardization(x_mean, x_scale, X_check=X)


def test_a_standardization_of_the_wrong_width_is_refused(data):
    X, y = data
    net = _fitted_on_standardized(
        MLPRegressor((4,), max_epochs=2, random_state=0), X, y[:, 0]
    )
    assert not net._absorb_standardization(np.zeros(2), np.ones(2), X_check=X)


def test_plain_skorch_nets_have_no_fold():
    # The selectors give plain skorch nets a refit from scratch instead.
    assert not hasattr(NeuralNetRegressor(nn.Linear), "_absorb_standardization")
