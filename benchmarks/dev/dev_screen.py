"""Development probe for issue 21: a shadow-test screen before AttributionRFE.

A prototype by composition, before any change to the library: the screen is
``AttributionBoruta(net, max_iter=k)`` fitted on the training rows, every
column it *rejects* is dropped, and ``AttributionRFE(net)`` eliminates among
the survivors as today. ``rfe`` is today's selector alone. Both use the
network of the setting (``bench_generalization.SETTINGS``), as a user would
hand the same net to both.

Every finished cell appends one JSON row to ``--out`` (default
``benchmarks/results/dev/screen-dev.jsonl``): precision / recall / F1 of the
final selection, the columns the screen dropped (and how many of them were
relevant), and the CPU seconds of the screen and of the elimination (the
screen's figure includes AttributionBoruta's refit on its confirmed columns,
which a built-in screen would not need).

``in<perc>`` (and ``in<perc>p<penalty>``) run ``AttributionRFE(net,
screen=perc)`` of the prototype on branch ``dev/screen-first-network``
(main has no ``screen``); ``step<s>`` runs today's path with ``step=s``.

Usage::

    python benchmarks/dev/dev_screen.py --setting A --seeds 0-9 --variants rfe screen20
"""

import argparse
import os
import sys

import numpy as np
from joblib import Parallel, delayed

# benchmarks/ itself: bench_generalization, _resumable, ...
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_rows  # noqa: E402
from bench_generalization import (  # noqa: E402
    SCALE_NET,
    SETTINGS,
    _int_list,
    _quality,
    timed_fit,
    training_draw,
    wide_formula,
)


def cell(setting, seed, variant):
    import torch

    torch.set_num_threads(1)

    from skchaos.feature_selection import AttributionBoruta, AttributionRFE
    from skchaos.neural import MLPRegressor

    if setting == "F10":  # the paper's formula 10 with 1,000 noise columns
        X, y, relevant = training_draw(seed, None, wide_formula(seed, 1005))
        net = MLPRegressor(random_state=seed, **SCALE_NET)
    else:
        X, y, relevant = training_draw(seed, setting)
        net = MLPRegressor(random_state=seed, **SETTINGS[setting]["net"])
    row = {"setting": setting, "seed": seed, "variant": variant}
    kept = np.arange(X.shape[1])
    if variant.startswith("screen"):
        screen = AttributionBoruta(net, max_iter=int(variant[6:]), random_state=seed)
        row["screen_wall_s"], row["screen_cpu_s"] = timed_fit(screen, X, y)
        kept = np.flatnonzero(screen.ranking_ < 3)  # all but the rejected
        row["screened_out"] = int(X.shape[1] - kept.size)
        row["relevant_screened_out"] = int(relevant.sum() - relevant[kept].sum())
    params = {}
    if variant.startswith("in"):  # the library's screen at this percentile
        perc, _, penalty = variant[2:].partition("p")
        params["screen"] = float(perc)
        if penalty:  # "in50p0": and this input penalty (default "auto")
            params["input_penalty"] = float(penalty)
    if variant.startswith("step"):  # "step0.2": a larger elimination step
        params["step"] = float(variant[4:])
    rfe = AttributionRFE(net, random_state=seed, **params)
    row["rfe_wall_s"], row["rfe_cpu_s"] = timed_fit(rfe, X[:, kept], y)
    if "screen" in rfe.history_:
        screen = rfe.history_["screen"]
        shadows = np.sort(screen["shadow_importances"])
        # Each relevant column's percentile among the shadows of the screen.
        row["relevant_percentiles"] = [
            round(100 * np.searchsorted(shadows, v) / shadows.size, 1)
            for v in screen["importances"][relevant]
        ]
        row["screened_out"] = len(screen["removed"])
        row["relevant_screened_out"] = int(relevant[screen["removed"]].sum())
    row["rounds"] = len(rfe.history_["score"])
    support = np.zeros(X.shape[1], bool)
    support[kept[rfe.support_]] = True
    row.update(_quality(relevant, support))
    row["cpu_s"] = round(row["rfe_cpu_s"] + row.get("screen_cpu_s", 0.0), 1)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", choices=("A", "W", "F10"), default="A")
    parser.add_argument("--seeds", type=_int_list, default=list(range(10)))
    parser.add_argument("--variants", nargs="+", default=["rfe", "screen20"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/results/dev/screen-dev.jsonl")
    args = parser.parse_args(argv)
    cells = [(args.setting, s, v) for s in args.seeds for v in args.variants]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    rows = Parallel(n_jobs=min(args.jobs, 2), return_as="generator_unordered")(
        delayed(cell)(*c) for c in cells
    )
    append_rows(rows, args.out)


if __name__ == "__main__":
    main()
