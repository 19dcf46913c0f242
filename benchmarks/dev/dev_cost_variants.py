"""Development draw: cost against quality of AttributionRFE's round settings.

Dev seeds only (never the held-out draw). For each seed of setting A it fits
``AttributionRFE`` with the library's defaults changed as the JSON argument
says, and prints one JSON line: precision, recall and F1 of the chosen set,
the best F1 of any set along the path (``oracle``: the ranking's ceiling),
CPU seconds, rounds, epochs in all and of the first (converged) round, and
``ratio`` = all epochs / first-round epochs (the cost of the whole fit in
converged trainings, counted in epochs; the first round's epochs are the
``--cost`` reference of ``bench_generalization.py``, and later rounds have
fewer inputs, so this slightly overstates the time ratio).

The JSON keys are ``AttributionRFE`` parameters (``step``, ``patience``,
...), plus three switches of the rounds that are not parameters:
``rtol`` (the relative improvement an early-stopping loss needs, default
1e-4), ``rpat`` (the patience of the warm rounds, default the net's
``n_iter_no_change``) and ``rlr`` (a factor on the learning rate of the warm
rounds). They patch private functions of the installed skchaos.

Usage::

    python benchmarks/dev/dev_cost_variants.py step0.2 A 0,1,2,3,4,5 '{"step": 0.2}'

    python benchmarks/dev/dev_cost_variants.py summary \\
        benchmarks/results/dev/cost-variants.jsonl [0,1,2,3,4,5]

The second form prints the table of ``benchmarks/README.md`` (means over the
seeds of each variant, median ratio), optionally for some seeds only. The
records of the last session are in ``results/dev/cost-variants.jsonl``; they
were made with this code before it was tidied into this file (the same
patches and measurements).
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
from bench_generalization import SETTINGS, random_formula
from dev_selection_variants import quality
from sklearn.model_selection import train_test_split

import skchaos.neural._fine_tune as fine_tune
from skchaos.feature_selection import AttributionRFE
from skchaos.neural import MLPRegressor


def _patch_rounds(rtol=None, rpat=None, rlr=None):
    """Change how warm rounds converge (the first round is left alone)."""
    if rtol is not None:
        fine_tune._IMPROVEMENT_RTOL = rtol
    original = fine_tune.FineTuneMixin._fine_tune

    def patched(self, X, y, **kwargs):
        warm = kwargs.get("X_valid") is not None and not kwargs.get("min_epochs")
        if not warm:
            return original(self, X, y, **kwargs)
        if rpat is not None:
            kwargs["n_iter_no_change"] = rpat
        groups = self.optimizer_.param_groups
        base = [group["lr"] for group in groups]
        for group in groups:
            group["lr"] *= rlr or 1.0
        try:
            return original(self, X, y, **kwargs)
        finally:
            for group, lr in zip(groups, base):
                group["lr"] = lr

    fine_tune.FineTuneMixin._fine_tune = patched


def run(name, setting, seed, params):
    data, net_params = random_formula(seed, setting), SETTINGS[setting]["net"]
    X, _, y, _ = train_test_split(
        data.data, data.target, test_size=0.2, random_state=seed
    )
    wall, cpu = time.time(), time.process_time()
    selector = AttributionRFE(MLPRegressor(**net_params), random_state=seed, **params)
    selector.fit(X, y)
    wall, cpu = time.time() - wall, time.process_time() - cpu
    truth = np.flatnonzero(data.relevant_mask)
    epochs = [e or 0 for e in selector.history_["epochs"]]
    precision, recall, f1 = quality(truth, np.flatnonzero(selector.support_))
    oracle = max(quality(truth, f)[2] for f in selector.history_["features"])
    return {
        "v": name,
        "seed": seed,
        "p": precision,
        "r": recall,
        "f1": f1,
        "k": int(selector.support_.sum()),
        "nrel": len(truth),
        "cpu": round(cpu, 1),
        "wall": round(wall, 1),
        "rounds": len(epochs),
        "epochs": sum(epochs),
        "first": epochs[0],
        "ratio": round(sum(epochs) / epochs[0], 2),
        "oracle": oracle,
    }


def summary(path, seeds=None):
    """Print a Markdown table of the variants in a JSON-lines file."""
    variants = {}
    with open(path) as handle:
        for line in handle:
            row = json.loads(line)
            if seeds is None or row["seed"] in seeds:
                variants.setdefault(row["v"], []).append(row)
    print(
        "| variant | seeds | F1 | precision | ranking ceiling | CPU s | rounds "
        "| epochs / first round (median) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, rows in variants.items():
        mean = {
            k: np.mean([r[k] for r in rows])
            for k in ("f1", "p", "oracle", "cpu", "rounds")
        }
        ratio = np.median([r["ratio"] for r in rows])
        print(
            f"| {name} | {','.join(str(r['seed']) for r in rows)} | {mean['f1']:.3f} "
            f"| {mean['p']:.3f} | {mean['oracle']:.3f} | {mean['cpu']:.0f} "
            f"| {mean['rounds']:.0f} | {ratio:.1f} |"
        )


def main(argv):
    if argv[0] == "summary":
        seeds = [int(s) for s in argv[2].split(",")] if len(argv) > 2 else None
        return summary(argv[1], seeds)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    name, setting, seeds = argv[0], argv[1], [int(s) for s in argv[2].split(",")]
    params = json.loads(argv[3]) if len(argv) > 3 else {}
    _patch_rounds(*(params.pop(key, None) for key in ("rtol", "rpat", "rlr")))
    for seed in seeds:
        print(json.dumps(run(name, setting, seed, params)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
