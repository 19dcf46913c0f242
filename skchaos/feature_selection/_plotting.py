"""The score-versus-size plot of the attribution-based selectors."""

import numpy as np


def plot_scores(
    ax, n_features, scores, *, std=None, chosen, ylabel, label, acceptable=None
):
    """Plot scores against the number of features and mark the chosen size.

    Parameters
    ----------
    ax : matplotlib Axes or None
        Where to draw; None creates a new figure.
    n_features : array-like of int
        Sizes, in any order.
    scores : array-like of float
        The score of each size.
    std : array-like of float, default=None
        Standard deviations, drawn as a band of +- one std around the scores.
    chosen : int
        The selected size, marked by a dashed vertical line.
    ylabel, label : str
        The y-axis label and the curve's legend label.
    acceptable : array-like of bool, default=None
        Sizes that are no worse than the best one, drawn as filled markers
        (the others hollow).

    Returns
    -------
    ax : matplotlib Axes
        The axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    order = np.argsort(n_features)
    sizes = np.asarray(n_features)[order]
    values = np.asarray(scores, dtype=float)[order]
    ax.plot(sizes, values, marker="o", markersize=3, label=label)
    if acceptable is not None:
        ok = np.asarray(acceptable, dtype=bool)[order]
        ax.plot(
            sizes[ok],
            values[ok],
            linestyle="none",
            marker="o",
            markersize=6,
            color="tab:green",
            label="no worse than the best",
        )
    if std is not None:
        spread = np.asarray(std, dtype=float)[order]
        ax.fill_between(sizes, values - spread, values + spread, alpha=0.25)
    at = values[np.flatnonzero(sizes == chosen)]
    ax.axvline(chosen, color="tab:red", linestyle="--", linewidth=1)
    if at.size:
        ax.plot([chosen], at[:1], marker="*", markersize=12, color="tab:red")
    ax.plot([], [], color="tab:red", linestyle="--", label=f"selected: {chosen}")
    if sizes.size and sizes.min() > 0 and sizes.max() / sizes.min() > 20:
        ax.set_xscale("log")
    ax.set_xlabel("number of features")
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax
