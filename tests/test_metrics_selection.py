"""Tests for the feature-selection metrics."""

import numpy as np
import pytest
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.metrics import f1_score, precision_score, recall_score

from skchaos.metrics import (
    selection_f1_score,
    selection_precision_score,
    selection_recall_score,
)

METRICS = [selection_precision_score, selection_recall_score, selection_f1_score]
SKLEARN_EQUIVALENT = {
    selection_precision_score: precision_score,
    selection_recall_score: recall_score,
    selection_f1_score: f1_score,
}
RELEVANT = np.array([True, True, True, False, False, False, False, False])


@pytest.mark.parametrize(
    "support, expected",
    [
        # 2 of 4 selected are relevant; 2 of 3 relevant are found.
        ([0, 1, 5, 6], (2 / 4, 2 / 3, 4 / 7)),
        ([0, 1, 2], (1.0, 1.0, 1.0)),
        ([0], (1.0, 1 / 3, 0.5)),
        ([3, 4], (0.0, 0.0, 0.0)),
        (list(range(8)), (3 / 8, 1.0, 6 / 11)),
    ],
)
def test_selection_hand_computed(support, expected):
    scores = [metric(support, RELEVANT) for metric in METRICS]
    assert scores == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("metric", METRICS)
def test_selection_masks_and_indices_agree(metric):
    rng = np.random.default_rng(0)
    for _ in range(20):
        relevant = rng.random(15) < 0.3
        relevant[0] = True
        mask = rng.random(15) < 0.5
        indices = rng.permutation(np.flatnonzero(mask))  # order is irrelevant
        by_mask = metric(mask, relevant)
        assert metric(indices, relevant) == by_mask
        assert metric(indices.astype(np.uint8).tolist(), relevant.tolist()) == by_mask
        # The same as sklearn's metric on the masks seen as binary labels.
        expected = SKLEARN_EQUIVALENT[metric](relevant, mask, zero_division=0.0)
        assert by_mask == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("metric", METRICS)
def test_selection_accepts_get_support(metric):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 8))
    y = X[:, 0] + 0.5 * X[:, 1] + 0.25 * X[:, 2]
    selector = SelectKBest(f_regression, k=3).fit(X, y)
    by_mask = metric(selector.get_support(), RELEVANT)
    assert metric(selector.get_support(indices=True), RELEVANT) == by_mask
    assert by_mask == 1.0


@pytest.mark.parametrize("empty", [[], np.array([], dtype=int), [False] * 8])
@pytest.mark.parametrize("zero_division", [0.0, 0.5, 1.0])
def test_selection_zero_division_on_empty_selection(empty, zero_division):
    assert selection_precision_score(empty, RELEVANT, zero_division=zero_division) == (
        zero_division
    )
    # Recall and F1 stay defined: nothing relevant was found.
    assert selection_recall_score(empty, RELEVANT, zero_division=zero_division) == 0
    assert selection_f1_score(empty, RELEVANT, zero_division=zero_division) == 0


def test_selection_zero_division_without_relevant_features():
    nothing_relevant = np.zeros(8, dtype=bool)
    assert selection_recall_score([1, 2], nothing_relevant, zero_division=1.0) == 1.0
    assert selection_precision_score([1, 2], nothing_relevant, zero_division=1.0) == 0
    assert selection_f1_score([1, 2], nothing_relevant, zero_division=1.0) == 0
    # Both sets empty: F1 is undefined too.
    assert selection_f1_score([], nothing_relevant, zero_division=1.0) == 1.0
    assert np.isnan(selection_f1_score([], nothing_relevant, zero_division=np.nan))
    assert np.isnan(
        selection_precision_score([], nothing_relevant, zero_division=np.nan)
    )


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize(
    "support, relevant_mask, error, match",
    [
        ([True, False], RELEVANT, ValueError, "mask of length 2.*n_features=8"),
        ([0, 8], RELEVANT, ValueError, r"out of range \[0, 8\).*\[8\]"),
        ([-1, 2], RELEVANT, ValueError, r"out of range.*\[-1\]"),
        ([1, 2, 1], RELEVANT, ValueError, r"duplicate feature indices: \[1\]"),
        ([0.0, np.nan], RELEVANT, ValueError, "support contains NaN"),
        ([0.0, 2.0], RELEVANT, TypeError, "integer feature indices.*float64"),
        (["a", "b"], RELEVANT, TypeError, "support must be a boolean mask"),
        ([[0, 1]], RELEVANT, ValueError, r"support must be 1-D.*\(1, 2\)"),
        ([0, 1], [1, 0, 0], TypeError, "relevant_mask must be a boolean.*int"),
        ([0, 1], [[True, False]], ValueError, r"non-empty 1-D.*\(1, 2\)"),
        ([], [], TypeError, "relevant_mask must be a boolean.*float64"),
        ([], np.array([], dtype=bool), ValueError, "non-empty 1-D"),
    ],
)
def test_selection_rejects_bad_input(metric, support, relevant_mask, error, match):
    with pytest.raises(error, match=match):
        metric(support, relevant_mask)


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("zero_division", [-0.1, 2, "warn", None])
def test_selection_rejects_bad_zero_division(metric, zero_division):
    with pytest.raises(ValueError, match="'zero_division' parameter"):
        metric([0], RELEVANT, zero_division=zero_division)
