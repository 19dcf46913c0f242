"""Development probe (issue 27): AttributionBoruta on the survivors of a warm path.

The seventh round of ``results/dev/boruta-dev.md`` found that cold networks
with all the noise in play do not see weak variables, while
AttributionRFE's warm path keeps them. This probe splits the training rows
in two halves: ``AttributionRFE(net, n_features_to_select=k)`` on the first
half keeps the path's ``k`` best columns, and ``AttributionBoruta`` at its
defaults tests only those on the second half (so that a noise column the
path kept for its chance association with the first half's target has no
such advantage over its shadows on the second). ``k`` is ``--keep`` (a
share of the columns). Setting A, development seeds only.

Usage::

    python benchmarks/dev/dev_guided_boruta.py --seeds 0-9 --keep 0.25 --out ...
"""

import argparse
import os
import sys
import time
import warnings

# benchmarks/ itself: bench_generalization, _resumable, ...
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np
from _resumable import append_rows
from bench_generalization import SETTINGS, _int_list, _quality, training_draw
from dev_screen import _cpu
from joblib import Parallel, delayed


def cell(seed, keep):
    import torch

    torch.set_num_threads(1)
    from skchaos.feature_selection import AttributionBoruta, AttributionRFE
    from skchaos.neural import MLPRegressor

    X, y, relevant = training_draw(seed, "A")
    rows = np.random.RandomState(seed).permutation(len(y))
    first, second = rows[: len(y) // 2], rows[len(y) // 2 :]
    k = max(1, int(round(keep * X.shape[1])))
    net = MLPRegressor(random_state=seed, **SETTINGS["A"]["net"])
    wall, cpu = time.perf_counter(), _cpu()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = AttributionRFE(net, n_features_to_select=k, random_state=seed)
        path.fit(X[first], y[first])
        kept = np.flatnonzero(path.support_)
        boruta = AttributionBoruta(net, random_state=seed)
        boruta.fit(X[second][:, kept], y[second])
    support = np.zeros(X.shape[1], bool)
    support[kept[boruta.support_]] = True
    return {
        "seed": seed,
        "keep": keep,
        "relevant_in_path": int(relevant[kept].sum()),
        **_quality(relevant, support),
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(_cpu() - cpu, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=_int_list, default=list(range(10)))
    parser.add_argument("--keep", type=float, default=0.25)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--out", default="benchmarks/results/dev/guided-boruta-dev.jsonl"
    )
    args = parser.parse_args(argv)
    rows = Parallel(n_jobs=min(args.jobs, 2), return_as="generator_unordered")(
        delayed(cell)(seed, args.keep) for seed in args.seeds
    )
    append_rows(rows, args.out)


if __name__ == "__main__":
    main()
