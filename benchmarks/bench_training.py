"""Training speed: skchaos's MLPRegressor against the reference training loop.

The ChaosMining research code trains its MLP through a torch ``DataLoader``
that collates every sample of every batch, on every epoch. This script times,
in one process and on the same data (formula 10 of the paper's symbolic
benchmark: 9 relevant variables, 100 noise features, 10,000 rows, 8,000 for
training):

(a) the reference loop: ``DataLoader(TensorDataset(X, y), batch_size=8000,
    shuffle=True)``, 3 x 100 GELU MLP, Adam lr 1e-3, MSE;
(b) ``skchaos.neural.MLPRegressor`` with the same model and epochs, full batch;
(c) for scale, a bare torch loop on full-batch tensors (no skorch at all).

All three start from the same initial weights and take turns of
``epochs / chunks`` epochs each (``--chunks``), so that load from other
processes on a shared machine hits them alike; (b) continues with
``warm_start=True`` between turns. It prints the summed wall times, the
speed-up of (b) over (a), the overhead of (b) over (c), and the test MAE of
each (full-batch shuffling does not change the loss, so the MAEs agree). CPU
time (all threads of the process) is printed too: with ``--threads 1`` it
measures the work done, whatever the load from other processes.

Usage::

    python benchmarks/bench_training.py               # 1000 epochs, as the paper
    python benchmarks/bench_training.py --epochs 100 --threads 2 --chunks 1
"""

import argparse
import platform
import time

import numpy as np
import sympy
import torch
from torch import nn

from skchaos.neural import MLP, MLPRegressor
from skchaos.utils import torch_random_context, torch_seed_from_random_state

FORMULA_10 = (
    "0.5*(a-1)/(b**2+1)-0.5*c**3/(d**2+1)+0.5*e**5/(f**2+1)"
    "-0.5*g**7/(h**2+1)+0.5*tan(i)+0.5"
)
N_RELEVANT = 9


def make_data(n_samples=10_000, n_noise=100, noise=0.01, seed=0):
    """Formula 10 of the paper, generated as in the reference code."""
    rng = np.random.RandomState(seed)
    n_features = N_RELEVANT + n_noise
    X = np.clip(rng.normal(size=(n_samples, n_features)) * 0.33, -1, 1)
    symbols = sympy.symbols("a b c d e f g h i")
    f = sympy.lambdify(symbols, sympy.sympify(FORMULA_10), "numpy")
    y = f(*X[:, :N_RELEVANT].T) + noise * rng.normal(size=n_samples)
    X, y = X.astype(np.float32), y.astype(np.float32)
    return X[:8000], y[:8000], X[8000:], y[8000:]


class _TorchLoop:
    """A torch MLP (3 x 100 GELU, Adam lr 1e-3, MSE) with the initial weights of (b)."""

    def __init__(self, X, y, seed):
        with torch_random_context(torch_seed_from_random_state(seed)):
            self.model = MLP(X.shape[1])
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss_fn = nn.MSELoss()
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y[:, None])

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

    def __init__(self, X, y, seed):
        super().__init__(X, y, seed)
        dataset = torch.utils.data.TensorDataset(self.X, self.y)
        self.loader = torch.utils.data.DataLoader(
            dataset, batch_size=8000, shuffle=True
        )

    def train(self, epochs):
        for _ in range(epochs):
            for xb, yb in self.loader:
                self.step(xb, yb)


class BareFullBatch(_TorchLoop):
    """(c) A bare torch loop on full-batch tensors: the floor for (b)."""

    def train(self, epochs):
        for _ in range(epochs):
            self.step(self.X, self.y)


class Skchaos:
    """(b) skchaos's MLPRegressor, full batch (warm-started between chunks)."""

    def __init__(self, X, y, seed):
        self.X, self.y = X, y
        self.reg = MLPRegressor(device="cpu", random_state=seed, warm_start=True)

    def train(self, epochs):
        self.reg.set_params(max_epochs=epochs).fit(self.X, self.y)

    def predict(self, X):
        return self.reg.predict(X)


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
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.epochs % args.chunks:
        parser.error("--epochs must be a multiple of --chunks")

    X_train, y_train, X_test, y_test = make_data(seed=args.seed)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"{platform.processor() or platform.machine()}; formula 10, "
        f"X_train {X_train.shape}, {args.epochs} epochs in {args.chunks} turns"
    )
    runs = {
        "(a) reference DataLoader loop": ReferenceLoop(X_train, y_train, args.seed),
        "(b) skchaos MLPRegressor": Skchaos(X_train, y_train, args.seed),
        "(c) bare torch, full batch": BareFullBatch(X_train, y_train, args.seed),
    }
    seconds = dict.fromkeys(runs, 0.0)
    cpu_seconds = dict.fromkeys(runs, 0.0)
    for _ in range(args.chunks):
        for name, run in runs.items():
            t0, c0 = time.perf_counter(), time.process_time()
            run.train(args.epochs // args.chunks)
            seconds[name] += time.perf_counter() - t0
            cpu_seconds[name] += time.process_time() - c0

    preds = {name: run.predict(X_test) for name, run in runs.items()}
    for name in runs:
        err = np.mean(np.abs(preds[name] - y_test))
        print(
            f"{name:32s} {seconds[name]:8.2f} s wall {cpu_seconds[name]:8.2f} s CPU"
            f"   test MAE {err:.5f}"
        )
    t_ref, t_ours, t_plain = seconds.values()
    c_ref, c_ours, c_plain = cpu_seconds.values()
    pred_ref, pred_ours, pred_plain = preds.values()
    print(
        f"max |(b) - (c)| on the test predictions: "
        f"{np.max(np.abs(pred_ours - pred_plain)):.1e}"
    )
    print(f"speed-up (a) / (b): {t_ref / t_ours:.1f}x wall, {c_ref / c_ours:.1f}x CPU")
    print(
        f"skorch overhead (b) / (c): {t_ours / t_plain:.2f}x wall, "
        f"{c_ours / c_plain:.2f}x CPU"
    )


if __name__ == "__main__":
    main()
