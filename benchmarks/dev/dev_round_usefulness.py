"""Development probe (issue 27): held-out usefulness in every round of the path.

``AttributionBoruta(confirm_minimal=True)`` confirms the units of the
chosen round whose held-out usefulness z is at least 3. Do the relevant
variables it misses on setting A reach z >= 3 in an earlier (larger) round
of the same path, and how high do noise columns go there? Each row is one
fit: the path of ``AttributionRFE`` with AttributionBoruta's development
network (as ``_minimal_units`` runs it), with the usefulness measured in
every round, not only in rounds of at most 30 units.

Usage::

    python benchmarks/dev/dev_round_usefulness.py --seeds 0-12 --jobs 2 --out ...
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np
import torch

torch.set_num_threads(1)


def cell(seed, max_units):
    from bench_all_relevant import BORUTA_NET
    from bench_generalization import training_draw
    from sklearn.utils import check_random_state

    from skchaos.feature_selection import AttributionRFE, _path
    from skchaos.neural import MLPRegressor

    _path.USEFUL_MAX_UNITS = max_units
    X, y, relevant = training_draw(seed, "A")
    rfe = AttributionRFE(
        MLPRegressor(random_state=seed, **BORUTA_NET), random_state=seed
    )
    X, y, setup = rfe._setup(X, y)
    rng = check_random_state(seed)
    path, chosen = rfe._eliminate(X, y, setup, rng, usefulness=True)
    rounds = []
    for units, z, score in zip(path.units, path.usefulness, path.score):
        rounds.append(
            {
                "n": int(len(units)),
                "score": float(score),
                "units": [int(u) for u in units],
                "z": None if z is None else [round(float(v), 2) for v in z],
            }
        )
    return {
        "part": "A",
        "seed": seed,
        "relevant": np.flatnonzero(relevant).tolist(),
        "chosen": int(chosen),
        "rounds": rounds,
    }


if __name__ == "__main__":
    import argparse

    from _resumable import append_parallel
    from bench_generalization import _int_list
    from joblib import delayed

    p = argparse.ArgumentParser()
    p.add_argument("--seeds", type=_int_list, default=list(range(13)))
    p.add_argument("--max-units", type=int, default=1000)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    append_parallel([delayed(cell)(s, a.max_units) for s in a.seeds], a.out, a.jobs)
