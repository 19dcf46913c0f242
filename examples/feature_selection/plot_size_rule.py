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
sets look best; with converged rounds the loss is flat while noise goes and
jumps when a relevant variable is lost, which is what the rule needs.
Filled green markers are the sizes that are no worse than the best one.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from skchaos.datasets import make_random_symbolic
from skchaos.feature_selection import AttributionRFE
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
    MLPRegressor(max_epochs=300), fine_tune_epochs=0.1, tol=0.02, random_state=0
).fit(X, y)
print("fixed rounds:    ", fixed.get_support(indices=True))

# %%
# The two paths. Their scores are not on the same scale (the default path
# trains on a standardized target), so each gets its own axes.
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
converged.plot_history(ax=axes[0])
axes[0].set_title("converged rounds, tol='auto'")
fixed.plot_history(ax=axes[1])
axes[1].set_title("fixed-length rounds, tol=0.02")
fig.tight_layout()
plt.show()
