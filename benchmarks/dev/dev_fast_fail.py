"""Development probe: AttributionRFE fits that end in a few seconds (dev data only).

On the held-out draw of 2026-12-06 (setting A seeds 4000-4029), 4 of 30
fits ended after 5-8 s of CPU (the others 18-38 s), all with relevant
variables lost. This probe looks for the same on development seeds of
setting A and records, per fit: F1, CPU time, rounds and epochs, the first
network's validation score (standardized target: -1 is the constant's),
the best score along the path, and the warnings ``fit`` raised.

Usage::

    python benchmarks/dev/dev_fast_fail.py --seeds 20-49 --jobs 2 \\
        --out benchmarks/results/dev/fast-fail-dev.jsonl
    python benchmarks/dev/dev_fast_fail.py --seeds 28,32,48 \\
        --net-params '{"n_iter_no_change": 60}' --out ...
    python benchmarks/dev/dev_fast_fail.py --seeds 20-49 \\
        --selector-params '{"input_penalty": 0}' --out ...

The rows record the parameters given (``variant``), not the code's
defaults: files of runs before and after a change of default are told
apart by their names and the notes in ``screen-dev.md``.
"""

import argparse
import json
import os
import sys
import time
import warnings

from joblib import delayed

# benchmarks/ itself: bench_generalization, _resumable, ...
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_parallel  # noqa: E402
from bench_generalization import (  # noqa: E402
    SETTINGS,
    _int_list,
    _quality,
    training_draw,
)


def fast_fail_cell(seed, net_params=None, selector_params=None):
    import torch

    torch.set_num_threads(1)
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPRegressor

    X, y, relevant = training_draw(seed, "A")
    params = {**SETTINGS["A"]["net"], **(net_params or {})}
    net = MLPRegressor(random_state=seed, **params)
    selector = AttributionRFE(net, random_state=seed, **(selector_params or {}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cpu = time.process_time()
        selector.fit(X, y)
        cpu = time.process_time() - cpu
    history = selector.history_
    changed = {**(net_params or {}), **(selector_params or {})}
    variant = json.dumps(changed, sort_keys=True) if changed else "defaults"
    row = {"part": "A", "dataset": "A-dev", "seed": seed, "variant": variant}
    row.update(_quality(relevant, selector.support_))
    row.update(
        cpu_s=round(cpu, 1),
        rounds=len(history["score"]),
        epochs=[int(e or 0) for e in history["epochs"]],
        first_score=round(float(history["score"][0]), 4),
        best_score=round(float(max(history["score"])), 4),
        warnings=sorted({type(w.message).__name__ for w in caught}),
        uninformative=any("than a constant" in str(w.message) for w in caught),
    )
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=_int_list, default=list(range(20, 50)))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--net-params", type=json.loads, default=None, help="JSON of net parameters"
    )
    parser.add_argument(
        "--selector-params",
        type=json.loads,
        default=None,
        help="JSON of AttributionRFE parameters",
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    tasks = (
        delayed(fast_fail_cell)(seed, args.net_params, args.selector_params)
        for seed in args.seeds
    )
    append_parallel(tasks, args.out, args.jobs)


if __name__ == "__main__":
    main()
