"""Warm starts: slicing a fitted network's input layer to the surviving inputs."""

import copy

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetRegressor
from torch import nn

from skchaos.feature_selection._warm_start import (
    _first_input_layer,
    _lr_factors,
    _prefix_is_columnwise,
    _slice_input_layer,
    _warm_start,
)
from skchaos.neural import AudioCNNClassifier, MLPRegressor

KEEP = np.array([0, 2, 4])


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 5))
    y = X[:, 0] + X[:, 2] * X[:, 4]
    net = MLPRegressor(hidden_layer_sizes=(8, 8), max_epochs=5, random_state=0)
    return net.fit(X, y), X, y


def _zero_dropped(X, keep):
    out = X.copy()
    out[:, np.setdiff1d(np.arange(X.shape[1]), keep)] = 0
    return out


def test_sliced_mlp_equals_the_original_with_dropped_inputs_zeroed(fitted):
    net, X, _ = fitted
    module = copy.deepcopy(net.module_)
    layer = _first_input_layer(module, 5, tabular=True)
    assert layer is module.input_layer
    _slice_input_layer(layer, KEEP)
    assert module.input_layer.in_features == 3
    assert module.input_layer.weight.shape == (8, 3)
    with torch.no_grad():
        expected = net.module_(
            torch.as_tensor(_zero_dropped(X, KEEP), dtype=torch.float32)
        )
        got = module(torch.as_tensor(X[:, KEEP], dtype=torch.float32))
    torch.testing.assert_close(got, expected, rtol=1e-6, atol=1e-6)
    # The bias and the later layers are untouched.
    torch.testing.assert_close(module.input_layer.bias, net.module_.input_layer.bias)


def test_sliced_conv1d_equals_the_original_with_dropped_channels_zeroed():
    torch.manual_seed(0)
    conv = nn.Conv1d(4, 3, kernel_size=3, padding=1)
    X = torch.randn(5, 4, 7)
    keep = np.array([1, 3])
    zeroed = X.clone()
    zeroed[:, [0, 2]] = 0
    expected = conv(zeroed)
    _slice_input_layer(conv, keep)
    assert conv.in_channels == 2
    torch.testing.assert_close(conv(X[:, keep]), expected)


@pytest.mark.parametrize(
    "module, width, tabular",
    [
        (nn.Sequential(nn.Linear(4, 2)), 5, True),  # another width
        (nn.Sequential(nn.Conv1d(5, 2, 1)), 5, True),  # a conv for tabular data
        (nn.Sequential(nn.Linear(5, 2)), 5, False),  # a linear for channels
        (nn.Sequential(nn.Conv1d(4, 4, 1, groups=2)), 4, False),  # grouped conv
    ],
)
def test_no_input_layer_is_found_for_unsupported_fronts(module, width, tabular):
    assert _first_input_layer(module, width, tabular=tabular) is None


def test_warm_start_slices_in_place_and_fine_tunes(fitted):
    net, X, y = fitted
    original = copy.deepcopy(net)
    copied = _warm_start(net, KEEP, X, y, X, epochs=3, seed=0, copy=True)
    # copy=True leaves the fitted net untouched.
    np.testing.assert_array_equal(original.predict(X), net.predict(X))
    assert net.n_features_in_ == 5
    assert copied.n_features_in_ == 3 and copied.module_.input_layer.in_features == 3
    assert copied.n_iter_ == net.n_iter_ + 3
    assert copied.predict(X[:, KEEP]).shape == (80,)
    with pytest.raises(ValueError, match="features"):
        copied.predict(X)

    same = _warm_start(original, KEEP, X, y, X, epochs=2, seed=0)
    assert same is original and original.n_features_in_ == 3
    # A module rebuilt from the recorded shape has the new width.
    assert original._module_data_kwargs_["n_features"] == 3


@pytest.mark.parametrize("channel_pooling", ["max", "mean"])
def test_shared_channel_encoder_is_rebuilt_with_its_weights(channel_pooling):
    """No weight depends on the channel count: all of them carry over."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4, 64)).astype(np.float32)
    y = np.arange(40) % 2
    net = AudioCNNClassifier(
        channels=(4, 8),
        kernel_size=3,
        stride=1,
        channel_pooling=channel_pooling,
        max_epochs=2,
        random_state=0,
    ).fit(X, y)
    original = copy.deepcopy(net)
    keep = np.array([0, 2])
    torch_state = torch.random.get_rng_state()
    warm = _warm_start(net, keep, X, y, X, epochs=0, seed=0, copy=True)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    np.testing.assert_array_equal(original.predict_proba(X), net.predict_proba(X))
    assert warm.n_features_in_ == 2 and warm.input_shape_ == (2, 64)
    for old, new in zip(net.module_.parameters(), warm.module_.parameters()):
        torch.testing.assert_close(old, new, rtol=0, atol=0)
    # Pooled over the survivors only: with the dropped channels replaced by
    # copies of channel 0 (max) or of the survivors (mean), the original
    # network agrees.
    filler = [0, 0] if channel_pooling == "max" else [0, 2]
    padded = X.copy()
    padded[:, [1, 3]] = X[:, filler]
    np.testing.assert_allclose(
        warm.predict_proba(X[:, keep]), net.predict_proba(padded), atol=1e-5
    )
    with pytest.raises(ValueError, match="features"):
        warm.predict(X)

    tuned = _warm_start(net, keep, X, y, X, epochs=2, seed=0)
    assert tuned is net and net.n_iter_ == original.n_iter_ + 2


class _NormFirst(nn.Module):
    """BatchNorm on the input before the first Linear: not sliceable."""

    def __init__(self):
        super().__init__()
        self.norm = nn.BatchNorm1d(5)
        self.linear = nn.Linear(5, 1)

    def forward(self, X):
        return self.linear(self.norm(X))


def test_unsliceable_network_is_left_unchanged(fitted):
    _, X, y = fitted
    X, y = X.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
    net = NeuralNetRegressor(_NormFirst, max_epochs=2, train_split=None).fit(X, y)
    before = net.predict(X)
    assert _warm_start(net, KEEP, X, y, X, epochs=1, seed=0) is None
    np.testing.assert_array_equal(net.predict(X), before)
    assert net.module_.linear.in_features == 5


def test_pipeline_with_a_scaler_is_sliced_and_a_pca_is_not(fitted):
    _, X, y = fitted
    X = 3 * X + 1
    scaled = make_pipeline(StandardScaler(), MLPRegressor((8,), max_epochs=3))
    scaled.fit(X, y)
    assert _prefix_is_columnwise(scaled, 5)
    warm = _warm_start(scaled, KEEP, X, y, X, epochs=1, seed=0)
    assert warm is not None
    np.testing.assert_allclose(warm[0].mean_, X[:, KEEP].mean(axis=0))

    rotated = make_pipeline(PCA(), MLPRegressor((8,), max_epochs=3)).fit(X, y)
    assert not _prefix_is_columnwise(rotated, 5)
    assert _warm_start(rotated, KEEP, X, y, X, epochs=1, seed=0) is None


def test_cosine_schedule_decays_and_keeps_the_epoch_count():
    chunks = _lr_factors(23, "cosine")
    assert sum(n for n, _ in chunks) == 23 and len(chunks) == 5
    factors = [f for _, f in chunks]
    assert factors == sorted(factors, reverse=True)
    assert factors[0] > 0.9 and factors[-1] < 0.05
    assert _lr_factors(2, "cosine")[-1][0] == 1  # fewer epochs than steps
    assert _lr_factors(7, "constant") == [(7, 1.0)]
