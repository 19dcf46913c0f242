"""AttributionBoruta and its shadow-column test (``_shadow.py``)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted
from test_feature_selection_nets import make_net

from skchaos.feature_selection import AttributionBoruta, _boruta_steps, _setup
from skchaos.feature_selection._penalty_choice import FACTORS, N_SPLITS
from skchaos.feature_selection._shadow import (
    ShadowTest,
    benjamini_hochberg,
    boruta_decisions,
    decidable,
    hits,
    shadow_columns,
)
from skchaos.neural import InputSubset, MLPClassifier, MLPRegressor


# ------------------------------------------------------------ the mechanism
def test_shadow_columns_permute_each_unit_rows_together():
    rng = np.random.RandomState(0)
    X = np.arange(60.0).reshape(20, 3)
    X_aug, unit_of = shadow_columns(X, np.array([0, 1, 0]), rng)
    assert X_aug.shape == (20, 6)
    assert unit_of.tolist() == [0, 1, 0, 2, 3, 2]
    np.testing.assert_array_equal(X_aug[:, :3], X)
    for j in range(3):  # the same values, in another order
        np.testing.assert_array_equal(np.sort(X_aug[:, 3 + j]), X[:, j])
        assert not np.array_equal(X_aug[:, 3 + j], X[:, j])
    # Columns 0 and 2 form one unit: one permutation for both.
    order = np.searchsorted(X[:, 0], X_aug[:, 3])
    np.testing.assert_array_equal(X_aug[:, 5], X[order, 2])


def test_shadow_columns_of_channels_and_fresh_draws():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(10, 2, 4))
    first, unit_of = shadow_columns(X, np.array([0, 1]), rng)
    second, _ = shadow_columns(X, np.array([0, 1]), rng)
    assert first.shape == (10, 4, 4) and unit_of.tolist() == [0, 1, 2, 3]
    assert not np.array_equal(first[:, 2:], second[:, 2:])


def test_hits_against_the_maximum_and_a_percentile():
    shadows = np.linspace(0, 1, 101)
    real = np.array([1.0, 0.95, 0.5])
    assert hits(real, shadows).tolist() == [False, False, False]  # ties lose
    assert hits(real, shadows, perc=90).tolist() == [True, True, False]


def test_benjamini_hochberg_matches_the_step_up_rule():
    p = np.array([0.01, 0.04, 0.03, 0.2])
    # Sorted 0.01, 0.03, 0.04, 0.2 against 0.0125, 0.025, 0.0375, 0.05.
    assert benjamini_hochberg(p, 0.05).tolist() == [True, False, False, False]
    assert benjamini_hochberg(p, 0.15).tolist() == [True, True, True, False]
    assert benjamini_hochberg([], 0.05).tolist() == []


def test_boruta_decisions_are_borutapy_s_two_step_test():
    n_iter = 20
    counts = np.array([20, 16, 15, 10, 4, 0])
    confirmed, rejected = boruta_decisions(counts, n_iter, alpha=0.05)
    # P(X >= 16) = 0.0059 > 0.05 / 20: not yet; 20 hits: 1e-6.
    assert confirmed.tolist() == [True, False, False, False, False, False]
    # P(X <= 4) = 0.0059 too: not rejected either.
    assert rejected.tolist() == [False, False, False, False, False, True]
    one_step = boruta_decisions(counts, n_iter, alpha=0.05, two_step=False)
    assert one_step[0].tolist() == [True, True, False, False, False, False]
    assert one_step[1].tolist() == [False, False, False, False, True, True]


def test_shadow_test_ranks_rejected_units_by_when():
    test = ShadowTest(4)
    shadows = np.array([0.5])
    for i in range(14):
        alive = test.in_play()
        # Unit 2 never hits; unit 3 hits once, so it is rejected later.
        real = np.array([1.0, 0.6 if i % 2 else 0.1, 0.0, 0.6 if i == 0 else 0.0])
        test.update(alive, real[alive], shadows)
    assert test.decision.tolist() == [1, 0, -1, -1]
    assert test.decided_at[0] == test.decided_at[2] == 8
    assert test.decided_at[3] > 8
    assert test.ranking().tolist() == [1, 2, 4, 3]
    assert test.importance_count.tolist() == [14, 14, 8, test.decided_at[3]]


# ---------------------------------------------------------------- the selector
# Most tests test every feature in every iteration (max_features=1.0): a
# feature is decided after 8 trials at the least, and few iterations suffice.
def _net(**params):
    defaults = {"hidden_layer_sizes": (16,), "lr": 0.02, "max_epochs": 20}
    return MLPRegressor(**{**defaults, "random_state": 0, **params})


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 6))
    y = X[:, 0] + X[:, 1] + 0.1 * rng.normal(size=200)
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return AttributionBoruta(
        _net(), max_iter=12, max_features=1.0, confirm_minimal=False, random_state=0
    ).fit(X, y)


def test_finds_the_relevant_features_and_sets_every_attribute(data, fitted):
    X, y = data
    s = fitted
    assert s.get_support(indices=True).tolist() == [0, 1]
    assert s.ranking_[:2].tolist() == [1, 1] and (s.ranking_[2:] >= 2).all()
    assert s.n_features_ == 2 and s.n_features_in_ == 6
    assert s.decision_iteration_[:2].min() >= 8
    assert s.importances_[:2].min() > s.importances_[2:].max()
    assert not (s.support_ & s.support_weak_).any()
    assert s.n_iter_ == len(s.history_["time"]) <= 12
    assert s.history_["n_confirmed"][-1] == 2
    for key in ("n_rejected", "n_tentative", "threshold", "score", "epochs"):
        assert len(s.history_[key]) == s.n_iter_
    decided = np.concatenate(s.history_["confirmed"] + s.history_["rejected"])
    assert sorted(decided) == np.flatnonzero(s.ranking_ != 2).tolist()
    assert s.transform(X).shape == (200, 2)
    assert s.predict(X).shape == (200,)
    assert s.score(X, y) > 0.8
    assert s.estimator_.n_features_in_ == 2


def test_same_random_state_same_result(data, fitted):
    X, y = data
    again = AttributionBoruta(
        _net(), max_iter=12, max_features=1.0, confirm_minimal=False, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(again.ranking_, fitted.ranking_)
    np.testing.assert_allclose(again.importances_, fitted.importances_)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_classifier_with_dataframe_and_pandas_output():
    rng = np.random.RandomState(1)
    X = pd.DataFrame(rng.normal(size=(160, 4)), columns=["a", "b", "c", "d"])
    y = (X["b"] > 0).astype(int).to_numpy()
    clf = MLPClassifier(hidden_layer_sizes=(8,), lr=0.05, max_epochs=20, random_state=0)
    selector = AttributionBoruta(
        clf, max_iter=10, max_features=1.0, random_state=0
    ).fit(X, y)
    assert selector.feature_names_in_.tolist() == ["a", "b", "c", "d"]
    assert "b" in selector.get_feature_names_out().tolist()
    assert selector.classes_.tolist() == [0, 1]
    out = selector.set_output(transform="pandas").transform(X)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == selector.get_feature_names_out().tolist()
    assert selector.predict_proba(X).shape == (160, 2)


def test_feature_groups_are_tested_as_units(data):
    X, y = data
    groups = ["x", "x", "n1", "n1", "n2", "n2"]
    selector = AttributionBoruta(
        _net(), feature_groups=groups, max_iter=10, max_features=1.0, random_state=0
    ).fit(X, y)
    assert selector.support_.tolist() == [True, True, False, False, False, False]
    assert selector.ranking_[0] == selector.ranking_[1]
    assert selector.ranking_[2] == selector.ranking_[3]


def test_keep_weak_keeps_the_tentative_features(data):
    X, y = data
    # Three iterations decide nothing: everything is tentative, and fit says
    # so (not only transform).
    selector = AttributionBoruta(
        _net(), max_iter=3, confirm_minimal=False, random_state=0
    )
    with pytest.warns(
        UserWarning, match=r"no feature was confirmed \(6 tentative, 0 rejected\)"
    ):
        selector.fit(X, y)
    assert selector.support_weak_.all() and not selector.support_.any()
    assert (selector.ranking_ == 2).all() and (selector.decision_iteration_ == -1).all()
    assert selector.estimator_ is None
    with pytest.warns(UserWarning, match="No features were selected"):
        assert selector.transform(X).shape == (200, 0)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*no feature was confirmed")
        weak = clone(selector).set_params(keep_weak=True).fit(X, y)
    assert weak.support_.all() and weak.transform(X).shape == (200, 6)
    assert weak.predict(X).shape == (200,)


def test_any_estimator_with_permutation_importance(data):
    X, y = data
    selector = AttributionBoruta(
        LinearRegression(),
        attribution="permutation",
        attribution_params={"n_repeats": 1},
        max_iter=9,
        max_features=1.0,
        random_state=0,
    ).fit(X, y)
    assert selector.support_[0] and not selector.support_[2:].any()


def test_inside_a_pipeline_and_a_grid_search(data):
    X, y = data
    pipe = make_pipeline(
        AttributionBoruta(_net(max_epochs=5), max_iter=2, keep_weak=True),
        LinearRegression(),
    )
    search = GridSearchCV(
        pipe, {"attributionboruta__perc": [90, 100]}, cv=2, error_score="raise"
    )
    search.fit(X, y)
    assert search.best_estimator_.predict(X).shape == (200,)


def test_a_net_inside_a_pipeline(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), _net())
    selector = AttributionBoruta(
        pipe, max_iter=9, max_features=1.0, random_state=0
    ).fit(X, y)
    assert selector.support_[:2].all() and not selector.support_[2:].any()
    # The selector's penalty and dropout went to the iterations' nets only.
    assert selector.estimator_[-1].input_penalty == 0
    assert selector.estimator_[-1].input_dropout == 0


@pytest.mark.parametrize(
    ("input_dropout", "net_dropout", "expected"),
    [("auto", 0.0, 0.3), (0.5, 0.0, 0.5), (0.0, 0.0, 0.0), ("auto", 0.1, 0.1)],
)
def test_input_dropout_of_the_iterations_nets(
    data, monkeypatch, input_dropout, net_dropout, expected
):
    from skchaos.feature_selection import _warm_start

    seen = []
    first = _warm_start.RoundTrainer.first

    def spy(self, *args, **kwargs):
        seen.append(self.estimator.input_dropout)
        return first(self, *args, **kwargs)

    monkeypatch.setattr(_warm_start.RoundTrainer, "first", spy)
    X, y = data
    net = _net(max_epochs=2, input_dropout=net_dropout)
    selector = AttributionBoruta(
        net,
        max_iter=2,
        input_dropout=input_dropout,
        confirm_minimal=False,  # no path: only the iterations' trainings
        random_state=0,
    ).fit(X, y)
    # The two iterations, after the trials that choose the input penalty.
    assert len(seen) == 2 + N_SPLITS * len(FACTORS)
    assert set(seen) == {expected}
    assert selector.estimator.input_dropout == net_dropout  # not changed


def test_auto_input_penalty_is_chosen_on_held_out_rows(data, monkeypatch):
    from skchaos.feature_selection import _warm_start
    from skchaos.feature_selection._boruta_steps import auto_iteration_penalty

    seen = []
    first = _warm_start.RoundTrainer.first

    def spy(self, *args, **kwargs):
        seen.append(self.estimator.input_penalty)
        return first(self, *args, **kwargs)

    monkeypatch.setattr(_warm_start.RoundTrainer, "first", spy)
    X, y = data
    net = _net(max_epochs=5)
    kwargs = {"max_iter": 2, "confirm_minimal": False}  # the iterations only
    selector = AttributionBoruta(net, random_state=0, **kwargs).fit(X, y)
    n_rows = X.shape[0] * 0.75 * 0.9  # held-out and early-stopping rows out
    reference = auto_iteration_penalty(net, 2 * X.shape[1], n_rows)
    tried = [reference * f for f in FACTORS] * N_SPLITS
    np.testing.assert_allclose(seen[: len(tried)], tried)
    # The iterations use the chosen strength, one of those tried.
    assert seen[len(tried) :] == [selector.input_penalty_] * 2
    assert np.isclose(tried, selector.input_penalty_).any()
    again = AttributionBoruta(net, random_state=0, **kwargs).fit(X, y)
    assert again.input_penalty_ == selector.input_penalty_  # random_state
    # A given strength, or the net's own, is used as it is: no trials.
    seen.clear()
    fixed = AttributionBoruta(net, input_penalty=3.0, random_state=0, **kwargs)
    assert fixed.fit(X, y).input_penalty_ == 3.0 and seen == [3.0, 3.0]
    seen.clear()
    own = AttributionBoruta(_net(max_epochs=5, input_penalty=1.5), **kwargs)
    assert own.fit(X, y).input_penalty_ == 1.5 and seen == [1.5, 1.5]


def _rigged_scores(monkeypatch, learns_at):
    """Trials whose networks beat the constant only at the rates in ``learns_at``.

    Each trial's held-out losses are its rows' true losses shifted: the
    constant's loss for a rate that does not learn, 10% below it for one
    that does; factor 0.5 scores best at every rate. Returns the
    ``(lr, penalty)`` of every trial network.
    """
    from skchaos.feature_selection import _penalty_choice

    trained = []
    real = _penalty_choice._factor_scores

    def rigged(net, reference, *args):
        trained.extend((net.lr, reference * f) for f in FACTORS)
        scores, _, baseline = real(net, reference, *args)
        scores = np.tile(-np.abs(np.log2(FACTORS) + 1), (N_SPLITS, 1))
        shift = 0.9 if net.lr in learns_at else 1.0
        return scores, shift * baseline, baseline

    monkeypatch.setattr(_penalty_choice, "_factor_scores", rigged)
    return trained


@pytest.mark.parametrize("learns_at", [(0.02,), (0.02 / 3,), ()])
def test_a_slower_rate_when_the_nets_own_does_not_learn(data, monkeypatch, learns_at):
    from skchaos.feature_selection import _warm_start

    trained = _rigged_scores(monkeypatch, learns_at)
    seen = []
    first = _warm_start.RoundTrainer.first

    def spy(self, *args, **kwargs):
        seen.append((self.estimator.lr, self.estimator.input_penalty))
        return first(self, *args, **kwargs)

    monkeypatch.setattr(_warm_start.RoundTrainer, "first", spy)
    X, y = data
    net = _net(max_epochs=5)  # lr 0.02
    kwargs = {"max_iter": 2, "confirm_minimal": False, "keep_weak": True}
    selector = AttributionBoruta(net, random_state=0, **kwargs).fit(X, y)
    reference = trained[0][1]  # factor 1/8 of the rule's strength
    reference /= FACTORS[0]
    rates = [lr for lr, _ in trained[:: len(FACTORS)]]
    if 0.02 in learns_at:  # the own rate learns: nothing more is tried
        assert rates == [0.02]
        expected = (0.02, reference * 0.5)
    else:  # the own rate fails: the trials again at a third of it
        assert np.allclose(rates, [0.02, 0.02 / 3])
        slow = [p for lr, p in trained if lr != 0.02]
        np.testing.assert_allclose(slow, [3 * reference * f for f in FACTORS])
        expected = (0.02, reference * 0.5)
        if learns_at:  # ... and takes it where its nets beat the constant
            expected = (0.02 / 3, 3 * reference * 0.5)
    assert selector.iteration_lr_ == pytest.approx(expected[0])
    assert selector.input_penalty_ == pytest.approx(expected[1])
    np.testing.assert_allclose(seen[-2:], [expected] * 2)  # the iterations
    assert selector.estimator_.lr == 0.02  # the user's net, trained as given


def test_the_own_rate_is_kept_without_a_penalty_choice(data, monkeypatch):
    trained = _rigged_scores(monkeypatch, ())
    X, y = data
    kwargs = {"max_iter": 2, "confirm_minimal": False, "random_state": 0}
    selector = AttributionBoruta(_net(max_epochs=5), input_penalty=1.0, **kwargs)
    assert selector.fit(X, y).iteration_lr_ == 0.02 and trained == []
    selector = AttributionBoruta(LinearRegression(), **kwargs).fit(X, y)
    assert selector.iteration_lr_ is None and selector.input_penalty_ is None


def test_verbose_shows_a_progress_bar_and_a_line_per_iteration(data, capsys):
    X, y = data
    AttributionBoruta(_net(max_epochs=3), max_iter=2, verbose=1).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out.count("[AttributionBoruta] iteration") == 2
    assert "rounds" in captured.err


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"perc": 0}, ValueError, "perc"),
        ({"perc": 101}, ValueError, "perc"),
        ({"alpha": 1.0}, ValueError, "alpha"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"validation_fraction": 1.5}, ValueError, "validation_fraction"),
        ({"input_penalty": -1.0}, ValueError, "input_penalty"),
        ({"input_dropout": 1.0}, ValueError, "input_dropout"),
        ({"input_dropout": "high"}, ValueError, "input_dropout"),
        ({"attribution": "nope"}, ValueError, "attribution='nope'"),
        ({"attribution_params": {"bogus": 1}}, TypeError, "bogus"),
        ({"feature_groups": [0, 1]}, ValueError, "feature_groups"),
        ({"importance_aggregation": "sum"}, ValueError, "importance_aggregation"),
        ({"confirm_minimal": "yes"}, ValueError, "confirm_minimal"),
    ],
)
def test_bad_parameters_raise_before_any_training(data, params, error, match):
    X, y = data
    net = _net()
    with pytest.raises(error, match=match):
        AttributionBoruta(net, **params).fit(X, y)
    assert not net.initialized_


@pytest.mark.parametrize("param", ["input_penalty", "input_dropout"])
def test_net_parameters_need_a_net_with_them(data, param):
    X, y = data
    with pytest.raises(ValueError, match=f"{param}=0.5 needs a network"):
        AttributionBoruta(
            LinearRegression(), attribution="permutation", **{param: 0.5}
        ).fit(X, y)


def test_keyboard_interrupt_propagates_and_keeps_a_previous_fit(data, fitted):
    X, y = data
    selector = clone(fitted).set_params(max_iter=2)
    calls = []

    def attribution(estimator, X_val, y_val):
        calls.append(X_val.shape[1])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return np.arange(X_val.shape[1], dtype=float)

    selector.set_params(attribution=attribution)
    with pytest.raises(KeyboardInterrupt):
        selector.fit(X, y)
    assert calls == [12, 12]  # six real columns and their shadows
    with pytest.raises(NotFittedError):
        check_is_fitted(selector)
    previous = clone(selector).set_params(attribution="saliency").fit(X, y)
    support = previous.support_
    calls.clear()
    previous.set_params(attribution=attribution)
    with pytest.raises(KeyboardInterrupt):
        previous.fit(X[:, :5], y)
    assert previous.support_ is support and previous.n_features_in_ == 6


# ------------------------------------------ stopping when nothing can change
@pytest.mark.parametrize("two_step", [True, False])
def test_decidable_is_exact_for_one_unit_and_sound_beside_others(two_step):
    rng = np.random.RandomState(0)
    for _ in range(300):
        n, remaining = rng.randint(0, 40), rng.randint(0, 25)
        h = rng.randint(0, n + 1)
        # Every outcome of the iterations left: j more trials, k of them hits.
        outcomes = [(h + k, n + j) for j in range(remaining + 1) for k in range(j + 1)]
        alone = any(
            any(boruta_decisions([hh], [nn], 0.05, two_step)[d][0] for d in (0, 1))
            for hh, nn in outcomes
        )
        assert decidable([h], [n], remaining, 0.05, two_step)[0] == alone
        # Beside a unit that hits every time the correction is no looser.
        beside = any(
            any(
                boruta_decisions([hh, nn], [nn, nn], 0.05, two_step)[d][0]
                for d in (0, 1)
            )
            for hh, nn in outcomes
        )
        assert not beside or alone


def test_iterations_stop_when_the_ones_left_can_decide_nothing(data, capsys):
    X, y = data
    max_iter = 40

    def importances(i):
        # Unit 0 always beats the shadows, unit 1 every other time (a coin
        # flip: never decided), the others never.
        real = np.r_[1.0, 0.6 if i % 2 else 0.1, np.zeros(X.shape[1] - 2)]
        return real, np.full(X.shape[1], 0.5)

    # The same importances through the test alone, for all max_iter iterations.
    test = ShadowTest(X.shape[1])
    for i in range(max_iter):
        alive = test.in_play()
        real, shadows = importances(i)
        test.update(alive, real[alive], shadows[alive])
    expected = test.decision.copy()
    test = ShadowTest(X.shape[1])  # follows the fit's iterations

    def tracked(estimator, X_val, y_val):
        real, shadows = importances(test.n_iter)
        alive = test.in_play()
        test.update(alive, real[alive], shadows[alive])
        return np.r_[real[alive], shadows[alive]]

    selector = AttributionBoruta(
        LinearRegression(),
        attribution=tracked,
        max_features=1.0,
        max_iter=max_iter,
        confirm_minimal=False,
        verbose=1,
        random_state=0,
    ).fit(X, y)
    n_iter = selector.n_iter_
    assert 8 < n_iter < max_iter
    assert selector.ranking_.tolist() == [1, 2, 3, 3, 3, 3]
    assert selector.support_.tolist() == (expected == 1).tolist()
    assert selector.support_weak_.tolist() == (expected == 0).tolist()
    # It stopped at the first iteration after which unit 1 was undecidable.
    h, n = test.hit_counts[1], test.n_trials[1]
    assert not decidable([h], [n], max_iter - n_iter)[0]
    assert decidable([h - (n_iter % 2 == 0)], [n - 1], max_iter - n_iter + 1)[0]
    out = capsys.readouterr().out
    assert out.count("[AttributionBoruta] iteration") == n_iter
    assert f"stopped after {n_iter} iterations" in out
    assert "none of the 1 tentative" in out


# ----------------------------------------------------- a share of the units
def test_boruta_decisions_take_each_units_own_number_of_trials():
    counts = np.array([10, 10, 0])
    confirmed, rejected = boruta_decisions(counts, np.array([10, 20, 10]))
    # 10 hits of 10 trials confirm; 10 of 20 is a coin flip.
    assert confirmed.tolist() == [True, False, False]
    assert rejected.tolist() == [False, False, True]
    assert boruta_decisions([0], np.array([0]))[1].tolist() == [False]


def test_shadow_test_counts_trials_of_the_units_present_only():
    test = ShadowTest(3)
    for i in range(16):
        units = np.array([0, 1]) if i % 2 else np.array([0, 2])
        test.update(units, np.array([1.0, 0.0]), np.array([0.5, 0.5]))
    assert test.n_trials.tolist() == [16, 8, 8]
    assert test.decision.tolist() == [1, -1, -1]
    assert test.decided_at.tolist() == [8, 16, 15]  # after 8 trials each


def test_max_features_draws_a_share_of_the_units_per_iteration(data):
    X, y = data
    calls = []

    def attribution(estimator, X_val, y_val):
        calls.append(X_val.shape[1])
        return np.r_[1.0, 1.0, np.zeros(X_val.shape[1] - 2)]

    selector = AttributionBoruta(
        LinearRegression(),
        attribution=attribution,
        max_features=0.5,
        max_iter=4,
        confirm_minimal=False,  # the callable expects the iterations' widths
        random_state=0,
    ).fit(X, y)
    assert calls == [6, 6, 6, 6]  # three units and their shadows
    assert selector.n_iter_ == 4


def test_iteration_epochs_from_the_nets_max_epochs():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    assert _boruta_steps.iteration_epochs(_net(max_epochs=300)) == (60, 600)
    assert _boruta_steps.iteration_epochs(_net(max_epochs=3)) == (1, 6)
    piped = make_pipeline(StandardScaler(), _net(max_epochs=50))
    assert _boruta_steps.iteration_epochs(piped) == (10, 100)
    assert _boruta_steps.iteration_epochs(Ridge()) == (None, None)


def test_iterations_train_until_levelled_off_not_max_epochs(data):
    # A target without signal: the held-out loss soon stops improving, so
    # iterations' networks stop after their floor (a fifth of max_epochs)
    # and the patience, before max_epochs (the floor of the path's rounds);
    # none passes twice max_epochs. estimator_ still trains max_epochs.
    X, _ = data
    y = np.random.RandomState(3).normal(size=len(X))
    net = _net(max_epochs=100)
    s = AttributionBoruta(
        net, max_iter=4, max_features=1.0, confirm_minimal=False, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s.fit(X, y)
    epochs = s.history_["epochs"]
    assert all(20 <= e <= 200 for e in epochs) and min(epochs) < 100, epochs
    if s.estimator_ is not None:
        assert len(s.estimator_.history_) >= 100


# --------------------------------------------------------- plain skorch nets
def _plain_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(240, 6)).astype(np.float32)
    y = X[:, 0] + X[:, 1] + 0.1 * rng.normal(size=240)
    return X, y.astype(np.float32).reshape(-1, 1)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    ("shape", "max_features"),
    [("width_param", 1.0), ("lazy", 1.0), ("width_param", 0.5)],
)
def test_a_plain_skorch_net_is_widened_for_the_shadows(shape, max_features):
    # With max_features=0.5, narrower iterations reach the widened module
    # through InputSubset.
    X, y = _plain_data()
    net = make_net(shape, X.shape[1], classifier=False).set_params(max_epochs=20)
    max_iter = 10 if max_features == 1 else 30
    selector = AttributionBoruta(
        net, max_iter=max_iter, max_features=max_features, random_state=0
    ).fit(X, y)
    assert selector.get_support(indices=True).tolist() == [0, 1]
    X_kept = selector.transform(X)
    np.testing.assert_array_equal(X_kept, X[:, :2])
    np.testing.assert_allclose(
        selector.predict(X), selector.estimator_.predict(X_kept), rtol=1e-6
    )
    module = selector.estimator_.module_
    if shape == "width_param":  # the refit: the kept columns in the module's width
        assert isinstance(module, InputSubset) and module.n_inputs == 6
        assert module.columns.tolist() == [0, 1]
        assert net.module__input_dim == 6  # the user's net is untouched


@pytest.mark.parametrize("shape", ["written", "two_layers"])
def test_a_module_that_cannot_be_widened_fails_before_training(shape):
    X, y = _plain_data()
    net = make_net(shape, X.shape[1], classifier=False)
    with pytest.raises(ValueError, match=r"cannot take 12 input columns .*lazily"):
        AttributionBoruta(net).fit(X, y)
    assert not net.initialized_


# ------------------------------------------------ sample weights and groups
@pytest.fixture(scope="module")
def corrupted():
    """40% of the rows with another target, on other columns, and weight 0."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(500, 6))
    bad = rng.rand(500) < 0.4
    y = np.where(bad, 2 * X[:, 3] - 2 * X[:, 4], X[:, 0] + X[:, 1])
    return X, y + 0.1 * rng.normal(size=500), np.where(bad, 0.0, 1.0)


