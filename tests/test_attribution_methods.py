"""Registry, per-method behaviour and numerical checks of ``attribute``."""

import numpy as np
import pytest
import skorch
import torch
from torch import nn

from skchaos.attribution import attribute, available_methods
from skchaos.utils import torch_random_context

ALL_METHODS = [
    "deeplift",
    "deeplift_shap",
    "feature_ablation",
    "feature_permutation",
    "gradient_shap",
    "input_x_gradient",
    "integrated_gradients",
    "kernel_shap",
    "lime",
    "occlusion",
    "saliency",
    "shapley_value_sampling",
    "smoothgrad",
]
# A few cheap settings so that every method runs fast on tiny data.
FAST = {
    "integrated_gradients": {"n_steps": 8},
    "kernel_shap": {"n_samples": 10},
    "lime": {"n_samples": 10},
    "shapley_value_sampling": {"n_samples": 2},
}


def _data(n=60, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    return X


def _mlp(n_in, n_out):
    return nn.Sequential(nn.Linear(n_in, 16), nn.Tanh(), nn.Linear(16, n_out))


@pytest.fixture(scope="module")
def regressor():
    X = _data()
    y = (X[:, 0] - 0.5 * X[:, 1] ** 2)[:, None]
    with torch_random_context(0):
        net = skorch.NeuralNetRegressor(
            _mlp(4, 1),
            max_epochs=40,
            lr=0.05,
            optimizer=torch.optim.Adam,
            train_split=None,
            verbose=0,
        )
        return net.fit(X, y)


@pytest.fixture(scope="module")
def classifier():
    X = _data()
    y = np.digitize(X[:, 0], [-0.5, 0.5])
    with torch_random_context(0):
        net = skorch.NeuralNetClassifier(
            _mlp(4, 3),
            criterion=nn.CrossEntropyLoss,
            classes=["low", "mid", "high"],
            max_epochs=30,
            lr=0.05,
            optimizer=torch.optim.Adam,
            train_split=None,
            verbose=0,
        )
        return net.fit(X, y)


def _linear(weights, bias=0.0):
    model = nn.Linear(len(weights), 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([weights]))
        model.bias.fill_(bias)
    return model


def test_available_methods_sorted_and_complete():
    assert available_methods() == ALL_METHODS


def test_unknown_method_lists_the_valid_names():
    with pytest.raises(ValueError, match="method='grad_cam'") as excinfo:
        attribute(_linear([1.0, 2.0]), _data(3, 2), method="grad_cam")
    for name in ALL_METHODS:
        assert name in str(excinfo.value)


def test_unknown_kwarg_raises_type_error_listing_accepted():
    X = _data(3, 2)
    with pytest.raises(TypeError, match=r"'n_step'.*n_steps") as excinfo:
        attribute(_linear([1.0, 2.0]), X, method="integrated_gradients", n_step=5)
    assert "internal_batch_size" in str(excinfo.value)
    with pytest.raises(TypeError, match="accepts are: none"):
        attribute(_linear([1.0, 2.0]), X, method="input_x_gradient", abs=True)


@pytest.mark.parametrize(
    "method, params, match",
    [
        ("integrated_gradients", {"n_steps": 0}, "n_steps"),
        ("integrated_gradients", {"integration_method": "simpson"}, "simpson"),
        ("saliency", {"abs": "yes"}, "abs"),
        ("gradient_shap", {"stdevs": -1.0}, "stdevs"),
        ("occlusion", {"sliding_window_shapes": (1, 1)}, "sliding_window_shapes"),
        ("occlusion", {"sliding_window_shapes": (5,)}, "sliding_window_shapes"),
    ],
)
def test_bad_method_param_values(method, params, match):
    with pytest.raises(ValueError, match=match):
        attribute(_linear([1.0, 2.0]), _data(3, 2), method=method, **params)


def test_baselines_rejected_by_methods_without_them():
    with pytest.raises(ValueError, match="does not use baselines"):
        attribute(_linear([1.0, 2.0]), _data(3, 2), method="saliency", baselines=0)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_every_method_on_regressor_and_classifier(method, regressor, classifier):
    X = _data(8, seed=1)
    for net in (regressor, classifier):
        result = attribute(
            net, X, method=method, random_state=0, **FAST.get(method, {})
        )
        assert result.shape == X.shape
        assert result.dtype == np.float32
        assert np.isfinite(result).all()
        # a trained net depends on feature 0, so no method is all zeros
        assert np.abs(result).sum() > 0


def test_saliency_signed_and_abs_on_linear_model():
    weights = [1.5, -2.0, 0.0, 0.25]
    X = _data(5)
    signed = attribute(_linear(weights), X, method="saliency", abs=False)
    np.testing.assert_array_equal(signed, np.tile(weights, (5, 1)))
    unsigned = attribute(_linear(weights), X, method="saliency")
    np.testing.assert_array_equal(unsigned, np.abs(signed))


def test_signed_saliency_matches_autograd_on_trained_net(regressor):
    X = _data(6, seed=2)
    inputs = torch.tensor(X, requires_grad=True)
    regressor.module_(inputs).sum().backward()
    expected = inputs.grad.numpy()
    result = attribute(regressor, X, abs=False)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)


