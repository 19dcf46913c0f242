from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from skchaos.neural import MLPRegressor
from skchaos.utils import (
    copy_estimator,
    numpy_random_context,
    resolve_device,
    torch_random_context,
    torch_seed_from_random_state,
)


def test_resolve_device_auto_matches_cuda_availability():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto") == expected


def test_resolve_device_rejects_garbage():
    with pytest.raises(ValueError, match="device='toaster'"):
        resolve_device("toaster")


def test_torch_random_context_does_not_touch_global_state():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    with torch_random_context(7):
        torch.rand(5)
    assert torch.equal(torch.rand(3), expected)


def test_torch_seed_from_generator_and_int():
    assert torch_seed_from_random_state(np.random.default_rng(0)) == (
        torch_seed_from_random_state(np.random.default_rng(0))
    )
    assert torch_seed_from_random_state(1) != torch_seed_from_random_state(2)


def test_numpy_random_context_restores_the_global_state():
    np.random.seed(123)  # noqa: NPY002
    expected = np.random.rand(3)  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    with numpy_random_context(7):
        first = np.random.rand(2)  # noqa: NPY002
    with numpy_random_context(7):
        again = np.random.rand(2)  # noqa: NPY002
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(np.random.rand(3), expected)  # noqa: NPY002


def test_seeded_fits_in_threads_match_serial_fits():
    """Threads share torch's global RNG: seeded blocks must not interleave."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(64, 4)).astype(np.float32)
    y = X[:, 0] - X[:, 1]

    def fit(seed):
        net = MLPRegressor((16, 16), dropout=0.3, max_epochs=15, random_state=seed)
        return net.fit(X, y).predict(X)

    seeds = list(range(8))
    serial = [fit(seed) for seed in seeds]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(fit, seeds))
    for seed, expected, got in zip(seeds, serial, threaded):
        np.testing.assert_array_equal(got, expected, err_msg=f"seed {seed}")


def test_copy_estimator_copies_a_net_and_its_history_independently():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3)).astype(np.float32)
    net = MLPRegressor((4,), max_epochs=5, batch_size=16, random_state=0)
    for model in (net, make_pipeline(StandardScaler(), net)):
        model.fit(X, X[:, 0])
        fitted = model[-1] if hasattr(model, "steps") else model
        copy = copy_estimator(model)
        copied = copy[-1] if hasattr(copy, "steps") else copy
        assert copied is not fitted and copied.module_ is not fitted.module_
        assert list(copied.history_) == list(fitted.history_)
        assert copied.history_[0]["batches"][0] is not fitted.history_[0]["batches"][0]
        copied.history_[0]["batches"][0]["train_loss"] = -1.0
        assert fitted.history_[0]["batches"][0]["train_loss"] != -1.0
        np.testing.assert_array_equal(copy.predict(X), model.predict(X))
