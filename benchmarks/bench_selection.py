"""Feature selection on the ChaosMining symbolic data: quality, speed, scale.

The setup of the paper's RFE experiment, with the defaults of the symbolic
benchmark: a paper formula, 100 noise features, label noise 0.01, 10,000 rows
(8,000 to select and train on, 2,000 to test). Every selector sees only the
8,000 training rows (the paper-style loop excepted, see below) and is scored
by the precision, recall and F1 of its selected set against the formula's
relevant variables, and by the test MAE of the model it ends with.

Parts (``--part``):

quality
    The selectors (``--selectors``) on ``--formulas`` x ``--seeds``:

    - ``rfe_saliency``, ``rfe_ig``, ``rfe_deeplift``, ``rfe_ablation``:
      :class:`skchaos.feature_selection.AttributionRFE` with its defaults and
      saliency, integrated gradients, DeepLift or feature ablation, on the
      paper's network (3 x 100 GELU) trained with Adam (lr 2e-3, batches of
      256, 100 epochs); not told the number of relevant features;
    - ``rfe_cold``: ``rfe_saliency`` retraining from scratch each round;
    - ``paper_loop``: the research code's loop, written out here: the paper's
      training (full batch, lr 1e-3, 1000 epochs) from scratch each round,
      mean |saliency| on the held-out split, 20% dropped per round, stop when
      the held-out MAE rises. Its held-out split is the test split, as in the
      research code, so its MAE is optimistic;
    - ``rfecv_linear``, ``rfecv_tree``, ``rfecv_forest``: scikit-learn's RFECV
      (5-fold, step 0.1, neg MSE) with LinearRegression, DecisionTreeRegressor
      and a RandomForestRegressor (50 trees, 3 folds, step 0.2: it is slow);
    - ``sfm_forest``: SelectFromModel(RandomForestRegressor(100 trees)), mean
      importance threshold; MAE of a forest refitted on the selection;
    - ``perm_threshold``: permutation importance (10 repeats) of the same
      network on a 20% validation split; features whose mean importance is
      more than 2 standard deviations above 0; MAE of the network refitted.

speed
    Formula 10: AttributionRFE(saliency) with warm starts, the same with
    cold restarts, and the paper-style loop, whose training is timed both on
    full-batch tensors (all rounds) and as the research code trains (a
    per-sample DataLoader, 1000 epochs; timed for ``--paper-rounds`` rounds
    and extrapolated to the number of rounds of the loop).

scale
    Time and peak memory (max RSS of a fresh process) of AttributionRFE
    (saliency) against the number of noise features (``--noise-grid``) and
    of samples (``--samples-grid``), formula 10.

Usage::

    python benchmarks/bench_selection.py --part quality --formulas 11-15 \\
        --seeds 0 --selectors rfe_saliency,rfecv_linear,rfecv_tree
    python benchmarks/bench_selection.py --part speed --paper-rounds 2
    python benchmarks/bench_selection.py --part scale --noise-grid 100,1000
    python benchmarks/bench_selection.py --quick        # a smoke run, minutes

Each part prints plain tables and a markdown block (``--json`` also saves the
raw rows). Timings depend on the machine and its load: compare ratios taken
in one run.
"""

import argparse
import json
import multiprocessing
import platform
import resource
import sys
import time

import numpy as np
import torch
from sklearn.ensemble import RandomForestRegressor
from sklearn.feature_selection import RFECV, SelectFromModel
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor

from skchaos.attribution import attribute
from skchaos.datasets import make_symbolic
from skchaos.feature_selection import AttributionRFE, RoundTraining
from skchaos.metrics import (
    selection_f1_score,
    selection_precision_score,
    selection_recall_score,
)
from skchaos.neural import MLP, MLPRegressor
from skchaos.utils import torch_random_context

ALL_SELECTORS = (
    "rfe_saliency",
    "rfe_ig",
    "rfe_deeplift",
    "rfe_ablation",
    "rfe_cold",
    "paper_loop",
    "rfecv_linear",
    "rfecv_tree",
    "rfecv_forest",
    "sfm_forest",
    "perm_threshold",
)
ATTRIBUTIONS = {
    "rfe_saliency": "saliency",
    "rfe_ig": "integrated_gradients",
    "rfe_deeplift": "deeplift",
    "rfe_ablation": "feature_ablation",
    "rfe_cold": "saliency",
}


