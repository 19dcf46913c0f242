"""Behaviour of AttributionRFE: selection, inputs, state, outputs."""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetClassifier
from torch import nn

from skchaos.attribution import available_methods
from skchaos.datasets import make_audio_localization, make_symbolic
from skchaos.feature_selection import AttributionRFE, AttributionRFECV, RoundTraining
from skchaos.neural import AudioCNNClassifier, MLPClassifier, MLPRegressor


def _net(**params):
    settings = {
        "hidden_layer_sizes": (8,),
        "lr": 0.05,
        "max_epochs": 20,
        "random_state": 0,
    }
    return MLPRegressor(**{**settings, **params})


@pytest.fixture(scope="module")
def data():
    """Two relevant columns (0 and 1) among six."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(200, 6))
    y = X[:, 0] - 0.8 * X[:, 1]
    return X, y


def test_selects_the_relevant_features_of_a_paper_formula():
    # Formula 7, 0.25 a^3 + 0.75 b^2, with 10 noise features: "auto" must
    # find exactly a and b without being told how many there are.
    X, y = make_symbolic(7, n_samples=1000, n_noise_features=10, random_state=0)
    net = MLPRegressor(hidden_layer_sizes=(32,), lr=1e-2, batch_size=200, max_epochs=40)
    # 40 short epochs: fine-tune each round for 10 of them (not 4). With 200
    # validation rows the validation MSE of neighbouring sizes varies by ~5%.
    selector = AttributionRFE(
        net, round_training=RoundTraining(epochs=0.25), tol=0.1, random_state=0
    ).fit(X, y)
    assert selector.get_support(indices=True).tolist() == [0, 1]
    assert selector.n_features_ == 2
    assert (selector.ranking_[2:] > 1).all()
    # The path ran below the selected size, whose score is near the best.
    assert min(selector.history_["n_features"]) < 2
    assert selector.history_["training"][1:] == ["warm"] * (
        len(selector.history_["training"]) - 1
    )


def test_fitted_attributes_are_consistent(data):
    X, y = data
    selector = AttributionRFE(_net(), step=1, n_features_to_select=2, random_state=0)
    selector.fit(X, y)
    history = selector.history_
    assert history["n_features"] == [6, 5, 4, 3, 2]
    assert [len(f) for f in history["features"]] == history["n_features"]
    assert [len(e) for e in history["eliminated"]] == [1, 1, 1, 1, 0]
    assert [len(i) for i in history["importances"]] == history["n_features"]
    assert (selector.ranking_ == 1).tolist() == selector.support_.tolist()
    # Eliminated first -> largest rank; each round removed one feature.
    first = history["eliminated"][0][0]
    assert selector.ranking_[first] == selector.ranking_.max() == 5
    assert sorted(selector.ranking_[~selector.support_]) == [2, 3, 4, 5]
    # importances_ of a selected feature come from the last round.
    last = history["importances"][-1]
    np.testing.assert_allclose(selector.importances_[history["features"][-1]], last)
    np.testing.assert_allclose(
        selector.importances_[first], history["importances"][0][first]
    )
    assert selector.estimator_.n_features_in_ == 2
    assert selector.predict(X).shape == (200,)
    assert selector.score(X, y) > 0.8


def test_n_features_to_select_fraction_and_int(data):
    X, y = data
    half = AttributionRFE(_net(max_epochs=5), n_features_to_select=0.5, random_state=0)
    assert half.fit(X, y).n_features_ == 3
    four = AttributionRFE(_net(max_epochs=5), n_features_to_select=4, random_state=0)
    assert four.fit(X, y).n_features_ == 4


def test_step_is_a_fraction_of_the_features_left():
    X = np.random.RandomState(0).normal(size=(60, 20))
    y = X[:, 0]
    selector = AttributionRFE(
        _net(max_epochs=2),
        step=0.3,
        n_features_to_select=1,
        round_training=RoundTraining(epochs=1),
        random_state=0,
    ).fit(X, y)
    # 20 -> 14 (6 = 30% of 20) -> 10 (4) -> 7 (3) -> 5 (2) -> 4 -> 3 -> 2 -> 1
    assert selector.history_["n_features"] == [20, 14, 10, 7, 5, 4, 3, 2, 1]


def test_same_random_state_same_result(data):
    X, y = data
    net = MLPRegressor(hidden_layer_sizes=(8,), lr=0.05, max_epochs=10)
    fits = [AttributionRFE(net, random_state=3).fit(X, y) for _ in range(2)]
    assert fits[0].support_.tolist() == fits[1].support_.tolist()
    assert fits[0].history_["score"] == fits[1].history_["score"]
    np.testing.assert_array_equal(fits[0].predict(X), fits[1].predict(X))
    # The user's estimator is never fitted or changed.
    assert net.random_state is None and not net.initialized_


@pytest.mark.parametrize(
    "change, params, error, match",
    [
        ("nan", {}, ValueError, "Input X contains NaN"),
        ("inf", {}, ValueError, "Input X contains infinity"),
        ("one_feature", {}, ValueError, "1 feature"),
        ("short_y", {}, ValueError, "inconsistent numbers of samples"),
        (None, {"n_features_to_select": 7}, ValueError, "n_features_to_select=7"),
        (None, {"min_features_to_select": 9}, ValueError, "min_features_to_select=9"),
        (None, {"attribution": "magic"}, ValueError, "attribution='magic'"),
        (None, {"attribution_params": {"bogus": 1}}, TypeError, "bogus"),
        (None, {"attribution_params": {"target": 0}}, ValueError, "target"),
        (None, {"feature_groups": [0, 1]}, ValueError, "feature_groups"),
        (None, {"feature_groups": [0] * 6}, ValueError, "single group"),
        (None, {"step": 0}, ValueError, "step"),
        (None, {"input_penalty": -1.0}, ValueError, "'input_penalty' parameter"),
        (None, {"input_penalty": "big"}, ValueError, "'input_penalty' parameter"),
    ],
)
def test_bad_input_raises_before_any_fitted_attribute(
    data, change, params, error, match
):
    X, y = data[0].copy(), data[1]
    if change == "nan":
        X[3, 2] = np.nan
    elif change == "inf":
        X[3, 2] = np.inf
    elif change == "one_feature":
        X = X[:, :1]
    elif change == "short_y":
        y = y[:-1]
    selector = AttributionRFE(_net(), **params)
    with pytest.raises(error, match=match):
        selector.fit(X, y)
    assert not hasattr(selector, "support_")
    assert not hasattr(selector, "n_features_in_")


def test_unknown_attribution_lists_the_methods(data):
    with pytest.raises(ValueError) as info:
        AttributionRFE(_net(), attribution="magic").fit(*data)
    for name in [*available_methods(), "permutation"]:
        assert name in str(info.value)


def test_failed_refit_keeps_the_previous_fit(data):
    X, y = data
    selector = AttributionRFE(_net(), n_features_to_select=2, random_state=0)
    selector.fit(X, y)
    fitted = {k: v for k, v in vars(selector).items() if k.endswith("_")}
    # Fails at validation ...
    with pytest.raises(ValueError):
        selector.fit(X[:, :1], y)
    # ... and deep inside the path, after training started.
    selector.set_params(attribution=lambda est, X_val, y_val: np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        selector.fit(pd.DataFrame(X, columns=list("abcdef")), y)
    after = {k: v for k, v in vars(selector).items() if k.endswith("_")}
    assert after.keys() == fitted.keys()  # no feature_names_in_ from the frame
    assert all(after[k] is v for k, v in fitted.items())


def test_callable_attribution(data):
    X, y = data
    seen = []

    def by_column_index(estimator, X_val, y_val, offset=0.0):
        seen.append(X_val.shape)
        # Higher index = more important: the lowest indices go first.
        return np.arange(X_val.shape[1]) + offset

    selector = AttributionRFE(
        _net(max_epochs=2),
        attribution=by_column_index,
        attribution_params={"offset": 1.0},
        step=1,
        n_features_to_select=2,
        random_state=0,
    ).fit(X, y)
    assert selector.get_support(indices=True).tolist() == [4, 5]
    assert selector.ranking_.tolist() == [5, 4, 3, 2, 1, 1]
    assert seen[0] == (40, 6) and seen[-1] == (40, 2)


def test_callable_per_sample_attributions_are_aggregated(data):
    X, y = data

    def signed(estimator, X_val, y_val):
        # Column 0 is large with cancelling signs (mean_abs keeps it); the last
        # column is the weakest, so it goes in every round.
        out = np.ones_like(X_val)
        out[:, 0] = np.where(np.arange(len(X_val)) % 2, 5.0, -5.0)
        out[:, -1] = 0.5
        return out

    selector = AttributionRFE(
        _net(max_epochs=2),
        attribution=signed,
        step=1,
        n_features_to_select=4,
        random_state=0,
    ).fit(X, y)
    assert selector.get_support(indices=True).tolist() == [0, 1, 2, 3]
    # The eliminated columns hold the importance that eliminated them.
    np.testing.assert_allclose(selector.importances_, [5, 1, 1, 0.5, 0.5, 0.5])


def test_permutation_fallback_for_estimators_without_gradients(data):
    X, y = data
    forest = RandomForestRegressor(n_estimators=10, max_depth=4)
    with pytest.warns(UserWarning, match="falling back to permutation"):
        selector = AttributionRFE(
            forest, step=2, n_features_to_select=2, random_state=0
        ).fit(X, y)
    assert selector.get_support(indices=True).tolist() == [0, 1]
    assert set(selector.history_["training"][1:]) == {"cold"}
    assert selector.estimator_.random_state is not None  # seeded clone


def test_explicit_permutation_does_not_warn(data, recwarn):
    X, y = data
    selector = AttributionRFE(
        Ridge(), attribution="permutation", n_features_to_select=2, random_state=0
    ).fit(X, y)
    assert selector.get_support(indices=True).tolist() == [0, 1]
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def test_classifier_with_log_loss_and_delegation():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5))
    y = np.where(X[:, 2] > 0, "yes", "no")
    clf = MLPClassifier(hidden_layer_sizes=(8,), lr=0.05, max_epochs=20, random_state=0)
    selector = AttributionRFE(clf, n_features_to_select=1, random_state=0).fit(X, y)
    assert selector.get_support(indices=True).tolist() == [2]
    assert selector.classes_.tolist() == ["no", "yes"]
    assert selector.predict_proba(X).shape == (200, 2)
    assert selector.decision_function(X).shape == (200,)
    assert selector.score(X, y) > 0.9
    assert all(score < 0 for score in selector.history_["score"])  # neg log-loss
    assert not hasattr(AttributionRFE(_net()), "predict_proba")


def test_pipeline_in_grid_search():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 5))
    y = 2 * X[:, 0] + X[:, 1]
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("selector", AttributionRFE(_net(max_epochs=5), random_state=0)),
            ("ridge", Ridge()),
        ]
    )
    grid = GridSearchCV(
        pipe,
        {"selector__step": [1, 0.5], "selector__estimator__lr": [0.01, 0.05]},
        cv=2,
    ).fit(X, y)
    assert set(grid.best_params_) == {"selector__step", "selector__estimator__lr"}
    assert grid.predict(X[:3]).shape == (3,)
    assert grid.best_estimator_["selector"].support_[:2].all()


def test_pipeline_estimator_is_warm_started_through_a_scaler(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), _net(max_epochs=10))
    selector = AttributionRFE(pipe, step=2, n_features_to_select=2, random_state=0)
    selector.fit(X * 10 + 3, y)
    assert selector.history_["training"] == ["initial", "warm", "warm"]
    assert selector.get_support(indices=True).tolist() == [0, 1]
    assert selector.estimator_[0].n_features_in_ == 2


def test_set_output_pandas_keeps_feature_names(data):
    X, y = data
    frame = pd.DataFrame(X, columns=[f"col{j}" for j in range(6)])
    selector = AttributionRFE(_net(), n_features_to_select=2, random_state=0)
    selector.set_output(transform="pandas").fit(frame, y)
    out = selector.transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == ["col0", "col1"]
    assert selector.get_feature_names_out().tolist() == ["col0", "col1"]
    assert selector.feature_names_in_.tolist() == frame.columns.tolist()
    back = selector.inverse_transform(out.to_numpy())
    assert back.shape == (200, 6) and not back[:, 2:].any()


def test_pickle_round_trip(data):
    X, y = data
    selector = AttributionRFE(_net(), n_features_to_select=2, random_state=0)
    selector.fit(X, y)
    clone = pickle.loads(pickle.dumps(selector))
    np.testing.assert_array_equal(clone.support_, selector.support_)
    np.testing.assert_allclose(clone.predict(X), selector.predict(X))


def test_refit_false_keeps_the_path_model(data):
    X, y = data
    selector = AttributionRFE(
        _net(), n_features_to_select=2, step=2, refit=False, random_state=0
    ).fit(X, y)
    assert selector.estimator_.n_features_in_ == 2
    # It is the model that was scored on the validation rows in the last round.
    assert selector.estimator_.n_iter_ > 20


@pytest.mark.parametrize(
    "params, rounds_penalty",
    [
        ({}, 0.3),  # "auto"
        ({"input_penalty": 0.5}, 0.5),
        ({"input_penalty": 0.0}, 0.0),
    ],
)
def test_input_penalty_trains_the_rounds_but_not_the_refit(
    data, params, rounds_penalty
):
    X, y = data
    net = _net()
    kwargs = {"n_features_to_select": 2, "step": 2, "random_state": 0, **params}
    path_model = AttributionRFE(net, refit=False, **kwargs).fit(X, y).estimator_
    assert path_model.input_penalty == rounds_penalty
    refitted = AttributionRFE(net, **kwargs).fit(X, y).estimator_
    assert refitted.input_penalty == 0.0  # the estimator as given
    assert net.input_penalty == 0.0  # which is never changed


def test_auto_input_penalty_grows_with_the_square_root_of_the_width():
    from skchaos.feature_selection._round_params import (
        auto_input_penalty,
        with_input_penalty,
    )

    assert auto_input_penalty(5) == auto_input_penalty(1100) == 0.3
    assert auto_input_penalty(4400) == pytest.approx(0.6)
    rounds = with_input_penalty(_net(), "auto", "AttributionRFE", 4400)
    assert rounds.input_penalty == pytest.approx(0.6)
    assert with_input_penalty(_net(), 0.2, "AttributionRFE", 4400).input_penalty == 0.2


@pytest.mark.parametrize(
    "own, rounds_penalty",
    [(0.0, 0.5), (0.2, 0.2)],  # the selector's reaches the net; the net's own wins
)
def test_input_penalty_reaches_a_net_inside_a_pipeline(data, own, rounds_penalty):
    X, y = data
    selector = AttributionRFE(
        make_pipeline(StandardScaler(), _net(input_penalty=own)),
        input_penalty=0.5,
        n_features_to_select=2,
        refit=False,
        random_state=0,
    ).fit(X, y)
    assert selector.estimator_[-1].input_penalty == rounds_penalty


def test_positive_input_penalty_needs_a_net_that_has_one(data):
    X, y = data
    ridge = AttributionRFE(Ridge(), attribution="permutation", n_features_to_select=2)
    with pytest.raises(ValueError, match=r"input_penalty=0.5 needs .*Ridge has none"):
        ridge.set_params(input_penalty=0.5).fit(X, y)
    assert not hasattr(ridge, "support_")
    for penalty in ("auto", 0.0):  # nothing to penalize: trained as given
        ridge.set_params(input_penalty=penalty).fit(X, y)
        assert ridge.get_support(indices=True).tolist() == [0, 1]


def test_input_penalty_lets_the_first_network_learn_past_many_noise_columns():
    # 198 noise columns and 320 training rows: without the penalty the first
    # network memorizes its rows through the noise and predicts the
    # validation rows like a constant (its ranking is then noise).
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(400, 200))
    y = X[:, 0] ** 2 + np.sin(2 * X[:, 1])
    net = MLPRegressor(
        hidden_layer_sizes=(32, 32), lr=5e-3, batch_size=64, max_epochs=10
    )
    params = {"step": 0.5, "n_features_to_select": 100, "random_state": 0}
    with pytest.warns(UserWarning, match="first network predicts .* no better"):
        plain = AttributionRFE(net, input_penalty=0, **params).fit(X, y)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*no better than a constant")
        penalized = AttributionRFE(net, **params).fit(X, y)
    # Standardized validation MSE of the first network: ~0.9 against ~0.3.
    assert -penalized.history_["score"][0] < 0.5 * -plain.history_["score"][0]


def test_cold_start_retrains_a_clone_each_round(data):
    X, y = data
    selector = AttributionRFE(
        _net(),
        round_training=RoundTraining(warm_start=False),
        step=2,
        n_features_to_select=2,
        random_state=0,
    ).fit(X, y)
    assert selector.history_["training"] == ["initial", "cold", "cold"]
    assert selector.get_support(indices=True).tolist() == [0, 1]


def test_feature_groups_eliminate_whole_groups():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(200, 6))
    y = X[:, 2] + X[:, 3]  # group "b"
    groups = ["a", "a", "b", "b", "c", "c"]
    for attribution in ("saliency", "feature_ablation", "permutation"):
        selector = AttributionRFE(
            _net(),
            attribution=attribution,
            feature_groups=groups,
            n_features_to_select=1,
            random_state=0,
        ).fit(X, y)
        assert selector.get_support(indices=True).tolist() == [2, 3], attribution
        assert selector.history_["n_groups"] == [3, 2, 1]
        assert selector.history_["n_features"] == [6, 4, 2]
        assert selector.ranking_[0] == selector.ranking_[1]
        assert selector.importances_[2] == selector.importances_[3]


class _ChannelNet(nn.Module):
    """Conv1d over (n, channels, time), then a linear head."""

    def __init__(self, in_channels=4, n_classes=2):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, 6, kernel_size=3, padding=1)
        self.act = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.head = nn.Linear(6, n_classes)

    def forward(self, X):
        return self.head(self.pool(self.act(self.conv(X))).squeeze(-1))


def _channel_classifier():
    # A plain skorch net with its channel count as a module parameter.
    return NeuralNetClassifier(
        _ChannelNet,
        module__in_channels=4,
        max_epochs=15,
        lr=0.05,
        optimizer=torch.optim.Adam,
        criterion=nn.CrossEntropyLoss,
        train_split=None,
        verbose=0,
    )


def test_channels_of_nd_inputs_are_the_units():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(160, 4, 8)).astype(np.float32)
    y = (X[:, 1].mean(axis=1) > 0).astype(np.int64)  # channel 1 decides
    selector = AttributionRFE(
        _channel_classifier(), n_features_to_select=1, random_state=0
    ).fit(X, y)
    assert selector.support_.tolist() == [False, True, False, False]
    # Warm rounds: the channels reach the module through InputSubset.
    assert selector.history_["training"][1:] == ["warm"] * 3
    assert selector.transform(X).shape == (160, 1, 8)
    assert selector.inverse_transform(selector.transform(X)).shape == X.shape
    assert selector.predict(X).shape == (160,)
    assert selector.score(X, y) > 0.8
    with pytest.raises(ValueError, match="channels"):
        selector.transform(X[:, :3])
    with pytest.raises(ValueError, match="feature_groups is for 2-D"):
        AttributionRFE(_channel_classifier(), feature_groups=[0, 0, 1, 1]).fit(X, y)


def test_shared_channel_encoder_keeps_the_informative_channel_warm():
    """The default AudioCNNClassifier is rebuilt, not retrained, each round."""
    X, y = make_audio_localization(
        n_samples=300, condition="RBFP", n_channels=4, n_timesteps=500, random_state=0
    )
    net = AudioCNNClassifier(channels=(8, 16), lr=1e-2, max_epochs=12, random_state=0)
    selector = AttributionRFE(
        net, n_features_to_select=1, step=0.5, random_state=0
    ).fit(X, y)
    assert selector.history_["training"][1:] == ["warm", "warm"]
    assert selector.support_.tolist() == [True, False, False, False]
    assert selector.estimator_.input_shape_ == (1, 500)


def test_plot_history_returns_axes(data):
    import matplotlib.pyplot as plt

    selector = AttributionRFE(_net(max_epochs=5), random_state=0).fit(*data)
    ax = selector.plot_history()
    assert ax.get_xlabel() == "number of features"
    assert "neg_mean_squared_error" in ax.get_ylabel()
    plt.close("all")


def test_verbose_prints_one_line_per_round(data, capsys):
    AttributionRFE(
        _net(max_epochs=3), n_features_to_select=3, verbose=1, random_state=0
    ).fit(*data)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4  # 6, 5, 4, 3 features
    assert re.match(r"\[AttributionRFE\] 6 features left: validation", lines[0])
    assert "s in all" in lines[-1]


def test_logistic_regression_needs_no_torch(data):
    X, y = data
    labels = (y > 0).astype(int)
    selector = AttributionRFE(
        LogisticRegression(), attribution="feature_ablation", n_features_to_select=2
    ).fit(X, labels)
    assert selector.get_support(indices=True).tolist() == [0, 1]


# ------------------------------------------------------ patience, size rule
@pytest.fixture(scope="module")
def noisy():
    """Four relevant columns (0 to 3) among eight, with noise in y."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(200, 8))
    y = X[:, 0] - 0.8 * X[:, 1] + 0.6 * X[:, 2] + 0.7 * X[:, 3]
    return X, y + 0.1 * rng.normal(size=200)


