"""The elimination path and its size rules (skchaos.feature_selection._path)."""

import dataclasses

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from skchaos.feature_selection import AttributionRFE, RoundTraining
from skchaos.feature_selection._path import elimination_path, n_removed, n_rounds
from skchaos.feature_selection._rows import split_rows
from skchaos.feature_selection._size_rule import (
    FALLBACK_TOL,
    STOP_BANDS,
    acceptable_rounds,
    smallest_acceptable,
)
from skchaos.neural import MLPRegressor

# ------------------------------------------------------------- size rules
N_ROWS = 400


def _base(n_rows=N_ROWS, seed=0):
    """Per-row validation losses of the best round."""
    return np.random.RandomState(seed).exponential(size=n_rows)


def _difference(mean, std, n_rows=N_ROWS, seed=1):
    """Per-row differences with exactly this mean and standard deviation."""
    z = np.random.RandomState(seed).normal(size=n_rows)
    return mean + std * (z - z.mean()) / z.std(ddof=1)


def _scores(losses):
    return [-np.mean(loss) for loss in losses]


def test_the_best_round_is_always_acceptable():
    base = _base(50)
    losses = [base + 5.0, base, base + 3.0]
    assert acceptable_rounds(_scores(losses), losses).tolist() == [False, True, False]
    # Also with a single round, a single row, or NaN scores elsewhere.
    assert acceptable_rounds([-1.0], [base]).tolist() == [True]
    assert acceptable_rounds([-1.0, -2.0], [base[:1], base[:1] + 1]).tolist() == [
        True,
        False,
    ]
    scores = [np.nan, -1.0, np.nan]
    assert acceptable_rounds(scores, [None] * 3).tolist() == [False, True, False]


def test_a_difference_below_the_tie_floor_is_acceptable():
    """Noiseless data: a tiny but resolvable loss gap is a tie below 1e-4."""
    base = _base() * 1e-3  # a network that fits almost perfectly
    constant = np.full(N_ROWS, 1.0)  # the standardized target's variance
    near = base + _difference(0.5e-4, 1e-5)  # 5e-5 worse, many SEs
    far = base + _difference(2e-4, 1e-5)  # 2e-4 worse
    losses = [base, near, far]
    assert acceptable_rounds(_scores(losses), losses).tolist() == [True, False, False]
    with_floor = acceptable_rounds(_scores(losses), losses, baseline=constant)
    assert with_floor.tolist() == [True, True, False]
    # A float tol ignores the floor.
    relative = acceptable_rounds(_scores(losses), losses, 0.0, baseline=constant)
    assert relative.tolist() == [True, False, False]


def test_a_round_within_one_standard_error_of_the_best_is_acceptable():
    """The paired rule: mean(d) <= std(d) / sqrt(n), d = round - best, per row."""
    base = _base()
    se = 1.0 / np.sqrt(N_ROWS)  # of differences with std 1
    factors = [0.0, 0.5, 0.99, 1.5, 5.0]
    losses = [base] + [base + _difference(f * se, 1.0) for f in factors]
    ok = acceptable_rounds(_scores(losses), losses)
    assert ok.tolist() == [True, True, True, True, False, False]


def test_the_standard_error_is_that_of_the_paired_differences():
    """Not of the rows' own losses: a constant shift has no paired error."""
    base = 100 * _base()  # rows whose losses spread widely
    assert base.std() / np.sqrt(N_ROWS) > 1  # an unpaired error would be wide
    identical, shifted = base.copy(), base + 0.01
    losses = [base, identical, shifted]
    assert acceptable_rounds(_scores(losses), losses).tolist() == [True, True, False]


def test_the_margin_shrinks_with_more_rows():
    results = []
    for n_rows in (100, 10_000):
        base = _base(n_rows)
        losses = [base, base + _difference(0.05, 1.0, n_rows)]
        results.append(acceptable_rounds(_scores(losses), losses).tolist())
    # A mean loss 0.05 above the best: within 1 / sqrt(100), not 1 / sqrt(10000).
    assert results == [[True, True], [True, False]]