# ----------------------------------------------------------------------- data
def load(formula, seed, n_samples, n_noise):
    data = make_symbolic(
        formula,
        n_samples=n_samples,
        n_noise_features=n_noise,
        noise=0.01,
        random_state=seed,
        return_X_y=False,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.2, random_state=seed
    )
    return X_train, X_test, y_train, y_test, data.relevant_mask


def make_net(config, seed):
    """The network AttributionRFE trains (the paper's 3 x 100 GELU MLP)."""
    return MLPRegressor(
        batch_size=config["batch_size"],
        lr=config["lr"],
        max_epochs=config["epochs"],
        random_state=seed,
    )


def paper_net(config, seed):
    """The paper's training: full batch, Adam lr 1e-3, 1000 epochs."""
    return MLPRegressor(max_epochs=config["paper_epochs"], random_state=seed)


# ------------------------------------------------------------------ selectors
def paper_loop(X_train, y_train, X_held, y_held, config, seed, train=None):
    """The research code's elimination loop.

    Each round trains a new network on the features left (``train`` trains
    it; default: the paper's recipe on full-batch tensors), measures the
    held-out MAE, stops if it rose, else drops the 20% of the features with
    the lowest mean |saliency| on the held-out rows. Returns the kept
    features, the network trained on them, and the number of rounds.
    """
    train = train or (lambda X, y: paper_net(config, seed).fit(X, y))
    features = np.arange(X_train.shape[1])
    best = None
    n_rounds = 0
    while True:
        model = train(X_train[:, features], y_train)
        n_rounds += 1
        mae = np.mean(np.abs(model.predict(X_held[:, features]) - y_held))
        if best is not None and mae > best[0]:
            break
        best = (mae, features, model)
        if len(features) == 1:
            break
        importance = np.abs(attribute(model, X_held[:, features])).mean(axis=0)
        n_drop = max(1, int(0.2 * len(features)))
        features = np.sort(features[np.argsort(importance)[n_drop:]])
    return best[1], best[2], n_rounds


def run_selector(name, X_train, y_train, X_test, y_test, config, seed):
    """Fit one selector; return (support mask, fitted model on the support).

    For AttributionRFE the model also carries the selector as ``selector_``.
    """
    n_features = X_train.shape[1]
    if name in ATTRIBUTIONS:
        selector = AttributionRFE(
            make_net(config, seed),
            attribution=ATTRIBUTIONS[name],
            round_training=RoundTraining(warm_start=name != "rfe_cold"),
            random_state=seed,
        ).fit(X_train, y_train)
        selector.estimator_.selector_ = selector
        return selector.support_, selector.estimator_
    if name == "paper_loop":
        features, model, _ = paper_loop(X_train, y_train, X_test, y_test, config, seed)
        return np.isin(np.arange(n_features), features), model
    if name.startswith("rfecv_"):
        estimator, params = {
            "rfecv_linear": (LinearRegression(), {"step": 0.1, "cv": 5}),
            "rfecv_tree": (
                DecisionTreeRegressor(random_state=seed),
                {"step": 0.1, "cv": 5},
            ),
            "rfecv_forest": (
                RandomForestRegressor(
                    n_estimators=50, min_samples_leaf=3, random_state=seed
                ),
                {"step": 0.2, "cv": 3},
            ),
        }[name]
        selector = RFECV(estimator, scoring="neg_mean_squared_error", **params)
        selector.fit(X_train, y_train)
        return selector.support_, selector.estimator_
    if name == "sfm_forest":
        forest = RandomForestRegressor(n_estimators=100, random_state=seed)
        support = SelectFromModel(forest).fit(X_train, y_train).get_support()
        model = RandomForestRegressor(n_estimators=100, random_state=seed)
        return support, model.fit(X_train[:, support], y_train)
    if name == "perm_threshold":
        X_fit, X_val, y_fit, y_val = train_test_split(
            X_train, y_train, test_size=0.2, random_state=seed
        )
        net = make_net(config, seed).fit(X_fit, y_fit)
        result = permutation_importance(
            net,
            X_val,
            y_val,
            scoring="neg_mean_squared_error",
            n_repeats=10,
            random_state=seed,
        )
        support = result.importances_mean > 2 * result.importances_std
        support &= result.importances_mean > 0
        if not support.any():
            support[np.argmax(result.importances_mean)] = True
        return support, make_net(config, seed).fit(X_train[:, support], y_train)
    raise ValueError(f"unknown selector {name!r}; expected one of {ALL_SELECTORS}")


