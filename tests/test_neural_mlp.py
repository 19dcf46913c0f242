import pickle
from functools import partial

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import BatchScoring, EpochScoring
from skorch.helper import predefined_split
from skorch.utils import to_numpy
from torch import nn

from skchaos.neural import (
    MLP,
    MLPClassifier,
    MLPRegressor,
    TensorBatchDataset,
    TensorBatchIterator,
)
from skchaos.neural._device import fused_adam_supported

FAST = {"hidden_layer_sizes": (8,), "lr": 0.05, "max_epochs": 10, "device": "cpu"}


@pytest.fixture(scope="module")
def regression_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    y = X[:, 0] - 0.5 * X[:, 1] ** 2
    return X, y


@pytest.fixture(scope="module")
def classification_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = np.array(["low", "mid", "high"])[(X[:, 0] > -0.4).astype(int) + (X[:, 0] > 0.4)]
    return X, y


# --------------------------------------------------------------------- module
def test_mlp_module_layers_are_distinct_and_input_layer_is_first():
    module = MLP(5, n_outputs=2, hidden_layer_sizes=(6, 6, 6), activation="relu")
    activations = [m for m in module.modules() if isinstance(m, nn.ReLU)]
    assert len(activations) == 3
    assert len({id(m) for m in activations}) == 3
    assert not any(m.inplace for m in activations)
    assert module.input_layer is module.layers[0]
    assert module.input_layer.weight.shape == (6, 5)
    assert module(torch.zeros(4, 5)).shape == (4, 2)


def test_mlp_module_options():
    linear = MLP(3, hidden_layer_sizes=())
    assert [type(m) for m in linear.layers] == [nn.Linear]
    with_dropout = MLP(3, hidden_layer_sizes=4, dropout=0.2)
    assert any(isinstance(m, nn.Dropout) for m in with_dropout.layers)
    for activation in (partial(nn.LeakyReLU, 0.2), nn.LeakyReLU(0.2)):
        leaky = MLP(3, hidden_layer_sizes=(4, 4), activation=activation)
        layers = [m for m in leaky.layers if isinstance(m, nn.LeakyReLU)]
        assert [m.negative_slope for m in layers] == [0.2, 0.2]
        assert layers[0] is not layers[1] and layers[0] is not activation


def test_input_dropout_zeroes_inputs_while_training_only():
    module = MLP(50, hidden_layer_sizes=(), input_dropout=0.4)
    assert isinstance(module.drop_inputs, nn.Dropout)
    assert module.input_layer is module.layers[0]  # still the first Linear
    assert not hasattr(MLP(3), "drop_inputs")  # nothing added at 0
    with torch.no_grad():
        module.input_layer.weight.fill_(1.0)
        module.input_layer.bias.zero_()
        X = torch.ones(200, 50)
        module.eval()
        assert torch.equal(module(X), torch.full((200, 1), 50.0))
        module.train()
        out = module(X)
    # Each input kept with probability 0.6 and scaled by 1 / 0.6: the sum
    # varies by row and is 50 on average.
    assert out.std() > 1.0
    assert abs(out.mean().item() - 50.0) < 1.5


@pytest.mark.parametrize("p", [0.1, 0.3, 0.7])
def test_fast_dropout_draws_torch_dropout_masks(p):
    from skchaos.neural._modules import FastDropout

    X = torch.ones(400, 500, requires_grad=True)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        fast = FastDropout(p)(X)
        torch.manual_seed(0)
        again = FastDropout(p)(X)
    assert torch.equal(fast, again)  # seeded like torch's dropout
    ref = nn.functional.dropout(X, p, training=True)
    # The same values (0 and 1 / (1 - p)) in about the same proportions.
    scale = 1 / (1 - p)
    assert torch.allclose(torch.unique(fast), torch.tensor([0.0, scale]))
    assert torch.allclose(torch.unique(ref), torch.tensor([0.0, scale]))
    kept, ref_kept = (fast > 0).float().mean(), (ref > 0).float().mean()
    assert abs(kept - (1 - p)) < 0.005 and abs(ref_kept - (1 - p)) < 0.005
    # The gradient is the mask times the scale, as for torch's dropout.
    (grad,) = torch.autograd.grad(fast.sum(), X)
    assert torch.equal(grad, fast.detach())
    assert torch.equal(FastDropout(p).eval()(X), X)


