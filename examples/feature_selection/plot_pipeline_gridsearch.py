"""
Attribution-based selection in a pipeline and a grid search
===========================================================

:class:`~skchaos.feature_selection.AttributionRFE` is a scikit-learn
meta-estimator: it can sit in a :class:`~sklearn.pipeline.Pipeline` as a
transformer, end one as a regressor (it predicts with the network refitted on
the selected features), and have its parameters, or those of its network,
tuned by :class:`~sklearn.model_selection.GridSearchCV` with the usual
``step__parameter`` names.
"""

# %%
# Data: formula 8 (three relevant variables) and 12 noise features
# ----------------------------------------------------------------
import pandas as pd
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skchaos.datasets import PAPER_FORMULAS, make_symbolic
from skchaos.feature_selection import AttributionRFE
from skchaos.neural import MLPRegressor

print(PAPER_FORMULAS[7])
X, y = make_symbolic(8, n_samples=800, n_noise_features=12, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# The selector as the last step
# -----------------------------
# Scaling, then the selector; the pipeline's ``predict`` and ``score`` are
# those of the selector's network, refitted on the selected columns.
net = MLPRegressor(hidden_layer_sizes=(32,), lr=1e-2, batch_size=100, max_epochs=30)
pipe = Pipeline(
    [
        ("scale", StandardScaler()),
        ("select", AttributionRFE(net, random_state=0)),
    ]
)

# %%
# The grid: the selector's tolerance on the validation loss, and the
# network's learning rate (``select__estimator__lr``). Each candidate runs a
# full elimination per fold.
grid = GridSearchCV(
    pipe,
    {"select__tol": [0.02, 0.2], "select__estimator__lr": [3e-3, 1e-2]},
    cv=3,
)
grid.fit(X_train, y_train)
results = pd.DataFrame(grid.cv_results_)
print(results[["params", "mean_test_score", "rank_test_score"]])
print("best:", grid.best_params_)

best = grid.best_estimator_["select"]
print("selected columns:", best.get_support(indices=True), "(relevant: 0, 1, 2)")
print(f"test R^2: {grid.score(X_test, y_test):.3f}")

# %%
# The selector as a transformer
# -----------------------------
# In the middle of a pipeline the selector only passes on the selected
# columns; any model can come after it. With ``set_output(transform="pandas")``
# the column names survive.
knn = Pipeline(
    [
        ("scale", StandardScaler()),
        ("select", AttributionRFE(net, random_state=0)),
        ("model", KNeighborsRegressor(n_neighbors=10)),
    ]
).set_output(transform="pandas")
columns = [f"x{j}" for j in range(X.shape[1])]
knn.fit(pd.DataFrame(X_train, columns=columns), y_train)
print("columns passed on:", knn[:-1].get_feature_names_out())
print(f"k-NN test R^2: {knn.score(pd.DataFrame(X_test, columns=columns), y_test):.3f}")
