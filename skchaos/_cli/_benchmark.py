"""``skchaos benchmark`` and ``skchaos report``."""

import sys
import time
from pathlib import Path

from skchaos._cli._common import (
    CELL_STORE_SUFFIX,
    EXIT_FAILED_CELLS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    check_out,
    listing,
    one_line,
    read_csv,
    refuse_existing,
    same_file,
    write_csv,
    write_text,
)

_MAX_FAILED_LISTED = 10


def _load_benchmark_config(args):
    from skchaos.benchmark import available_presets, expand_grid, load_config

    if args.preset is not None:
        presets = available_presets()
        if args.preset not in presets:
            raise UsageError(
                f"--preset {args.preset!r} is not a preset; expected one of "
                f"{listing(presets)} (or a grid file with --config)."
            )
        source, flag = args.preset, f"--preset {args.preset}"
    else:
        path = Path(args.config)
        if not path.is_file():
            raise UsageError(
                f"--config {args.config!r} does not exist (or is not a file)."
            )
        source, flag = path, f"--config {args.config}"
    try:
        config = load_config(source, quick=args.quick)
        cells = expand_grid(config, random_state=args.seed)
    except (ValueError, TypeError, ImportError) as exc:
        message = one_line(exc)
        if args.quick and "no 'quick' section" in message:
            message = "--quick: this config has no 'quick' section of overrides."
            raise UsageError(f"{flag}: {message}") from None
        raise UsageError(f"{flag}: {message}") from None
    except RecursionError:
        raise UsageError(f"{flag}: the config is nested too deeply.") from None
    return config, cells


def _is_same_run(path, cells):
    """Whether the CSV at ``path`` holds results of exactly these cells."""
    import pandas as pd

    try:
        ids = pd.read_csv(path, usecols=["cell_id"], dtype=str)["cell_id"]
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError):
        return False
    return len(ids) > 0 and set(ids) == {c["cell_id"] for c in cells}


def _cell_store(args):
    """The folder of per-cell files: --cache-dir, else next to --out."""
    if args.cache_dir is not None:
        store, option = Path(args.cache_dir), "--cache-dir"
    elif args.out is not None:
        store, option = Path(args.out + CELL_STORE_SUFFIX), "the cell store"
    else:
        return None
    if store.exists() and not store.is_dir():
        raise UsageError(f"{option} {str(store)!r} exists and is not a directory.")
    for flag, other in (("--out", args.out), ("--config", args.config)):
        if other is not None and same_file(store, other):
            raise UsageError(f"{option} {str(store)!r} is the same path as {flag}.")
    return store


def _benchmark_summary(results):
    """Mean US and FPrec per evaluation and method, with the model metrics."""
    from skchaos.benchmark import ABBREVIATIONS

    ok = results[results["error"].isna()]
    if ok.empty:
        return "no successful cells to summarize"
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
    table.index = [
        f"{m} ({ABBREVIATIONS[m]})" if m in ABBREVIATIONS else m for m in table.index
    ]
    cells = ok.drop_duplicates("cell_id")
    return "\n".join(
        [
            table.to_string(float_format=lambda v: f"{v:.3f}"),
            f"prediction US {cells['pred_us'].mean():.3f}, test MAE "
            f"{cells['mae'].mean():.4f}, test R^2 {cells['r2'].mean():.3f} "
            "(means over cells)",
            "us: uniform score against the exact ground truth (1 = identical); "
            "fprec: functional precision; prediction US: how well the model "
            "learned the formula; see `skchaos report` for the full legend.",
        ]
    )


def _describe_cell(row):
    import pandas as pd

    if pd.isna(row["formula_id"]):
        formula = f"formula {row['formula']!r}"
    else:
        formula = f"formula {int(row['formula_id'])}"
    return (
        f"{formula}, {int(row['n_noise_features'])} noise features, noise "
        f"{float(row['noise']):g}, {int(row['n_samples'])} samples, model "
        f"{row['model']!r}, seed {int(row['seed'])} (cell {row['cell_id']})"
    )


