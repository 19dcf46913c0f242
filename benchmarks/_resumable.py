"""Run benchmark cells in parallel so that a killed run loses only the cells in flight.

Every finished row is appended to ``OUT.partial.jsonl`` at once; a rerun
with the same ``OUT`` skips the cells whose rows are there; the CSV replaces
the partial file at the end (written to a temporary file, then renamed).
"""

import csv
import json
import os

from joblib import Parallel, delayed


def run_resumable(cells, out, jobs, cell_key, row_key, field_order=None):
    """Run ``cells`` (``(function, params)``) and write their rows to ``out``.

    ``cell_key(function, params)`` and ``row_key(row)`` name a cell and the
    row it made, so that the finished ones are skipped. Returns all rows.
    """
    partial = out + ".partial.jsonl"
    done = []
    if os.path.exists(partial):
        with open(partial) as handle:
            done = [json.loads(line) for line in handle if line.strip()]
    finished = {row_key(row) for row in done}
    cells = [(f, p) for f, p in cells if cell_key(f, p) not in finished]
    print(f"{len(cells)} cells to run ({len(done)} already done)", flush=True)

    def run(function, params):
        row = function(*params)
        with open(partial, "a") as handle:
            handle.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)
        return row

    rows = done + list(Parallel(n_jobs=jobs)(delayed(run)(f, p) for f, p in cells))
    fields = list(dict.fromkeys(key for row in rows for key in row))
    if field_order is not None:
        fields.sort(key=field_order)
    tmp = out + ".tmp"
    with open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, out)
    os.remove(partial)
    return rows


def append_rows(rows, out):
    """Append each row of the iterable ``rows`` to the JSON-lines ``out`` as it comes.

    The development probes write this way: a killed run keeps every finished row.
    """
    for row in rows:
        with open(out, "a") as handle:
            handle.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


def append_parallel(tasks, out, jobs):
    """Run joblib ``tasks`` on ``jobs`` processes; append each row to ``out``.

    The development probes' loop (:func:`append_rows` of the rows in the
    order they finish).
    """
    from joblib import Parallel

    append_rows(Parallel(n_jobs=jobs, return_as="generator_unordered")(tasks), out)


def append_product(func, axes, out, jobs):
    """:func:`append_parallel` of ``func(*cell)`` for every cell of ``axes``.

    The cells of ``itertools.product(*axes)`` (e.g. parts, seeds, variants),
    the last axis fastest, as the development probes' nested loops.
    """
    from itertools import product

    from joblib import delayed

    append_parallel((delayed(func)(*cell) for cell in product(*axes)), out, jobs)
