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
from skchaos.datasets import make_audio_localization
from skchaos.metrics import channel_localization_score
from skchaos.neural import (
    AudioCNN,
    AudioCNNClassifier,
    AudioRNN,
    AudioRNNClassifier,
    AudioTransformer,
    AudioTransformerClassifier,
    ConvStem1d,
)

TINY = {"max_epochs": 2, "device": "cpu", "random_state": 0}
TINY_NETS = {
    AudioCNNClassifier: {"channels": (4, 8)},
    AudioRNNClassifier: {"hidden_size": 4, "stem_channels": (4, 8)},
    AudioTransformerClassifier: {
        "d_model": 8,
        "nhead": 2,
        "num_layers": 1,
        "dim_feedforward": 16,
        "stem_channels": 4,
    },
}
ESTIMATORS = list(TINY_NETS)


def tiny(Estimator, **params):
    return Estimator(**{**TINY, **TINY_NETS[Estimator], **params})


@pytest.fixture(scope="module")
def signals():
    """A clip on channel 0 of 4, 8 classes; 500 training and 100 test rows."""
    data = make_audio_localization(
        n_samples=600,
        condition="RBFP",
        n_channels=4,
        n_timesteps=500,
        random_state=0,
        return_X_y=False,
    )
    return data.data[:500], data.target[:500], data.data[500:], data.target[500:]


@pytest.fixture(scope="module")
def fitted(signals):
    X, y, _, _ = signals
    return AudioCNNClassifier(lr=1e-2, max_epochs=10, random_state=0).fit(X, y)


# -------------------------------------------------------------------- modules
@pytest.mark.parametrize("length", [1, 5, 64, 1001])
@pytest.mark.parametrize("Module", [AudioCNN, AudioRNN, AudioTransformer])
def test_modules_take_any_length(Module, length):
    module = Module(n_channels=3, n_outputs=5)
    assert module(torch.zeros(2, 3, length)).shape == (2, 5)


def test_stem_shortens_by_stride_and_pools():
    stem = ConvStem1d(2, channels=(4, 8, 8), kernel_size=16, stride=2, pool=4)
    # 4096 -> 2049 (stride 2, even kernel) -> 513 -> 129 -> 33 (partial windows)
    assert stem(torch.zeros(1, 2, 4096)).shape == (1, 8, 33)
    assert stem.out_channels == 8
    assert sum(isinstance(m, nn.AvgPool1d) for m in stem) == 3
    unpooled = ConvStem1d(2, channels=(4, 8), stride=1, pool=1)
    assert not any(isinstance(m, nn.AvgPool1d) for m in unpooled)


@pytest.mark.parametrize("Module", [AudioCNN, AudioRNN, AudioTransformer])
def test_activations_are_distinct_modules(Module):
    module = Module(n_channels=2)
    relus = [m for m in module.modules() if isinstance(m, nn.ReLU)]
    assert relus and len({id(m) for m in relus}) == len(relus)
    assert not any(m.inplace for m in relus)


def test_module_options():
    lstm = AudioRNN(2, cell="lstm", bidirectional=False, num_layers=2, dropout=0.1)
    assert isinstance(lstm.rnn, nn.LSTM) and lstm.rnn.num_layers == 2
    assert lstm.head[-1].in_features == lstm.rnn.hidden_size
    transformer = AudioTransformer(2, d_model=16, nhead=4, stem_channels=(8, 8))
    assert transformer.stem.out_channels == 16
    assert len(transformer.encoder.layers) == 2
    assert transformer.encoder.layers[0].self_attn.batch_first


