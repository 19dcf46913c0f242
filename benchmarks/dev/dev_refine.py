"""Issue 21: the path's single-unit redo of a bad multi-unit round (dev data only).

Since the fifteenth session ``AttributionRFE``'s path redoes, with a
single-unit step, a round that eliminated several units and came out not
acceptable after an acceptable one (``_path.elimination_path(refine=True)``).
Variants (``--variants``): ``defaults`` (the library), ``norefine`` (the
path as before, ``refine=False`` patched into the worker). Parts:
``paper`` (the paper's RFE setting: formulas 11-15 with 150 noise columns,
``MLPRegressor()``, ``--seeds``), ``A`` (setting A's random formulas,
``MLPRegressor(max_epochs=300)``, with the CPU of one fit of that net on
the same rows, the unit of issue 21's cost target), ``W`` (setting W: 8,000
training rows, 1,000 noise columns, the scale benchmark's network). One JSON line per
(part, seed, formula, variant): precision, recall, F1, CPU, rounds, redone
rounds.

Usage::

    python benchmarks/dev/dev_refine.py --part paper --seeds 10 --out ...
    python benchmarks/dev/dev_refine.py --part A --seeds 20-49 --out ...
"""

import argparse
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _no_refine import set_path_variant  # noqa: E402
from _resumable import append_product  # noqa: E402
from bench_generalization import (  # noqa: E402
    SETTINGS,
    _int_list,
    _quality,
    random_formula,
    training_draw,
)


def cell(part, seed, key, variant):
    import torch

    torch.set_num_threads(1)
    from skchaos.datasets import make_symbolic
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPRegressor

    if part == "paper":
        data = make_symbolic(
            key, n_noise_features=150, random_state=seed, return_X_y=False
        )
        net = {}
    else:  # a setting of random formulas, "A" or "W"
        data, net = random_formula(seed, part), SETTINGS[part]["net"]
    X, y, _ = training_draw(seed, "A" if part == "paper" else part, data=data)
    selector = AttributionRFE(MLPRegressor(random_state=seed, **net), random_state=seed)
    paths = []
    set_path_variant(variant != "norefine", paths)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cpu = time.process_time()
        selector.fit(X, y)
        cpu = time.process_time() - cpu
        user_cpu = None
        if part != "paper":
            user = MLPRegressor(random_state=seed, **net)
            user_cpu = time.process_time()
            user.fit(X.astype("float32"), y.astype("float32"))
            user_cpu = round(time.process_time() - user_cpu, 2)
    row = {"part": part, "seed": seed, "formula": key, "variant": variant}
    row.update(_quality(data.relevant_mask, selector.support_))
    row.update(
        cpu_s=round(cpu, 2),
        user_fit_cpu_s=user_cpu,
        rounds=len(selector.history_["score"]),
        redone=paths[0].redone,
        n_features=int(selector.n_features_),
    )
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("paper", "A", "W"), required=True)
    parser.add_argument("--seeds", type=_int_list, required=True)
    parser.add_argument("--formulas", type=_int_list, default=[11, 12, 13, 14, 15])
    parser.add_argument("--variants", nargs="+", default=["defaults", "norefine"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    keys = args.formulas if args.part == "paper" else [None]
    axes = ([args.part], args.seeds, keys, args.variants)
    append_product(cell, axes, args.out, args.jobs)


if __name__ == "__main__":
    main()
