"""Multi-layer perceptrons as scikit-learn estimators, trained with skorch."""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from skorch import NeuralNetClassifier, NeuralNetRegressor

from skchaos.neural._docs import FITTED_ATTRIBUTES, TRAINING
from skchaos.neural._modules import ACTIVATIONS, MLP, check_hidden_layer_sizes
from skchaos.neural._targets import NeuralClassifierMixin, NeuralRegressorMixin
from skchaos.utils import Substitution


class _MLPMixin:
    """Module arguments and parameter constraints shared by the MLP estimators."""

    _parameter_constraints = {
        "hidden_layer_sizes": [
            Interval(Integral, 1, None, closed="left"),
            "array-like",
        ],
        "activation": [StrOptions(set(ACTIVATIONS)), callable],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "input_dropout": [Interval(Real, 0, 1, closed="left")],
        "input_penalty": [Interval(Real, 0, None, closed="left")],
    }

    def initialize_module(self):
        """Build the module; with ``input_penalty``, check it has an input layer."""
        super().initialize_module()
        if self.input_penalty:
            self._input_weight()
        return self

    def train_step(self, batch, **fit_params):
        """One optimizer step, then the proximal step of ``input_penalty``."""
        step = super().train_step(batch, **fit_params)
        if self.input_penalty:
            self._shrink_input_columns()
        return step

    def _input_weight(self):
        """The weight of the layer that takes the features."""
        for module in self.module_.modules():
            if isinstance(module, torch.nn.Linear):
                return module.weight
            if next(module.parameters(recurse=False), None) is not None:
                break
        raise ValueError(
            f"input_penalty={self.input_penalty} needs a module whose first "
            f"layer is an nn.Linear on the features; {type(self.module_).__name__} "
            "has none. Use input_penalty=0."
        )

    def _shrink_input_columns(self):
        """Group soft-thresholding of the input layer's columns.

        The proximal step of ``input_penalty * sum_j ||W[:, j]||_2`` at the
        current learning rate: each column (the weights leaving one feature)
        shrinks towards zero by ``lr * input_penalty`` in norm, and becomes
        exactly zero when it is shorter than that.
        """
        weight = self._input_weight()
        lr = next(
            (
                group["lr"]
                for group in self.optimizer_.param_groups
                if any(p is weight for p in group["params"])
            ),
            self.lr,  # an optimizer that does not train the layer
        )
        with torch.no_grad():
            norms = weight.norm(dim=0, keepdim=True)
            factor = 1 - lr * self.input_penalty / norms.clamp_min(1e-12)
            weight.mul_(factor.clamp_min(0))

    def _module_kwargs_from_X(self, X):
        return {"n_features": X.shape[1]}

    def _module_param_kwargs(self):
        return {
            "hidden_layer_sizes": check_hidden_layer_sizes(self.hidden_layer_sizes),
            "activation": self.activation,
            "dropout": self.dropout,
            "input_dropout": self.input_dropout,
        }


_NETWORK_PARAMETERS = """
    hidden_layer_sizes : int or sequence of int, default=(100, 100, 100)
        The width of each hidden layer (the paper's 3 x 100); ``()`` gives a
        linear model.

    activation : str, nn.Module or callable, default="gelu"
        Nonlinearity after each hidden layer: one of ``"elu"``, ``"gelu"``,
        ``"leaky_relu"``, ``"relu"``, ``"sigmoid"``, ``"silu"``, ``"tanh"``,
        a module (deep-copied for each layer, e.g. ``nn.LeakyReLU(0.2)``), or
        a callable returning a new module (e.g. a module class). Each layer
        gets its own instance, so hook-based attributions (DeepLift) see
        every nonlinearity.

    dropout : float, default=0.0
        Dropout probability after each activation.

    input_dropout : float, default=0.0
        Dropout probability of the inputs while training: each feature of
        each sample is zeroed at random (the others scaled by
        ``1 / (1 - input_dropout)``), so the network cannot lean on one of
        several correlated features.
        :class:`~skchaos.feature_selection.AttributionBoruta` trains its
        iterations' networks with 0.3.

    input_penalty : float, default=0.0
        Strength of a group-lasso penalty on the input layer: the objective
        adds ``input_penalty`` times the sum, over the features, of the
        Euclidean norm of the weights leaving each feature. It is applied as
        a proximal step after every optimizer step (group soft-thresholding
        at the current learning rate), so the weights of unused features
        can become exactly zero. It keeps the network from memorizing the
        training rows through many irrelevant columns (wide data: hundreds of
        noise features or more); 0 disables it.
        :class:`~skchaos.feature_selection.AttributionRFE` trains the
        networks of its path with 0.3 on standardized data (more beyond
        1,100 features).
""".strip()

_MLP_ATTRIBUTES = """
    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when ``X`` has string column
        names.
""".strip()

#: The fields shared by the MLP estimators (the paper's training defaults).
_MLP_FIELDS = {
    "network": _NETWORK_PARAMETERS,
    "training": TRAINING,
    "fitted_attributes": FITTED_ATTRIBUTES + "\n\n    " + _MLP_ATTRIBUTES,
    "lr": "1e-3",
    "max_epochs": "1000",
    "batch_size": "None",
    "n_iter_no_change": "20",
    "input_width": "input width",
    "module": "MLP",
    "classes": "",
    "module_args": (
        "``n_features``, ``n_outputs``, ``hidden_layer_sizes``,\n"
        "        ``activation``, ``dropout``, ``input_dropout``"
    ),
    "module_note": "its first layer is ``module_.input_layer``",
}


