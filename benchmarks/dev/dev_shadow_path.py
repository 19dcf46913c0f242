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
(``majority``) or on all (``all``). With ``--null-share s``, no shadow
columns: each path permutes a random share ``s`` of the columns in place
(the nulls of that path, so the network is no wider than ``X``), and a
column that outlasts every null of a path it was not permuted in scores a
hit; ``majority``: hits on more than half of those paths. With
``--shadow-share s``, the shadows of a random share ``s`` of the columns
only (a narrower path, a lower bar: the best of fewer shadows).

Every finished seed appends one JSON row to ``--out``.

Usage::

    python benchmarks/dev/dev_shadow_path.py --seeds 0-9 --jobs 2 --out ...
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
from joblib import Parallel, delayed

# benchmarks/ itself: bench_generalization, _resumable, ...
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_rows  # noqa: E402
from bench_generalization import (  # noqa: E402
    SETTINGS,
    _int_list,
    _quality,
    real_data,
    training_draw,
)
from dev_screen import _cpu  # noqa: E402


def _path_ranks(
    X, y, seed, setting, draw, null_share=None, classifier=False, shadow_share=1.0
):
    """One warm path: (real ranks, null ranks, null mask); rank 1 = kept last.

    ``null_share`` None: the path runs on ``[X, shadows]``, one shadow per
    column. A share: the path runs on ``X`` itself with that share of its
    columns permuted in place (the nulls; the width stays that of ``X``).
    """
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPClassifier, MLPRegressor

    rng = np.random.RandomState(1000 * seed + draw)
    p = X.shape[1]
    if null_share is None:  # shadows of all the columns, or of a random share
        shadowed = np.arange(p)  # (no draw: the earlier rows stay reproducible)
        if shadow_share < 1:
            n = max(1, int(round(shadow_share * p)))
            shadowed = np.sort(rng.choice(p, n, replace=False))
        shadows = np.column_stack([rng.permutation(X[:, j]) for j in shadowed])
        data = np.hstack([X, shadows])
    else:
        null = np.zeros(p, bool)
        null[rng.choice(p, max(1, int(round(null_share * p))), replace=False)] = True
        data = X.copy()
        for j in np.flatnonzero(null):
            data[:, j] = rng.permutation(data[:, j])
    kind = MLPClassifier if classifier else MLPRegressor
    net = kind(random_state=seed + draw, **SETTINGS[setting]["net"])
    rfe = AttributionRFE(net, n_features_to_select=1, random_state=seed + draw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rfe.fit(data, y)
    if null_share is None:
        return rfe.ranking_[:p], rfe.ranking_[p:], None
    return rfe.ranking_, rfe.ranking_[null], null


def cell(seed, setting, n_paths, null_share=None, shadow_share=1.0):
    import torch

    torch.set_num_threads(1)
    X, y, relevant = training_draw(seed, setting)
    row = {"setting": setting, "seed": seed, "n_relevant": int(relevant.sum())}
    row["n_paths"], row["null_share"] = n_paths, null_share
    row["shadow_share"] = shadow_share
    wall, cpu = time.perf_counter(), _cpu()
    hits = np.zeros(X.shape[1], int)
    row["paths"] = []
    trials = np.zeros(X.shape[1], int)
    for draw in range(n_paths):
        real, shadow, null = _path_ranks(
            X, y, seed, setting, draw, null_share, shadow_share=shadow_share
        )
        hit = real < shadow.min()  # outlasted every shadow
        if null is not None:  # a column permuted in place is no trial
            hit &= ~null
        hits += hit
        trials += 1 if null is None else ~null
        row["paths"].append(
            {
                "relevant_ranks": real[relevant].tolist(),
                "best_shadow_rank": int(shadow.min()),
                "best": _quality(relevant, hit),
                "q95": _quality(relevant, real < np.percentile(shadow, 5)),
            }
        )
    row["wall_s"] = round(time.perf_counter() - wall, 1)
    row["cpu_s"] = round(_cpu() - cpu, 1)
    # Selected when it outlasted every shadow on a majority of the paths.
    row["majority"] = _quality(relevant, 2 * hits > trials)
    row["all"] = _quality(relevant, (hits == trials) & (trials > 0))
    return row


def table_cell(name, fold, n_paths, shadow_share=1.0):
    """A development table (200 noise columns appended), one CV fold's rows."""
    import torch

    torch.set_num_threads(1)
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y, relevant, classifier = real_data(name, 0)
    splitter = (StratifiedKFold if classifier else KFold)(
        5, shuffle=True, random_state=0
    )
    train, _ = list(splitter.split(X, y))[fold]
    X, y = X[train], y[train]
    row = {"dataset": name, "fold": fold, "n_relevant": int(relevant.sum())}
    row["n_paths"], row["shadow_share"] = n_paths, shadow_share
    wall, cpu = time.perf_counter(), _cpu()
    hits = np.zeros(X.shape[1], int)
    for draw in range(n_paths):
        real, shadow, _ = _path_ranks(
            X, y, fold, "A", draw, classifier=classifier, shadow_share=shadow_share
        )
        hits += real < shadow.min()
    row["wall_s"] = round(time.perf_counter() - wall, 1)
    row["cpu_s"] = round(_cpu() - cpu, 1)
    for name_, support in (("majority", 2 * hits > n_paths), ("one", hits > 0)):
        row[name_] = {
            "real": int(np.sum(support & relevant)),
            "noise": int(np.sum(support & ~relevant)),
        }
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", choices=("A",), default="A")
    parser.add_argument("--seeds", type=_int_list, default=list(range(10)))
    parser.add_argument("--paths", type=int, default=1)
    parser.add_argument("--null-share", type=float, default=None)
    parser.add_argument("--shadow-share", type=float, default=1.0)
    parser.add_argument("--tables", nargs="+", default=None)
    parser.add_argument("--folds", type=_int_list, default=[0, 1, 2])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/results/dev/shadow-path-dev.jsonl")
    args = parser.parse_args(argv)
    if args.tables:  # development tables (the paths' shadows, majority)
        tasks = [
            delayed(table_cell)(name, fold, args.paths, args.shadow_share)
            for name in args.tables
            for fold in args.folds
        ]
    else:
        tasks = [
            delayed(cell)(
                seed, args.setting, args.paths, args.null_share, args.shadow_share
            )
            for seed in args.seeds
        ]
    rows = Parallel(n_jobs=min(args.jobs, 2), return_as="generator_unordered")(tasks)
    append_rows(rows, args.out)


if __name__ == "__main__":
    main()
