"""Development probe (issues 21 and 27): shadows on AttributionRFE's warm path.

The seventh round of ``results/dev/boruta-dev.md`` and the second probe of
``results/dev/screen-dev.md`` found that cold networks trained with all the
noise in play do not see weak variables, while the warm elimination path
does. This probe runs the path itself on the real columns *and* one shadow
per column (each column permuted across the rows), by composition:
``AttributionRFE(net, n_features_to_select=1)`` on ``[X, shadows]``, whose
``ranking_`` is the order of elimination. A real column that outlasts every
shadow (``best``), or all but the last 5% of them (``q95``), is selected.
With ``--paths K``, K paths run with their own shadows and seeds, and a
column is selected when it outlasts every shadow on a majority of them
(``majority``) or on all (``all``).

Every finished seed appends one JSON row to ``--out``.

Usage::

    python benchmarks/dev_shadow_path.py --seeds 0-9 --jobs 2 --out ...
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
from joblib import Parallel, delayed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _resumable import append_rows  # noqa: E402
from bench_generalization import SETTINGS, _int_list, training_draw  # noqa: E402
from dev_screen import _cpu  # noqa: E402


def _path_ranks(X, y, seed, setting, draw):
    """One warm path on ``[X, shadows]``: (real ranks, shadow ranks), CPU s."""
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPRegressor

    rng = np.random.RandomState(1000 * seed + draw)
    shadows = np.column_stack([rng.permutation(column) for column in X.T])
    net = MLPRegressor(random_state=seed + draw, **SETTINGS[setting]["net"])
    rfe = AttributionRFE(net, n_features_to_select=1, random_state=seed + draw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rfe.fit(np.hstack([X, shadows]), y)
    p = X.shape[1]
    return rfe.ranking_[:p], rfe.ranking_[p:]  # 1 = eliminated last


def _quality(support, relevant):
    tp = int(np.sum(support & relevant))
    return {
        "recall": round(tp / relevant.sum(), 4),
        "precision": round(tp / max(1, support.sum()), 4),
        "n_selected": int(support.sum()),
    }


def cell(seed, setting, n_paths):
    import torch

    torch.set_num_threads(1)
    X, y, relevant = training_draw(seed, setting)
    row = {"setting": setting, "seed": seed, "n_relevant": int(relevant.sum())}
    row["n_paths"] = n_paths
    wall, cpu = time.perf_counter(), _cpu()
    hits = np.zeros(X.shape[1], int)
    row["paths"] = []
    for draw in range(n_paths):
        real, shadow = _path_ranks(X, y, seed, setting, draw)
        hit = real < shadow.min()  # outlasted every shadow
        hits += hit
        row["paths"].append(
            {
                "relevant_ranks": real[relevant].tolist(),
                "best_shadow_rank": int(shadow.min()),
                "best": _quality(hit, relevant),
                "q95": _quality(real < np.percentile(shadow, 5), relevant),
            }
        )
    row["wall_s"] = round(time.perf_counter() - wall, 1)
    row["cpu_s"] = round(_cpu() - cpu, 1)
    # Selected when it outlasted every shadow on a majority of the paths.
    row["majority"] = _quality(2 * hits > n_paths, relevant)
    row["all"] = _quality(hits == n_paths, relevant)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", choices=("A",), default="A")
    parser.add_argument("--seeds", type=_int_list, default=list(range(10)))
    parser.add_argument("--paths", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/results/dev/shadow-path-dev.jsonl")
    args = parser.parse_args(argv)
    rows = Parallel(n_jobs=min(args.jobs, 2), return_as="generator_unordered")(
        delayed(cell)(seed, args.setting, args.paths) for seed in args.seeds
    )
    append_rows(rows, args.out)


if __name__ == "__main__":
    main()
