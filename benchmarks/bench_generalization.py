"""AttributionRFE on data nobody tuned it on, next to its peers, in one run.

Every selector of a part sees the same rows, split and seeds; each row of the
output CSV is one (dataset, selector) pair, with the selection's precision,
recall and F1 against the known relevant features (or, for real tables, a
cross-validated score with the selection inside each fold), and its wall and
CPU time.

Parts (``--part``):

random
    Random formulas of :func:`skchaos.datasets.make_random_symbolic`,
    3 to 7 relevant variables (``3 + seed % 5``), shuffled among the noise
    columns. ``--draw dev`` is seeds 0-49, on which the defaults were chosen;
    ``--draw heldout`` is seeds 1000-1049, run once to report. Settings
    (``--setting``): ``A`` = 3,000 rows, 60 noise columns,
    ``MLPRegressor(max_epochs=300)``; ``B`` = 10,000 rows, 100 noise columns,
    ``MLPRegressor()``; ``W`` (wide) = 10,000 rows, 1,000 noise columns, the
    scale network (below). 20% of the rows are held out as a test set (unused by
    the selectors). Selectors: ``rfe`` (AttributionRFE with its defaults),
    ``rfecv_forest`` (scikit-learn's RFECV with a 50-tree random forest, 3
    folds, step 0.1), ``sfm_forest`` (SelectFromModel, 100 trees) and
    ``boruta`` (BorutaPy, 100 trees of depth 5). The ``rfe`` row also times
    one converged training of the same network on the same rows
    (``converged_s`` wall, ``converged_cpu_s``) and one ``fit`` of the
    network as configured (``user_fit_cpu_s``), the unit of the cost target.
paper
    Paper formulas ``--formulas`` (default 11-15) with 150 noise columns,
    10,000 rows, the paper's RFE setting; ``rfe`` only.
wide
    8,000 training rows of formula 10 (5 relevant variables) with
    ``--widths`` features (default 1,005 and 10,005), the network of the
    scale benchmark (batches of 256, lr 2e-3, 100 epochs); ``rfe`` only.
real
    Real tables with 200 appended N(0, 1) columns: scikit-learn's
    ``load_wine`` (classification, accuracy) and statsmodels' ``fair``
    (regression of ``affairs``, R^2). 5-fold CV; in each fold the selector
    runs on the training rows only, then the downstream model (a standardized
    logistic or ridge regression) is fitted on the selected columns;
    ``real_only`` is the downstream model on the real columns alone.
    ``--tables`` picks the tables (default both).

``--net-params`` and ``--rfe-params`` (JSON objects) add network and
``AttributionRFE`` parameters to the ``rfe`` selector, e.g.
``--rfe-params '{"input_penalty": 0}'`` for the selector without its input
penalty; a ``"round_training"`` object there gives the fields of a
``RoundTraining``, e.g. ``'{"round_training": {"patience": 20}}'``.

Usage::

    python benchmarks/bench_generalization.py --part random --setting A \\
        --draw dev --seeds 0-11 --selectors rfe --out /tmp/dev.csv
    python benchmarks/bench_generalization.py --part random --setting A \\
        --draw heldout --out benchmarks/results/generalization-A-heldout-rfe.csv

Cells run in parallel processes (``--jobs``), one torch thread each. Every
finished row is appended to ``OUT.partial.jsonl`` at once (a killed run loses
only the cells in flight); the CSV replaces it at the end.
"""

import argparse
import csv
import json
import os
import resource
import sys
import time
import warnings

import numpy as np
from joblib import Parallel, delayed

SELECTORS = ("rfe", "rfecv_forest", "sfm_forest", "boruta")
DRAWS = {"dev": range(50), "heldout": range(1000, 1050)}
SCALE_NET = {"batch_size": 256, "lr": 2e-3, "max_epochs": 100}
SETTINGS = {
    "A": {"n_samples": 3000, "n_noise": 60, "net": {"max_epochs": 300}},
    "B": {"n_samples": 10000, "n_noise": 100, "net": {}},
    # Wide: 8,000 training rows and 1,000 noise columns, the scale network.
    "W": {"n_samples": 10000, "n_noise": 1000, "net": SCALE_NET},
}


class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu


def cpu_seconds():
    """CPU time (user and system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_fit(selector, X, y, digits=1):
    """Fit ``selector``, its warnings silenced; ``(wall, cpu)`` seconds, rounded."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Clock() as clock:
            selector.fit(X, y)
    return round(clock.wall, digits), round(clock.cpu, digits)


