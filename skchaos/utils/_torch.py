"""Device resolution and local torch seeding.

skchaos never touches the global torch seed: every stochastic torch step runs
inside :func:`torch_random_context`, which forks the global RNG state, seeds the
fork, and restores the caller's state on exit.
"""

from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state

_MAX_SEED = np.iinfo(np.int32).max


def resolve_device(device):
    """Turn ``"auto"`` into ``"cuda"`` when CUDA is available, else ``"cpu"``.

    Parameters
    ----------
    device : str or torch.device
        ``"auto"``, or anything :class:`torch.device` accepts.

    Returns
    -------
    device : str
        The resolved device string.

    Examples
    --------
    >>> from skchaos.utils import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    """
    if device is None or (isinstance(device, str) and device == "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        return str(torch.device(device))
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a valid torch device; expected 'auto', "
            "'cpu', 'cuda' or 'cuda:N'."
        ) from exc


def torch_seed_from_random_state(random_state):
    """Draw a torch seed from a scikit-learn ``random_state``.

    Parameters
    ----------
    random_state : None, int, numpy.random.RandomState or numpy.random.Generator
        ``None`` means "do not seed" and returns ``None``.

    Returns
    -------
    seed : int or None
        A seed in ``[0, 2**31 - 1)``, or ``None`` when ``random_state`` is None.

    Examples
    --------
    >>> from skchaos.utils import torch_seed_from_random_state
    >>> torch_seed_from_random_state(0) == torch_seed_from_random_state(0)
    True
    >>> torch_seed_from_random_state(None) is None
    True
    """
    if random_state is None:
        return None
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(_MAX_SEED))
    return int(check_random_state(random_state).randint(_MAX_SEED))


@contextmanager
def torch_random_context(seed):
    """Run a block with torch's RNGs seeded locally.

    The global CPU (and CUDA) RNG state is saved, seeded with ``seed``, and
    restored on exit, so code outside the block never sees the seed. With
    ``seed=None`` the block runs unseeded and the global state is untouched.

    Parameters
    ----------
    seed : int or None
        The seed, e.g. from :func:`torch_seed_from_random_state`.

    Yields
    ------
    generator : torch.Generator or None
        A CPU generator seeded with ``seed`` (``None`` when ``seed`` is None),
        for code that takes an explicit generator (e.g. shuffling indices).

    Examples
    --------
    >>> import torch
    >>> from skchaos.utils import torch_random_context
    >>> with torch_random_context(0):
    ...     a = torch.rand(2)
    >>> with torch_random_context(0):
    ...     b = torch.rand(2)
    >>> bool(torch.equal(a, b))
    True
    """
    if seed is None:
        yield None
        return
    devices = (
        list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    )
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        yield generator