# --------------------------------------------------------------------- report
def markdown(rows, columns):
    head = "| " + " | ".join(columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def plain(rows, columns):
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines += [
        "  ".join(str(r[c]).ljust(w) for c, w in zip(columns, widths)) for r in rows
    ]
    return "\n".join(lines)


def show(title, rows, columns):
    print(f"\n== {title} ==")
    print(plain(rows, columns))
    print("\nmarkdown:\n")
    print(markdown(rows, columns))
    sys.stdout.flush()


# ---------------------------------------------------------------------- parts
def part_quality(args, config):
    records = []
    for formula in args.formulas:
        for seed in args.seeds:
            X_train, X_test, y_train, y_test, relevant = load(
                formula, seed, config["n_samples"], config["n_noise"]
            )
            for name in args.selectors:
                tic = time.perf_counter()
                support, model = run_selector(
                    name, X_train, y_train, X_test, y_test, config, seed
                )
                seconds = time.perf_counter() - tic
                mae = np.mean(np.abs(model.predict(X_test[:, support]) - y_test))
                record = {
                    "selector": name,
                    "formula": formula,
                    "seed": seed,
                    "n_selected": int(support.sum()),
                    "n_relevant": int(relevant.sum()),
                    "precision": selection_precision_score(support, relevant),
                    "recall": selection_recall_score(support, relevant),
                    "f1": selection_f1_score(support, relevant),
                    "mae": float(mae),
                    "seconds": seconds,
                }
                if hasattr(model, "selector_"):
                    history = model.selector_.history_
                    record["path"] = [
                        (n, int(relevant[kept].sum()), score)
                        for n, kept, score in zip(
                            history["n_features"], history["features"], history["score"]
                        )
                    ]
                records.append(record)
                print(
                    f"formula {formula:2d} seed {seed} {name:15s} "
                    f"selected {record['n_selected']:3d} "
                    f"(relevant {record['n_relevant']}) P {record['precision']:.2f} "
                    f"R {record['recall']:.2f} F1 {record['f1']:.2f} "
                    f"MAE {mae:.4f} {seconds:7.1f} s",
                    flush=True,
                )
    summary = []
    for name in args.selectors:
        mine = [r for r in records if r["selector"] == name]
        per_formula = {
            f: np.mean([r["f1"] for r in mine if r["formula"] == f])
            for f in args.formulas
        }
        summary.append(
            {
                "selector": name,
                "precision": f"{np.mean([r['precision'] for r in mine]):.3f}",
                "recall": f"{np.mean([r['recall'] for r in mine]):.3f}",
                "F1": f"{np.mean([r['f1'] for r in mine]):.3f}",
                "test MAE": f"{np.mean([r['mae'] for r in mine]):.4f}",
                "seconds": f"{np.mean([r['seconds'] for r in mine]):.0f}",
                **{f"F1 f{f}": f"{v:.2f}" for f, v in per_formula.items()},
            }
        )
    columns = ["selector", "precision", "recall", "F1", "test MAE", "seconds"]
    columns += [f"F1 f{f}" for f in args.formulas]
    show(
        f"quality: formulas {args.formulas}, seeds {args.seeds}, "
        f"{config['n_noise']} noise features, {config['n_samples']} rows",
        summary,
        columns,
    )
    return records


class _DataLoaderNet:
    """The research code's training: a per-sample DataLoader, Adam, MSE."""

    def __init__(self, n_features, seed):
        with torch_random_context(seed):
            self.module = MLP(n_features)

    def fit(self, X, y, epochs):
        X_t = torch.as_tensor(X, dtype=torch.float32)
        y_t = torch.as_tensor(y, dtype=torch.float32)[:, None]
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(X_t, y_t), batch_size=len(X), shuffle=True
        )
        optimizer = torch.optim.Adam(self.module.parameters(), lr=1e-3)
        loss_fn = torch.nn.MSELoss()
        for _ in range(epochs):
            for xb, yb in loader:
                optimizer.zero_grad()
                loss_fn(self.module(xb), yb).backward()
                optimizer.step()
        return self


