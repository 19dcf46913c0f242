"""Development probe (issue 27): the weak variables, tested on the residuals.

Setting A's misses carry less of the target's variance than a network
leaves unexplained when every column is in play (``boruta-dev.md``, fourth
round). Once the minimal-optimal set S is confirmed, the residual
``y - f(X_S)`` (f a network on S, cross-fitted over 2 folds) no longer
holds S's effects, and a weak additive variable is a large share of it.
This probe runs ``AttributionBoruta(confirm_minimal=False)`` on every
column with the residual as the target and reports what it confirms
outside S. S is read from ``dev_round_usefulness.py``'s rows (the chosen
round's units with z >= 3, as ``confirm_minimal`` confirms them).

Usage::

    python benchmarks/dev/dev_residual.py --rounds ROUNDS.jsonl --seeds 0-12 \\
        --jobs 2 --out ...
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np
import torch

torch.set_num_threads(1)


def residuals(X, y, seed, net_params):
    from sklearn.model_selection import KFold

    from skchaos.neural import MLPRegressor

    r = np.empty_like(y, dtype=float)
    for k, (a, b) in enumerate(KFold(2, shuffle=True, random_state=seed).split(X)):
        net = MLPRegressor(random_state=seed + k, **net_params).fit(X[a], y[a])
        r[b] = y[b] - net.predict(X[b]).ravel()
    return r


def cell(seed, minimal, variant):
    from bench_all_relevant import BORUTA_NET
    from bench_generalization import cpu_seconds, timed_fit, training_draw

    from skchaos.feature_selection import AttributionBoruta
    from skchaos.neural import MLPRegressor

    X, y, relevant = training_draw(seed, "A")
    cpu = cpu_seconds()
    params = dict(BORUTA_NET, max_epochs=2000)
    r = residuals(X[:, minimal], y, seed, params)
    row = {"seed": seed, "variant": variant, "minimal": minimal}
    row["residual_cpu_s"] = round(cpu_seconds() - cpu, 1)
    row["residual_var"] = round(float(np.var(r) / np.var(y)), 5)
    cols = np.arange(X.shape[1])
    if variant == "rest":  # S left out of the residual test
        cols = np.setdiff1d(cols, minimal)
    sel = AttributionBoruta(
        MLPRegressor(random_state=seed, **BORUTA_NET),
        confirm_minimal=False,
        random_state=seed,
    )
    row["wall_s"], row["cpu_s"] = timed_fit(sel, X[:, cols], r)
    found = set(cols[sel.support_].tolist())
    weak = set(cols[sel.support_weak_].tolist())
    rel = set(np.flatnonzero(relevant).tolist())
    union = found | set(minimal)
    row.update(
        relevant=sorted(rel),
        confirmed=sorted(found),
        weak=sorted(weak),
        recall_minimal=round(len(set(minimal) & rel) / len(rel), 4),
        recall=round(len(union & rel) / len(rel), 4),
        noise=len(union - rel),
        noise_weak=len(weak - rel),
        n_iter=int(sel.n_iter_),
    )
    return row


if __name__ == "__main__":
    import argparse

    from _resumable import append_parallel
    from bench_generalization import _int_list
    from joblib import delayed

    p = argparse.ArgumentParser()
    p.add_argument("--rounds", required=True)
    p.add_argument("--seeds", type=_int_list, default=list(range(13)))
    p.add_argument("--variant", default="all", choices=["all", "rest"])
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    minimal = {}
    with open(a.rounds) as f:
        for line in f:
            row = json.loads(line)
            chosen = row["rounds"][row["chosen"]]
            keep = [u for u, z in zip(chosen["units"], chosen["z"]) if z >= 3.0]
            minimal[row["seed"]] = sorted(keep)
    tasks = [delayed(cell)(s, minimal[s], a.variant) for s in a.seeds if s in minimal]
    append_parallel(tasks, a.out, a.jobs)