def test_the_best_is_the_highest_score_not_the_first_round():
    base = _base()
    se = 1.0 / np.sqrt(N_ROWS)
    losses = [
        base + _difference(3 * se, 1.0),
        base,
        base + _difference(0.5 * se, 1.0),
    ]
    assert acceptable_rounds(_scores(losses), losses).tolist() == [False, True, True]


def test_a_float_tol_is_a_relative_rule_on_the_scores():
    base = _base()
    scores = [-1.0, -1.015, -1.03]
    losses = [base] * 3  # ignored by a float tol
    assert acceptable_rounds(scores, losses, tol=0.02).tolist() == [True, True, False]
    assert acceptable_rounds(scores, losses, tol=0.0).tolist() == [True, False, False]
    assert acceptable_rounds(scores, losses, tol=1.0).all()
    # Relative to |best| for positive scores too.
    positive = [10.0, 9.85, 9.7]
    assert acceptable_rounds(positive, [None] * 3, tol=0.02).tolist() == [
        True,
        True,
        False,
    ]


@pytest.mark.parametrize("row_losses", [[None, None, None], [], [None, None]])
def test_auto_without_row_losses_falls_back_to_two_percent(row_losses):
    assert FALLBACK_TOL == 0.02
    scores = [-1.0, -1.015, -1.03]
    expected = acceptable_rounds(scores, [None] * 3, tol=0.02).tolist()
    assert expected == [True, True, False]
    assert acceptable_rounds(scores, row_losses).tolist() == expected


def test_auto_with_some_missing_row_losses_falls_back_too():
    base = _base()
    scores = [-1.0, -1.015, -1.03]
    assert acceptable_rounds(scores, [base, None, base]).tolist() == [
        True,
        True,
        False,
    ]


# numpy warns on the std of an infinite difference (acceptable_rounds does not
# silence it).
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_non_finite_row_losses_are_never_acceptable_except_the_best():
    base = _base(50)
    bad = base.copy()
    bad[0] = np.inf
    losses = [base, bad]
    assert acceptable_rounds(_scores(losses), losses).tolist() == [True, False]


def test_smallest_acceptable():
    sizes = [6, 5, 4, 3, 2, 1]
    scores = [-1.0, -0.99, -0.98, -0.99, -1.5, -3.0]
    # Best: size 4; size 3 is within 2%; sizes 2 and 1 are not.
    assert smallest_acceptable(scores, [None] * 6, sizes, tol=0.02) == 3
    assert smallest_acceptable(scores, [None] * 6, sizes, tol=0.0) == 2
    assert smallest_acceptable(scores, [None] * 6, sizes, tol=10.0) == 5
    # Sizes in any order.
    assert smallest_acceptable([-1.0, -1.0, -5.0], [None] * 3, [2, 1, 3]) == 1


# --------------------------------------------------------- small helpers
@pytest.mark.parametrize(
    "step, n_left, n_stop, expected",
    [(1, 6, 2, 1), (3, 6, 2, 3), (3, 4, 2, 2), (0.3, 20, 1, 6), (0.3, 3, 1, 1)],
)
def test_n_removed(step, n_left, n_stop, expected):
    assert n_removed(step, n_left, n_stop) == expected


def test_split_rows_is_sorted_disjoint_and_complete():
    y = np.repeat([0, 1], [30, 10])
    first, second = split_rows(y, 0.25, np.random.RandomState(0), stratify=True)
    assert np.all(np.diff(first) > 0) and np.all(np.diff(second) > 0)
    assert sorted(np.concatenate([first, second])) == list(range(40))
    assert np.bincount(y[second]).tolist() == [8, 2]  # stratified
    again = split_rows(y, 0.25, np.random.RandomState(0), stratify=True)
    np.testing.assert_array_equal(again[1], second)


def test_split_rows_falls_back_to_random_for_a_tiny_class():
    y = np.array([0] * 10 + [1] * 9 + [2])
    first, second = split_rows(y, 0.25, np.random.RandomState(0), stratify=True)
    assert len(second) == 5 and len(first) == 15
    with pytest.raises(ValueError):
        split_rows(np.zeros(1), 0.5, np.random.RandomState(0), stratify=False)


# ---------------------------------------------------------- the path itself
@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 7))
    return X, X[:, 0] + 0.5 * X[:, 1]