def test_fast_dropout_of_everything_is_zeros_as_torch():
    from skchaos.neural._modules import FastDropout

    assert torch.equal(FastDropout(1.0)(torch.ones(4, 3)), torch.zeros(4, 3))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"activation": "swish"}, ValueError, r"activation='swish'.*'gelu'"),
        ({"activation": 3}, TypeError, "activation=3"),
        ({"activation": lambda: 3}, TypeError, "returned int"),
        ({"hidden_layer_sizes": (4, 0)}, ValueError, "hidden_layer_sizes"),
        ({"n_outputs": 0}, ValueError, "n_outputs=0"),
        ({"dropout": 1.0}, ValueError, "dropout=1.0"),
        ({"input_dropout": 1.0}, ValueError, "input_dropout=1.0"),
        ({"input_dropout": -0.1}, ValueError, "input_dropout=-0.1"),
    ],
)
def test_mlp_module_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP(3, **kwargs)


# ------------------------------------------------------------------ iterators
def test_tensor_batch_iterator_full_batch_is_the_tensors_themselves():
    dataset = TensorBatchDataset(torch.arange(12.0).reshape(6, 2), torch.arange(6))
    batches = list(TensorBatchIterator(dataset, batch_size=None, shuffle=True))
    assert len(batches) == 1
    assert batches[0][0] is dataset.X and batches[0][1] is dataset.y


def test_tensor_batch_iterator_shuffles_with_the_generator():
    dataset = TensorBatchDataset(torch.arange(10.0)[:, None], torch.arange(10))

    def order(seed, **kwargs):
        gen = torch.Generator().manual_seed(seed)
        it = TensorBatchIterator(dataset, batch_size=4, generator=gen, **kwargs)
        batches = list(it)
        assert len(batches) == len(it)
        for Xb, yb in batches:  # X and y rows stay paired
            assert torch.equal(Xb[:, 0].long(), yb)
        return torch.cat([yb for _, yb in batches]).tolist()

    assert order(0) == list(range(10))  # no shuffle by default
    shuffled = order(0, shuffle=True)
    assert sorted(shuffled) == list(range(10)) and shuffled != list(range(10))
    assert order(0, shuffle=True) == shuffled
    assert order(1, shuffle=True) != shuffled
    assert len(order(0, shuffle=True, drop_last=True)) == 8


def test_tensor_batch_iterator_accepts_subsets_and_other_datasets():
    dataset = TensorBatchDataset(torch.arange(10.0)[:, None], torch.arange(10))
    subset = torch.utils.data.Subset(dataset, [7, 2, 5])
    ((_, yb),) = TensorBatchIterator(subset)
    assert yb.tolist() == [7, 2, 5]
    other = torch.utils.data.TensorDataset(torch.zeros(5, 2), torch.ones(5))
    assert [len(Xb) for Xb, _ in TensorBatchIterator(other, batch_size=2)] == [2, 2, 1]
    with pytest.raises(ValueError, match="batch_size=0"):
        TensorBatchIterator(dataset, batch_size=0)
    with pytest.raises(TypeError, match="expects torch tensors"):
        TensorBatchDataset(np.zeros((3, 2)))


# ----------------------------------------------------------------- estimators
def test_grid_search_in_pipeline(regression_data):
    X, y = regression_data
    pipe = make_pipeline(StandardScaler(), MLPRegressor(random_state=0, **FAST))
    grid = {
        "mlpregressor__lr": [1e-3, 5e-2],
        "mlpregressor__hidden_layer_sizes": [(4,), (8, 8)],
    }
    search = GridSearchCV(pipe, grid, cv=2, error_score="raise").fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_[-1]
    assert best.lr == search.best_params_["mlpregressor__lr"]
    assert best.get_params()["device"] == "cpu"
    assert best.module_.input_layer.in_features == 4


def test_learns_a_simple_function():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(400, 3))
    y = X[:, 0]
    reg = MLPRegressor(
        hidden_layer_sizes=(16, 16), lr=1e-2, max_epochs=200, random_state=0
    )
    reg.fit(X[:300], y[:300])
    assert r2_score(y[300:], reg.predict(X[300:])) > 0.9
    assert reg.n_iter_ == 200 and len(reg.history_) == 200