def test_patience_stops_once_rounds_stop_being_acceptable(noisy):
    X, y = noisy
    fits = {
        patience: AttributionRFE(_net(), step=1, patience=patience, random_state=0)
        .fit(X, y)
        .history_
        for patience in (None, 1, 2, 100)
    }
    full = fits[None]
    assert full["n_features"] == [8, 7, 6, 5, 4, 3, 2, 1]
    assert fits[100]["score"] == full["score"]
    for patience in (1, 2):
        history = fits[patience]
        n_rounds = len(history["score"])
        # The same path, cut short: removing a relevant feature (the round
        # with 3 features left) is far outside the band, so the path stops
        # at the latest `patience` rounds after it.
        assert history["score"] == full["score"][:n_rounds]
        assert history["n_features"][-1] >= 4 - patience
        assert n_rounds < len(full["score"])


def test_patience_auto_cuts_only_the_tail(noisy, capsys):
    X, y = noisy
    assert AttributionRFE(_net()).patience is None  # the whole path by default
    auto = AttributionRFE(_net(), step=1, patience="auto", verbose=1, random_state=0)
    auto.fit(X, y)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "stopped before the last size" in last and "patience='auto'" in last
    full = AttributionRFE(_net(), step=1, patience=None, random_state=0).fit(X, y)
    n_rounds = len(auto.history_["score"])
    # The same path up to a round that lost a relevant feature, then no more.
    assert auto.history_["score"] == full.history_["score"][:n_rounds]
    assert n_rounds < len(full.history_["score"])
    assert auto.history_["n_features"][-1] == 3
    assert auto.get_support(indices=True).tolist() == [0, 1, 2, 3]
    assert auto.get_support().tolist() == full.get_support().tolist()


