"""AttributionBoruta on wide tables: its cost, and mini-batch iterations (a probe).

Issue 27 asks for every column that carries signal "whatever the width";
AttributionBoruta had only been measured up to about 260 columns. This
probe fits it on setting W (random formulas, 8,000 training rows, 1,000
noise columns; development seeds 0-7) with the benchmark's network
(``bench_all_relevant.BORUTA_NET``) and records the variables found, the
noise kept, the CPU and wall time, the iterations and their median epochs.

Variants (``--variants``): ``defaults``; ``batch256``: the same network
with ``batch_size=256``, so that the iterations (and the penalty choice's
trials) take mini-batches of 256 rows instead of one full-batch step per
epoch (the path of ``confirm_minimal`` takes them already).

Usage::

    python benchmarks/dev/dev_boruta_wide.py --seeds 0 1 \\
        --variants defaults batch256 --out ...
"""

import argparse
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
from _resumable import append_parallel  # noqa: E402
from joblib import delayed  # noqa: E402


def cell(seed, variant, setting):
    import torch

    torch.set_num_threads(1)
    import bench_all_relevant as bench

    from skchaos.feature_selection import AttributionBoruta
    from skchaos.neural import MLPRegressor

    data = bench.random_formula(seed, setting)
    X, y, relevant = bench.training_draw(seed, setting, data=data)
    net = dict(bench.BORUTA_NET)
    if variant == "batch256":
        net["batch_size"] = 256
    selector = AttributionBoruta(
        MLPRegressor(random_state=seed, **net), random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cpu, wall = time.process_time(), time.perf_counter()
        selector.fit(X, y)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    support = selector.support_
    return {
        "setting": setting,
        "seed": seed,
        "variant": variant,
        "n_columns": int(X.shape[1]),
        "n_relevant": int(relevant.sum()),
        "found": int((support & relevant).sum()),
        "noise": int((support & ~relevant).sum()),
        "weak_relevant": int((selector.support_weak_ & relevant).sum()),
        "minimal_relevant": int(selector.support_minimal_[relevant].sum()),
        "n_iter": int(selector.n_iter_),
        "epochs_median": float(np.median(selector.history_["epochs"])),
        "iteration_lr": selector.iteration_lr_,
        "cpu_s": round(cpu, 1),
        "wall_s": round(wall, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--variants", nargs="+", default=["defaults"])
    parser.add_argument("--setting", default="W")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    cells = [(s, v) for v in args.variants for s in args.seeds]
    append_parallel(
        (delayed(cell)(s, v, args.setting) for s, v in cells), args.out, args.jobs
    )


if __name__ == "__main__":
    main()
