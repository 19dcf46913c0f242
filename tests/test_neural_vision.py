import pickle

import numpy as np
import pytest
import torch
from _attribution_checks import (
    check_attributions_have_the_input_shape,
    check_deeplift_is_complete,
)
from sklearn.base import clone
from torch import nn

from skchaos.attribution import attribute
from skchaos.datasets import make_image_localization
from skchaos.metrics import pointing_game_score
from skchaos.neural import CNNClassifier, ResidualBlock, ResidualCNN

TINY = {"channels": (4, 8), "max_epochs": 2, "device": "cpu", "random_state": 0}


@pytest.fixture(scope="module")
def images():
    """Easy data: a digit at the centre of a noise image, 10 classes."""
    data = make_image_localization(
        n_samples=500,
        condition="RBFP",
        image_size=32,
        patch_size=16,
        n_channels=1,
        random_state=0,
        return_X_y=False,
    )
    return data.data[:400], data.target[:400], data.data[400:], data


@pytest.fixture(scope="module")
def fitted(images):
    X, y, _, _ = images
    clf = CNNClassifier(channels=(8, 16), lr=1e-2, max_epochs=12, random_state=0)
    return clf.fit(X, y)


# --------------------------------------------------------------------- module
@pytest.mark.parametrize("size", [1, 8, 33, 64])
def test_residual_cnn_takes_any_image_size(size):
    module = ResidualCNN(n_channels=2, n_outputs=3, channels=(4, 8, 8))
    assert module(torch.zeros(2, 2, size, size)).shape == (2, 3)


def test_residual_cnn_is_built_for_attribution():
    module = ResidualCNN(3, channels=(4, 8), blocks_per_stage=2)
    relus = [m for m in module.modules() if isinstance(m, nn.ReLU)]
    # stem + 2 per block, 4 blocks; one instance per use, none in place
    assert len(relus) == 1 + 2 * 4
    assert len({id(m) for m in relus}) == len(relus)
    assert not any(m.inplace for m in relus)
    blocks = [m for m in module.modules() if isinstance(m, ResidualBlock)]
    assert [type(b.shortcut) for b in blocks] == [
        nn.Identity,
        nn.Identity,
        nn.Sequential,  # stride 2 and 4 -> 8 channels
        nn.Identity,
    ]


@pytest.mark.parametrize(
    "norm, layer", [("batch", nn.BatchNorm2d), ("group", nn.GroupNorm), (None, None)]
)
def test_residual_cnn_norm_options(norm, layer):
    module = ResidualCNN(1, channels=(4,), norm=norm)
    norms = [
        m for m in module.modules() if isinstance(m, nn.BatchNorm2d | nn.GroupNorm)
    ]
    if layer is None:
        assert not norms and module.stem[0].bias is not None
    else:
        assert norms and all(isinstance(m, layer) for m in norms)
        assert module.stem[0].bias is None


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"channels": ()}, "channels=()"),
        ({"channels": (4, 0)}, r"channels=\(4, 0\)"),
        ({"norm": "layer"}, "norm='layer'"),
        ({"stem_stride": 0}, "stem_stride=0"),
        ({"n_channels": 0}, "n_channels=0"),
        ({"dropout": 1.0}, "dropout=1.0"),
    ],
)
def test_residual_cnn_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ResidualCNN(**{"n_channels": 1, **kwargs})


# ------------------------------------------------------------------ estimator
def test_learns_the_digit_and_looks_at_it(images, fitted):
    X, y, X_test, data = images
    y_test = data.target[400:]
    assert fitted.n_iter_ == 12
    assert fitted.score(X_test, y_test) > 0.4  # chance is 0.1
    proba = fitted.predict_proba(X_test)
    assert proba.shape == (100, 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(
        fitted.classes_[proba.argmax(1)], fitted.predict(X_test)
    )
    # the saliency peak falls on the digit (a quarter of the image) far more
    # often than by chance
    saliency = attribute(fitted, X_test[:50])
    assert pointing_game_score(saliency, data.foreground_mask[400:450]) > 0.6


def test_attributions_have_the_input_shape(images, fitted):
    _, _, X_test, _ = images
    X = X_test[:4]
    rows, cols = np.divmod(np.arange(32 * 32), 32)
    patches = ((rows // 8) * 4 + cols // 8).reshape(32, 32)
    result = check_attributions_have_the_input_shape(fitted, X, feature_mask=patches)
    # one value per 8x8 patch
    assert len(np.unique(result[0])) <= 16


def test_deeplift_is_complete_through_residuals_and_batch_norm(images, fitted):
    """Residual additions, batch norm and pooling keep DeepLift exact."""
    check_deeplift_is_complete(fitted, images[2][:3])


def test_random_state_reproducible(images):
    X, y, X_test, _ = images
    first = CNNClassifier(**TINY).fit(X[:64], y[:64]).predict_proba(X_test[:5])
    again = CNNClassifier(**TINY).fit(X[:64], y[:64]).predict_proba(X_test[:5])
    other = CNNClassifier(**{**TINY, "random_state": 1}).fit(X[:64], y[:64])
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other.predict_proba(X_test[:5]))


def test_pickle_round_trip(images, fitted):
    X_test = images[2][:5]
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), fitted.predict_proba(X_test)
    )
    assert restored.get_params()["device"] == "auto"