def test_rows_of_weight_zero_have_no_influence(corrupted):
    X, y, w = corrupted
    selector = AttributionBoruta(_net(), max_iter=10, max_features=1.0, random_state=0)
    assert selector.fit(X, y, sample_weight=w).get_support(indices=True).tolist() == [
        0,
        1,
    ]
    assert selector.score(X[w > 0], y[w > 0]) > 0.9
    unweighted = clone(selector).fit(X, y)
    assert {3, 4} <= set(unweighted.get_support(indices=True))


def test_every_split_keeps_each_group_on_one_side(data, monkeypatch):
    X, y = data
    groups = np.repeat(np.arange(20), 10)
    splits = []
    original = _boruta_steps.split_rows

    def spy(y_part, fraction, rng, stratify, groups=None):
        first, second = original(y_part, fraction, rng, stratify, groups)
        splits.append((groups, first, second))
        return first, second

    monkeypatch.setattr(_boruta_steps, "split_rows", spy)
    monkeypatch.setattr(_setup, "split_rows", spy)  # the refit's
    selector = AttributionBoruta(_net(), max_iter=9, max_features=1.0, random_state=0)
    selector.fit(X, y, groups=groups)
    assert selector.get_support(indices=True).tolist() == [0, 1]
    # Held-out and early-stopping rows of every trial of the input penalty
    # and every iteration, then the refit's.
    n_trainings = N_SPLITS * len(FACTORS) + selector.n_iter_
    assert len(splits) == 2 * n_trainings + 1
    for labels, first, second in splits:
        assert labels is not None and len(labels) == len(first) + len(second)
        assert not set(labels[first]) & set(labels[second])