def by_index(estimator, X_val, y_val):
    """Higher column index = more important."""
    return np.arange(X_val.shape[1], dtype=float)


def _setup(X, y, estimator=None, **params):
    selector = AttributionRFE(
        Ridge() if estimator is None else estimator, attribution=by_index, **params
    )
    return selector._setup(X, y)


@pytest.mark.parametrize(
    "step, n_stop", [(1, 1), (1, 4), (2, 1), (3, 2), (0.3, 1), (0.5, 2), (0.9, 1)]
)
def test_n_rounds_matches_the_rounds_of_the_path(data, step, n_stop):
    X, y, setup = _setup(*data, step=step)
    path = elimination_path(
        X, y, setup, rng=np.random.RandomState(0), seeded=True, n_stop=n_stop
    )
    assert len(path.score) == n_rounds(step, 7, n_stop)
    assert path.n_units[0] == 7 and path.n_units[-1] == n_stop
    drops = -np.diff(path.n_units)
    expected = [n_removed(step, n, n_stop) for n in path.n_units[:-1]]
    assert drops.tolist() == expected
    for field in ("units", "importances", "eliminated", "row_losses", "time"):
        assert len(getattr(path, field)) == len(path.score), field
    assert len(path.eliminated[-1]) == 0


def test_path_records_each_round(data):
    X, y, setup = _setup(*data, step=2)
    path = elimination_path(
        X, y, setup, rng=np.random.RandomState(0), seeded=True, n_stop=1
    )
    # The lowest indices go first (by_index).
    assert [u.tolist() for u in path.units] == [
        [0, 1, 2, 3, 4, 5, 6],
        [2, 3, 4, 5, 6],
        [4, 5, 6],
        [6],
    ]
    assert [e.tolist() for e in path.eliminated] == [[0, 1], [2, 3], [4, 5], []]
    assert path.training == ["initial", "cold", "cold", "cold"]
    assert path.epochs == [None] * 4 and path.converged == [None] * 4
    # Validation rows: 20% of 60, the same rows every round.
    assert {len(loss) for loss in path.row_losses} == {12}
    for score, loss in zip(path.score, path.row_losses):
        assert score == pytest.approx(-loss.mean())
    assert path.models == [] and path.on_round == []


def test_on_round_is_called_once_per_round_with_the_columns_used(data):
    X, y = data
    groups = [0, 0, 1, 2, 2, 3, 3]
    X, y, setup = _setup(X, y, step=1, feature_groups=groups)
    calls = []

    def on_round(model, columns, *_):
        calls.append((model.n_features_in_, columns.copy()))
        return len(calls)

    path = elimination_path(
        X,
        y,
        setup,
        rng=np.random.RandomState(0),
        seeded=True,
        n_stop=1,
        on_round=on_round,
    )
    assert len(calls) == len(path.score) == 4
    assert path.on_round == [1, 2, 3, 4]
    for (width, columns), units in zip(calls, path.units):
        np.testing.assert_array_equal(columns, setup.units.columns(units))
        assert width == len(columns)
    assert [c.tolist() for _, c in calls] == [
        [0, 1, 2, 3, 4, 5, 6],
        [2, 3, 4, 5, 6],
        [3, 4, 5, 6],
        [5, 6],
    ]


class _ScoreByWidth:
    """An evaluation whose score depends on the number of columns only."""

    row_losses = False

    def __init__(self, score_of):
        self.score_of = score_of

    def __call__(self, model, X, y, sample_weight=None):
        return self.score_of(X.shape[1]), None


def test_patience_stops_the_path_after_rounds_outside_the_band(data):
    X, y, setup = _setup(*data, step=1)
    # The score drops by 10% per feature eliminated.
    setup = dataclasses.replace(
        setup, evaluate=_ScoreByWidth(lambda n: -(1.1 ** (7 - n)))
    )
    kwargs = {"rng": np.random.RandomState(0), "seeded": True, "n_stop": 1}
    full = elimination_path(X, y, setup, **kwargs)
    assert full.n_units == [7, 6, 5, 4, 3, 2, 1]
    for patience in (1, 2, 3):
        kwargs["rng"] = np.random.RandomState(0)
        path = elimination_path(X, y, setup, patience=patience, tol=0.02, **kwargs)
        assert path.n_units == [7, 6, 5, 4][: patience + 1]
        assert len(path.eliminated[-1]) == 0
    # Within a 50% band the path runs longer.
    kwargs["rng"] = np.random.RandomState(0)
    path = elimination_path(X, y, setup, patience=1, tol=0.5, **kwargs)
    # 1.1 ** 4 = 1.46 is inside, 1.1 ** 5 = 1.61 the first round outside.
    assert path.n_units == [7, 6, 5, 4, 3, 2]


