"""Validation scores of a selector's rounds, with the loss of every row.

The default scores are losses that decompose over rows (squared error, log
loss, 0-1 loss), so that the size rule can compare two rounds row by row on
the same validation rows (see
:func:`~skchaos.feature_selection._size_rule.acceptable_rounds`).
"""

import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import check_scoring

from skchaos.utils import MIN_GAIN


def default_scoring(estimator):
    """The name of the default score of ``estimator`` (``scoring=None``)."""
    if not is_classifier(estimator):
        return "neg_mean_squared_error"
    if hasattr(estimator, "predict_proba"):
        return "neg_log_loss"
    return "accuracy"


def _squared_error(model, X, y):
    pred = np.asarray(model.predict(X), dtype=np.float64).reshape(len(y), -1)
    target = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    return np.mean((pred - target) ** 2, axis=1)


def _log_loss(model, X, y):
    """Per-row log loss; a label the model never saw has probability 0.

    Comparing with the model's own ``classes_`` (not the labels present in
    ``y``) lets a validation split that misses a class, or a training split
    that misses one, be scored instead of failing.
    """
    proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    classes = np.asarray(model.classes_)
    index = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
    known = classes[index] == y
    p = np.where(known, proba[np.arange(len(y)), index], 0.0)
    eps = np.finfo(np.float64).eps
    return -np.log(np.clip(p, eps, 1.0))


def _zero_one(model, X, y):
    return (np.asarray(model.predict(X)) != np.asarray(y)).astype(np.float64)


_ROW_LOSSES = {
    "neg_mean_squared_error": _squared_error,
    "neg_log_loss": _log_loss,
    "accuracy": _zero_one,
}


def _row_wise(estimator, scoring):
    """Whether a named ``scoring`` is one of the per-row losses, for this kind."""
    if not isinstance(scoring, str) or scoring not in _ROW_LOSSES:
        return False
    if scoring == "neg_mean_squared_error":
        return not is_classifier(estimator)
    if scoring == "neg_log_loss":
        return is_classifier(estimator) and hasattr(estimator, "predict_proba")
    return is_classifier(estimator)


class Evaluator:
    """``evaluate(model, X, y) -> (score, row_losses)`` for a selector's rounds.

    Parameters
    ----------
    estimator : estimator object
        The selector's (unfitted) estimator.
    scoring : str, callable or None
        None: the default loss of :func:`default_scoring`, with per-row
        losses, as are ``"neg_mean_squared_error"`` (regressors),
        ``"neg_log_loss"`` and ``"accuracy"`` (classifiers); anything else
        is a scikit-learn scorer, without per-row losses.
    """

    def __init__(self, estimator, scoring):
        self.name = default_scoring(estimator) if scoring is None else scoring
        if scoring is None or _row_wise(estimator, scoring):
            self._row_loss = _ROW_LOSSES[self.name]
            self._scorer = None
        else:
            self._row_loss = None
            self._scorer = check_scoring(estimator, scoring=scoring)
        if not isinstance(self.name, str):
            self.name = "score"

    @property
    def row_losses(self):
        """Whether the scores come with per-row losses."""
        return self._row_loss is not None

    def __call__(self, model, X, y, sample_weight=None):
        if self._row_loss is None:
            kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
            return float(self._scorer(model, X, y, **kwargs)), None
        losses = weighted_rows(self._row_loss(model, X, y), sample_weight)
        offset = 1.0 if self.name == "accuracy" else 0.0
        return float(offset - np.mean(losses)), losses

    def score(self, model, X, y, sample_weight=None):
        """The score alone (for test rows)."""
        return self(model, X, y, sample_weight)[0]


def weighted_rows(losses, sample_weight):
    """Per-row losses scaled by ``w / mean(w)``: their mean is the weighted mean.

    The size rule compares rounds row by row on these values, so a row of
    weight 0 takes no part in it.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection._scoring import weighted_rows
    >>> weighted_rows(np.array([1.0, 3.0]), np.array([0.0, 2.0])).tolist()
    [0.0, 6.0]
    """
    if sample_weight is None:
        return losses
    weight = np.asarray(sample_weight, dtype=np.float64)
    return losses * (weight / weight.mean())


def constant_row_losses(name, y, sample_weight=None):
    """Per-row losses on ``y`` of the best constant prediction for ``y`` itself.

    The constant is scikit-learn's dummy estimator fitted on ``y`` (its mean;
    its class frequencies, whose most frequent class is the prediction),
    scored by the same per-row loss as the rounds; None for a score without
    per-row losses. Fitted on the rows it is scored on, the constant is a
    slightly optimistic baseline: a network that learned nothing cannot beat
    it on average.
    """
    if name not in _ROW_LOSSES:
        return None
    constant = (
        DummyRegressor()
        if name == "neg_mean_squared_error"
        else DummyClassifier(strategy="prior")
    )
    X = np.zeros((len(y), 1))
    constant.fit(X, y, sample_weight=sample_weight)
    return weighted_rows(_ROW_LOSSES[name](constant, X, y), sample_weight)


def learned_something(losses, baseline):
    """Whether per-row ``losses`` beat the best constant's ``baseline``.

    The mean loss must be lower by more than ``MIN_GAIN`` of the constant's
    and by more than two standard errors of the paired differences (True
    when there are too few rows to tell).
    """
    if losses is None or baseline is None or len(losses) < 2:
        return True
    gain = np.asarray(baseline) - np.asarray(losses)
    se = gain.std(ddof=1) / np.sqrt(len(gain))
    return gain.mean() > max(2 * se, MIN_GAIN * np.mean(baseline))


def warn_if_none_learned(checked, caller):
    """Warn when none of the first iterations' networks beat a constant.

    ``checked`` holds ``(losses, baseline)`` of each. An iteration that drew
    none of the relevant features may fail alone, so the warning needs all
    of them to fail, alone and with their held-out rows pooled (small gains
    that no single iteration shows with two standard errors may add up).
    """
    if not checked or any(learned_something(*pair) for pair in checked):
        return False
    pooled = [np.concatenate(part) for part in zip(*checked)]
    network = f"the first {len(checked)} iterations' (held-out rows pooled)"
    return warn_if_uninformative(*pooled, caller, network)


def warn_if_uninformative(losses, baseline, caller, network="the selected round's"):
    """Warn when a network predicts no better than a constant; return whether.

    ``losses`` and ``baseline`` are the per-row validation losses of a
    round's network and of the best constant (see
    :func:`constant_row_losses`). The network has learned something when its
    mean loss is lower by more than ``MIN_GAIN`` of the constant's and by
    more than two standard errors of the paired differences; otherwise its
    attributions, and the selection, are likely noise.
    """
    if learned_something(losses, baseline):
        return False
    warnings.warn(
        f"{caller}: {network} network predicts the validation rows no better "
        f"than a constant (mean validation loss {np.mean(losses):.4g} against "
        f"{np.mean(baseline):.4g} for the best constant; it must be lower by "
        f"1% and by two standard errors). Its attributions, and the "
        "selection, are likely noise. Train longer or faster (the net's "
        "max_epochs, lr), give it more rows or fewer columns, or check that "
        "the target depends on the features.",
        UserWarning,
        stacklevel=5,
    )
    return True
