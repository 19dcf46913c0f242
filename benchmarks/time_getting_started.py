"""Time the pipeline of ``docs/getting_started.rst`` (feature selection).

Runs the page's code block (the ``AttributionRFE`` pipeline on
``make_symbolic("sin(2*a) + b - 0.5*c")`` with 50 noise columns) ``--repeats``
times in this process, one torch thread, and writes the wall and CPU seconds
of each run, their medians, and what the run selected to a JSON file.

Usage::

    python benchmarks/time_getting_started.py --repeats 3 \\
        --out benchmarks/results/getting-started.json
"""

import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skchaos.datasets import make_symbolic
from skchaos.feature_selection import AttributionRFE
from skchaos.metrics import selection_f1_score
from skchaos.neural import MLPRegressor


def run_once():
    data = make_symbolic(
        "sin(2*a) + b - 0.5*c",
        n_samples=4000,
        n_noise_features=50,
        random_state=0,
        return_X_y=False,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, random_state=0
    )
    pipe = make_pipeline(
        StandardScaler(),
        AttributionRFE(
            MLPRegressor(max_epochs=300, random_state=0),
            attribution="saliency",
            random_state=0,
        ),
        Ridge(),
    )
    wall, cpu = time.perf_counter(), time.process_time()
    pipe.fit(X_train, y_train)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    selector = pipe[1]
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "n_features": int(selector.n_features_),
        "f1": float(selection_f1_score(selector.support_, data.relevant_mask)),
        "test_r2": round(float(pipe.score(X_test, y_test)), 4),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    runs = []
    for _ in range(args.repeats):
        runs.append(run_once())
        print(runs[-1], flush=True)
    result = {
        "command": " ".join(["python", *sys.argv]),
        "machine": f"{platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, torch {torch.__version__}, 1 torch thread",
        "runs": runs,
        "median_wall_s": float(np.median([r["wall_s"] for r in runs])),
        "median_cpu_s": float(np.median([r["cpu_s"] for r in runs])),
    }
    tmp = args.out + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(result, handle, indent=2)
    os.replace(tmp, args.out)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