class _Clock:
    """Wall and CPU seconds of a block (CPU time is less sensitive to load)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def part_speed(args, config):
    formula, seed = 10, args.seeds[0]
    X_train, X_test, y_train, y_test, relevant = load(
        formula, seed, config["n_samples"], config["n_noise"]
    )
    rows, clocks = [], {}

    def row(key, name, clock, support, model, note=""):
        mae = np.mean(np.abs(model.predict(X_test[:, support]) - y_test))
        clocks[key] = clock
        rows.append(
            {
                "method": name,
                "wall s": f"{clock.wall:.0f}",
                "CPU s": f"{clock.cpu:.0f}",
                "n_selected": int(support.sum()),
                "F1": f"{selection_f1_score(support, relevant):.2f}",
                "test MAE": f"{mae:.4f}",
                "note": note,
            }
        )
        print(rows[-1], flush=True)

    methods = [("rfe_saliency", "AttributionRFE, warm start")]
    if not args.no_cold:
        methods.append(("rfe_cold", "AttributionRFE, cold restarts"))
    for name, label in methods:
        with _Clock() as clock:
            support, model = run_selector(
                name, X_train, y_train, X_test, y_test, config, seed
            )
        rounds = len(model.selector_.history_["score"])
        row(name, label, clock, support, model, f"{rounds} rounds")

    if args.paper_loop_rounds:
        # The full-batch loop was run before: reuse its number of rounds.
        n_rounds = args.paper_loop_rounds
        rows.append(
            {
                "method": "paper loop (not run, see --paper-loop-rounds)",
                "wall s": "-",
                "CPU s": "-",
                "n_selected": "-",
                "F1": "-",
                "test MAE": "-",
                "note": f"{n_rounds} rounds",
            }
        )
    else:
        with _Clock() as clock:
            features, model, n_rounds = paper_loop(
                X_train, y_train, X_test, y_test, config, seed
            )
        support = np.isin(np.arange(X_train.shape[1]), features)
        row(
            "paper_fast",
            "paper loop, full-batch tensors",
            clock,
            support,
            model,
            f"{n_rounds} rounds of {config['paper_epochs']} epochs",
        )

    # The research code's training, for the first rounds of the same loop.
    widths = [X_train.shape[1]]
    while len(widths) < min(args.paper_rounds, n_rounds):
        widths.append(widths[-1] - max(1, int(0.2 * widths[-1])))
    walls, cpus = [], []
    for width in widths:
        with _Clock() as clock:
            _DataLoaderNet(width, seed).fit(
                X_train[:, :width], y_train, config["paper_epochs"]
            )
        walls.append(clock.wall)
        cpus.append(clock.cpu)
        print(
            f"DataLoader round, {width} features: {clock.wall:.0f} s wall, "
            f"{clock.cpu:.0f} s CPU",
            flush=True,
        )
    estimate = _Clock()
    estimate.wall, estimate.cpu = np.mean(walls) * n_rounds, np.mean(cpus) * n_rounds
    clocks["paper_dataloader"] = estimate
    rows.append(
        {
            **rows[-1],
            "method": "paper loop, research training (DataLoader)",
            "wall s": f"~{estimate.wall:.0f}",
            "CPU s": f"~{estimate.cpu:.0f}",
            "note": f"{len(walls)} of {n_rounds} rounds timed "
            f"({np.mean(walls):.0f} s wall each), extrapolated",
        }
    )
    show(
        f"speed: formula {formula}, seed {seed}, {config['n_noise']} noise "
        f"features, {config['n_samples']} rows",
        rows,
        ["method", "wall s", "CPU s", "n_selected", "F1", "test MAE", "note"],
    )
    warm = clocks["rfe_saliency"]
    print("\nspeed-up of AttributionRFE (warm start), wall / CPU:")
    for key, label in [
        ("paper_dataloader", "paper loop, research training"),
        ("paper_fast", "paper loop, full-batch tensors"),
        ("rfe_cold", "AttributionRFE, cold restarts"),
    ]:
        if key in clocks:
            other = clocks[key]
            print(
                f"  vs {label}: {other.wall / warm.wall:.1f}x / "
                f"{other.cpu / warm.cpu:.1f}x"
            )
    return rows


def _scale_worker(queue, n_samples, n_noise, config, threads):
    torch.set_num_threads(threads)
    X, y = make_symbolic(
        10, n_samples=n_samples, n_noise_features=n_noise, random_state=0
    )
    tic = time.perf_counter()
    selector = AttributionRFE(make_net(config, 0), random_state=0).fit(X, y)
    seconds = time.perf_counter() - tic
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        (seconds, peak_mb, int(selector.n_features_), len(selector.history_["score"]))
    )


def part_scale(args, config):
    rows = []
    grid = [(config["n_samples"], n) for n in args.noise_grid]
    grid += [
        (n, config["n_noise"]) for n in args.samples_grid if n != config["n_samples"]
    ]
    context = multiprocessing.get_context("spawn")
    for n_samples, n_noise in grid:
        queue = context.Queue()
        process = context.Process(
            target=_scale_worker,
            args=(queue, n_samples, n_noise, config, torch.get_num_threads()),
        )
        process.start()
        seconds, peak_mb, n_selected, n_rounds = queue.get()
        process.join()
        rows.append(
            {
                "rows": n_samples,
                "features": n_noise + 5,
                "seconds": f"{seconds:.0f}",
                "peak RSS (MB)": f"{peak_mb:.0f}",
                "rounds": n_rounds,
                "selected": n_selected,
            }
        )
        print(rows[-1], flush=True)
    show(
        "scale: AttributionRFE(saliency), formula 10",
        rows,
        ["rows", "features", "seconds", "peak RSS (MB)", "rounds", "selected"],
    )
    return rows


# ----------------------------------------------------------------------- main
def _int_list(text):
    values = []
    for part in text.split(","):
        if "-" in part:
            start, stop = part.split("-")
            values.extend(range(int(start), int(stop) + 1))
        else:
            values.append(int(part))
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--part", choices=["quality", "speed", "scale"], default="quality"
    )
    parser.add_argument("--formulas", type=_int_list, default=list(range(1, 16)))
    parser.add_argument("--seeds", type=_int_list, default=[0, 1, 2])
    parser.add_argument(
        "--selectors",
        type=lambda text: text.split(","),
        default=list(ALL_SELECTORS),
        help=f"comma-separated, among {', '.join(ALL_SELECTORS)}",
    )
    parser.add_argument("--n-samples", type=int, default=10_000)
    parser.add_argument("--n-noise", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=100, help="AttributionRFE net")
    parser.add_argument("--paper-epochs", type=int, default=1000)
    parser.add_argument(
        "--paper-rounds",
        type=int,
        default=1,
        help="speed: rounds of the paper loop timed with the research training",
    )
    parser.add_argument(
        "--no-cold", action="store_true", help="speed: skip the cold-restart run"
    )
    parser.add_argument(
        "--paper-loop-rounds",
        type=int,
        default=0,
        help="speed: skip the full-batch paper loop and extrapolate the research "
        "training to this many rounds (from an earlier run)",
    )
    parser.add_argument("--noise-grid", type=_int_list, default=[100, 1000, 10000])
    parser.add_argument("--samples-grid", type=_int_list, default=[10_000, 100_000])
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 2,000 rows, 20 noise features, short training, "
        "formulas 7 and 10, one seed",
    )
    parser.add_argument("--json", help="save the raw results to this file")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.selectors) - set(ALL_SELECTORS))
    if unknown:
        parser.error(f"unknown selectors {unknown}; expected some of {ALL_SELECTORS}")
    torch.set_num_threads(args.threads)
    config = {
        "n_samples": args.n_samples,
        "n_noise": args.n_noise,
        "batch_size": 256,
        "lr": 2e-3,
        "epochs": args.epochs,
        "paper_epochs": args.paper_epochs,
    }
    if args.quick:
        config.update(n_samples=2000, n_noise=20, epochs=30, paper_epochs=100)
        args.formulas, args.seeds = [7, 10], args.seeds[:1]
        args.noise_grid, args.samples_grid = [20, 200], [2000]
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
        f"{platform.processor() or platform.machine()}, config {config}"
    )
    part = {"quality": part_quality, "speed": part_speed, "scale": part_scale}
    results = part[args.part](args, config)
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"config": config, "results": results}, file, indent=1)


if __name__ == "__main__":
    main()
