"""Issue 27 probe: a forward test of the columns Boruta left out (dev data only).

AttributionBoruta's misses on setting A are weak variables that no network
of the path or of the iterations uses while the noise is in play
(``results/dev/boruta-dev.md``, fourth and eleventh rounds). This probe
asks each column the selector did not confirm, once the confirmed set
``C`` is known: does adding it to a network that already fits ``C``
lower the loss on rows no network trained on, more than adding a shuffled
copy of it does?

Per fit (setting A development seeds):

1. ``AttributionBoruta`` at its defaults (the development network) gives
   ``C`` (``support_``) and the candidates (every other column).
2. The rows are split 60 / 15 / 25 into fitting, early-stopping and test
   rows; columns and target are standardized on the fitting rows.
3. A base network (the development one) trains on ``C`` plus one column
   of zeros until its early-stopping loss levels off; the zero column's
   input weights are then set to zero, so that filling the column changes
   nothing until training moves them.
4. For each candidate ``j``, two copies of the base network (the same
   weights, optimizer state and seed) fine-tune until their early-stopping
   loss levels off, one with column ``j`` in the placeholder and one with
   a shuffled copy of it (its shadow). Real and shadow start exchangeable:
   both enter at zero weight on the same network.
5. ``z``: the mean over the test rows of (shadow's squared error - real's
   squared error), over its standard error.

Each row holds every candidate's ``z`` with its truth (setting A) so that a
threshold can be read off the null columns before any use.

Usage::

    python benchmarks/dev/dev_forward.py --seeds 0-19 --jobs 2 --out ...
"""

import argparse
import copy
import os
import sys

import numpy as np
from joblib import delayed

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_parallel  # noqa: E402
from bench_generalization import (  # noqa: E402
    _int_list,
    cpu_seconds,
    training_draw,
)

NET = {"hidden_layer_sizes": (64, 64), "lr": 0.003, "max_epochs": 300}
CAP = 3000  # epochs of one training at most


def _split(n, seed):
    perm = np.random.RandomState(seed).permutation(n)
    n_test, n_es = int(0.25 * n), int(0.15 * n)
    return perm[n_test + n_es :], perm[n_test : n_test + n_es], perm[:n_test]


def forward_z(X, y, confirmed, candidates, seed):
    """``z`` of each candidate column (see the module docstring)."""
    from skchaos.neural import MLPRegressor

    fit, es, test = _split(len(y), seed)
    mean, std = X[fit].mean(0), X[fit].std(0)
    Z = ((X - mean) / np.where(std > 0, std, 1)).astype("float32")
    t = ((y - y[fit].mean()) / y[fit].std()).astype("float32")
    base_X = np.hstack([Z[:, confirmed], np.zeros((len(y), 1), "float32")])
    base = MLPRegressor(random_state=seed, **NET)
    base._fit_converged(
        base_X[fit], t[fit], base_X[es], t[es], max_epochs=CAP, seed=seed
    )
    import torch

    with torch.no_grad():
        base.module_.input_layer.weight[:, -1] = 0
    rng = np.random.RandomState(seed + 1)
    out = {}
    for j in candidates:
        losses = []
        for column in (Z[:, j], Z[rng.permutation(len(y)), j]):
            net, Xj = copy.deepcopy(base), base_X.copy()
            Xj[:, -1] = column
            net._fine_tune(
                Xj[fit],
                t[fit],
                epochs=CAP,
                X_valid=Xj[es],
                y_valid=t[es],
                seed=seed,
            )
            losses.append((net.predict(Xj[test]).ravel() - t[test]) ** 2)
        d = losses[1] - losses[0]
        se = d.std(ddof=1) / np.sqrt(len(d))
        out[int(j)] = round(float(d.mean() / se), 3) if se > 0 else 0.0
    base_loss = float(np.mean((base.predict(base_X[test]).ravel() - t[test]) ** 2))
    return out, base_loss


def _boruta(X, y, seed, classifier=False):
    from skchaos.feature_selection import AttributionBoruta
    from skchaos.neural import MLPClassifier, MLPRegressor

    kind = MLPClassifier if classifier else MLPRegressor
    return AttributionBoruta(kind(random_state=seed, **NET), random_state=seed).fit(
        X, y
    )


def formula_cell(seed):
    import torch

    torch.set_num_threads(1)
    X, y, relevant = training_draw(seed, "A")
    cpu = cpu_seconds()
    selector = _boruta(X, y, seed)
    boruta_cpu = cpu_seconds() - cpu
    confirmed = np.flatnonzero(selector.support_)
    candidates = np.flatnonzero(~selector.support_)
    cpu = cpu_seconds()
    z, base_loss = forward_z(X, y, confirmed, candidates, seed)
    return {
        "part": "A",
        "seed": seed,
        "n_relevant": int(relevant.sum()),
        "boruta_real": int(selector.support_[relevant].sum()),
        "boruta_noise": int(selector.support_[~relevant].sum()),
        "base_test_mse": round(base_loss, 5),
        "z_relevant": {str(j): z[j] for j in candidates if relevant[j]},
        "z_noise": [z[j] for j in candidates if not relevant[j]],
        "boruta_cpu_s": round(boruta_cpu, 1),
        "forward_cpu_s": round(cpu_seconds() - cpu, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=_int_list, default=list(range(20)))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    cells = (delayed(formula_cell)(s) for s in args.seeds)
    append_parallel(cells, args.out, args.jobs)


if __name__ == "__main__":
    main()
