"""Paper-style tables and figures from a results table of run_benchmark."""

from pathlib import Path

import numpy as np
import pandas as pd

from skchaos.benchmark._cell import coerce_results
from skchaos.benchmark._evaluation import ABBREVIATIONS, EVALUATIONS, LEGEND

#: Where the published figures come from.
PUBLISHED_SOURCE = (
    "ChaosMining (Shi, Kan, Smucny and Davidson, 2024, arXiv:2406.12150), the "
    "authors' published result files: symbolic functional data, the paper's "
    "MLP, sigma_y = 0.01, averaged over the 15 formulas"
)

# (metric, n_noise_features) -> {method: value}; "prediction" is the
# prediction uniform score ("Pred").
_PUBLISHED = {
    ("us", 0): {
        "prediction": 0.972,
        "saliency": 0.601,
        "integrated_gradients": 0.829,
        "feature_ablation": 0.841,
    },
    ("us", 50): {
        "prediction": 0.894,
        "saliency": 0.517,
        "integrated_gradients": 0.690,
        "feature_ablation": 0.649,
    },
    ("us", 100): {
        "prediction": 0.823,
        "saliency": 0.419,
        "integrated_gradients": 0.563,
        "feature_ablation": 0.490,
    },
    ("us", 150): {
        "prediction": 0.736,
        "saliency": 0.297,
        "integrated_gradients": 0.403,
        "feature_ablation": 0.326,
    },
    ("us", 200): {
        "prediction": 0.679,
        "saliency": 0.219,
        "integrated_gradients": 0.290,
        "feature_ablation": 0.230,
    },
    ("fprec", 100): {
        "saliency": 0.822,
        "deeplift": 0.690,
        "integrated_gradients": 0.719,
        "feature_ablation": 0.665,
    },
    ("fprec", 200): {
        "saliency": 0.627,
        "deeplift": 0.462,
        "integrated_gradients": 0.505,
        "feature_ablation": 0.416,
    },
}
_PUBLISHED_NOISE = 0.01
_PAPER_EPOCHS = 1000
_PAPER_N_FORMULAS = 15  # the published figures average all 15 formulas
_METRICS = {"us": "US", "fprec": "FPrec"}
_AXES = ("model", "n_samples", "noise", "n_noise_features")
_AXIS_LABELS = {
    "n_noise_features": "number of noise features",
    "noise": "label noise sigma_y",
    "n_samples": "number of samples",
}


def published_results():
    """The ChaosMining paper's published symbolic-benchmark figures.

    Returns
    -------
    published : pandas.DataFrame
        Columns ``metric`` (``"us"`` or ``"fprec"``), ``n_noise_features``,
        ``noise`` (0.01), ``method`` (``"prediction"`` is the prediction
        uniform score, the paper's "Pred") and ``value``. The source is in
        ``published.attrs["source"]``.

    See Also
    --------
    compare_with_paper : Our figures next to these.

    Notes
    -----
    The figures come from the authors' published result files (arXiv
    2406.12150): the paper's MLP on the symbolic data with sigma_y = 0.01,
    averaged over the 15 formulas. The uniform scores are published for 0,
    50, 100, 150 and 200 noise features; functional precision for 100 and
    200.

    Examples
    --------
    >>> from skchaos.benchmark import published_results
    >>> published = published_results()
    >>> published.query("metric == 'us' and n_noise_features == 100")
        metric  n_noise_features  noise                method  value
    8       us               100   0.01            prediction  0.823
    9       us               100   0.01              saliency  0.419
    10      us               100   0.01  integrated_gradients  0.563
    11      us               100   0.01      feature_ablation  0.490
    """
    rows = [
        {
            "metric": metric,
            "n_noise_features": n_noise,
            "noise": _PUBLISHED_NOISE,
            "method": method,
            "value": value,
        }
        for (metric, n_noise), values in _PUBLISHED.items()
        for method, value in values.items()
    ]
    published = pd.DataFrame(rows)
    published.attrs["source"] = PUBLISHED_SOURCE
    return published


def _check_results(results):
    if not isinstance(results, pd.DataFrame):
        raise TypeError(
            f"results has type {type(results).__name__}; expected the "
            "pandas.DataFrame returned by run_benchmark (or read from its CSV)."
        )
    return coerce_results(results)


