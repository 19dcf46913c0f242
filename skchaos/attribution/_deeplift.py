"""Make captum's DeepLift usable on networks with modern activations.

captum's DeepLift applies its rescale rule only to the module types listed in
``captum.attr._core.deep_lift.SUPPORTED_NON_LINEAR`` (ReLU, ELU, LeakyReLU,
Sigmoid, Tanh, Softplus, max pooling and Softmax in captum 0.9). Every other
module is back-propagated with its plain gradient, which breaks DeepLift's
completeness (attributions summing to ``f(x) - f(baseline)``) for e.g. GELU.
The rescale rule, ``grad * (f(x) - f(x')) / (x - x')``, is valid for any
elementwise nonlinearity, so :func:`_deeplift_rules` registers the elementwise
activations that captum lacks for the duration of one call and removes them
afterwards. :func:`_check_deeplift_model` refuses networks that reuse an
activation instance (which captum's hooks cannot handle) and warns about
modules it cannot vouch for.
"""

import threading
import warnings
from collections import Counter
from contextlib import contextmanager

import torch
from captum.attr._core import deep_lift
from torch import nn

# Elementwise activations: the rescale rule applies to all of them.
_ELEMENTWISE = (
    nn.CELU,
    nn.ELU,
    nn.GELU,
    nn.Hardshrink,
    nn.Hardsigmoid,
    nn.Hardswish,
    nn.Hardtanh,  # also ReLU6, a subclass
    nn.LeakyReLU,
    nn.LogSigmoid,
    nn.Mish,
    nn.PReLU,
    nn.ReLU,
    nn.RReLU,
    nn.SELU,
    nn.SiLU,
    nn.Sigmoid,
    nn.Softplus,
    nn.Softshrink,
    nn.Softsign,
    nn.Tanh,
    nn.Tanhshrink,
    nn.Threshold,
)

# Modules that are linear (or the identity) in eval mode: DeepLift's
# multipliers through them are their gradients, so they need no rule.
_LINEAR = (
    nn.AdaptiveAvgPool1d,
    nn.AdaptiveAvgPool2d,
    nn.AdaptiveAvgPool3d,
    nn.AlphaDropout,
    nn.AvgPool1d,
    nn.AvgPool2d,
    nn.AvgPool3d,
    nn.ChannelShuffle,
    nn.ConstantPad1d,
    nn.ConstantPad2d,
    nn.ConstantPad3d,
    nn.Conv1d,
    nn.Conv2d,
    nn.Conv3d,
    nn.ConvTranspose1d,
    nn.ConvTranspose2d,
    nn.ConvTranspose3d,
    nn.Dropout,
    nn.Dropout1d,
    nn.Dropout2d,
    nn.Dropout3d,
    nn.FeatureAlphaDropout,
    nn.Flatten,
    nn.Identity,
    nn.Linear,
    nn.PixelShuffle,
    nn.PixelUnshuffle,
    nn.ReflectionPad1d,
    nn.ReflectionPad2d,
    nn.ReflectionPad3d,
    nn.ReplicationPad1d,
    nn.ReplicationPad2d,
    nn.ReplicationPad3d,
    nn.Unflatten,
    nn.Upsample,
    nn.ZeroPad1d,
    nn.ZeroPad2d,
    nn.ZeroPad3d,
    nn.modules.batchnorm._BatchNorm,
)

_CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict)

_LOCK = threading.Lock()
# Classes that skchaos registered in captum's table, with how many running
# calls rely on them; a class is removed when its count drops to zero.
_BORROWED = Counter()


@contextmanager
def _rescale_table(classes):
    """Register ``classes`` with captum's rescale rule while the block runs.

    Classes captum already supports are left alone. The registration is
    reference-counted under a lock, so concurrent calls (threads) never remove
    a rule another call still needs, and captum's table is back to its
    original content once the last call ends.
    """
    table = deep_lift.SUPPORTED_NON_LINEAR
    mine = []
    with _LOCK:
        for cls in classes:
            if _BORROWED[cls] > 0:
                _BORROWED[cls] += 1
                mine.append(cls)
            elif cls not in table:
                table[cls] = deep_lift.nonlinear
                _BORROWED[cls] = 1
                mine.append(cls)
    try:
        yield
    finally:
        with _LOCK:
            for cls in mine:
                _BORROWED[cls] -= 1
                if _BORROWED[cls] == 0:
                    del _BORROWED[cls]
                    table.pop(cls, None)


