"""Tests of the localization metrics."""

import numpy as np
import pytest

from skchaos.datasets import make_audio_localization, make_image_localization
from skchaos.metrics import (
    channel_localization_score,
    localization_iou_score,
    pointing_game_score,
)
from skchaos.metrics._localization import _localization_iou_per_sample


@pytest.fixture(scope="module")
def images():
    return make_image_localization(
        40,
        condition="RBRP",
        image_size=32,
        patch_size=8,
        random_state=0,
        return_X_y=False,
    )


@pytest.fixture(scope="module")
def audio():
    return make_audio_localization(
        300,
        condition="RBRP",
        n_channels=10,
        n_timesteps=64,
        random_state=0,
        return_X_y=False,
    )


def _oracle(images, n_channels=3):
    mask = images.foreground_mask.astype(float)
    return np.repeat(mask[:, None], n_channels, axis=1)


# --------------------------------------------------------------------------
# localization_iou_score
# --------------------------------------------------------------------------


def test_iou_oracle_is_one(images):
    oracle = _oracle(images)
    assert localization_iou_score(oracle, images.foreground_box, smoothing_sigma=0) == 1
    # Smoothing rounds the corners of the top-k region but keeps it on the box.
    smoothed = localization_iou_score(oracle, images.foreground_box)
    assert 0.8 < smoothed <= 1.0
    # Signed attributions: the absolute value is what counts.
    assert (
        localization_iou_score(-oracle, images.foreground_box, smoothing_sigma=0) == 1
    )


def test_iou_random_attributions_are_near_chance_and_noise_lowers_it(images):
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(images.data.shape)
    random_score = localization_iou_score(noise, images.foreground_box)
    # Scattered top-k pixels span most of the image: IoU ~ patch / image area.
    assert random_score < 0.2
    scores = [
        localization_iou_score(_oracle(images) + level * noise, images.foreground_box)
        for level in (0.0, 0.3, 1.0, 3.0)
    ]
    assert np.all(np.diff(scores) < 0)
    assert scores[-1] < 0.3


def test_iou_hand_computed_values():
    maps = np.zeros((2, 10, 10))
    maps[0, 2:4, 2:4] = [[4, 3], [2, 1]]  # the true 2x2 box at (x, y) = (2, 2)
    maps[1, 0, 0] = maps[1, 3, 3] = 1.0  # two spikes spanning a 4x4 box
    boxes = np.array([[2, 2, 2, 2], [2, 2, 2, 2]])
    # k=2: sample 0 keeps row 2 (a 2x1 box, IoU 2/4); sample 1 keeps the two
    # spikes, whose 4x4 bounding box contains the true box (IoU 4/16).
    iou = _localization_iou_per_sample(maps, boxes, k=2)
    np.testing.assert_allclose(iou, [2 / 4, 4 / 16])
    # k=None uses the box area, 4: sample 0 is then exact.
    np.testing.assert_allclose(_localization_iou_per_sample(maps[:1], boxes[:1]), [1])
    score = localization_iou_score(maps, boxes, smoothing_sigma=0, k=2)
    assert score == pytest.approx((2 / 4 + 4 / 16) / 2)


def test_iou_k_one_and_box_broadcast(images):
    oracle = _oracle(images)
    one_box = images.foreground_box[0]
    broadcast = localization_iou_score(oracle[:1], one_box, smoothing_sigma=0)
    assert broadcast == localization_iou_score(
        oracle[:1], images.foreground_box[:1], smoothing_sigma=0
    )
    # k=1: a single pixel inside the box, IoU = 1 / area.
    peaked = np.zeros((1, 32, 32))
    x, y, w, h = one_box
    peaked[0, y + 1, x + 2] = 1.0
    score = localization_iou_score(peaked, one_box, smoothing_sigma=0, k=1)
    assert score == pytest.approx(1 / (w * h))


