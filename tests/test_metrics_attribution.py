"""Tests for the attribution metrics: uniformity and functional precision."""

import itertools
import warnings

import numpy as np
import pytest

from skchaos.metrics import functional_precision_score, uniformity_score

N_RELEVANT, N_NOISE = 5, 20
NOISE_LEVELS = [0.05, 0.2, 0.5, 1.5]


@pytest.fixture
def truth():
    """Continuous signed truth on the first 5 features, exactly 0 on 20 noise."""
    rng = np.random.default_rng(0)
    values = np.zeros((2000, N_RELEVANT + N_NOISE))
    values[:, :N_RELEVANT] = rng.normal(size=(2000, N_RELEVANT))
    return values


@pytest.fixture
def relevant():
    return np.arange(N_RELEVANT + N_NOISE) < N_RELEVANT


# --- uniformity_score ---------------------------------------------------------


def test_uniformity_is_one_on_perfect_attributions(truth):
    assert uniformity_score(truth, truth) == 1.0
    assert uniformity_score(truth, truth, normalize=None) == 1.0
    # A positive rescale per row: exact for powers of two, within rounding else.
    rng = np.random.default_rng(1)
    powers = 2.0 ** rng.integers(-10, 10, size=(truth.shape[0], 1))
    assert uniformity_score(powers * truth, truth) == 1.0
    scales = rng.uniform(1e-3, 1e3, size=(truth.shape[0], 1))
    assert uniformity_score(scales * truth, truth) == pytest.approx(1.0, abs=1e-12)
    # Without normalization a rescale is an error.
    assert uniformity_score(2 * truth, truth, normalize=None) < 0.7


@pytest.mark.parametrize("normalize", ["l1", None])
def test_uniformity_falls_with_noise(truth, normalize):
    rng = np.random.default_rng(2)
    noise = rng.normal(size=truth.shape)
    scores = [
        uniformity_score(truth + scale * noise, truth, normalize=normalize)
        for scale in NOISE_LEVELS
    ]
    assert all(0.0 < s < 1.0 for s in scores)
    assert np.all(np.diff(scores) < -0.02), scores


def test_uniformity_penalizes_mass_on_noise_features(truth):
    attributions = truth.copy()
    attributions[:, -1] = np.abs(truth).sum(axis=1) * 0.5
    less_noisy = truth.copy()
    less_noisy[:, -1] = np.abs(truth).sum(axis=1) * 0.1
    score, score_less = (
        uniformity_score(attributions, truth),
        uniformity_score(less_noisy, truth),
    )
    assert score < score_less < 1.0
    # The relevant values are unchanged, so without normalization it is blind.
    assert uniformity_score(attributions, truth, normalize=None) == 1.0


def test_uniformity_of_wrong_sign_is_about_zero(truth):
    # Each term is eps / (2 |b| + eps) with eps = 1e-7: tiny, not exactly 0.
    assert 0.0 < uniformity_score(-truth, truth) < 1e-4
    assert 0.0 < uniformity_score(-truth, truth, normalize=None) < 1e-4


def test_uniformity_hand_computed():
    truth = np.array([[1.0, -2.0, 0.0]])
    # l1: a = [1/4, -1/2, 1/4], b = [1/3, -2/3, 0]; both relative errors 1/7.
    attributions = np.array([[1.0, -2.0, 1.0]])
    assert uniformity_score(attributions, truth) == pytest.approx(6 / 7, abs=1e-6)
    # Raw values: terms 1 - 1/3 and 1 on the two relevant columns.
    raw = uniformity_score([[2.0, 1.0, 5.0]], [[1.0, 1.0, 0.0]], normalize=None)
    assert raw == pytest.approx(5 / 6, abs=1e-6)
    # An explicit mask can score a column where the truth is zero: 1 - 5/5.
    raw_all = uniformity_score(
        [[2.0, 1.0, 5.0]],
        [[1.0, 1.0, 0.0]],
        relevant_mask=[True, True, True],
        normalize=None,
    )
    assert raw_all == pytest.approx(5 / 9, abs=1e-6)


