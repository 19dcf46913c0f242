"""Seeding rules of the meta-estimators (skchaos.utils._random)."""

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.decomposition import PCA
from sklearn.ensemble import BaggingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from skchaos.neural import MLPRegressor
from skchaos.utils import MAX_SEED, draw_seed, fit_seeded, seeded_clone, seeds_itself

X, Y = np.arange(12.0).reshape(6, 2), np.arange(6.0)


# --------------------------------------------------------------- draw_seed
def test_draw_seed_is_none_when_not_seeded_and_draws_nothing():
    rng = np.random.RandomState(0)
    state = rng.get_state()[1].copy()
    assert draw_seed(rng, seeded=False) is None
    np.testing.assert_array_equal(rng.get_state()[1], state)


def test_draw_seed_draws_reproducible_ints_in_range():
    seeds = [draw_seed(np.random.RandomState(0)) for _ in range(2)]
    assert seeds[0] == seeds[1] and isinstance(seeds[0], int)
    rng = np.random.RandomState(1)
    many = [draw_seed(rng) for _ in range(100)]
    assert all(0 <= seed < MAX_SEED for seed in many)
    assert len(set(many)) > 90  # successive draws differ


# ------------------------------------------------------------ seeded_clone
def test_seeded_clone_sets_only_unset_random_states():
    tree = DecisionTreeRegressor(max_depth=2)
    clone = seeded_clone(tree, 7)
    assert clone is not tree and clone.random_state == 7 and clone.max_depth == 2
    assert tree.random_state is None  # the original is untouched
    assert seeded_clone(DecisionTreeRegressor(random_state=1), 7).random_state == 1
    state = np.random.RandomState(0)
    assert seeded_clone(DecisionTreeRegressor(random_state=state), 7).random_state
    assert seeded_clone(tree, None).random_state is None


def test_seeded_clone_reaches_nested_estimators():
    pipe = make_pipeline(StandardScaler(), PCA(), DecisionTreeRegressor(random_state=3))
    clone = seeded_clone(pipe, 7)
    assert clone.get_params()["pca__random_state"] == 7
    assert clone.get_params()["decisiontreeregressor__random_state"] == 3
    assert pipe.get_params()["pca__random_state"] is None
    bagging = seeded_clone(BaggingRegressor(DecisionTreeRegressor()), 5)
    assert bagging.random_state == 5 and bagging.estimator.random_state == 5


def test_seeded_clone_of_an_estimator_without_random_state():
    clone = seeded_clone(LinearRegression(fit_intercept=False), 7)
    assert clone.get_params() == LinearRegression(fit_intercept=False).get_params()


def test_seeded_clone_is_unfitted():
    tree = DecisionTreeRegressor().fit(X, Y)
    assert not hasattr(seeded_clone(tree, 0), "tree_")


# -------------------------------------------------------------- seeds_itself
@pytest.mark.parametrize(
    "estimator, expected",
    [
        (DecisionTreeRegressor(), True),
        (MLPRegressor(), True),
        (LinearRegression(), False),
        (make_pipeline(StandardScaler(), LinearRegression()), False),
        (make_pipeline(PCA(), LinearRegression()), True),
    ],
)
def test_seeds_itself(estimator, expected):
    assert seeds_itself(estimator) is expected


# --------------------------------------------------------------- fit_seeded
class _TorchDraw(RegressorMixin, BaseEstimator):
    """Draws from torch's global generator in fit; has no random_state."""

    def fit(self, X, y):
        self.draw_ = torch.rand(3)
        return self


class _TorchDrawWithRandomState(_TorchDraw):
    """The same, with a random_state parameter (that it ignores)."""

    def __init__(self, random_state=None):
        self.random_state = random_state


def test_fit_seeded_seeds_torch_when_there_is_no_random_state():
    with torch.random.fork_rng():
        torch.manual_seed(0)
        state = torch.random.get_rng_state()
        first = fit_seeded(_TorchDraw(), X, Y, seed=5).draw_
        again = fit_seeded(_TorchDraw(), X, Y, seed=5).draw_
        other = fit_seeded(_TorchDraw(), X, Y, seed=6).draw_
        # Seeded locally: the global generator did not move.
        assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.equal(first, again) and not torch.equal(first, other)


@pytest.mark.parametrize(
    "estimator",
    [_TorchDrawWithRandomState(), make_pipeline(PCA(), _TorchDraw())],
    ids=["random_state", "nested random_state"],
)
def test_fit_seeded_leaves_torch_alone_when_there_is_a_random_state(estimator):
    with torch.random.fork_rng():
        torch.manual_seed(0)
        expected = torch.rand(3)
        torch.manual_seed(0)
        fitted = fit_seeded(estimator, X, Y, seed=5)
    draw = fitted[-1].draw_ if hasattr(fitted, "steps") else fitted.draw_
    assert torch.equal(draw, expected)  # the global stream, not seed 5


def test_fit_seeded_with_seed_none_leaves_torch_alone():
    with torch.random.fork_rng():
        torch.manual_seed(0)
        expected = torch.rand(3)
        torch.manual_seed(0)
        assert torch.equal(fit_seeded(_TorchDraw(), X, Y, seed=None).draw_, expected)


def test_fit_seeded_never_changes_the_global_torch_state():
    with torch.random.fork_rng():
        torch.manual_seed(0)
        state = torch.random.get_rng_state()
        net = MLPRegressor((4,), max_epochs=2, random_state=0)
        fit_seeded(net, X, Y, seed=5)
        fit_seeded(_TorchDraw(), X, Y, seed=5)
        assert torch.equal(torch.random.get_rng_state(), state)


def test_fit_seeded_passes_fit_params():
    class _Weighted(_TorchDraw):
        def fit(self, X, y, sample_weight=None):
            self.sample_weight_ = sample_weight
            return super().fit(X, y)

    fitted = fit_seeded(_Weighted(), X, Y, seed=0, sample_weight=np.ones(6))
    np.testing.assert_array_equal(fitted.sample_weight_, np.ones(6))