def test_iou_channel_reductions(images):
    oracle = _oracle(images)
    boxes = images.foreground_box
    reduced = oracle[:, 0]
    for reduce_channels in ("mean_abs", "sum_abs", "max_abs"):
        assert (
            localization_iou_score(
                oracle, boxes, smoothing_sigma=0, reduce_channels=reduce_channels
            )
            == 1
        )
    # (n, H, W) input equals (n, 1, H, W) input.
    assert localization_iou_score(reduced, boxes) == localization_iou_score(
        reduced[:, None], boxes
    )
    # reduce_channels=None keeps the sign: a negative foreground ranks last.
    signed = -reduced + 0.01 * np.random.default_rng(0).random(reduced.shape)
    assert localization_iou_score(signed, boxes, smoothing_sigma=0) == 1
    assert (
        localization_iou_score(signed, boxes, smoothing_sigma=0, reduce_channels=None)
        < 0.2
    )


def test_chunked_evaluation_matches_a_single_chunk(images, monkeypatch):
    from skchaos.metrics import _localization

    rng = np.random.default_rng(0)
    attributions = _oracle(images) + 0.5 * rng.standard_normal(images.data.shape)
    boxes, mask = images.foreground_box, images.foreground_mask
    whole = (
        localization_iou_score(attributions, boxes),
        pointing_game_score(attributions, mask, smoothing_sigma="auto"),
    )
    monkeypatch.setattr(_localization, "_CHUNK_VALUES", 3 * 32 * 32 * 7)
    chunked = (
        localization_iou_score(attributions, boxes),
        pointing_game_score(attributions, mask, smoothing_sigma="auto"),
    )
    assert chunked == whole
    assert 0.1 < whole[0] < 0.9  # neither trivial value


@pytest.mark.parametrize(
    "attributions, box, params, match",
    [
        (np.zeros((2, 8)), [0, 0, 2, 2], {}, "attributions must have shape"),
        (np.zeros((2, 1, 1, 8, 8)), [0, 0, 2, 2], {}, "attributions must have shape"),
        (
            np.zeros((2, 3, 8, 8)),
            [0, 0, 2, 2],
            {"reduce_channels": None},
            "when reduce_channels=None",
        ),
        (np.full((2, 8, 8), np.nan), [0, 0, 2, 2], {}, "NaN"),
        (
            np.zeros((2, 8, 8)),
            [0, 0, 2],
            {},
            r"foreground_box must have shape \(2, 4\)",
        ),
        (np.zeros((2, 8, 8)), np.zeros((3, 4)), {}, "foreground_box must have shape"),
        (np.zeros((2, 8, 8)), [6, 0, 4, 2], {}, "is not a box inside the 8 x 8"),
        (np.zeros((2, 8, 8)), [0, 0, 0, 2], {}, "is not a box inside"),
        (np.zeros((2, 8, 8)), [0.5, 0, 2, 2], {}, "whole pixel numbers"),
        (np.zeros((2, 8, 8)), [0, 0, 2, 2], {"k": 65}, "k=65 is larger than the 64"),
        (np.zeros((2, 8, 8)), [0, 0, 2, 2], {"k": 0}, "'k' parameter"),
        (
            np.zeros((2, 8, 8)),
            [0, 0, 2, 2],
            {"smoothing_sigma": -1},
            "'smoothing_sigma' parameter",
        ),
        (
            np.zeros((2, 8, 8)),
            [0, 0, 2, 2],
            {"reduce_channels": "mean"},
            "'reduce_channels' parameter",
        ),
    ],
)
def test_iou_invalid_inputs(attributions, box, params, match):
    with pytest.raises(ValueError, match=match):
        localization_iou_score(attributions, box, **params)


# --------------------------------------------------------------------------
# pointing_game_score
# --------------------------------------------------------------------------


def test_pointing_game_oracle_random_and_ties(images):
    mask = images.foreground_mask
    assert pointing_game_score(_oracle(images), mask) == 1.0
    # Ties are split: a constant map scores the foreground's share of the image.
    constant = np.ones((40, 3, 32, 32))
    assert pointing_game_score(constant, mask) == pytest.approx(64 / 1024)
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((40, 3, 32, 32))
    assert pointing_game_score(noise, mask) < 0.3
    # The maximum off the foreground scores 0; a 2-D mask broadcasts.
    off = np.zeros((1, 32, 32))
    off[0, 0, 0] = 1.0
    single = np.zeros((32, 32), dtype=int)
    single[10:20, 10:20] = 1
    assert pointing_game_score(off, single) == 0.0
    assert pointing_game_score(off, 1 - single) == 1.0


