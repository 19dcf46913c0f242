"""Shared machinery of the skorch-based skchaos estimators.

:class:`NeuralEstimatorMixin` turns a skorch ``NeuralNet`` into a scikit-learn
estimator that validates its inputs, infers the module's shape from ``X`` at
fit time, seeds torch locally, resolves ``device="auto"`` without changing the
parameter, and trains on device-resident tensors.
:class:`NeuralRegressorMixin` and :class:`NeuralClassifierMixin` add the target
handling and the prediction methods. A concrete estimator combines one of them
with the matching skorch class, e.g.
``class MLPRegressor(_MLPMixin, NeuralRegressorMixin, NeuralNetRegressor)``, and
implements :meth:`NeuralEstimatorMixin._module_kwargs_from_X`; image ``(N, C, H,
W)`` or audio ``(N, C, T)`` estimators also set ``_allow_nd = True``.
"""

import functools
import inspect
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import softmax
from sklearn.base import _fit_context
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    Options,
    validate_parameter_constraints,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.utils.validation import validate_data
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping, EpochTimer, PassthroughScoring, PrintLog
from skorch.dataset import get_len
from skorch.exceptions import NotInitializedError
from skorch.utils import is_dataset, to_numpy
from torch.utils.data import Subset

from skchaos.neural._fine_tune import FineTuneMixin
from skchaos.neural._iterators import TensorBatchDataset, TensorBatchIterator
from skchaos.utils import (
    resolve_device,
    torch_random_context,
    torch_seed_from_random_state,
)


def _checked_device(device):
    """Resolve ``device`` and fail early when it names an absent CUDA device."""
    resolved = resolve_device(device)
    if torch.device(resolved).type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} needs CUDA, which is not available; use "
            "device='auto' or device='cpu'."
        )
    return resolved


class _PrintLog(PrintLog):
    """skorch's ``PrintLog``, without formatting a table nobody will see.

    skorch's version tabulates every epoch and only then checks ``verbose``;
    that costs about as much as a small network's training step.
    """

    def on_epoch_end(self, net, **kwargs):
        if net.verbose or self.sink is not print:
            super().on_epoch_end(net, **kwargs)


@functools.cache
def _own_param_names(cls):
    """Parameters of ``cls.__init__`` that skorch's ``NeuralNet`` does not know."""
    own = inspect.signature(cls.__init__).parameters
    skorch = inspect.signature(NeuralNet.__init__).parameters
    return frozenset(own) - frozenset(skorch) - {"self", "kwargs"}


