"""Development: how a group's attribution is aggregated (mixed tables, issue 22).

The held-out run of ``bench_mixed.py`` (seeds 100-109) showed
``AttributionRFE`` keeping categorical *noise* columns and losing numeric
relevant ones: a group's importance is the sum of its columns' mean
absolute attributions, so a one-hot block of 6 columns collects about 6
columns' worth of noise. Variants, on development seeds of ``make_mixed``
(its defaults: 3,000 rows, 4 relevant and 40 noise columns):

- ``sum_abs``: the sum over the group's columns of each column's mean |a|
  (the code's rule when this ran);
- ``abs_sum``: per row, the sum of the group's signed attributions (the
  group's own attribution, for additive methods such as input x gradient),
  then the mean of its absolute value;
- ``sum_abs_sqrt``: ``sum_abs`` divided by the square root of the group's
  size;
- ``mean_abs``: ``sum_abs`` divided by the group's size;
- ``l2``: per row, the Euclidean norm of the group's attributions, then the
  row aggregation.

``AttributionRFE``'s default attribution is saliency (absolute gradients),
for which ``abs_sum`` is ``sum_abs``.

Usage::

    python benchmarks/dev/dev_mixed_groups.py --seeds 0-9 --variants sum_abs abs_sum \\
        --out benchmarks/results/dev/mixed-groups-dev.jsonl
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
from joblib import delayed

# benchmarks/ itself: bench_generalization, _resumable, ...
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_parallel  # noqa: E402
from bench_generalization import _int_list, cpu_seconds  # noqa: E402
from bench_mixed import NET  # noqa: E402


def _patch(variant):
    """Make the worker's selectors aggregate groups by ``variant``."""
    from skchaos.feature_selection import _importance

    original = getattr(_importance, "_original_attribute", None)
    if original is None:
        original = _importance._original_attribute = (
            _importance._ImportanceComputer._attribute
        )
    if variant == "sum_abs":
        _importance._ImportanceComputer._attribute = original
        return

    def attribute(self, estimator, X, unit_of, n_units, seed, weight):
        if n_units == X.shape[1] or X.ndim > 2:
            return original(self, estimator, X, unit_of, n_units, seed, weight)
        counts = np.bincount(unit_of, minlength=n_units)
        if variant in ("sum_abs_sqrt", "mean_abs"):
            total = original(self, estimator, X, unit_of, n_units, seed, weight)
            return total / (np.sqrt(counts) if variant == "sum_abs_sqrt" else counts)
        a = _importance.attribute(
            estimator, X, method=self.attribution, random_state=seed, **self.params
        )
        a = np.asarray(a, dtype=np.float64)
        per_unit = np.zeros((a.shape[0], n_units))
        if variant == "l2":
            np.add.at(per_unit.T, unit_of, np.square(a).T)
            per_unit = np.sqrt(per_unit)
        else:
            np.add.at(per_unit.T, unit_of, a.T)  # signed sums per row and unit
        return _importance.AGGREGATIONS[self.aggregation](per_unit, weight)

    _importance._ImportanceComputer._attribute = attribute


def cell(seed, variant):
    import torch

    torch.set_num_threads(1)
    from sklearn.pipeline import make_pipeline

    from skchaos.datasets import make_mixed
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPRegressor
    from skchaos.preprocessing import make_tabular_preprocessor

    _patch(variant)
    data = make_mixed(random_state=seed, return_X_y=False)
    X, y, relevant = data.data, data.target, np.asarray(data.relevant_mask)
    net = MLPRegressor(**NET, random_state=seed)
    selector = AttributionRFE(
        make_pipeline(make_tabular_preprocessor(X), net), random_state=seed
    )
    wall, cpu = time.perf_counter(), cpu_seconds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        selector.fit(X, y)
    support = selector.support_
    tp = int(np.sum(support & relevant))
    precision, recall = tp / max(1, support.sum()), tp / relevant.sum()
    categorical = np.asarray(data.categorical_mask)
    return {
        "seed": seed,
        "variant": variant,
        "f1": round(float(2 * precision * recall / max(precision + recall, 1e-12)), 4),
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "noise_categorical_kept": int(np.sum(support & ~relevant & categorical)),
        "noise_numeric_kept": int(np.sum(support & ~relevant & ~categorical)),
        "relevant_numeric_lost": int(np.sum(~support & relevant & ~categorical)),
        "relevant_categorical_lost": int(np.sum(~support & relevant & categorical)),
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(cpu_seconds() - cpu, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=_int_list, default=list(range(10)))
    parser.add_argument("--variants", nargs="+", default=["sum_abs", "abs_sum"])
    parser.add_argument("--jobs", type=int, default=2)
    out = "benchmarks/results/dev/mixed-groups-dev.jsonl"
    parser.add_argument("--out", default=out)
    args = parser.parse_args(argv)
    cells = [(s, v) for s in args.seeds for v in args.variants]
    append_parallel((delayed(cell)(s, v) for s, v in cells), args.out, args.jobs)


if __name__ == "__main__":
    main()
