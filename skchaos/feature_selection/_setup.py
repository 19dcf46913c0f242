"""What a selector's ``fit`` checks and builds before any training."""

from contextlib import contextmanager

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d
from sklearn_compat.utils.validation import validate_data

from skchaos.feature_selection._importance import (
    _ImportanceComputer,
    check_attribution,
    resolve_attribution,
)
from skchaos.feature_selection._path import Setup
from skchaos.feature_selection._scoring import Evaluator
from skchaos.feature_selection._warm_start import RoundTrainer, with_input_penalty


@contextmanager
def atomic_fit(selector):
    """Restore the selector's previous state if ``fit`` fails.

    A failed fit of a fresh selector leaves no fitted attribute, and a failed
    refit of a fitted one leaves the previous fit intact, never a mix.
    """
    snapshot = dict(vars(selector))
    try:
        yield
    except BaseException:
        vars(selector).clear()
        vars(selector).update(snapshot)
        raise


def validate_fit_data(selector, X, y):
    """``validate_data`` for a selector's ``fit``; returns ``X, y, classifier``.

    ``X`` may have channels (more than two dimensions); a classifier's targets
    must be class labels (a column vector is raveled with a warning), a
    regressor's numeric.
    """
    classifier = is_classifier(selector.estimator)
    X, y = validate_data(
        selector,
        X,
        y,
        reset=True,
        dtype=(np.float64, np.float32),
        allow_nd=True,
        ensure_min_samples=2,
        ensure_min_features=2,
        multi_output=True,
        y_numeric=not classifier,
    )
    if classifier:
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
    return X, y, classifier


def build_setup(selector, X, y, units, classifier):
    """The :class:`Setup` of a selector's elimination path, on validated data.

    Checks the attribution, its parameters and the validation split, and
    builds the importance, the validation scores and the round trainer.
    """
    params = check_attribution(selector.attribution, selector.attribution_params)
    attribution = resolve_attribution(
        selector.attribution, selector.estimator, type(selector).__name__
    )
    n_val = int(np.ceil(selector.validation_fraction * X.shape[0]))
    if n_val < 1 or X.shape[0] - n_val < 1:
        raise ValueError(
            f"validation_fraction={selector.validation_fraction} leaves no "
            f"training or no validation row out of {X.shape[0]} samples."
        )
    evaluate = Evaluator(selector.estimator, selector.scoring)
    n_outputs = None
    if not classifier and y.ndim == 2 and y.shape[1] > 1:
        n_outputs = y.shape[1]
    importance = _ImportanceComputer(
        attribution,
        params,
        selector.importance_aggregation,
        evaluate.score,
        n_outputs,
    )
    caller = type(selector).__name__
    trainer = RoundTrainer(
        with_input_penalty(
            selector.estimator, selector.input_penalty, caller, X.shape[1]
        ),
        final_estimator=selector.estimator,
        warm_start=selector.warm_start,
        epochs=selector.fine_tune_epochs,
        schedule=selector.fine_tune_schedule,
        max_round_epochs=selector.max_round_epochs,
    )
    setup = Setup(
        units=units,
        importance=importance,
        evaluate=evaluate,
        trainer=trainer,
        classifier=classifier,
        validation_fraction=selector.validation_fraction,
        step=selector.step,
        score_name=evaluate.name,
        verbose=selector.verbose,
        caller=caller,
        standardize=selector.refit,
    )
    return setup
