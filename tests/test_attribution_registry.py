"""The method registry: its public questions and its hooks."""

import inspect

import numpy as np
import pytest
import torch
from captum.attr import Saliency
from sklearn.utils._param_validation import InvalidParameterError

from skchaos.attribution import (
    ATTRIBUTE_KWARGS,
    RESERVED_PARAMS,
    attribute,
    available_methods,
    check_method_params,
    method_info,
)
from skchaos.attribution._registry import _FAMILY_OF, _REGISTRY
from skchaos.attribution._spec import _MethodSpec


def _linear():
    model = torch.nn.Linear(3, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, -2.0, 0.5]]))
        model.bias.zero_()
    return model


def _X(n=6):
    return np.random.RandomState(0).normal(size=(n, 3)).astype(np.float32)


def test_families_partition_the_methods():
    infos = [method_info(name) for name in available_methods()]
    assert [info.name for info in infos] == available_methods()
    assert {info.family for info in infos} == {"deeplift", "gradient", "perturbation"}
    for info in infos:
        # perturbation methods are exactly those that need no gradients
        assert info.gradient_based == (info.family != "perturbation")
        assert info.params == tuple(sorted(info.params))
    assert method_info("deeplift_shap").baselines == "distribution"
    assert method_info("occlusion").feature_mask is False
    assert method_info("lime").stochastic and not method_info("deeplift").stochastic


def test_method_info_of_a_non_torch_estimator_matches_attribute():
    from sklearn.linear_model import LinearRegression

    X = _X()
    reg = LinearRegression().fit(X, X @ np.array([1.0, -2.0, 0.5]))
    for name in available_methods():
        if method_info(name).gradient_based:
            with pytest.raises(TypeError, match="needs gradients"):
                attribute(reg, X, method=name)


@pytest.mark.parametrize("bad", ["nope", None, 3])
def test_unknown_method(bad):
    with pytest.raises(ValueError, match="not a known attribution method"):
        method_info(bad)
    with pytest.raises(ValueError, match="not a known attribution method"):
        check_method_params(bad, {})


@pytest.mark.parametrize(
    "method, params, error",
    [
        ("saliency", {"n_steps": 3}, TypeError),
        ("integrated_gradients", {"n_steps": 0}, InvalidParameterError),
        ("integrated_gradients", {"integration_method": "simpson"}, ValueError),
        ("kernel_shap", {"stdevs": 0.1}, TypeError),
        ("deeplift", {"eps": -1.0}, ValueError),
    ],
)
def test_check_method_params_raises_what_attribute_raises(method, params, error):
    with pytest.raises(error) as checked:
        check_method_params(method, params)
    with pytest.raises(error) as called:
        attribute(_linear(), _X(), method=method, **params)
    assert str(checked.value) == str(called.value)


def test_check_method_params_returns_a_copy():
    params = {"n_steps": 4, "integration_method": "riemann_left"}
    checked = check_method_params("integrated_gradients", params)
    assert checked == params and checked is not params
    assert check_method_params("saliency", None) == {}
    # attribute's own keyword arguments are not method parameters
    with pytest.raises(TypeError, match="'batch_size'"):
        check_method_params("kernel_shap", {"batch_size": 8})
    # every accepted name is listed by method_info
    message = "accepts are: " + ", ".join(method_info("lime").params)
    with pytest.raises(TypeError, match=message):
        check_method_params("lime", {"foo": 1})


def test_reserved_and_attribute_kwargs_are_attribute_keywords():
    keyword_only = {
        name
        for name, p in inspect.signature(attribute).parameters.items()
        if p.kind is p.KEYWORD_ONLY
    }
    assert set(RESERVED_PARAMS) | set(ATTRIBUTE_KWARGS) <= keyword_only
    assert not set(RESERVED_PARAMS) & set(ATTRIBUTE_KWARGS)
    assert list(RESERVED_PARAMS) == sorted(RESERVED_PARAMS)
    # no method parameter clashes with them
    for name in available_methods():
        assert not set(method_info(name).params) & keyword_only


def test_a_new_spec_is_used_through_its_hooks(monkeypatch):
    """Adding a method is declarative: attribute calls the spec's hooks."""
    batches, defaults_seen = [], []

    class Recording(Saliency):
        def attribute(self, inputs, **kwargs):
            batches.append(len(inputs))
            return super().attribute(inputs, **kwargs)

    def defaults(params, *, X, batch_size, rows):
        defaults_seen.append((X.shape, batch_size, rows))
        return {**params, "abs": False}

    spec = _MethodSpec(
        "recorded_saliency",
        Recording,
        gradient_based=True,
        call_params={"abs": ["boolean"]},
        rows_per_input=lambda params, n_baselines: 4,
        defaults=defaults,
        min_rows=3,
        min_rows_error="wants {min_rows} rows; got {n_samples}.",
    )
    monkeypatch.setitem(_REGISTRY, spec.name, spec)
    monkeypatch.setitem(_FAMILY_OF, spec.name, "gradient")
    assert "recorded_saliency" in available_methods()
    assert method_info("recorded_saliency").params == ("abs",)

    X = _X(7)
    result = attribute(_linear(), X, method="recorded_saliency", batch_size=8)
    # 8 rows per pass / 4 rows per input = 2 rows per batch, raised to
    # min_rows=3; the trailing single row is merged into the previous batch
    assert batches == [3, 4]
    assert defaults_seen == [((7, 3), 8, 3)]
    # the defaults hook set abs=False: the signed gradient
    np.testing.assert_allclose(result, np.tile([1.0, -2.0, 0.5], (7, 1)))
    with pytest.raises(ValueError, match="'recorded_saliency' wants 3 rows; got 2"):
        attribute(_linear(), X[:2], method="recorded_saliency")


def test_min_baselines_hook():
    with pytest.raises(ValueError, match="at least 2 baseline rows; got 1"):
        attribute(_linear(), _X(), method="deeplift_shap", baselines=_X(1))


def test_min_rows_is_also_the_smallest_batch():
    X = _X()
    # one row per batch would leave nothing to permute (all zeros)
    tiny = attribute(_linear(), X, method="feature_permutation", batch_size=1)
    assert np.abs(tiny).sum() > 0
    np.testing.assert_array_equal(
        attribute(
            _linear(), X, method="feature_permutation", batch_size=1, random_state=0
        ),
        attribute(
            _linear(), X, method="feature_permutation", batch_size=2, random_state=0
        ),
    )