class NeuralEstimatorMixin(FineTuneMixin):
    """Scikit-learn behaviour for a skorch ``NeuralNet``; put it first in the bases.

    Subclasses implement :meth:`_module_kwargs_from_X` (the module's shape
    arguments inferred from the training ``X``) and may extend
    :meth:`_module_param_kwargs` (module arguments taken from the estimator's
    own parameters). Setting the class attribute ``_allow_nd = True`` accepts
    ``X`` with more than two dimensions (images, audio). Target handling comes
    from :class:`NeuralRegressorMixin` or :class:`NeuralClassifierMixin`.

    What the mixin does, around skorch's machinery (callbacks, history,
    ``train_split``, ``warm_start`` and ``partial_fit`` all keep working):

    - ``fit`` validates the data and the ``_parameter_constraints``, converts
      ``X`` and ``y`` to tensors on the device once, and trains on them with
      :class:`~skchaos.neural.TensorBatchIterator` (no per-sample collation);
    - the module is built at fit time with the input shape of ``X``, so a refit
      on another number of columns works;
    - ``device="auto"`` stays the parameter's value; the resolved device is the
      fitted attribute ``device_``;
    - torch is seeded locally from ``random_state`` (never the global seed), and
      mini-batches are shuffled with an explicit ``torch.Generator``;
    - ``early_stopping=True`` holds out ``validation_fraction`` of the data and
      stops on the validation loss, restoring the best weights.
    """

    _allow_nd = False

    _parameter_constraints = {
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [
            None,
            Interval(Integral, 1, None, closed="left"),
            Options(Integral, {-1}),
        ],
        "optimizer": [callable],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    @staticmethod
    def _skorch_kwargs(kwargs, **defaults):
        """Complete a concrete ``__init__``'s skorch ``kwargs`` with defaults.

        The fast tensor dataset and iterators, no ``train_split``, then the
        estimator's own ``defaults`` (``module``, ``criterion``); whatever the
        caller passed wins, so ``clone`` round-trips.
        """
        return {
            "dataset": TensorBatchDataset,
            "iterator_train": TensorBatchIterator,
            "iterator_valid": TensorBatchIterator,
            "train_split": None,
            **defaults,
            **kwargs,
        }

    # ------------------------------------------------------------------ hooks
    def _module_kwargs_from_X(self, X):
        """Return the module's shape arguments inferred from the training ``X``.

        Called once per (re)initializing fit, on the validated numpy ``X``.
        """
        raise NotImplementedError

    def _module_param_kwargs(self):
        """Return module arguments taken from the estimator's own parameters."""
        return {}

    def _validate_y(self, y, *, reset, classes=None):
        """Return ``(y, n_outputs)``: targets ready for torch, and output width."""
        raise NotImplementedError

    def _y_to_tensor(self, y):
        raise NotImplementedError

    def _stratify(self, y):
        """Labels to stratify the early-stopping split on (None: no stratify)."""
        return None

    # ------------------------------------------------------------- params
    def __setattr__(self, name, value):
        # skorch registers any torch module assigned to the net as a component
        # of its own; the estimator's hyper-parameters (e.g. an activation
        # module) are plain values.
        if name in _own_param_names(type(self)):
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)

    def _get_param_names(self):
        # skorch lists every attribute of ``__dict__`` not ending in "_",
        # including its private bookkeeping (``_params_to_validate``).
        return [name for name in super()._get_param_names() if name[0] != "_"]

    def _validate_params(self):
        # skorch's ``_validate_params`` (unknown ``prefix__`` arguments) shadows
        # scikit-learn's; run both, so that ``_fit_context`` checks both.
        super()._validate_params()
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Parameters
        ----------
        **params : dict
            Estimator parameters, including skorch's ``prefix__name`` ones.

        Returns
        -------
        self : object
            The estimator.
        """
        if "device" in params:
            super().set_params(device=params.pop("device"))
        if "callbacks" in params:
            # A plain parameter, used by initialize(); skorch would rebuild the
            # callbacks from the previous value here, and fail if it was invalid.
            self.callbacks = params.pop("callbacks")
        if not params:
            return self
        if not getattr(self, "initialized_", False):
            return super().set_params(**params)
        architecture = self._architecture()
        # skorch may re-initialize the module here: keep it where it lives.
        with self._device_context():
            super().set_params(**params)
        if self._architecture() != architecture:
            # A new architecture (say, hidden_layer_sizes) needs a new module:
            # the next fit builds it even with warm_start=True; until then the
            # fitted module keeps predicting.
            self.initialized_ = False
        return self

    def _architecture(self):
        """The module's keyword arguments set by parameters, or None if invalid."""
        try:
            return self._module_param_kwargs()
        except (TypeError, ValueError):
            return None

    # ------------------------------------------------------------- device
    @contextmanager
    def _device_context(self):
        """Swap the resolved device into ``self.device`` while skorch runs.

        skorch reads ``self.device`` (module and criterion placement, ``infer``,
        ``get_loss``, callbacks); ``"auto"`` must stay the parameter's value.
        """
        requested = self.device
        resolved = getattr(self, "device_", None)
        self.device = resolved if resolved is not None else _checked_device(requested)
        try:
            yield
        finally:
            self.device = requested

    def initialize(self):
        """Initialize the module, criterion, optimizer, callbacks and history.

        ``fit`` calls it; the module's shape comes from the training data, so
        calling it before any fit needs the shape as ``module__`` arguments.

        Returns
        -------
        self : object
            The initialized estimator.
        """
        self.device_ = _checked_device(self.device)
        with self._device_context():
            return super().initialize()

    def initialize_module(self):
        """Build the module from the data shape and the module parameters.

        Returns
        -------
        self : object
            The estimator, with ``module_`` set.
        """
        kwargs = {
            **getattr(self, "_module_data_kwargs_", {}),
            **self._module_param_kwargs(),
            **self.get_params_for("module"),
        }
        try:
            module = self.initialized_instance(self.module, kwargs)
        except TypeError as exc:
            if hasattr(self, "_module_data_kwargs_"):
                raise
            raise NotInitializedError(
                f"{type(self).__name__} builds its module from the shape of the "
                "training data: call fit(X, y), or give the shape as module__ "
                f"arguments before initialize() ({exc})."
            ) from exc
        self.module_ = module
        return self

    def infer(self, x, **fit_params):
        """Run the module on one batch, on the fitted device."""
        with self._device_context():
            return super().infer(x, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Return the criterion's loss for one batch."""
        with self._device_context():
            return super().get_loss(y_pred, y_true, X=X, training=training)

    def load_params(self, *args, **kwargs):
        """Load module, optimizer, criterion or history states (see skorch).

        Parameters
        ----------
        *args, **kwargs
            Passed to :meth:`skorch.NeuralNet.load_params`.
        """
        with self._device_context():
            super().load_params(*args, **kwargs)
            self.device_ = self.device
        return self

    def __setstate__(self, state):
        # skorch maps the pickled tensors to ``state["device"]``, which must be
        # a real device: use the fitted one (falling back to CPU without CUDA).
        requested = state["device"]
        fitted = "device_" in state
        state["device"] = state["device_"] if fitted else "cpu"
        super().__setstate__(state)
        if fitted:
            self.device_ = self.device
        self.device = requested

    # --------------------------------------------------------------- data
    def _validate_data(self, X, y="no_validation", *, reset, **kwargs):
        """Validate ``X`` (and ``y`` unless "no_validation") the sklearn way."""
        return validate_data(
            self,
            X,
            y=y,
            reset=reset,
            dtype=(np.float32, np.float64),
            allow_nd=self._allow_nd,
            **kwargs,
        )

    def _X_to_tensor(self, X):
        """Turn a validated numpy ``X`` into a float32 tensor on ``device_``."""
        if not X.flags.writeable:
            X = X.copy()
        return torch.as_tensor(X, dtype=torch.float32, device=self.device_)

    def get_dataset(self, X, y=None):
        """Wrap ``X`` and ``y`` in ``self.dataset``, as tensors on ``device_``.

        Parameters
        ----------
        X : array-like, torch.Tensor or torch Dataset
            Inputs; arrays are converted to float32 tensors.
        y : array-like, torch.Tensor or None, default=None
            Targets.

        Returns
        -------
        dataset : torch Dataset
            The dataset.
        """
        if is_dataset(X):
            return X
        if not isinstance(X, torch.Tensor):
            X = self._X_to_tensor(np.asarray(X))
        if y is not None and not isinstance(y, torch.Tensor):
            y = torch.as_tensor(np.asarray(y), device=self.device_)
        return super().get_dataset(X, y)

    def check_data(self, X, y=None):
        # Inputs are validated before skorch sees them.
        pass

    # ------------------------------------------------------------ training
    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("print_log", _PrintLog()),
        ]

    @contextmanager
    def _scoring_targets(self):
        """Hook around training: what scoring callbacks see as targets."""
        yield

    def get_default_callbacks(self):
        """Return skorch's default callbacks, plus early stopping if asked for.

        Returns
        -------
        callbacks : list of (name, callback)
            The callbacks.
        """
        callbacks = list(self._default_callbacks)
        if self.early_stopping:
            # Read at initialize time only: get_params must not depend on it.
            early_stopping = EarlyStopping(
                monitor="valid_loss", patience=self.n_iter_no_change, load_best=True
            )
            callbacks.insert(-1, ("early_stopping", early_stopping))
        return callbacks

    def get_split_datasets(self, X, y=None, **fit_params):
        """Split the data into training and validation datasets.

        With ``early_stopping=True`` and no ``train_split``, a random
        ``validation_fraction`` of the rows (stratified for classifiers) is
        held out; otherwise skorch's ``train_split`` decides (``None``: no
        validation set).

        Parameters
        ----------
        X : torch.Tensor or torch Dataset
            Inputs.
        y : torch.Tensor or None, default=None
            Targets.
        **fit_params : dict
            Passed to ``train_split``.

        Returns
        -------
        dataset_train : torch Dataset
            The training rows.
        dataset_valid : torch Dataset or None
            The validation rows, or None.
        """
        if self.train_split is not None or not self.early_stopping:
            return super().get_split_datasets(X, y, **fit_params)
        dataset = self.get_dataset(X, y)
        train_index, valid_index = train_test_split(
            np.arange(len(dataset)),
            test_size=self.validation_fraction,
            random_state=self._rng_,
            stratify=self._stratify(y),
        )
        return Subset(dataset, train_index), Subset(dataset, valid_index)

    def get_iterator(self, dataset, training=False):
        """Return the batch iterator over ``dataset``.

        ``batch_size=None`` (or -1) is one full batch. The training
        :class:`~skchaos.neural.TensorBatchIterator` shuffles with the
        generator seeded from ``random_state``.

        Parameters
        ----------
        dataset : torch Dataset
            The data.
        training : bool, default=False
            Whether to use ``iterator_train`` (else ``iterator_valid``).

        Returns
        -------
        iterator : iterable of (X, y) batches
            The iterator.
        """
        prefix = "iterator_train" if training else "iterator_valid"
        iterator = getattr(self, prefix)
        kwargs = self.get_params_for(prefix)
        batch_size = kwargs.pop("batch_size", self.batch_size)
        if isinstance(iterator, type) and issubclass(iterator, TensorBatchIterator):
            kwargs["batch_size"] = batch_size
            if training:
                kwargs.setdefault("shuffle", True)
                kwargs.setdefault(
                    "generator", getattr(self, "_shuffle_generator_", None)
                )
        else:  # e.g. torch's DataLoader, where None means "no batching"
            full = batch_size is None or batch_size == -1
            kwargs["batch_size"] = len(dataset) if full else batch_size
        return iterator(dataset, **kwargs)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Run one training or validation pass over ``iterator``.

        Unlike skorch's version, batch losses are copied to the host once per
        pass rather than once per batch (no device synchronisation per step);
        callbacks see each batch's loss tensor in ``on_batch_end``.
        """
        if iterator is None:
            return
        losses, sizes = [], []
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            losses.append(step["loss"].detach())
            sizes.append(get_len(batch[0]))
            self.notify("on_batch_end", batch=batch, training=training, **step)
        if losses:
            values = torch.stack(losses).float().cpu().tolist()
            batches = self.history[-1]["batches"][-len(losses) :]
            for record, value, size in zip(batches, values, sizes):
                record[prefix + "_loss"] = value
                record[prefix + "_batch_size"] = size
        self.history.record(prefix + "_batch_count", len(losses))

    def _fit(self, X, y, *, reset, classes=None, routing_method, fit_params):
        X, y = self._validate_data(X, y, reset=reset, **self._validate_y_kwargs)
        y, n_outputs = self._validate_y(y, reset=reset, classes=classes)
        if reset or not hasattr(self, "_rng_"):
            self._rng_ = check_random_state(self.random_state)
        if reset:
            self._module_data_kwargs_ = {
                **self._module_kwargs_from_X(X),
                "n_outputs": n_outputs,
            }
        seed = (
            None
            if self.random_state is None
            else torch_seed_from_random_state(self._rng_)
        )
        with torch_random_context(seed) as generator:
            if reset:
                self.initialize()
            with self._device_context():
                X_t, y_t = self._X_to_tensor(X), self._y_to_tensor(y)
                self._shuffle_generator_ = generator
                try:
                    with self._scoring_targets():
                        super().partial_fit(
                            X_t, y_t, _routing_method=routing_method, **fit_params
                        )
                finally:
                    vars(self).pop("_shuffle_generator_")
        self.n_iter_ = len(self.history_)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, **fit_params):
        """Initialize the module and train it for ``max_epochs`` epochs.

        The module is re-initialized (for the shape of ``X``) unless
        ``warm_start=True`` and the estimator was fitted before.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        **fit_params : dict
            Passed to the module's ``forward`` (and to ``train_split``).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not (self.warm_start and self.initialized_)
        return self._fit(X, y, reset=reset, routing_method="fit", fit_params=fit_params)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs, initializing only on first use.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        classes : array-like of shape (n_classes,), default=None
            Classifiers only: every label that any call may see, needed on the
            first call when its ``y`` lacks some of them.
        **fit_params : dict
            Passed to the module's ``forward`` (and to ``train_split``).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not self.initialized_
        return self._fit(
            X,
            y,
            reset=reset,
            classes=classes,
            routing_method="partial_fit",
            fit_params=fit_params,
        )

    # ----------------------------------------------------------- predicting
    def _forward_numpy(self, X):
        """Validate ``X`` and return the module's output as a float64 array.

        A torch Dataset is used as is (skorch's scoring callbacks predict on
        the validation dataset).
        """
        check_is_fitted(self)
        if not is_dataset(X):  # skorch's scoring callbacks pass datasets
            X = self._X_to_tensor(self._validate_data(X, reset=False))
        output = self.forward(X, training=False)
        if isinstance(output, tuple):
            output = output[0]
        return to_numpy(output).astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        tags.input_tags.allow_nan = False
        if self._allow_nd:
            tags.input_tags.two_d_array = False
            tags.input_tags.three_d_array = True
        return tags


