"""Selection of a mixed-type table's own columns (issue 22), in one run.

The selectors get a pipeline that encodes the table
(``make_pipeline(make_tabular_preprocessor(X), net)``) and select its
columns: numeric and categorical, with missing cells. Each row of the output
CSV is one (dataset, seed or fold, selector, mode) cell.

Parts (``--part``):

synthetic
    ``make_mixed`` at its defaults: 3,000 rows, 4 relevant columns (2
    numeric, 2 categorical with 5 levels), 40 noise columns (30 numeric, 10
    categorical), 5% of the cells missing completely at random, regression.
    Precision, recall and F1 of the kept columns against the truth.
    ``--draw dev``: seeds 0-2 (where the harness was tried); ``--draw
    heldout``: seeds 100-109, run once to report; ``--draw heldout2``:
    seeds 200-209, for the code after the changes that run led to (group
    importances averaged, AttributionBoruta's penalty chosen per fit). Mode
    ``table`` hands the selector the DataFrame; mode ``encoded``
    (``--encoded``) hands it the
    same table encoded beforehand by the same preprocessor, with
    ``feature_groups`` from ``input_columns``: the cost of selecting through
    the pipeline against the numeric pre-encoded table, same seed, same run.
penguins
    palmerpenguins' table (344 penguins; species from island, sex, year and
    4 measurements, some cells missing) with 50 appended noise columns (35
    N(0, 1), 15 categorical with 2-5 equally likely levels; drawn with
    ``RandomState(0)``); stratified 5-fold CV, the selector on the training
    rows of each fold, then a logistic regression (through the same
    preprocessor) on the kept columns, accuracy on the fold's test rows;
    ``real_only`` is that model on the table's own 7 columns.

Selectors: ``rfe`` (AttributionRFE around ``MLPRegressor/Classifier(
max_epochs=300)``) and ``boruta`` (AttributionBoruta around the (64, 64)
network its defaults were chosen with), both at their defaults.

Usage::

    python benchmarks/bench_mixed.py --part synthetic --draw heldout --encoded \\
        --out benchmarks/results/mixed-heldout-synthetic.csv
    python benchmarks/bench_mixed.py --part penguins \\
        --out benchmarks/results/mixed-penguins.csv

Cells run in parallel processes (``--jobs``, default 2), one torch thread
each; every finished row is appended to ``OUT.partial.jsonl`` at once (a
killed run loses only the cells in flight; a rerun skips finished cells),
and the CSV replaces it at the end. Needs the ``benchmarks`` extra
(palmerpenguins).
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _resumable import run_resumable  # noqa: E402
from bench_generalization import _int_list, timed_fit  # noqa: E402

SELECTORS = ("rfe", "boruta")
SEEDS = {"dev": range(3), "heldout": range(100, 110), "heldout2": range(200, 210)}
NET = {"max_epochs": 300}
BORUTA_NET = {"hidden_layer_sizes": (64, 64), "lr": 0.003, "max_epochs": 300}
PENGUIN_NOISE = {"numeric": 35, "categorical": 15}


def _selector(name, seed, classifier, estimator_prefix=None):
    """The selector ``name``; its net follows ``estimator_prefix`` if given."""
    from sklearn.pipeline import make_pipeline

    from skchaos.feature_selection import AttributionBoruta, AttributionRFE
    from skchaos.neural import MLPClassifier, MLPRegressor

    kind = MLPClassifier if classifier else MLPRegressor
    net = kind(**(BORUTA_NET if name == "boruta" else NET), random_state=seed)
    if estimator_prefix is not None:
        net = make_pipeline(estimator_prefix, net)
    if name == "boruta":
        return AttributionBoruta(net, random_state=seed)
    return AttributionRFE(net, random_state=seed)


def synthetic_cell(seed, name, mode):
    import torch

    torch.set_num_threads(1)
    from skchaos.datasets import make_mixed
    from skchaos.preprocessing import input_columns, make_tabular_preprocessor

    data = make_mixed(random_state=seed, return_X_y=False)
    X, y, relevant = data.data, data.target, np.asarray(data.relevant_mask)
    if mode == "table":
        selector = _selector(name, seed, False, make_tabular_preprocessor(X))
        wall, cpu = timed_fit(selector, X, y, digits=2)
        support = selector.support_
    else:  # the same encoding, done beforehand
        pre = make_tabular_preprocessor(X).fit(X)
        Z, groups = pre.transform(X), input_columns(pre)
        selector = _selector(name, seed, False).set_params(feature_groups=groups)
        wall, cpu = timed_fit(selector, Z, y, digits=2)
        support = np.zeros(X.shape[1], dtype=bool)
        support[np.unique(groups[selector.support_])] = True
    tp = int(np.sum(support & relevant))
    precision = tp / max(1, int(support.sum()))
    recall = tp / int(relevant.sum())
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    categorical = np.asarray(data.categorical_mask)
    return {
        "part": "synthetic",
        "dataset": "make_mixed",
        "seed": seed,
        "selector": name,
        "mode": mode,
        "n_kept": int(support.sum()),
        "relevant_kept": tp,
        "categorical_relevant_kept": int(np.sum(support & relevant & categorical)),
        "noise_kept": int(np.sum(support & ~relevant)),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "kept": " ".join(np.asarray(X.columns)[support]),
        "wall_s": wall,
        "cpu_s": cpu,
    }


def penguin_table():
    """palmerpenguins' table with the appended noise columns, and the target."""
    import pandas as pd
    from palmerpenguins import load_penguins

    frame = load_penguins()
    frame = frame[frame["species"].notna()].reset_index(drop=True)
    y = frame.pop("species").to_numpy()
    for column in ("island", "sex"):
        frame[column] = frame[column].astype("category")
    rng = np.random.RandomState(0)
    n = len(frame)
    noise = {}
    for i in range(PENGUIN_NOISE["numeric"]):
        noise[f"noise_num{i}"] = rng.randn(n)
    for i in range(PENGUIN_NOISE["categorical"]):
        levels = list("abcde"[: rng.randint(2, 6)])
        noise[f"noise_cat{i}"] = pd.Categorical(rng.choice(levels, n), levels)
    X = pd.concat([frame, pd.DataFrame(noise)], axis=1)
    return X, y, np.arange(X.shape[1]) < frame.shape[1]


