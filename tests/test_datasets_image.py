"""Tests of make_image_localization."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skchaos.datasets import make_image_localization
from skchaos.datasets._image import _resize

CONDITIONS = ["RBFP", "RBRP", "SBFP", "SBRP"]


def _bunch(n_samples=12, **params):
    params.setdefault("random_state", 0)
    return make_image_localization(n_samples, return_X_y=False, **params)


def _box_mask(boxes, image_size):
    """The mask implied by (x, y, w, h) boxes, built independently."""
    rows = np.arange(image_size)[None, :, None]
    cols = np.arange(image_size)[None, None, :]
    x, y, w, h = (boxes[:, i, None, None] for i in range(4))
    return (rows >= y) & (rows < y + h) & (cols >= x) & (cols < x + w)


@pytest.mark.parametrize("condition", CONDITIONS)
def test_shapes_dtypes_and_truth(condition):
    data = _bunch(condition=condition, image_size=32, patch_size=8)
    assert data.data.shape == (12, 3, 32, 32)
    assert data.data.dtype == np.float32
    assert data.target.shape == (12,)
    assert data.foreground_box.shape == (12, 4)
    assert np.issubdtype(data.foreground_box.dtype, np.integer)
    assert data.foreground_mask.shape == (12, 32, 32)
    assert data.foreground_mask.dtype == bool
    assert data.condition == condition
    assert condition in data.DESCR
    assert data.data.min() >= 0.0 and data.data.max() <= 1.0
    np.testing.assert_array_equal(data.foreground_box[:, 2:], 8)
    np.testing.assert_array_equal(
        data.foreground_mask, _box_mask(data.foreground_box, 32)
    )
    X, y = make_image_localization(
        12, condition=condition, image_size=32, patch_size=8, random_state=0
    )
    np.testing.assert_array_equal(X, data.data)
    np.testing.assert_array_equal(y, data.target)


def test_default_patch_is_the_resized_digit_pasted_over_the_background():
    data = _bunch(condition="RBRP", image_size=40, patch_size=16)
    digits = load_digits()
    np.testing.assert_array_equal(data.target, digits.target[data.foreground_index])
    expected = _resize(
        (digits.images[data.foreground_index] / 16.0).astype(np.float32)[:, None],
        (16, 16),
    )
    for i, (x, y, w, h) in enumerate(data.foreground_box):
        patch = data.data[i, :, y : y + h, x : x + w]
        for channel in range(3):  # grey: the digit replicated over channels
            np.testing.assert_array_equal(patch[channel], expected[i, 0])
    # Outside the patch the noise is untouched: no pixel outside the mask is
    # equal in all three channels (the digit is grey, noise is not).
    outside = data.data.transpose(0, 2, 3, 1)[~data.foreground_mask]
    assert not np.any(
        (outside[:, 0] == outside[:, 1]) & (outside[:, 1] == outside[:, 2])
    )


@pytest.mark.parametrize("condition", ["RBFP", "SBFP"])
def test_fixed_position_is_the_centre(condition):
    data = _bunch(condition=condition, image_size=33, patch_size=10)
    np.testing.assert_array_equal(data.foreground_box, [[11, 11, 10, 10]] * 12)


@pytest.mark.parametrize("condition", ["RBRP", "SBRP"])
def test_random_position_varies_and_stays_inside(condition):
    data = _bunch(n_samples=200, condition=condition, image_size=24, patch_size=8)
    x, y, w, h = data.foreground_box.T
    assert x.min() >= 0 and y.min() >= 0
    assert (x + w).max() <= 24 and (y + h).max() <= 24
    # Uniform over 17 x 17 top-left positions: both extremes are reached.
    assert {x.min(), x.max(), y.min(), y.max()} == {0, 16}
    assert len(set(map(tuple, data.foreground_box))) > 100


@pytest.mark.parametrize("condition", CONDITIONS)
def test_random_state_determinism(condition):
    params = {"n_samples": 6, "condition": condition, "image_size": 24}
    first = _bunch(**params)
    second = _bunch(**params)
    other = _bunch(**{**params, "random_state": 1})
    for key in ("data", "target", "foreground_box", "foreground_mask"):
        np.testing.assert_array_equal(first[key], second[key])
    assert not np.array_equal(first.data, other.data)


def test_condition_is_case_insensitive():
    data = _bunch(n_samples=2, condition="sbFp", image_size=24, patch_size=8)
    assert data.condition == "SBFP"


def test_structured_background_is_smooth_random_background_is_not():
    def roughness(condition):
        data = _bunch(n_samples=8, condition=condition, image_size=48, patch_size=8)
        steps = np.abs(np.diff(data.data, axis=3)).mean(axis=1)
        return steps[~data.foreground_mask[:, :, 1:]].mean()

    # Uniform noise: E|U - V| = 1/3; natural photographs are far smoother.
    assert roughness("RBRP") == pytest.approx(1 / 3, abs=0.02)
    assert roughness("SBRP") < 0.1


def test_structured_backgrounds_differ_between_samples():
    data = _bunch(n_samples=8, condition="SBFP", image_size=32, patch_size=8)
    backgrounds = data.data[:, :, :4].reshape(8, -1)  # rows above the patch
    assert len({row.tobytes() for row in backgrounds}) == 8


def test_user_foreground_uint8_channels_last():
    rng = np.random.default_rng(0)
    foreground = rng.integers(0, 256, size=(5, 6, 7, 3), dtype=np.uint8)
    labels = np.array(["a", "b", "c", "d", "e"])
    data = _bunch(
        n_samples=5,
        condition="RBRP",
        image_size=20,
        foreground=foreground,
        foreground_labels=labels,
    )
    # n_samples == n_fg: every item used once.
    np.testing.assert_array_equal(np.sort(data.foreground_index), np.arange(5))
    np.testing.assert_array_equal(data.target, labels[data.foreground_index])
    np.testing.assert_array_equal(data.target_names, labels)
    np.testing.assert_array_equal(data.foreground_box[:, 2:], [[7, 6]] * 5)
    for i, (x, y, w, h) in enumerate(data.foreground_box):
        expected = foreground[data.foreground_index[i]].transpose(2, 0, 1) / 255.0
        np.testing.assert_allclose(
            data.data[i, :, y : y + h, x : x + w], expected, rtol=1e-6
        )


def test_user_foreground_is_reused_evenly():
    foreground = np.zeros((3, 4, 4))
    data = _bunch(
        n_samples=7, foreground=foreground, foreground_labels=[0, 1, 2], image_size=8
    )
    assert sorted(np.bincount(data.foreground_index)) == [2, 2, 3]


def test_channel_mismatch_is_averaged_then_replicated():
    foreground = np.zeros((1, 4, 4, 3))
    foreground[..., 0] = 0.9  # channel mean 0.3
    one = _bunch(
        n_samples=1,
        foreground=foreground,
        foreground_labels=[0],
        image_size=8,
        n_channels=1,
        condition="RBFP",
    )
    np.testing.assert_allclose(one.data[0, 0, 2:6, 2:6], 0.3, rtol=1e-6)
    four = _bunch(
        n_samples=1,
        foreground=foreground,
        foreground_labels=[0],
        image_size=8,
        n_channels=4,
        condition="RBFP",
    )
    assert four.data.shape == (1, 4, 8, 8)
    np.testing.assert_allclose(four.data[0, :, 2:6, 2:6], 0.3, rtol=1e-6)


def test_user_background_smaller_than_the_image_is_resized():
    # Two grey (n, H, W) backgrounds of constant value, smaller than the image.
    background = np.stack([np.full((20, 30), 0.25), np.full((20, 30), 0.75)])
    data = _bunch(
        n_samples=6,
        condition="SBRP",
        image_size=32,
        patch_size=8,
        background=background,
    )
    outside = data.data.transpose(0, 2, 3, 1)[~data.foreground_mask]
    values = np.unique(outside.round(5))
    assert set(values) <= {0.25, 0.75} and len(values) == 2


def test_background_larger_than_the_image_is_cropped():
    # A ramp along the columns: crops and flips keep it a monotone ramp.
    background = np.tile(np.linspace(0, 1, 100), (1, 60, 1))
    data = _bunch(
        n_samples=10,
        condition="SBFP",
        image_size=16,
        patch_size=4,
        background=background,
        n_channels=1,
    )
    row = data.data[:, 0, 0]  # the first row, above the patch
    steps = np.diff(row, axis=1)
    assert np.all((steps > 0).all(axis=1) | (steps < 0).all(axis=1))
    assert (steps[:, 0] > 0).any() and (steps[:, 0] < 0).any()  # both flips


def test_paper_scale():
    data = _bunch(n_samples=3, condition="SBFP", image_size=224, patch_size=32)
    assert data.data.shape == (3, 3, 224, 224)
    np.testing.assert_array_equal(data.foreground_box, [[96, 96, 32, 32]] * 3)
    assert data.foreground_mask.sum() == 3 * 32 * 32
    X, _ = make_image_localization(3, image_size=224, patch_size=32, random_state=0)
    assert X.shape == (3, 3, 224, 224)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"condition": "RBXX"}, "condition='RBXX' is not a localization condition"),
        ({"n_channels": 0}, "'n_channels' parameter"),
        ({"n_samples": 0}, "'n_samples' parameter"),
        (
            {"image_size": 8, "patch_size": 9},
            "patch_size=9 is larger than image_size=8",
        ),
        ({"background": np.zeros((1, 8, 8))}, "only used by the structured"),
        ({"foreground_labels": [0]}, "only used together with foreground"),
        ({"foreground": np.zeros((2, 4, 4))}, "foreground_labels is required"),
        (
            {"foreground": np.zeros((2, 4, 4)), "foreground_labels": [0, 1, 2]},
            "3 labels but foreground has 2 items",
        ),
        (
            {"foreground": np.zeros((2, 4, 4)), "foreground_labels": [[0, 1]]},
            "foreground_labels must be a 1-D array",
        ),
        (
            {"foreground": np.zeros((2, 4)), "foreground_labels": [0, 1]},
            r"foreground must be an array of shape \(n, h, w\)",
        ),
        (
            {"foreground": np.zeros((2, 4, 40, 3)), "foreground_labels": [0, 1]},
            "larger than image_size=32",
        ),
        (
            {"foreground": np.full((2, 4, 4), np.nan), "foreground_labels": [0, 1]},
            "NaN",
        ),
        (
            {"condition": "SBRP", "background": np.zeros((3, 8))},
            r"background must be an array of shape \(n, h, w\)",
        ),
    ],
)
def test_invalid_parameters(params, match):
    params = {"n_samples": 2, "image_size": 32, "patch_size": 8, **params}
    with pytest.raises(ValueError, match=match):
        make_image_localization(**params)