def _never(estimator):
    return False


class NeuralRegressorMixin(NeuralEstimatorMixin):
    """Regression targets and predictions for :class:`NeuralEstimatorMixin`.

    ``y`` of shape ``(n_samples,)`` or ``(n_samples, n_outputs)`` is trained on
    as float32 of shape ``(n_samples, n_outputs)``; ``predict`` returns float64,
    raveled when there is one output. ``predict_proba`` is hidden.
    """

    _validate_y_kwargs = {"multi_output": True, "y_numeric": True}

    def _validate_y(self, y, *, reset, classes=None):
        y = np.asarray(y, dtype=np.float32)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        if reset:
            self.n_outputs_ = y.shape[1]
        elif y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y.shape[1]} outputs, but {type(self).__name__} was fitted "
                f"with {self.n_outputs_}."
            )
        return y, self.n_outputs_

    def _y_to_tensor(self, y):
        return torch.as_tensor(y, device=self.device_)

    def predict(self, X):
        """Predict the targets of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions (float64).
        """
        y_pred = self._forward_numpy(X)
        return y_pred.ravel() if self.n_outputs_ == 1 else y_pred

    @available_if(_never)
    def predict_proba(self, X):  # pragma: no cover - hidden from regressors
        raise AttributeError("predict_proba")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


def _decode_labels(y, classes):
    """Map encoded targets (a tensor or array of ints) back to ``classes``."""
    return classes[to_numpy(y)]


class NeuralClassifierMixin(NeuralEstimatorMixin):
    """Classification targets and predictions for :class:`NeuralEstimatorMixin`.

    Labels of any type are encoded as ``0 .. n_classes - 1`` (``classes_`` holds
    the originals, sorted); the module outputs one logit per class (two for a
    binary problem) and is trained with a loss on logits such as
    ``CrossEntropyLoss``. ``decision_function`` returns the logits (their
    difference for binary problems), ``predict_proba`` their softmax.
    """

    _validate_y_kwargs = {}

    @property
    def classes_(self):
        """ndarray of shape (n_classes,): the class labels, sorted."""
        try:
            return self.__dict__["classes_"]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute 'classes_'; it "
                "is set by fit."
            ) from None

    @classes_.setter
    def classes_(self, value):
        self.__dict__["classes_"] = value

    def _validate_y(self, y, *, reset, classes=None):
        check_classification_targets(y)
        if reset:
            if classes is None and self.classes is not None and len(self.classes):
                classes = self.classes
            labels = np.unique(y) if classes is None else np.unique(classes)
            if len(labels) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in "
                    f"the data, but the data contains only one class: {labels[0]!r}."
                )
            self.classes_ = labels
        unseen = ~np.isin(y, self.classes_)
        if unseen.any():
            raise ValueError(
                f"y contains labels {np.unique(y[unseen]).tolist()} that are not in "
                f"classes_ {self.classes_.tolist()}."
            )
        return np.searchsorted(self.classes_, y), len(self.classes_)

    def _y_to_tensor(self, y):
        return torch.as_tensor(y, dtype=torch.long, device=self.device_)

    @contextmanager
    def _scoring_targets(self):
        """Let scoring callbacks compare predictions with the original labels.

        The net trains on encoded labels, but ``predict`` returns the original
        ones, so a skorch ``EpochScoring("accuracy")`` or ``BatchScoring``
        would compare ``"cat"`` with ``0``. During training, callbacks with
        skorch's default ``target_extractor`` get one that decodes the labels;
        a custom ``target_extractor`` receives the encoded labels unchanged.
        """
        decoder = functools.partial(_decode_labels, classes=self.classes_)
        wrapped = [
            callback
            for _, callback in getattr(self, "callbacks_", [])
            if getattr(callback, "target_extractor", None) is to_numpy
        ]
        for callback in wrapped:
            callback.target_extractor = decoder
        try:
            yield
        finally:
            for callback in wrapped:
                callback.target_extractor = to_numpy

    def _stratify(self, y):
        return None if y is None else y.cpu().numpy()

    def decision_function(self, X):
        """Return the module's logits for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The logits (float64); for two classes, the log-odds of
            ``classes_[1]`` (the difference of the two logits).
        """
        logits = self._forward_numpy(X)
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict_proba(self, X):
        """Return class probabilities, the softmax of the logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities (float64), in the order of ``classes_``.
        """
        return self._proba_from_output(self._forward_numpy(X))

    def _proba_from_output(self, output):
        nonlinearity = self.predict_nonlinearity
        if nonlinearity == "auto":
            return softmax(output, axis=1)
        if nonlinearity is None:
            return output
        return np.asarray(nonlinearity(torch.as_tensor(output)), dtype=np.float64)

    def predict(self, X):
        """Predict the class labels of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self._proba_from_output(self._forward_numpy(X))
        return self.classes_[np.argmax(proba, axis=1)]