@pytest.mark.parametrize(
    ("metadata", "match"),
    [
        ({"sample_weight": np.ones(7)}, "sample_weight"),
        ({"sample_weight": -np.ones(200)}, "non-negative"),
        ({"sample_weight": np.zeros(200)}, "zero for every row"),
        ({"sample_weight": np.r_[np.nan, np.ones(199)]}, "finite"),
        ({"groups": np.zeros(200)}, "1 distinct group"),
        ({"groups": np.arange(5)}, "groups"),
    ],
)
def test_bad_sample_weight_or_groups_raise_before_any_training(data, metadata, match):
    X, y = data
    net = _net()
    with pytest.raises(ValueError, match=match):
        AttributionBoruta(net).fit(X, y, **metadata)
    assert not net.initialized_


def test_sample_weight_needs_a_net_that_weighs_its_loss():
    X, y = _plain_data()
    net = make_net("lazy", X.shape[1], classifier=False)
    with pytest.raises(ValueError, match="NeuralNetRegressor.fit takes no sample"):
        AttributionBoruta(net).fit(X, y, sample_weight=np.ones(len(X)))
    assert not net.initialized_


def test_warns_only_when_none_of_the_first_iterations_learned():
    from skchaos.feature_selection._scoring import warn_if_none_learned

    rng = np.random.RandomState(0)
    baseline = 1.0 + 0.1 * rng.rand(100)
    useless, useful = baseline + 0.01, 0.2 * baseline
    # One iteration that drew no relevant feature fails alone: no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not warn_if_none_learned(
            [(useless, baseline), (useful, baseline), (useless, baseline)], "S"
        )
    with pytest.warns(UserWarning, match="the first 2 iterations' .held-out rows"):
        assert warn_if_none_learned([(useless, baseline)] * 2, "S")
    # Gains too small for two standard errors alone, clear with the rows pooled.
    gain = 0.035 + 0.25 * rng.normal(size=(3, 100))
    gain -= gain.mean(axis=1, keepdims=True) - 0.035
    small = [(baseline - g, baseline) for g in gain]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not warn_if_none_learned(small, "S")
    with pytest.warns(UserWarning, match="no better than a constant"):
        warn_if_none_learned(small[:1], "S")