@pytest.mark.parametrize("patience", [1, 2])
def test_patience_keeps_the_relevant_features(noisy, patience):
    X, y = noisy
    selector = AttributionRFE(_net(), step=1, patience=patience, random_state=0)
    support = selector.fit(X, y).get_support(indices=True)
    assert {0, 1, 2, 3} <= set(support)
    # The rounds that stopped the path were not acceptable: not selected.
    assert selector.n_features_ > selector.history_["n_features"][-1]


def test_tol_auto_and_floats_choose_along_the_same_path(noisy):
    X, y = noisy
    fits = {
        tol: AttributionRFE(_net(), step=1, tol=tol, random_state=0).fit(X, y)
        for tol in ("auto", 0.0, 1e9)
    }
    scores = fits["auto"].history_["score"]
    for selector in fits.values():
        assert selector.history_["score"] == scores  # the same path
    sizes = fits["auto"].history_["n_features"]
    # tol=0: the best-scoring size; a huge tol: the smallest size.
    assert fits[0.0].n_features_ == sizes[int(np.argmax(scores))]
    assert fits[1e9].n_features_ == 1
    assert fits["auto"].get_support(indices=True).tolist() == [0, 1, 2, 3]
    assert fits[1e9].n_features_ <= fits["auto"].n_features_ <= fits[0.0].n_features_


