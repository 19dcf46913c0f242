"""Warm starts: restricting a fitted network to the surviving inputs.

The slicing helpers of :mod:`skchaos.utils`, the nets' own
``_restrict_inputs``, and :class:`RoundTrainer`, which trains each round of an
elimination (warm, or cold when the model cannot be restricted).
"""

import copy

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetRegressor
from torch import nn

from skchaos.feature_selection._nets import restrict_subset, subset_net
from skchaos.feature_selection._warm_start import (
    RoundInfo,
    RoundTrainer,
    prefix_is_columnwise,
)
from skchaos.neural import AudioCNNClassifier, InputSubset, MLPRegressor
from skchaos.neural._fine_tune import lr_factors
from skchaos.utils import first_input_layer, slice_if_same, slice_input_layer

KEEP = np.array([0, 2, 4])


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 5))
    y = X[:, 0] + X[:, 2] * X[:, 4]
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    net = MLPRegressor(hidden_layer_sizes=(8, 8), max_epochs=5, random_state=0)
    return net.fit(X, y), X, y


@pytest.fixture
def net(fitted):
    """A fresh copy of the fitted MLP, free to change."""
    return copy.deepcopy(fitted[0])


def _zero_dropped(X, keep):
    out = X.copy()
    out[:, np.setdiff1d(np.arange(X.shape[1]), keep)] = 0
    return out


def _trainer(estimator, epochs=3, schedule="constant", **params):
    return RoundTrainer(
        estimator,
        warm_start=params.pop("warm_start", True),
        epochs=epochs,
        schedule=schedule,
        max_round_epochs=params.pop("max_round_epochs", None),
    )


# ------------------------------------------------------------ utils slicing
def test_sliced_mlp_module_equals_the_original_with_dropped_inputs_zeroed(fitted):
    net, X, _ = fitted
    module = copy.deepcopy(net.module_)
    layer = first_input_layer(module, 5, tabular=True)
    assert layer is module.input_layer
    slice_input_layer(layer, KEEP)
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
    torch.testing.assert_close(module.layers[2].weight, net.module_.layers[2].weight)


def test_slice_input_layer_undo_restores_the_layer():
    torch.manual_seed(0)
    layer = nn.Linear(5, 2)
    weight = layer.weight
    undo = slice_input_layer(layer, KEEP)
    assert layer.in_features == 3 and layer.weight.shape == (2, 3)
    torch.testing.assert_close(layer.weight, weight[:, KEEP])
    undo()
    assert layer.in_features == 5 and layer.weight is weight


def test_sliced_conv1d_equals_the_original_with_dropped_channels_zeroed():
    torch.manual_seed(0)
    conv = nn.Conv1d(4, 3, kernel_size=3, padding=1)
    X = torch.randn(5, 4, 7)
    keep = np.array([1, 3])
    zeroed = X.clone()
    zeroed[:, [0, 2]] = 0
    expected = conv(zeroed)
    slice_input_layer(conv, keep)
    assert conv.in_channels == 2
    torch.testing.assert_close(conv(X[:, keep]), expected)


@pytest.mark.parametrize(
    "module, width, tabular",
    [
        (nn.Sequential(nn.Linear(4, 2)), 5, True),  # another width
        (nn.Sequential(nn.Conv1d(5, 2, 1)), 5, True),  # a conv for tabular data
        (nn.Sequential(nn.Linear(5, 2)), 5, False),  # a linear for channels
        (nn.Sequential(nn.Conv1d(4, 4, 1, groups=2)), 4, False),  # grouped conv
        (nn.Sequential(nn.LazyLinear(2)), 5, True),  # a lazy layer
    ],
)
def test_no_input_layer_is_found_for_unsupported_fronts(module, width, tabular):
    assert first_input_layer(module, width, tabular=tabular) is None


def test_slice_if_same_slices_a_plain_mlp(net, data):
    X, _ = data
    expected = net.predict(_zero_dropped(X, KEEP))
    assert slice_if_same(net, net.module_.input_layer, KEEP, X)
    assert net.module_.input_layer.in_features == 3
    with torch.no_grad():
        got = net.module_(torch.as_tensor(X[:, KEEP], dtype=torch.float32))
    np.testing.assert_allclose(got.numpy().ravel(), expected, rtol=1e-5, atol=1e-6)


