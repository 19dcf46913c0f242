"""Paper-style tables and figures from a results table of run_benchmark."""

import numpy as np
import pandas as pd

from skchaos.benchmark._evaluation import ABBREVIATIONS, EVALUATIONS, LEGEND
from skchaos.benchmark._published import (
    _AXES,
    _METRICS,
    _PAPER_EPOCHS,
    _PAPER_N_FORMULAS,
    _PUBLISHED,
    _PUBLISHED_NOISE,
    PUBLISHED_SOURCE,
    _check_choice,
    _check_results,
    _method_order,
    _ok,
)


def summarize_results(
    results, *, by="n_noise_features", metric="us", evaluation="corrected"
):
    """Average a metric over formulas and seeds, one column per method.

    Parameters
    ----------
    results : pandas.DataFrame
        The output of :func:`run_benchmark` (or its CSV, read back).

    by : {"n_noise_features", "noise", "n_samples", "model"}, \
            default="n_noise_features"
        The row axis. Other grid axes that take several values in
        ``results`` become extra index levels, so different settings are
        never averaged together.

    metric : {"us", "fprec"}, default="us"
        The uniform score or the functional precision. For ``"us"`` a first
        column ``"prediction"`` holds the prediction uniform score.

    evaluation : {"paper", "corrected"}, default="corrected"
        The evaluation mode (see :func:`run_benchmark`).

    Returns
    -------
    table : pandas.DataFrame
        Means over the rows without error, indexed by the axes, with one
        column per method in the order of ``results``.

    See Also
    --------
    make_report : All tables and figures at once.

    Examples
    --------
    >>> from skchaos.benchmark import run_benchmark, summarize_results
    >>> grid = {
    ...     "datasets": {"formulas": [1, 4], "n_noise_features": [0, 3],
    ...                  "n_samples": [100]},
    ...     "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}],
    ...     "methods": ["saliency", "feature_ablation"],
    ... }
    >>> results = run_benchmark(grid, progress=False)
    >>> table = summarize_results(results, metric="us")
    >>> table.shape, list(table.columns)
    ((2, 3), ['prediction', 'saliency', 'feature_ablation'])
    """
    results = _check_results(results)
    _check_choice(by, "by", _AXES)
    _check_choice(metric, "metric", tuple(_METRICS))
    _check_choice(evaluation, "evaluation", EVALUATIONS)
    rows = _ok(results[results["evaluation"] == evaluation])
    index = [by] + [a for a in _AXES if a != by and results[a].nunique() > 1]
    methods = _method_order(results)
    table = rows.pivot_table(
        index=index, columns="method", values=metric, aggfunc="mean", sort=True
    )
    table = table.reindex(columns=[m for m in methods if m in table.columns])
    if metric == "us":
        # One prediction score per cell: its first row.
        cells = rows.drop_duplicates("cell_id")
        prediction = cells.groupby(index)["pred_us"].mean()
        table.insert(0, "prediction", prediction.reindex(table.index))
    table.columns.name = None
    return table


