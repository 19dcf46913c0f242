"""What the ``skchaos`` commands share: exit codes, errors, safe file I/O."""

import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_FAILED_CELLS = 3
EXIT_INTERRUPTED = 130

EXIT_STATUS_HELP = (
    "exit status: 0 success, 1 internal error, 2 usage/config/input error, "
    "3 some benchmark cells failed (results still written), 130 interrupted"
)
MAX_LISTED = 20
CELL_STORE_SUFFIX = ".cells"


class UsageError(Exception):
    """A mistake on the user's side: reported in one line, exit status 2."""


def listing(names):
    names = [str(n) for n in names]
    shown = ", ".join(repr(n) for n in names[:MAX_LISTED])
    if len(names) > MAX_LISTED:
        shown += f", ... ({len(names) - MAX_LISTED} more)"
    return shown


def one_line(exc):
    return " ".join(str(exc).split())


def same_file(left, right):
    left, right = Path(left), Path(right)
    try:
        if left.exists() and right.exists():
            return os.path.samefile(left, right)
    except OSError:
        pass
    return left.resolve() == right.resolve()


def check_out(path, option, *, inputs=(), force=False):
    """Fail before any work if ``path`` cannot or must not be written.

    Returns the path and whether it exists (and may need ``--force``).
    """
    path = Path(path)
    for flag, source in inputs:
        if source is not None and same_file(path, source):
            raise UsageError(
                f"{option} {str(path)!r} is the same file as {flag}; refusing to "
                f"write over an input. Choose another {option}."
            )
    if path.is_dir():
        raise UsageError(f"{option} {str(path)!r} is a directory; expected a file.")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {str(path)!r}: {str(parent)!r} is not a directory.")
    return path, path.exists() and not force


def refuse_existing(path, option):
    raise UsageError(
        f"{option} {str(path)!r} already exists; pass --force to replace it, or "
        f"choose another {option}."
    )


def write_text(text, path):
    from skchaos.utils import write_atomic

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def write_csv(frame, path, what):
    write_text(frame.to_csv(index=False, lineterminator="\n"), path)
    print(f"{what} written to {path}")


def read_csv(path, option):
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{option} {str(path)!r} does not exist (or is not a file).")
    from skchaos.utils import read_csv_exact  # skchaos.utils imports torch

    try:
        return read_csv_exact(path)
    except pd.errors.EmptyDataError:
        raise UsageError(f"{option} {str(path)!r} is empty.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"{option} {str(path)!r} is not a valid CSV: {one_line(exc)}"
        ) from None


@contextmanager
def compact_warnings():
    """Show warnings as one ``skchaos: warning:`` line each, once."""
    seen = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = one_line(message)
        if text not in seen:
            seen.add(text)
            print(f"skchaos: warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        yield
