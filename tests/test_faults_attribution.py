"""Fault: ``attribute`` called on one fitted net from several threads at once.

Each call used to switch the caller's module to eval mode and turn its
parameters' ``requires_grad`` off, then restore both, without a lock: racing
calls restored each other's saved state (the net was left frozen in eval
mode, and ``partial_fit`` failed), and DeepLift's hooks on the shared module
collided (IndexError, "cannot register a hook").
"""

import threading
import warnings

import numpy as np
import pytest
import skorch
import torch
from torch import nn

from skchaos.attribution import attribute
from skchaos.utils import torch_random_context

N_THREADS = 6
CALLS_PER_THREAD = 4
METHODS = {
    "saliency": {"abs": False},
    "deeplift": {},
    "integrated_gradients": {"n_steps": 8},
}


def _data(n=40, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    y = (X[:, :1] - 0.5 * X[:, 1:2] ** 2).astype(np.float32)
    return X, y


def _fitted_net():
    X, y = _data()
    with torch_random_context(0):
        module = nn.Sequential(
            nn.Linear(4, 16),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(16, 8),
            nn.Tanh(),
            nn.Linear(8, 1),
        )
        net = skorch.NeuralNetRegressor(
            module, max_epochs=3, lr=0.05, train_split=None, verbose=0
        )
        net.fit(X, y)
    # A mixed state the calls must leave exactly as it is.
    net.module_[2].eval()
    net.module_[0].bias.requires_grad_(False)
    return net


def _state(module):
    """Everything about the module that a call could change."""
    hooks = [
        (
            len(m._forward_hooks),
            len(m._forward_pre_hooks),
            len(m._backward_hooks),
            len(getattr(m, "_backward_pre_hooks", {})),
        )
        for m in module.modules()
    ]
    return {
        "training": [m.training for m in module.modules()],
        "requires_grad": [p.requires_grad for p in module.parameters()],
        "grad": [p.grad is None for p in module.parameters()],
        "hooks": hooks,
        "parameters": [p.detach().clone() for p in module.parameters()],
    }


def _assert_same_state(before, after):
    for key in ("training", "requires_grad", "grad", "hooks"):
        assert after[key] == before[key], key
    for old, new in zip(before["parameters"], after["parameters"]):
        assert torch.equal(old, new)


def _run_in_threads(func, n_threads=N_THREADS):
    """Run ``func(i)`` in ``n_threads`` threads started together."""
    barrier = threading.Barrier(n_threads)
    results, errors = [None] * n_threads, []

    def work(i):
        try:
            barrier.wait(10)
            results[i] = func(i)
        except BaseException as exc:  # re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize("method", list(METHODS))
def test_concurrent_calls_on_one_net(method):
    net = _fitted_net()
    X, y = _data()
    params = METHODS[method]
    before = _state(net.module_)
    serial = attribute(net, X, method=method, batch_size=8, **params)

    def calls(i):
        return [
            attribute(net, X, method=method, batch_size=8, **params)
            for _ in range(CALLS_PER_THREAD)
        ]

    for results in _run_in_threads(calls):
        for result in results:
            np.testing.assert_allclose(result, serial, rtol=1e-5, atol=1e-6)
    _assert_same_state(before, _state(net.module_))
    # the net still trains: its trainable parameters change
    trainable = [p for p in net.module_.parameters() if p.requires_grad]
    old = [p.detach().clone() for p in trainable]
    net.partial_fit(X, y)
    assert any(not torch.equal(a, p.detach()) for a, p in zip(old, trainable))


def test_concurrent_mixed_methods_and_training_flags():
    net = _fitted_net()
    X, _ = _data()
    before = _state(net.module_)
    filters = list(warnings.filters)
    serial = {
        method: attribute(net, X, method=method, **params)
        for method, params in METHODS.items()
    }
    names = list(METHODS)

    def calls(i):
        method = names[i % len(names)]
        return method, attribute(net, X, method=method, **METHODS[method])

    for method, result in _run_in_threads(calls, n_threads=8):
        np.testing.assert_allclose(result, serial[method], rtol=1e-5, atol=1e-6)
    _assert_same_state(before, _state(net.module_))
    # captum's advice is silenced per call; no filter is left behind
    assert warnings.filters == filters


class _Locked(nn.Module):
    """A module that cannot be deep-copied: it is attributed in place."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        with torch_random_context(0):
            self.body = nn.Sequential(
                nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1)
            )

    def forward(self, x):
        return self.body(x)


@pytest.mark.parametrize("method", ["saliency", "deeplift"])
def test_concurrent_calls_on_a_module_that_cannot_be_copied(method):
    module = _Locked().train()
    X, _ = _data(12)
    before = _state(module)
    serial = attribute(module, X, method=method)
    for results in _run_in_threads(lambda i: attribute(module, X, method=method)):
        np.testing.assert_allclose(results, serial, rtol=1e-5, atol=1e-6)
    _assert_same_state(before, _state(module))


def test_no_captum_advice_escapes():
    net = _fitted_net()
    X, _ = _data(6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        attribute(net, X, method="deeplift")
        attribute(net, X, method="lime", n_samples=5, random_state=0)


def test_call_does_not_touch_the_callers_module():
    # Even a single call leaves the caller's module alone: another thread may
    # be training it, so its flags must never flip, even for a moment.
    net = _fitted_net()
    X, _ = _data(8)
    last = net.module_[5]
    seen = []

    def spy(module, args):
        # the flags of the caller's module while the network runs
        seen.append((net.module_.training, last.weight.requires_grad))

    handle = last.register_forward_pre_hook(spy)
    try:
        attribute(net, X, method="deeplift")
    finally:
        handle.remove()
    assert seen and all(flags == (True, True) for flags in seen)
    assert len(last._forward_pre_hooks) == 0
