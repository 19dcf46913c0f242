"""The ``skchaos`` command line: ``benchmark``, ``report`` and ``select``.

Arguments and input files are checked first, and only then are the heavy
libraries (torch, the networks) imported, so mistakes are reported in a
fraction of a second: one line on stderr, no traceback (``skchaos --debug
COMMAND`` shows it). No command writes over one of its own inputs, and an
existing output is replaced only with ``--force`` (or, for ``benchmark``,
when it holds the results of the same run).

Exit status: 0 success; 1 unexpected internal error; 2 usage, config or
input error; 3 the benchmark finished but some cells failed (the table is
still written and the failed cells are listed); 130 interrupted (Ctrl-C;
finished benchmark cells are kept and a rerun resumes).
"""

import argparse
import sys

from skchaos._cli._benchmark import cmd_benchmark, cmd_report
from skchaos._cli._common import (
    CELL_STORE_SUFFIX,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_STATUS_HELP,
    EXIT_USAGE,
    UsageError,
    compact_warnings,
    one_line,
)
from skchaos._cli._select import MAX_CLASSES, cmd_select

__all__ = ["main"]


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Write each option's default in its help, unless it is None or False."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def _int(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an int, got {text!r}") from None


def _seed(text):
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an int >= 0, got {value}")
    return value


def _threads(text):
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an int >= 1, got {value}")
    return value


def _n_jobs(text):
    value = _int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected a non-zero int (-1: all cores)")
    return value


def _add_benchmark(commands):
    from skchaos.benchmark import available_presets, preset_description

    presets = "; ".join(
        f"{name}: {preset_description(name)}" for name in available_presets()
    )
    bench = commands.add_parser(
        "benchmark",
        help="run an attribution benchmark grid",
        formatter_class=_HelpFormatter,
        description="Train one model per grid cell and score every attribution "
        "method against the exact ground truth. Finished cells are kept next to "
        "--out (in OUT.cells/) or in --cache-dir, so rerunning the same command "
        "after an interruption or a kill recomputes only the missing cells.",
        epilog=EXIT_STATUS_HELP,
    )
    source = bench.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", help=f"a built-in grid ({presets})")
    source.add_argument("--config", help="a TOML or YAML grid file")
    bench.add_argument(
        "--quick", action="store_true", help="apply the config's quick overrides"
    )
    bench.add_argument(
        "--n-jobs", type=_n_jobs, default=1, help="parallel cells (-1: all cores)"
    )
    bench.add_argument(
        "--out",
        help="write all rows to this CSV file; finished cells are kept in "
        f"OUT{CELL_STORE_SUFFIX}/ unless --cache-dir is given",
    )
    bench.add_argument(
        "--cache-dir", help="the folder of per-cell row files (resumable)"
    )
    bench.add_argument(
        "--force",
        action="store_true",
        help="replace an existing --out that holds another run's results",
    )
    bench.add_argument("--seed", type=_seed, default=0, help="root seed")
    bench.add_argument("--no-progress", action="store_true", help="no progress bar")
    bench.add_argument(
        "--dry-run", action="store_true", help="validate and count the cells only"
    )
    bench.set_defaults(func=cmd_benchmark)


def _add_report(commands):
    report = commands.add_parser(
        "report",
        help="paper-style tables and figures from a results CSV",
        formatter_class=_HelpFormatter,
        description="Print US and FPrec tables (averaged over formulas), a "
        "legend of the abbreviations and, when the grid overlaps it, the "
        "published figures next to ours.",
        epilog=EXIT_STATUS_HELP,
    )
    report.add_argument("results", help="a CSV written by `skchaos benchmark --out`")
    report.add_argument("--out", help="also write the markdown report here")
    report.add_argument("--plots", metavar="DIR", help="write PNG figures into DIR")
    report.add_argument(
        "--force", action="store_true", help="replace an existing --out"
    )
    report.set_defaults(func=cmd_report)