class _NormFirst(nn.Module):
    """BatchNorm on the input before the first Linear: not sliceable."""

    def __init__(self, n_features=5, n_outputs=1, **_):
        super().__init__()
        self.norm = nn.BatchNorm1d(n_features)
        self.linear = nn.Linear(n_features, n_outputs)

    def forward(self, X):
        return self.linear(self.norm(X))


def test_slice_if_same_restores_a_layer_that_fails_the_check(data):
    X, y = data
    net = MLPRegressor(module=_NormFirst, max_epochs=2, random_state=0).fit(X, y)
    layer = first_input_layer(net.module_, 5, tabular=True)
    assert layer is net.module_.linear  # found, but the norm before it ...
    weight = layer.weight
    assert not slice_if_same(net, layer, KEEP, X)  # ... breaks the equivalence
    assert layer.weight is weight and layer.in_features == 5


# ---------------------------------------------------- the nets' restriction
def test_restrict_inputs_of_an_mlp_equals_the_original_with_zeros(net, fitted):
    original, X, _ = fitted
    assert net._restrict_inputs(KEEP, X_check=X)
    assert net.n_features_in_ == 3 and net.module_.input_layer.in_features == 3
    np.testing.assert_allclose(
        net.predict(X[:, KEEP]),
        original.predict(_zero_dropped(X, KEEP)),
        rtol=1e-5,
        atol=1e-6,
    )
    # A module rebuilt from the recorded shape has the new width.
    assert net._module_data_kwargs_["n_features"] == 3
    # The optimizer is new and holds the sliced weight.
    params = [p for group in net.optimizer_.param_groups for p in group["params"]]
    assert any(p is net.module_.input_layer.weight for p in params)
    with pytest.raises(ValueError, match="features"):
        net.predict(X)


def test_restrict_inputs_without_a_check_slices_too(net, fitted):
    original, X, _ = fitted
    assert net._restrict_inputs(KEEP)
    np.testing.assert_allclose(
        net.predict(X[:, KEEP]), original.predict(_zero_dropped(X, KEEP)), atol=1e-5
    )


def test_restrict_inputs_drops_feature_names(data):
    import pandas as pd

    X, y = data
    frame = pd.DataFrame(X, columns=list("abcde"))
    net = MLPRegressor((4,), max_epochs=1, random_state=0).fit(frame, y)
    assert hasattr(net, "feature_names_in_")
    assert net._restrict_inputs(KEEP, X_check=X)
    assert not hasattr(net, "feature_names_in_")
    assert net.predict(X[:, KEEP]).shape == (80,)


def test_unsliceable_skchaos_net_is_left_unchanged_and_returns_false(data):
    X, y = data
    net = MLPRegressor(module=_NormFirst, max_epochs=2, random_state=0).fit(X, y)
    before = net.predict(X)
    optimizer = net.optimizer_
    assert net._restrict_inputs(KEEP, X_check=X) is False
    np.testing.assert_array_equal(net.predict(X), before)
    assert net.n_features_in_ == 5 and net.module_.linear.in_features == 5
    assert net.optimizer_ is optimizer


def _audio_net(channel_pooling, X, y):
    return AudioCNNClassifier(
        channels=(4, 8),
        kernel_size=3,
        stride=1,
        channel_pooling=channel_pooling,
        max_epochs=2,
        random_state=0,
    ).fit(X, y)


@pytest.fixture(scope="module")
def audio():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4, 64)).astype(np.float32)
    return X, np.arange(40) % 2


