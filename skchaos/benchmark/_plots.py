"""Figures from a results table: heatmaps per formula, curves per grid axis."""

from pathlib import Path

import numpy as np
import pandas as pd

from skchaos.benchmark._evaluation import ABBREVIATIONS, EVALUATIONS
from skchaos.benchmark._published import (
    _AXES,
    _AXIS_LABELS,
    _METRICS,
    _check_choice,
    _check_results,
    _method_order,
    _ok,
    published_results,
)


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