def compare_with_paper(results, *, tol=0.05):
    """Our averaged figures next to the published ones, with differences.

    Parameters
    ----------
    results : pandas.DataFrame
        The output of :func:`run_benchmark`. Only rows with the published
        label noise (0.01) and noise-feature counts are used.

    tol : float, default=0.05
        The absolute difference accepted as a match.

    Returns
    -------
    comparison : pandas.DataFrame
        One row per evaluation mode, model, metric, ``n_noise_features`` and
        method present on both sides, with ``ours``, ``published``,
        ``diff`` (ours - published), ``within_tol`` and ``n_formulas`` (how
        many formulas our mean covers; the paper averages all 15). Empty when
        nothing overlaps.

    See Also
    --------
    published_results : The published figures.

    Examples
    --------
    >>> from skchaos.benchmark import compare_with_paper, run_benchmark
    >>> grid = {
    ...     "datasets": {"formulas": [1], "n_noise_features": [0], "n_samples": [100]},
    ...     "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}],
    ...     "methods": ["saliency"],
    ... }
    >>> comparison = compare_with_paper(run_benchmark(grid, progress=False))
    >>> comparison[["evaluation", "metric", "method", "published"]]
      evaluation metric      method  published
    0      paper     us  prediction      0.972
    1      paper     us    saliency      0.601
    2  corrected     us  prediction      0.972
    3  corrected     us    saliency      0.601
    """
    results = _check_results(results)
    columns = ["evaluation", "model", "metric", "n_noise_features", "method"]
    columns += ["ours", "published", "diff", "within_tol", "n_formulas"]
    rows = _ok(results[np.isclose(results["noise"], _PUBLISHED_NOISE)])
    out = []
    for evaluation in EVALUATIONS:
        subset = rows[rows["evaluation"] == evaluation]
        for model, by_model in subset.groupby("model", sort=False):
            for (metric, n_noise), values in _PUBLISHED.items():
                cells = by_model[by_model["n_noise_features"] == n_noise]
                if cells.empty:
                    continue
                n_formulas = cells["formula"].nunique()
                for method, published in values.items():
                    if method == "prediction":
                        if metric != "us":
                            continue
                        ours = cells.drop_duplicates("cell_id")["pred_us"].mean()
                    else:
                        method_rows = cells[cells["method"] == method]
                        if method_rows.empty:
                            continue
                        ours = method_rows[metric].mean()
                    diff = ours - published
                    out.append(
                        [evaluation, model, metric, n_noise, method, ours]
                        + [published, diff, bool(abs(diff) <= tol), n_formulas]
                    )
    return pd.DataFrame(out, columns=columns)


def _markdown(table, *, index=True, digits=3):
    """A small GitHub-flavoured markdown table (no extra dependency)."""
    frame = table.reset_index() if index else table

    def cell(value):
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if isinstance(value, (float, np.floating)):
            return "" if np.isnan(value) else f"{value:.{digits}f}"
        return str(value)

    header = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def _abbreviate(table):
    return table.rename(columns=lambda c: ABBREVIATIONS.get(c, c))


def _comparison_tables(comparison):
    """One wide table per evaluation, model and metric: ours | paper | diff."""
    sections = []
    for (evaluation, model, metric), group in comparison.groupby(
        ["evaluation", "model", "metric"], sort=False
    ):
        wide = {}
        for row in group.itertuples(index=False):
            name = ABBREVIATIONS.get(row.method, row.method)
            line = wide.setdefault(row.n_noise_features, {})
            line[f"{name} ours"] = row.ours
            line[f"{name} paper"] = row.published
            line[f"{name} diff"] = row.diff
        table = pd.DataFrame.from_dict(wide, orient="index").sort_index()
        table.index.name = "n_noise_features"
        n_ok = int(group["within_tol"].sum())
        n_formulas = sorted(group["n_formulas"].unique())
        title = (
            f"{_METRICS[metric]} vs the paper, evaluation {evaluation!r}, model "
            f"{model!r}: {n_ok}/{len(group)} within 0.05 "
            f"(our means over {', '.join(map(str, n_formulas))} formulas; the "
            "paper's over 15)"
        )
        sections.append(f"#### {title}\n\n{_markdown(table)}")
    return sections


def _overview(results):
    cells = results.drop_duplicates("cell_id")
    n_failed = results.loc[results["error"].notna(), "cell_id"].nunique()
    lines = [
        f"- cells: {len(cells)} ({n_failed} with errors), rows: {len(results)}",
        f"- formulas: {cells['formula'].nunique()}, noise features: "
        f"{sorted(cells['n_noise_features'].unique().tolist())}, label noise: "
        f"{sorted(cells['noise'].unique().tolist())}, samples: "
        f"{sorted(cells['n_samples'].unique().tolist())}",
        f"- models: {', '.join(dict.fromkeys(cells['model']))}; seeds: "
        f"{sorted(cells['seed'].unique().tolist())}",
        f"- methods: {', '.join(_method_order(results))}",
        f"- total fit time: {cells['fit_time'].sum():.1f} s, attribution time: "
        f"{results.drop_duplicates(['cell_id', 'method'])['attr_time'].sum():.1f} s",
    ]
    errors = results.loc[results["error"].notna(), "error"]
    if len(errors):
        top = errors.value_counts().head(3)
        lines += [f"- error ({n} rows): {message}" for message, n in top.items()]
    return "\n".join(lines)


