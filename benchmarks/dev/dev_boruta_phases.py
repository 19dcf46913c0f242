"""Where AttributionBoruta's CPU time goes, phase by phase (issue 27, a probe).

Issue 27 asks for at most twice GrootCV's CPU time per fold; on small
tables (grunfeld, 176 training rows: 3.2x) it is missed. This probe times
each phase of one fit in CPU seconds of the process (one torch thread):
the minimal-optimal path of ``confirm_minimal`` (``minimal``), the per-fit
choice of the iterations' input penalty and rate (``choice``), the
iterations (``iterations``, with their count and median epochs), and the
refit of ``estimator_`` (``refit``); ``other`` is the rest (validation,
attributions outside those, bookkeeping).

Tables (``--tables``): the development tables ``diabetes`` and ``breast``
with 200 noise columns, whole or cut to ``--rows`` rows (drawn once,
seed 0), 80% of them for the fit, the benchmark's network
(``bench_all_relevant.BORUTA_NET``).

Usage::

    python benchmarks/dev/dev_boruta_phases.py --tables diabetes breast \
        --rows 220 --seeds 0 1 --out ...
"""

import argparse
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
from _resumable import append_parallel  # noqa: E402
from joblib import delayed  # noqa: E402


def cell(table, rows, seed, min_share):
    import torch

    torch.set_num_threads(1)
    from bench_all_relevant import BORUTA_NET
    from bench_generalization import real_data

    import skchaos.feature_selection._boruta as boruta
    import skchaos.feature_selection._boruta_steps as steps
    from skchaos.feature_selection import AttributionBoruta
    from skchaos.neural import MLPClassifier, MLPRegressor

    spent = {"minimal": 0.0, "choice": 0.0, "iterations": 0.0, "refit": 0.0}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - start

        return wrapper

    originals = {
        "minimal_useful_units": "minimal",
        "choose_iteration_training": "choice",
        "run_iteration": "iterations",
        "refit_selected": "refit",
    }
    saved = {name: getattr(boruta, name) for name in originals}
    if min_share is not None:  # the iterations' epoch floor, as a share
        steps.ITERATION_MIN_SHARE = min_share
    X, y, _, classifier = real_data(table, 0)
    if rows and rows < len(y):
        keep = np.random.RandomState(0).permutation(len(y))[:rows]
        X, y = X[keep], y[keep]
    fit_rows = np.random.RandomState(seed).permutation(len(y))[: int(0.8 * len(y))]
    kind = MLPClassifier if classifier else MLPRegressor
    net = kind(random_state=seed, **BORUTA_NET)
    selector = AttributionBoruta(net, random_state=seed)
    for name, phase in originals.items():
        setattr(boruta, name, timed(phase, saved[name]))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.process_time()
            selector.fit(X[fit_rows], y[fit_rows])
            total = time.process_time() - start
    finally:
        for name, function in saved.items():
            setattr(boruta, name, function)
    row = {"table": table, "rows": len(fit_rows), "seed": seed}
    row["min_share"] = steps.ITERATION_MIN_SHARE
    row["cpu_s"] = round(total, 2)
    row.update({k: round(v, 2) for k, v in spent.items()})
    row["other"] = round(total - sum(spent.values()), 2)
    row["n_iter"] = int(selector.n_iter_)
    row["epochs_median"] = float(np.median(selector.history_["epochs"]))
    row["iteration_lr"] = selector.iteration_lr_
    row["n_selected"] = int(selector.support_.sum())
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", nargs="+", default=["diabetes", "breast"])
    parser.add_argument("--rows", type=int, default=0, help="0: every row")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument(
        "--min-share",
        type=float,
        default=None,
        help="the iterations' epoch floor as a share of max_epochs "
        "(default: the library's ITERATION_MIN_SHARE)",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    cells = [(t, s) for t in args.tables for s in args.seeds]
    append_parallel(
        (delayed(cell)(t, args.rows, s, args.min_share) for t, s in cells),
        args.out,
        args.jobs,
    )


if __name__ == "__main__":
    main()