@pytest.mark.parametrize("channel_pooling", ["max", "mean"])
def test_shared_channel_encoder_is_rebuilt_with_its_weights(audio, channel_pooling):
    """No weight depends on the channel count: all of them carry over."""
    X, y = audio
    net = _audio_net(channel_pooling, X, y)
    warm = copy.deepcopy(net)
    keep = np.array([0, 2])
    torch_state = torch.random.get_rng_state()
    assert warm._restrict_inputs(keep, X_check=X)
    # The throwaway initialization did not draw from torch's global RNG.
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    assert warm.module_ is not net.module_
    assert warm.n_features_in_ == 2 and warm.input_shape_ == (2, 64)
    old, new = net.module_.state_dict(), warm.module_.state_dict()
    assert list(old) == list(new)
    for key in old:
        torch.testing.assert_close(old[key], new[key], rtol=0, atol=0)
    # Pooled over the survivors only: with the dropped channels replaced by
    # copies of channel 0 (max) or of the survivors (mean), the original
    # network agrees.
    filler = [0, 0] if channel_pooling == "max" else [0, 2]
    padded = X.copy()
    padded[:, [1, 3]] = X[:, filler]
    np.testing.assert_allclose(
        warm.predict_proba(X[:, keep]), net.predict_proba(padded), atol=1e-5
    )
    with pytest.raises(ValueError, match="features|channels"):
        warm.predict(X)

    # Fine-tuned in place by the round trainer.
    trained = len(warm.history_)
    model, info = _trainer(clone(net), epochs=2).next(
        copy.deepcopy(net), keep, X, y, None, None, X, seed=0
    )
    assert info == RoundInfo("warm", 2)
    assert model.n_iter_ == trained + 2 and model.input_shape_ == (2, 64)


def test_channel_mixing_audio_net_is_sliced_at_its_stem(audio):
    """channel_pooling=None: the stem's Conv1d takes every channel."""
    X, y = audio
    net = _audio_net(None, X, y)
    warm = copy.deepcopy(net)
    keep = np.array([1, 3])
    assert warm._restrict_inputs(keep, X_check=X)
    assert warm.input_shape_ == (2, 64)
    zeroed = X.copy()
    zeroed[:, [0, 2]] = 0
    np.testing.assert_allclose(
        warm.predict_proba(X[:, keep]), net.predict_proba(zeroed), atol=1e-5
    )


# -------------------------------------------------------------- RoundTrainer
def test_round_trainer_warm_starts_in_place_and_fine_tunes(fitted):
    net, X, y = fitted
    original = copy.deepcopy(net)
    trainer = _trainer(clone(net), epochs=3)
    copied, info = trainer.next(net, KEEP, X, y, None, None, X, seed=0, copy=True)
    # copy=True leaves the fitted net untouched.
    assert copied is not net
    np.testing.assert_array_equal(original.predict(X), net.predict(X))
    assert net.n_features_in_ == 5
    assert info == RoundInfo("warm", 3, None)
    assert copied.n_features_in_ == 3 and copied.module_.input_layer.in_features == 3
    assert copied.n_iter_ == net.n_iter_ + 3
    # The copy's history starts as the original's, as records of its own.
    n_epochs = len(original.history_)
    assert list(copied.history_[:n_epochs]) == list(original.history_)
    assert list(net.history_) == list(original.history_)
    assert copied.history_[0] is not net.history_[0]
    assert copied.history_[0]["batches"][0] is not net.history_[0]["batches"][0]
    assert copied.predict(X[:, KEEP]).shape == (80,)
    with pytest.raises(ValueError, match="features"):
        copied.predict(X)

    same, info = trainer.next(original, KEEP, X, y, None, None, X, seed=0)
    assert same is original and original.n_features_in_ == 3
    assert original._module_data_kwargs_["n_features"] == 3
    # The same seed gives the same fine-tuning.
    np.testing.assert_array_equal(same.predict(X[:, KEEP]), copied.predict(X[:, KEEP]))


def test_round_trainer_fine_tune_changes_the_restricted_net(fitted):
    net, X, y = fitted
    restricted = copy.deepcopy(net)
    restricted._restrict_inputs(KEEP)
    tuned, _ = _trainer(clone(net), epochs=3).next(
        copy.deepcopy(net), KEEP, X, y, None, None, X, seed=0
    )
    assert not np.allclose(tuned.predict(X[:, KEEP]), restricted.predict(X[:, KEEP]))