@pytest.mark.parametrize("channel_pooling", ["max", "mean"])
def test_shared_channel_encoder_ignores_the_channel_order(channel_pooling):
    module = AudioCNN(n_channels=5, n_outputs=3, channel_pooling=channel_pooling)
    module.eval()
    assert module.stem[0].in_channels == 1
    X = torch.randn(4, 5, 700)
    permuted = X[:, [3, 0, 4, 2, 1]]
    torch.testing.assert_close(module(permuted), module(X), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("channel_pooling", [None, "max", "mean"])
def test_deeplift_is_complete_for_every_channel_pooling(channel_pooling):
    torch.manual_seed(0)
    module = AudioCNN(3, n_outputs=2, channels=(4, 8), channel_pooling=channel_pooling)
    X = torch.randn(4, 3, 400)
    result = attribute(module, X, method="deeplift", target=1)
    module.eval()
    with torch.no_grad():
        expected = (module(X) - module(torch.zeros_like(X)))[:, 1].numpy()
    np.testing.assert_allclose(result.sum(axis=(1, 2)), expected, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize(
    "Module, kwargs, match",
    [
        (AudioCNN, {"channels": ()}, r"channels=\(\)"),
        (AudioCNN, {"kernel_size": 0}, "kernel_size=0"),
        (AudioCNN, {"pool": 0}, "pool=0"),
        (AudioCNN, {"norm": "layer"}, "norm='layer'"),
        (AudioCNN, {"channel_pooling": "sum"}, "channel_pooling='sum'"),
        (AudioRNN, {"cell": "rnn"}, "cell='rnn'"),
        (AudioRNN, {"hidden_size": 0}, "hidden_size=0"),
        (AudioTransformer, {"d_model": 10, "nhead": 4}, "nhead=4 does not divide"),
        (AudioTransformer, {"stem_channels": [8, -1]}, "stem_channels"),
    ],
)
def test_modules_reject_bad_arguments(Module, kwargs, match):
    with pytest.raises(ValueError, match=match):
        Module(**{"n_channels": 2, **kwargs})


# ----------------------------------------------------------------- estimators
def test_learns_the_clip(signals, fitted):
    _, _, X_test, y_test = signals
    assert fitted.n_iter_ == 10
    assert fitted.score(X_test, y_test) > 0.25  # chance is 1/8
    proba = fitted.predict_proba(X_test)
    assert proba.shape == (100, 8)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(
        fitted.classes_[proba.argmax(1)], fitted.predict(X_test)
    )


@pytest.mark.parametrize(
    "method", ["saliency", "integrated_gradients", "deeplift", "feature_ablation"]
)
def test_attributions_stay_on_the_only_connected_channel(signals, method):
    """Cut channels 1-3 out of a mixing first convolution: all mass is on 0."""
    module = AudioCNN(4, n_outputs=8, channels=(8, 16), channel_pooling=None).eval()
    with torch.no_grad():
        module.stem[0].weight[:, 1:] = 0
    kwargs = (
        {"feature_mask": np.arange(4)[:, None]} if method == "feature_ablation" else {}
    )
    result = attribute(module, signals[2][:8], method=method, target=0, **kwargs)
    assert np.abs(result[:, 0]).sum() > 0
    assert channel_localization_score(result, 0) == pytest.approx(1.0)


def test_attributions_have_the_input_shape(signals, fitted):
    X = signals[2][:4]
    result = check_attributions_have_the_input_shape(
        fitted, X, feature_mask=np.arange(4)[:, None]
    )
    # one value per channel
    assert (result == result[:, :, :1]).all()


def test_deeplift_is_complete_on_the_trained_network(signals, fitted):
    check_deeplift_is_complete(fitted, signals[2][:3])


@pytest.mark.parametrize("Estimator", [AudioRNNClassifier, AudioTransformerClassifier])
def test_sequence_models_train_and_explain(signals, Estimator):
    X, y, X_test, _ = signals
    clf = tiny(Estimator).fit(X[:64], y[:64])
    assert clf.predict_proba(X_test[:3]).shape == (3, 8)
    for method in ("saliency", "integrated_gradients"):
        assert attribute(clf, X_test[:2], method=method).shape == (2, 4, 500)
    with pytest.warns(UserWarning, match="no rescale rule"):
        attribute(clf, X_test[:2], method="deeplift")


def test_shared_channel_encoder_estimator(signals):
    X, y, X_test, _ = signals
    clf = tiny(AudioCNNClassifier, channel_pooling="max").fit(X[:64], y[:64])
    assert clf.module_.stem[0].in_channels == 1 and clf.input_shape_ == (4, 500)
    assert clf.predict_proba(X_test[:3]).shape == (3, 8)
    channels = np.arange(4)[:, None]
    for method, kwargs in [
        ("deeplift", {}),
        ("feature_ablation", {"feature_mask": channels}),
    ]:
        assert attribute(clf, X_test[:2], method=method, **kwargs).shape == (2, 4, 500)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_random_state_reproducible(signals, Estimator):
    X, y, X_test, _ = signals
    first = tiny(Estimator).fit(X[:64], y[:64]).predict_proba(X_test[:5])
    again = tiny(Estimator).fit(X[:64], y[:64]).predict_proba(X_test[:5])
    other = tiny(Estimator, random_state=1).fit(X[:64], y[:64])
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other.predict_proba(X_test[:5]))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pickle_round_trip(signals, Estimator):
    X, y, X_test, _ = signals
    clf = tiny(Estimator).fit(X[:32], y[:32])
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test[:4]), clf.predict_proba(X_test[:4])
    )


