"""The refit of ``refit="auto"``: the selected round's network, continued.

The network of the round a selector keeps has already converged on the
selected columns. Under ``refit="auto"``, :func:`warm_refit` makes it
``estimator_`` instead of training a new clone from scratch:

1. the net folds the path's standardization into its own first and last
   layers (:meth:`skchaos.neural.MLPRegressor._absorb_standardization`),
   so that it takes the selected columns as given and predicts the target in
   its own units; a check on validation rows makes sure it computes the same
   function;
2. the parameters the selector set for the rounds (``input_penalty``,
   ``batch_size``) go back to the user's values;
3. it trains on the path's training rows until its loss on the validation
   rows, which no network of the path trained on, levels off; the best
   weights are kept (the starting ones included, and on a run that diverges
   on the raw columns).

Estimators whose network cannot do this (plain skorch nets, pipelines,
inputs with channels, networks without a linear first and last layer, rounds
of a fixed number of epochs) get the cold refit of
:func:`~skchaos.feature_selection._setup.refit_selected`.
"""

from contextlib import suppress

from skchaos.feature_selection._nets import is_plain_net
from skchaos.feature_selection._path import MIN_DELTA
from skchaos.feature_selection._round_params import ROUND_ONLY_PARAMS
from skchaos.feature_selection._rows import Scaling, held_out_weights
from skchaos.feature_selection._warm_start import N_CHECK_ROWS
from skchaos.neural import TrainingDivergedError
from skchaos.utils import final_net, split_estimator


def keeps_path_models(refit, setup, X):
    """Whether a path must keep its rounds' networks for ``refit``.

    ``refit=False`` hands over the selected round's network; ``"auto"``
    continues it where :func:`can_continue` allows; ``True`` trains a new
    clone.
    """
    if isinstance(refit, str):
        return can_continue(setup, X)
    return not refit


def can_continue(setup, X):
    """Whether the rounds' networks can become ``estimator_`` under ``"auto"``.

    They must be skchaos nets (not in a pipeline) on 2-D data, trained until
    converged, on standardized columns.
    """
    estimator = setup.trainer.estimator
    prefix, net = split_estimator(estimator)
    return (
        setup.trainer.auto
        and setup.standardize
        and X.ndim == 2
        and prefix is None
        and not is_plain_net(net)
        and hasattr(net, "_absorb_standardization")
    )


def standardizes(refit):
    """Whether the path trains on standardized data under ``refit``.

    ``refit=False`` hands the user a network of the path as it is, which must
    then take the data as given.
    """
    return isinstance(refit, str) or bool(refit)


def warm_refit(setup, path, chosen, support, X, y, seed, sample_weight=None):
    """The selected round's network in the data's units, trained on.

    Parameters
    ----------
    setup : Setup
        The selector's path setup.
    path : Path
        The elimination path, with its rounds' networks kept.
    chosen : int
        The selected round (its network is in ``path.models``; a path keeps
        them when :func:`keeps_path_models` says so).
    support : ndarray of bool of shape (n_features,)
        The columns of the selected round.
    X, y : ndarray
        The selector's validated training data (all the columns).
    seed : int or None
        Seeds torch during the training when the net has no
        ``random_state``.
    sample_weight : ndarray, default=None
        The rows' weights.

    Returns
    -------
    estimator : estimator or None
        The network, or None when it cannot be continued (see the module
        docstring); the path's network is then left as it was.
    """
    trainer, scaling = setup.trainer, path.scaling
    if not path.models:  # kept only where can_continue allows
        return None
    model = path.models[chosen]
    net = final_net(model)
    train, val = path.train_rows, path.val_rows
    X_sel = X[:, support]  # X[train] first would copy every column
    X_train, y_train = X_sel[train], y[train]
    X_val, y_val = X_sel[val], y[val]
    folded = net._absorb_standardization(
        scaling.x_mean[support],
        scaling.x_scale[support],
        scaling.y_mean,
        scaling.y_scale,
        X_check=X_val[:N_CHECK_ROWS],
    )
    if not folded:
        return None
    user = final_net(trainer.final_estimator).get_params(deep=False)
    net.set_params(**{name: user[name] for name in ROUND_ONLY_PARAMS if name in user})
    w = sample_weight
    # A run that diverges on the raw columns gives its best weights back.
    with suppress(TrainingDivergedError):
        net._fine_tune(
            X_train,
            y_train,
            epochs=trainer.cap(),
            X_valid=X_val,
            y_valid=y_val,
            min_delta=MIN_DELTA * Scaling().loss_scale(y_train, setup.classifier),
            seed=seed,
            sample_weight=None if w is None else w[train],
            valid_sample_weight=held_out_weights(w, val, setup.caller),
        )
    return model
