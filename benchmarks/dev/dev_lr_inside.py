"""What a slower learning rate changes inside AttributionBoruta (issue 27, a probe).

Sixteenth round, fifth part (benchmarks/results/dev/boruta-dev.md). On the
binary development analog of ``dev_classification_low.py`` the benchmark's
network finds 1.33 of 7 real columns per fold at lr 0.003 and 3.33 at lr
0.001. This probe fits both and records, per fold: the input penalty the
per-fit choice takes (as a factor of the rule's strength) and its held-out
scores, the iterations' epochs and validation scores, how many iterations
ran, each real column's hit rate against the shadows and its decision,
the columns of the minimal-optimal set confirmed first, and whether the
"no better than a constant" warning fired. ``lr-inside-dev.jsonl`` holds
the rows of the code before the slower-rate fallback (``--lrs 0.003
0.001``), ``lr-inside-fallback-dev.jsonl`` those after it (``--lrs 0.003``;
``iteration_lr`` is the rate the fit took, and ``factor`` is relative to
the rule's strength at the net's own rate).

Usage::

    python benchmarks/dev/dev_lr_inside.py --seeds 0 1 2 --out ...
"""

import argparse
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from _resumable import append_parallel  # noqa: E402
from joblib import delayed  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

N_REAL = 7


def cell(lr, seed, fold, scale, extra):
    import torch

    torch.set_num_threads(1)
    from bench_all_relevant import BORUTA_NET
    from dev_classification_low import table

    import skchaos.feature_selection._boruta as boruta
    from skchaos.feature_selection import AttributionBoruta
    from skchaos.feature_selection._penalty_choice import FACTORS
    from skchaos.neural import MLPClassifier

    captured = {}
    choose = boruta.choose_iteration_training

    def spy(X, y, setup, trainer, reference, *args):
        choice = choose(X, y, setup, trainer, reference, *args)
        captured.update(reference=reference, choice=choice)
        return choice

    class Probe(AttributionBoruta):
        def _iterate(self, *args, **kwargs):
            test, history = super()._iterate(*args, **kwargs)
            self.probe_test_ = test
            return test, history

    X, y = table(seed, scale)
    train, _ = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))[fold]
    net = dict(BORUTA_NET, lr=lr, **extra)
    selector = Probe(MLPClassifier(random_state=fold, **net), random_state=fold)
    boruta.choose_iteration_training = spy
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.process_time()
            selector.fit(X[train], y[train])
            cpu = time.process_time() - start
    finally:
        boruta.choose_iteration_training = choose
    test, history = selector.probe_test_, selector.history_
    trials = np.maximum(test.n_trials[:N_REAL], 1)
    return {
        "lr": lr,
        "extra": extra,
        "seed": seed,
        "fold": fold,
        "real": int(selector.support_[:N_REAL].sum()),
        "noise": int(selector.support_[N_REAL:].sum()),
        "minimal_real": int(selector.support_minimal_[:N_REAL].sum()),
        "factor": round(captured["choice"].penalty / captured["reference"], 4),
        "reference": round(captured["reference"], 3),
        "iteration_lr": selector.iteration_lr_,
        "choice_scores": np.round(captured["choice"].scores.mean(axis=1), 4).tolist(),
        "factors": list(FACTORS),
        "n_iter": int(selector.n_iter_),
        "epochs_median": float(np.median(history["epochs"])),
        "score_median": float(np.round(np.median(history["score"]), 4)),
        "scores_first5": np.round(history["score"][:5], 4).tolist(),
        "hit_rate_real": np.round(test.hit_counts[:N_REAL] / trials, 2).tolist(),
        "decision_real": test.decision[:N_REAL].tolist(),
        "constant_warning": any("no better" in str(w.message) for w in caught),
        "cpu_s": round(cpu, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--folds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--lrs", type=float, nargs="+", default=[0.003, 0.001])
    parser.add_argument("--extra", default="{}", help="JSON: more net parameters")
    parser.add_argument("--scale", type=float, default=0.45)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    extra = json.loads(args.extra)
    cells = [(lr, s, f) for s in args.seeds for f in args.folds for lr in args.lrs]
    append_parallel(
        (delayed(cell)(lr, s, f, args.scale, extra) for lr, s, f in cells),
        args.out,
        args.jobs,
    )


if __name__ == "__main__":
    main()
