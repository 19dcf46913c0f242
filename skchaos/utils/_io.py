"""Files that survive a kill, and CSV files read back exactly as written."""

import os
import tempfile
from pathlib import Path

import pandas as pd


def write_atomic(path, text):
    """Write ``text`` to ``path`` atomically.

    The text goes to a temporary file in the same folder, is flushed to disk,
    and the file is moved into place with :func:`os.replace` (atomic on POSIX
    and Windows). A reader therefore sees either the old file or the complete
    new one, never a partial write, even if the process is killed; the
    temporary file is removed if writing fails.

    Parameters
    ----------
    path : str or path-like
        The file to write. Its folder must exist.
    text : str
        The content, written as UTF-8 with line endings unchanged.

    See Also
    --------
    read_csv_exact : Read a CSV file with its floats exactly as written.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skchaos.utils import write_atomic
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "notes.txt"
    ...     write_atomic(path, "first\\n")
    ...     write_atomic(path, "second\\n")
    ...     content = path.read_text()
    ...     names = sorted(p.name for p in Path(folder).iterdir())
    >>> content, names
    ('second\\n', ['notes.txt'])
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_csv_exact(path_or_buffer):
    """Read a CSV file with every float parsed exactly as written.

    :func:`pandas.read_csv` before pandas 3 parses floats with a fast
    parser that may be off in the last digit; this reads them with the
    round-trip parser, so a frame written with ``to_csv`` and read back is
    equal to the original.

    Parameters
    ----------
    path_or_buffer : str, path-like or file-like
        The CSV file, as accepted by :func:`pandas.read_csv`.

    Returns
    -------
    frame : pandas.DataFrame
        The table.

    See Also
    --------
    write_atomic : Write a file atomically.

    Examples
    --------
    >>> import io
    >>> import pandas as pd
    >>> from skchaos.utils import read_csv_exact
    >>> frame = pd.DataFrame({"x": [0.1 + 0.2, 1 / 3]})
    >>> back = read_csv_exact(io.StringIO(frame.to_csv(index=False)))
    >>> back.equals(frame)
    True
    """
    if int(pd.__version__.split(".")[0]) < 3:  # pragma: no cover - pandas 2
        return pd.read_csv(path_or_buffer, float_precision="round_trip")
    return pd.read_csv(path_or_buffer)  # exact by default since pandas 3