@pytest.mark.parametrize("Estimator", [MLPRegressor, MLPClassifier])
def test_pickle_round_trip(Estimator, regression_data):
    X, y = regression_data
    y = y if Estimator is MLPRegressor else y > 0
    est = Estimator(random_state=0, **{**FAST, "device": "auto"}).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    assert restored.device == "auto" and restored.device_ == est.device_
    assert restored.n_features_in_ == 4
    unfitted = pickle.loads(pickle.dumps(Estimator(**FAST)))
    assert unfitted.get_params()["hidden_layer_sizes"] == (8,)


def test_clone_and_params_round_trip():
    est = MLPRegressor(
        (5,), optimizer__weight_decay=1e-4, module__dropout=0.1, random_state=3
    )
    params = est.get_params(deep=False)
    assert "_params_to_validate" not in params
    assert params["module"] is MLP and params["optimizer"] is torch.optim.Adam
    assert params["optimizer__weight_decay"] == 1e-4
    cloned = clone(est)
    assert cloned.get_params(deep=False).keys() == params.keys()
    assert cloned.set_params(lr=0.5).lr == 0.5


def test_activation_module_instance_is_a_plain_parameter(regression_data):
    X, y = regression_data
    reg = MLPRegressor(activation=nn.LeakyReLU(0.2), random_state=0, **FAST)
    reg.fit(X, y).set_params(activation=nn.ELU())
    assert "activation" not in reg.prefixes_  # not taken for a skorch component
    assert isinstance(clone(reg).activation, nn.ELU)
    assert isinstance(reg.fit(X, y).module_.layers[1], nn.ELU)


@pytest.mark.parametrize("Estimator", [MLPRegressor, MLPClassifier])
def test_random_state_reproducible_and_local(Estimator, regression_data):
    X, y = regression_data
    y = y if Estimator is MLPRegressor else y > 0
    kwargs = {**FAST, "dropout": 0.2, "batch_size": 32, "early_stopping": True}

    torch.manual_seed(1234)
    state = torch.get_rng_state()
    first = Estimator(random_state=0, **kwargs).fit(X, y)
    assert torch.equal(torch.get_rng_state(), state)  # global RNG untouched

    second = Estimator(random_state=0, **kwargs).fit(X, y)
    other = Estimator(random_state=1, **kwargs).fit(X, y)
    method = "predict" if Estimator is MLPRegressor else "predict_proba"
    np.testing.assert_array_equal(getattr(first, method)(X), getattr(second, method)(X))
    assert not np.allclose(getattr(first, method)(X), getattr(other, method)(X))


def test_random_state_none_is_not_seeded(regression_data):
    X, y = regression_data
    first = MLPRegressor(**FAST).fit(X, y)
    second = MLPRegressor(**FAST).fit(X, y)
    assert not np.allclose(first.predict(X), second.predict(X))
    assert first.__sklearn_tags__().non_deterministic
    assert not MLPRegressor(random_state=0).__sklearn_tags__().non_deterministic


def test_float64_input_gives_float32_module_and_float64_output(regression_data):
    X, y = regression_data
    reg64 = MLPRegressor(random_state=0, **FAST).fit(X, y)
    reg32 = MLPRegressor(random_state=0, **FAST).fit(X.astype(np.float32), y)
    assert all(p.dtype == torch.float32 for p in reg64.module_.parameters())
    assert reg64.predict(X).dtype == np.float64
    np.testing.assert_allclose(reg64.predict(X), reg32.predict(X), rtol=1e-6)


def test_multi_output_regression(regression_data):
    X, y = regression_data
    Y = np.column_stack([y, -y])
    reg = MLPRegressor(random_state=0, **FAST).fit(X, Y)
    assert reg.n_outputs_ == 2 and reg.predict(X).shape == (120, 2)
    with pytest.raises(ValueError, match="y has 1 outputs"):
        reg.partial_fit(X, y)


def test_pandas_input_sets_feature_names(regression_data):
    X, y = regression_data
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    reg = MLPRegressor(random_state=0, **FAST).fit(df, pd.Series(y))
    np.testing.assert_array_equal(reg.feature_names_in_, ["a", "b", "c", "d"])
    np.testing.assert_array_equal(reg.predict(df), reg.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        reg.predict(df[["b", "a", "c", "d"]])


def test_string_labels_and_probabilities(classification_data):
    X, y = classification_data
    clf = MLPClassifier(random_state=0, **{**FAST, "max_epochs": 50}).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, ["high", "low", "mid"])
    assert set(clf.predict(X)) <= set(clf.classes_)
    assert clf.score(X, y) > 0.8
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.decision_function(X).shape == (120, 3)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(1)], clf.predict(X))


