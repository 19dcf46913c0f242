"""Device resolution and local seeding.

skchaos never touches the global torch seed: every stochastic torch step runs
inside :func:`torch_random_context`, which forks the global RNG state, seeds the
fork, and restores the caller's state on exit (:func:`numpy_random_context`
does the same for numpy's global RNG, which captum draws from).

torch and numpy have one global generator per process, so seeded blocks of
different threads (joblib's threading backend, Dask's threaded workers) would
interleave their draws and their save/restore of the state. Seeded blocks
therefore hold one process-wide re-entrant lock: the same seed gives the same
result in any thread, and the threads of one process run their seeded blocks
one at a time (processes, joblib's default, still run in parallel).
"""

import threading
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state

#: Seeds are drawn in ``[0, MAX_SEED)``.
MAX_SEED = int(np.iinfo(np.int32).max)
# Held by every seeded block: the global RNGs are shared by the threads.
_SEEDED_BLOCK_LOCK = threading.RLock()


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
        return int(random_state.integers(MAX_SEED))
    return int(check_random_state(random_state).randint(MAX_SEED))


@contextmanager
def torch_random_context(seed):
    """Run a block with torch's RNGs seeded locally.

    The global CPU (and CUDA) RNG state is saved, seeded with ``seed``, and
    restored on exit, so code outside the block never sees the seed. With
    ``seed=None`` the block runs unseeded and the global state is untouched.
    Seeded blocks of different threads run one at a time, so that another
    thread cannot draw from (or reseed) the global generator in between.

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
    with _SEEDED_BLOCK_LOCK, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        yield generator


@contextmanager
def numpy_random_context(seed):
    """Run a block with numpy's global RNG seeded locally.

    Some libraries draw from ``np.random`` rather than from a generator they
    are given (captum's GradientShap draws its baselines and path points
    there), so seeding torch alone does not make them reproducible. Like
    :func:`torch_random_context`, the caller's state is restored on exit,
    ``seed=None`` leaves everything untouched, and seeded blocks of different
    threads run one at a time.

    Parameters
    ----------
    seed : int or None
        The seed, e.g. from :func:`torch_seed_from_random_state`.

    Yields
    ------
    None

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.utils import numpy_random_context
    >>> with numpy_random_context(0):
    ...     a = np.random.rand(2)
    >>> with numpy_random_context(0):
    ...     b = np.random.rand(2)
    >>> bool(np.array_equal(a, b))
    True
    """
    if seed is None:
        yield
        return
    with _SEEDED_BLOCK_LOCK:
        state = np.random.get_state()  # noqa: NPY002 (the legacy global RNG)
        try:
            np.random.seed(seed)  # noqa: NPY002
            yield
        finally:
            np.random.set_state(state)  # noqa: NPY002
