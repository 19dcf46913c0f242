"""Any skorch net through the selectors, sample weights and groups.

A plain skorch net's module may have its input width written into its
layers, take it as a module parameter, infer it lazily or read the input in
more than one layer; the selectors hand it a subset of the columns through
:class:`skchaos.neural.InputSubset` in its own width (see
``skchaos/feature_selection/_nets.py``).
"""

import numpy as np
import pytest
import sklearn
import torch
from sklearn.datasets import make_classification
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from skorch import NeuralNetClassifier, NeuralNetRegressor
from torch import nn

from skchaos.feature_selection import (
    AttributionRFE,
    AttributionRFECV,
    RoundTraining,
    _path,
    _rows,
)
from skchaos.neural import InputSubset, MLPRegressor

N_CLASSIFICATION, N_REGRESSION = 20, 12


# ------------------------------------------------------------ the modules
def written(width):
    """A module with its input width written into its first layer."""

    class Written(nn.Module):
        def __init__(self, num_units=32, n_outputs=1):
            super().__init__()
            self.dense0 = nn.Linear(width, num_units)
            self.nonlin = nn.ReLU()
            self.output = nn.Linear(num_units, n_outputs)

        def forward(self, X):
            return self.output(self.nonlin(self.dense0(X)))

    return Written


class Width(nn.Module):
    """A module that takes its input width as a parameter."""

    def __init__(self, input_dim, num_units=32, n_outputs=1):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(input_dim, num_units), nn.ReLU(), nn.Linear(num_units, n_outputs)
        )

    def forward(self, X):
        return self.body(X)


class Lazy(nn.Module):
    """A module whose first layer infers the width."""

    def __init__(self, num_units=32, n_outputs=1):
        super().__init__()
        self.body = nn.Sequential(
            nn.LazyLinear(num_units), nn.ReLU(), nn.Linear(num_units, n_outputs)
        )

    def forward(self, X):
        return self.body(X)


def two_layers(width):
    """A module that reads its input in two layers (a linear skip)."""

    class TwoLayers(nn.Module):
        def __init__(self, num_units=32, n_outputs=1):
            super().__init__()
            self.body = nn.Sequential(
                nn.Linear(width, num_units), nn.ReLU(), nn.Linear(num_units, n_outputs)
            )
            self.skip = nn.Linear(width, n_outputs)

        def forward(self, X):
            return self.body(X) + self.skip(X)

    return TwoLayers


SHAPES = ("written", "width_param", "lazy", "two_layers")


def make_net(shape, width, classifier, **params):
    """A plain skorch net around one of the four module shapes."""
    module, module_params = {
        "written": (written(width), {}),
        "width_param": (Width, {"module__input_dim": width}),
        "lazy": (Lazy, {}),
        "two_layers": (two_layers(width), {}),
    }[shape]
    kind = NeuralNetClassifier if classifier else NeuralNetRegressor
    extra = {"criterion": nn.CrossEntropyLoss} if classifier else {}
    return kind(
        module,
        module__n_outputs=2 if classifier else 1,
        optimizer=torch.optim.Adam,
        lr=0.02,
        max_epochs=60,
        batch_size=-1,
        train_split=None,
        verbose=0,
        **module_params,
        **extra,
        **params,
    )


# ---------------------------------------------------------------- the data
@pytest.fixture(scope="module")
def classification():
    # shuffle=False: columns 0-4 are informative, 5-6 redundant, the rest
    # noise. The redundant columns are linear combinations of the
    # informative ones: they carry the signal too, and a minimal-optimal
    # selector may keep one in place of an informative column, so both
    # counts below are over the 7 signal columns.
    X, y = make_classification(1000, 20, n_informative=5, shuffle=False, random_state=0)
    return X.astype(np.float32), y.astype(np.int64), np.arange(7), np.arange(7)


@pytest.fixture(scope="module")
def regression():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(1000, N_REGRESSION)).astype(np.float32)
    y = X[:, 0] + np.sin(2 * X[:, 1]) + X[:, 2] * X[:, 3] + 0.1 * rng.normal(size=1000)
    y = y.astype(np.float32).reshape(-1, 1)
    return X, y, np.arange(4), np.arange(4)


# Fewer, shorter rounds than the defaults: the tests fit many selectors.
_FAST = {
    "step": 0.2,
    "round_training": RoundTraining(max_epochs=200),
    "random_state": 0,
}