def test_pointing_game_smoothing_recovers_a_blob_under_a_spike():
    maps = np.zeros((1, 32, 32))
    maps[0, 10:20, 10:20] = 1.0  # a foreground blob
    maps[0, 30, 30] = 5.0  # one stray spike outside
    mask = maps[0] == 1.0
    assert pointing_game_score(maps, mask) == 0.0
    assert pointing_game_score(maps, mask, smoothing_sigma=3) == 1.0


@pytest.mark.parametrize(
    "mask, match",
    [
        (np.ones((3, 8, 8), dtype=bool), "foreground_mask has shape"),
        (np.ones((2, 8, 9), dtype=bool), "foreground_mask has shape"),
        (np.ones(8, dtype=bool), "foreground_mask must have shape"),
        (np.full((2, 8, 8), 2), "boolean or hold only 0 and 1"),
        (np.zeros((2, 8, 8), dtype=bool), "foreground_mask is empty for sample 0"),
    ],
)
def test_pointing_game_invalid_masks(mask, match):
    with pytest.raises(ValueError, match=match):
        pointing_game_score(np.zeros((2, 3, 8, 8)), mask)


# --------------------------------------------------------------------------
# channel_localization_score
# --------------------------------------------------------------------------


def test_channel_score_oracle_random_and_noise(audio):
    channel = audio.informative_channel
    oracle = audio.data * audio.channel_mask[:, :, None]
    assert channel_localization_score(oracle, channel) == 1.0
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(audio.data.shape)
    assert channel_localization_score(noise, channel) == pytest.approx(0.1, abs=0.01)
    scores = [
        channel_localization_score(oracle + level * noise, channel)
        for level in (0.0, 0.01, 0.1, 1.0)
    ]
    assert np.all(np.diff(scores) < 0)


def test_channel_score_hand_computed_and_broadcast():
    attributions = np.zeros((3, 4, 5))
    attributions[0, 2] = -2.0  # all on channel 2 (absolute values count)
    attributions[1, :2] = 1.0  # half on channel 2's neighbours, none on 2
    # Sample 2 is all zero: an even spread, 1/4.
    assert channel_localization_score(attributions, 2) == pytest.approx(
        (1 + 0 + 0.25) / 3
    )
    assert channel_localization_score(attributions, [2, 0, 1]) == pytest.approx(
        (1 + 0.5 + 0.25) / 3
    )
    # Absolute values are averaged over time: a zero-mean signed attribution
    # still carries mass (|+-1| = 1 against 0.5 on each of three channels).
    alternating = np.full((1, 4, 6), 0.5)
    alternating[0, 1] = [1, -1, 1, -1, 1, -1]
    assert channel_localization_score(alternating, 1) == pytest.approx(1 / 2.5)
    # (n, C) input: one value per channel.
    assert channel_localization_score(np.eye(3), [0, 1, 2]) == 1.0
    assert channel_localization_score(np.eye(3), np.array([0.0, 1.0, 2.0])) == 1.0


@pytest.mark.parametrize(
    "attributions, channel, match",
    [
        (np.zeros(5), [0], "attributions must have shape"),
        (np.full((2, 3, 4), np.nan), [0, 1], "NaN"),
        (np.zeros((2, 3, 4)), [0, 3], r"must lie in \[0, 2\]"),
        (np.zeros((2, 3, 4)), [-1, 0], r"must lie in \[0, 2\]"),
        (np.zeros((2, 3, 4)), [0, 1, 2], r"must have shape \(2,\)"),
        (np.zeros((2, 3, 4)), [0.5, 1], "integer channel indices"),
    ],
)
def test_channel_score_invalid_inputs(attributions, channel, match):
    with pytest.raises(ValueError, match=match):
        channel_localization_score(attributions, channel)
