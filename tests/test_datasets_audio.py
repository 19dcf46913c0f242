"""Tests of make_audio_localization."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skchaos.datasets import make_audio_localization

CONDITIONS = ["RBFP", "RBRP", "SBFP", "SBRP"]


def _bunch(n_samples=20, **params):
    params.setdefault("random_state", 0)
    params.setdefault("n_timesteps", 512)
    return make_audio_localization(n_samples, return_X_y=False, **params)


def _informative(data):
    return data.data[np.arange(len(data.target)), data.informative_channel]


@pytest.mark.parametrize("condition", CONDITIONS)
def test_shapes_dtypes_and_truth(condition):
    data = _bunch(condition=condition, n_channels=6)
    assert data.data.shape == (20, 6, 512)
    assert data.data.dtype == np.float32
    assert data.target.shape == (20,)
    assert data.channel_mask.shape == (20, 6)
    assert data.channel_mask.dtype == bool
    assert data.condition == condition
    assert data.sample_rate == 8000
    assert condition in data.DESCR
    assert len(data.target_names) == 8
    assert set(data.target) <= set(range(8))
    np.testing.assert_array_equal(data.channel_mask.sum(axis=1), 1)
    np.testing.assert_array_equal(
        data.channel_mask.argmax(axis=1), data.informative_channel
    )
    X, y = make_audio_localization(
        20, condition=condition, n_channels=6, n_timesteps=512, random_state=0
    )
    np.testing.assert_array_equal(X, data.data)
    np.testing.assert_array_equal(y, data.target)


@pytest.mark.parametrize("condition", ["RBFP", "SBFP"])
def test_fixed_position_is_channel_zero(condition):
    data = _bunch(condition=condition)
    np.testing.assert_array_equal(data.informative_channel, 0)


@pytest.mark.parametrize("condition", ["RBRP", "SBRP"])
def test_random_position_covers_the_channels(condition):
    data = _bunch(n_samples=100, condition=condition, n_channels=4, n_timesteps=128)
    assert set(data.informative_channel) == {0, 1, 2, 3}


@pytest.mark.parametrize("condition", CONDITIONS)
def test_single_channel_is_the_clip(condition):
    data = _bunch(n_samples=5, condition=condition, n_channels=1, n_timesteps=64)
    assert data.data.shape == (5, 1, 64)
    np.testing.assert_array_equal(data.informative_channel, 0)
    assert np.any(data.data[:, 0] == 0)  # the silence around the event


@pytest.mark.parametrize("condition", CONDITIONS)
def test_random_state_determinism(condition):
    first = _bunch(n_samples=8, condition=condition)
    second = _bunch(n_samples=8, condition=condition)
    other = _bunch(n_samples=8, condition=condition, random_state=1)
    np.testing.assert_array_equal(first.data, second.data)
    np.testing.assert_array_equal(first.target, second.target)
    np.testing.assert_array_equal(first.informative_channel, second.informative_channel)
    assert not np.array_equal(first.data, other.data)


def test_synthetic_clip_is_a_silent_padded_event_in_the_informative_channel():
    data = _bunch(n_samples=40, condition="RBRP")
    clips = _informative(data)
    silent = clips == 0
    # Events last 40-80% of the window: the rest of the clip is exact silence.
    assert np.all(silent.mean(axis=1) > 0.15) and np.all(silent.mean(axis=1) < 0.65)
    noise = data.data[~data.channel_mask]
    assert not np.any(noise == 0)
    assert noise.std() == pytest.approx(0.1, rel=0.05)
    assert np.abs(noise).max() <= 1.0
    # Balanced classes: 40 samples, 8 classes.
    np.testing.assert_array_equal(np.bincount(data.target, minlength=8), 5)


def test_classes_are_not_separable_by_channel_energy():
    data = _bunch(n_samples=320, condition="RBRP", n_channels=2)
    rms = np.sqrt(np.mean(_informative(data).astype(float) ** 2, axis=1))
    per_class = np.array([rms[data.target == k].mean() for k in range(8)])
    assert per_class.max() / per_class.min() < 1.25
    accuracy = cross_val_score(
        LogisticRegression(), np.log(rms)[:, None], data.target, cv=4
    ).mean()
    assert accuracy < 0.25  # chance is 0.125


def test_classes_are_learnable_from_the_spectrum():
    data = _bunch(n_samples=320, condition="RBRP", n_channels=2)
    spectrum = np.abs(np.fft.rfft(_informative(data).astype(float), axis=1))
    bands = np.log(spectrum[:, :256].reshape(320, 64, 4).mean(axis=2) + 1e-6)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    accuracy = cross_val_score(model, bands, data.target, cv=4).mean()
    assert accuracy > 0.4  # chance is 0.125


def test_structured_channels_are_coloured_and_energy_does_not_give_the_channel():
    structured = _bunch(n_samples=200, condition="SBRP", n_timesteps=256)
    random = _bunch(n_samples=200, condition="RBRP", n_timesteps=256)

    def lag_one_correlation(data):
        noise = data.data[~data.channel_mask].astype(float)
        noise -= noise.mean(axis=1, keepdims=True)
        return np.mean(np.sum(noise[:, 1:] * noise[:, :-1], 1) / np.sum(noise**2, 1))

    assert abs(lag_one_correlation(random)) < 0.05
    assert lag_one_correlation(structured) > 0.5

    rms = np.sqrt(np.mean(structured.data.astype(float) ** 2, axis=2))
    assert np.mean(rms.argmax(axis=1) == structured.informative_channel) < 0.3


def test_user_foreground_is_padded_and_int16_scaled():
    foreground = np.array([[16384, -16384, 8192], [100, 200, 300]], dtype=np.int16)
    data = _bunch(
        n_samples=4,
        condition="RBFP",
        n_timesteps=64,
        foreground=foreground,
        foreground_labels=["yes", "no"],
    )
    assert sorted(data.foreground_index.tolist()) == [0, 0, 1, 1]
    np.testing.assert_array_equal(
        data.target, np.array(["yes", "no"])[data.foreground_index]
    )
    np.testing.assert_array_equal(data.target_names, ["no", "yes"])
    clips = data.data[:, 0]
    np.testing.assert_allclose(clips[:, :3], foreground[data.foreground_index] / 32768)
    np.testing.assert_array_equal(clips[:, 3:], 0)


def test_user_background_windows_are_cropped_from_a_long_recording():
    recording = np.arange(1000, dtype=float)  # one 1-D recording, a ramp
    data = _bunch(n_samples=10, condition="SBRP", n_timesteps=100, background=recording)
    windows = data.data[~data.channel_mask].astype(float)
    np.testing.assert_array_equal(np.diff(windows, axis=1), 1.0)
    starts = windows[:, 0]
    assert starts.min() >= 0 and starts.max() <= 900
    assert len(np.unique(starts)) > 50


def test_user_foreground_structured_background_uses_other_classes():
    # A single class: no distractor of another class exists, still generated.
    one_class = _bunch(
        n_samples=4,
        condition="SBFP",
        foreground=np.ones((2, 512)),
        foreground_labels=[3, 3],
    )
    assert np.all(np.isfinite(one_class.data))
    two_classes = _bunch(
        n_samples=4,
        condition="SBFP",
        foreground=np.ones((2, 512)),
        foreground_labels=[3, 4],
    )
    np.testing.assert_array_equal(two_classes.data[:, 0], 1.0)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"condition": "XBRP"}, "condition='XBRP' is not a localization condition"),
        ({"n_channels": 0}, "'n_channels' parameter"),
        ({"n_timesteps": 10}, "'n_timesteps' parameter"),
        ({"background": np.zeros((2, 600))}, "only used by the structured"),
        ({"foreground_labels": [0]}, "only used together with foreground"),
        ({"foreground": np.zeros((2, 100))}, "foreground_labels is required"),
        (
            {"foreground": np.zeros((2, 100)), "foreground_labels": [0]},
            "1 labels but foreground has 2 items",
        ),
        (
            {"foreground": np.zeros(100), "foreground_labels": [0]},
            r"foreground must be an array of shape \(n_fg, n_fg_timesteps\)",
        ),
        (
            {"foreground": np.zeros((2, 3, 100)), "foreground_labels": [0, 1]},
            r"foreground must be an array of shape \(n_fg, n_fg_timesteps\)",
        ),
        (
            {"foreground": np.zeros((2, 600)), "foreground_labels": [0, 1]},
            "have 600 timesteps, more than n_timesteps=512",
        ),
        (
            {"foreground": np.full((2, 100), np.inf), "foreground_labels": [0, 1]},
            "infinity",
        ),
        (
            {"condition": "SBRP", "background": np.zeros((2, 100))},
            "have 100 timesteps, fewer than n_timesteps=512",
        ),
        (
            {"condition": "SBRP", "background": np.zeros((2, 2, 600))},
            r"background must be an array of shape \(n_bg, n_bg_timesteps\)",
        ),
    ],
)
def test_invalid_parameters(params, match):
    params = {"n_samples": 2, "n_timesteps": 512, **params}
    with pytest.raises(ValueError, match=match):
        make_audio_localization(**params)
