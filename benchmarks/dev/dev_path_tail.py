"""Issue 21: the rounds after the path's last acceptable one (dev data only).

Runs ``AttributionRFE`` at its defaults and keeps, per fit, the whole
elimination path (each round's size, score, per-row validation losses,
seconds, epochs) in one ``.npz`` per fit, so that a rule that stops the
path early can be replayed offline on the exact rounds: the rounds before
a stop do not depend on it. Parts: ``A`` (setting A,
``MLPRegressor(max_epochs=300)``, with the CPU of one fit of that net on
the same rows), ``W`` (setting W), ``paper`` (formulas 11-15 with 150
noise columns), ``F10`` (formula 10 with 1,000 noise columns, the scale
network), ``real`` (diabetes and breast cancer with 200 noise columns,
the training rows of fold ``seed`` of 5).

Usage::

    python benchmarks/dev/dev_path_tail.py --part A --seeds 20-49 --dir ...
    python benchmarks/dev/dev_path_tail.py replay DIR

``replay`` prints, per part and rule (stop once ``k`` rounds in a row lie
beyond ``c`` bands of ``tol="auto"`` from the best round so far), the fits
whose selection would change and the median share of a fit's CPU saved
(the rounds' wall seconds of a single-threaded worker over the fit's CPU).
"""

import argparse
import glob
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench_generalization import (  # noqa: E402
    SETTINGS,
    _int_list,
    _quality,
    random_formula,
    real_data,
    training_draw,
    wide_formula,
)
from joblib import Parallel, delayed  # noqa: E402

from skchaos.feature_selection._size_rule import (  # noqa: E402
    TIE_FRACTION,
    smallest_acceptable,
)


def _data(part, seed, key):
    from skchaos.datasets import make_symbolic

    if part == "paper":
        data = make_symbolic(
            key, n_noise_features=150, random_state=seed, return_X_y=False
        )
        X, y, _ = training_draw(seed, "A", data=data)
        return X, y, data.relevant_mask, {}, False
    if part == "F10":
        data = wide_formula(seed, 1005)
        X, y, _ = training_draw(seed, "W", data=data)
        return X, y, data.relevant_mask, SETTINGS["W"]["net"], False
    if part == "real":
        from sklearn.model_selection import KFold, StratifiedKFold

        X, y, relevant, classifier = real_data(key, 0)
        split = (StratifiedKFold if classifier else KFold)(
            5, shuffle=True, random_state=0
        )
        train = list(split.split(X, y))[seed][0]
        return X[train], y[train], relevant, {"max_epochs": 300}, classifier
    data = random_formula(seed, part)
    X, y, _ = training_draw(seed, part, data=data)
    return X, y, data.relevant_mask, SETTINGS[part]["net"], False


def cell(part, seed, key, directory):
    import torch

    torch.set_num_threads(1)
    import skchaos.feature_selection._rfe as rfe
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPClassifier, MLPRegressor

    X, y, relevant, net, classifier = _data(part, seed, key)
    paths, original = [], rfe.elimination_path

    def keep(*args, **kwargs):
        paths.append(original(*args, **kwargs))
        return paths[-1]

    rfe.elimination_path = keep
    Net = MLPClassifier if classifier else MLPRegressor
    # patience=None: the whole path, for the replay of stopping rules.
    selector = AttributionRFE(
        Net(random_state=seed, **net), patience=None, random_state=seed
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cpu = time.process_time()
            selector.fit(X, y)
            cpu = time.process_time() - cpu
            user_cpu = time.process_time()
            Net(random_state=seed, **net).fit(
                X.astype("float32"), y if classifier else y.astype("float32")
            )
            user_cpu = time.process_time() - user_cpu
    finally:
        rfe.elimination_path = original
    path = paths[0]
    name = f"{part}-{seed}-{key}"
    np.savez(
        os.path.join(directory, name + ".npz"),
        n_units=np.asarray(path.n_units),
        score=np.asarray(path.score, float),
        row_losses=np.vstack(path.row_losses),
        baseline=np.asarray(path.baseline),
        time=np.asarray(path.time),
        epochs=np.asarray([e or 0 for e in path.epochs]),
        relevant_in=np.asarray(
            [np.isin(u, np.flatnonzero(relevant)).sum() for u in path.units]
        ),
        noise_in=np.asarray(
            [(~np.isin(u, np.flatnonzero(relevant))).sum() for u in path.units]
        ),
    )
    row = {
        "part": part,
        "seed": seed,
        "key": key,
        "cpu_s": round(cpu, 2),
        "user_fit_cpu_s": round(user_cpu, 2),
        "redone": path.redone,
    }
    row.update(_quality(relevant, selector.support_))
    with open(os.path.join(directory, name + ".json"), "w") as f:
        json.dump(row, f)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--part", choices=("A", "W", "paper", "F10", "real"), required=True
    )
    parser.add_argument("--seeds", type=_int_list, required=True)
    parser.add_argument("--keys", nargs="+", default=[None])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    keys = [int(k) if k and k.isdigit() else k for k in args.keys]
    if args.part == "paper" and keys == [None]:
        keys = [11, 12, 13, 14, 15]
    cells = [
        (s, k)
        for s in args.seeds
        for k in keys
        if not os.path.exists(os.path.join(args.dir, f"{args.part}-{s}-{k}.json"))
    ]
    for row in Parallel(args.jobs, return_as="generator_unordered")(
        delayed(cell)(args.part, s, k, args.dir) for s, k in cells
    ):
        print(json.dumps(row), flush=True)


