"""Issue 21 probe: a marginal screen for formula 10 among 10,000 noise columns?

At 10,005 features (formula 10, 8,000 training rows) the first network of
the path learns nothing (``results/generalization-wide8-10005.csv``). Sure
independence screening (Fan and Lv, 2008) would keep the columns with the
strongest marginal association before the path runs. This probe ranks every
column of development seeds by four marginal statistics (16 quantile bins):

- ``r2``: share of the target's variance explained by the column's bins;
- ``r2sq`` / ``r2abs``: the same for the squared / absolute deviation of the
  target (a column that changes the target's spread);
- ``mi``: the mutual information of the binned column and binned target.

and writes, per seed and statistic, the ranks of the five relevant variables
and the noise columns' mean, sd and maximum. Formula 10 is
``0.5*(a-b)**2 + 0.2*(c+d*e)**3 - 0.5``.

Usage::

    python benchmarks/dev/dev_marginal_screen.py --seeds 10,11 --out ...
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench_generalization import _int_list, training_draw, wide_formula  # noqa: E402

K = 16


def _bins(a):
    ranks = np.argsort(np.argsort(a, axis=0, kind="stable"), axis=0)
    return (ranks * K) // len(a)


def binned_r2(X, y):
    """Each column's share of ``y``'s variance explained by its quantile bins."""
    y = y - y.mean()
    bins, explained = _bins(X), np.zeros(X.shape[1])
    for b in range(K):
        mask = bins == b
        explained += (y @ mask) ** 2 / np.maximum(mask.sum(0), 1)
    return explained / (y @ y)


def binned_mi(X, y):
    """Mutual information (nats) of each binned column with the binned ``y``."""
    x_bins, onehot = _bins(X), np.eye(K)[_bins(y)]
    counts = np.stack([onehot.T @ (x_bins == b) for b in range(K)])
    p = counts / len(y)
    outer = p.sum(1, keepdims=True) * p.sum(0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / outer), 0.0)
    return terms.sum((0, 1))


STATISTICS = {
    "r2": binned_r2,
    "r2sq": lambda X, y: binned_r2(X, (y - y.mean()) ** 2),
    "r2abs": lambda X, y: binned_r2(X, np.abs(y - np.median(y))),
    "mi": binned_mi,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=_int_list, default=[10, 11])
    parser.add_argument("--width", type=int, default=10005)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    for seed in args.seeds:
        X, y, relevant = training_draw(seed, "A", data=wide_formula(seed, args.width))
        for name, statistic in STATISTICS.items():
            stat = statistic(X, y)
            order = np.argsort(-stat, kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(len(order))
            noise = stat[~relevant]
            row = {
                "seed": seed,
                "width": args.width,
                "statistic": name,
                "relevant_ranks": [int(r) for r in rank[relevant]],
                "relevant_stat": [round(float(s), 4) for s in stat[relevant]],
                "noise_mean": round(float(noise.mean()), 4),
                "noise_sd": round(float(noise.std()), 4),
                "noise_max": round(float(noise.max()), 4),
            }
            with open(args.out, "a") as out:
                out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
