"""Attribution checks shared by the image and audio classifier tests."""

import warnings

import numpy as np
import torch

from skchaos.attribution import attribute


def check_attributions_have_the_input_shape(estimator, X, feature_mask):
    """Four methods give finite attributions of ``X``'s shape, without warnings.

    No DeepLift warning means every module has an exact rule. Returns the
    feature-ablation result (computed with ``feature_mask``).
    """
    for method, kwargs in [
        ("saliency", {}),
        ("integrated_gradients", {"n_steps": 8}),
        ("deeplift", {}),
        ("feature_ablation", {"feature_mask": feature_mask}),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = attribute(estimator, X, method=method, **kwargs)
        assert result.shape == X.shape and np.isfinite(result).all(), method
    return result


def check_deeplift_is_complete(estimator, X):
    """DeepLift's attributions sum to the predicted logit minus the zero input's."""
    target = estimator.predict(X)
    result = attribute(estimator, X, method="deeplift", target=target)
    inputs = torch.as_tensor(X)
    logits = estimator.module_(inputs).detach().numpy()
    zero = estimator.module_(torch.zeros_like(inputs)).detach().numpy()
    rows, index = np.arange(len(X)), np.searchsorted(estimator.classes_, target)
    expected = logits[rows, index] - zero[rows, index]
    summed = result.reshape(len(X), -1).sum(axis=1)
    np.testing.assert_allclose(summed, expected, rtol=1e-3)
