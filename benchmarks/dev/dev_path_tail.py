"""Issue 21: the rounds after the path's last acceptable one (dev data only).

Runs ``AttributionRFE`` at its defaults and keeps, per fit, the whole
elimination path as one JSON line per fit (each round's size, seconds,
epochs, relevant and noise columns, its distance from the best round so
far in bands of ``tol="auto"``, and the round the size rule would select
were the path stopped after it), so that a rule that stops the path early
can be replayed offline on the exact rounds: the rounds before a stop do
not depend on it. The fits run with ``patience=None`` (the whole path).
Parts: ``A`` (setting A,
``MLPRegressor(max_epochs=300)``, with the CPU of one fit of that net on
the same rows), ``W`` (setting W), ``paper`` (formulas 11-15 with 150
noise columns), ``F10`` (formula 10 with 1,000 noise columns, the scale
network), ``real`` (diabetes and breast cancer with 200 noise columns,
the training rows of fold ``seed`` of 5).

Usage::

    python benchmarks/dev/dev_path_tail.py --part A --seeds 20-49 --out ...
    python benchmarks/dev/dev_path_tail.py replay \\
        benchmarks/results/dev/path-tail-dev.jsonl

``replay`` prints, per part and rule (stop once ``k`` rounds in a row lie
beyond ``c`` bands of ``tol="auto"`` from the best round so far), the fits
whose selection would change and the median share of a fit's CPU saved
(the rounds' wall seconds of a single-threaded worker over the fit's CPU).
"""

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_product  # noqa: E402
from bench_generalization import (  # noqa: E402
    SETTINGS,
    _int_list,
    _quality,
    random_formula,
    real_data,
    training_draw,
    wide_formula,
)

from skchaos.feature_selection._size_rule import (  # noqa: E402
    band_distances,
    smallest_acceptable,
)


def part_data(part, seed, key):
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


def fit_with_user_clock(selector, user_net, X, y):
    """Fit ``selector``, then ``user_net`` on the same rows; their CPU seconds.

    ``user_net`` is the network as the user configured it (the unit of
    issue 21's cost target); warnings are silenced.
    """
    classifier = hasattr(user_net, "predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cpu = time.process_time()
        selector.fit(X, y)
        cpu = time.process_time() - cpu
        user = time.process_time()
        user_net.fit(X.astype("float32"), y if classifier else y.astype("float32"))
        user = time.process_time() - user
    return cpu, user


def part_keys(part, keys):
    """The ``--keys`` of a part: ints where numeric, formulas 11-15 for paper."""
    keys = [int(k) if k and k.isdigit() else k for k in keys]
    return [11, 12, 13, 14, 15] if part == "paper" and keys == [None] else keys


def cell(part, seed, key):
    import torch

    torch.set_num_threads(1)
    import skchaos.feature_selection._rfe as rfe
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPClassifier, MLPRegressor

    X, y, relevant, net, classifier = part_data(part, seed, key)
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
        cpu, user_cpu = fit_with_user_clock(
            selector, Net(random_state=seed, **net), X, y
        )
    finally:
        rfe.elimination_path = original
    path = paths[0]
    score, losses, sizes = path.score, path.row_losses, path.n_units
    relevant = np.flatnonzero(relevant)
    row = {
        "part": part,
        "seed": seed,
        "key": key,
        "cpu_s": round(cpu, 2),
        "user_fit_cpu_s": round(user_cpu, 2),
        "redone": path.redone,
    }
    row.update(_quality(np.isin(np.arange(X.shape[1]), relevant), selector.support_))
    row.update(
        n_units=[int(n) for n in sizes],
        bands=np.round(_bands(score, np.vstack(losses), path.baseline), 3).tolist(),
        round_s=np.round(path.time, 3).tolist(),
        epochs=[int(e or 0) for e in path.epochs],
        relevant_in=[int(np.isin(u, relevant).sum()) for u in path.units],
        noise_in=[int((~np.isin(u, relevant)).sum()) for u in path.units],
        # The selected round, were the path stopped after round k.
        chosen_if_stopped_at=[
            smallest_acceptable(
                score[: k + 1], losses[: k + 1], sizes[: k + 1], "auto", path.baseline
            )
            for k in range(len(score))
        ],
    )
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--part", choices=("A", "W", "paper", "F10", "real"), required=True
    )
    parser.add_argument("--seeds", type=_int_list, required=True)
    parser.add_argument("--keys", nargs="+", default=[None])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    keys = part_keys(args.part, args.keys)
    append_product(cell, ([args.part], args.seeds, keys), args.out, args.jobs)


# ----------------------------------------------------------------- replay
def _bands(score, losses, baseline):
    """Each round's distance from the best round so far, in bands of tol="auto".

    :func:`~skchaos.feature_selection._size_rule.band_distances` of the
    rounds up to it, as the path sees it after that round.
    """
    return np.asarray(
        [
            band_distances(score[: r + 1], losses[: r + 1], baseline)[-1]
            for r in range(len(score))
        ]
    )


def online_stop(bands, patience, factor):
    """The last round run when ``patience`` rounds in a row lie beyond ``factor``."""
    run = 0
    for r, b in enumerate(bands):
        run = run + 1 if b > factor else 0
        if run >= patience:
            return r
    return len(bands) - 1


def replay(path, rules):
    """One row per (fit, rule): the selection and the CPU share saved."""
    rows = []
    with open(path) as f:
        fits = [json.loads(line) for line in f]
    for fit in fits:
        sizes, chosen_if = fit["n_units"], fit["chosen_if_stopped_at"]
        full = chosen_if[-1]
        for patience, factor in rules:
            last = online_stop(fit["bands"], patience, factor)
            chosen = chosen_if[last]
            saved = float(sum(fit["round_s"][last + 1 :]))
            rows.append(
                {
                    "part": fit["part"],
                    "seed": fit["seed"],
                    "key": fit["key"],
                    "rule": f"{patience} round(s) beyond {factor} bands",
                    "same": chosen == full,
                    "size": sizes[full],
                    "new_size": sizes[chosen],
                    "new_noise": fit["noise_in"][chosen],
                    "before_selected": max(fit["bands"][:full], default=-np.inf),
                    "saved_share": saved / fit["cpu_s"],
                    "ratio": fit["cpu_s"] / fit["user_fit_cpu_s"],
                    "new_ratio": (fit["cpu_s"] - saved) / fit["user_fit_cpu_s"],
                }
            )
    return rows


def summarize(path):
    import pandas as pd

    rules = [(p, c) for p in (1, 2) for c in (1, 2, 3, 5)]
    d = pd.DataFrame(replay(path, rules))
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
