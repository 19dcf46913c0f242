"""
Select the columns of a mixed-type table
========================================

A practitioner's table has numeric and categorical columns and missing
cells, and the question is about *its* columns: does ``city`` matter? Here
:func:`~skchaos.datasets.make_mixed` draws such a table with a known truth:
2 numeric and 2 categorical columns drive the target, 6 numeric and 3
categorical columns do not, and 5% of the cells are missing.
:class:`~skchaos.feature_selection.AttributionRFE` takes a pipeline that
encodes the table (:func:`~skchaos.preprocessing.make_tabular_preprocessor`)
and ends in the network: it keeps or drops each of the table's columns with
all its encoded columns, and hands back the kept columns as they are.
"""

# %%
# The table
# ---------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from skchaos.datasets import make_mixed
from skchaos.feature_selection import AttributionRFE
from skchaos.neural import MLPRegressor
from skchaos.preprocessing import make_tabular_preprocessor

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
# Select the table's columns through the encoding pipeline
# --------------------------------------------------------
# The preprocessor is fitted on the rows ``fit`` receives (the training
# rows); 13 columns become about 40 encoded ones (one-hot levels, a
# missing-value level, missing-value indicators).
net = MLPRegressor((32,), lr=0.01, max_epochs=100, random_state=0)
pipe = make_pipeline(make_tabular_preprocessor(X_train), net)
selector = AttributionRFE(pipe, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # a short training, for the example
    selector.fit(X_train, y_train)
print(f"{X_train.shape[1]} columns encoded as {selector.history_['n_encoded'][0]}")
print("kept:", selector.get_feature_names_out().tolist())
print(selector.transform(X_test).head())  # the kept columns, as they are
print(f"R^2 on the test rows: {selector.score(X_test, y_test):.3f}")

# %%
# Each column's rank
# ------------------
# The rank of each column (1: kept; larger: eliminated earlier). The
# relevant columns are marked.
ranks = selector.ranking_
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
