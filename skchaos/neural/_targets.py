"""Targets of the skchaos nets: regression values or class labels.

A concrete estimator combines one of these mixins with the matching skorch
class, e.g. ``class MLPRegressor(_MLPMixin, NeuralRegressorMixin,
NeuralNetRegressor)``.
"""

import functools
from contextlib import contextmanager

import numpy as np
import torch
from scipy.special import softmax
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from skorch.utils import to_numpy

from skchaos.neural._base import NeuralEstimatorMixin


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

    def _constant_output(self, y_t, weight):
        """The best constant output under the squared error: the mean target."""
        if weight is None:
            return y_t.mean(dim=0, keepdim=True)
        weight = weight.to(y_t.dtype)[:, None]
        return (weight * y_t).sum(0, keepdim=True) / weight.sum().clamp_min(1e-12)

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
        """Not available: a regressor has no class probabilities.

        skorch's ``NeuralNet`` defines ``predict_proba``; regressors hide it,
        so ``hasattr(regressor, "predict_proba")`` is False.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Raises
        ------
        AttributeError
            Always.
        """
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

    def _constant_output(self, y_t, weight):
        """The best constant logits under the log loss: the log class frequencies."""
        counts = torch.bincount(
            y_t,
            weights=None if weight is None else weight.double(),
            minlength=len(self.classes_),
        ).double()
        frequencies = counts / counts.sum().clamp_min(1e-12)
        return torch.log(frequencies.clamp_min(1e-12)).float()[None, :]

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
