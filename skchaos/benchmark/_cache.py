"""A folder of per-cell CSV row files, checksummed and written atomically.

Each finished cell is one file ``cell-<cell_id>.csv``: a first line
``# skchaos-cell rows=<n> sha256=<digest>`` followed by the rows as plain CSV
(read it with ``pandas.read_csv(path, skiprows=1)``). The digest covers the
CSV text, so a truncated or edited file is detected and its cell recomputed,
with a warning. Files are written atomically with
:func:`skchaos.utils.write_atomic`, so a run killed mid-way loses at most the
cells in flight. Results are never pickled, so a cache can be read (and
trusted) with any CSV reader.
"""

import hashlib
import io
import re
import warnings
from pathlib import Path

import pandas as pd

from skchaos.benchmark._cell import coerce_results

_PREFIX = "cell-"
_SUFFIX = ".csv"
_HEADER = re.compile(r"# skchaos-cell rows=(\d+) sha256=([0-9a-f]{64})")


def _digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RowCache:
    """Read and write the row files of finished cells in ``folder``."""

    def __init__(self, folder):
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise ValueError(
                f"cache_dir={str(folder)!r} exists and is not a directory; "
                "expected a directory (it is created if missing)."
            )
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, cell_id):
        return self.folder / f"{_PREFIX}{cell_id}{_SUFFIX}"

    def write(self, cell_id, frame):
        """Write one cell's rows, with their row count and checksum."""
        from skchaos.utils import write_atomic  # skchaos.utils imports torch

        body = frame.to_csv(index=False, lineterminator="\n")
        header = f"# skchaos-cell rows={len(frame)} sha256={_digest(body)}\n"
        write_atomic(self.path(cell_id), header + body)

    def _warn(self, path, reason):
        warnings.warn(
            f"Ignoring the damaged cache file {str(path)!r} ({reason}); the cell "
            "runs again.",
            RuntimeWarning,
            stacklevel=4,
        )

    def read(self, cell_id, n_rows=None):
        """The cached rows of a finished cell, or None.

        Files that are damaged (checksum or row count off, unreadable), that
        belong to another cell, or that record an error count as not
        finished, so the cell runs again (failed cells are retried on every
        rerun). ``n_rows`` is the number of rows the cell must have.
        """
        from skchaos.utils import read_csv_exact  # skchaos.utils imports torch

        path = self.path(cell_id)
        if not path.is_file():
            return None
        try:
            text = path.read_text(encoding="utf-8")
            header, _, body = text.partition("\n")
            match = _HEADER.fullmatch(header)
            if match is None:
                # a file of an older skchaos: plain CSV, checked by row count
                body = text
                expected = n_rows
            else:
                expected = int(match.group(1))
                if _digest(body) != match.group(2):
                    self._warn(path, "checksum mismatch")
                    return None
            frame = coerce_results(read_csv_exact(io.StringIO(body)))
        except (OSError, ValueError, TypeError, pd.errors.ParserError) as exc:
            self._warn(path, " ".join(str(exc).split())[:200])
            return None
        if (expected is not None and len(frame) != expected) or (
            n_rows is not None and len(frame) != n_rows
        ):
            self._warn(path, f"{len(frame)} rows instead of {n_rows or expected}")
            return None
        if len(frame) == 0 or not (frame["cell_id"] == cell_id).all():
            return None
        if frame["error"].notna().any():
            return None
        return frame

    def load(self, n_rows_by_cell):
        """Map each finished cell id of ``{cell_id: n_rows}`` to its rows."""
        finished = {}
        for cell_id, n_rows in n_rows_by_cell.items():
            frame = self.read(cell_id, n_rows)
            if frame is not None:
                finished[cell_id] = frame
        return finished