def test_patience_counts_consecutive_rounds_only(data):
    X, y, setup = _setup(*data, step=1)
    # Outside, inside, outside, outside: patience=2 stops at the 4th bad one.
    by_width = {7: -1.0, 6: -1.5, 5: -1.0, 4: -1.5, 3: -1.5, 2: -1.0, 1: -1.0}
    setup = dataclasses.replace(setup, evaluate=_ScoreByWidth(by_width.get))
    path = elimination_path(
        X,
        y,
        setup,
        rng=np.random.RandomState(0),
        seeded=True,
        n_stop=1,
        patience=2,
        tol=0.02,
    )
    assert path.n_units == [7, 6, 5, 4, 3]


def test_patience_auto_stops_at_the_first_round_clearly_worse(data):
    X, y, setup = _setup(*data, step=1)
    # 6 is just outside the 2% band (inside three bands), 3 far outside.
    by_width = {7: -1.0, 6: -1.03, 5: -1.0, 4: -1.0, 3: -1.5, 2: -1.0, 1: -1.0}
    setup = dataclasses.replace(setup, evaluate=_ScoreByWidth(by_width.get))
    kwargs = {"seeded": True, "n_stop": 1, "tol": 0.02}
    paths = {
        patience: elimination_path(
            X, y, setup, rng=np.random.RandomState(0), patience=patience, **kwargs
        )
        for patience in ("auto", 1, None)
    }
    assert paths["auto"].n_units == [7, 6, 5, 4, 3]
    assert len(paths["auto"].eliminated[-1]) == 0
    assert paths[1].n_units == [7, 6]
    assert paths[None].n_units == [7, 6, 5, 4, 3, 2, 1]


def test_patience_auto_with_per_row_losses_counts_standard_errors():
    # Three bands of the paired standard error: 2.9 of them is acceptable,
    # 3.1 is not (tol="auto"; the floor of the baseline set to zero).
    rng = np.random.RandomState(0)
    noise = rng.normal(size=400)
    noise = (noise - noise.mean()) / noise.std(ddof=1)  # exactly one unit
    best = rng.exponential(size=400)
    se = 1 / np.sqrt(400)
    losses = [best, best + noise + 2.9 * se, best + noise + 3.1 * se]
    scores = [-loss.mean() for loss in losses]
    ok = acceptable_rounds(scores, losses, "auto", np.zeros(400), bands=STOP_BANDS)
    assert STOP_BANDS == 3.0
    assert ok.tolist() == [True, True, False]
    assert acceptable_rounds(scores, losses, "auto", np.zeros(400)).tolist() == [
        True,
        False,
        False,
    ]


@pytest.mark.parametrize("keep_models", [False, True])
def test_refine_redoes_a_bad_multi_unit_round_with_one_unit(data, keep_models):
    X, y, setup = _setup(*data, step=2)
    # Acceptable down to 4 columns; step=2 goes 7, 5, 3 and skips 4.
    scores = {7: -1.0, 6: -1.0, 5: -1.0, 4: -1.0, 3: -2.0, 2: -2.0, 1: -2.0}
    setup = dataclasses.replace(setup, evaluate=_ScoreByWidth(scores.get))
    kwargs = {"seeded": True, "n_stop": 1, "tol": 0.02, "keep_models": keep_models}
    plain = elimination_path(X, y, setup, rng=np.random.RandomState(0), **kwargs)
    assert plain.n_units == [7, 5, 3, 1] and plain.redone == 0
    path = elimination_path(
        X, y, setup, rng=np.random.RandomState(0), refine=True, **kwargs
    )
    # 5 -> 3 is bad after a good round: redone as 5 -> 4 (good); 4 -> 2 is
    # bad: redone as 4 -> 3 (bad, a single unit: kept); 3 -> 1 after a bad
    # round is not redone.
    assert path.n_units == [7, 5, 4, 3, 1] and path.redone == 2
    assert [e.tolist() for e in path.eliminated] == [[0, 1], [2], [3], [4, 5], []]
    assert [u.tolist() for u in path.units][2] == [3, 4, 5, 6]
    for field in ("units", "importances", "eliminated", "row_losses", "time"):
        assert len(getattr(path, field)) == len(path.score), field
    if keep_models:  # every round's own network, those of redone rounds too
        assert [m.n_features_in_ for m in path.models] == path.n_units
        assert len({id(m) for m in path.models}) == len(path.models)


