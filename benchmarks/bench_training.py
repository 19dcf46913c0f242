"""Training speed: skchaos's MLPRegressor against the reference training loop.

The ChaosMining research code trains its MLP through a torch ``DataLoader``
that collates every sample of every batch, on every epoch. This script times,
in one process and on the same data (formula 14 of the paper's symbolic
benchmark: 9 relevant variables, 100 noise features, 10,000 rows, 8,000 for
training):

(a) the reference loop: ``DataLoader(TensorDataset(X, y), batch_size=8000,
    shuffle=True)``, 3 x 100 GELU MLP, Adam lr 1e-3, MSE;
(b) ``skchaos.neural.MLPRegressor`` with the same model and epochs, full batch;
(c) for scale, a bare torch loop on device tensors (no skorch at all);
(d) (b) with torch's loop implementation of Adam (``optimizer__fused=False``;
    the skchaos nets run the fused one by default where torch has it, (a)
    and (c) run the loop one, as torch does by default on the CPU).

``--batch-size N`` trains every run on shuffled mini-batches of N rows
instead of one full batch (the reference loop's ``DataLoader`` with
``batch_size=N``; the bare loop gathers each batch through a shuffled index,
as skchaos does); 256 is what the selectors' rounds use.

All three start from the same initial weights and take turns of
``epochs / chunks`` epochs each (``--chunks``), so that load from other
processes on a shared machine hits them alike; (b) continues with
``warm_start=True`` between turns. The whole comparison is repeated
``--repeats`` times (default 3, each from fresh weights); the script prints
every repeat, then the **median** wall and CPU times of each run over the
repeats, the speed-ups (a) / (b) and (b) / (c) of those medians (and their
range over the repeats), and the test MAE of each run (full-batch shuffling
does not change the loss, so the MAEs agree). CPU time counts all threads of
the process: with ``--threads 1`` it measures the work done, whatever the
load from other processes. ``--out`` writes one CSV row per repeat and run.

Usage::

    # the figures of benchmarks/README.md (1000 epochs, as the paper; about
    # 3 x 160 s on an idle 2-core CPU)
    python benchmarks/bench_training.py --out benchmarks/results/training-speed.csv
    python benchmarks/bench_training.py --epochs 100 --repeats 1 --chunks 1
    # mini-batches of 256, the selectors' rounds (about 3 x 100 s)
    python benchmarks/bench_training.py --epochs 50 --chunks 5 --batch-size 256 \
        --out benchmarks/results/training-speed-batch256.csv
"""

import argparse
import csv
import datetime
import os
import platform
import statistics
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import sympy
import torch
from torch import nn

from skchaos.neural import MLP, MLPRegressor
from skchaos.utils import torch_random_context, torch_seed_from_random_state

FORMULA_14 = (
    "0.5*(a-1)/(b**2+1)-0.5*c**3/(d**2+1)+0.5*e**5/(f**2+1)"
    "-0.5*g**7/(h**2+1)+0.5*tan(i)+0.5"
)
N_RELEVANT = 9


def make_data(n_samples=10_000, n_noise=100, noise=0.01, seed=0):
    """Formula 14 of the paper, generated as in the reference code."""
    rng = np.random.RandomState(seed)
    n_features = N_RELEVANT + n_noise
    X = np.clip(rng.normal(size=(n_samples, n_features)) * 0.33, -1, 1)
    symbols = sympy.symbols("a b c d e f g h i")
    f = sympy.lambdify(symbols, sympy.sympify(FORMULA_14), "numpy")
    y = f(*X[:, :N_RELEVANT].T) + noise * rng.normal(size=n_samples)
    X, y = X.astype(np.float32), y.astype(np.float32)
    return X[:8000], y[:8000], X[8000:], y[8000:]


