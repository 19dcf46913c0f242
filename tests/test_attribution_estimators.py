"""What ``attribute`` accepts: estimators, inputs, masks, batches and seeds."""

import warnings

import numpy as np
import pandas as pd
import pytest
import skorch
import torch
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn

from skchaos.attribution import attribute
from skchaos.attribution._attribute import _chunk_bounds
from skchaos.attribution._extract import _net_input
from skchaos.utils import torch_random_context


def _data(n=40, n_features=3, seed=0, scale=1.0, shift=0.0):
    rng = np.random.RandomState(seed)
    return (shift + scale * rng.normal(size=(n, n_features))).astype(np.float32)


def _module(n_in=3, n_out=1):
    with torch_random_context(0):
        return nn.Sequential(
            nn.Linear(n_in, 8), nn.Dropout(0.5), nn.Tanh(), nn.Linear(8, n_out)
        )


def _skorch_regressor(n_in=3, **params):
    return skorch.NeuralNetRegressor(
        _module(n_in), max_epochs=3, train_split=None, verbose=0, **params
    )


def test_pipeline_attributions_are_wrt_the_scaled_input():
    X = _data(scale=5.0, shift=3.0)
    y = X[:, :1] ** 2
    with torch_random_context(0):
        pipe = make_pipeline(StandardScaler(), _skorch_regressor()).fit(X, y)
    X_scaled = pipe[0].transform(X)
    net = pipe[-1]
    for method in ("saliency", "integrated_gradients", "feature_ablation"):
        expected = attribute(net, X_scaled, method=method)
        np.testing.assert_allclose(attribute(pipe, X, method=method), expected)
    # the gradient is per standardized unit
    inputs = torch.tensor(X_scaled, requires_grad=True)
    net.module_.eval()(inputs).sum().backward()
    np.testing.assert_allclose(
        attribute(pipe, X, abs=False), inputs.grad.numpy(), rtol=1e-5
    )
    np.testing.assert_allclose(_net_input(pipe, X), X_scaled)


def test_pipeline_validates_the_transformed_input():
    X = _data()
    X[0, 1] = np.nan
    with torch_random_context(0):
        pipe = make_pipeline(SimpleImputer(), _skorch_regressor())
        pipe.fit(X, X[:, :1] ** 2)
    # the imputer removes the NaN, so the net's input is finite
    assert np.isfinite(attribute(pipe, X)).all()


def test_bare_module_mode_and_gradients_restored():
    model = _module()
    model.train()
    model[1].eval()  # a mixed state must come back exactly
    frozen = model[0].bias
    frozen.requires_grad_(False)
    X = _data(6)
    first = attribute(model, X, method="integrated_gradients")
    # dropout was off: the result is deterministic
    np.testing.assert_array_equal(
        first, attribute(model, X, method="integrated_gradients")
    )
    assert model.training and model[0].training and not model[1].training
    assert not frozen.requires_grad
    assert all(p.requires_grad for p in model.parameters() if p is not frozen)
    assert all(p.grad is None for p in model.parameters())


def test_module_restored_after_an_error():
    model = _module()
    model.train()
    with pytest.raises(ValueError, match="could not be evaluated"):
        attribute(model, _data(4, n_features=5))
    assert model.training
    assert all(p.requires_grad for p in model.parameters())


def test_float64_module_and_tensor_input():
    model = _module().double()
    X = torch.tensor(_data(5), dtype=torch.float64)
    result = attribute(model, X, abs=False)
    assert result.dtype == np.float64
    inputs = X.clone().requires_grad_()
    model.eval()
    model(inputs).sum().backward()
    np.testing.assert_allclose(result, inputs.grad.numpy())
    assert not X.requires_grad


def test_pandas_input():
    X = _data()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = _module()
    np.testing.assert_array_equal(attribute(model, frame), attribute(model, X))


def test_non_differentiable_estimator():
    X = _data()
    y = X[:, 0] > 0
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(TypeError, match="not a differentiable torch model") as info:
        attribute(forest, X, method="integrated_gradients")
    assert "model_agnostic_importance" in str(info.value)
    # perturbation methods only need predictions (probabilities here)
    result = attribute(forest, X, method="feature_ablation")
    assert result.shape == X.shape and result.dtype == np.float64
    assert np.abs(result[:, 0]).mean() > np.abs(result[:, 1:]).mean()


