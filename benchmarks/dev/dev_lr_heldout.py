"""Development probe: would held-out loss pick the iterations' learning rate?

The sixteenth round of ``results/dev/boruta-dev.md`` found lr 0.001 better
than 0.003 for AttributionBoruta on a binary analog of modechoice and worse
on setting A. Before building a per-fit choice, this probe asks whether the
held-out loss tells the two apart the right way. For each case (the binary
analog of ``dev_classification_low.py``, seeds 0-2 x folds 0-3; setting A
development seeds 0-9; diabetes and breast cancer folds 0-4) it trains
the benchmark's network (2 x 64 GELU, input dropout 0.3, the iterations'
"auto" input penalty for its lr) on the case's training rows, standardized,
with its real and 200 noise columns and one shadow per column, early
stopping on 25% of them (patience ``--patience``, default 20), at each lr
(with ``--same-penalty``, every lr with the penalty of lr 0.003, so that
the rates differ in step size only); one JSON line per case and lr with the
best early-stopping loss and the epochs. A sketch of the iterations, not
the selector itself.

Usage::

    python benchmarks/dev/dev_lr_heldout.py --out .../lr-heldout-dev.jsonl
"""

import argparse
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402

LRS = (0.003, 0.001)


def cases():
    out = [("binary", s, f) for s in range(3) for f in range(4)]
    out += [("A", s, 0) for s in range(10)]
    out += [(t, 0, f) for t in ("diabetes", "breast") for f in range(5)]
    return out


def data(kind, seed, fold):
    from sklearn.model_selection import StratifiedKFold

    if kind == "binary":
        from dev.dev_classification_low import table

        X, y = table(seed, 0.45)
        train, _ = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))[
            fold
        ]
        return X[train], y[train], True
    if kind == "A":
        from bench_generalization import training_draw

        X, y, _ = training_draw(seed, "A")
        return X, y, False
    from bench_all_relevant import table_fold

    X, y, _, classifier, train, _ = table_fold(kind, fold)
    return X[train], y[train], classifier


def cell(kind, seed, fold, lr, patience=20, same_penalty=False):
    import torch

    torch.set_num_threads(1)
    from sklearn.preprocessing import StandardScaler

    from skchaos.feature_selection._boruta_steps import auto_iteration_penalty
    from skchaos.neural import MLPClassifier, MLPRegressor

    X, y, classifier = data(kind, seed, fold)
    rng = np.random.RandomState(seed * 100 + fold)
    shadows = np.column_stack([rng.permutation(col) for col in X.T])
    X = StandardScaler().fit_transform(np.hstack([X, shadows])).astype(np.float32)
    if not classifier:
        y = ((y - y.mean()) / y.std()).astype(np.float32)
    kind_net = MLPClassifier if classifier else MLPRegressor
    n_fit = int(0.75 * len(X))
    net = kind_net(hidden_layer_sizes=(64, 64), lr=lr, max_epochs=600)
    reference = kind_net(lr=LRS[0]) if same_penalty else net
    penalty = auto_iteration_penalty(reference, X.shape[1], n_fit)
    net.set_params(
        input_penalty=penalty,
        input_dropout=0.3,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=patience,
        random_state=seed * 100 + fold,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(X, y)
    losses = list(net.history_[:, "valid_loss"])
    return {
        "case": kind,
        "seed": seed,
        "fold": fold,
        "lr": lr,
        "patience": patience,
        "same_penalty": same_penalty,
        "best_valid_loss": round(float(min(losses)), 5),
        "first_valid_loss": round(float(losses[0]), 5),
        "epochs": len(losses),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patience", type=int, default=20)
    parser.add_argument(
        "--same-penalty",
        action="store_true",
        help="every lr with the input penalty of the first (0.003)",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rows = Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(cell)(k, s, f, lr, args.patience, args.same_penalty)
        for k, s, f in cases()
        for lr in LRS
    )
    with open(args.out, "a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
            handle.flush()


if __name__ == "__main__":
    main()