def test_uniformity_of_1d_predictions():
    y_true = np.array([1.0, 4.0, -2.0])
    y_pred = np.array([1.0, 2.0, -2.0])
    # Terms 1, 1 - 2/6 and 1.
    score = uniformity_score(y_pred, y_true, normalize=None)
    assert score == pytest.approx(8 / 9, abs=1e-6)
    # 1-D and a single column are interchangeable.
    assert uniformity_score(y_pred[:, None], y_true, normalize=None) == score
    assert uniformity_score(y_pred.tolist(), y_true[:, None], normalize=None) == score
    # With l1 normalization every non-zero single value normalizes to +-1.
    assert uniformity_score(y_pred, y_true) == 1.0


def test_uniformity_default_mask_is_nonzero_truth(truth, relevant):
    rng = np.random.default_rng(3)
    attributions = truth + 0.3 * rng.normal(size=truth.shape)
    assert uniformity_score(attributions, truth) == uniformity_score(
        attributions, truth, relevant_mask=relevant
    )
    # Scoring the noise columns too (where the truth is 0) changes the score.
    everything = np.ones_like(relevant)
    assert uniformity_score(attributions, truth, relevant_mask=everything) < (
        uniformity_score(attributions, truth)
    )


def test_uniformity_flattens_nd_inputs():
    rng = np.random.default_rng(4)
    truth = rng.normal(size=(6, 2, 3, 4))
    truth[:, 1] = 0.0
    attributions = truth + 0.5 * rng.normal(size=truth.shape)
    mask = np.zeros((2, 3, 4), dtype=bool)
    mask[0] = True
    flat = uniformity_score(attributions.reshape(6, -1), truth.reshape(6, -1))
    assert uniformity_score(attributions, truth) == flat
    assert uniformity_score(attributions, truth, relevant_mask=mask) == flat
    assert uniformity_score(attributions, truth, relevant_mask=mask.ravel()) == flat


def test_uniformity_zero_rows_without_warnings():
    truth = np.array([[0.0, 0.0], [1.0, 1.0]])
    attributions = np.array([[0.0, 0.0], [0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Row 0: 0 vs 0 scores 1; row 1: 0 vs 1/2 scores 0.
        score = uniformity_score(attributions, truth, relevant_mask=[True, True])
    assert score == pytest.approx(0.5)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"attributions": [[np.nan, 1.0]]}, ValueError, "attributions.*NaN"),
        ({"ground_truth": [[np.inf, 1.0]]}, ValueError, "ground_truth.*infinity"),
        ({"attributions": [[1.0, 2.0, 3.0]]}, ValueError, "same shape"),
        ({"attributions": [[1.0, 2.0]] * 2}, ValueError, "inconsistent numbers"),
        ({"relevant_mask": [1, 0]}, TypeError, "relevant_mask must be a boolean"),
        ({"relevant_mask": [True]}, ValueError, r"shape \(1,\), expected \(2,\)"),
        ({"relevant_mask": [False, False]}, ValueError, "selects no feature"),
        ({"ground_truth": [[0.0, 0.0]]}, ValueError, "zero everywhere"),
        ({"normalize": "l2"}, ValueError, "'normalize' parameter"),
    ],
)
def test_uniformity_rejects_bad_input(kwargs, error, match):
    params = {"attributions": [[1.0, 2.0]], "ground_truth": [[1.0, 0.0]]}
    params.update(kwargs)
    with pytest.raises(error, match=match):
        uniformity_score(**params)


def test_metrics_reject_nd_inputs_without_features():
    empty = np.zeros((2, 0, 3))
    with pytest.raises(ValueError, match=r"at least one feature.*\(2, 0, 3\)"):
        uniformity_score(empty, empty)
    with pytest.raises(ValueError, match="attributions must have at least one"):
        functional_precision_score(empty, np.zeros((0, 3), dtype=bool))


# --- functional_precision_score -----------------------------------------------


def test_functional_precision_is_one_on_perfect_attributions(truth, relevant):
    assert functional_precision_score(truth, relevant) == 1.0
    # Invariant to any strictly increasing transform of |attribution| and sign.
    for transformed in (-truth, truth**3, 7 * np.tanh(truth), np.expm1(truth**2)):
        assert functional_precision_score(transformed, relevant) == 1.0


def test_functional_precision_falls_with_noise(truth, relevant):
    rng = np.random.default_rng(5)
    noise = rng.normal(size=truth.shape)
    scores = [
        functional_precision_score(truth + scale * noise, relevant)
        for scale in NOISE_LEVELS
    ]
    assert all(0.0 < s < 1.0 for s in scores)
    assert np.all(np.diff(scores) < -0.02), scores