def test_sklearn_estimator_fitted_on_a_frame_keeps_feature_names():
    frame = pd.DataFrame(_data(), columns=["a", "b", "c"])
    forest = RandomForestRegressor(n_estimators=5, random_state=0)
    forest.fit(frame, frame["a"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        result = attribute(forest, frame, method="occlusion")
    assert result.shape == frame.shape


def test_not_an_estimator_and_unfitted():
    with pytest.raises(TypeError, match="got an object of type str"):
        attribute("model", _data())
    with pytest.raises(NotFittedError):
        attribute(_skorch_regressor(), _data())
    with pytest.raises(NotFittedError):
        attribute(make_pipeline(StandardScaler(), _skorch_regressor()), _data())


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_rejected(bad):
    X = _data()
    X[2, 1] = bad
    with pytest.raises(ValueError, match="X contains"):
        attribute(_module(), X)
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        attribute(_module(), torch.tensor(X))


def test_bad_X_shapes():
    with pytest.raises(ValueError, match="2D array"):
        attribute(_module(), np.ones(3))
    with pytest.raises(ValueError, match="at least 2-D"):
        attribute(_module(), torch.ones(3))


@pytest.mark.parametrize(
    "method, params",
    [
        ("integrated_gradients", {"n_steps": 10}),
        ("feature_ablation", {"perturbations_per_eval": 2}),
        ("deeplift_shap", {}),
        ("smoothgrad", {"stdevs": 0.0}),
    ],
)
def test_batching_does_not_change_the_result(method, params):
    model = _module()
    X = _data(23)
    baselines = _data(4, seed=1) if method == "deeplift_shap" else None
    whole = attribute(model, X, method=method, baselines=baselines, **params)
    for batch_size in (1, 5, 16):
        batched = attribute(
            model,
            X,
            method=method,
            baselines=baselines,
            batch_size=batch_size,
            **params,
        )
        np.testing.assert_allclose(batched, whole, rtol=1e-5, atol=1e-6)


def test_chunk_bounds():
    assert _chunk_bounds(5, 2) == [(0, 2), (2, 4), (4, 5)]
    assert _chunk_bounds(5, 2, min_rows=2) == [(0, 2), (2, 5)]
    assert _chunk_bounds(3, 10) == [(0, 3)]


def test_feature_permutation_needs_two_rows():
    with pytest.raises(ValueError, match="at least 2 rows"):
        attribute(_module(), _data(1), method="feature_permutation")
    # a trailing one-row batch is merged, so every row is permuted
    result = attribute(
        _module(), _data(5), method="feature_permutation", batch_size=2, random_state=0
    )
    assert np.all(np.abs(result).sum(axis=1) > 0)


@pytest.mark.parametrize(
    "method", ["gradient_shap", "kernel_shap", "smoothgrad", "deeplift_shap"]
)
def test_random_state_reproducible_without_touching_global_seed(method):
    model = _module()
    # more rows than deeplift_shap's 20 default baselines, so the draw matters
    X = _data(25 if method == "deeplift_shap" else 6)
    params = {"n_samples": 5} if method == "kernel_shap" else {}
    # captum's gradient_shap draws from np.random: both global states are kept
    torch.manual_seed(123)
    np_state = np.random.get_state()[1].copy()  # noqa: NPY002
    torch_state = torch.get_rng_state()
    first = attribute(model, X, method=method, random_state=0, **params)
    assert torch.equal(torch.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)  # noqa: NPY002
    second = attribute(model, X, method=method, random_state=0, **params)
    other = attribute(model, X, method=method, random_state=1, **params)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)


def test_feature_mask_groups_for_ablation_and_gradients():
    model = _module(4)
    X = _data(6, n_features=4)
    mask = np.array([0, 0, 5, 7])
    ablation = attribute(model, X, method="feature_ablation", feature_mask=mask)
    np.testing.assert_array_equal(ablation[:, 0], ablation[:, 1])
    # ablating the group {0, 1} together is its own computation
    single = attribute(model, X, method="feature_ablation")
    np.testing.assert_allclose(ablation[:, 2:], single[:, 2:])
    # gradient methods sum within groups and broadcast the sum back
    ixg = attribute(model, X, method="input_x_gradient")
    grouped = attribute(model, X, method="input_x_gradient", feature_mask=mask)
    np.testing.assert_allclose(grouped[:, 0], ixg[:, 0] + ixg[:, 1], rtol=1e-6)
    np.testing.assert_allclose(grouped[:, 1], grouped[:, 0])
    np.testing.assert_allclose(grouped[:, 2:], ixg[:, 2:])


def test_feature_mask_errors():
    model, X = _module(), _data(4)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        attribute(model, X, method="feature_ablation", feature_mask=[0, 1])
    with pytest.raises(ValueError, match="integer group ids"):
        attribute(model, X, method="feature_ablation", feature_mask=[0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="sliding_window_shapes"):
        attribute(model, X, method="occlusion", feature_mask=[0, 0, 1])


class _ConvNet(nn.Module):
    def __init__(self, in_channels, n_out=1, dims=2):
        super().__init__()
        conv = nn.Conv2d if dims == 2 else nn.Conv1d
        pool = nn.AdaptiveAvgPool2d if dims == 2 else nn.AdaptiveAvgPool1d
        self.layers = nn.Sequential(
            conv(in_channels, 4, 3, padding=1),
            nn.ReLU(),
            pool(1),
            nn.Flatten(),
            nn.Linear(4, n_out),
        )

    def forward(self, x):
        return self.layers(x)


@pytest.mark.parametrize(
    "method", ["saliency", "integrated_gradients", "deeplift", "occlusion"]
)
def test_image_input(method):
    with torch_random_context(0):
        model = _ConvNet(3, n_out=2)
    X = np.random.RandomState(0).normal(size=(4, 3, 6, 6)).astype(np.float32)
    params = {"sliding_window_shapes": (3, 2, 2)} if method == "occlusion" else {}
    result = attribute(model, X, method=method, target=1, **params)
    assert result.shape == X.shape and np.isfinite(result).all()


def test_audio_channel_mask():
    with torch_random_context(0):
        model = _ConvNet(3, dims=1)
    X = np.random.RandomState(0).normal(size=(5, 3, 16)).astype(np.float32)
    channels = np.arange(3)[:, None]  # shape (C, 1): row c is group c
    result = attribute(model, X, method="feature_ablation", feature_mask=channels)
    assert result.shape == X.shape
    # every time step of a channel carries the channel's attribution
    np.testing.assert_array_equal(result, np.repeat(result[:, :, :1], 16, axis=2))
    assert not np.allclose(result[:, 0, 0], result[:, 1, 0])
    # image patches: an (H, W) id map is shared by the channels
    with torch_random_context(0):
        image_model = _ConvNet(2)
    images = np.random.RandomState(1).normal(size=(3, 2, 4, 4)).astype(np.float32)
    rows, cols = np.indices((4, 4))
    patches = (rows // 2) * 2 + cols // 2
    result = attribute(
        image_model,
        images,
        method="shapley_value_sampling",
        feature_mask=patches,
        n_samples=2,
        random_state=0,
    )
    np.testing.assert_array_equal(result[:, :, 0, 0], result[:, :, 1, 1])
    np.testing.assert_array_equal(result[:, 0], result[:, 1])


def test_baselines_shapes():
    model, X = _module(), _data(5)
    one = np.full(3, 0.5, dtype=np.float32)
    per_row = np.tile(one, (5, 1))
    expected = attribute(model, X, method="integrated_gradients", baselines=0.5)
    for baselines in (one, per_row, torch.tensor(one)):
        result = attribute(model, X, method="integrated_gradients", baselines=baselines)
        np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"baselines has shape \(2, 3\)"):
        attribute(model, X, method="integrated_gradients", baselines=per_row[:2])
    with pytest.raises(ValueError, match="baselines"):
        attribute(model, X, method="integrated_gradients", baselines=[np.nan] * 3)
    with pytest.raises(ValueError, match="use method='deeplift'"):
        attribute(model, X, method="deeplift_shap", baselines=one)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("method", ["saliency", "integrated_gradients", "deeplift"])
def test_cuda_module_matches_cpu(method):
    model, X = _module(), _data(7)
    expected = attribute(model, X, method=method, target=None)
    cuda_model = _module().cuda()
    for inputs in (X, torch.tensor(X).cuda()):
        result = attribute(cuda_model, inputs, method=method)
        np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-5)


def test_pipeline_ending_in_passthrough():
    pipe = make_pipeline(StandardScaler(), "passthrough").fit(_data())
    with pytest.raises(TypeError, match="last step is 'passthrough'"):
        attribute(pipe, _data(), method="feature_ablation")
