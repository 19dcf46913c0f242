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
``real_only`` (the downstream model on the real columns). A third argument,
a JSON object, adds ``AttributionRFE`` variants by name: ``{"wd": {"net":
{"optimizer__weight_decay": 0.1}}, "perm": {"attribution": "permutation"}}``
(``"net"`` holds network parameters, the rest selector parameters).

For every ``AttributionRFE`` variant the record also has ``real_at_n_real``:
how many real columns the path's first set of at most ``n_real`` features
holds (``n_real``: the table's real columns), a measure of the ranking that
does not depend on the size rule.

Usage::

    python benchmarks/dev/dev_real_tables.py breast,diabetes \
        rfe,rfe_best,rfecv,real_only
    python benchmarks/dev/dev_real_tables.py diabetes wd '{"wd": {"net": {...}}}'
    python benchmarks/dev/dev_real_tables.py summary benchmarks/results/dev/real-*.jsonl

The last form prints the table of ``benchmarks/README.md`` (means over the
five folds).
"""

import json
import os
import sys
import time
import warnings

# benchmarks/ itself: bench_generalization, _resumable, ...
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np
import torch
from bench_generalization import downstream, real_data
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skchaos.feature_selection import AttributionRFE, AttributionRFECV
from skchaos.neural import MLPClassifier, MLPRegressor


def _selector(variant, classifier, extra):
    if variant in extra:
        params = dict(extra[variant])
        net_params = {"max_epochs": 300, **params.pop("net", {})}
        net = (MLPClassifier if classifier else MLPRegressor)(**net_params)
        return AttributionRFE(net, random_state=0, **params)
    net = (MLPClassifier if classifier else MLPRegressor)(max_epochs=300)
    if variant == "rfe":
        return AttributionRFE(net, random_state=0)
    if variant == "rfe_best":
        return AttributionRFE(net, tol=0.0, random_state=0)
    if variant == "rfecv":
        return AttributionRFECV(net, random_state=0)
    raise ValueError(variant)


def run(name, variant, fold, extra=None):
    X, y, relevant, classifier = real_data(name, 0)
    splitter = (StratifiedKFold if classifier else KFold)(
        5, shuffle=True, random_state=0
    )
    train, test = list(splitter.split(X, y))[fold]
    cpu, ranking = time.process_time(), {}
    if variant == "real_only":
        support = relevant
    else:
        scaled = StandardScaler().fit(X[train]).transform(X[train])
        selector = _selector(variant, classifier, extra or {}).fit(scaled, y[train])
        support = selector.support_
        if isinstance(selector, AttributionRFE):
            n_real = int(relevant.sum())
            first = next(f for f in selector.history_["features"] if len(f) <= n_real)
            ranking["real_at_n_real"] = int(relevant[first].sum())
    cpu = time.process_time() - cpu
    model = downstream(classifier).fit(X[train][:, support], y[train])
    return {
        "table": name,
        "variant": variant,
        "fold": fold,
        "real": int(support[relevant].sum()),
        "noise": int(support[~relevant].sum()),
        "score": round(float(model.score(X[test][:, support], y[test])), 4),
        "cpu": round(cpu, 1),
        **ranking,
    }


def summary(paths):
    """Print a Markdown table of JSON-lines records (means over the folds)."""
    groups = {}
    for path in paths:
        with open(path) as handle:
            for line in handle:
                row = json.loads(line)
                groups.setdefault((row["table"], row["variant"]), []).append(row)
    print(
        "| table | variant | folds | real kept | noise kept | CV score "
        "| real among the first n_real | CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for (table, variant), rows in groups.items():
        mean = {
            key: np.mean([r[key] for r in rows])
            for key in ("real", "noise", "score", "cpu")
        }
        ranked = [r["real_at_n_real"] for r in rows if "real_at_n_real" in r]
        ranked = f"{np.mean(ranked):.1f}" if ranked else ""
        print(
            f"| {table} | {variant} | {len(rows)} | {mean['real']:.1f} "
            f"| {mean['noise']:.1f} | {mean['score']:.4f} | {ranked} "
            f"| {mean['cpu']:.1f} |"
        )


def main(argv):
    if argv[0] == "summary":
        return summary(argv[1:])
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    extra = json.loads(argv[2]) if len(argv) > 2 else {}
    for name in argv[0].split(","):
        for variant in argv[1].split(","):
            for fold in range(5):
                print(json.dumps(run(name, variant, fold, extra)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
