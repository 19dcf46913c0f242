"""Notice a Ctrl-C even inside code that swallows ``KeyboardInterrupt``.

Some training loops (skorch's ``NeuralNet.partial_fit``, for one) catch
:class:`KeyboardInterrupt` and return normally with fewer epochs.
:func:`interrupt_guard` records a SIGINT that arrives during its block, so
that the caller can raise after the block instead of using a truncated
result.
"""

import signal
import threading
from contextlib import contextmanager


class InterruptState:
    """Whether a SIGINT arrived while an :func:`interrupt_guard` was active."""

    def __init__(self):
        self.interrupted = False

    def check(self):
        """Raise :class:`KeyboardInterrupt` if a SIGINT arrived."""
        if self.interrupted:
            raise KeyboardInterrupt


@contextmanager
def interrupt_guard():
    """Record SIGINT during the block, then handle it as before.

    Only the main thread of a process can set signal handlers; elsewhere
    (and when SIGINT is ignored) the state never turns on.

    Yields
    ------
    state : InterruptState
        ``state.check()`` after the block raises :class:`KeyboardInterrupt`
        if a SIGINT arrived during it.

    Examples
    --------
    >>> from skchaos.utils import interrupt_guard
    >>> with interrupt_guard() as interrupt:
    ...     pass  # code that may swallow KeyboardInterrupt
    >>> interrupt.check()  # raises KeyboardInterrupt after a Ctrl-C
    >>> interrupt.interrupted
    False
    """
    state = InterruptState()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous in (signal.SIG_IGN, None):
        yield state
        return

    def handler(signum, frame):
        state.interrupted = True
        if callable(previous):
            previous(signum, frame)  # default_int_handler raises
        else:  # SIG_DFL
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)