# ----------------------------------------------------------------- replay
def _bands(score, losses, baseline):
    """Each round's distance from the best round so far, in bands of tol="auto".

    The paired mean difference over its standard error (or the floor of
    ``acceptable_rounds``), as the path sees it after that round.
    """
    floor = TIE_FRACTION * float(np.mean(baseline))
    out = []
    for r in range(len(score)):
        diff = losses[r] - losses[int(np.argmax(score[: r + 1]))]
        se = diff.std(ddof=1) / np.sqrt(diff.size)
        out.append(diff.mean() / max(se, floor))
    return np.asarray(out)


def online_stop(bands, patience, factor):
    """The last round run when ``patience`` rounds in a row lie beyond ``factor``."""
    run = 0
    for r, b in enumerate(bands):
        run = run + 1 if b > factor else 0
        if run >= patience:
            return r
    return len(bands) - 1


def replay(directory, rules):
    """One row per (fit, rule): the selection and the CPU share saved."""
    rows = []
    for name in sorted(glob.glob(os.path.join(directory, "*.npz"))):
        d = np.load(name)
        with open(name[:-4] + ".json") as f:
            meta = json.load(f)
        score, losses, sizes = d["score"], list(d["row_losses"]), d["n_units"]
        full = smallest_acceptable(score, losses, sizes, "auto", d["baseline"])
        bands = _bands(score, d["row_losses"], d["baseline"])
        for patience, factor in rules:
            k = online_stop(bands, patience, factor) + 1
            chosen = smallest_acceptable(
                score[:k], losses[:k], sizes[:k], "auto", d["baseline"]
            )
            saved = float(d["time"][k:].sum())
            rows.append(
                {
                    "part": meta["part"],
                    "seed": meta["seed"],
                    "key": meta["key"],
                    "rule": f"{patience} round(s) beyond {factor} bands",
                    "same": bool(chosen == full),
                    "size": int(sizes[full]),
                    "new_size": int(sizes[chosen]),
                    "new_noise": int(d["noise_in"][chosen]),
                    "before_selected": float(bands[:full].max(initial=-np.inf)),
                    "saved_share": saved / meta["cpu_s"],
                    "ratio": meta["cpu_s"] / meta["user_fit_cpu_s"],
                    "new_ratio": (meta["cpu_s"] - saved) / meta["user_fit_cpu_s"],
                }
            )
    return rows


def summarize(directory):
    import pandas as pd

    rules = [(p, c) for p in (1, 2) for c in (1, 2, 3, 5)]
    d = pd.DataFrame(replay(directory, rules))
    table = d.groupby(["part", "rule"]).agg(
        fits=("same", "size"),
        changed=("same", lambda s: int((~s).sum())),
        saved_median=("saved_share", "median"),
        ratio_median=("ratio", "median"),
        new_ratio_median=("new_ratio", "median"),
    )
    print(table.round(3).to_string())
    first = d.drop_duplicates(["part", "seed", "key"])
    print("\nlargest distance (bands) of a round before the selected one:")
    print(first.groupby("part")["before_selected"].max().round(2).to_string())
    bad = d[~d["same"]]
    if len(bad):
        print("\nchanged selections:")
        print(bad[["part", "seed", "key", "rule", "size", "new_size", "new_noise"]])


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "replay":
        summarize(sys.argv[2])
    else:
        main()
