"""
Attribution-based elimination against scikit-learn's selectors
==============================================================

The diabetes data set has 10 features. We append 100 columns of pure noise
and ask three selectors to find the original ones again, without telling
them how many there are:

- :class:`~skchaos.feature_selection.AttributionRFE` with a small network and
  saliency attributions on a validation split;
- scikit-learn's :class:`~sklearn.feature_selection.RFECV` with a linear
  model (coefficients, 5-fold cross-validation);
- :class:`~sklearn.feature_selection.SelectFromModel` with a random forest
  (impurity importances above their mean).

Not all 10 diabetes features matter (``age`` and ``sex``, for instance, add
little), so a recall below 1 is no failure; keeping noise columns is.
"""

# %%
# The data
# --------
# The features and the target are standardized (the network's default
# learning rate suits unit scales); the noise columns are Gaussian.
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.ensemble import RandomForestRegressor
from sklearn.feature_selection import RFECV, SelectFromModel
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skchaos.feature_selection import AttributionRFE
from skchaos.metrics import selection_precision_score, selection_recall_score
from skchaos.neural import MLPRegressor

diabetes = load_diabetes()
rng = np.random.RandomState(0)
X = np.hstack([diabetes.data, rng.normal(size=(len(diabetes.data), 100))])
X = StandardScaler().fit_transform(X)
y = (diabetes.target - diabetes.target.mean()) / diabetes.target.std()
original = np.arange(X.shape[1]) < 10
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
print(X_train.shape)

# %%
# The selectors
# -------------
# Each one returns a mask; the final model is refitted on the selected
# columns (the network for AttributionRFE, a linear model for RFECV, a forest
# for SelectFromModel) and scored on the test rows. With 265 training rows
# for 110 features the network is small and uses dropout.
net = MLPRegressor(
    hidden_layer_sizes=(16,), lr=3e-3, batch_size=64, max_epochs=60, dropout=0.1
)
selectors = {
    "AttributionRFE (saliency)": AttributionRFE(net, random_state=0),
    "RFECV (LinearRegression)": RFECV(LinearRegression(), step=0.1, cv=5),
    "SelectFromModel (forest)": SelectFromModel(
        RandomForestRegressor(n_estimators=200, random_state=0)
    ),
}
finals = {
    "AttributionRFE (saliency)": None,  # its own refitted network
    "RFECV (LinearRegression)": None,  # its own refitted linear model
    "SelectFromModel (forest)": RandomForestRegressor(n_estimators=200, random_state=0),
}
rows = []
for name, selector in selectors.items():
    tic = time.perf_counter()
    selector.fit(X_train, y_train)
    support = selector.get_support()
    if finals[name] is None:
        y_pred = selector.predict(X_test)
    else:
        model = finals[name].fit(X_train[:, support], y_train)
        y_pred = model.predict(X_test[:, support])
    rows.append(
        {
            "selector": name,
            "selected": int(support.sum()),
            "precision": selection_precision_score(support, original),
            "recall": selection_recall_score(support, original),
            "test R^2": r2_score(y_test, y_pred),
            "seconds": time.perf_counter() - tic,
        }
    )
table = pd.DataFrame(rows).set_index("selector")
print(table.round(2))

# %%
# Which original features each selector kept:
names = np.array(diabetes.feature_names)
for name, selector in selectors.items():
    support = selector.get_support()
    print(f"{name:28s} {list(names[support[:10]])}, noise: {support[10:].sum()}")

# %%
# The elimination path of AttributionRFE: the validation loss improves while
# the noise columns go, then degrades once informative features are removed.
ax = selectors["AttributionRFE (saliency)"].plot_history()
ax.set_title("AttributionRFE on diabetes + 100 noise columns")
plt.show()
