"""A folder of per-cell CSV row files, written atomically.

Each finished cell is one file ``cell-<cell_id>.csv``. It is written to a
temporary file in the same folder and moved into place with :func:`os.replace`,
which is atomic on POSIX and Windows, so a file is either complete or absent:
a run killed mid-way loses at most the cells in flight. Results are plain CSV,
never pickles, so a cache can be read (and trusted) with any CSV reader.
"""

import os
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from skchaos.benchmark._cell import coerce_results

_PREFIX = "cell-"
_SUFFIX = ".csv"


def read_csv_exact(path):
    """Read a CSV with floats parsed exactly as written (round trip)."""
    if int(pd.__version__.split(".")[0]) < 3:  # pragma: no cover - pandas 2
        return pd.read_csv(path, float_precision="round_trip")
    return pd.read_csv(path)  # exact by default since pandas 3


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
        """Write one cell's rows atomically (temporary file + os.replace)."""
        handle, temporary = tempfile.mkstemp(
            dir=self.folder, prefix=f".{_PREFIX}{cell_id}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                frame.to_csv(stream, index=False)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path(cell_id))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, cell_id):
        """The cached rows of a finished cell, or None.

        Files that cannot be read, that belong to another schema or cell, or
        that record an error are treated as not finished, so the cell runs
        again (failed cells are retried on every rerun).
        """
        path = self.path(cell_id)
        if not path.is_file():
            return None
        try:
            frame = coerce_results(read_csv_exact(path))
        except (OSError, ValueError, TypeError, pd.errors.ParserError) as exc:
            warnings.warn(
                f"Ignoring the unreadable cache file {str(path)!r} ({exc}); the "
                "cell runs again.",
                RuntimeWarning,
                stacklevel=3,
            )
            return None
        if len(frame) == 0 or not (frame["cell_id"] == cell_id).all():
            return None
        if frame["error"].notna().any():
            return None
        return frame

    def load(self, cell_ids):
        """Map each finished cell id among ``cell_ids`` to its rows."""
        finished = {}
        for cell_id in cell_ids:
            frame = self.read(cell_id)
            if frame is not None:
                finished[cell_id] = frame
        return finished
