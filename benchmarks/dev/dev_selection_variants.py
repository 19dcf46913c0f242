"""Development draw: AttributionRFE variants on make_random_symbolic seeds.

The harness that chose the defaults of ``AttributionRFE`` (see the
"Generalization" section of ``benchmarks/README.md``); it never runs on the
held-out seeds. For each seed it fits the selector once and scores the set
that three size rules would pick on the same path (the paired and the
unpaired one-standard-error rules, and relative tolerances), plus the best F1
of any set along the path (the ranking's ceiling). One JSON line per fit.

Usage::

    python benchmarks/dev/dev_selection_variants.py 0,2,4 A > dev.jsonl

Variants were switched with environment variables: ``STDX=1`` / ``STDY=1``
standardize X / y before the selector, ``NIT=60`` sets the net's
``n_iter_no_change``, ``PEN=0.3`` the selector's ``input_penalty``. The
``floor*`` rules are the paired rule with a floor on the margin: a loss at
most that fraction of the best constant's loss (the standardized target's
variance, about 1) above the best is acceptable too; the library's
``tol="auto"`` uses ``floor0.0001`` since 2026-12-01. The code under test
is whatever skchaos is installed (the variants of the path itself were
commits of the library).
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
from sklearn.model_selection import train_test_split

import skchaos.feature_selection._rfe as rfe_module
from skchaos.feature_selection import AttributionRFE
from skchaos.feature_selection._size_rule import acceptable_rounds
from skchaos.neural import MLPRegressor

_CAPTURED = {}
_ORIGINAL = rfe_module.smallest_acceptable


def _spy(scores, losses, sizes, tol, baseline=None):
    _CAPTURED["args"] = (list(scores), list(losses), list(sizes))
    _CAPTURED["baseline"] = baseline
    return _ORIGINAL(scores, losses, sizes, tol, baseline)


def quality(truth, got):
    """Precision, recall and F1 of the indices ``got`` against ``truth``."""
    tp = len(set(truth) & set(got))
    if tp == 0:
        return 0.0, 0.0, 0.0
    precision, recall = tp / len(got), tp / len(truth)
    return precision, recall, 2 * precision * recall / (precision + recall)


def _unpaired(scores, losses):
    """The unpaired rule: within one SE of the best round's own losses."""
    losses = np.vstack(losses)
    best = int(np.argmax(scores))
    se = losses[best].std(ddof=1) / np.sqrt(losses.shape[1])
    return losses.mean(axis=1) <= losses[best].mean() + se


def _floored(scores, losses, floor):
    """The paired rule, with ``floor`` (in target variances) as a least margin."""
    losses = np.vstack(losses)
    diff = losses - losses[int(np.argmax(scores))]
    se = diff.std(axis=1, ddof=1) / np.sqrt(losses.shape[1])
    return diff.mean(axis=1) <= np.maximum(se, floor)


def run(seed, setting):
    data = random_formula(seed, setting)
    net_params = SETTINGS[setting]["net"]
    X, y = data.data, data.target
    if os.environ.get("STDX"):
        X = X / X.std(0)
    if os.environ.get("STDY"):
        y = (y - y.mean()) / y.std()
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.2, random_state=seed)
    if os.environ.get("NIT"):
        net_params = {**net_params, "n_iter_no_change": int(os.environ["NIT"])}
    wall, cpu = time.time(), time.process_time()
    params = {}
    if os.environ.get("PEN"):
        params["input_penalty"] = float(os.environ["PEN"])
    selector = AttributionRFE(MLPRegressor(**net_params), random_state=seed, **params)
    selector.fit(X_train, y_train)
    wall, cpu = time.time() - wall, time.process_time() - cpu
    truth = np.flatnonzero(data.relevant_mask)
    out = {
        "seed": seed,
        "formula": str(data.formula_str),
        "wall": wall,
        "cpu": cpu,
        "n_rounds": len(selector.history_["score"]),
        "epochs": int(sum(e or 0 for e in selector.history_["epochs"])),
    }
    scores, losses, sizes = _CAPTURED["args"]
    features = selector.history_["features"]
    sizes = np.asarray(sizes)

    def smallest(mask):
        ok = np.flatnonzero(mask)
        return features[int(ok[np.argmin(sizes[ok])])]

    # "paired": the paired rule without the floor of the library's rule.
    out["paired"] = quality(truth, smallest(acceptable_rounds(scores, losses)))
    out["best"] = quality(truth, smallest(_unpaired(scores, losses)))
    for floor in (1e-4, 1e-3):
        out[f"floor{floor:g}"] = quality(
            truth, smallest(_floored(scores, losses, floor))
        )
    for tol in (0.02, 0.05):
        mask = acceptable_rounds(scores, losses, tol)
        out[f"tol{tol}"] = quality(truth, smallest(mask))
    out["oracle"] = max(quality(truth, f)[2] for f in features)
    return out


def main(argv):
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    rfe_module.smallest_acceptable = _spy
    seeds = [int(s) for s in argv[0].split(",")]
    for seed in seeds:
        print(json.dumps(run(seed, argv[1])), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
