"""Run arfs's GrootCV on one fold, in arfs's own environment.

arfs 3.0.0 needs pandas < 3 and setuptools < 81, so it lives in a separate
virtual environment; ``bench_all_relevant.py`` writes the fold's training
rows to an ``.npz`` file and runs this script with that environment's
Python. It prints one JSON line: the support and the CPU seconds of the fit.
"""

import json
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd
from arfs.feature_selection import GrootCV


def main(path):
    data = np.load(path)
    X, y, classes, seed = data["X"], data["y"], int(data["classes"]), int(data["seed"])
    frame = pd.DataFrame(X, columns=[f"c{j}" for j in range(X.shape[1])])
    objective = "rmse" if classes == 0 else ("binary" if classes == 2 else "softmax")
    # GrootCV shuffles its shadows with the global RNG: seed it, in this
    # subprocess only, so that a cell can be rerun.
    np.random.seed(seed)  # noqa: NPY002
    selector = GrootCV(objective=objective, n_jobs=1, silent=True)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu, wall = usage.ru_utime + usage.ru_stime, time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        selector.fit(frame, y)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu
    kept = set(selector.get_feature_names_out())
    support = [name in kept for name in frame.columns]
    out = {"support": support, "cpu_s": cpu, "wall_s": time.perf_counter() - wall}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
