"""DeepLift with activations captum lacks, and the checks around it."""

import threading
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from captum.attr._core import deep_lift
from torch import nn

from skchaos.attribution import attribute
from skchaos.attribution._deeplift import _rescale_table
from skchaos.utils import torch_random_context


def _net(activation, n_in=4):
    with torch_random_context(0):
        return nn.Sequential(
            nn.Linear(n_in, 16),
            activation(),
            nn.Linear(16, 16),
            activation(),
            nn.Linear(16, 1),
        )


def _data(n=12, n_features=4, seed=0):
    return np.random.RandomState(seed).normal(size=(n, n_features)).astype(np.float32)


def _delta(model, X, result, baseline):
    with torch.no_grad():
        f_x = model(torch.tensor(X))[:, 0].numpy()
        f_b = model(torch.tensor(baseline[None]))[0, 0].item()
    return np.abs(result.sum(axis=1) - (f_x - f_b)).max()


@pytest.mark.parametrize(
    "activation", [nn.GELU, nn.SiLU, nn.Mish, lambda: nn.Hardtanh(-0.5, 0.5)]
)
def test_deeplift_complete_on_activations_captum_lacks(activation):
    model = _net(activation)
    X = _data()
    baseline = np.full(4, 0.3, dtype=np.float32)
    table_before = dict(deep_lift.SUPPORTED_NON_LINEAR)
    result = attribute(model, X, method="deeplift", baselines=baseline)
    assert dict(deep_lift.SUPPORTED_NON_LINEAR) == table_before
    assert _delta(model, X, result, baseline) < 1e-4
    # without the rescale rule the GELU net is far from complete
    inputs = torch.tensor(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = deep_lift.DeepLift(model.eval()).attribute(
            inputs, baselines=torch.tensor(baseline[None]).expand(12, 4)
        )
    assert _delta(model, X, plain.detach().numpy(), baseline) > 1e-3


def test_deeplift_shap_complete_on_gelu_against_the_mean_baseline():
    model = _net(nn.GELU)
    X = _data()
    background = _data(5, seed=1)
    result = attribute(model, X, method="deeplift_shap", baselines=background)
    with torch.no_grad():
        f_x = model(torch.tensor(X))[:, 0].numpy()
        f_b = model(torch.tensor(background))[:, 0].numpy().mean()
    assert np.abs(result.sum(axis=1) - (f_x - f_b)).max() < 1e-4


def test_rescale_rule_registered_only_during_the_call():
    seen = []

    class Spy(nn.Module):
        def forward(self, x):
            seen.append(nn.GELU in deep_lift.SUPPORTED_NON_LINEAR)
            return x

    model = nn.Sequential(nn.Linear(3, 4), nn.GELU(), Spy(), nn.Linear(4, 1))
    assert nn.GELU not in deep_lift.SUPPORTED_NON_LINEAR
    with pytest.warns(UserWarning, match="no rescale rule.*Spy"):
        attribute(model, _data(3, 3), method="deeplift")
    # the first call is attribute's probe, before DeepLift starts
    assert seen[0] is False and seen[-1] is True
    assert nn.GELU not in deep_lift.SUPPORTED_NON_LINEAR


def test_rescale_table_is_reference_counted_across_threads():
    entered, release = threading.Event(), threading.Event()

    def hold():
        with _rescale_table({nn.SiLU}):
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait(5)
    with _rescale_table({nn.SiLU}):
        pass
    # the other call still needs SiLU: it must not have been removed
    assert nn.SiLU in deep_lift.SUPPORTED_NON_LINEAR
    release.set()
    thread.join()
    assert nn.SiLU not in deep_lift.SUPPORTED_NON_LINEAR


def test_reused_activation_raises():
    shared = nn.Tanh()
    model = nn.Sequential(nn.Linear(4, 8), shared, nn.Linear(8, 8), shared)
    with pytest.raises(ValueError, match=r"reused: '0.1' \(Tanh, 2 calls\)"):
        attribute(nn.Sequential(model, nn.Linear(8, 1)), _data(), method="deeplift")
    # gradient methods do not care
    attribute(nn.Sequential(model, nn.Linear(8, 1)), _data(), method="saliency")


def test_inplace_activation_is_fine():
    with torch_random_context(0):
        model = nn.Sequential(
            nn.Linear(4, 8), nn.ReLU(inplace=True), nn.Linear(8, 8), nn.SiLU(True)
        )
        model.append(nn.Linear(8, 1))
    X = _data()
    result = attribute(model, X, method="deeplift")
    assert _delta(model, X, result, np.zeros(4, dtype=np.float32)) < 1e-4


class _Functional(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(4, 8), nn.Linear(8, 1)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


def test_functional_activation_warns_at_the_callers_line():
    with pytest.warns(UserWarning, match="invisible to its hooks") as record:
        attribute(_Functional(), _data(), method="deeplift")
    assert record[0].filename == __file__


def test_unknown_module_warns_and_known_ones_do_not():
    model = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 1))
    with pytest.warns(UserWarning, match="LayerNorm"):
        attribute(model, _data(), method="deeplift")
    quiet = nn.Sequential(
        nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Dropout(), nn.GELU(), nn.Linear(8, 1)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        attribute(quiet, _data(), method="deeplift")