@pytest.mark.parametrize("labels", [["high", "low", "mid"], [10, 20, 30]])
def test_scoring_callbacks_see_the_original_labels(classification_data, labels):
    """skorch scorers compare predict (original labels) with the targets."""
    X, y = classification_data
    y = np.asarray(labels)[np.searchsorted(["high", "low", "mid"], y)]
    acc = EpochScoring("accuracy", name="train_acc", on_train=True)
    batch = BatchScoring("accuracy", name="batch_acc", on_train=True)
    clf = MLPClassifier(
        random_state=0,
        callbacks=[("train_acc", acc), ("batch_acc", batch)],
        **{**FAST, "max_epochs": 50},
    ).fit(X, y)
    # The cached training predictions come from before the epoch's last
    # step, so they match the final network only approximately.
    assert clf.history[-1, "train_acc"] > 0.8
    assert clf.history[-1, "train_acc"] == pytest.approx(clf.score(X, y), abs=0.05)
    assert clf.history[-1, "batch_acc"] > 0.5
    assert acc.target_extractor is to_numpy  # restored after fit


def test_binary_classifier_uses_two_logits(classification_data):
    X, y = classification_data
    clf = MLPClassifier(random_state=0, **FAST).fit(X, y == "high")
    assert clf.module_.layers[-1].out_features == 2
    scores = clf.decision_function(X)
    assert scores.shape == (120,)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-scores)))


def test_partial_fit_with_classes_argument(classification_data):
    X, y = classification_data
    clf = MLPClassifier(random_state=0, **FAST)
    first = y != "mid"
    clf.partial_fit(X[first], y[first], classes=["high", "low", "mid"])
    assert len(clf.classes_) == 3 and clf.n_iter_ == 10
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 20
    with pytest.raises(ValueError, match=r"labels \['other'\]"):
        clf.partial_fit(X[:2], ["other", "low"])


def test_refit_on_a_different_number_of_columns(regression_data):
    X, y = regression_data
    reg = MLPRegressor(random_state=0, **FAST).fit(X, y)
    reg.fit(X[:, :2], y)
    assert reg.n_features_in_ == 2
    assert reg.module_.input_layer.weight.shape[1] == 2
    assert reg.predict(X[:, :2]).shape == (120,)


def test_warm_start_continues_training(regression_data):
    X, y = regression_data
    reg = MLPRegressor(random_state=0, warm_start=True, **FAST).fit(X, y)
    weights = reg.module_.input_layer.weight.detach().clone()
    reg.fit(X, y)
    assert reg.n_iter_ == 20
    assert not torch.equal(weights, reg.module_.input_layer.weight)
    with pytest.raises(ValueError, match="X has 2 features"):
        reg.fit(X[:, :2], y)


def test_warm_start_rebuilds_the_module_after_a_new_architecture(regression_data):
    X, y = regression_data
    reg = MLPRegressor(random_state=0, warm_start=True, **FAST).fit(X, y)
    before = reg.predict(X)
    # Training settings keep the module (warm start goes on) ...
    reg.set_params(lr=0.01)
    assert reg.initialized_
    # ... a new architecture does not, but the fitted one predicts until refit.
    reg.set_params(hidden_layer_sizes=(4, 4))
    np.testing.assert_array_equal(reg.predict(X), before)
    reg.fit(X, y)
    linear = [m for m in reg.module_.layers if isinstance(m, torch.nn.Linear)]
    assert [layer.out_features for layer in linear] == [4, 4, 1]
    assert reg.n_iter_ == 10


def test_early_stopping_stops_before_max_epochs():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 2))
    y = X[:, 0]
    reg = MLPRegressor(
        hidden_layer_sizes=(16,),
        lr=0.05,
        max_epochs=500,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
    ).fit(X, y)
    assert reg.n_iter_ < 500
    assert {"train_loss", "valid_loss"} <= set(reg.history_[-1])
    valid_rows = sum(b["valid_batch_size"] for b in reg.history_[-1]["batches"][1:])
    assert valid_rows == 20  # validation_fraction=0.1 of 200 rows


