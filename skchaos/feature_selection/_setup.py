"""What a selector's ``fit`` checks and builds before any training."""

from contextlib import contextmanager

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d, has_fit_parameter
from sklearn_compat.utils.validation import validate_data

from skchaos.feature_selection._importance import (
    _ImportanceComputer,
    check_attribution,
    resolve_attribution,
)
from skchaos.feature_selection._nets import (
    as_net_arrays,
    is_plain_net,
    widened_net,
)
from skchaos.feature_selection._path import Setup
from skchaos.feature_selection._round_params import (
    first_lr_factor,
    with_input_penalty,
    with_round_batch_size,
)
from skchaos.feature_selection._round_training import resolve_round_training
from skchaos.feature_selection._rows import early_stopping_fraction, split_rows
from skchaos.feature_selection._scoring import Evaluator
from skchaos.feature_selection._warm_refit import standardizes
from skchaos.feature_selection._warm_start import RoundTrainer, prefix_is_columnwise
from skchaos.utils import (
    check_groups,
    check_sample_weight,
    draw_seed,
    final_net,
    split_estimator,
)


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
    # A plain skorch net computes in float32 and converts nothing itself.
    plain = is_plain_net(selector.estimator)
    X, y = validate_data(
        selector,
        X,
        y,
        reset=True,
        dtype=np.float32 if plain else (np.float64, np.float32),
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


def checked_net(estimator, X, caller, width=None):
    """``estimator``, its plain skorch net able to take ``width`` columns of ``X``.

    ``width`` (default: ``X``'s own) is the number of columns (axis 1) the
    selector will hand the net at most. A plain skorch net whose module
    cannot take them as it is gets its width parameter set
    (:func:`~skchaos.feature_selection._nets.widened_net`); one that cannot
    be widened, or that follows transformers that do not keep one column per
    column, raises ``ValueError`` before any training.
    """
    if not is_plain_net(estimator):
        return estimator
    n_inputs = X.shape[1]
    prefix, _ = split_estimator(estimator)
    if prefix is not None and not prefix_is_columnwise(
        _with_fitted_prefix(estimator, X), n_inputs
    ):
        steps = ", ".join(name for name, _ in prefix.steps)
        raise ValueError(
            f"{caller}: the transformers ({steps}) before the plain skorch net "
            f"{type(final_net(estimator)).__name__} change the columns, so the "
            "selector cannot hand it a subset of them in the module's own "
            "width. Use transformers that keep one column per column (e.g. "
            "StandardScaler), or a skchaos net, which builds its module for "
            "the width it is given."
        )
    return widened_net(
        estimator, n_inputs if width is None else width, n_inputs, caller, X.shape[2:]
    )


def _with_fitted_prefix(estimator, X):
    """A pipeline whose transformers are fitted on a few rows of ``X``."""
    model = clone(estimator)
    prefix, _ = split_estimator(model)
    try:
        prefix.fit(X[:50])
    except (TypeError, ValueError):
        return estimator  # judged unfitted, as a prefix that changes columns
    model.steps = [*prefix.steps, model.steps[-1]]
    return model


def check_fit_metadata(selector, X, sample_weight, groups, y=None):
    """Validated ``sample_weight`` and ``groups`` of a selector's ``fit``.

    Both before any training: the weights need a net that weighs its loss
    (the skchaos nets, or an estimator whose ``fit`` takes
    ``sample_weight``); ``groups`` must have one label per row and at least
    two groups (the validation split keeps each group on one side).
    """
    caller = type(selector).__name__
    if sample_weight is not None:
        sample_weight = check_sample_weight(sample_weight, X)
        _, final = split_estimator(selector.estimator)
        if is_plain_net(selector.estimator) or not has_fit_parameter(
            final, "sample_weight"
        ):
            raise ValueError(
                f"{caller}: sample_weight needs an estimator whose fit weighs "
                f"its loss by row; {type(final).__name__}.fit takes no "
                "sample_weight. Use a skchaos net (skchaos.neural.MLPRegressor, "
                "MLPClassifier, ...), or pass no sample_weight."
            )
    if sample_weight is not None and y is not None and is_classifier(selector):
        weighted = np.unique(y[sample_weight > 0])
        if len(weighted) < 2:
            raise ValueError(
                f"{caller}: sample_weight is positive for rows of a single class "
                f"({weighted[0]!r}); a classifier needs rows of at least 2 "
                "classes with positive weight."
            )
    if groups is not None:
        groups = check_groups(groups, X, min_groups=2)
    return sample_weight, groups


def build_scoring(selector, X, y, classifier, scoring=None):
    """The validation scores and the importances of a selector, checked.

    Checks the attribution, its parameters and the validation split (every
    selector holds ``validation_fraction`` of the rows out), and returns
    the :class:`Evaluator` of ``scoring`` and the importance computer.
    """
    caller = type(selector).__name__
    params = check_attribution(selector.attribution, selector.attribution_params)
    attribution = resolve_attribution(selector.attribution, selector.estimator, caller)
    n_val = int(np.ceil(selector.validation_fraction * X.shape[0]))
    if n_val < 1 or X.shape[0] - n_val < 1:
        raise ValueError(
            f"validation_fraction={selector.validation_fraction} leaves no "
            f"training or no validation row out of {X.shape[0]} samples."
        )
    evaluate = Evaluator(selector.estimator, scoring)
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
    return evaluate, importance


def build_setup(selector, X, y, units, classifier):
    """The :class:`Setup` of a selector's elimination path, on validated data.

    The scores and importances of :func:`build_scoring`, and the round
    trainer of the selector's ``round_training`` and ``input_penalty``.
    """
    evaluate, importance = build_scoring(selector, X, y, classifier, selector.scoring)
    caller = type(selector).__name__
    estimator = checked_net(selector.estimator, X, caller)
    training = resolve_round_training(selector)
    rounds = with_input_penalty(estimator, selector.input_penalty, caller, X.shape[1])
    batched = with_round_batch_size(rounds, training.batch_size, caller)
    trainer = RoundTrainer(
        batched,
        final_estimator=estimator,
        warm_start=training.warm_start,
        epochs=training.epochs,
        schedule=training.schedule,
        max_round_epochs=training.max_epochs,
        patience=training.patience,
        until_learned=training.until_learned,
        first_lr_factor=first_lr_factor(
            training.first_lr_factor, rounds, batched, caller
        ),
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
        standardize=standardizes(selector.refit),
    )
    return setup


def refit_selected(setup, X, y, support, rng, seeded, sample_weight=None, groups=None):
    """The final estimator, trained on all the rows with the ``support`` columns.

    When the rounds train until converged, a part of the rows (each group on
    one side, the net's ``validation_fraction``) stops the training; a plain
    skorch net receives its columns in its module's own width. Shared by the
    selectors.
    """
    trainer = setup.trainer
    seed = draw_seed(rng, seeded)
    X_sel, y = as_net_arrays(
        trainer.final_estimator, X[:, support], y, setup.classifier
    )
    X_es = y_es = w_es = None
    w = sample_weight
    if trainer.auto:
        fraction = early_stopping_fraction(trainer.estimator)
        fit, es = split_rows(y, fraction, rng, setup.classifier, groups)
        X_sel, y, X_es, y_es = X_sel[fit], y[fit], X_sel[es], y[es]
        if w is not None:
            w, w_es = w[fit], w[es]
    return trainer.refit(
        X_sel,
        y,
        X_es,
        y_es,
        seed,
        columns=np.flatnonzero(support),
        n_inputs=X.shape[1],
        weights=None if w is None else (w, w_es),
    )
