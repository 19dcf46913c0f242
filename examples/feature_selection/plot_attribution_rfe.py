"""
Attribution-based recursive feature elimination on a paper formula
==================================================================

ChaosMining's symbolic data hide a few relevant variables among many noise
features, and say which ones are relevant, so a feature selector can be
checked. :class:`~skchaos.feature_selection.AttributionRFE` trains a network,
ranks the features by the mean absolute attribution (here the saliency, the
gradient) of its predictions on a validation split held out of the training
rows, drops the weakest 20%, restricts the network to the survivors and
fine-tunes it, and so on. With ``n_features_to_select="auto"`` it then keeps
the smallest set whose validation loss is within 2% of the best one: it is
never told how many features are relevant.
"""

# %%
# The data: formula 10 plus 30 noise features
# -------------------------------------------
# ``0.5*(a-b)**2 + 0.2*(c+d*e)**3 - 0.5`` uses the first five columns; every
# other column is noise. We keep a test split that the selector never sees.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from skchaos.datasets import PAPER_FORMULAS, make_symbolic
from skchaos.feature_selection import AttributionRFE
from skchaos.metrics import (
    selection_f1_score,
    selection_precision_score,
    selection_recall_score,
)
from skchaos.neural import MLPRegressor

print(PAPER_FORMULAS[9])
data = make_symbolic(
    10, n_samples=2000, n_noise_features=30, random_state=0, return_X_y=False
)
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.25, random_state=0
)
relevant = data.relevant_mask
print(X_train.shape, "relevant columns:", np.flatnonzero(relevant))

# %%
# The selector
# ------------
# A small GELU network trained with mini-batches; the selector holds out 20%
# of the training rows, and each round fine-tunes the previous network for
# 20% of its epochs instead of training a new one.
net = MLPRegressor(hidden_layer_sizes=(64, 64), lr=3e-3, batch_size=128, max_epochs=60)
selector = AttributionRFE(net, attribution="saliency", random_state=0)
selector.fit(X_train, y_train)

selected = selector.get_support(indices=True)
print("selected columns:", selected)
print(
    f"precision {selection_precision_score(selector.support_, relevant):.2f}, "
    f"recall {selection_recall_score(selector.support_, relevant):.2f}, "
    f"F1 {selection_f1_score(selector.support_, relevant):.2f}"
)
print(f"test R^2 of the network refitted on them: {selector.score(X_test, y_test):.3f}")

# %%
# The elimination path
# --------------------
# ``history_`` records every round: how many features were left, the
# validation score (the negative MSE), and how the network was obtained.
history = pd.DataFrame(selector.history_)
history["relevant kept"] = [relevant[f].sum() for f in history["features"]]
print(history[["n_features", "score", "relevant kept", "training", "time"]])

# %%
# The validation loss falls while noise features go, and jumps as soon as a
# relevant one is removed; the red line marks the selected size.
ax = selector.plot_history()
ax.set_yscale("symlog", linthresh=1e-4)
plt.show()

# %%
# Importances against the truth
# -----------------------------
# ``importances_`` holds, for each feature, the importance measured in the
# last round it took part in: the relevant ones stand far above the noise.
fig, ax = plt.subplots(figsize=(8, 3))
colors = np.where(relevant, "tab:green", "tab:gray")
ax.bar(np.arange(len(relevant)), selector.importances_, color=colors)
ax.set_yscale("log")
ax.set_xlabel("feature (green: relevant)")
ax.set_ylabel("mean |saliency|")
plt.show()