def test_refine_leaves_rounds_that_removed_many_units(data, monkeypatch):
    from skchaos.feature_selection import _path

    X, y, setup = _setup(*data, step=2)
    scores = {7: -1.0, 6: -1.0, 5: -1.0, 4: -1.0, 3: -2.0, 2: -2.0, 1: -2.0}
    setup = dataclasses.replace(setup, evaluate=_ScoreByWidth(scores.get))
    monkeypatch.setattr(_path, "REDO_MAX_REMOVED", 1)
    path = elimination_path(
        X, y, setup, rng=np.random.RandomState(0), seeded=True, n_stop=1,
        tol=0.02, refine=True,
    )  # fmt: skip
    assert path.n_units == [7, 5, 3, 1] and path.redone == 0


def test_keep_models_keeps_a_separate_network_per_round(data):
    X, y = data
    net = MLPRegressor((4,), max_epochs=2, random_state=0)
    X, y, setup = _setup(
        X, y, estimator=net, step=3, round_training=RoundTraining(epochs=1)
    )
    path = elimination_path(
        X,
        y,
        setup,
        rng=np.random.RandomState(0),
        seeded=True,
        n_stop=1,
        keep_models=True,
    )
    assert path.training == ["initial", "warm", "warm"]
    assert [m.n_features_in_ for m in path.models] == [7, 4, 1]
    assert len({id(m) for m in path.models}) == 3
    # Each kept network still predicts from its own columns.
    for model, units in zip(path.models, path.units):
        assert model.predict(X[:, units]).shape == (60,)


def test_the_path_is_reproducible_with_the_same_rng(data):
    X, y = data
    net = MLPRegressor((4,), max_epochs=2)
    X, y, setup = _setup(
        X, y, estimator=net, step=3, round_training=RoundTraining(epochs=1)
    )
    paths = [
        elimination_path(
            X, y, setup, rng=np.random.RandomState(3), seeded=True, n_stop=1
        )
        for _ in range(2)
    ]
    assert paths[0].score == paths[1].score


def test_split_rows_keeps_a_row_of_each_class_on_the_training_side():
    # A class of one row cannot be stratified: the random split must still
    # give the first (training) part a row of every class it holds out.
    from skchaos.feature_selection._rows import split_rows

    y = np.array([0] * 10 + [1] * 10 + [2])
    for seed in range(30):
        first, second = split_rows(y, 0.3, np.random.RandomState(seed), True)
        assert set(y[second]) <= set(y[first])
        assert sorted(np.r_[first, second]) == list(range(len(y)))


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_first_network_trains_on_while_no_better_than_a_constant():
    # A target that is noise: the first network never beats the constant on
    # its early-stopping rows, so it trains to the round cap (10 times the
    # net's max_epochs); with until_learned=False it stops after its patience.
    rng = np.random.RandomState(0)
    X, y = rng.randn(300, 4), rng.randn(300)
    net = MLPRegressor((8,), lr=0.01, max_epochs=3, n_iter_no_change=2)

    def first_epochs(until_learned):
        training = RoundTraining(until_learned=until_learned)
        selector = AttributionRFE(
            net, n_features_to_select=3, round_training=training, random_state=0
        )
        return selector.fit(X, y).history_["epochs"][0]

    assert first_epochs(True) == 30
    assert first_epochs(False) < 30
