"""Reproduce the ChaosMining symbolic benchmark and compare with the paper.

Runs the ``paper-symbolic`` preset (15 formulas x {0, 50, 100, 150, 200}
noise features, 10,000 samples, the paper's 3 x 100 GELU MLP trained for
1,000 full-batch epochs) and prints our averaged uniform scores (Pred, SA, IG,
FA) and functional precisions (SA, DL, IG, FA) next to the published figures,
for both evaluation modes, with the differences and whether each is within
0.05. ``--quick`` runs the preset's quick slice instead (3 formulas, 3 noise
levels, 300 epochs).

Usage::

    python benchmarks/reproduce_paper.py [--quick] [--n-jobs N] [--cache-dir DIR]

Finished cells are cached (CSV row files) in ``--cache-dir``, by default
``benchmarks/_out/paper-symbolic[-quick]/``, so an interrupted run resumes
where it stopped; all rows are also written to ``results.csv`` there.
"""

import argparse
import sys
import time
from pathlib import Path

import joblib
import pandas as pd

from skchaos.benchmark import compare_with_paper, load_config, run_benchmark
from skchaos.benchmark._published import PUBLISHED_SOURCE

_OUT = Path(__file__).resolve().parent / "_out"
_NAMES = {
    "prediction": "Pred",
    "saliency": "SA",
    "deeplift": "DL",
    "integrated_gradients": "IG",
    "feature_ablation": "FA",
}
_COLUMNS = {"us": ["Pred", "SA", "IG", "FA"], "fprec": ["SA", "DL", "IG", "FA"]}


def _table(comparison, metric, tol):
    """Rows: n_noise_features; cells: 'ours / paper (diff, ok)'."""
    rows = comparison[comparison["metric"] == metric]
    table = {}
    for row in rows.itertuples(index=False):
        mark = "ok" if row.within_tol else "--"
        table.setdefault(row.n_noise_features, {})[_NAMES[row.method]] = (
            f"{row.ours:.3f} / {row.published:.3f} ({row.diff:+.3f} {mark})"
        )
    frame = pd.DataFrame.from_dict(table, orient="index").sort_index()
    frame = frame.reindex(columns=[c for c in _COLUMNS[metric] if c in frame])
    frame.index.name = "noise features"
    n_ok, n = int(rows["within_tol"].sum()), len(rows)
    return frame.to_string(), n_ok, n


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the quick slice")
    parser.add_argument("--n-jobs", type=int, default=-1, help="parallel cells")
    parser.add_argument("--cache-dir", type=Path, help="resumable row files")
    parser.add_argument("--no-cache", action="store_true", help="do not cache")
    parser.add_argument("--seed", type=int, default=0, help="root random_state")
    parser.add_argument("--tol", type=float, default=0.05)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)

    config = load_config("paper-symbolic", quick=args.quick)
    folder = args.cache_dir
    if folder is None and not args.no_cache:
        folder = _OUT / ("paper-symbolic-quick" if args.quick else "paper-symbolic")
    start = time.perf_counter()
    results = run_benchmark(
        config,
        n_jobs=args.n_jobs,
        cache_dir=None if args.no_cache else folder,
        random_state=args.seed,
        progress=not args.no_progress,
    )
    wall = time.perf_counter() - start
    if folder is not None and not args.no_cache:
        results.to_csv(Path(folder) / "results.csv", index=False)

    comparison = compare_with_paper(results, tol=args.tol)
    cells = results.drop_duplicates("cell_id")
    n_failed = results.loc[results["error"].notna(), "cell_id"].nunique()
    print(f"{config['name']}: {len(cells)} cells, {n_failed} with errors")
    print(f"Published figures: {PUBLISHED_SOURCE}.")
    print(
        f"Ours averaged over {cells['formula'].nunique()} formulas (the paper: 15). "
        f"Each entry: ours / paper (ours - paper, ok if within {args.tol}).\n"
    )
    summary = []
    for evaluation in ("paper", "corrected"):
        subset = comparison[comparison["evaluation"] == evaluation]
        for metric, label in (("us", "Uniform score"), ("fprec", "FPrec")):
            text, n_ok, n = _table(subset, metric, args.tol)
            print(f"{label}, evaluation {evaluation!r}: {n_ok}/{n} within {args.tol}")
            print(text, end="\n\n")
            summary.append(f"{evaluation} {metric}: {n_ok}/{n}")
    print("Within tolerance: " + ", ".join(summary))
    print(
        f"Total wall time: {wall:.1f} s ({cells['fit_time'].sum():.1f} s of "
        f"training, {joblib.effective_n_jobs(args.n_jobs)} jobs)"
    )
    if folder is not None and not args.no_cache:
        print(f"Rows written to {Path(folder) / 'results.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