def _add_select(commands):
    select = commands.add_parser(
        "select",
        help="attribution-based feature selection on a CSV",
        formatter_class=_HelpFormatter,
        description="Fit AttributionRFE (--method rfe: the smallest set that "
        "predicts as well as all the columns) or AttributionBoruta (--method "
        "boruta: every column that carries signal, tested against shuffled "
        "shadow columns) with an MLP on a CSV file, and write the selected "
        "columns and a report. Features (and a regression target) are "
        "standardized first unless --no-standardize. A table with categorical "
        "(non-numeric or boolean) columns or missing cells is encoded first, "
        "column by column (numeric: median imputation, a missing-value "
        "indicator, standardization; categorical: one-hot, a missing cell as a "
        "level of its own), and each of your columns is kept or dropped with all "
        "its encoded columns: the report and --out list your columns. "
        "--no-preprocess refuses such tables instead.",
        epilog=EXIT_STATUS_HELP,
    )
    select.add_argument("data", help="a CSV file with a header row")
    select.add_argument("--target", required=True, help="the target column")
    select.add_argument(
        "--task",
        choices=("auto", "regression", "classification"),
        default="auto",
        help="auto: classification for a non-numeric target or integers with at "
        f"most {MAX_CLASSES} distinct values, else regression",
    )
    select.add_argument(
        "--method",
        choices=("rfe", "boruta"),
        default="rfe",
        help="rfe: minimal-optimal (AttributionRFE); boruta: all-relevant "
        "(AttributionBoruta)",
    )
    select.add_argument(
        "--attribution",
        default=None,
        help="attribution method name (default: saliency for rfe, "
        "input_x_gradient for boruta)",
    )
    select.add_argument(
        "--n-features",
        default="auto",
        help="'auto' or the number of features to keep (rfe only)",
    )
    select.add_argument(
        "--hidden-layer-sizes", default="100,100,100", help="MLP widths, e.g. 100,100"
    )
    select.add_argument("--max-epochs", type=_int, default=1000, help="MLP epochs")
    select.add_argument(
        "--input-penalty",
        default="auto",
        help="group-lasso penalty on the MLP's input layer during the selection: "
        "'auto' (0.3, more beyond 1,100 columns) or a float >= 0 (0: none); it "
        "keeps the network from memorizing its rows through many noise columns",
    )
    select.add_argument(
        "--no-standardize",
        action="store_true",
        help="fit on the raw columns (otherwise features and a regression target "
        "are centred and scaled to unit variance first)",
    )
    select.add_argument(
        "--no-preprocess",
        action="store_true",
        help="refuse categorical columns and missing cells instead of encoding "
        "them (at most 100 levels per categorical column)",
    )
    select.add_argument("--out", help="write the selected columns (and target) here")
    select.add_argument(
        "--report",
        help="write the report here; rfe: rank, feature, selected, "
        "eliminated_in_round, n_features_left, importance_within_round; boruta: "
        "rank, feature, selected, decision (confirmed, tentative, rejected), "
        "decided_in_iteration, mean_importance",
    )
    select.add_argument(
        "--force", action="store_true", help="replace an existing --out or --report"
    )
    select.add_argument(
        "--random-state", type=_seed, default=0, help="seed of the MLP and the split"
    )
    select.add_argument(
        "--threads",
        type=_threads,
        default=1,
        help="torch and BLAS threads of the fit: one is the fastest for a table "
        "of up to a few hundred columns (more threads spend more CPU for no gain "
        "there); more can shorten the fit on a wide table, at more CPU",
    )
    select.add_argument(
        "--verbose",
        type=_int,
        default=1,
        help="the selector's verbosity (1: a line per round or iteration, 0: quiet)",
    )
    select.set_defaults(func=cmd_select)


def _build_parser():
    from skchaos import __version__

    parser = argparse.ArgumentParser(
        prog="skchaos",
        formatter_class=_HelpFormatter,
        description="Ground-truth benchmarks of neural-network attributions "
        "(ChaosMining) and attribution-based feature selection.",
        epilog=EXIT_STATUS_HELP,
    )
    parser.add_argument("--version", action="version", version=f"skchaos {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show tracebacks instead of one-line errors",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_benchmark(commands)
    _add_report(commands)
    _add_select(commands)
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
        0 on success, 1 for an unexpected internal error, 2 for a usage,
        config or input error, 3 when a benchmark finished with failed cells,
        130 when interrupted. Errors print one line on stderr.

    Examples
    --------
    >>> from skchaos._cli import main
    >>> main(["benchmark", "--preset", "paper-symbolic", "--quick", "--dry-run"])
    paper-symbolic (quick): 9 cells x 4 methods x 2 evaluations = 72 rows
    0
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version or an argparse error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    prefix = f"skchaos {args.command}"
    try:
        with compact_warnings():
            return args.func(args)
    except KeyboardInterrupt:
        print(f"\n{prefix}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (UsageError, ValueError, TypeError, OSError, ImportError) as exc:
        if args.debug:
            raise
        print(f"{prefix}: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except RecursionError:
        if args.debug:
            raise
        print(f"{prefix}: error: the input is nested too deeply", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"{prefix}: internal error: {type(exc).__name__}: {one_line(exc)} "
            "(`skchaos --debug ...` shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR
