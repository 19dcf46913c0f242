"""Multi-layer perceptrons as scikit-learn estimators, trained with skorch."""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from skorch import NeuralNetClassifier, NeuralNetRegressor

from skchaos.neural._base import NeuralClassifierMixin, NeuralRegressorMixin
from skchaos.neural._modules import ACTIVATIONS, MLP, check_hidden_layer_sizes


class _MLPMixin:
    """Module arguments and parameter constraints shared by the MLP estimators."""

    _parameter_constraints = {
        "hidden_layer_sizes": [
            Interval(Integral, 1, None, closed="left"),
            "array-like",
        ],
        "activation": [StrOptions(set(ACTIVATIONS)), callable],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def _module_kwargs_from_X(self, X):
        return {"n_features": X.shape[1]}

    def _module_param_kwargs(self):
        return {
            "hidden_layer_sizes": check_hidden_layer_sizes(self.hidden_layer_sizes),
            "activation": self.activation,
            "dropout": self.dropout,
        }


_SHARED_PARAMETERS = """
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

    lr : float, default=1e-3
        Learning rate of ``optimizer``.

    max_epochs : int, default=1000
        Number of passes over the training data (the paper's 1000), fewer
        when early stopping triggers. ``partial_fit`` runs this many more.

    batch_size : int or None, default=None
        Rows per optimizer step. ``None`` (or -1) trains on the full batch,
        as the paper does; it also sets the prediction batch size.

    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        The optimizer; its other arguments go in ``optimizer__name``.

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the training rows%s
        and stop when their loss has not improved for ``n_iter_no_change``
        epochs, restoring the weights of the best epoch. If False, all rows
        are trained on and no validation is done (as in the paper).

    validation_fraction : float, default=0.1
        Share of the training rows held out when ``early_stopping=True``.

    n_iter_no_change : int, default=20
        Patience of the early stopping, in epochs.

    device : str or torch.device, default="auto"
        Where to train: ``"auto"`` picks ``"cuda"`` when available, else
        ``"cpu"``. The parameter keeps its value; see ``device_``.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, dropout, shuffling and validation
        split, locally (the global torch seed is never touched): equal values
        give equal predictions on CPU. ``None`` leaves torch unseeded.

    verbose : int, default=0
        0 prints nothing, 1 a table with one line per epoch.

    warm_start : bool, default=False
        Whether ``fit`` continues from the current weights instead of
        re-initializing the module (the input width must then be unchanged).

    **kwargs : dict
        Other skorch arguments, e.g. ``module`` (default :class:`MLP`),
        ``criterion`` (default %s), ``callbacks``, ``train_split``,
        ``iterator_train`` and ``iterator_valid`` (default
        :class:`TensorBatchIterator`), ``dataset`` (default
        :class:`TensorBatchDataset`), and prefixed ones such as
        ``module__name``, ``optimizer__weight_decay`` or
        ``iterator_train__shuffle``. A custom ``module`` is called with
        ``n_features``, ``n_outputs``, ``hidden_layer_sizes``, ``activation``
        and ``dropout`` plus its ``module__`` arguments.
"""

_SHARED_ATTRIBUTES = """
    module_ : torch.nn.Module
        The trained network (an :class:`MLP` by default); its first layer is
        ``module_.input_layer``.

    criterion_ : torch.nn.Module
        The loss.

    optimizer_ : torch.optim.Optimizer
        The optimizer, with its state.

    history_ : skorch.History
        Per-epoch records (``train_loss``, ``valid_loss``, ``dur``, ...).

    n_iter_ : int
        Number of epochs run since the module was initialized.

    device_ : str
        The device the module lives on, e.g. ``"cpu"`` or ``"cuda"``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when ``X`` has string column
        names.
"""


class MLPRegressor(_MLPMixin, NeuralRegressorMixin, NeuralNetRegressor):
    __doc__ = (
        """Multi-layer perceptron regressor, trained with skorch on device tensors.

    The default network is the ChaosMining model: three hidden layers of 100
    GELU units, trained with Adam (lr 1e-3) on the mean squared error, full
    batch, for 1000 epochs. ``X`` and ``y`` are moved to the device once per fit
    and batched without per-sample collation, which makes training several
    times faster than a ``DataLoader`` loop. It is a skorch
    ``NeuralNetRegressor``: callbacks, ``history_``, ``partial_fit`` and the
    skorch ``prefix__name`` parameters all work.

    Parameters
    ----------"""
        + _SHARED_PARAMETERS % ("", "``torch.nn.MSELoss``")
        + """
    Attributes
    ----------"""
        + _SHARED_ATTRIBUTES
        + """
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
    )

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
        super().__init__(
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            optimizer=optimizer,
            device=device,
            verbose=verbose,
            warm_start=warm_start,
            **self._skorch_kwargs(kwargs, module=MLP, criterion=torch.nn.MSELoss),
        )
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state


class MLPClassifier(_MLPMixin, NeuralClassifierMixin, NeuralNetClassifier):
    __doc__ = (
        """Multi-layer perceptron classifier, trained with skorch on device tensors.

    The network outputs one logit per class (two for a binary problem) and is
    trained with ``CrossEntropyLoss``; ``predict_proba`` is their softmax and
    ``decision_function`` the logits. Labels may be of any type (``classes_``
    holds them). Training is as in :class:`MLPRegressor`: the ChaosMining
    network by default, full batch, data moved to the device once per fit.

    Parameters
    ----------"""
        + _SHARED_PARAMETERS
        % (" (stratified by class)", "``torch.nn.CrossEntropyLoss``")
        + """
    Attributes
    ----------"""
        + _SHARED_ATTRIBUTES
        + """
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted. skorch's ``classes`` argument (in ``kwargs``)
        fixes them in advance.

    See Also
    --------
    MLPRegressor : The regressor counterpart.
    sklearn.neural_network.MLPClassifier : scikit-learn's numpy MLP.

    Notes
    -----
    The module is trained on the encoded labels ``0 .. n_classes - 1``; skorch
    scoring callbacks (e.g. ``EpochScoring("accuracy")``) compare those with
    ``predict``, so they are only meaningful for labels that are already
    ``0 .. n_classes - 1``.

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
    )

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
        super().__init__(
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            optimizer=optimizer,
            device=device,
            verbose=verbose,
            warm_start=warm_start,
            **self._skorch_kwargs(
                kwargs, module=MLP, criterion=torch.nn.CrossEntropyLoss
            ),
        )
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
