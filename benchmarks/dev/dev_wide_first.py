"""Issue 21 probe: does the path's first network learn formula 10 at 10,005 features?

At 10,005 features (formula 10, ``0.5*(a-b)**2 + 0.2*(c+d*e)**3 - 0.5``,
8,000 training rows) ``AttributionRFE`` keeps one noise column
(``results/generalization-wide8-10005.csv``). This probe trains the path's
first network alone, as the path does (the scale benchmark's network,
mini-batches of 256, standardized columns and target, 10% of the training
rows for early stopping, at least the net's 100 epochs and at most 1,000),
with a given input penalty (and ``--min-epochs``, the epochs before early
stopping may end it; default the net's 100), and records its
early-stopping loss every 10 epochs (1 - that loss is its R^2 on those
rows) and the ranks of the five relevant variables by the norm of their
first-layer weights.

Usage::

    python benchmarks/dev/dev_wide_first.py --seeds 10 --penalties 0.905 3 0 9 \\
        --jobs 2 --out ...
"""

import argparse
import os
import sys

import numpy as np
from joblib import delayed

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_parallel  # noqa: E402
from bench_generalization import (  # noqa: E402
    SCALE_NET,
    _int_list,
    cpu_seconds,
    training_draw,
    wide_formula,
)


def cell(seed, penalty, width, min_epochs=None):
    import torch

    torch.set_num_threads(1)
    from skchaos.neural import MLPRegressor

    X, y, relevant = training_draw(seed, "A", data=wide_formula(seed, width))
    rng = np.random.RandomState(seed)
    rows = rng.permutation(len(y))
    n_val, n_es = int(0.2 * len(y)), int(0.08 * len(y))
    es, fit = rows[n_val : n_val + n_es], rows[n_val + n_es :]
    mean, std = X[fit].mean(0), X[fit].std(0)
    Z = ((X - mean) / std).astype("float32")
    t = ((y - y[fit].mean()) / y[fit].std()).astype("float32")
    net = MLPRegressor(random_state=seed, input_penalty=penalty, **SCALE_NET)
    curve = []
    cpu = cpu_seconds()
    result = net._fit_converged(
        Z[fit],
        t[fit],
        Z[es],
        t[es],
        max_epochs=max(1000, min_epochs or 0),
        min_epochs=min_epochs,
        seed=seed,
        on_epoch=lambda epoch, loss: curve.append(round(float(loss), 4)),
    )
    cpu = cpu_seconds() - cpu
    norms = net.module_.input_layer.weight.detach().norm(dim=0).numpy()
    order = np.argsort(-norms, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return {
        "seed": seed,
        "width": width,
        "input_penalty": penalty,
        "min_epochs": min_epochs,
        "epochs": int(result.n_epochs),
        "best_epoch": int(result.best_epoch),
        "best_es_r2": round(1 - float(result.best_loss), 4),
        "relevant_weight_ranks": [int(r) for r in rank[relevant]],
        "columns_in_use": int((norms > 0).sum()),
        "es_loss_every_10": curve[::10],
        "cpu_s": round(cpu, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=_int_list, default=[10])
    parser.add_argument("--penalties", type=float, nargs="+", default=[0.905])
    parser.add_argument("--width", type=int, default=10005)
    parser.add_argument("--min-epochs", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    cells = (
        delayed(cell)(s, p, args.width, args.min_epochs)
        for s in args.seeds
        for p in args.penalties
    )
    append_parallel(cells, args.out, args.jobs)


if __name__ == "__main__":
    main()