def test_functional_precision_is_zero_when_top_k_is_noise(truth, relevant):
    attributions = truth.copy()
    attributions[:, ~relevant] = 10.0 + np.abs(truth).max()
    assert functional_precision_score(attributions, relevant) == 0.0
    # The relevant features come back as soon as k exceeds the noise count.
    assert functional_precision_score(
        attributions, relevant, k=N_NOISE + 1
    ) == pytest.approx(1 / (N_NOISE + 1))


def test_functional_precision_hand_computed():
    relevant = np.array([True, True, False, False])
    attributions = np.array([[0.9, -0.5, 0.1, 0.0], [0.9, 0.1, -0.5, 0.0]])
    assert functional_precision_score(attributions, relevant) == 0.75
    assert functional_precision_score(attributions, relevant, k=1) == 1.0
    assert functional_precision_score(attributions, relevant, k=3) == pytest.approx(
        2 / 3
    )
    assert functional_precision_score(attributions, relevant, k=4) == 0.5


def test_functional_precision_averages_ties():
    relevant = np.array([True, True, False, False])
    # All tied: the expected share of relevant features, whatever the order.
    assert functional_precision_score(np.zeros((1, 4)), relevant) == 0.5
    assert functional_precision_score(np.zeros((1, 4)), relevant[::-1]) == 0.5
    # One relevant above, then a 3-way tie (1 relevant) for the last slot.
    tied = np.array([[2.0, 1.0, -1.0, 1.0]])
    assert functional_precision_score(tied, relevant) == pytest.approx((1 + 1 / 3) / 2)


def test_functional_precision_ties_match_random_tie_breaking():
    # The exact expectation under a uniformly random tie-break: the mean of
    # the stable-sort (first-column-wins) score over all column orders.
    rng = np.random.default_rng(6)
    attributions = rng.integers(-2, 3, size=(30, 5)).astype(float)
    relevant = np.array([True, False, True, False, False])
    for k in range(1, 6):
        by_order = []
        for order in itertools.permutations(range(5)):
            order = list(order)
            top = np.argsort(-np.abs(attributions[:, order]), axis=1, kind="stable")
            by_order.append(relevant[order][top[:, :k]].mean())
        expected = np.mean(by_order)
        score = functional_precision_score(attributions, relevant, k=k)
        assert score == pytest.approx(expected, abs=1e-12)


def test_functional_precision_matches_argsort_without_ties():
    rng = np.random.default_rng(7)
    attributions = rng.normal(size=(50, 12))
    relevant = rng.random(12) < 0.4
    for k in (1, 3, 7, 12):
        top = np.argsort(-np.abs(attributions), axis=1)[:, :k]
        expected = relevant[top].mean()
        score = functional_precision_score(attributions, relevant, k=k)
        assert score == pytest.approx(expected, abs=1e-12)


def test_functional_precision_flattens_nd_inputs():
    rng = np.random.default_rng(8)
    attributions = rng.normal(size=(5, 3, 4, 4))
    mask = rng.random((3, 4, 4)) < 0.3
    flat = functional_precision_score(attributions.reshape(5, -1), mask.ravel())
    assert functional_precision_score(attributions, mask) == flat
    assert functional_precision_score(attributions, mask.ravel()) == flat


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"attributions": [[np.nan, 1.0, 0.0]]}, ValueError, "NaN"),
        ({"attributions": [[np.inf, 1.0, 0.0]]}, ValueError, "infinity"),
        ({"relevant_mask": [1, 0, 0]}, TypeError, "boolean array"),
        ({"relevant_mask": [True, False]}, ValueError, r"expected \(3,\)"),
        ({"relevant_mask": [False] * 3}, ValueError, "pass k explicitly"),
        ({"k": 0}, ValueError, "'k' parameter"),
        ({"k": 1.5}, TypeError, "'k' parameter"),
        ({"k": 4}, ValueError, r"k must be in \[1, n_features=3\], got k=4"),
    ],
)
def test_functional_precision_rejects_bad_input(kwargs, error, match):
    params = {"attributions": [[1.0, 2.0, 3.0]], "relevant_mask": [True, False, False]}
    params.update(kwargs)
    with pytest.raises(error, match=match):
        functional_precision_score(**params)