class _TorchLoop:
    """A torch MLP (3 x 100 GELU, Adam lr 1e-3, MSE) with the initial weights of (b)."""

    def __init__(self, X, y, seed, batch_size=None):
        with torch_random_context(torch_seed_from_random_state(seed)):
            self.model = MLP(X.shape[1])
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss_fn = nn.MSELoss()
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y[:, None])
        self.batch_size = batch_size or len(X)
        self.generator = torch.Generator().manual_seed(seed)

    def step(self, xb, yb):
        self.optimizer.zero_grad()
        loss = self.loss_fn(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()

    def predict(self, X):
        self.model.eval()
        with torch.no_grad():
            y_pred = self.model(torch.from_numpy(X))[:, 0].numpy()
        self.model.train()
        return y_pred


class ReferenceLoop(_TorchLoop):
    """(a) The research code's loop: per-sample DataLoader collation."""

    def __init__(self, X, y, seed, batch_size=None):
        super().__init__(X, y, seed, batch_size)
        dataset = torch.utils.data.TensorDataset(self.X, self.y)
        self.loader = torch.utils.data.DataLoader(
            dataset, batch_size=self.batch_size, shuffle=True
        )

    def train(self, epochs):
        for _ in range(epochs):
            for xb, yb in self.loader:
                self.step(xb, yb)


class BareFullBatch(_TorchLoop):
    """(c) A bare torch loop on device tensors: the floor for (b)."""

    def train(self, epochs):
        n_rows, size = len(self.X), self.batch_size
        for _ in range(epochs):
            if size >= n_rows:
                self.step(self.X, self.y)
                continue
            order = torch.randperm(n_rows, generator=self.generator)
            for start in range(0, n_rows, size):
                rows = order[start : start + size]
                self.step(self.X[rows], self.y[rows])


class Skchaos:
    """(b) skchaos's MLPRegressor (warm-started between chunks)."""

    params = {}

    def __init__(self, X, y, seed, batch_size=None):
        self.X, self.y = X, y
        self.reg = MLPRegressor(
            device="cpu",
            random_state=seed,
            warm_start=True,
            batch_size=batch_size,
            **self.params,
        )

    def train(self, epochs):
        self.reg.set_params(max_epochs=epochs).fit(self.X, self.y)

    def predict(self, X):
        return self.reg.predict(X)


class SkchaosLoopAdam(Skchaos):
    """(d) (b) with torch's loop implementation of Adam."""

    params = {"optimizer__fused": False}


RUNS = {
    "(a) reference DataLoader loop": ReferenceLoop,
    "(b) skchaos MLPRegressor": Skchaos,
    "(c) bare torch loop": BareFullBatch,
    "(d) (b), Adam fused=False": SkchaosLoopAdam,
}


class Timing(NamedTuple):
    """One run of one repeat."""

    wall: float
    cpu: float
    mae: float
    pred: np.ndarray


def run_once(data, epochs, chunks, seed, batch_size=None):
    """One comparison from fresh weights: ``{run name: Timing}``."""
    X_train, y_train, X_test, y_test = data
    runs = {name: cls(X_train, y_train, seed, batch_size) for name, cls in RUNS.items()}
    seconds = dict.fromkeys(runs, 0.0)
    cpu_seconds = dict.fromkeys(runs, 0.0)
    for _ in range(chunks):
        for name, run in runs.items():
            t0, c0 = time.perf_counter(), time.process_time()
            run.train(epochs // chunks)
            seconds[name] += time.perf_counter() - t0
            cpu_seconds[name] += time.process_time() - c0
    results = {}
    for name, run in runs.items():
        pred = run.predict(X_test)
        mae = float(np.mean(np.abs(pred - y_test)))
        results[name] = Timing(seconds[name], cpu_seconds[name], mae, pred)
    return results


def median(repeats, name, field):
    """The median of one field of one run over the repeats."""
    return statistics.median(getattr(r[name], field) for r in repeats)


def ratio_line(label, repeats, num, den):
    """The ratio num / den of the median wall and CPU times, and its range."""
    wall = median(repeats, num, "wall") / median(repeats, den, "wall")
    cpu = median(repeats, num, "cpu") / median(repeats, den, "cpu")
    per_repeat = [r[num].wall / r[den].wall for r in repeats]
    return (
        f"{label}: {wall:.2f}x wall, {cpu:.2f}x CPU (ratio of the medians; per "
        f"repeat {min(per_repeat):.2f}x to {max(per_repeat):.2f}x wall)"
    )


def write_csv(path, repeats, args, threads, machine):
    """One row per repeat and run, with the setting."""
    setting = {
        "date": datetime.date.today().isoformat(),
        "epochs": args.epochs,
        "chunks": args.chunks,
        "threads": threads,
        "seed": args.seed,
        "batch_size": args.batch_size,
        "torch": torch.__version__,
        "machine": machine,
    }
    rows = [
        {
            "repeat": index,
            "run": name,
            "wall_s": round(timing.wall, 3),
            "cpu_s": round(timing.cpu, 3),
            "test_mae": round(timing.mae, 6),
            **setting,
        }
        for index, results in enumerate(repeats)
        for name, timing in results.items()
    ]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    parser.add_argument(
        "--chunks",
        type=int,
        default=10,
        help="run the three trainings in turns of epochs/chunks epochs, so that "
        "they share any load from other processes alike (1: one after another)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="repeat the whole comparison this many times and report medians",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="shuffled mini-batches of this many rows (default: one full batch)",
    )
    parser.add_argument(
        "--out", default=None, help="write one CSV row per repeat and run here"
    )
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.epochs % args.chunks:
        parser.error("--epochs must be a multiple of --chunks")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    data = make_data(seed=args.seed)
    threads = torch.get_num_threads()
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    print(
        f"torch {torch.__version__}, {threads} threads, {machine}; formula 14, "
        f"X_train {data[0].shape}, {args.epochs} epochs in {args.chunks} turns, "
        f"{args.repeats} repeats",
        flush=True,
    )
    repeats = []
    for index in range(args.repeats):
        results = run_once(data, args.epochs, args.chunks, args.seed, args.batch_size)
        repeats.append(results)
        for name, timing in results.items():
            print(
                f"repeat {index}: {name:32s} {timing.wall:8.2f} s wall "
                f"{timing.cpu:8.2f} s CPU   test MAE {timing.mae:.5f}",
                flush=True,
            )
    print(f"\nmedians over {args.repeats} repeats:")
    for name in RUNS:
        print(
            f"{name:32s} {median(repeats, name, 'wall'):8.2f} s wall "
            f"{median(repeats, name, 'cpu'):8.2f} s CPU   "
            f"test MAE {median(repeats, name, 'mae'):.5f}"
        )
    a, b, c, d = RUNS
    last = repeats[-1]
    # (d) and (c): the same initial weights and the same Adam; on full
    # batches the same updates (mini-batches are shuffled differently).
    print(
        "max |(d) - (c)| on the test predictions: "
        f"{np.max(np.abs(last[d].pred - last[c].pred)):.1e}"
    )
    print(ratio_line("speed-up (a) / (b)", repeats, a, b))
    print(ratio_line("skorch overhead (b) / (c)", repeats, b, c))
    print(ratio_line("fused Adam (d) / (b)", repeats, d, b))
    if args.out:
        write_csv(args.out, repeats, args, threads, machine)
        print(f"rows written to {args.out}")


if __name__ == "__main__":
    main()