def test_early_stopping_restores_the_best_weights():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3)).astype(np.float32)
    y = (X[:, 0] + rng.normal(size=80)).astype(np.float32)  # noisy: overfits
    X_valid = rng.normal(size=(40, 3)).astype(np.float32)
    y_valid = (X_valid[:, 0] + rng.normal(size=40)).astype(np.float32)
    valid = TensorBatchDataset(
        torch.from_numpy(X_valid), torch.from_numpy(y_valid[:, None])
    )
    reg = MLPRegressor(
        hidden_layer_sizes=(64, 64),
        lr=0.02,
        max_epochs=300,
        early_stopping=True,
        n_iter_no_change=10,
        train_split=predefined_split(valid),
        random_state=0,
    ).fit(X, y)
    valid_losses = reg.history_[:, "valid_loss"]
    assert np.argmin(valid_losses) < len(valid_losses) - 1
    restored = np.mean((reg.predict(X_valid) - y_valid) ** 2)
    assert restored == pytest.approx(min(valid_losses), rel=1e-5)


def test_mini_batches(regression_data):
    X, y = regression_data
    reg = MLPRegressor(random_state=0, batch_size=50, **FAST).fit(X, y)
    sizes = [b["train_batch_size"] for b in reg.history_[-1]["batches"]]
    assert sizes == [50, 50, 20]
    full = MLPRegressor(random_state=0, **FAST).fit(X, y)
    assert [b["train_batch_size"] for b in full.history_[-1]["batches"]] == [120]
    assert not np.allclose(reg.predict(X), full.predict(X))


def test_mini_batch_shuffling_uses_the_seeded_generator(regression_data, monkeypatch):
    X, y = regression_data
    generators = []
    original = TensorBatchIterator.__init__

    def spy(self, dataset, **kwargs):
        generators.append(kwargs.get("generator"))
        original(self, dataset, **kwargs)

    monkeypatch.setattr(TensorBatchIterator, "__init__", spy)
    MLPRegressor(random_state=0, batch_size=50, **FAST).fit(X, y)
    assert isinstance(generators[0], torch.Generator)  # the training iterator


def test_verbose(regression_data, capsys):
    X, y = regression_data
    MLPRegressor(random_state=0, **FAST).fit(X, y)
    assert capsys.readouterr().out == ""
    MLPRegressor(random_state=0, verbose=1, **{**FAST, "max_epochs": 3}).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and len(out.strip().splitlines()) == 5


def test_regressor_hides_predict_proba(regression_data):
    X, y = regression_data
    reg = MLPRegressor(random_state=0, **FAST)
    assert not hasattr(reg, "predict_proba")
    assert not hasattr(reg.fit(X, y), "predict_proba")
    assert hasattr(MLPClassifier(), "predict_proba")


def test_device_auto_stays_in_params(regression_data):
    X, y = regression_data
    reg = MLPRegressor(random_state=0, **{**FAST, "device": "auto"})
    reg.fit(X, y)
    assert reg.get_params()["device"] == "auto"
    assert reg.device_ == ("cuda" if torch.cuda.is_available() else "cpu")
    assert next(reg.module_.parameters()).device.type == reg.device_


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"activation": "swish"}, ValueError, "'activation' parameter.*'gelu'"),
        ({"activation": lambda: "relu"}, TypeError, "returned str"),
        ({"hidden_layer_sizes": (4, -1)}, ValueError, "hidden_layer_sizes"),
        ({"lr": 0.0}, ValueError, "'lr' parameter"),
        ({"batch_size": 0}, ValueError, "'batch_size' parameter"),
        ({"validation_fraction": 1.0}, ValueError, "'validation_fraction'"),
        ({"device": "toaster"}, ValueError, "device='toaster'"),
        ({"input_penalty": -0.1}, ValueError, "'input_penalty' parameter"),
        ({"input_dropout": 1.0}, ValueError, "'input_dropout' parameter"),
    ],
)
def test_bad_parameters(regression_data, params, error, match):
    X, y = regression_data
    with pytest.raises(error, match=match):
        MLPRegressor(**{**FAST, **params}).fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available")
def test_cuda_without_cuda_is_a_clear_error(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="needs CUDA"):
        MLPRegressor(**{**FAST, "device": "cuda"}).fit(X, y)


