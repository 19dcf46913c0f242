"""Time the feature-selection examples that the docs quote a duration for.

``--case``:

getting-started
    The pipeline of ``docs/getting_started.rst`` (``AttributionRFE`` on
    ``make_symbolic("sin(2*a) + b - 0.5*c")`` with 50 noise columns).
readme
    The selection of the README's "In a few lines" (2,000 rows, 30 noise
    columns, a 32 x 32 network).
select
    ``skchaos select`` with its defaults on a CSV of scikit-learn's diabetes
    table (442 rows, 10 columns) with 20 appended N(0, 1) columns, in a
    child process with torch's default threads (its CPU time is the
    child's).
select-boruta
    The same with ``--method boruta`` (``AttributionBoruta``).
select-wide
    ``skchaos select --max-epochs 100`` on a CSV of setting W's development
    seed 0 (8,000 rows, 1,003 columns: a random formula and its noise).

``--threads N`` passes ``--threads N`` to ``skchaos select`` (default: the
command's own, one thread).

Each case runs ``--repeats`` times (in-process cases with one torch
thread), and the script writes the wall and CPU seconds of each run, their
medians, the load average before and after, and what each run selected to a
JSON file.

Usage::

    python benchmarks/time_getting_started.py --repeats 3 \\
        --out benchmarks/results/getting-started.json
    python benchmarks/time_getting_started.py --case select --repeats 3 \\
        --out benchmarks/results/time-select.json
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


def run_getting_started():
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


def run_readme():
    data = make_symbolic(
        "sin(2*a) + b - 0.5*c",
        n_samples=2000,
        n_noise_features=30,
        random_state=0,
        return_X_y=False,
    )
    selector = AttributionRFE(
        MLPRegressor(hidden_layer_sizes=(32, 32), max_epochs=300), random_state=0
    )
    model = make_pipeline(StandardScaler(), selector, Ridge())
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(data.data, data.target)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "selected": selector.get_support(indices=True).tolist(),
    }


def _diabetes_frame():
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True).frame
    noise = np.random.RandomState(0).normal(size=(len(frame), 20))
    for j in range(20):
        frame[f"noise{j}"] = noise[:, j]
    return frame


def _wide_frame():
    """Setting W's development seed 0: 8,000 rows, 1,003 columns."""
    import pandas as pd
    from bench_generalization import random_formula, training_draw

    data = random_formula(0, "W")
    X, y, _ = training_draw(0, "W", data=data)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    return frame.assign(target=y)


def run_select(extra=(), frame=None):
    import subprocess
    import tempfile

    frame = _diabetes_frame() if frame is None else frame
    extra = [*extra, *THREADS]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "diabetes.csv")
        frame.to_csv(path, index=False)
        before = os.times()
        wall = time.perf_counter()
        command = [sys.executable, "-m", "skchaos", "select", path]
        command += ["--target", "target", "--random-state", "0", "--verbose", "0"]
        command += ["--out", os.path.join(tmp, "out.csv"), *extra]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - wall
        after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "stdout": done.stdout}


CASES = {
    "getting-started": run_getting_started,
    "readme": run_readme,
    "select": run_select,
    "select-boruta": lambda: run_select(["--method", "boruta"]),
    "select-wide": lambda: run_select(["--max-epochs", "100"], _wide_frame()),
}

# ``--threads`` of the select cases (empty: the command's default).
THREADS = []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--case", choices=sorted(CASES), default="getting-started")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=None, help="select's --threads (cases select*)"
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.threads is not None:
        THREADS[:] = ["--threads", str(args.threads)]
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    runs, load_before = [], os.getloadavg()
    for _ in range(args.repeats):
        runs.append(CASES[args.case]())
        print(runs[-1], flush=True)
    result = {
        "command": " ".join(["python", *sys.argv]),
        "machine": f"{platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, torch {torch.__version__}, 1 torch thread",
        "load_average_1min": [load_before[0], os.getloadavg()[0]],
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
