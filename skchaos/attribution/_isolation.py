"""Keep each call of :func:`attribute` off the caller's model and global state.

Several threads may explain one fitted net at once, while another trains it.
So a call never switches the caller's module to eval mode, never turns its
parameters' ``requires_grad`` off, and never registers hooks on it: it works
on a per-call structural copy (:func:`_isolated`) whose parameters alias the
caller's storage (no copy of the weights) but are their own ``Parameter``
objects, frozen, in a module tree in eval mode. DeepLift's hooks then go on
the copy, where they cannot collide with another call's.

captum's per-call advice is silenced with filters that are installed and
removed under a lock and a count (:func:`_quiet_captum`), since
:class:`warnings.catch_warnings` saves and restores the process-wide filter
list and is not safe across threads.
"""

import copy
import dataclasses
import threading
import warnings
import weakref
from contextlib import contextmanager

import torch
from torch import nn

# captum's advice that does not apply to skchaos' batched calls.
_CAPTUM_ADVICE = (
    "You are providing multiple inputs for Lime",
    "Setting forward, backward hooks",
)
_FILTERS_LOCK = threading.Lock()
_filter_users = [0, []]  # running calls, the filter entries they installed

# Modules that cannot be copied are attributed in place, one call at a time.
_MODULE_LOCKS_LOCK = threading.Lock()
_MODULE_LOCKS = weakref.WeakKeyDictionary()


def _inference_copy(module):
    """A copy of ``module`` in eval mode whose parameters alias the original.

    The module tree (submodules, their ``training`` flags and hooks) is
    deep-copied; each parameter becomes a new frozen ``Parameter`` on the
    same storage, and buffers and other tensor attributes are shared, so no
    weight is copied and the original is never modified.
    """
    memo = {}
    for submodule in module.modules():
        for value in vars(submodule).values():
            if isinstance(value, torch.Tensor):
                memo[id(value)] = value
    for buffer in module.buffers():
        memo[id(buffer)] = buffer
    for param in module.parameters():
        memo[id(param)] = nn.Parameter(param.detach(), requires_grad=False)
    replica = copy.deepcopy(module, memo)
    return replica.eval()


@contextmanager
def _inference_state(module):
    """Put a module in eval mode with frozen parameters, then restore it.

    The fallback of :func:`_isolated` for modules that cannot be copied.
    Each submodule's ``training`` flag and each parameter's ``requires_grad``
    are saved and restored individually, so a module that mixes modes comes
    back exactly as it was.
    """
    training = [(m, m.training) for m in module.modules()]
    requires_grad = [(p, p.requires_grad) for p in module.parameters()]
    try:
        module.eval()
        for param, _ in requires_grad:
            param.requires_grad_(False)
        yield
    finally:
        for submodule, flag in training:
            submodule.training = flag
        for param, flag in requires_grad:
            param.requires_grad_(flag)


def _module_lock(module):
    with _MODULE_LOCKS_LOCK:
        lock = _MODULE_LOCKS.get(module)
        if lock is None:
            lock = _MODULE_LOCKS[module] = threading.RLock()
        return lock


@contextmanager
def _isolated(model):
    """Yield the ``_Model`` one call of :func:`attribute` works on.

    For a torch model, a copy from :func:`_inference_copy`: the caller's
    module is left untouched. A module that cannot be deep-copied (e.g. one
    holding a lock) is used in place instead, frozen in eval mode for the
    call and restored afterwards, with concurrent calls on it serialized.
    Non-torch models are returned as they are.
    """
    if model.module is None:
        yield model
        return
    try:
        replica = _inference_copy(model.module)
    except Exception:  # deepcopy fails in many ways
        replica = None
    if replica is None:
        with _module_lock(model.module), _inference_state(model.module):
            yield model
        return
    yield dataclasses.replace(model, forward=replica, module=replica)


@contextmanager
def _quiet_captum():
    """Silence captum's advice that does not apply to batched calls.

    The filters are installed by the first running call and removed by the
    last one, under a lock, so concurrent calls never leave them behind nor
    remove them while another call runs. Filters of the caller that happen
    to be identical are left alone.
    """
    with _FILTERS_LOCK:
        if _filter_users[0] == 0:
            before = list(warnings.filters)
            for message in _CAPTUM_ADVICE:
                warnings.filterwarnings("ignore", message=message, category=UserWarning)
            _filter_users[1] = [f for f in warnings.filters if f not in before]
        _filter_users[0] += 1
    try:
        yield
    finally:
        with _FILTERS_LOCK:
            _filter_users[0] -= 1
            if _filter_users[0] == 0:
                for entry in _filter_users[1]:
                    if entry in warnings.filters:
                        warnings.filters.remove(entry)
                _filter_users[1] = []
