"""The ``skchaos`` command line: ``benchmark``, ``report`` and ``select``.

User mistakes (a bad config, a missing file or column, an invalid value) print
one line to stderr and exit with status 2, without a traceback; pass
``--debug`` before the subcommand to see the traceback instead.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

_EXIT_USAGE = 2
_EXIT_INTERRUPTED = 130
# Fewest rows `select` accepts: AttributionRFE holds out a validation split.
_MIN_SELECT_ROWS = 20
# A numeric target with integral values and at most this many distinct ones
# is treated as class labels by `select --task auto`.
_MAX_CLASSES = 10
_MAX_LISTED = 20


class UsageError(Exception):
    """A mistake on the user's side: reported in one line, exit status 2."""


def _listing(names):
    names = [str(n) for n in names]
    shown = ", ".join(repr(n) for n in names[:_MAX_LISTED])
    if len(names) > _MAX_LISTED:
        shown += f", ... ({len(names) - _MAX_LISTED} more)"
    return shown


def _check_out(path, option):
    """Fail before any work if an output path cannot be written."""
    if path is None:
        return None
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{option} {str(path)!r} is a directory; expected a file.")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {str(path)!r}: {str(parent)!r} is not a directory.")
    return path


def _write_csv(frame, path, what):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    print(f"{what} written to {path}")


# --------------------------------------------------------------------------
# skchaos benchmark
# --------------------------------------------------------------------------


def _benchmark_summary(results):
    """Mean US and FPrec per evaluation and method, with the model metrics."""
    ok = results[results["error"].isna()]
    table = ok.pivot_table(
        index="method",
        columns="evaluation",
        values=["us", "fprec"],
        aggfunc="mean",
        sort=False,
    )
    table.columns = [f"{metric} {evaluation}" for metric, evaluation in table.columns]
    order = [
        f"{metric} {evaluation}"
        for metric in ("us", "fprec")
        for evaluation in ("paper", "corrected")
    ]
    table = table.reindex(columns=[c for c in order if c in table.columns])
    table = table.drop(columns=["fprec paper"], errors="ignore")  # same as corrected
    table = table.rename(columns={"fprec corrected": "fprec"})
    cells = ok.drop_duplicates("cell_id")
    lines = [
        table.to_string(float_format=lambda v: f"{v:.3f}"),
        f"prediction US {cells['pred_us'].mean():.3f}, test MAE "
        f"{cells['mae'].mean():.4f}, test R^2 {cells['r2'].mean():.3f} "
        "(means over cells)",
    ]
    return "\n".join(lines)