def test_bad_inputs(regression_data, classification_data):
    X, y = regression_data
    reg = MLPRegressor(**FAST)
    with pytest.raises(NotFittedError):
        reg.predict(X)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="contains NaN"):
        reg.fit(X_nan, y)
    with pytest.raises(ValueError, match="infinity"):
        reg.fit(np.full_like(X, np.inf), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        reg.fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        reg.fit(X[:0], y[:0])
    reg.fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features"):
        reg.predict(X[:, :3])
    Xc, yc = classification_data
    clf = MLPClassifier(**FAST)
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(Xc, np.full(len(Xc), "low"))
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(Xc, np.linspace(0, 1, len(Xc)))


def test_skorch_callbacks_still_work(regression_data):
    from skorch.callbacks import EpochScoring

    X, y = regression_data
    reg = MLPRegressor(
        random_state=0,
        early_stopping=True,
        callbacks=[EpochScoring("r2", lower_is_better=False)],
        **FAST,
    ).fit(X, y)
    assert len(reg.history_[:, "r2"]) == reg.n_iter_


@pytest.mark.gpu
def test_fit_on_cuda(regression_data):
    X, y = regression_data
    reg = MLPRegressor(random_state=0, **{**FAST, "device": "cuda", "batch_size": 32})
    reg.fit(X, y)
    assert reg.device_ == "cuda" and reg.get_params()["device"] == "cuda"
    assert next(reg.module_.parameters()).is_cuda
    y_pred = reg.predict(X)
    assert isinstance(y_pred, np.ndarray) and np.isfinite(y_pred).all()
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_allclose(restored.predict(X), y_pred)
    auto = MLPClassifier(random_state=0, **{**FAST, "device": "auto"}).fit(X, y > 0)
    assert auto.device_ == "cuda" and auto.predict_proba(X).shape == (120, 2)


def test_skorch_api_initialize_and_forward(regression_data):
    from skorch.exceptions import NotInitializedError

    X, y = regression_data
    with pytest.raises(NotInitializedError, match="call fit"):
        MLPRegressor(**FAST).initialize()
    net = MLPRegressor(module__n_features=4, **FAST).initialize()
    assert net.module_.input_layer.in_features == 4
    reg = MLPRegressor(random_state=0, **FAST).fit(X, y)
    out = reg.forward(X)  # skorch's raw-output API accepts arrays too
    assert isinstance(out, torch.Tensor) and out.shape == (120, 1)
    np.testing.assert_allclose(out[:, 0].numpy(), reg.predict(X), rtol=1e-6)


@pytest.mark.parametrize("Estimator", [MLPRegressor, MLPClassifier])
def test_prefixed_optimizer_argument_reaches_the_optimizer(Estimator):
    # skorch knows the "optimizer" prefix only once it has initialized the
    # optimizer; the first fit must accept optimizer__weight_decay anyway.
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(20, 3)).astype(np.float32), np.arange(20) % 2
    est = Estimator((4,), max_epochs=2, optimizer__weight_decay=0.25).fit(X, y)
    assert est.optimizer_.param_groups[0]["weight_decay"] == 0.25
    with pytest.raises(ValueError, match="optimizer__weight_decay"):
        Estimator((4,), max_epochs=2, optimizer_weight_decay=0.25).fit(X, y)


needs_fused_cpu = pytest.mark.skipif(
    not fused_adam_supported("cpu"), reason="fused Adam on the CPU needs torch >= 2.4"
)


@needs_fused_cpu
@pytest.mark.parametrize("Estimator", [MLPRegressor, MLPClassifier])
def test_adam_is_fused_by_default_and_the_same_update(Estimator):
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(40, 3)).astype(np.float32), np.arange(40) % 2
    params = {"hidden_layer_sizes": (8,), "max_epochs": 20, "random_state": 0}
    fused = Estimator(**params).fit(X, y)
    loop = Estimator(**params, optimizer__fused=False).fit(X, y)
    assert fused.optimizer_.defaults["fused"] is True
    assert not loop.optimizer_.defaults["fused"]
    # The same algorithm: the two differ by float32 rounding only.
    out = "predict_proba" if Estimator is MLPClassifier else "predict"
    np.testing.assert_allclose(
        getattr(fused, out)(X), getattr(loop, out)(X), rtol=1e-4, atol=1e-5
    )
    assert "optimizer__fused" not in fused.get_params()