def n_input_channels(module):
    """The channel count a module was built for (shared or mixing stem)."""
    pool = getattr(module, "channel_pool", None)
    if pool is not None:
        return int(np.ravel(pool.kernel_size)[0])
    return module.stem[0].in_channels


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_channels_are_inferred_and_refit_changes_them(Estimator):
    rng = np.random.RandomState(0)
    y = np.arange(20) % 2
    clf = tiny(Estimator).fit(rng.rand(20, 3, 300), y)
    assert clf.input_shape_ == (3, 300) and clf.n_features_in_ == 3
    assert n_input_channels(clf.module_) == 3
    assert clf.predict(rng.rand(4, 3, 500)).shape == (4,)  # another length
    with pytest.raises(ValueError, match="X has 5 features"):
        clf.predict(rng.rand(4, 5, 300))
    clf.fit(rng.rand(20, 5, 300), y)
    assert n_input_channels(clf.module_) == 5 and clf.input_shape_ == (5, 300)
    clone(clf).fit(rng.rand(20, 1, 300), y)


def test_lower_dimensional_inputs_get_singleton_axes():
    rng = np.random.RandomState(0)
    y = np.arange(20) % 2
    mono = tiny(AudioCNNClassifier).fit(rng.rand(20, 300), y)
    assert mono.input_shape_ == (1, 300) and mono.n_features_in_ == 300
    assert mono.predict(rng.rand(3, 300)).shape == (3,)
    with pytest.raises(ValueError, match="fitted on 2-dimensional X"):
        mono.predict(rng.rand(3, 300, 1))
    with pytest.raises(ValueError, match=r"n_channels, n_timesteps\)"):
        tiny(AudioCNNClassifier).fit(rng.rand(20, 2, 3, 4), y)


@pytest.mark.parametrize(
    "Estimator, params, match",
    [
        (AudioCNNClassifier, {"pool": 0}, "'pool' parameter"),
        (AudioCNNClassifier, {"channel_pooling": "sum"}, "'channel_pooling' param"),
        (AudioCNNClassifier, {"channels": (4, 0)}, r"channels=\(4, 0\)"),
        (AudioRNNClassifier, {"cell": "rnn"}, "'cell' parameter"),
        (AudioTransformerClassifier, {"nhead": 3}, "nhead=3 does not divide"),
    ],
)
def test_bad_parameters(Estimator, params, match):
    X, y = np.random.RandomState(0).rand(10, 2, 64), np.arange(10) % 2
    with pytest.raises(ValueError, match=match):
        tiny(Estimator, **params).fit(X, y)


@pytest.mark.gpu
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_fit_and_attribute_on_cuda(signals, Estimator):
    """cuDNN cannot back-propagate through an RNN in eval mode: AudioRNN copes."""
    X, y, X_test, _ = signals
    clf = tiny(Estimator, device="auto").fit(X[:64], y[:64])
    assert clf.device_ == "cuda" and next(clf.module_.parameters()).is_cuda
    for method in ("saliency", "integrated_gradients"):
        assert attribute(clf, X_test[:4], method=method).shape == X_test[:4].shape
