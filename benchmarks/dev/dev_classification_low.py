"""Development analog of the modechoice failure (issue 27): a moderate binary signal.

The seventh held-out draw (``bench_all_relevant.py --draw heldout7``) found
AttributionBoruta keeping 0.8 of modechoice's 7 real columns where
``GrootCV`` kept 3 and a logistic regression on the real columns alone
reached AUC 0.786. This harness builds a synthetic table of the same
shape, nothing taken from modechoice: 840 rows, 7 N(0, 1) columns with
equal logistic coefficients (``--scale``, 0.45: AUC about 0.77 on the
real columns alone) and an intercept of -1.2 (about 25% positives), plus
200 N(0, 1) noise columns; 5-fold stratified CV (folds ``--folds``), the
selector on each fold's training rows. One JSON line per (variant, fold):
real and noise columns kept, the columns of the minimal-optimal set
confirmed, CPU seconds, and the real columns' logistic AUC on the fold.

Variants (``--variants``): ``defaults`` (AttributionBoruta around the
benchmark's ``MLPClassifier(hidden_layer_sizes=(64, 64), lr=0.003,
max_epochs=300)``); ``until`` (the minimal path's first network trained
until it learns, ``_minimal.MINIMAL_UNTIL_LEARNED = True``); ``penN``
(e.g. ``pen0.3``, ``pen20``: ``input_penalty=N``, fixed, instead of the
per-fit choice); ``lr1e-3`` (the same net with ``lr=0.001``);
``netdefault`` (``MLPClassifier(max_epochs=300)``); ``floor10`` (the
iterations' epochs from a tenth of ``max_epochs`` instead of a fifth,
``_boruta_steps.ITERATION_MIN_SHARE = 0.1``); ``full_iter`` (the
iterations run to ``max_iter``, without the early stop of the fifteenth
session); ``full30`` (``max_features=1.0, max_iter=30``: every column in
every iteration, half the iterations); ``grootcv`` (arfs's GrootCV,
with ``--grootcv-python``).

Usage::

    python benchmarks/dev/dev_classification_low.py --variants defaults lr1e-3 \\
        --grootcv-python /path/to/arfs-venv/bin/python --out ...
"""

import argparse
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
from _full_iterations import set_full_iterations  # noqa: E402
from _resumable import append_parallel  # noqa: E402
from bench_generalization import logistic_columns  # noqa: E402
from joblib import delayed  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

N_REAL = 7


def table(seed, scale, n_rows=840, n_noise=200):
    """``X, y``: 7 real columns of equal logistic weight, then the noise."""
    rng = np.random.RandomState(seed)
    X, y = logistic_columns(rng, n_rows, np.full(N_REAL, scale), -1.2)
    return np.hstack([X, rng.normal(size=(n_rows, n_noise))]), y


def cell(variant, seed, fold, scale, grootcv_python):
    import torch

    torch.set_num_threads(1)
    from bench_all_relevant import BORUTA_NET, _grootcv

    import skchaos.feature_selection._boruta_steps as steps
    import skchaos.feature_selection._minimal as minimal
    from skchaos.feature_selection import AttributionBoruta
    from skchaos.neural import MLPClassifier

    X, y = table(seed, scale)
    splits = StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)
    train, test = list(splits)[fold]
    real = LogisticRegression(max_iter=2000).fit(X[train][:, :N_REAL], y[train])
    auc = roc_auc_score(y[test], real.predict_proba(X[test][:, :N_REAL])[:, 1])
    row = {"variant": variant, "seed": seed, "fold": fold, "scale": scale}
    row["real_auc"] = round(float(auc), 3)
    if variant == "grootcv":
        support, _, cpu = _grootcv(X[train], y[train], True, fold, grootcv_python)
        minimal_real = None
    else:
        minimal.MINIMAL_UNTIL_LEARNED = variant == "until"
        steps.ITERATION_MIN_SHARE = 0.1 if variant == "floor10" else 0.2
        set_full_iterations(variant == "full_iter")
        net = dict(BORUTA_NET)
        if variant == "lr1e-3":
            net["lr"] = 0.001
        if variant == "netdefault":
            net = {"max_epochs": 300}
        params = {}
        if variant.startswith("pen"):  # e.g. pen0.3, pen20: a fixed penalty
            params["input_penalty"] = float(variant[3:])
        if variant == "full30":
            params.update(max_features=1.0, max_iter=30)
        selector = AttributionBoruta(
            MLPClassifier(random_state=fold, **net), random_state=fold, **params
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.process_time()
            selector.fit(X[train], y[train])
            cpu = time.process_time() - start
        support = selector.support_
        minimal_real = int(selector.support_minimal_[:N_REAL].sum())
    row.update(
        real=int(support[:N_REAL].sum()),
        noise=int(support[N_REAL:].sum()),
        minimal_real=minimal_real,
        cpu_s=round(cpu, 1),
    )
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", nargs="+", default=["defaults"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--scale", type=float, default=0.45)
    parser.add_argument("--grootcv-python", default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    cells = [(v, f) for v in args.variants for f in args.folds]
    append_parallel(
        (
            delayed(cell)(v, args.seed, f, args.scale, args.grootcv_python)
            for v, f in cells
        ),
        args.out,
        args.jobs,
    )


if __name__ == "__main__":
    main()
