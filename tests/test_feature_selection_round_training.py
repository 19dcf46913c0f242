"""RoundTraining: the one object for how the rounds of a path train."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skchaos.feature_selection import AttributionRFE, AttributionRFECV, RoundTraining
from skchaos.neural import MLPRegressor

DEPRECATED = {
    "warm_start": ("warm_start", False),
    "fine_tune_epochs": ("epochs", 2),
    "fine_tune_schedule": ("schedule", "constant"),
    "max_round_epochs": ("max_epochs", 7),
}


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(120, 5))
    return X, X[:, 0] + 0.5 * X[:, 1] + 0.05 * rng.randn(120)


def _net():
    return MLPRegressor(hidden_layer_sizes=(8,), lr=0.02, max_epochs=5, random_state=0)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("epochs", 0, "'epochs' parameter of RoundTraining"),
        ("epochs", "fast", "'epochs' parameter of RoundTraining"),
        ("schedule", "linear", "'schedule' parameter of RoundTraining"),
        ("max_epochs", 0, "'max_epochs' parameter of RoundTraining"),
        ("warm_start", "yes", "'warm_start' parameter of RoundTraining"),
        ("batch_size", 0, "'batch_size' parameter of RoundTraining"),
        ("batch_size", "full", "'batch_size' parameter of RoundTraining"),
        ("patience", 0, "'patience' parameter of RoundTraining"),
        ("patience", 2.5, "'patience' parameter of RoundTraining"),
        ("first_lr_factor", 0, "'first_lr_factor' parameter of RoundTraining"),
        ("first_lr_factor", "fast", "'first_lr_factor' parameter of RoundTraining"),
    ],
)
def test_bad_field_raises_naming_it(field, value, message):
    with pytest.raises((ValueError, TypeError), match=message):
        RoundTraining(**{field: value})


def test_is_immutable_comparable_and_picklable():
    training = RoundTraining(epochs=3, schedule="constant")
    with pytest.raises(AttributeError):
        training.epochs = 4
    assert training == RoundTraining(epochs=3, schedule="constant")
    assert training != RoundTraining(epochs=4)
    assert pickle.loads(pickle.dumps(training)) == training


def test_selector_with_round_training_clones_and_validates(data):
    selector = AttributionRFE(_net(), round_training=RoundTraining(epochs=2))
    assert clone(selector).get_params()["round_training"] == RoundTraining(epochs=2)
    with pytest.raises(ValueError, match="round_training"):
        AttributionRFE(_net(), round_training={"epochs": 2}).fit(*data)


@pytest.mark.parametrize("old", sorted(DEPRECATED))
def test_deprecated_name_warns_and_selects_as_the_new_one(data, old):
    field, value = DEPRECATED[old]
    params = {"n_features_to_select": 2, "refit": False, "random_state": 0}
    with pytest.warns(FutureWarning, match=rf"{old}=.*RoundTraining\({field}="):
        before = AttributionRFE(_net(), **{old: value}, **params).fit(*data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        after = AttributionRFE(
            _net(), round_training=RoundTraining(**{field: value}), **params
        ).fit(*data)
    assert before.history_["score"] == after.history_["score"]
    assert before.history_["epochs"] == after.history_["epochs"]
    np.testing.assert_array_equal(before.support_, after.support_)


def test_deprecated_name_overrides_its_field_of_round_training(data):
    # scikit-learn's checks set warm_start=False on any estimator with it.
    selector = AttributionRFECV(
        _net(), warm_start=False, round_training=RoundTraining(epochs=1), cv=2
    )
    with pytest.warns(FutureWarning, match="warm_start=False"):
        selector.fit(*data)
    assert set(selector.history_["training"][1:]) == {"cold"}
    rfe = AttributionRFE(
        _net(), fine_tune_epochs=2, round_training=RoundTraining(epochs=1)
    )
    with pytest.warns(FutureWarning, match="fine_tune_epochs=2"):
        rfe.fit(*data)
    assert set(rfe.history_["epochs"][1:]) == {2}


def test_default_is_round_training_defaults(data):
    params = {"n_features_to_select": 3, "refit": False, "random_state": 0}
    plain = AttributionRFE(_net(), **params).fit(*data)
    explicit = AttributionRFE(_net(), round_training=RoundTraining(), **params)
    explicit.fit(*data)
    assert plain.history_["score"] == explicit.history_["score"]
    assert plain.history_["training"][1:] == ["warm", "warm"]


def test_round_training_in_a_grid_search(data):
    search = GridSearchCV(
        AttributionRFE(_net(), n_features_to_select=2, random_state=0),
        {
            "round_training": [
                RoundTraining(epochs=1),
                RoundTraining(warm_start=False, epochs=1),
            ]
        },
        cv=2,
    ).fit(*data)
    trainings = search.cv_results_["param_round_training"]
    assert [t.warm_start for t in trainings] == [True, False]
    fitted = search.best_estimator_
    assert fitted.history_["training"][1] == (
        "warm" if fitted.round_training.warm_start else "cold"
    )


@pytest.fixture(scope="module")
def product_data():
    # 600 rows: the path's networks train on more than 256 rows, so a batch
    # of 256 and a full batch take different steps.
    rng = np.random.RandomState(1)
    X = rng.uniform(-1, 1, size=(600, 6))
    return X, X[:, 0] * X[:, 1] + 0.05 * rng.randn(600)


def _scores(X, y, net, **training):
    # Rounds capped at 12 epochs: enough for the settings to take different
    # steps, and fast.
    training = {"max_epochs": 12, **training}
    selector = AttributionRFE(
        net, round_training=RoundTraining(**training), random_state=0
    ).fit(X, y)
    return np.asarray(selector.history_["score"]), selector


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_auto_batch_size_gives_full_batch_nets_mini_batches_in_the_path(
    product_data,
):
    X, y = product_data
    # The first network's rate fixed: "auto" would speed up only the nets
    # that the path moves to mini-batches.
    auto, selector = _scores(X, y, _net(), first_lr_factor=1)
    explicit, _ = _scores(X, y, _net(), batch_size=256, first_lr_factor=1)
    own, _ = _scores(
        X, y, _net().set_params(batch_size=256), batch_size=None, first_lr_factor=1
    )
    full, _ = _scores(X, y, _net(), batch_size=None, first_lr_factor=1)
    np.testing.assert_allclose(auto, explicit)
    np.testing.assert_allclose(auto, own)
    assert not np.allclose(auto, full)
    # The final estimator is trained as given: full batches.
    assert selector.estimator_.batch_size is None
    # A net with its own batch size keeps it under "auto".
    net64 = _net().set_params(batch_size=64)
    np.testing.assert_allclose(
        _scores(X, y, net64)[0], _scores(X, y, net64, batch_size=None)[0]
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_auto_first_lr_factor_speeds_up_first_networks_moved_to_mini_batches(
    product_data,
):
    X, y = product_data
    # A full-batch net moved to mini-batches of 32 rows, with at least four
    # of them in the first network's training rows: three times the rate.
    auto, selector = _scores(X, y, _net(), batch_size=32)
    np.testing.assert_allclose(
        auto, _scores(X, y, _net(), batch_size=32, first_lr_factor=3)[0]
    )
    assert not np.allclose(
        auto, _scores(X, y, _net(), batch_size=32, first_lr_factor=1)[0]
    )
    assert selector.estimator_.lr == _net().lr  # estimator_ as given
    # Fewer than four mini-batches of 256 rows: the net's own rate.
    np.testing.assert_allclose(
        _scores(X, y, _net())[0], _scores(X, y, _net(), first_lr_factor=1)[0]
    )
    # A net with its own batch size keeps its rate.
    net = _net().set_params(batch_size=32)
    np.testing.assert_allclose(
        _scores(X, y, net)[0], _scores(X, y, net, first_lr_factor=1)[0]
    )


def test_first_lr_factor_trains_the_first_network_faster_then_restores_the_rate(
    data,
):
    from skchaos.feature_selection._warm_start import RoundTrainer

    X, y = data
    fit, es = slice(0, 90), slice(90, None)

    def first(lr, factor):
        net = _net().set_params(lr=lr, max_epochs=8)
        trainer = RoundTrainer(
            net,
            warm_start=True,
            epochs="auto",
            schedule="cosine",
            max_round_epochs=16,
            first_lr_factor=(factor, 0),
        )
        return trainer.first(X[fit], y[fit], X[es], y[es], seed=3)[0]

    faster, at_three = first(0.01, 3.0), first(0.03, 1.0)
    # The same training as a net given three times the rate...
    assert len(faster.history_) == len(at_three.history_)
    for a, b in zip(faster.module_.parameters(), at_three.module_.parameters()):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy())
    # ...after which the rounds that continue it train at the net's own rate,
    # with the optimizer's state kept.
    assert faster.lr == 0.01
    assert {g["lr"] for g in faster.optimizer_.param_groups} == {0.01}
    assert faster.optimizer_.state


def test_first_lr_factor_for_an_estimator_without_an_lr_raises_before_training(
    data,
):
    from sklearn.linear_model import Ridge

    selector = AttributionRFE(
        Ridge(),
        attribution="permutation",
        round_training=RoundTraining(first_lr_factor=2),
    )
    with pytest.raises(ValueError, match=r"first_lr_factor=2\) needs a network"):
        selector.fit(*data)
    # "auto" and 1 leave it alone.
    for factor in ("auto", 1):
        training = RoundTraining(first_lr_factor=factor)
        AttributionRFE(Ridge(), attribution="permutation", round_training=training).fit(
            *data
        )


def test_batch_size_for_an_estimator_without_one_raises_before_training(data):
    from sklearn.linear_model import Ridge

    selector = AttributionRFE(
        Ridge(), attribution="permutation", round_training=RoundTraining(batch_size=32)
    )
    with pytest.raises(ValueError, match=r"batch_size=32\) needs a network"):
        selector.fit(*data)
    # "auto" leaves it alone.
    AttributionRFE(Ridge(), attribution="permutation").fit(*data)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("patience, expected", [("auto", 3), (None, 6), (2, 2)])
def test_patience_ends_the_warm_rounds_only(data, patience, expected):
    # A warm round that does not improve stops after its patience, or trains
    # no epoch when it starts no worse than its predecessor had converged
    # to (not with patience=None); the first network keeps the net's own
    # n_iter_no_change (6).
    X, y = data
    net = _net().set_params(n_iter_no_change=6)
    selector = _fitted_with_patience(X, y, net, patience)
    assert selector.history_["training"][1:] == ["warm"] * 3
    warm = selector.history_["epochs"][1:]
    assert min(epochs for epochs in warm if epochs > 0) >= expected
    assert (0 in warm) is (patience is not None)
    if patience is not None:  # fewer epochs than rounds that train like the first
        patient = _fitted_with_patience(X, y, net, None)
        assert sum(warm) < sum(patient.history_["epochs"][1:])
    # The first network stops only after 6 epochs without improvement
    # (after its first epoch).
    assert selector.history_["epochs"][0] >= 1 + 6


def _fitted_with_patience(X, y, net, patience):
    return AttributionRFE(
        net,
        n_features_to_select=2,
        step=1,
        round_training=RoundTraining(patience=patience),
        random_state=0,
    ).fit(X, y)
