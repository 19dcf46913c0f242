"""What a learner can fit of a low-signal formula, with and without the noise.

For each development seed of ``low_signal_formula`` (``bench_generalization.py``):
the selection's training rows (80%), standardized, split 75 / 25 once; the
development network of ``dev_boruta.py`` and the library's default network
(both with early stopping on 10% of their rows), and scikit-learn's
``HistGradientBoostingRegressor`` at its defaults, each trained on the
relevant columns alone and on every column; the held-out R^2 of each, and
the noiseless formula's (the best any learner can reach on those rows).
One JSON row per seed to ``--out``.

Usage::

    python benchmarks/dev/dev_low_signal_fit.py --seeds 0-9 --jobs 2 \\
        --out benchmarks/results/dev/low-signal-fit-dev.jsonl
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
from joblib import Parallel, delayed

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench_generalization import _int_list, low_signal_formula  # noqa: E402

DEV_NET = {"hidden_layer_sizes": (64, 64), "lr": 0.003, "max_epochs": 300}
LEARNERS = {
    "dev_net": {**DEV_NET, "early_stopping": True},
    "default_net": {"max_epochs": 300, "early_stopping": True},
}


def seed_row(seed):
    import torch

    torch.set_num_threads(1)
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.model_selection import train_test_split

    from skchaos.neural import MLPRegressor

    data = low_signal_formula(seed)
    X, _, y, _, clean, _ = train_test_split(
        data.data, data.target, data.target_clean, test_size=0.2, random_state=seed
    )
    X = ((X - X.mean(0)) / X.std(0)).astype(np.float32)
    scale = y.std()
    y, clean = ((y - y.mean()) / scale).astype(np.float32), (clean - y.mean()) / scale
    train, val = train_test_split(np.arange(len(y)), test_size=0.25, random_state=0)
    relevant = np.flatnonzero(data.relevant_mask)

    def r2(prediction):
        residual = np.mean((np.ravel(prediction) - y[val]) ** 2)
        return round(float(1 - residual / np.var(y[val])), 4)

    clean_val = clean[val] - clean[val].mean() + y[val].mean()
    row = {"seed": seed, "n_relevant": len(relevant), "noiseless": r2(clean_val)}
    for columns_name, columns in (
        ("relevant", relevant),
        ("all", np.arange(X.shape[1])),
    ):
        learners = {
            name: MLPRegressor(random_state=0, **params)
            for name, params in LEARNERS.items()
        }
        learners["hgb"] = HistGradientBoostingRegressor(random_state=0)
        for name, model in learners.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X[train][:, columns], y[train])
            row[f"{name}_{columns_name}"] = r2(model.predict(X[val][:, columns]))
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=_int_list, default=list(range(10)))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    rows = Parallel(n_jobs=min(args.jobs, 2), return_as="generator_unordered")(
        delayed(seed_row)(seed) for seed in args.seeds
    )
    for row in rows:
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
