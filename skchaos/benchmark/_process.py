"""Interruptions and orphaned workers: the process side of a benchmark run.

Two guarantees the runner relies on:

- an interrupted cell is never recorded as finished. Some training loops
  (skorch's, for one) catch :class:`KeyboardInterrupt` and return normally
  with fewer epochs; :func:`interrupt_guard` notices the SIGINT anyway so
  the cell can raise instead of returning truncated rows;
- a worker process does not outlive the run that started it:
  :func:`watch_parent` exits a worker whose parent process has died (killed
  with SIGKILL, for instance, which leaves no chance to clean up).
"""

import os
import threading
import time

from skchaos.utils import InterruptState, interrupt_guard  # noqa: F401

_WATCH_INTERVAL = 0.5
_WATCHDOG = {"parent": None}
_WATCHDOG_LOCK = threading.Lock()


def _watch(parent_pid):
    while True:
        time.sleep(_WATCH_INTERVAL)
        if os.getppid() != parent_pid:  # reparented: the parent is gone
            os._exit(1)


def watch_parent(parent_pid):
    """In a worker process, exit as soon as its parent ``parent_pid`` dies.

    Does nothing in the parent itself (cells run in-process) and in
    processes that are not direct children of ``parent_pid`` (cluster
    workers, which their own scheduler manages).
    """
    if parent_pid is None or os.getpid() == parent_pid:
        return
    if os.getppid() != parent_pid:
        return
    with _WATCHDOG_LOCK:
        if _WATCHDOG["parent"] == parent_pid:
            return
        _WATCHDOG["parent"] = parent_pid
    threading.Thread(
        target=_watch, args=(parent_pid,), name="skchaos-watchdog", daemon=True
    ).start()
