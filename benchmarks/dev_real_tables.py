"""Development tables: AttributionRFE variants on small real tables.

The held-out real tables of ``bench_generalization.py --part real`` are
``load_wine`` and statsmodels' ``fair``; this harness uses two *other*
tables that ship with scikit-learn, ``load_breast_cancer`` (classification)
and ``load_diabetes`` (regression), each with 200 appended N(0, 1) columns,
so that whatever it suggests is not tuned on the reported tables. 5-fold CV
(seed 0), the selector on the standardized training rows of each fold, then
the downstream model of ``bench_generalization.py`` on the selected columns.
One JSON line per (table, variant, fold).

Variants: ``rfe`` (``AttributionRFE`` defaults), ``rfe_best``
(``tol=0.0``: the size with the best validation score instead of the
one-standard-error rule), ``rfecv`` (``AttributionRFECV`` defaults, 5 folds),
``real_only`` (the downstream model on the real columns).

Usage::

    python benchmarks/dev_real_tables.py breast,diabetes rfe,rfe_best,rfecv,real_only
"""

import json
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skchaos.feature_selection import AttributionRFE, AttributionRFECV
from skchaos.neural import MLPClassifier, MLPRegressor


def _table(name):
    loader, classifier = {
        "breast": (load_breast_cancer, True),
        "diabetes": (load_diabetes, False),
    }[name]
    X, y = loader(return_X_y=True)
    noise = np.random.RandomState(0).normal(size=(X.shape[0], 200))
    relevant = np.r_[np.ones(X.shape[1], bool), np.zeros(200, bool)]
    return np.hstack([X, noise]), y, relevant, classifier


def _selector(variant, classifier):
    net = (MLPClassifier if classifier else MLPRegressor)(max_epochs=300)
    if variant == "rfe":
        return AttributionRFE(net, random_state=0)
    if variant == "rfe_best":
        return AttributionRFE(net, tol=0.0, random_state=0)
    if variant == "rfecv":
        return AttributionRFECV(net, random_state=0)
    raise ValueError(variant)


def run(name, variant, fold):
    X, y, relevant, classifier = _table(name)
    splitter = (StratifiedKFold if classifier else KFold)(
        5, shuffle=True, random_state=0
    )
    train, test = list(splitter.split(X, y))[fold]
    cpu = time.process_time()
    if variant == "real_only":
        support = relevant
    else:
        scaled = StandardScaler().fit(X[train]).transform(X[train])
        support = _selector(variant, classifier).fit(scaled, y[train]).support_
    cpu = time.process_time() - cpu
    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(max_iter=2000) if classifier else Ridge(),
    ).fit(X[train][:, support], y[train])
    return {
        "table": name,
        "variant": variant,
        "fold": fold,
        "real": int(support[relevant].sum()),
        "noise": int(support[~relevant].sum()),
        "score": round(float(model.score(X[test][:, support], y[test])), 4),
        "cpu": round(cpu, 1),
    }


def main(argv):
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    for name in argv[0].split(","):
        for variant in argv[1].split(","):
            for fold in range(5):
                print(json.dumps(run(name, variant, fold)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