def test_tol_auto_with_a_custom_scoring_is_two_percent(noisy):
    X, y = noisy
    auto, fixed = (
        AttributionRFE(
            _net(), step=1, scoring="neg_mean_absolute_error", tol=tol, random_state=0
        ).fit(X, y)
        for tol in ("auto", 0.02)
    )
    assert auto.history_["score"] == fixed.history_["score"]
    np.testing.assert_array_equal(auto.support_, fixed.support_)
    scores = np.array(auto.history_["score"])
    chosen = auto.history_["n_features"].index(auto.n_features_)
    assert scores[chosen] >= scores.max() - 0.02 * abs(scores.max())


# ---------------------------------------------------- importance aggregation
# Column j of X takes three values whose gaps have the ratio j + 1, which any
# standardization keeps: the attribution below recognizes the columns that
# are left and returns fixed per-row attributions for each of them.
_PATTERNS = {
    0: lambda n: np.where(np.arange(n) == 0, -10.0, 0.0),  # a spike on one row
    1: lambda n: np.full(n, 0.5),  # small but everywhere
    2: lambda n: np.full(n, -0.4),
    3: lambda n: np.full(n, 0.2),
}


def _column_id(column):
    low, mid, high = np.unique(column)
    return round((high - mid) / (mid - low)) - 1