def _failed_cells(results):
    """One line per failed cell: what it was and its first error."""
    failed = results[results["error"].notna()]
    lines = []
    for cell_id, rows in failed.groupby("cell_id", sort=False):
        methods = sorted(set(rows["method"]))
        n_methods = results.loc[results["cell_id"] == cell_id, "method"].nunique()
        scope = "" if len(methods) == n_methods else f" [{', '.join(methods)}]"
        lines.append(
            f"  {_describe_cell(rows.iloc[0])}{scope}: {rows['error'].iloc[0]}"
        )
    return lines


def cmd_benchmark(args):
    if args.out is not None:
        out, exists = check_out(
            args.out, "--out", inputs=[("--config", args.config)], force=args.force
        )
    store = _cell_store(args)
    config, cells = _load_benchmark_config(args)
    if args.out is not None and exists and not _is_same_run(out, cells):
        raise UsageError(
            f"--out {args.out!r} already exists and does not hold the results of "
            "this run; pass --force to replace it, or choose another --out."
        )
    n_methods = len(config["methods"])
    print(
        f"{config['name']}: {len(cells)} cells x {n_methods} methods x 2 "
        f"evaluations = {len(cells) * n_methods * 2} rows",
        flush=True,
    )
    if args.dry_run:
        return EXIT_OK
    if store is None:
        print(
            "note: neither --out nor --cache-dir is set; the rows are not saved.",
            file=sys.stderr,
        )
    else:
        print(f"finished cells are kept in {store}/ (a rerun resumes)", flush=True)

    from skchaos.benchmark import run_benchmark

    start = time.perf_counter()
    try:
        results = run_benchmark(
            config,
            n_jobs=args.n_jobs,
            cache_dir=store,
            random_state=args.seed,
            progress=not args.no_progress,
        )
    except KeyboardInterrupt:
        kept = 0
        if store is not None:
            kept = sum((store / f"cell-{c['cell_id']}.csv").is_file() for c in cells)
        where = f"kept in {store}/" if store is not None else "not saved"
        print(
            f"\nskchaos benchmark: interrupted; {kept} of {len(cells)} cells "
            f"finished ({where}); rerun the same command to resume.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    wall = time.perf_counter() - start
    if args.out is not None:
        write_csv(results, args.out, f"{len(results)} rows")
        print(f"tables and figures: skchaos report {args.out}")
    print(_benchmark_summary(results))
    failed = _failed_cells(results)
    print(
        f"{results['cell_id'].nunique()} cells ({len(failed)} with errors) in "
        f"{wall:.1f} s wall time"
    )
    if failed:
        print(f"skchaos benchmark: {len(failed)} cell(s) failed:", file=sys.stderr)
        for line in failed[:_MAX_FAILED_LISTED]:
            print(line, file=sys.stderr)
        if len(failed) > _MAX_FAILED_LISTED:
            print(
                f"  ... and {len(failed) - _MAX_FAILED_LISTED} more (the 'error' "
                "column of the results)",
                file=sys.stderr,
            )
        print(
            f"exit status {EXIT_FAILED_CELLS}: failed cells are retried by a rerun.",
            file=sys.stderr,
        )
        return EXIT_FAILED_CELLS
    return EXIT_OK


# --------------------------------------------------------------------------
# skchaos report
# --------------------------------------------------------------------------


def cmd_report(args):
    inputs = [("the results file", args.results)]
    if args.out is not None:
        out, exists = check_out(args.out, "--out", inputs=inputs, force=args.force)
        if exists:
            refuse_existing(out, "--out")
    if args.plots is not None:
        plots = Path(args.plots)
        if plots.exists() and not plots.is_dir():
            raise UsageError(f"--plots {args.plots!r} exists and is not a directory.")
    results = read_csv(args.results, "results file")
    from skchaos.benchmark import RESULT_COLUMNS

    missing = [c for c in RESULT_COLUMNS if c not in results.columns]
    if missing:
        raise UsageError(
            f"results file {args.results!r} lacks the column(s) {listing(missing)}; "
            "expected a results CSV written by `skchaos benchmark --out`."
        )
    import matplotlib

    matplotlib.use("Agg")
    from skchaos.benchmark import make_report

    try:
        report = make_report(results, plots_dir=args.plots)
    except ValueError as exc:
        raise UsageError(f"results file {args.results!r}: {one_line(exc)}") from None
    print(report, end="")
    if args.out is not None:
        write_text(report, args.out)
        print(f"report written to {args.out}")
    return EXIT_OK
