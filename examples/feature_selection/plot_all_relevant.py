"""
All-relevant or minimal-optimal: AttributionBoruta and AttributionRFE
=====================================================================

Two selectors, two questions. :class:`~skchaos.feature_selection.AttributionRFE`
keeps the smallest set of columns that predicts as well as all of them
(minimal-optimal); :class:`~skchaos.feature_selection.AttributionBoruta`
keeps every column that carries signal (all-relevant), by testing each
column's attributions against shuffled copies of the columns, the shadows.
Here both run on a small table whose useful columns come in correlated
pairs, and the decisions of the all-relevant selector are plotted
iteration by iteration. (On tables this small, measured on the development
tables of ``benchmarks/README.md``, the neural all-relevant selector still
misses weak and correlated columns; the printed selections say what it
found here.)
"""

# %%
# A table with correlated pairs
# -----------------------------
# Three signals, each measured twice (two noisy copies, correlation about
# 0.8), and 18 noise columns: columns 0-5 carry signal.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skchaos.feature_selection import AttributionBoruta, AttributionRFE
from skchaos.neural import MLPRegressor

rng = np.random.RandomState(0)
n = 400
signals = rng.normal(size=(n, 3))
pairs = np.repeat(signals, 2, axis=1) + 0.5 * rng.normal(size=(n, 6))
X = np.hstack([pairs, rng.normal(size=(n, 18))])
y = signals[:, 0] + np.sin(2 * signals[:, 1]) + 0.5 * signals[:, 2] ** 2
y = y + 0.3 * rng.normal(size=n)

net = MLPRegressor(hidden_layer_sizes=(32,), lr=1e-2, max_epochs=100)

# %%
# Minimal-optimal
# ---------------
rfe = AttributionRFE(net, random_state=0).fit(X, y)
print("AttributionRFE keeps:   ", rfe.get_support(indices=True))

# %%
# All-relevant
# ------------
# First, the columns of AttributionRFE's minimal-optimal set that its
# network uses on held-out rows are confirmed (``confirm_minimal=True``).
# Then each iteration draws half of the columns still in play, trains a
# fresh network on them and their shadows, and counts a hit for every
# column whose attribution beats the best shadow's on held-out rows. 30
# iterations keep the example short; the default is 60.
boruta = AttributionBoruta(net, max_iter=30, random_state=0).fit(X, y)
print("AttributionBoruta keeps:", boruta.get_support(indices=True))
print("of which, first:        ", np.flatnonzero(boruta.support_minimal_))
print("tentative:              ", np.flatnonzero(boruta.support_weak_))

# %%
# How the decisions came
# ----------------------
# The minimal-optimal set is confirmed before the first iteration; the
# binomial test needs a few iterations per column before it can decide the
# others: the noise columns are rejected first, the signal columns
# confirmed as their hits accumulate.
history = pd.DataFrame(boruta.history_)
iterations = np.arange(1, len(history) + 1)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.stackplot(
    iterations,
    history["n_confirmed"],
    history["n_tentative"],
    history["n_rejected"],
    labels=["confirmed", "tentative", "rejected"],
    colors=["tab:green", "tab:gray", "tab:red"],
    alpha=0.8,
)
ax.set_xlabel("iteration")
ax.set_ylabel("columns")
ax.set_title("AttributionBoruta: decisions per iteration")
ax.legend(loc="center right")
fig.tight_layout()
plt.show()
