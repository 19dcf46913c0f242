"""
Bring your own skorch net
=========================

:class:`~skchaos.feature_selection.AttributionRFE` takes the skorch nets you
already have, not only the skchaos ones. Here is the classifier of skorch's
own README: a module whose first layer is written as ``nn.Linear(20, 10)``,
in a plain ``NeuralNetClassifier``. The selector never changes the module: it
hands it the columns that are left through
:class:`~skchaos.neural.InputSubset`, in the module's own width, the dropped
columns held at zero (their mean, once the selector has standardized them).
Each round trains until its loss on held-out rows levels off, with skorch's
own ``EarlyStopping``.
"""

# %%
# The data and the net, as in skorch's README
# -------------------------------------------
# ``make_classification`` with ``shuffle=False`` puts the 5 informative
# columns first, then 2 redundant ones (linear combinations of them, so they
# carry the signal too), then 13 noise columns.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from skorch import NeuralNetClassifier
from torch import nn

from skchaos.feature_selection import AttributionRFE

X, y = make_classification(1000, 20, n_informative=5, shuffle=False, random_state=0)
X, y = X.astype(np.float32), y.astype(np.int64)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)


class MyModule(nn.Module):
    def __init__(self, num_units=10):
        super().__init__()
        self.dense0 = nn.Linear(20, num_units)
        self.nonlin = nn.ReLU()
        self.dropout = nn.Dropout(0.5)
        self.dense1 = nn.Linear(num_units, num_units)
        self.output = nn.Linear(num_units, 2)
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, X, **kwargs):
        X = self.nonlin(self.dense0(X))
        X = self.dropout(X)
        X = self.nonlin(self.dense1(X))
        return self.softmax(self.output(X))


net = NeuralNetClassifier(
    MyModule, max_epochs=40, lr=0.1, iterator_train__shuffle=True, verbose=0
)

# %%
# Selection
# ---------
selector = AttributionRFE(net, random_state=0).fit(X_train, y_train)
print("kept columns:", selector.get_support(indices=True))
print("(informative: 0-4, redundant: 5-6, noise: 7-19)")
print("rounds:", selector.history_["training"][:3], "...")
print(f"test accuracy on the kept columns: {selector.score(X_test, y_test):.3f}")

# %%
# What the selector fitted is your net, with ``InputSubset`` around your
# module: ``estimator_.module_.inner`` is the trained ``MyModule``.
module = selector.estimator_.module_
print(type(module).__name__, "->", type(module.inner).__name__)
print("columns it receives:", module.columns.tolist())

# %%
# The validation score along the path; the filled markers are the sizes no
# worse than the best one, the smallest of which is selected.
selector.plot_history()
plt.show()