def _cmd_benchmark(args):
    from skchaos.benchmark._grid import expand_grid, load_config
    from skchaos.benchmark._runner import run_benchmark

    source = args.preset if args.preset is not None else args.config
    _check_out(args.out, "--out")
    config = load_config(source, quick=args.quick)
    cells = expand_grid(config, random_state=args.seed)
    n_methods = len(config["methods"])
    print(
        f"{config['name']}: {len(cells)} cells x {n_methods} methods x 2 "
        f"evaluations = {len(cells) * n_methods * 2} rows",
        flush=True,
    )
    if args.dry_run:
        return 0
    if args.out is None and args.cache_dir is None:
        print(
            "note: neither --out nor --cache-dir is set; the rows are not saved.",
            file=sys.stderr,
        )
    start = time.perf_counter()
    results = run_benchmark(
        config,
        n_jobs=args.n_jobs,
        cache_dir=args.cache_dir,
        random_state=args.seed,
        progress=not args.no_progress,
    )
    wall = time.perf_counter() - start
    if args.out is not None:
        _write_csv(results, args.out, f"{len(results)} rows")
    failed = results.loc[results["error"].notna(), "cell_id"].nunique()
    print(_benchmark_summary(results))
    print(
        f"{results['cell_id'].nunique()} cells ({failed} with errors) in "
        f"{wall:.1f} s wall time"
    )
    if failed:
        first = results.loc[results["error"].notna(), "error"].iloc[0]
        print(f"first error: {first}", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------
# skchaos report
# --------------------------------------------------------------------------


def _read_csv(path, what):
    from skchaos.benchmark._cache import read_csv_exact

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{what} {str(path)!r} does not exist (or is not a file).")
    try:
        return read_csv_exact(path)
    except pd.errors.EmptyDataError:
        raise UsageError(f"{what} {str(path)!r} is empty.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        message = " ".join(str(exc).split())
        raise UsageError(
            f"{what} {str(path)!r} is not a valid CSV: {message}"
        ) from None


def _cmd_report(args):
    import matplotlib

    matplotlib.use("Agg")
    from skchaos.benchmark._cell import RESULT_COLUMNS
    from skchaos.benchmark._report import make_report

    _check_out(args.out, "--out")
    results = _read_csv(args.results, "results file")
    missing = [c for c in RESULT_COLUMNS if c not in results.columns]
    if missing:
        raise UsageError(
            f"{args.results!r} lacks the column(s) {_listing(missing)}; expected a "
            "results CSV written by `skchaos benchmark --out`."
        )
    report = make_report(results, plots_dir=args.plots)
    print(report, end="")
    if args.out is not None:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"report written to {out}")
    return 0


# --------------------------------------------------------------------------
# skchaos select
# --------------------------------------------------------------------------


def _infer_task(y):
    """``"classification"`` for labels, ``"regression"`` for quantities.

    Labels: a non-numeric (or boolean) column, or a numeric one whose values
    are all integers with at most ``_MAX_CLASSES`` distinct values.
    """
    if not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        return "classification"
    values = y.to_numpy(dtype=np.float64)
    if np.all(values == np.round(values)) and y.nunique() <= _MAX_CLASSES:
        return "classification"
    return "regression"


def _check_select_data(frame, target, path):
    if target not in frame.columns:
        raise UsageError(
            f"--target {target!r} is not a column of {path!r}; its columns are "
            f"{_listing(frame.columns)}."
        )
    features = [c for c in frame.columns if c != target]
    if len(features) < 2:
        raise UsageError(
            f"{path!r} has {len(features)} feature column(s) besides the target "
            f"{target!r}; feature selection needs at least 2."
        )
    non_numeric = [
        f"{c!r} ({frame[c].dtype})"
        for c in features
        if not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if non_numeric:
        raise UsageError(
            f"non-numeric feature column(s) in {path!r}: {', '.join(non_numeric)}; "
            "encode them as numbers (e.g. one-hot) or drop them."
        )
    n_missing = frame.isna().sum()
    n_missing = n_missing[n_missing > 0]
    if len(n_missing):
        counts = ", ".join(f"{c!r} ({n})" for c, n in n_missing.items())
        raise UsageError(
            f"missing values in {path!r}: {counts} (column (count)); impute them "
            "or drop those rows first."
        )
    numeric = frame[features].to_numpy(dtype=np.float64)
    infinite = [c for c, bad in zip(features, ~np.isfinite(numeric).all(axis=0)) if bad]
    if infinite:
        raise UsageError(
            f"infinite values in the feature column(s) {_listing(infinite)} of "
            f"{path!r}; expected finite numbers."
        )
    if len(frame) < _MIN_SELECT_ROWS:
        raise UsageError(
            f"{path!r} has {len(frame)} rows; select needs at least "
            f"{_MIN_SELECT_ROWS} (it holds out a validation split)."
        )
    if frame[target].nunique() < 2:
        raise UsageError(
            f"the target column {target!r} of {path!r} is constant; expected at "
            "least two distinct values."
        )
    return features


def _parse_n_features(text, n_features):
    if text == "auto":
        return "auto"
    try:
        value = int(text)
    except ValueError:
        raise UsageError(
            f"--n-features={text!r} is invalid; expected 'auto' or an int."
        ) from None
    if not 1 <= value < n_features:
        raise UsageError(
            f"--n-features={value} is invalid; expected 'auto' or an int in "
            f"[1, {n_features - 1}] (the data has {n_features} features)."
        )
    return value


def _parse_hidden(text):
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        sizes = (0,)
    if any(size < 1 for size in sizes):
        raise UsageError(
            f"--hidden-layer-sizes={text!r} is invalid; expected comma-separated "
            "positive ints such as '100,100,100'."
        )
    return sizes


def _import_rfe():
    try:
        from skchaos.feature_selection import AttributionRFE
    except ImportError as exc:  # pragma: no cover - during development only
        raise UsageError(
            f"select needs skchaos.feature_selection.AttributionRFE ({exc})."
        ) from None
    return AttributionRFE


def _last_importances(importances, n_features):
    """One importance per feature from ``importances_`` (last round it saw)."""
    values = np.asarray(importances, dtype=np.float64)
    if values.ndim == 1 and values.shape[0] == n_features:
        return values
    if values.ndim == 2 and values.shape[1] == n_features:
        out = np.full(n_features, np.nan)
        for row in values:
            out = np.where(np.isfinite(row), row, out)
        return out
    return np.full(n_features, np.nan)


def _cmd_select(args):
    from skchaos.neural import MLPClassifier, MLPRegressor

    _check_out(args.out, "--out")
    _check_out(args.report, "--report")
    frame = _read_csv(args.data, "data file")
    features = _check_select_data(frame, args.target, args.data)
    n_features_to_select = _parse_n_features(args.n_features, len(features))
    hidden = _parse_hidden(args.hidden_layer_sizes)
    if args.max_epochs < 1:
        raise UsageError(f"--max-epochs={args.max_epochs} is invalid; expected >= 1.")
    from skchaos.attribution import available_methods

    if args.attribution not in available_methods():
        raise UsageError(
            f"--attribution={args.attribution!r} is not a known attribution method; "
            f"expected one of {_listing(available_methods())}."
        )

    X = frame[features].to_numpy(dtype=np.float64)
    y = frame[args.target]
    task = _infer_task(y) if args.task == "auto" else args.task
    if task == "regression" and not pd.api.types.is_numeric_dtype(y):
        raise UsageError(
            f"--task regression needs a numeric target; {args.target!r} has "
            f"dtype {y.dtype}."
        )
    if task == "regression":
        y = y.to_numpy(dtype=np.float64)
        if not args.no_standardize:
            y = (y - y.mean()) / y.std()
        estimator = MLPRegressor
    else:
        y = y.to_numpy()
        counts = pd.Series(y).value_counts()
        if counts.min() < 2:
            raise UsageError(
                f"class {counts.idxmin()!r} of {args.target!r} has a single row; "
                "classification needs at least 2 rows per class (or use "
                "--task regression)."
            )
        estimator = MLPClassifier
    if not args.no_standardize:
        scale = X.std(axis=0)
        X = (X - X.mean(axis=0)) / np.where(scale > 0, scale, 1.0)

    AttributionRFE = _import_rfe()
    selector = AttributionRFE(
        estimator(
            hidden_layer_sizes=hidden,
            max_epochs=args.max_epochs,
            random_state=args.random_state,
        ),
        attribution=args.attribution,
        n_features_to_select=n_features_to_select,
        random_state=args.random_state,
        verbose=args.verbose,
    )
    start = time.perf_counter()
    selector.fit(X, y)
    elapsed = time.perf_counter() - start

    support = np.asarray(selector.support_, dtype=bool)
    ranking = pd.DataFrame(
        {
            "feature": features,
            "rank": np.asarray(selector.ranking_, dtype=int),
            "importance": _last_importances(
                getattr(selector, "importances_", []), len(features)
            ),
            "selected": support,
        }
    )
    ranking = ranking.sort_values(
        ["rank", "importance"], ascending=[True, False], kind="stable"
    )
    selected = [f for f, keep in zip(features, support) if keep]
    print(
        f"{task}: selected {len(selected)} of {len(features)} features with "
        f"AttributionRFE({args.attribution}) in {elapsed:.1f} s"
    )
    print(ranking.head(max(len(selected), 10)).to_string(index=False))
    if args.out is not None:
        columns = [c for c in frame.columns if c in selected or c == args.target]
        _write_csv(frame[columns], args.out, "selected columns")
    if args.report is not None:
        _write_csv(ranking, args.report, "ranking")
    return 0


# --------------------------------------------------------------------------
# Parser and entry point
# --------------------------------------------------------------------------


def _int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an int, got {text!r}") from None
    return value


def _n_jobs(text):
    value = _int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a non-zero int (-1: all cores)")
    return value


def _build_parser():
    from skchaos import __version__

    parser = argparse.ArgumentParser(
        prog="skchaos",
        description="Ground-truth benchmarks of neural-network attributions "
        "(ChaosMining) and attribution-based feature selection.",
    )
    parser.add_argument("--version", action="version", version=f"skchaos {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show tracebacks instead of one-line errors",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    bench = commands.add_parser(
        "benchmark",
        help="run an attribution benchmark grid",
        description="Train one model per grid cell and score every attribution "
        "method against the exact ground truth.",
    )
    source = bench.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", help="a built-in grid, e.g. paper-symbolic")
    source.add_argument("--config", help="a TOML or YAML grid file")
    bench.add_argument(
        "--quick", action="store_true", help="apply the config's quick overrides"
    )
    bench.add_argument(
        "--n-jobs", type=_n_jobs, default=1, help="parallel cells (-1: all cores)"
    )
    bench.add_argument("--cache-dir", help="resumable per-cell row files")
    bench.add_argument("--out", help="write all rows to this CSV file")
    bench.add_argument("--seed", type=_int, default=0, help="root seed (default 0)")
    bench.add_argument("--no-progress", action="store_true", help="no progress bar")
    bench.add_argument(
        "--dry-run", action="store_true", help="validate and count the cells only"
    )
    bench.set_defaults(func=_cmd_benchmark)

    report = commands.add_parser(
        "report",
        help="paper-style tables and figures from a results CSV",
        description="Print US and FPrec tables (averaged over formulas) and, "
        "when the grid overlaps it, the published figures next to ours.",
    )
    report.add_argument("results", help="a CSV written by `skchaos benchmark --out`")
    report.add_argument("--out", help="also write the markdown report here")
    report.add_argument("--plots", metavar="DIR", help="write PNG figures into DIR")
    report.set_defaults(func=_cmd_report)

    select = commands.add_parser(
        "select",
        help="attribution-based recursive feature elimination on a CSV",
        description="Fit AttributionRFE with an MLP on a CSV file and write the "
        "selected columns and a feature ranking. Features (and a regression "
        "target) are standardized first unless --no-standardize.",
    )
    select.add_argument("data", help="a CSV file with a header row")
    select.add_argument("--target", required=True, help="the target column")
    select.add_argument(
        "--task",
        choices=("auto", "regression", "classification"),
        default="auto",
        help="auto: classification for a non-numeric target or integers with at "
        f"most {_MAX_CLASSES} distinct values, else regression",
    )
    select.add_argument(
        "--attribution", default="saliency", help="attribution method name"
    )
    select.add_argument(
        "--n-features", default="auto", help="'auto' or the number of features to keep"
    )
    select.add_argument(
        "--hidden-layer-sizes", default="100,100,100", help="MLP widths, e.g. 100,100"
    )
    select.add_argument("--max-epochs", type=int, default=1000, help="MLP epochs")
    select.add_argument(
        "--no-standardize",
        action="store_true",
        help="fit on the raw columns (default: features and a regression target "
        "are centred and scaled to unit variance first)",
    )
    select.add_argument("--out", help="write the selected columns (and target) here")
    select.add_argument(
        "--report", help="write the ranking (feature, rank, importance, selected)"
    )
    select.add_argument(
        "--random-state", type=int, default=0, help="seed of the MLP and the split"
    )
    select.add_argument(
        "--verbose", type=int, default=0, help="AttributionRFE's verbosity"
    )
    select.set_defaults(func=_cmd_select)
    return parser


def main(argv=None):
    """Run the ``skchaos`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; None reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 for a usage error (one line on stderr), 130 when
        interrupted.

    Examples
    --------
    >>> from skchaos.benchmark._cli import main
    >>> main(["benchmark", "--preset", "paper-symbolic", "--quick", "--dry-run"])
    paper-symbolic (quick): 9 cells x 4 methods x 2 evaluations = 72 rows
    0
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version or an argparse error
        return exc.code if isinstance(exc.code, int) else _EXIT_USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("skchaos: interrupted", file=sys.stderr)
        return _EXIT_INTERRUPTED
    except (UsageError, ValueError, TypeError, OSError, ImportError) as exc:
        if args.debug:
            raise
        message = " ".join(str(exc).split())
        print(f"skchaos {args.command}: error: {message}", file=sys.stderr)
        return _EXIT_USAGE