@pytest.mark.parametrize(
    "params",
    [
        {"optimizer__foreach": True},
        {"optimizer": torch.optim.SGD},
        {"optimizer": torch.optim.AdamW, "optimizer__fused": False},
    ],
)
def test_adam_is_not_fused_when_the_user_chose_otherwise(params):
    X = np.random.RandomState(0).normal(size=(20, 3)).astype(np.float32)
    reg = MLPRegressor((4,), max_epochs=2, **params).fit(X, X[:, 0])
    assert not reg.optimizer_.defaults.get("fused")


def test_train_and_eval_steps_set_every_module_mode(regression_data):
    X, y = regression_data
    reg = MLPRegressor((8,), max_epochs=1, random_state=0).fit(X, y)
    batch = (
        torch.as_tensor(X[:10], dtype=torch.float32),
        torch.as_tensor(y[:10, None], dtype=torch.float32),
    )
    list(reg.module_.modules())[-1].eval()  # one layer out of step
    reg.train_step_single(batch)
    assert all(m.training for m in reg.module_.modules())
    reg.validation_step(batch)
    assert not any(m.training for m in reg.module_.modules())
    list(reg.module_.modules())[-1].train()
    reg.validation_step(batch)
    assert not any(m.training for m in reg.module_.modules())


# -------------------------------------------------------------- input penalty
def test_input_penalty_step_is_group_soft_thresholding(regression_data):
    X, y = regression_data
    params = {**FAST, "hidden_layer_sizes": (2,), "max_epochs": 1}
    net = MLPRegressor(**params, input_penalty=2.0).fit(X, y)
    weight = net.module_.input_layer.weight  # (hidden units, features)
    with torch.no_grad():
        weight.copy_(torch.tensor([[3.0, 0.01, 0.0, 1.0], [4.0, 0.0, 0.09, 0.0]]))
    net._shrink_input_columns()  # each column's norm shrinks by lr * 2 = 0.1
    expected = [[3.0 * 0.98, 0, 0, 0.9], [4.0 * 0.98, 0, 0, 0]]
    np.testing.assert_allclose(weight.detach().numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("Estimator", [MLPRegressor, MLPClassifier])
def test_input_penalty_trains_with_zero_columns_for_unused_features(Estimator):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 12))
    y = X[:, 0] + X[:, 1] if Estimator is MLPRegressor else X[:, 0] + X[:, 1] > 0
    params = {**FAST, "hidden_layer_sizes": (8,), "max_epochs": 150, "random_state": 0}
    norms = {}
    for penalty in (0.0, 0.5):
        net = Estimator(**params, input_penalty=penalty).fit(X, y)
        norms[penalty] = net.module_.input_layer.weight.detach().norm(dim=0).numpy()
    assert np.all(norms[0.0] > 0)
    assert set(np.argsort(norms[0.5])[-2:]) == {0, 1}  # the useful ones stay
    assert norms[0.5][2:].mean() < 0.5 * norms[0.0][2:].mean()  # the rest shrink
    if Estimator is MLPRegressor:  # (a separable log loss keeps pulling)
        assert (norms[0.5][2:] == 0).sum() >= 5  # most are exactly zero


def test_input_penalty_applies_to_fine_tuning_too(regression_data):
    X, y = regression_data
    net = MLPRegressor(**FAST, random_state=0).fit(X, y)
    before = net.module_.input_layer.weight.detach().norm(dim=0)
    net.set_params(input_penalty=50.0)
    net._fine_tune(X, y, epochs=2)  # two steps shrink every column by 2 * 2.5
    after = net.module_.input_layer.weight.detach().norm(dim=0)
    assert torch.all(after == 0) and torch.all(before > 0)


class _NormalizedInput(nn.Module):
    def __init__(self, n_features, n_outputs, **kwargs):
        super().__init__()
        self.norm = nn.BatchNorm1d(n_features)
        self.out = nn.Linear(n_features, n_outputs)

    def forward(self, X):
        return self.out(self.norm(X))


def test_input_penalty_needs_a_linear_input_layer_before_training(regression_data):
    X, y = regression_data
    net = MLPRegressor(**FAST, module=_NormalizedInput, input_penalty=0.5)
    with pytest.raises(ValueError, match=r"input_penalty=0.5 needs .* nn.Linear"):
        net.fit(X, y)
    assert not net.history_  # no epoch ran
    MLPRegressor(**FAST, module=_NormalizedInput).fit(X, y)  # no penalty: fine