def _fixed_attributions(estimator, X_val, y_val):
    ids = [_column_id(column) for column in X_val.T]
    return np.stack([_PATTERNS[j](len(X_val)) for j in ids], axis=1)


@pytest.fixture(scope="module")
def identified():
    levels = np.array([[0.0, 1.0, 1.0 + ratio] for ratio in (1, 2, 3, 4)])
    rows = np.arange(200)
    X = levels[:, (rows + rows // 3) % 3].T  # every level in every column
    assert [_column_id(column) for column in X.T] == [0, 1, 2, 3]
    return X, np.random.RandomState(0).normal(size=200)


@pytest.mark.parametrize(
    "aggregation, selected, importance_of_0",
    [
        ("mean_abs", [1], 10 / 40),
        ("rms", [0], 10 / np.sqrt(40)),
        ("max_abs", [0], 10.0),
    ],
)
def test_importance_aggregation_ranks_a_spike(
    identified, aggregation, selected, importance_of_0
):
    X, y = identified
    selector = AttributionRFE(
        Ridge(),
        attribution=_fixed_attributions,
        importance_aggregation=aggregation,
        step=1,
        n_features_to_select=1,
        random_state=0,
    ).fit(X, y)
    assert selector.get_support(indices=True).tolist() == selected
    # Column 3 (0.2 everywhere) is the weakest by every rule.
    assert selector.history_["eliminated"][0].tolist() == [3]
    np.testing.assert_allclose(selector.importances_[0], importance_of_0)
    np.testing.assert_allclose(selector.importances_[[1, 3]], [0.5, 0.2])


# ------------------------------------------------------- epochs, schedules
def test_fine_tune_schedule_changes_fixed_length_rounds(data):
    X, y = data
    fits = {
        schedule: AttributionRFE(
            _net(),
            round_training=RoundTraining(epochs=5, schedule=schedule),
            n_features_to_select=3,
            refit=False,
            random_state=0,
        ).fit(X, y)
        for schedule in ("cosine", "constant")
    }
    cosine, constant = (fits[s].history_ for s in ("cosine", "constant"))
    assert cosine["score"][0] == constant["score"][0]  # the same first network
    assert cosine["score"][1:] != constant["score"][1:]
    assert cosine["epochs"][1:] == constant["epochs"][1:] == [5, 5, 5]
    assert not np.allclose(
        fits["cosine"].predict(X), fits["constant"].predict(X), atol=1e-6
    )


def test_fine_tune_schedule_is_ignored_under_auto(data):
    X, y = data
    fits = [
        AttributionRFE(
            _net(),
            round_training=RoundTraining(schedule=schedule),
            n_features_to_select=3,
            refit=False,
            random_state=0,
        ).fit(X, y)
        for schedule in ("cosine", "constant")
    ]
    assert fits[0].history_["score"] == fits[1].history_["score"]
    assert fits[0].history_["epochs"] == fits[1].history_["epochs"]
    np.testing.assert_array_equal(fits[0].predict(X), fits[1].predict(X))


def test_auto_epochs_fill_converged_and_epochs(data):
    X, y = data
    net = _net(max_epochs=10, n_iter_no_change=3)
    selector = AttributionRFE(
        net,
        n_features_to_select=3,
        round_training=RoundTraining(max_epochs=400),
        random_state=0,
    ).fit(X, y)
    history = selector.history_
    assert history["training"] == ["initial", "warm", "warm", "warm"]
    assert all(ok is True for ok in history["converged"])
    assert all(isinstance(n, int) and 0 <= n <= 400 for n in history["epochs"])
    assert history["epochs"][0] >= 10  # the first network: at least max_epochs
    # Warm rounds may train no epoch (RoundTraining(patience="auto")); with
    # patience=None each stops n_iter_no_change epochs after its best one.
    patient = AttributionRFE(
        net,
        n_features_to_select=3,
        round_training=RoundTraining(max_epochs=400, patience=None),
        random_state=0,
    ).fit(X, y)
    assert all(n >= 3 for n in patient.history_["epochs"][1:])


def test_fixed_epochs_leave_converged_unset(data):
    X, y = data
    selector = AttributionRFE(
        _net(max_epochs=4),
        round_training=RoundTraining(epochs=2),
        n_features_to_select=4,
        random_state=0,
    ).fit(X, y)
    assert selector.history_["epochs"] == [4, 2, 2]
    assert selector.history_["converged"] == [None, None, None]


def test_estimators_that_are_not_nets_have_no_epochs(data):
    X, y = data
    selector = AttributionRFE(
        Ridge(), attribution="permutation", n_features_to_select=4, random_state=0
    ).fit(X, y)
    assert selector.history_["epochs"] == [None, None, None]
    assert selector.history_["converged"] == [None, None, None]


def test_max_round_epochs_reached_warns(data):
    X, y = data
    selector = AttributionRFE(
        _net(),
        n_features_to_select=4,
        # patience=None: every warm round trains (none may start converged).
        round_training=RoundTraining(max_epochs=2, patience=None),
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="epoch cap of 2") as record:
        selector.fit(X, y)
    assert "3 of 3 rounds" in str(record[0].message)
    assert selector.history_["converged"] == [False, False, False]
    assert selector.history_["epochs"] == [2, 2, 2]


def test_classifier_with_a_column_vector_y():
    X = np.random.RandomState(0).uniform(size=(30, 3))
    y = np.arange(30) % 3
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_epochs=3, random_state=0)
    params = {"round_training": RoundTraining(epochs=1), "step": 0.5, "random_state": 0}
    flat = AttributionRFE(clf, **params).fit(X, y)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = AttributionRFE(clf, **params).fit(X, y[:, None])
    assert column.history_["score"] == flat.history_["score"]
    np.testing.assert_array_equal(column.predict(X), flat.predict(X))


@pytest.mark.parametrize("Selector", [AttributionRFE, AttributionRFECV])
def test_integer_regression_targets_are_not_truncated(data, Selector):
    X, y = data
    labels = np.rint(3 * y).astype(np.int64)  # integer values of a regression
    params = {"round_training": RoundTraining(epochs=2), "step": 2, "random_state": 0}
    if Selector is AttributionRFECV:
        params["cv"] = 2
    as_int = Selector(_net(max_epochs=5), **params).fit(X, labels)
    as_float = Selector(_net(max_epochs=5), **params).fit(X, labels.astype(float))
    np.testing.assert_allclose(as_int.history_["score"], as_float.history_["score"])
    np.testing.assert_array_equal(as_int.support_, as_float.support_)
    np.testing.assert_allclose(as_int.predict(X), as_float.predict(X))


def test_history_marks_the_acceptable_sizes_and_auto_takes_the_smallest(noisy):
    X, y = noisy
    selector = AttributionRFE(_net(), step=1, random_state=0).fit(X, y)
    history = selector.history_
    assert len(history["acceptable"]) == len(history["score"])
    assert history["acceptable"][int(np.argmax(history["score"]))]
    sizes = [n for n, ok in zip(history["n_features"], history["acceptable"]) if ok]
    assert selector.n_features_ == min(sizes)
    # A float tol marks the sizes within it of the best score.
    relative = AttributionRFE(_net(), step=1, tol=0.5, random_state=0).fit(X, y)
    scores = np.array(relative.history_["score"])
    expected = scores >= scores.max() - 0.5 * abs(scores.max())
    assert relative.history_["acceptable"] == expected.tolist()


def test_warns_when_the_network_predicts_no_better_than_a_constant(data):
    # A target independent of X: whatever the network ranks is noise, and
    # the user must be told instead of receiving a confident selection.
    X, _ = data
    y = np.random.RandomState(1).normal(size=len(X))
    selector = AttributionRFE(
        _net(), round_training=RoundTraining(epochs=2), random_state=0
    )
    with pytest.warns(UserWarning, match="no better than a constant"):
        selector.fit(X, y)


@pytest.mark.parametrize("Net", [MLPRegressor, MLPClassifier])
def test_no_constant_warning_when_the_network_learned(data, Net):
    X, y = data
    y = y if Net is MLPRegressor else (y > 0).astype(int)
    net = Net(hidden_layer_sizes=(8,), lr=0.05, max_epochs=40, random_state=0)
    selector = AttributionRFE(
        net, round_training=RoundTraining(epochs=2), random_state=0
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*no better than a constant")
        selector.fit(X, y)
    assert selector.support_[:2].all()


def test_constant_row_losses_are_those_of_the_best_constant():
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.metrics import log_loss, mean_squared_error

    from skchaos.feature_selection._scoring import constant_row_losses

    rng = np.random.RandomState(0)
    y, Z = rng.normal(size=20), np.zeros((20, 1))
    expected = mean_squared_error(y, DummyRegressor().fit(Z, y).predict(Z))
    losses = constant_row_losses("neg_mean_squared_error", y)
    assert np.isclose(losses.mean(), expected)
    # No other constant does better on these rows.
    assert losses.mean() < np.mean((y - y.mean() - 0.01) ** 2)
    labels = np.array(["b", "a", "c", "b", "b", "a"] * 3)
    dummy = DummyClassifier(strategy="prior").fit(Z[:18], labels)
    expected = log_loss(labels, dummy.predict_proba(Z[:18]))
    assert np.isclose(constant_row_losses("neg_log_loss", labels).mean(), expected)
    zero_one = constant_row_losses("accuracy", labels)
    assert np.isclose(1 - zero_one.mean(), dummy.score(Z[:18], labels))
    assert constant_row_losses("r2", y) is None
