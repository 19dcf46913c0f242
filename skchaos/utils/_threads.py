"""Thread limits of torch and BLAS for a block of work."""

import threading
from contextlib import contextmanager

from skchaos.utils._checks import check_positive_int

# Blocks running concurrently in one process (threads of joblib's threading
# backend or of Dask workers) share torch's and BLAS's process-wide thread
# settings: the first block to start saves and sets them, the last one to
# finish restores them.
_LOCK = threading.Lock()
_STATE = {"active": 0, "torch": None, "blas": None}


@contextmanager
def limited_threads(n_threads):
    """Run torch and BLAS on ``n_threads`` threads, restoring them afterwards.

    Small networks gain nothing from more intra-op threads, and parallel
    work (benchmark cells, folds) oversubscribes the cores with them; one
    thread per block also gives bitwise identical results whatever the
    number of parallel jobs, since multi-threaded CPU kernels may split
    reductions differently from run to run. Blocks that run at once in
    threads of one process share the settings: the first to start sets
    them, the last to finish restores them.

    Parameters
    ----------
    n_threads : int
        The number of threads, at least 1.

    Yields
    ------
    None

    Examples
    --------
    >>> import torch
    >>> from skchaos.utils import limited_threads
    >>> before = torch.get_num_threads()
    >>> with limited_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    n_threads = check_positive_int(n_threads, "n_threads")
    import torch
    from threadpoolctl import threadpool_limits

    with _LOCK:
        if _STATE["active"] == 0:
            _STATE["torch"] = torch.get_num_threads()
            _STATE["blas"] = threadpool_limits(limits=n_threads)
        _STATE["active"] += 1
        # OpenMP's setting is per thread: set it in the thread that works.
        torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        with _LOCK:
            _STATE["active"] -= 1
            if _STATE["active"] == 0:
                _STATE["blas"].restore_original_limits()
                torch.set_num_threads(_STATE["torch"])