def test_round_trainer_without_warm_start_trains_a_seeded_clone(fitted):
    net, X, y = fitted
    template = MLPRegressor(hidden_layer_sizes=(8, 8), max_epochs=4)
    trainer = _trainer(template, epochs=3, warm_start=False)
    model, info = trainer.next(net, KEEP, X, y, None, None, X, seed=7)
    assert info == RoundInfo("cold", 4, None)
    assert model is not net and net.n_features_in_ == 5
    assert model.n_features_in_ == 3 and model.random_state == 7
    assert template.random_state is None and not template.initialized_


def test_round_trainer_auto_trains_until_converged(fitted):
    net, X, y = fitted
    X_fit, y_fit, X_es, y_es = X[:60], y[:60], X[60:], y[60:]
    trainer = _trainer(clone(net), epochs="auto", max_round_epochs=6)
    assert trainer.auto and trainer.cap() == 6
    model, info = trainer.next(
        copy.deepcopy(net), KEEP, X_fit, y_fit, X_es, y_es, X, seed=0
    )
    assert info.training == "warm" and 1 <= info.epochs <= 6
    assert isinstance(info.converged, bool)
    assert info.converged or info.epochs == 6
    assert _trainer(clone(net), epochs="auto").cap() == 10 * net.max_epochs


@pytest.fixture(scope="module")
def pipelines(data):
    X, y = data
    X = 3 * X + 1
    scaled = make_pipeline(StandardScaler(), MLPRegressor((8,), max_epochs=3))
    rotated = make_pipeline(PCA(), MLPRegressor((8,), max_epochs=3))
    return X, y, scaled.fit(X, y), rotated.fit(X, y)


def test_pipeline_with_a_scaler_is_restricted_and_refitted(pipelines):
    X, y, scaled, _ = pipelines
    assert prefix_is_columnwise(scaled, 5)
    model, info = _trainer(clone(scaled), epochs=1).next(
        copy.deepcopy(scaled), KEEP, X, y, None, None, X, seed=0
    )
    assert info.training == "warm"
    np.testing.assert_allclose(model[0].mean_, X[:, KEEP].mean(axis=0))
    assert model[-1].n_features_in_ == 3
    assert model.predict(X[:, KEEP]).shape == (80,)


def test_pipeline_with_a_pca_is_trained_cold(pipelines):
    X, y, _, rotated = pipelines
    assert not prefix_is_columnwise(rotated, 5)
    before = rotated.predict(X)
    model, info = _trainer(clone(rotated), epochs=1).next(
        rotated, KEEP, X, y, None, None, X, seed=0
    )
    assert info.training == "cold"
    assert model is not rotated and model[0].n_features_in_ == 3
    # The PCA pipeline was not touched.
    np.testing.assert_array_equal(rotated.predict(X), before)


def test_prefix_is_columnwise_without_a_prefix():
    assert prefix_is_columnwise(MLPRegressor(), 5)
    assert prefix_is_columnwise(make_pipeline(MLPRegressor()), 5)


# ------------------------------------------------------ plain skorch nets
def _plain_net(module, max_epochs=20):
    return NeuralNetRegressor(
        module, max_epochs=max_epochs, lr=0.05, train_split=None, verbose=0
    )


def _plain_data(data):
    X, y = data
    return X.astype(np.float32), y.astype(np.float32).reshape(-1, 1)


@pytest.fixture
def plain(data):
    """A plain net taking all its 5 columns through InputSubset, fitted."""
    X, y = _plain_data(data)
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 1))
    net = subset_net(_plain_net(module), np.arange(5), 5)
    return net.fit(X, y), X, y


def test_plain_skorch_net_is_restricted_through_its_input_subset(plain):
    net, X, y = plain
    expected = net.predict(_zero_dropped(X, KEEP))
    assert restrict_subset(net, KEEP)
    assert net.module_.columns.tolist() == KEEP.tolist()
    assert net.module_.inner[0].in_features == 5  # the module is untouched
    np.testing.assert_allclose(net.predict(X[:, KEEP]), expected, atol=1e-6)