def _logistic_accuracy(X, y, train, test, columns):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from skchaos.preprocessing import make_tabular_preprocessor

    table = X.iloc[:, columns]
    model = make_pipeline(
        make_tabular_preprocessor(table), LogisticRegression(max_iter=2000)
    )
    model.fit(table.iloc[train], y[train])
    return round(float(model.score(table.iloc[test], y[test])), 4)


def penguin_cell(fold, name):
    import torch

    torch.set_num_threads(1)
    from sklearn.model_selection import StratifiedKFold

    from skchaos.preprocessing import make_tabular_preprocessor

    X, y, real = penguin_table()
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    train, test = splits[fold]
    row = {"part": "penguins", "dataset": "penguins+50", "fold": fold}
    row["selector"], row["mode"] = name, "table"
    if name == "real_only":
        row["accuracy"] = _logistic_accuracy(X, y, train, test, np.flatnonzero(real))
        return row
    X_train = X.iloc[train]
    selector = _selector(name, fold, True, make_tabular_preprocessor(X_train))
    row["wall_s"], row["cpu_s"] = timed_fit(selector, X_train, y[train], digits=2)
    support = selector.support_
    row["real_kept"] = int(np.sum(support & real))
    row["noise_kept"] = int(np.sum(support & ~real))
    row["kept"] = " ".join(np.asarray(X.columns)[support])
    row["accuracy"] = (
        _logistic_accuracy(X, y, train, test, np.flatnonzero(support))
        if support.any()
        else None
    )
    return row


def _cells(args):
    if args.part == "penguins":
        names = [*args.selectors, "real_only"]
        return [(penguin_cell, (fold, n)) for fold in range(5) for n in names]
    seeds = SEEDS[args.draw] if args.seeds is None else args.seeds
    modes = ("table", "encoded") if args.encoded else ("table",)
    return [
        (synthetic_cell, (seed, name, mode))
        for seed in seeds
        for name in args.selectors
        for mode in modes
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parts = ("synthetic", "penguins")
    parser.add_argument("--part", choices=parts, default="synthetic")
    parser.add_argument("--draw", choices=tuple(SEEDS), default="dev")
    parser.add_argument("--seeds", type=_int_list, default=None)
    parser.add_argument("--selectors", nargs="+", default=list(SELECTORS))
    parser.add_argument("--encoded", action="store_true", help="also mode 'encoded'")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if os.path.exists(args.out):
        parser.error(f"{args.out} exists; choose another --out (never overwritten)")
    run_resumable(_cells(args), args.out, args.jobs, _cell_key, _row_key)


def _cell_key(function, params):
    if function is penguin_cell:
        return ("penguins", *params, "table")
    return ("synthetic", *params)


def _row_key(row):
    return (row["part"], row.get("seed", row.get("fold")), row["selector"], row["mode"])


if __name__ == "__main__":
    main()