def _is_hooked(module):
    """Whether DeepLift (with our additions) applies a rule to ``module``."""
    return type(module) in deep_lift.SUPPORTED_NON_LINEAR or isinstance(
        module, _ELEMENTWISE
    )


def _check_single_use(module, example):
    """Raise ValueError if a hooked nonlinear module runs more than once.

    captum stores one input/output per module between the forward and the
    backward pass, so an activation instance applied at two places in the
    network breaks DeepLift (deep inside captum). One forward pass on
    ``example`` counts the calls.
    """
    counts = Counter()
    handles = [
        sub.register_forward_pre_hook(lambda m, args, name=name: counts.update([name]))
        for name, sub in module.named_modules()
        if _is_hooked(sub)
    ]
    try:
        with torch.no_grad():
            module(example)
    finally:
        for handle in handles:
            handle.remove()
    reused = {name: count for name, count in counts.items() if count > 1}
    if reused:
        names = dict(module.named_modules())
        listed = ", ".join(
            f"{name or '<root>'!r} ({type(names[name]).__name__}, {count} calls)"
            for name, count in sorted(reused.items())
        )
        raise ValueError(
            "DeepLift needs every activation module to be used once per forward "
            f"pass, but these are reused: {listed}. Give each layer its own "
            "activation instance (e.g. nn.GELU() per layer), or use another "
            "method such as integrated_gradients."
        )


def _warn_unsupported(module, stacklevel):
    """Warn about modules DeepLift will differentiate instead of rescaling."""
    unknown, custom, hooked = set(), set(), False
    for sub in module.modules():
        if _is_hooked(sub):
            hooked = True
        elif isinstance(sub, _LINEAR + _CONTAINERS):
            continue
        elif next(sub.children(), None) is None or type(sub).__module__.startswith(
            "torch."
        ):
            # an unknown leaf, or a torch composite (attention, RNN, transformer
            # layer) whose nonlinearities are functional calls
            unknown.add(type(sub).__name__)
        else:
            custom.add(type(sub).__name__)
    if unknown:
        warnings.warn(
            "DeepLift has no rescale rule for these modules, so it "
            f"back-propagates their plain gradient: {', '.join(sorted(unknown))}. "
            "If they are nonlinear, the attributions no longer sum to "
            "f(x) - f(baseline).",
            UserWarning,
            stacklevel=stacklevel + 1,
        )
    elif custom and not hooked:
        warnings.warn(
            "DeepLift found no activation module in "
            f"{', '.join(sorted(custom))}. Activations called as functions in "
            "forward (F.relu, torch.tanh, ...) are invisible to its hooks and get "
            "their plain gradient instead of the rescale rule; use nn.Module "
            "activations (one instance per layer) for exact DeepLift.",
            UserWarning,
            stacklevel=stacklevel + 1,
        )


def _check_deeplift_model(module, example, *, stacklevel=2):
    """Check that DeepLift's rules can cover ``module``.

    Raises ValueError when a hooked activation instance is reused, and warns
    (pointing ``stacklevel`` frames up) about modules without a rule.

    Parameters
    ----------
    module : torch.nn.Module
        The network, already in eval mode.
    example : torch.Tensor of shape (n, ...)
        A small input batch (one row is enough) for the reuse check.
    stacklevel : int, default=2
        Passed on to :func:`warnings.warn`, relative to the caller.
    """
    _check_single_use(module, example)
    _warn_unsupported(module, stacklevel + 1)


def _deeplift_rules(module):
    """Run a DeepLift computation on ``module`` with sound rescale rules.

    Returns a context manager that registers the elementwise activations of
    ``module`` that captum lacks (removed on exit). Call
    :func:`_check_deeplift_model` first. captum's per-call notice about
    setting hooks is silenced by ``_isolation._quiet_captum``.
    """
    classes = {type(sub) for sub in module.modules() if isinstance(sub, _ELEMENTWISE)}
    return _rescale_table(classes)
