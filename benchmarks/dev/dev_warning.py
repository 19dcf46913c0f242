"""Does AttributionBoruta's "no better than a constant" warning fire on fits that work?

The binary development analog of ``dev_classification_low.py`` (840 rows, 7
weak logistic columns, 200 noise columns), seeds 0-2 x folds 0-3, the
defaults: one JSON line per fold with the real and noise columns kept, the
iterations run and the messages of the warnings that mention a constant.
Run it with the library to compare on ``PYTHONPATH`` (e.g. a worktree of
the code before)::

    PYTHONPATH=/tmp/old python benchmarks/dev/dev_warning.py > before.jsonl
    python benchmarks/dev/dev_warning.py > after.jsonl
"""

import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

from joblib import Parallel, delayed  # noqa: E402


def cell(seed, fold):
    import torch

    torch.set_num_threads(1)
    from bench_all_relevant import BORUTA_NET
    from dev_classification_low import N_REAL, table
    from sklearn.model_selection import StratifiedKFold

    import skchaos
    from skchaos.feature_selection import AttributionBoruta
    from skchaos.neural import MLPClassifier

    X, y = table(seed, 0.45)
    splits = StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)
    train, _ = list(splits)[fold]
    net = MLPClassifier(random_state=fold, **BORUTA_NET)
    selector = AttributionBoruta(net, random_state=fold)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        selector.fit(X[train], y[train])
    messages = [str(w.message)[:60] for w in caught if "constant" in str(w.message)]
    return {
        "code": skchaos.__file__,
        "seed": seed,
        "fold": fold,
        "real": int(selector.support_[:N_REAL].sum()),
        "noise": int(selector.support_[N_REAL:].sum()),
        "n_iter": selector.n_iter_,
        "constant_warnings": messages,
    }


if __name__ == "__main__":
    cells = [(s, f) for s in (0, 1, 2) for f in (0, 1, 2, 3)]
    for row in Parallel(2)(delayed(cell)(s, f) for s, f in cells):
        print(json.dumps(row))