@Substitution(**_MLP_FIELDS, stratified="", criterion="torch.nn.MSELoss")
class MLPRegressor(_MLPMixin, NeuralRegressorMixin, NeuralNetRegressor):
    """Multi-layer perceptron regressor, trained with skorch on device tensors.

    The default network is the ChaosMining model: three hidden layers of 100
    GELU units, trained with Adam (lr 1e-3) on the mean squared error, full
    batch, for 1000 epochs. ``X`` and ``y`` are moved to the device once per fit
    and batched without per-sample collation, which makes training several
    times faster than a ``DataLoader`` loop. It is a skorch
    ``NeuralNetRegressor``: callbacks, ``history_``, ``partial_fit`` and the
    skorch ``prefix__name`` parameters all work.

    Parameters
    ----------
    %(network)s

    %(training)s

    Attributes
    ----------
    %(fitted_attributes)s

    n_outputs_ : int
        Number of targets.

    See Also
    --------
    MLPClassifier : The classifier counterpart.
    sklearn.neural_network.MLPRegressor : scikit-learn's numpy MLP.

    Notes
    -----
    ``predict`` returns float64 even though the network computes in float32.

    References
    ----------
    .. [1] Shi, Kan, Smucny and Davidson (2024). "ChaosMining: A Benchmark to
       Evaluate Post-Hoc Local Attribution Methods in Low SNR Environments".
       arXiv:2406.12150.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.neural import MLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = X[:, 0] - 0.5 * X[:, 1]
    >>> reg = MLPRegressor(hidden_layer_sizes=(16,), lr=0.01, max_epochs=200,
    ...                    random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    >>> bool(reg.score(X, y) > 0.9)
    True
    >>> reg.n_iter_, reg.get_params()["device"]  # device_ holds the resolved one
    (200, 'auto')
    """

    _parameter_constraints = {
        **NeuralRegressorMixin._parameter_constraints,
        **_MLPMixin._parameter_constraints,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100, 100, 100),
        activation="gelu",
        dropout=0.0,
        *,
        input_dropout=0.0,
        input_penalty=0.0,
        lr=1e-3,
        max_epochs=1000,
        batch_size=None,
        optimizer=torch.optim.Adam,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=20,
        device="auto",
        random_state=None,
        verbose=0,
        warm_start=False,
        **kwargs,
    ):
        self._init_params(locals(), module=MLP, criterion=torch.nn.MSELoss)


@Substitution(
    **_MLP_FIELDS,
    stratified=" (stratified by class when possible)",
    criterion="torch.nn.CrossEntropyLoss",
)
class MLPClassifier(_MLPMixin, NeuralClassifierMixin, NeuralNetClassifier):
    """Multi-layer perceptron classifier, trained with skorch on device tensors.

    The network outputs one logit per class (two for a binary problem) and is
    trained with ``CrossEntropyLoss``; ``predict_proba`` is their softmax and
    ``decision_function`` the logits. Labels may be of any type (``classes_``
    holds them). Training is as in :class:`MLPRegressor`: the ChaosMining
    network by default, full batch, data moved to the device once per fit.

    Parameters
    ----------
    %(network)s

    %(training)s

    Attributes
    ----------
    %(fitted_attributes)s

    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted. skorch's ``classes`` argument (in ``kwargs``)
        fixes them in advance.

    See Also
    --------
    MLPRegressor : The regressor counterpart.
    sklearn.neural_network.MLPClassifier : scikit-learn's numpy MLP.

    Notes
    -----
    The module is trained on the encoded labels ``0 .. n_classes - 1``;
    skorch scoring callbacks with their default ``target_extractor`` (e.g.
    ``EpochScoring("accuracy")``) still compare ``predict`` with the original
    labels, while a custom ``target_extractor`` receives the encoded ones.

    References
    ----------
    .. [1] Shi, Kan, Smucny and Davidson (2024). "ChaosMining: A Benchmark to
       Evaluate Post-Hoc Local Attribution Methods in Low SNR Environments".
       arXiv:2406.12150.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.neural import MLPClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = np.where(X[:, 0] > 0, "pos", "neg")
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), lr=0.01, max_epochs=100,
    ...                     random_state=0).fit(X, y)
    >>> clf.classes_
    array(['neg', 'pos'], dtype='<U3')
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_constraints = {
        **NeuralClassifierMixin._parameter_constraints,
        **_MLPMixin._parameter_constraints,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100, 100, 100),
        activation="gelu",
        dropout=0.0,
        *,
        input_dropout=0.0,
        input_penalty=0.0,
        lr=1e-3,
        max_epochs=1000,
        batch_size=None,
        optimizer=torch.optim.Adam,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=20,
        device="auto",
        random_state=None,
        verbose=0,
        warm_start=False,
        **kwargs,
    ):
        self._init_params(locals(), module=MLP, criterion=torch.nn.CrossEntropyLoss)
