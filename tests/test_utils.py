import numpy as np
import pytest
import torch

from skchaos.utils import (
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
