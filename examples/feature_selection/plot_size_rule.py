"""
=========================================================
Converged rounds and the size rule of AttributionRFE
=========================================================

:class:`~skchaos.feature_selection.AttributionRFE` trains every network of
its elimination path until the loss on early-stopping rows levels off, and
keeps the smallest number of features whose validation loss is within one
(paired) standard error of the best size's.

This example runs it on a random formula of
:func:`~skchaos.datasets.make_random_symbolic` (a development seed, not one
of the held-out seeds of the benchmark) and compares it with fixed-length
rounds (10% of ``max_epochs`` per round, the old default) and a relative
tolerance of 2%. With fixed-length rounds every round adds training, so the
validation loss drifts down as noise columns are removed and the smallest
sets look best; with converged rounds the scores compare the feature sets
rather than the amount of training, which is what the size rule needs.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from skchaos.datasets import make_random_symbolic
from skchaos.feature_selection import AttributionRFE, RoundTraining
from skchaos.neural import MLPRegressor

data = make_random_symbolic(
    n_relevant=4,
    n_samples=2000,
    n_noise_features=30,
    shuffle_features=True,
    random_state=3,
    return_X_y=False,
)
X, y = data.data, data.target
print(data.formula_str)
print("relevant columns:", np.flatnonzero(data.relevant_mask))

# %%
# Converged rounds and the paired one-standard-error rule (the defaults).
converged = AttributionRFE(MLPRegressor(max_epochs=300), random_state=0).fit(X, y)
print("converged rounds:", converged.get_support(indices=True))

# %%
# Fixed-length rounds and a relative tolerance.
fixed = AttributionRFE(
    MLPRegressor(max_epochs=300),
    round_training=RoundTraining(epochs=0.1),
    tol=0.02,
    random_state=0,
).fit(X, y)
print("fixed rounds:    ", fixed.get_support(indices=True))

# %%
# The two paths, as validation losses (the negative scores; both paths train
# on a standardized target, so a loss of 1 is the target's variance) on a
# log scale. Converged rounds reach a much lower loss at every size once the
# noise columns are gone: fixed-length rounds are still learning, so their
# scores also measure how much training each size got. The filled markers are
# the sizes that the rule of each selector finds no worse than the best one;
# the star is the selected size.
fig, ax = plt.subplots(figsize=(7, 4))
for selector, label in [
    (converged, "converged rounds, tol='auto'"),
    (fixed, "fixed-length rounds, tol=0.02"),
]:
    sizes = np.array(selector.history_["n_features"])
    loss = -np.array(selector.history_["score"])
    ok = np.array(selector.history_["acceptable"])
    (line,) = ax.plot(sizes, loss, marker="o", markersize=3, label=label)
    ax.plot(sizes[ok], loss[ok], "o", markersize=7, color=line.get_color())
    chosen = selector.n_features_
    ax.plot([chosen], loss[sizes == chosen], "*", markersize=14, color=line.get_color())
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("number of features")
ax.set_ylabel("validation loss (standardized MSE)")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# ``selector.plot_history()`` draws one path with the selected size marked.
converged.plot_history()
plt.show()
