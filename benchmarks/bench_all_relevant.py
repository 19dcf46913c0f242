"""All-relevant selection: AttributionBoruta next to its peers, in one run.

Every selector of a part sees the same rows, folds and seeds; each row of
the output CSV is one (dataset, fold or seed, selector) cell.

Parts (``--part``):

real
    Real tables with 200 appended N(0, 1) columns (``real_data`` of
    ``bench_generalization.py``); 5-fold CV, the selector runs on the
    training rows of each fold only, then a standardized logistic or ridge
    regression is fitted on the kept columns and scored on the fold's test
    rows (R^2 for regression, AUC for a binary target, accuracy otherwise).
    ``real_only`` is that model on the real columns alone. ``--draw dev``:
    diabetes and breast cancer (where the defaults were chosen);
    ``--draw heldout``: wine and fair, run once to report (2026-12-06);
    ``--draw heldout2``: anes96 and star98 (statsmodels), the fresh draw
    for defaults changed after that run; ``--draw heldout3``: randhie
    (statsmodels' RAND health insurance data, doctor visits; 1,500 of its
    20,190 rows drawn once), the draw for ``confirm_minimal``;
    ``--draw heldout4``: randhie2 (1,500 other rows of randhie, none of them
    in heldout3's), the draw for the iterations' shorter training;
    ``--draw heldout5``: randhie3 (the next 1,500 rows of the same
    permutation, in neither), defined on 2026-12-07 before any selector ran
    on it; ``--draw heldout6``: randhie4 (the next 1,500 rows, in none of
    them) and scikit-learn's iris (150 rows, 4 columns, 3 classes), the
    draw for ``CONFIRM_Z`` 2.5, defined on 2026-12-07 before any selector
    ran on them; ``--draw heldout7``: statsmodels' grunfeld (220 rows, 3
    columns, regression) and modechoice (840 rows, 7 columns, binary), two
    small tables for the CPU comparison after the training loop's speed-up,
    defined on 2026-12-07 (thirteenth session) before any selector ran on
    them; ``--draw heldout8``: three synthetic tables with a weak binary
    signal (``weak_binary`` of ``bench_generalization.py``), the draw for
    the iterations' slower learning rate, defined on 2026-12-07 (fourteenth
    session) before any selector ran on them.
random
    Random formulas of setting A (``random_formula``; 3,000 rows, 60 noise
    columns, 20% held out and unused): precision, recall and F1 of the
    selection. ``--draw dev``: seeds 0-19; ``--draw heldout``: 2000-2019;
    ``--draw heldout2``: 3000-3019; ``--draw heldout3``: 6000-6019;
    ``--draw heldout4``: 7000-7019 (defined on 2026-12-06, first run with
    heldout5's code); ``--draw heldout6``: 9000-9019 (defined on
    2026-12-07); ``--draw heldout8``: 9020-9029 (defined on 2026-12-07,
    fourteenth session).
low
    Low-signal random formulas (``low_signal_formula``: setting A's formula
    of the seed on 1,500 rows with 200 noise columns, noise leaving the
    formula 0.15 of the target's variance; 20% held out and unused), scored
    as ``random``. ``--draw dev``: seeds 0-9; ``--draw heldout5``:
    8000-8009, defined on 2026-12-07 before any selector ran on them;
    ``--draw heldout6``: 8010-8019 (defined on 2026-12-07);
    ``--draw heldout8``: 8020-8029 (defined on 2026-12-07, fourteenth
    session).
wide
    Random formulas of setting W (``random_formula(seed, "W")``: 10,000
    rows, 1,000 noise columns, 20% held out and unused), scored as
    ``random``: the width a practitioner's table may have. ``--draw dev``:
    seeds 0-7; ``--draw heldout8``: 10010-10013 (defined on 2026-12-07,
    fourteenth session, before any all-relevant selector ran on them).

Selectors (``--selectors``):

- ``boruta_nn``: AttributionBoruta with its defaults, around
  ``MLPRegressor/Classifier(hidden_layer_sizes=(64, 64), lr=0.003,
  max_epochs=300)``, the network its defaults were chosen with;
- ``rfe``: AttributionRFE around ``MLPRegressor/Classifier(max_epochs=300)``;
- ``borutapy``: BorutaPy, random forest of depth 5, ``n_estimators="auto"``,
  100 iterations;
- ``grootcv``: arfs's GrootCV at its defaults (LightGBM + SHAP over 5 x 5
  folds); run with ``--grootcv-python``, the Python of a virtual environment
  with ``arfs==3.0.0``, ``pandas<3`` and ``setuptools<81``;
- ``sfm_forest``: SelectFromModel, 100 trees.

Usage::

    python benchmarks/bench_all_relevant.py --part real --draw heldout \\
        --tables wine --grootcv-python /path/to/arfs-venv/bin/python \\
        --out benchmarks/results/all-relevant-heldout-wine.csv

Cells run in parallel processes (``--jobs``, default 2), one torch thread
each; every finished row is appended to ``OUT.partial.jsonl`` at once (a
killed run loses only the cells in flight, and a rerun skips the finished
ones); the CSV replaces it at the end. CPU seconds are those of the cell's
process (and of GrootCV's subprocess).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _resumable import run_resumable  # noqa: E402
from bench_generalization import (  # noqa: E402
    _int_list,
    _quality,
    downstream,
    low_signal_formula,
    random_formula,
    real_data,
    timed_fit,
    training_draw,
)

SELECTORS = ("boruta_nn", "rfe", "borutapy", "grootcv", "sfm_forest")
TABLES = {
    "dev": ("diabetes", "breast"),
    "heldout": ("wine", "fair"),
    "heldout2": ("anes96", "star98"),
    "heldout3": ("randhie",),
    "heldout4": ("randhie2",),
    "heldout5": ("randhie3",),
    "heldout6": ("randhie4", "iris"),
    "heldout7": ("grunfeld", "modechoice"),
    "heldout8": ("weakbinary100", "weakbinary101", "weakbinary102"),
}
SEEDS = {
    "dev": range(20),
    "heldout": range(2000, 2020),
    "heldout2": range(3000, 3020),
    "heldout3": range(6000, 6020),
    "heldout4": range(7000, 7020),
    "heldout6": range(9000, 9020),
    "heldout8": range(9020, 9030),
}
LOW_SEEDS = {
    "dev": range(10),
    "heldout5": range(8000, 8010),
    "heldout6": range(8010, 8020),
    "heldout8": range(8020, 8030),
}
WIDE_SEEDS = {"dev": range(8), "heldout8": range(10010, 10014)}
NET = {"max_epochs": 300}
# AttributionBoruta's network: the one its defaults were chosen with
# (``dev_boruta.py``).
BORUTA_NET = {"hidden_layer_sizes": (64, 64), "lr": 0.003, "max_epochs": 300}
WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_grootcv_worker.py")


def _selector(name, seed, classifier, boruta_net=None):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.feature_selection import SelectFromModel

    from skchaos.feature_selection import AttributionBoruta, AttributionRFE
    from skchaos.neural import MLPClassifier, MLPRegressor

    forest = RandomForestClassifier if classifier else RandomForestRegressor
    kind = MLPClassifier if classifier else MLPRegressor
    net = kind(random_state=seed, **NET)
    if name == "boruta_nn":
        params = BORUTA_NET if boruta_net is None else boruta_net
        return AttributionBoruta(kind(random_state=seed, **params), random_state=seed)
    if name == "rfe":
        return AttributionRFE(net, random_state=seed)
    if name == "sfm_forest":
        return SelectFromModel(forest(n_estimators=100, random_state=seed))
    if name == "borutapy":
        from boruta import BorutaPy

        return BorutaPy(
            forest(max_depth=5, n_jobs=1, random_state=seed),
            n_estimators="auto",
            random_state=seed,
        )
    raise ValueError(f"unknown selector {name!r}")


def _grootcv(X, y, classifier, seed, python):
    classes = len(np.unique(y)) if classifier else 0
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "fold.npz")
        np.savez(path, X=X, y=y, classes=classes, seed=seed)
        done = subprocess.run(
            [python, WORKER, path], capture_output=True, text=True, check=True
        )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return np.asarray(out["support"], bool), out["wall_s"], out["cpu_s"]


def _select(name, X, y, classifier, seed, args):
    """Fit one selector; return its support, wall and CPU seconds."""
    if name == "grootcv":
        return _grootcv(X, y, classifier, seed, args.grootcv_python)
    selector = _selector(name, seed, classifier, getattr(args, "boruta_net", None))
    wall, cpu = timed_fit(selector, X, y)
    support = getattr(selector, "support_", None)
    if support is None:
        support = selector.get_support()
    return np.asarray(support, bool), wall, cpu


def _score(X, y, train, test, support, classifier):
    """The downstream CV score of the kept columns on the fold's test rows.

    With no column kept, the score of a model without inputs (the training
    rows' mean, or their class shares: R^2 about 0, AUC 0.5), so that a fold
    where nothing was kept counts in the mean instead of dropping out of it.
    """
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.metrics import roc_auc_score

    model = downstream(classifier)
    if not support.any():
        support = np.zeros(X.shape[1], bool)
        support[0] = True  # a column the dummy ignores
        model = DummyClassifier() if classifier else DummyRegressor()
    model = model.fit(X[train][:, support], y[train])
    if classifier and len(np.unique(y)) == 2:
        proba = model.predict_proba(X[test][:, support])[:, 1]
        return round(float(roc_auc_score(y[test], proba)), 4)
    return round(float(model.score(X[test][:, support], y[test])), 4)


def table_fold(table, fold):
    """``X, y, relevant, classifier, train, test`` of a fold of a real table."""
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y, relevant, classifier = real_data(table, 0)
    splitter = (StratifiedKFold if classifier else KFold)(
        5, shuffle=True, random_state=0
    )
    train, test = list(splitter.split(X, y))[fold]
    return X, y, relevant, classifier, train, test


def empty_score(table, fold):
    """The score of a fold of ``table`` where nothing was kept (see :func:`_score`)."""
    X, y, _, classifier, train, test = table_fold(table, fold)
    return _score(X, y, train, test, np.zeros(X.shape[1], bool), classifier)


def real_cell(table, fold, name, args):
    import torch

    torch.set_num_threads(1)
    X, y, relevant, classifier, train, test = table_fold(table, fold)
    row = {"part": "real", "dataset": table, "fold": fold, "selector": name}
    if name == "real_only":
        support, wall, cpu = relevant, None, None
    else:
        support, wall, cpu = _select(name, X[train], y[train], classifier, fold, args)
    row.update(
        real_kept=int(support[relevant].sum()),
        n_real=int(relevant.sum()),
        noise_kept=int(support[~relevant].sum()),
        score=_score(X, y, train, test, support, classifier),
    )
    if wall is not None:
        row.update(wall_s=round(wall, 1), cpu_s=round(cpu, 1))
    return row


def random_cell(seed, name, args):
    import torch

    torch.set_num_threads(1)

    setting = "W" if args.part == "wide" else "A"
    if args.part == "low":
        data = low_signal_formula(seed)
    else:
        data = random_formula(seed, setting)
    X_train, y_train, relevant = training_draw(seed, setting, data=data)
    support, wall, cpu = _select(name, X_train, y_train, False, seed, args)
    row = {"part": args.part, "dataset": data.formula_str, "fold": seed}
    row.update(selector=name, **_quality(relevant, support))
    row.update(wall_s=round(wall, 1), cpu_s=round(cpu, 1))
    return row


def _cells(args):
    if args.part in ("random", "low", "wide"):
        seeds = {"low": LOW_SEEDS, "wide": WIDE_SEEDS}.get(args.part, SEEDS)[args.draw]
        return [
            (random_cell, (seed, name, args))
            for seed in args.seeds or seeds
            for name in args.selectors
        ]
    return [
        (real_cell, (table, fold, name, args))
        for table in args.tables or TABLES[args.draw]
        for fold in range(5)
        for name in [*args.selectors, "real_only"]
    ]


def _key(row):
    return (row["dataset"] if row["part"] == "real" else row["fold"], row["selector"])


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--part", choices=("real", "random", "low", "wide"), default="real"
    )
    parser.add_argument("--draw", choices=tuple(TABLES), default="dev")
    parser.add_argument("--selectors", nargs="+", default=list(SELECTORS))
    parser.add_argument(
        "--tables", nargs="+", default=None, help="real part: these tables only"
    )
    parser.add_argument(
        "--seeds",
        type=_int_list,
        default=None,
        help="random part: these seeds only, e.g. 0-9 (default: the draw's)",
    )
    parser.add_argument("--grootcv-python", default=None)
    parser.add_argument(
        "--boruta-net",
        type=json.loads,
        default=None,
        help="development only: boruta_nn's network parameters as JSON "
        "(default: BORUTA_NET)",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if "grootcv" in args.selectors and not args.grootcv_python:
        parser.error("--selectors grootcv needs --grootcv-python (see --help)")
    draws = {"real": TABLES, "random": SEEDS, "low": LOW_SEEDS, "wide": WIDE_SEEDS}
    draws = draws[args.part]
    if args.draw not in draws:
        parser.error(
            f"--part {args.part} has no --draw {args.draw}; choose one of "
            f"{sorted(draws)}"
        )
    if os.path.exists(args.out):
        parser.error(f"{args.out} exists; choose another --out (never overwritten)")
    run_resumable(_cells(args), args.out, args.jobs, _cell_key, _row_key, _field_order)


def _cell_key(function, params):
    if function is real_cell:
        table, fold, name, _ = params
        return ("real", table, fold, name)
    seed, name, args = params
    return (args.part, seed, name)


def _row_key(row):
    if row["part"] == "real":
        return ("real", row["dataset"], row["fold"], row["selector"])
    return (row["part"], row["fold"], row["selector"])


_ORDER = ["part", "dataset", "fold", "selector"]


def _field_order(name):
    return (_ORDER.index(name), name) if name in _ORDER else (len(_ORDER), name)


if __name__ == "__main__":
    main()