def _check_choice(value, name, choices):
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is invalid; expected one of {list(choices)}."
        )


def _ok(results):
    return results[results["error"].isna()]


def _method_order(results):
    return list(dict.fromkeys(results["method"]))


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
        written = write_figures(results, plots_dir)
        sections.append("## Figures\n\n" + "\n".join(f"- {path}" for path in written))
    return "\n\n".join(sections) + "\n"


def _formula_label(row, width=28):
    text = (
        row["formula"]
        if len(row["formula"]) <= width
        else row["formula"][: width - 1] + "…"
    )
    return f"{row['formula_id']}: {text}" if pd.notna(row["formula_id"]) else text


def plot_heatmap(
    results, *, evaluation="corrected", metric="us", n_noise_features=None, ax=None
):
    """Heatmap of a metric per formula (rows) and method (columns).

    Parameters
    ----------
    results : pandas.DataFrame
        The output of :func:`run_benchmark`.

    evaluation : {"paper", "corrected"}, default="corrected"
        The evaluation mode.

    metric : {"us", "fprec"}, default="us"
        The metric to show.

    n_noise_features : int, default=None
        Restrict to one number of noise features; None averages over all.

    ax : matplotlib.axes.Axes, default=None
        Where to draw; None creates a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes with the heatmap (values written in the cells).

    See Also
    --------
    plot_curves : A metric against a grid axis.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skchaos.benchmark import plot_heatmap, run_benchmark
    >>> grid = {
    ...     "datasets": {"formulas": [1, 4], "n_noise_features": [2],
    ...                  "n_samples": [100]},
    ...     "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}],
    ...     "methods": ["saliency", "feature_ablation"],
    ... }
    >>> ax = plot_heatmap(run_benchmark(grid, progress=False))
    >>> ax.get_title()
    "US per formula, evaluation 'corrected'"
    """
    import matplotlib.pyplot as plt

    results = _check_results(results)
    _check_choice(evaluation, "evaluation", EVALUATIONS)
    _check_choice(metric, "metric", tuple(_METRICS))
    rows = _ok(results[results["evaluation"] == evaluation]).copy()
    if n_noise_features is not None:
        rows = rows[rows["n_noise_features"] == n_noise_features]
        if rows.empty:
            raise ValueError(
                f"n_noise_features={n_noise_features!r} has no rows; expected one "
                f"of {sorted(results['n_noise_features'].unique().tolist())}."
            )
    rows["label"] = rows.apply(_formula_label, axis=1)
    order = list(dict.fromkeys(rows["label"]))  # grid order
    table = rows.pivot_table(index="label", columns="method", values=metric)
    table = table.reindex(
        index=order, columns=[m for m in _method_order(results) if m in table.columns]
    )
    if ax is None:
        _, ax = plt.subplots(
            figsize=(1.6 + 1.3 * table.shape[1], 1.2 + 0.4 * table.shape[0])
        )
    image = ax.imshow(table.to_numpy(), vmin=0, vmax=1, cmap="viridis", aspect="auto")
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        if np.isfinite(value):
            ax.text(
                j,
                i,
                f"{value:.2f}",
                ha="center",
                va="center",
                color="white" if value < 0.6 else "black",
                fontsize=8,
            )
    ax.set_xticks(
        range(table.shape[1]), [ABBREVIATIONS.get(c, c) for c in table.columns]
    )
    ax.set_yticks(range(table.shape[0]), table.index, fontsize=8)
    ax.figure.colorbar(image, ax=ax, label=_METRICS[metric])
    ax.set_title(f"{_METRICS[metric]} per formula, evaluation {evaluation!r}")
    return ax