def test_no_warning_when_the_iterations_confirm_features(data, monkeypatch):
    # Every first iteration "fails" against a constant that predicts
    # perfectly, yet the iterations confirm the relevant features: their
    # networks learned, and the fit does not say otherwise.
    monkeypatch.setattr(
        _boruta_steps, "constant_row_losses", lambda *args: np.zeros(len(args[1]))
    )
    X, y = data
    selector = AttributionBoruta(
        _net(), max_iter=12, max_features=1.0, confirm_minimal=False, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        selector.fit(X, y)
    assert selector.get_support(indices=True).tolist() == [0, 1]
    # The same constant on a target without signal: nothing confirmed, warned.
    y_noise = np.random.RandomState(1).normal(size=len(X))
    with pytest.warns(UserWarning, match="no better than a constant"):
        clone(selector).set_params(max_iter=3).fit(X, y_noise)


def test_a_target_without_signal_warns(data):
    X, _ = data
    y = np.random.RandomState(1).normal(size=len(X))
    with pytest.warns(UserWarning, match="no better than a constant"):
        AttributionBoruta(_net(max_epochs=5), max_iter=3, random_state=0).fit(X, y)


# ------------------------------------------------- the minimal-optimal set
def test_confirm_minimal_confirms_the_path_s_useful_set_first(data):
    X, y = data
    s = AttributionBoruta(_net(), max_iter=10, max_features=1.0, random_state=0)
    s.fit(X, y)
    assert s.support_minimal_.tolist() == [True, True] + [False] * 4
    assert s.decision_iteration_[:2].tolist() == [0, 0]
    assert s.support_[:2].all() and (s.ranking_[:2] == 1).all()
    # The iterations test the others (no trial is needed for the set).
    assert s.history_["n_confirmed"][0] >= 2
    assert (s.decision_iteration_[2:] != 0).all()


def test_a_unit_of_the_set_without_held_out_usefulness_is_left_to_the_test(
    data, monkeypatch
):
    from skchaos.feature_selection import _minimal, _rfe
    from skchaos.feature_selection._path import Path

    X, y = data
    path = Path(units=[np.array([0, 1, 4])], usefulness=[np.array([9.0, 2.6, 2.4])])
    monkeypatch.setattr(_rfe.AttributionRFE, "_eliminate", lambda *a, **k: (path, 0))
    s = AttributionBoruta(_net(), max_iter=10, max_features=1.0, random_state=0)
    s.fit(X, y)
    assert np.flatnonzero(s.support_minimal_).tolist() == [0, 1]
    assert s.decision_iteration_[4] != 0
    # Not measured (a custom scoring, or more units than that): none is.
    path.usefulness = [None]
    s.fit(X, y)
    assert not s.support_minimal_.any()
    assert _minimal.CONFIRM_Z == 2.5  # the values above straddle it


def test_no_iteration_runs_when_the_minimal_set_decides_every_feature():
    # Three independent, equally strong columns: the minimal-optimal set
    # holds all three, and its net uses each on held-out rows.
    X = np.random.RandomState(0).normal(size=(200, 3)).astype(np.float32)
    y = X.sum(axis=1)
    net = MLPRegressor(hidden_layer_sizes=(8,), lr=0.05, max_epochs=30, random_state=0)
    params = {"max_iter": 2, "keep_weak": True, "input_penalty": 1.0}
    s = AttributionBoruta(net, random_state=0, **params).fit(X, y)
    assert s.n_iter_ == 0 and s.history_["n_confirmed"] == []
    assert s.decision_iteration_.tolist() == [0, 0, 0] and s.support_.all()
    # Without the set, the iterations run (and two decide nothing).
    s = AttributionBoruta(net, confirm_minimal=False, random_state=0, **params)
    s.fit(X, y)
    assert s.n_iter_ == 2 and s.decision_iteration_.tolist() == [-1, -1, -1]


def test_confirm_minimal_false_runs_the_iterations_alone(data, fitted):
    assert fitted.support_minimal_ is None
    assert (fitted.decision_iteration_ != 0).all()