def _check_selection(selector, X, relevant, informative):
    kept = selector.get_support(indices=True)
    assert len(np.intersect1d(kept, informative)) >= 3, kept
    precision = len(np.intersect1d(kept, relevant)) / len(kept)
    assert precision >= 0.75, kept
    X_kept = selector.transform(X)
    assert X_kept.shape == (len(X), selector.n_features_)
    np.testing.assert_array_equal(X_kept, X[:, selector.support_])
    np.testing.assert_allclose(
        selector.predict(X), selector.estimator_.predict(X_kept), rtol=1e-6
    )
    names = selector.get_feature_names_out()
    assert names.tolist() == [f"x{j}" for j in kept]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_module_shape_goes_through_attribution_rfe(shape, task, request):
    X, y, relevant, informative = request.getfixturevalue(task)
    net = make_net(shape, X.shape[1], task == "classification")
    selector = AttributionRFE(net, **_FAST).fit(X, y)
    _check_selection(selector, X, relevant, informative)
    assert selector.history_["training"][1] == "warm"
    assert all(c is not None for c in selector.history_["converged"])
    assert isinstance(selector.score(X, y), float)


# Selection quality with cold rounds, once per task; every module shape's
# cold rounds (a fresh clone restricted to the kept columns each round) in
# the short test below.
@pytest.mark.parametrize(
    "shape, task", [("written", "classification"), ("width_param", "regression")]
)
def test_cold_rounds_with_a_plain_net(shape, task, request):
    X, y, relevant, informative = request.getfixturevalue(task)
    net = make_net(shape, X.shape[1], classifier=task == "classification")
    cold = AttributionRFE(
        net,
        **{**_FAST, "round_training": RoundTraining(warm_start=False, max_epochs=200)},
    ).fit(X, y)
    _check_selection(cold, X, relevant, informative)
    assert set(cold.history_["training"][1:]) == {"cold"}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_module_shape_trains_cold_rounds(shape, classification):
    X, y, _, _ = classification
    X, y = X[:300], y[:300]
    net = make_net(shape, X.shape[1], classifier=True).set_params(max_epochs=5)
    training = RoundTraining(warm_start=False, max_epochs=10)
    selector = AttributionRFE(
        net, n_features_to_select=5, step=5, round_training=training, random_state=0
    ).fit(X, y)
    assert selector.history_["n_features"] == [20, 15, 10, 5]
    assert set(selector.history_["training"][1:]) == {"cold"}
    X_kept = selector.transform(X)
    assert X_kept.shape == (300, 5)
    np.testing.assert_array_equal(
        selector.predict(X), selector.estimator_.predict(X_kept)
    )


def test_a_plain_nets_converged_fit_takes_a_floor_below_max_epochs():
    from skchaos.feature_selection._nets import fit_plain_converged

    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    y = rng.normal(size=300).astype(np.float32)  # nothing to learn
    X_es, y_es = X[:100], y[:100]
    runs = {}
    for floor in (None, 5):
        net = make_net("width_param", 4, classifier=False).set_params(max_epochs=40)
        runs[floor] = fit_plain_converged(
            net, X[100:], y[100:], X_es, y_es, max_epochs=200, seed=0,
            patience=2, min_epochs=floor,
        )  # fmt: skip
        assert net.max_epochs == 40  # the net keeps its own
    assert runs[None][0] >= 40 and runs[None][1]
    assert 5 <= runs[5][0] < 40 and runs[5][1]


# Every module shape goes through the same rounds as AttributionRFE's
# (above); two shapes here, whose cross-validation sizes the selection.
@pytest.mark.parametrize("shape", ["width_param", "two_layers"])
def test_cross_validation_with_a_plain_net(shape, regression):
    # On the 1,000-row classification, 3 folds of a log loss are too noisy
    # to size the selection for any net (a skchaos MLP too): the regression.
    X, y, relevant, informative = regression
    net = make_net(shape, X.shape[1], classifier=False)
    cv = AttributionRFECV(net, cv=3, **_FAST).fit(X, y)
    _check_selection(cv, X, relevant, informative)


