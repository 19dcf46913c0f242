"""Shared machinery of the skorch-based skchaos estimators.

:class:`NeuralEstimatorMixin` turns a skorch ``NeuralNet`` into a scikit-learn
estimator that validates its inputs, infers the module's shape from ``X`` at
fit time, seeds torch locally and trains on device-resident tensors. It is
composed of one mixin per concern: parameters (:mod:`._params`), the device
(:mod:`._device`), the training loop (:mod:`._training`), the warm starts
(:mod:`._fine_tune`) and the change of units (:mod:`._rescale`); the target
handling comes from :mod:`._targets`. A concrete estimator combines a target
mixin with the matching skorch class, e.g. ``class MLPRegressor(_MLPMixin,
NeuralRegressorMixin, NeuralNetRegressor)``, and implements
:meth:`NeuralEstimatorMixin._module_kwargs_from_X`; image ``(N, C, H, W)`` or
audio ``(N, C, T)`` estimators also set ``_allow_nd = True``.
"""

from contextlib import contextmanager

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.utils.validation import validate_data
from skorch.exceptions import NotInitializedError
from skorch.utils import is_dataset, to_numpy

from skchaos.neural._device import DeviceMixin
from skchaos.neural._fine_tune import FineTuneMixin
from skchaos.neural._iterators import TensorBatchDataset, TensorBatchIterator
from skchaos.neural._params import ParamsMixin
from skchaos.neural._rescale import RescaleMixin
from skchaos.neural._restrict import RestrictInputsMixin
from skchaos.neural._training import TrainingMixin
from skchaos.utils import (
    check_sample_weight,
    torch_random_context,
    torch_seed_from_random_state,
)


class NeuralEstimatorMixin(
    ParamsMixin,
    DeviceMixin,
    TrainingMixin,
    RestrictInputsMixin,
    FineTuneMixin,
    RescaleMixin,
):
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
      stops on the validation loss, restoring the best weights;
    - a ``KeyboardInterrupt`` (Ctrl-C) during ``fit`` propagates, leaving a
      usable net whose ``history_`` holds the finished epochs; a non-finite
      training loss raises :class:`~skchaos.neural.TrainingDivergedError`.
    """

    _allow_nd = False

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

    @contextmanager
    def _scoring_targets(self):
        """Hook around training: what scoring callbacks see as targets."""
        yield

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
        weight = vars(self).get("_sample_weight_t")
        if weight is not None and y is not None and len(weight) == len(X):
            return TensorBatchDataset(X, y, sample_weight=weight)
        return super().get_dataset(X, y)

    def check_data(self, X, y=None):
        # Inputs are validated before skorch sees them.
        pass

    # ------------------------------------------------------------ fitting
    def _check_sample_weight(self, sample_weight, X):
        """Validated weights as a float32 tensor on ``device_``, or None."""
        if sample_weight is None:
            return None
        weight = check_sample_weight(sample_weight, X)
        iterator = self.iterator_train
        if not (
            isinstance(iterator, type) and issubclass(iterator, TensorBatchIterator)
        ):
            raise ValueError(
                f"sample_weight needs the default iterator_train "
                f"(TensorBatchIterator), which batches the weights with their "
                f"rows; {type(self).__name__} has iterator_train={iterator!r}."
            )
        return torch.as_tensor(weight, dtype=torch.float32, device=self.device_)

    def _fit(
        self, X, y, *, reset, classes=None, routing_method, fit_params, sample_weight
    ):
        X, y = self._validate_data(X, y, reset=reset, **self._validate_y_kwargs)
        y, n_outputs = self._validate_y(y, reset=reset, classes=classes)
        if sample_weight is not None:
            check_sample_weight(sample_weight, X)  # before any initialization
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
                w_t = self._check_sample_weight(sample_weight, X)
                self._shuffle_generator_ = generator
                try:
                    with self._scoring_targets(), self._weighted(w_t):
                        self._train(
                            X_t, y_t, routing_method=routing_method, **fit_params
                        )
                finally:
                    vars(self).pop("_shuffle_generator_")
                    self.n_iter_ = len(self.history_)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Initialize the module and train it for ``max_epochs`` epochs.

        The module is re-initialized (for the shape of ``X``) unless
        ``warm_start=True`` and the estimator was fitted before.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights of the training loss, and of the early-stopping
            loss on the held-out rows: each batch's loss is
            ``sum(w * loss) / sum(w)``, so a row of weight 0 has no influence.
            Non-negative, finite, not all zero.
        **fit_params : dict
            Passed to the module's ``forward`` (and to ``train_split``).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not (self.warm_start and self.initialized_)
        return self._fit(
            X,
            y,
            reset=reset,
            routing_method="fit",
            fit_params=fit_params,
            sample_weight=sample_weight,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None, **fit_params):
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
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights of the loss (see :meth:`fit`).
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
            sample_weight=sample_weight,
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
