"""
Select the columns of a mixed-type table
========================================

A practitioner's table has numeric and categorical columns and missing
cells, and the question is about *its* columns: does ``city`` matter? Here
:func:`~skchaos.datasets.make_mixed` draws such a table with a known truth:
2 numeric and 2 categorical columns drive the target, 6 numeric and 3
categorical columns do not, and 5% of the cells are missing.
:func:`~skchaos.preprocessing.make_tabular_preprocessor` encodes it column
by column, and :func:`~skchaos.preprocessing.input_columns` gives
:class:`~skchaos.feature_selection.AttributionRFE` the input column of every
encoded one as ``feature_groups``: each of the table's columns is kept or
dropped with all its encoded columns.
"""

# %%
# The table
# ---------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skchaos.datasets import make_mixed
from skchaos.feature_selection import AttributionRFE
from skchaos.neural import MLPRegressor
from skchaos.preprocessing import input_columns, make_tabular_preprocessor

data = make_mixed(
    n_samples=1500,
    n_numeric_noise=6,
    n_categorical_noise=3,
    n_levels=4,
    noise=0.3,
    random_state=0,
    return_X_y=False,
)
X, y = data.data, data.target
relevant = [name for name, r in zip(X.columns, data.relevant_mask) if r]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
print(X_train.head())
print("relevant columns:", relevant)

# %%
# Encode on the training rows, then select by input column
# ---------------------------------------------------------
# The preprocessor is fitted on the training rows only; 13 columns become
# about 40 encoded ones (one-hot levels, a missing-value level, missing-value
# indicators).
pre = make_tabular_preprocessor(X_train).fit(X_train)
Z_train, groups = pre.transform(X_train), input_columns(pre)
print(f"{X_train.shape[1]} columns encoded as {Z_train.shape[1]}")

net = MLPRegressor((32,), lr=0.01, max_epochs=100, random_state=0)
selector = AttributionRFE(net, feature_groups=groups, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # a short training, for the example
    selector.fit(Z_train, y_train)
kept = X.columns[np.unique(groups[selector.support_])].tolist()
print("kept:", kept)
print(f"R^2 on the test rows: {selector.score(pre.transform(X_test), y_test):.3f}")

# %%
# Each column's rank
# ------------------
# The rank of each input column (1: kept; larger: eliminated earlier), read
# from its first encoded column. The relevant columns are marked.
first = np.array([np.flatnonzero(groups == i)[0] for i in range(X.shape[1])])
ranks = selector.ranking_[first]
order = np.argsort(ranks, kind="stable")
colors = ["tab:red" if X.columns[i] in relevant else "tab:gray" for i in order]
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.bar([X.columns[i] for i in order], ranks[order], color=colors)
ax.set_ylabel("rank (1 = kept)")
ax.set_title("AttributionRFE on a mixed table (red: relevant columns)")
ax.tick_params(axis="x", rotation=60)
fig.tight_layout()
plt.show()

# %%
# ``AttributionRFE`` is minimal-optimal: it keeps the smallest set of
# columns that predicts the validation rows as well as all of them, so a
# relevant column whose effect the network has not learnt well may go. The
# command line does all of this for a CSV file: ``skchaos select table.csv
# --target y`` encodes categorical columns and missing cells and reports
# your own columns.