def test_linear_model_attributions_are_weight_times_input():
    weights = np.array([1.5, -2.0, 0.0, 0.25], dtype=np.float32)
    X = _data(5)
    expected = X * weights
    for method in ("input_x_gradient", "integrated_gradients", "feature_ablation"):
        result = attribute(_linear(weights.tolist(), bias=0.7), X, method=method)
        np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-5)
    # with a baseline b the linear answer is w * (x - b)
    baseline = np.full(4, 0.5, dtype=np.float32)
    result = attribute(
        _linear(weights.tolist()), X, method="deeplift", baselines=baseline
    )
    np.testing.assert_allclose(result, (X - baseline) * weights, rtol=1e-4, atol=1e-5)


def test_smoothgrad_without_noise_is_saliency(regressor):
    X = _data(6, seed=3)
    smooth = attribute(regressor, X, method="smoothgrad", stdevs=0.0, nt_samples=3)
    np.testing.assert_allclose(smooth, attribute(regressor, X), rtol=1e-5)


def test_integrated_gradients_completeness(regressor):
    X = _data(20, seed=4)
    baseline = np.full(4, -0.2, dtype=np.float32)
    result = attribute(
        regressor, X, method="integrated_gradients", baselines=baseline, n_steps=64
    )
    with torch.no_grad():
        f_x = regressor.module_(torch.tensor(X))[:, 0].numpy()
        f_b = regressor.module_(torch.tensor(baseline[None]))[0, 0].item()
    delta = result.sum(axis=1) - (f_x - f_b)
    assert np.abs(delta).max() < 1e-4, f"IG convergence delta {np.abs(delta).max()}"
    # the paper's 20-step right Riemann sum is available and less accurate
    riemann = attribute(
        regressor,
        X,
        method="integrated_gradients",
        baselines=baseline,
        n_steps=20,
        integration_method="riemann_right",
    )
    riemann_delta = np.abs(riemann.sum(axis=1) - (f_x - f_b)).max()
    assert np.abs(delta).max() < riemann_delta < 0.1


def test_classifier_default_target_is_argmax_of_logits(classifier):
    X = _data(10, seed=5)
    inputs = torch.tensor(X, requires_grad=True)
    logits = classifier.module_(inputs)
    predicted = logits.argmax(dim=1)
    logits.gather(1, predicted[:, None]).sum().backward()
    result = attribute(classifier, X, abs=False)
    np.testing.assert_allclose(result, inputs.grad.numpy(), rtol=1e-5, atol=1e-6)
    assert len(set(predicted.tolist())) > 1  # the check covers several classes


def test_classifier_target_as_label_index_and_array(classifier):
    X = _data(10, seed=6)
    inputs = torch.tensor(X, requires_grad=True)
    classifier.module_(inputs)[:, 2].sum().backward()  # logit of "high"
    expected = inputs.grad.numpy()
    by_label = attribute(classifier, X, target="high", abs=False)
    by_index = attribute(classifier, X, target=2, abs=False)
    per_row = attribute(classifier, X, target=["high"] * 5 + [2] * 5, abs=False)
    for result in (by_label, by_index, per_row):
        np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="target='top'.*class label"):
        attribute(classifier, X, target="top")
    with pytest.raises(ValueError, match=r"one entry per row, shape \(10,\)"):
        attribute(classifier, X, target=[0, 1])


def test_multi_output_regression_needs_target():
    model = nn.Linear(3, 2)
    X = _data(4, 3)
    with pytest.raises(ValueError, match="2 outputs; pass target"):
        attribute(model, X)
    result = attribute(model, X, target=1, abs=False)
    np.testing.assert_allclose(result, np.tile(model.weight[1].detach(), (4, 1)))


def test_single_output_rejects_a_target():
    with pytest.raises(ValueError, match="single output, so target must be None"):
        attribute(_linear([1.0, 2.0]), _data(3, 2), target=1)
    # index 0 of the only column is accepted
    attribute(_linear([1.0, 2.0]), _data(3, 2), target=0)