def _legend():
    lines = [f"- **{term}**: {meaning}" for term, meaning in LEGEND]
    return "## Legend\n\n" + "\n".join(lines)


def _expectation(results):
    """What a partial grid (e.g. ``--quick``) can show next to the paper."""
    cells = _ok(results).drop_duplicates("cell_id")
    n_formulas = cells["formula"].nunique()
    n_total = _PAPER_N_FORMULAS
    epochs = sorted(cells["max_epochs"].dropna().astype(int).unique().tolist())
    notes = []
    if n_formulas < n_total:
        notes.append(f"{n_formulas} of the {n_total} formulas")
    if epochs and max(epochs) < _PAPER_EPOCHS:
        notes.append(f"{max(epochs)} instead of {_PAPER_EPOCHS} epochs")
    if not notes:
        return ""
    return (
        f"\n\n**Expectation:** these results use {' and '.join(notes)} (a "
        "`--quick` run, for instance), while the published figures average all "
        f"{n_total} formulas trained {_PAPER_EPOCHS} epochs, so differences "
        "beyond 0.05 are expected here and say little. The full grid "
        "(`skchaos benchmark --preset paper-symbolic`) gives 28/28 'paper' "
        "evaluation averages within 0.05 of the published ones."
    )


def make_report(results, *, plots_dir=None):
    """Paper-style markdown tables (and optionally figures) from results.

    Parameters
    ----------
    results : pandas.DataFrame
        The output of :func:`run_benchmark` (or its CSV, read back).

    plots_dir : str or path-like, default=None
        If given, PNG figures are written there (created if needed): a US
        heatmap per formula and method for each evaluation mode
        (``us_heatmap_<evaluation>.png``), US and FPrec against the number
        of noise features (``us_vs_n_noise_features.png``,
        ``fprec_vs_n_noise_features.png``) and, with several label-noise
        levels, US against the label noise (``us_vs_noise.png``).

    Returns
    -------
    report : str
        Markdown: an overview, a legend of the abbreviations; for each
        evaluation mode, US (with the prediction US) and FPrec averaged over
        formulas against the number of noise features and, with several
        levels, against the label noise;
        and, where the grid overlaps the published configuration, our figures
        next to the paper's (see :func:`compare_with_paper`), with what a
        partial grid (fewer formulas or epochs, as ``--quick``) can show.

    See Also
    --------
    summarize_results : One of these tables as a DataFrame.
    compare_with_paper : The comparison as a DataFrame.

    Examples
    --------
    >>> from skchaos.benchmark import make_report, run_benchmark
    >>> grid = {
    ...     "datasets": {"formulas": [1], "n_noise_features": [0, 2],
    ...                  "n_samples": [100]},
    ...     "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}],
    ...     "methods": ["saliency"],
    ... }
    >>> report = make_report(run_benchmark(grid, progress=False))
    >>> print(report.splitlines()[0])
    # skchaos benchmark report
    """
    results = _check_results(results)
    sections = ["# skchaos benchmark report", _overview(results), _legend()]
    axes = ["n_noise_features"]
    if results["noise"].nunique() > 1:
        axes.append("noise")
    for evaluation in EVALUATIONS:
        sections.append(f"## Evaluation {evaluation!r}")
        for axis in axes:
            for metric, label in _METRICS.items():
                table = summarize_results(
                    results, by=axis, metric=metric, evaluation=evaluation
                )
                sections.append(
                    f"### {label} by {axis} (mean over formulas and seeds)\n\n"
                    + _markdown(_abbreviate(table))
                )
    comparison = compare_with_paper(results)
    if not comparison.empty:
        sections.append(
            "## Next to the published figures\n\nSource: "
            + PUBLISHED_SOURCE
            + "."
            + _expectation(results)
        )
        sections += _comparison_tables(comparison)
    if plots_dir is not None:
        from skchaos.benchmark._plots import write_figures  # matplotlib, lazily

        written = write_figures(results, plots_dir)
        sections.append("## Figures\n\n" + "\n".join(f"- {path}" for path in written))
    return "\n\n".join(sections) + "\n"
