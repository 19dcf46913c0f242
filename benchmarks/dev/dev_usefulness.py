"""Development probe (issues 21 and 27): is every unit AttributionRFE selects useful?

For each fit, the path is run as ``AttributionRFE.fit`` runs it (same
setup, same random stream) with an ``on_round`` hook that, after every
round, measures each of the round's columns' held-out usefulness: the mean
increase of the validation rows' loss when the column is permuted (5
permutations), as a z score (mean over rows / its standard error). The row
records the units of the round the size rule chooses, relevant or not, with
their z scores on the validation rows (``z``: the rows the path ranked and
chose on) and on the early-stopping rows (``z_es``: rows it never ranked
on; rows written before 2026-12-06's seventh session have ``z`` only).

Usage::

    python benchmarks/dev/dev_usefulness.py --part A --seeds 0-49 --jobs 2 --out ...
    python benchmarks/dev/dev_usefulness.py --part real --tables breast diabetes \\
        --folds 0-4 --out ...
"""

import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np
import torch

torch.set_num_threads(1)
from bench_generalization import real_data, training_draw
from sklearn.utils import check_random_state

from skchaos.feature_selection import AttributionRFE
from skchaos.feature_selection._path import elimination_path
from skchaos.feature_selection._rows import early_stopping_fraction, split_rows
from skchaos.feature_selection._size_rule import smallest_acceptable
from skchaos.neural import MLPClassifier, MLPRegressor


def probe(X, y, relevant, classifier, seed):
    kind = MLPClassifier if classifier else MLPRegressor
    sel = AttributionRFE(kind(random_state=seed, max_epochs=300), random_state=seed)
    X, y, setup = sel._setup(X, y)
    rng = check_random_state(seed)
    replay = copy.deepcopy(rng)  # the path's first two draws: its splits
    train, val = split_rows(y, setup.validation_fraction, replay, setup.classifier)
    _, es = split_rows(
        y[train], early_stopping_fraction(setup.trainer.estimator), replay, classifier
    )
    es = train[es]  # the early-stopping rows: never ranked on

    def on_round(model, columns, scaling):
        return {
            rows_name: z_scores(model, columns, scaling, rows)
            for rows_name, rows in (("val", val), ("es", es))
        }

    def z_scores(model, columns, scaling, rows):
        Xs, ys = scaling.apply(X, y)
        Xv = Xs[rows][:, columns].astype("float32")
        yv = ys[rows]

        def losses(Xa):
            if classifier:
                p = model.predict_proba(Xa)
                idx = np.searchsorted(model.classes_, yv)
                return -np.log(np.clip(p[np.arange(len(yv)), idx], 1e-12, 1))
            return (model.predict(Xa).ravel() - yv.ravel()) ** 2

        base = losses(Xv)
        r = np.random.RandomState(0)
        z = []
        for j in range(len(columns)):
            d = []
            for _ in range(5):
                Xp = Xv.copy()
                Xp[:, j] = Xp[r.permutation(len(Xv)), j]
                d.append(losses(Xp) - base)
            d = np.mean(d, axis=0)
            z.append(d.mean() / (d.std(ddof=1) / np.sqrt(len(d))))
        return dict(zip(columns.tolist(), z))

    path = elimination_path(
        X, y, setup, rng=rng, seeded=True, n_stop=1, on_round=on_round
    )
    chosen = smallest_acceptable(
        path.score, path.row_losses, path.n_units, "auto", path.baseline
    )
    zs, zs_es = path.on_round[chosen]["val"], path.on_round[chosen]["es"]
    rows = []
    for c, z in sorted(zs.items(), key=lambda t: t[1]):
        es_z = round(float(zs_es[c]), 2)
        rows.append((int(c), bool(relevant[c]), round(float(z), 2), es_z))
    return path.n_units[chosen], rows


def cell(part, key, fold=None):
    if part == "A":
        X, y, rel = training_draw(key, "A")
        n, rows = probe(X, y, rel, False, key)
        out = {"part": "A", "seed": key}
    else:
        from sklearn.model_selection import KFold, StratifiedKFold

        X, y, rel, clf = real_data(key, 0)
        sp = (StratifiedKFold if clf else KFold)(5, shuffle=True, random_state=0)
        tr, _ = list(sp.split(X, y))[fold]
        n, rows = probe(X[tr], y[tr], rel, clf, fold)
        out = {"part": "real", "dataset": key, "fold": fold}
    out.update(
        n_units=int(n),
        units=[
            {"column": c, "relevant": r, "z": z, "z_es": z_es} for c, r, z, z_es in rows
        ],
    )
    return out


if __name__ == "__main__":
    import argparse

    from _resumable import append_parallel
    from bench_generalization import _int_list
    from joblib import delayed

    p = argparse.ArgumentParser()
    p.add_argument("--part", default="A")
    p.add_argument("--seeds", type=_int_list, default=list(range(10)))
    p.add_argument("--tables", nargs="+", default=["breast", "diabetes"])
    p.add_argument("--folds", type=_int_list, default=list(range(5)))
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if a.part == "A":
        tasks = [delayed(cell)("A", s) for s in a.seeds]
    else:
        tasks = [delayed(cell)("real", t, f) for t in a.tables for f in a.folds]
    append_parallel(tasks, a.out, a.jobs)
