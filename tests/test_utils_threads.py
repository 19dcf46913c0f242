"""limited_threads: torch and BLAS thread limits, shared by concurrent blocks."""

import threading

import pytest

torch = pytest.importorskip("torch")
from threadpoolctl import threadpool_info  # noqa: E402

from skchaos.utils import limited_threads  # noqa: E402
from skchaos.utils._threads import _STATE  # noqa: E402


def blas_threads():
    return [pool["num_threads"] for pool in threadpool_info()]


@pytest.mark.parametrize("n_threads", [1, 3])
def test_sets_the_threads_and_restores_them(n_threads):
    torch_before, blas_before = torch.get_num_threads(), blas_threads()
    with limited_threads(n_threads):
        assert torch.get_num_threads() == n_threads
        assert set(blas_threads()) <= {n_threads}
    assert (torch.get_num_threads(), blas_threads()) == (torch_before, blas_before)


def test_restores_them_when_the_block_raises():
    before = torch.get_num_threads()
    with pytest.raises(KeyboardInterrupt), limited_threads(1):
        raise KeyboardInterrupt
    assert torch.get_num_threads() == before
    assert _STATE["active"] == 0


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_bad_thread_counts_are_refused(bad):
    before = torch.get_num_threads()
    expected = r"n_threads=.* is not valid; expected an int >= 1"
    with pytest.raises(ValueError, match=expected), limited_threads(bad):
        pass
    assert torch.get_num_threads() == before
    assert _STATE["active"] == 0


def test_concurrent_blocks_keep_the_limits_until_the_last_one_ends():
    # Two blocks in threads of one process (threading or Dask backends): the
    # first to finish must not restore the process-wide limits under the other.
    before = torch.get_num_threads()
    inside, entered, release = [], threading.Barrier(2, timeout=30), threading.Event()

    def block(wait):
        with limited_threads(1):
            entered.wait()
            if wait:
                release.wait(timeout=30)
            inside.append(torch.get_num_threads())

    slow = threading.Thread(target=block, args=(True,), daemon=True)
    fast = threading.Thread(target=block, args=(False,), daemon=True)
    try:
        slow.start()
        fast.start()
        fast.join(timeout=30)
        assert _STATE["active"] == 1  # the slow block keeps the limits
    finally:
        release.set()
        slow.join(timeout=30)
    assert inside == [1, 1]
    assert _STATE["active"] == 0
    assert torch.get_num_threads() == before