def _quality(relevant, support):
    relevant, support = np.asarray(relevant, bool), np.asarray(support, bool)
    tp = int(np.sum(relevant & support))
    precision = tp / max(1, support.sum())
    recall = tp / max(1, relevant.sum())
    f1 = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
    return {
        "n_relevant": int(relevant.sum()),
        "n_selected": int(support.sum()),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


# ------------------------------------------------------------------ selectors
def _selector(name, net_params, seed, classifier=False, rfe_params=None):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.feature_selection import RFECV, SelectFromModel

    from skchaos.feature_selection import AttributionRFE, RoundTraining
    from skchaos.neural import MLPClassifier, MLPRegressor

    forest = RandomForestClassifier if classifier else RandomForestRegressor
    if name == "rfe":
        net = (MLPClassifier if classifier else MLPRegressor)(**net_params)
        params = dict(rfe_params or {})
        if isinstance(params.get("round_training"), dict):
            params["round_training"] = RoundTraining(**params["round_training"])
        return AttributionRFE(net, random_state=seed, **params)
    if name == "rfecv_forest":
        return RFECV(forest(n_estimators=50, random_state=seed), step=0.1, cv=3)
    if name == "sfm_forest":
        return SelectFromModel(forest(n_estimators=100, random_state=seed))
    if name == "boruta":
        from boruta import BorutaPy

        return BorutaPy(
            forest(n_estimators=100, max_depth=5, random_state=seed),
            n_estimators=100,
            random_state=seed,
        )
    raise ValueError(f"unknown selector {name!r}")


def _support(selector):
    return (
        selector.support_ if hasattr(selector, "support_") else selector.get_support()
    )


def _select(name, X, y, net_params, seed, classifier=False, rfe_params=None):
    """Fit one selector; return it and its (wall, cpu) seconds, rounded."""
    selector = _selector(name, net_params, seed, classifier, rfe_params)
    return selector, timed_fit(selector, X, y)


def _converged_seconds(X, y, net_params, seed):
    """One converged training of the network, as AttributionRFE's first round."""
    from skchaos.feature_selection._rows import split_rows
    from skchaos.neural import MLPRegressor

    rng = np.random.RandomState(seed)
    train, _ = split_rows(y, 0.2, rng, False)
    fit, es = split_rows(y[train], 0.1, rng, False)
    X_fit, y_fit = X[train][fit], y[train][fit]
    X_es, y_es = X[train][es], y[train][es]
    net = MLPRegressor(random_state=seed, **net_params)
    with Clock() as clock:
        net._fit_converged(X_fit, y_fit, X_es, y_es, max_epochs=10 * net.max_epochs)
    return clock, len(net.history_)


def _user_fit_clock(X, y, net_params, seed):
    """One ``fit`` of the network as the user configured it, on the same rows."""
    from skchaos.neural import MLPRegressor

    with Clock() as clock:
        MLPRegressor(random_state=seed, **net_params).fit(X, y)
    return clock


# ---------------------------------------------------------------------- cells
def random_formula(seed, setting):
    """The random formula of ``seed`` in ``setting`` ("A" or "B"), as a Bunch.

    3 to 7 relevant variables (``3 + seed % 5``) shuffled among the noise
    columns; the development harnesses draw their data here too.
    """
    from skchaos.datasets import make_random_symbolic

    return make_random_symbolic(
        n_relevant=3 + seed % 5,
        n_samples=SETTINGS[setting]["n_samples"],
        n_noise_features=SETTINGS[setting]["n_noise"],
        shuffle_features=True,
        random_state=seed,
        return_X_y=False,
    )


# Low-signal formulas: setting A's formula of each seed on 1,500 rows with
# 200 noise columns, and Gaussian noise that leaves the noiseless formula
# LOW_SIGNAL_R2 of the target's variance (randhie's real columns explain
# about 0.07 of theirs, a ridge regression's R^2).
LOW_SIGNAL_R2 = 0.15


def low_signal_formula(seed):
    """The low-signal formula of ``seed`` (1,500 rows, 200 noise columns), a Bunch."""
    from skchaos.datasets import make_random_symbolic

    def draw(noise):
        return make_random_symbolic(
            n_relevant=3 + seed % 5,
            n_samples=1500,
            n_noise_features=200,
            noise=noise,
            shuffle_features=True,
            random_state=seed,
            return_X_y=False,
        )

    clean = draw(0.0).target_clean  # the same formula and inputs, no noise
    return draw(float(clean.std() * np.sqrt((1 - LOW_SIGNAL_R2) / LOW_SIGNAL_R2)))


def wide_formula(seed, width):
    """The paper's formula 10 with ``width - 5`` noise columns, as a Bunch."""
    from skchaos.datasets import make_symbolic

    return make_symbolic(
        10, n_noise_features=width - 5, random_state=seed, return_X_y=False
    )


def training_draw(seed, setting, data=None):
    """The training rows of ``random_formula(seed, setting)`` (80%), and its truth.

    Returns ``X, y, relevant`` (a boolean mask), the rows the selection
    harnesses select on (the other 20% are held out as in :func:`_cell`).
    ``data``: another drawn Bunch (e.g. :func:`wide_formula`), split alike.
    """
    return train_test_draw(seed, setting, data)[:3]


def train_test_draw(seed, setting, data=None):
    """:func:`training_draw`'s ``X, y, relevant`` and the 20% it holds out.

    Returns ``X, y, relevant, X_test, y_test`` from one draw of the formula.
    """
    from sklearn.model_selection import train_test_split

    data = random_formula(seed, setting) if data is None else data
    X, X_test, y, y_test = train_test_split(
        data.data, data.target, test_size=0.2, random_state=seed
    )
    return X, y, np.asarray(data.relevant_mask, bool), X_test, y_test


def _cell(part, key, selector, seed, args):
    import torch

    torch.set_num_threads(1)

    from skchaos.datasets import make_symbolic

    row = {"part": part, "dataset": key, "selector": selector, "seed": seed}
    if part == "random":
        data = random_formula(seed, args.setting)
        row["formula"] = data.formula_str
        net = SETTINGS[args.setting]["net"]
    elif part == "paper":
        data = make_symbolic(
            key, n_noise_features=150, random_state=seed, return_X_y=False
        )
        net = {}
    else:  # wide
        data = wide_formula(seed, key)
        net = SCALE_NET
    X_train, y_train, _ = training_draw(seed, args.setting, data=data)
    net = {**net, **args.net_params}
    fitted, (wall, cpu) = _select(
        selector, X_train, y_train, net, seed, rfe_params=args.rfe_params
    )
    row.update(_quality(data.relevant_mask, _support(fitted)))
    row.update(wall_s=wall, cpu_s=cpu)
    if selector == "rfe":
        history = fitted.history_
        row["rounds"] = len(history["score"])
        row["epochs"] = int(sum(e or 0 for e in history["epochs"]))
        row["unconverged_rounds"] = sum(c is False for c in history["converged"])
        if args.cost:
            converged, epochs = _converged_seconds(X_train, y_train, net, seed)
            row["converged_s"] = round(converged.wall, 1)
            row["converged_cpu_s"] = round(converged.cpu, 1)
            row["converged_epochs"] = epochs
            row["user_fit_cpu_s"] = round(
                _user_fit_clock(X_train, y_train, net, seed).cpu, 1
            )
    return row


def real_data(name, seed):
    """A real table with 200 appended N(0, 1) columns: X, y, relevant, classifier.

    ``"wine"`` and ``"fair"`` are the reported tables; ``"breast"`` (breast
    cancer) and ``"diabetes"`` are the development tables of
    ``dev_real_tables.py``; ``"anes96"`` and ``"star98"`` (statsmodels) the
    second held-out draw of ``bench_all_relevant.py``, chosen before any
    selector ran on them; ``"randhie"`` (statsmodels, 1,500 rows) its third;
    ``"randhie2"`` (1,500 other rows of it) its fourth; ``"randhie3"`` (the
    next 1,500) its fifth; ``"randhie4"`` (the next 1,500) and ``"iris"``
    its sixth; ``"grunfeld"`` (statsmodels: 220 firm-years, investment from
    value, capital and year) and ``"modechoice"`` (statsmodels: 840 rows,
    whether a travel mode was chosen, from its 7 columns) its seventh, small
    tables for the CPU comparison with GrootCV, chosen before any selector
    ran on them. ``"weakbinary100"`` and ``"weakbinary101"`` (synthetic: 840
    rows, 7 N(0, 1) columns of logistic weight 0.45, intercept -1.2, the
    design of ``dev/dev_classification_low.py`` on seeds it never used) and
    ``"weakbinary102"`` (600 rows, 5 columns of weights 0.8, 0.6, 0.45, 0.3
    and 0.2, intercept -0.5) its eighth, a weak binary signal, defined on
    2026-12-07 (fourteenth session) before any selector ran on them.
    """
    from sklearn.datasets import (
        load_breast_cancer,
        load_diabetes,
        load_iris,
        load_wine,
    )

    loaders = {
        "wine": (load_wine, True),
        "iris": (load_iris, True),
        "breast": (load_breast_cancer, True),
        "diabetes": (load_diabetes, False),
    }
    if name in loaders:
        loader, classifier = loaders[name]
        X, y = loader(return_X_y=True)
    elif name == "anes96":  # 944 voters: Clinton (0) or Dole (1), 10 columns
        import statsmodels.datasets.anes96 as anes96

        frame = anes96.load_pandas().data
        y = frame.pop("vote").to_numpy(int)
        X, classifier = frame.to_numpy(float), True
    elif name.startswith("randhie"):  # RAND: doctor visits
        import statsmodels.datasets.randhie as randhie

        frame = randhie.load_pandas().data
        # 1,500 rows; randhie2 the next 1,500 of the same permutation, none
        # of them in randhie's draw.
        starts = {"randhie": 0, "randhie2": 1500, "randhie3": 3000, "randhie4": 4500}
        start = starts[name]
        order = np.random.RandomState(0).permutation(len(frame))
        frame = frame.iloc[order[start : start + 1500]]
        y = frame.pop("mdvis").to_numpy(float)
        X, classifier = frame.to_numpy(float), False
    elif name == "grunfeld":  # 220 firm-years: gross investment
        import statsmodels.datasets.grunfeld as grunfeld

        frame = grunfeld.load_pandas().data.drop(columns="firm")
        y = frame.pop("invest").to_numpy(float)
        X, classifier = frame.to_numpy(float), False
    elif name == "modechoice":  # 840 rows (210 travellers x 4 modes): chosen?
        import statsmodels.datasets.modechoice as modechoice

        frame = modechoice.load_pandas().data.drop(columns="individual")
        y = frame.pop("choice").to_numpy(int)
        X, classifier = frame.to_numpy(float), True
    elif name.startswith("weakbinary"):  # synthetic: a weak logistic signal
        X, y = weak_binary(int(name[len("weakbinary") :]))
        classifier = True
    elif name == "star98":  # 303 school districts: share above the median
        import statsmodels.datasets.star98 as star98

        frame = star98.load_pandas().data
        above, below = frame.pop("NABOVE"), frame.pop("NBELOW")
        y = (above / (above + below)).to_numpy(float)
        X, classifier = frame.to_numpy(float), False
    else:
        import statsmodels.datasets.fair as fair

        frame = fair.load_pandas().data
        y = frame.pop("affairs").to_numpy(float)
        X, classifier = frame.to_numpy(float), False
    rng = np.random.RandomState(seed)
    noise = rng.normal(size=(X.shape[0], 200))
    relevant = np.r_[np.ones(X.shape[1], bool), np.zeros(200, bool)]
    return np.hstack([X, noise]), y, relevant, classifier


def weak_binary(seed):
    """``X, y`` of ``real_data``'s ``"weakbinary<seed>"`` tables (no noise columns).

    Seeds 100 and 101: 840 rows, 7 N(0, 1) columns of logistic weight 0.45
    and an intercept of -1.2 (about 25% positives); seed 102: 600 rows, 5
    columns of weights 0.8, 0.6, 0.45, 0.3 and 0.2, intercept -0.5.
    """
    if seed == 102:
        n_rows, weights, intercept = 600, np.array([0.8, 0.6, 0.45, 0.3, 0.2]), -0.5
    else:
        n_rows, weights, intercept = 840, np.full(7, 0.45), -1.2
    return logistic_columns(np.random.RandomState(seed), n_rows, weights, intercept)


def logistic_columns(rng, n_rows, weights, intercept):
    """``X, y``: N(0, 1) columns and a binary target of logistic ``weights``.

    ``rng`` draws ``X`` first, then one uniform per row for ``y``; the
    development analog (``dev/dev_classification_low.py``) draws its noise
    columns from the same ``rng`` afterwards.
    """
    X = rng.normal(size=(n_rows, len(weights)))
    logit = X @ np.asarray(weights) + intercept
    y = (rng.uniform(size=n_rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def downstream(classifier):
    """The model fitted on the selected columns: standardized logistic or ridge."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = LogisticRegression(max_iter=2000) if classifier else Ridge()
    return make_pipeline(StandardScaler(), model)


def _real_cell(name, selector, fold, seed, args):
    import torch

    torch.set_num_threads(1)
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    X, y, relevant, classifier = real_data(name, seed)
    splitter = (StratifiedKFold if classifier else KFold)(
        5, shuffle=True, random_state=seed
    )
    train, test = list(splitter.split(X, y))[fold]
    row = {"part": "real", "dataset": name, "selector": selector, "seed": fold}
    if selector == "real_only":
        support, seconds = relevant, None
    else:
        scaler = StandardScaler().fit(X[train])
        net = {"max_epochs": 300, **args.net_params} if selector == "rfe" else {}
        fitted, seconds = _select(
            selector,
            scaler.transform(X[train]),
            y[train],
            net,
            seed,
            classifier,
            args.rfe_params,
        )
        support = _support(fitted)
    row.update(_quality(relevant, support))
    model = downstream(classifier)
    if support.sum():
        model.fit(X[train][:, support], y[train])
        row["cv_score"] = round(float(model.score(X[test][:, support], y[test])), 4)
    if seconds is not None:
        row.update(wall_s=seconds[0], cpu_s=seconds[1])
    return row


# ----------------------------------------------------------------------- main
def _cells(args):
    if args.part == "random":
        seeds = args.seeds or list(DRAWS[args.draw])
        return [
            (_cell, ("random", f"{args.setting}-{args.draw}", s, seed, args))
            for seed in seeds
            for s in args.selectors
        ]
    if args.part == "paper":
        return [
            (_cell, ("paper", f, "rfe", seed, args))
            for f in args.formulas
            for seed in (args.seeds or [0, 1, 2])
        ]
    if args.part == "wide":
        return [
            (_cell, ("wide", w, "rfe", seed, args))
            for w in args.widths
            for seed in (args.seeds or [0])
        ]
    selectors = [*args.selectors, "real_only"]
    return [
        (_real_cell, (name, s, fold, 0, args))
        for name in args.tables
        for fold in range(5)
        for s in selectors
    ]


def _int_list(text):
    values = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        values.extend(range(int(lo), int(hi or lo) + 1))
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--part", choices=("random", "paper", "wide", "real"))
    parser.add_argument("--setting", choices=sorted(SETTINGS), default="A")
    parser.add_argument("--draw", choices=sorted(DRAWS), default="dev")
    parser.add_argument("--seeds", type=_int_list, default=None)
    parser.add_argument("--formulas", type=_int_list, default=[11, 12, 13, 14, 15])
    parser.add_argument("--widths", type=_int_list, default=[1005, 10005])
    parser.add_argument(
        "--selectors", type=lambda s: s.split(","), default=list(SELECTORS)
    )
    parser.add_argument(
        "--tables", type=lambda s: s.split(","), default=["wine", "fair"]
    )
    parser.add_argument("--cost", action="store_true", help="time a converged fit")
    parser.add_argument(
        "--net-params",
        type=json.loads,
        default={},
        help="JSON of network parameters for rfe, e.g. '{\"input_penalty\": 0}'",
    )
    parser.add_argument(
        "--rfe-params",
        type=json.loads,
        default={},
        help="JSON of AttributionRFE parameters, e.g. '{\"input_penalty\": 0}'",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True, help="CSV of the rows")
    args = parser.parse_args(argv)
    cells = _cells(args)
    print(f"{len(cells)} cells; command: {' '.join(sys.argv)}", flush=True)
    rows = []
    # Each finished row is appended to OUT.partial.jsonl at once, so that a
    # killed run loses only the cells in flight; the CSV is written at the end.
    partial = args.out + ".partial.jsonl"
    with open(partial, "a") as log:
        for row in Parallel(n_jobs=args.jobs, return_as="generator")(
            delayed(func)(*params) for func, params in cells
        ):
            rows.append(row)
            print(row, flush=True)
            log.write(json.dumps(row) + "\n")
            log.flush()
    columns = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    tmp = args.out + ".tmp"
    with open(tmp, "w", newline="") as handle:
        handle.write(f"# {' '.join(['python', *sys.argv])}\n")
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, args.out)
    os.remove(partial)
    summary(rows)


def summary(rows):
    groups = {}
    for row in rows:
        groups.setdefault(
            (
                row["part"],
                row["dataset"] if row["part"] == "real" else row["part"],
                row["selector"],
            ),
            [],
        ).append(row)
    for (part, dataset, selector), items in sorted(groups.items(), key=str):
        mean = {
            k: np.mean([r[k] for r in items if k in r])
            for k in ("f1", "precision", "recall", "cv_score", "wall_s")
            if any(k in r for r in items)
        }
        text = ", ".join(f"{k} {v:.3f}" for k, v in mean.items())
        print(f"{part:7s} {dataset:8s} {selector:13s} n={len(items):3d}  {text}")


if __name__ == "__main__":
    main()
