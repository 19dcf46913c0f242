"""Development probe: the input penalty with 10,000 noise columns.

One ``AttributionRFE`` fit on a development formula of
:func:`skchaos.datasets.make_random_symbolic` (5 relevant variables, 10,000
shuffled noise columns, 10,000 rows of which 8,000 go to the selector), with
the scale benchmark's network and the given ``input_penalty``; prints one
JSON line (relevant variables kept, the first network's validation score,
CPU and wall seconds). It chose the growth of ``input_penalty="auto"``
beyond 1,100 features; it never runs on held-out seeds.

Usage::

    python benchmarks/dev/dev_wide_penalty.py SEED PENALTY   # PENALTY: auto or a float

About 5 minutes of CPU and 6 GB of memory per fit.
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
from sklearn.model_selection import train_test_split

from skchaos.datasets import make_random_symbolic
from skchaos.feature_selection import AttributionRFE
from skchaos.neural import MLPRegressor


def main(argv):
    torch.set_num_threads(1)
    seed, penalty = int(argv[0]), argv[1]
    penalty = penalty if penalty == "auto" else float(penalty)
    data = make_random_symbolic(
        n_relevant=5,
        n_samples=10000,
        n_noise_features=10000,
        shuffle_features=True,
        random_state=seed,
        return_X_y=False,
    )
    X, _, y, _ = train_test_split(
        data.data, data.target, test_size=0.2, random_state=seed
    )
    cpu, wall = time.process_time(), time.time()
    warnings.simplefilter("ignore")
    net = MLPRegressor(batch_size=256, lr=2e-3, max_epochs=100)
    selector = AttributionRFE(net, input_penalty=penalty, random_state=seed)
    selector.fit(X, y)
    relevant = np.flatnonzero(data.relevant_mask)
    got = selector.get_support(indices=True)
    record = {
        "seed": seed,
        "penalty": penalty,
        "formula": str(data.formula_str),
        "n_selected": len(got),
        "relevant_kept": len(set(relevant) & set(got)),
        "n_relevant": len(relevant),
        "first_score": selector.history_["score"][0],
        "cpu": round(time.process_time() - cpu, 1),
        "wall": round(time.time() - wall, 1),
    }
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
