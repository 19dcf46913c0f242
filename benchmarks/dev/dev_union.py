"""Development probe (issue 27): AttributionBoruta joined with AttributionRFE.

A minimal-optimal set is part of the all-relevant set (every feature of
the smallest sufficient set carries signal), and the warm elimination path
finds weak independent effects that Boruta's cold iterations reject while
the noise is in play (``boruta-dev.md``, seventh round). This probe fits
both selectors on the same training rows and records each one's selection
and their union, by composition (no library change).

- ``--part A``: setting A development seeds, recall and precision;
  AttributionBoruta with the development network of ``dev_boruta.py``,
  AttributionRFE with setting A's ``MLPRegressor(max_epochs=300)``.
- ``--part real``: scikit-learn's breast cancer and diabetes with 200 noise
  columns, 5-fold, selection inside each fold, the downstream linear
  model's CV score (as ``bench_all_relevant.py``); AttributionRFE with
  ``MLPRegressor/Classifier(max_epochs=300)``.

Usage::

    python benchmarks/dev/dev_union.py --part A --seeds 0-9 --jobs 2 --out ...
    python benchmarks/dev/dev_union.py --part real --tables breast diabetes \\
        --folds 0-4 --jobs 2 --out ...
"""

import argparse
import os
import sys

import numpy as np
from joblib import delayed

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_parallel  # noqa: E402
from bench_all_relevant import _score as _cv_score  # noqa: E402
from bench_generalization import (  # noqa: E402
    _int_list,
    real_data,
    timed_fit,
    training_draw,
)

BORUTA_NET = {"hidden_layer_sizes": (64, 64), "lr": 0.003, "max_epochs": 300}
RFE_NET = {"max_epochs": 300}


def _fit_both(X, y, classifier, seed):
    from skchaos.feature_selection import AttributionBoruta, AttributionRFE
    from skchaos.neural import MLPClassifier, MLPRegressor

    kind = MLPClassifier if classifier else MLPRegressor
    boruta = AttributionBoruta(kind(random_state=seed, **BORUTA_NET), random_state=seed)
    rfe = AttributionRFE(kind(random_state=seed, **RFE_NET), random_state=seed)
    out = {}
    for name, selector in (("boruta", boruta), ("rfe", rfe)):
        wall, cpu = timed_fit(selector, X, y)
        out[name] = (selector.support_, cpu)
    out["union"] = (out["boruta"][0] | out["rfe"][0], out["boruta"][1] + out["rfe"][1])
    return out


def formula_cell(seed):
    import torch

    torch.set_num_threads(1)
    X, y, relevant = training_draw(seed, "A")
    row = {
        "part": "A",
        "dataset": "A-dev",
        "seed": seed,
        "n_relevant": int(relevant.sum()),
    }
    for name, (support, cpu) in _fit_both(X, y, False, seed).items():
        tp = int(np.sum(support & relevant))
        row[name] = {
            "recall": round(tp / relevant.sum(), 4),
            "precision": round(tp / max(1, support.sum()), 4),
            "noise": int(np.sum(support & ~relevant)),
            "cpu_s": cpu,
        }
    return row


def real_cell(table, fold):
    import torch

    torch.set_num_threads(1)
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y, relevant, classifier = real_data(table, 0)
    splitter = (StratifiedKFold if classifier else KFold)(
        5, shuffle=True, random_state=0
    )
    train, test = list(splitter.split(X, y))[fold]
    row = {"part": "real", "dataset": table, "fold": fold}
    for name, (support, cpu) in _fit_both(X[train], y[train], classifier, fold).items():
        row[name] = {
            "real": int(support[relevant].sum()),
            "noise": int(support[~relevant].sum()),
            "cv_score": _cv_score(X, y, train, test, support, classifier),
            "cpu_s": cpu,
        }
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["A", "real"], default="A")
    parser.add_argument("--seeds", type=_int_list, default=list(range(10)))
    parser.add_argument("--tables", nargs="+", default=["breast", "diabetes"])
    parser.add_argument("--folds", type=_int_list, default=list(range(5)))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.part == "A":
        tasks = [delayed(formula_cell)(s) for s in args.seeds]
    else:
        tasks = [delayed(real_cell)(t, f) for t in args.tables for f in args.folds]
    append_parallel(tasks, args.out, args.jobs)


if __name__ == "__main__":
    main()