def plot_curves(
    results,
    *,
    x="n_noise_features",
    metric="us",
    evaluation=None,
    published=True,
    ax=None,
):
    """A metric against a grid axis, one line per method.

    Parameters
    ----------
    results : pandas.DataFrame
        The output of :func:`run_benchmark`.

    x : {"n_noise_features", "noise", "n_samples"}, default="n_noise_features"
        The horizontal axis. Means are taken over formulas, seeds and the
        other axes.

    metric : {"us", "fprec"}, default="us"
        The metric; ``"us"`` adds the prediction uniform score as a black
        line.

    evaluation : {"paper", "corrected"} or None, default=None
        One evaluation mode, or None for both (solid: corrected, dashed:
        paper).

    published : bool, default=True
        Also mark the paper's figures (crosses in the method's colour) when
        ``x`` is ``"n_noise_features"``.

    ax : matplotlib.axes.Axes, default=None
        Where to draw; None creates a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes with the curves and a legend.

    See Also
    --------
    plot_heatmap : A metric per formula and method.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skchaos.benchmark import plot_curves, run_benchmark
    >>> grid = {
    ...     "datasets": {"formulas": [1], "n_noise_features": [0, 2],
    ...                  "n_samples": [100]},
    ...     "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}],
    ...     "methods": ["saliency"],
    ... }
    >>> ax = plot_curves(run_benchmark(grid, progress=False), evaluation="corrected")
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['Pred (corrected)', 'SA (corrected)']
    """
    import matplotlib.pyplot as plt

    results = _check_results(results)
    _check_choice(x, "x", _AXES[1:])
    _check_choice(metric, "metric", tuple(_METRICS))
    if evaluation is not None:
        _check_choice(evaluation, "evaluation", EVALUATIONS)
    evaluations = EVALUATIONS if evaluation is None else (evaluation,)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2))
    methods = _method_order(results)
    colors = dict(
        zip(
            ["prediction"] + methods, ["black"] + [f"C{i}" for i in range(len(methods))]
        )
    )
    ok = _ok(results)
    for k, mode in enumerate(evaluations):
        rows = ok[ok["evaluation"] == mode]
        lines = {}
        if metric == "us":
            cells = rows.drop_duplicates("cell_id")
            lines["prediction"] = cells.groupby(x)["pred_us"].mean()
        for method in methods:
            lines[method] = rows[rows["method"] == method].groupby(x)[metric].mean()
        for method, values in lines.items():
            if values.empty:
                continue
            name = ABBREVIATIONS.get(method, method)
            ax.plot(
                values.index,
                values.to_numpy(),
                "--" if mode == "paper" else "-",
                marker="o",
                markersize=4,
                color=colors[method],
                # one legend entry per method; line styles are explained below
                label=name if len(evaluations) > 1 else f"{name} ({mode})",
                alpha=0.9,
            )
            if len(evaluations) > 1 and k > 0:
                ax.get_lines()[-1].set_label(f"_{name}")
    if len(evaluations) > 1:
        for mode in evaluations:
            ax.plot([], [], "--" if mode == "paper" else "-", color="grey", label=mode)
    if published and x == "n_noise_features":
        paper = published_results()
        paper = paper[paper["metric"] == metric]
        for method, values in paper.groupby("method", sort=False):
            if method in colors:
                ax.plot(
                    values["n_noise_features"],
                    values["value"],
                    "x",
                    color=colors[method],
                    markersize=7,
                    linestyle="none",
                )
        ax.plot([], [], "x", color="grey", linestyle="none", label="published")
    ax.set_xlabel(_AXIS_LABELS[x])
    ax.set_ylabel(_METRICS[metric])
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return ax


def write_figures(results, folder):
    """Write the report's PNG figures into ``folder``; return their paths."""
    from matplotlib.figure import Figure

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    results = _check_results(results)
    figures = []
    for evaluation in EVALUATIONS:
        figures.append(
            (f"us_heatmap_{evaluation}.png", plot_heatmap, {"evaluation": evaluation})
        )
    figures.append(("us_vs_n_noise_features.png", plot_curves, {"metric": "us"}))
    figures.append(("fprec_vs_n_noise_features.png", plot_curves, {"metric": "fprec"}))
    if results["noise"].nunique() > 1:
        figures.append(("us_vs_noise.png", plot_curves, {"x": "noise"}))
    written = []
    for name, plot, params in figures:
        # A bare Figure (no pyplot): works under any backend, leaks nothing.
        n_rows = results["formula"].nunique() if plot is plot_heatmap else 0
        n_cols = results["method"].nunique()
        size = (2.2 + 1.3 * n_cols, 1.4 + 0.4 * n_rows) if n_rows else (6.4, 4.2)
        figure = Figure(figsize=size)
        plot(results, ax=figure.add_subplot(), **params)
        figure.tight_layout()
        path = folder / name
        figure.savefig(path, dpi=120)
        written.append(str(path))
    return written