def test_the_refit_net_takes_the_kept_columns_through_input_subset(classification):
    X, y, _, _ = classification
    net = make_net("written", X.shape[1], classifier=True)
    selector = AttributionRFE(net, n_features_to_select=5, step=5, random_state=0)
    selector.fit(X, y)
    module = selector.estimator_.module_
    assert isinstance(module, InputSubset) and module.n_inputs == X.shape[1]
    assert module.columns.tolist() == selector.get_support(indices=True).tolist()
    # The user's net is untouched, and a refit on every column is the net as is.
    assert net.module is not InputSubset
    everything = AttributionRFE(net, n_features_to_select=20, random_state=0)
    assert not isinstance(everything.fit(X, y).estimator_.module_, InputSubset)


def test_a_plain_net_in_a_pipeline_with_a_scaler(regression):
    X, y, relevant, informative = regression
    net = make_pipeline(StandardScaler(), make_net("written", X.shape[1], False))
    selector = AttributionRFE(net, **_FAST).fit(X, y)
    _check_selection(selector, X, relevant, informative)
    assert "warm" in selector.history_["training"]


# ----------------------------------------------------------- clear errors
class Strict(nn.Module):
    """Built for 12 columns, no width parameter, no lazy layer."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(12, 1)

    def forward(self, X):
        return self.layer(X)


def test_a_module_that_cannot_take_the_columns_fails_before_training(regression):
    X, y, _, _ = regression
    net = NeuralNetRegressor(Strict, max_epochs=1, train_split=None, verbose=0)
    X_wide = np.hstack([X, X[:, :1]])
    with pytest.raises(ValueError, match=r"module Strict .* cannot take 13 input"):
        AttributionRFE(net).fit(X_wide, y)
    # With a width parameter set to another width, the selector sets it.
    net = NeuralNetRegressor(
        Width, module__input_dim=12, max_epochs=2, train_split=None, verbose=0
    )
    selector = AttributionRFE(net, n_features_to_select=12, random_state=0)
    assert selector.fit(X, y).n_features_ == 12


def test_a_plain_net_after_transformers_that_change_the_columns(regression):
    X, y, _, _ = regression
    net = make_pipeline(PolynomialFeatures(2), make_net("lazy", 12, False))
    with pytest.raises(ValueError, match="polynomialfeatures.* change the columns"):
        AttributionRFE(net).fit(X, y)


# ---------------------------------------------------------- sample weights
@pytest.fixture(scope="module")
def corrupted():
    """1,500 rows, 40% of them with a corrupted target and weight 0."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(2000, 6))
    clean = X[:, 0] + np.sin(2 * X[:, 1]) + 0.5 * X[:, 2] ** 2
    corrupt = 2 * X[:, 3] - 2 * X[:, 4]  # another target, on other columns
    bad = rng.rand(2000) < 0.4
    y = np.where(bad, corrupt, clean)
    w = np.where(bad, 0.0, 1.0)
    train, test = np.arange(1500), np.arange(1500, 2000)
    test = test[~bad[test]]
    return X[train], y[train], w[train], X[test], y[test]


def _small_mlp(**params):
    params = {"lr": 0.01, "max_epochs": 300, "random_state": 0, **params}
    return MLPRegressor(hidden_layer_sizes=(32, 32), **params)


def test_weighted_mlp_ignores_the_rows_of_weight_zero(corrupted):
    X, y, w, X_test, y_test = corrupted
    assert _small_mlp().fit(X, y).score(X_test, y_test) < 0.5
    assert _small_mlp().fit(X, y, sample_weight=w).score(X_test, y_test) >= 0.9
    early = _small_mlp(early_stopping=True, batch_size=256)
    assert early.fit(X, y, sample_weight=w).score(X_test, y_test) >= 0.9


def test_weighted_selector_keeps_exactly_the_clean_targets_columns(corrupted):
    X, y, w, _, _ = corrupted
    net = _small_mlp(max_epochs=100)
    selector = AttributionRFE(net, random_state=0).fit(X, y, sample_weight=w)
    assert selector.get_support(indices=True).tolist() == [0, 1, 2]
    unweighted = AttributionRFE(net, random_state=0).fit(X, y)
    assert {3, 4} <= set(unweighted.get_support(indices=True))


@pytest.mark.parametrize(
    "weight, message",
    [
        (np.ones(7), r"shape \(1000,\); got shape \(7,\)"),
        (-np.ones(1000), "non-negative"),
        (np.zeros(1000), "zero for every row"),
        (np.r_[np.nan, np.ones(999)], "finite"),
    ],
)
def test_bad_sample_weight_is_refused_before_training(weight, message, regression):
    X, y, _, _ = regression
    for estimator in (MLPRegressor(max_epochs=1), AttributionRFE(MLPRegressor())):
        with pytest.raises(ValueError, match=message):
            estimator.fit(X, y, sample_weight=weight)