def test_plain_skorch_net_is_fine_tuned_with_partial_fit(plain):
    net, X, y = plain
    epochs = len(net.history_)
    model, info = _trainer(clone(net), epochs=3).next(
        net, KEEP, X, y, None, None, X, seed=0
    )
    assert model is net and info == RoundInfo("warm", 3, None)
    assert len(net.history_) == epochs + 3
    assert net.max_epochs == 20  # restored
    assert net.predict(X[:, KEEP]).shape == (80, 1)


def test_plain_skorch_net_rounds_stop_when_the_held_out_loss_levels_off(plain):
    # "auto": skorch's EarlyStopping on the early-stopping rows, capped.
    net, X, y = plain
    trainer = _trainer(clone(net), epochs="auto", max_round_epochs=500)
    assert trainer.auto
    model, info = trainer.next(net, KEEP, X[:60], y[:60], X[60:], y[60:], X, seed=0)
    assert model is net and info.training == "warm"
    assert info.converged and 1 <= info.epochs < 500
    first, info = trainer.first(X[:60], y[:60], X[60:], y[60:], 0, subset=True)
    assert info.converged and info.epochs < 500
    assert isinstance(first.module_, InputSubset)


def test_any_module_is_restricted_exactly_through_input_subset(data):
    # A module that no slicing can restrict (a norm before its first layer).
    X, y = _plain_data(data)
    net = subset_net(_plain_net(_NormFirst, max_epochs=2), np.arange(5), 5)
    net.set_params(module__n_features=5).fit(X, y)
    expected = net.predict(_zero_dropped(X, KEEP))
    model, info = _trainer(clone(net), epochs=1).next(
        net, KEEP, X, y, None, None, X, seed=0, copy=True
    )
    assert info == RoundInfo("warm", 1, None) and model is not net
    assert net.module_.columns.tolist() == list(range(5))  # the copy changed
    restrict_subset(net, KEEP)
    np.testing.assert_allclose(net.predict(X[:, KEEP]), expected, atol=1e-6)


# ------------------------------------------------ fine-tuning learning rate
def test_cosine_schedule_decays_and_keeps_the_epoch_count():
    chunks = lr_factors(23, "cosine")
    assert sum(n for n, _ in chunks) == 23 and len(chunks) == 5
    factors = [f for _, f in chunks]
    assert factors == sorted(factors, reverse=True)
    assert factors[0] > 0.9 and factors[-1] < 0.05
    assert lr_factors(2, "cosine") == [(1, pytest.approx(0.85, abs=0.01))] + [
        (1, pytest.approx(0.15, abs=0.01))
    ]  # fewer epochs than steps: one epoch a step
    assert lr_factors(7, "constant") == [(7, 1.0)]


@pytest.mark.parametrize("schedule", ["cosine", "constant"])
def test_fine_tune_follows_the_schedule_and_restores_the_lr(net, data, schedule):
    X, y = data
    seen = []
    step = net.train_step

    def recording_step(batch, **kwargs):
        seen.append(net.optimizer_.param_groups[0]["lr"])
        return step(batch, **kwargs)

    net.train_step = recording_step
    result = net._fine_tune(X, y, epochs=5, schedule=schedule, seed=0)
    del net.train_step
    assert result.n_epochs == 5 and result.converged
    expected = [net.lr * f for n, f in lr_factors(5, schedule) for _ in range(n)]
    np.testing.assert_allclose(seen, expected)
    assert [g["lr"] for g in net.optimizer_.param_groups] == [net.lr]


def test_fine_tune_restores_the_lr_after_an_error(net, data):
    X, y = data

    def failing_step(batch, **kwargs):
        raise RuntimeError("boom")

    net.train_step = failing_step
    with pytest.raises(RuntimeError, match="boom"):
        net._fine_tune(X, y, epochs=5, schedule="cosine", seed=0)
    del net.train_step
    assert [g["lr"] for g in net.optimizer_.param_groups] == [net.lr]
    assert "_shuffle_generator_" not in vars(net)