def test_channels_are_inferred_and_refit_changes_them():
    rng = np.random.RandomState(0)
    y = np.arange(20) % 2
    clf = CNNClassifier(**TINY).fit(rng.rand(20, 3, 12, 12), y)
    assert clf.input_shape_ == (3, 12, 12) and clf.n_features_in_ == 3
    assert clf.module_.stem[0].in_channels == 3
    # another image size is fine (global pooling), another channel count not
    assert clf.predict(rng.rand(4, 3, 20, 20)).shape == (4,)
    with pytest.raises(ValueError, match="X has 5 features, but CNNClassifier"):
        clf.predict(rng.rand(4, 5, 12, 12))
    clf.fit(rng.rand(20, 5, 12, 12), y)
    assert clf.module_.stem[0].in_channels == 5 and clf.input_shape_ == (5, 12, 12)
    clone(clf).fit(rng.rand(20, 1, 12, 12), y)


def test_lower_dimensional_inputs_get_singleton_axes():
    rng = np.random.RandomState(0)
    y = np.arange(20) % 2
    grey = CNNClassifier(**TINY).fit(rng.rand(20, 12, 12), y)
    assert grey.input_shape_ == (1, 12, 12) and grey.n_features_in_ == 12
    tabular = CNNClassifier(**TINY).fit(rng.rand(20, 6), y)
    assert tabular.input_shape_ == (1, 1, 6)
    assert tabular.predict(rng.rand(3, 6)).shape == (3,)
    with pytest.raises(ValueError, match="fitted on 2-dimensional X"):
        tabular.predict(rng.rand(3, 6, 1, 1))
    with pytest.raises(ValueError, match=r"expects X of shape \(n_samples, n_channels"):
        CNNClassifier(**TINY).fit(rng.rand(20, 1, 2, 3, 4), y)


def test_a_last_batch_of_one_sample_is_dropped():
    """65 samples, batch 64: batch norm of a 1x1 map cannot train on one."""
    rng = np.random.RandomState(0)
    X, y = rng.rand(65, 3), np.arange(65) % 2
    clf = CNNClassifier(**{**TINY, "max_epochs": 1}).fit(X, y)
    assert clf.history_[-1, "train_batch_count"] == 1


@pytest.mark.parametrize("norm", ["group", None])
def test_other_norms_train(images, norm):
    X, y, _, _ = images
    clf = CNNClassifier(**TINY, norm=norm, dropout=0.1).fit(X[:64], y[:64])
    assert clf.predict(X[:2]).shape == (2,)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"channels": (4, -1)}, r"channels=\(4, -1\)"),
        ({"channels": "wide"}, "channels"),
        ({"norm": "layer"}, "'norm' parameter"),
        ({"stem_stride": 0}, "'stem_stride' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
    ],
)
def test_bad_parameters(params, match):
    X, y = np.random.RandomState(0).rand(10, 1, 8, 8), np.arange(10) % 2
    with pytest.raises(ValueError, match=match):
        CNNClassifier(**{**TINY, **params}).fit(X, y)


def test_early_stopping_holds_out_a_validation_split(images):
    X, y, _, _ = images
    clf = CNNClassifier(
        **{**TINY, "max_epochs": 30}, early_stopping=True, n_iter_no_change=1
    )
    clf.fit(X[:100], y[:100])
    assert clf.n_iter_ < 30
    assert all(np.isfinite(clf.history_[:, "valid_loss"]))


@pytest.mark.gpu
def test_fit_and_attribute_on_cuda(images):
    X, y, X_test, _ = images
    clf = CNNClassifier(**{**TINY, "device": "auto"}).fit(X[:64], y[:64])
    assert clf.device_ == "cuda" and next(clf.module_.parameters()).is_cuda
    assert attribute(clf, X_test[:4], method="deeplift").shape == X_test[:4].shape