def test_sample_weight_needs_a_net_that_weighs_its_loss(regression):
    X, y, _, _ = regression
    net = make_net("lazy", 12, classifier=False)
    with pytest.raises(ValueError, match="NeuralNetRegressor.fit takes no sample"):
        AttributionRFE(net).fit(X, y, sample_weight=np.ones(len(X)))


# ------------------------------------------------------------------ groups
@pytest.fixture(scope="module")
def grouped():
    rng = np.random.RandomState(1)
    groups = np.repeat(np.arange(20), 40)
    offset = rng.normal(size=20)[groups]  # a group effect on the target
    X = rng.normal(size=(800, 8))
    y = X[:, 0] + np.sin(2 * X[:, 1]) + 0.3 * offset + 0.05 * rng.normal(size=800)
    return X, y, groups


def test_internal_splits_keep_each_group_on_one_side(grouped, monkeypatch):
    X, y, groups = grouped
    splits = []
    original = _path.split_rows

    def spy(y_part, fraction, rng, stratify, groups=None):
        first, second = original(y_part, fraction, rng, stratify, groups)
        splits.append((groups, first, second))
        return first, second

    monkeypatch.setattr(_path, "split_rows", spy)
    net = MLPRegressor(hidden_layer_sizes=(16,), lr=0.01, max_epochs=50)
    AttributionRFE(net, step=0.5, random_state=0).fit(X, y, groups=groups)
    assert len(splits) == 2  # validation, then early stopping
    for labels, first, second in splits:
        assert labels is not None
        assert not set(labels[first]) & set(labels[second])


def test_rfecv_passes_groups_to_its_splitter(grouped):
    X, y, groups = grouped
    net = MLPRegressor(hidden_layer_sizes=(16,), lr=0.01, max_epochs=100)
    selector = AttributionRFECV(net, cv=GroupKFold(4), step=0.25, random_state=0)
    selector.fit(X, y, groups=groups)
    assert selector.get_support(indices=True).tolist() == [0, 1]
    with pytest.raises(ValueError, match="groups"):
        AttributionRFECV(net, cv=GroupKFold(4)).fit(X, y)


@pytest.mark.parametrize(
    "groups, message",
    [(np.zeros(800), "1 distinct group"), (np.arange(5), r"shape \(800,\)")],
)
def test_bad_groups_are_refused_before_training(groups, message, grouped):
    X, y, _ = grouped
    with pytest.raises(ValueError, match=message):
        AttributionRFE(MLPRegressor()).fit(X, y, groups=groups)


# -------------------------------------------------------- metadata routing
def test_metadata_routing_reaches_the_selector_its_net_and_the_splits(grouped):
    X, y, groups = grouped
    w = np.ones(len(y))
    net = MLPRegressor(hidden_layer_sizes=(8,), lr=0.01, max_epochs=30)
    seen = {}

    class Spy(AttributionRFE):
        def fit(self, X, y, sample_weight=None, groups=None):
            seen["sample_weight"], seen["groups"] = sample_weight, groups
            return super().fit(X, y, sample_weight=sample_weight, groups=groups)

    with sklearn.config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            Spy(net, n_features_to_select=2, step=3, random_state=0).set_fit_request(
                sample_weight=True, groups=True
            ),
            Ridge()
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=True),
        )
        search = GridSearchCV(
            pipe, {"ridge__alpha": [0.1, 1.0]}, cv=GroupKFold(2), refit=True
        )
        search.fit(X, y, sample_weight=w, groups=groups)
    assert seen["sample_weight"] is not None and len(seen["sample_weight"]) == 800
    assert seen["groups"] is not None
    assert search.best_estimator_[1].n_features_ == 2
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_held_out_rows_of_weight_zero_only_are_refused():
    weights = np.r_[1.0, np.zeros(9)]
    np.testing.assert_array_equal(_rows.held_out_weights(weights, [0, 3], "X"), [1, 0])
    assert _rows.held_out_weights(None, [0, 3], "X") is None
    with pytest.raises(ValueError, match="zero on all the 2 held-out rows"):
        _rows.held_out_weights(weights, [2, 3], "AttributionRFE")
