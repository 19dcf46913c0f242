"""
=====================================================
Many noise columns: the input penalty of the networks
=====================================================

With many more columns than the target needs, a network can fit its training
rows through the noise columns alone: it memorizes the rows, its
early-stopping loss never beats a constant, and the ranking of its
attributions is noise. :class:`~skchaos.feature_selection.AttributionRFE`
therefore trains the networks of its path with a group-lasso penalty on
their input layer (``input_penalty="auto"``): after every optimizer step the
weights leaving each feature shrink towards zero, so that only the features
the loss keeps pulling on stay in use.

This example draws 400 rows with 2 relevant columns among 200 and runs the
selector with and without the penalty (coarse steps, ``step=0.5``, to keep it
quick, and ``round_training=RoundTraining(max_epochs=400)``: this small
network takes more than the default cap of ``10 * max_epochs`` epochs to
level off once penalized).
Without it the first network predicts the validation rows no better than a
constant (``fit`` warns) and a relevant column is lost.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np

from skchaos.feature_selection import AttributionRFE, RoundTraining
from skchaos.neural import MLPRegressor

rng = np.random.RandomState(0)
X = rng.uniform(-1, 1, size=(400, 200))
y = X[:, 0] ** 2 + np.sin(2 * X[:, 1])  # columns 0 and 1 matter
net = MLPRegressor(
    hidden_layer_sizes=(32, 32), lr=5e-3, batch_size=64, max_epochs=10, random_state=0
)

selectors = {}
for penalty in (0, "auto"):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        selector = AttributionRFE(
            net,
            input_penalty=penalty,
            step=0.5,
            round_training=RoundTraining(max_epochs=400),
            random_state=0,
        )
        selectors[penalty] = selector.fit(X, y)
    print(f"input_penalty={penalty!r}: selected {selector.get_support(indices=True)}")
    for warning in caught:
        print("   warning:", str(warning.message)[:100], "...")

# %%
# The validation loss of every size along the two paths (a loss of 1 is the
# variance of the standardized target: a constant prediction). Without the
# penalty, the first network (200 columns) is no better than a constant, and
# its ranking eliminates column 0 in the first rounds; with it, the first
# network already explains most of the target and the path keeps both
# columns. The star marks the selected size.
fig, ax = plt.subplots(figsize=(7, 4))
for penalty, selector in selectors.items():
    sizes = np.array(selector.history_["n_features"])
    loss = -np.array(selector.history_["score"])
    (line,) = ax.plot(sizes, loss, marker="o", label=f"input_penalty={penalty!r}")
    chosen = sizes == selector.n_features_
    ax.plot(sizes[chosen], loss[chosen], "*", markersize=14, color=line.get_color())
ax.axhline(1.0, color="grey", linestyle=":", label="a constant prediction")
ax.set_xscale("log")
ax.set_xlabel("number of features")
ax.set_ylabel("validation loss (standardized MSE)")
ax.legend()
fig.tight_layout()
plt.show()
