"""The net parameters a selector sets for its rounds' networks only.

The networks of an elimination path (and of AttributionBoruta's
iterations) may train with an input penalty and on mini-batches that the
user's net does not have: :func:`with_input_penalty` and
:func:`with_round_batch_size` give the rounds' estimator, never changing the
user's, and :func:`first_lr_factor` the first network's learning rate;
:func:`net_param` and :func:`set_net_param` read and set a parameter of an
estimator's net (a pipeline's last step).
"""

import numpy as np
from sklearn.base import clone

from skchaos.utils import split_estimator

# The net parameters set here for the rounds' networks only (by
# with_input_penalty and with_round_batch_size): a network of the path that
# becomes estimator_ gets the user's values back.
ROUND_ONLY_PARAMS = ("input_penalty", "batch_size")

# The input penalty of the rounds' networks under input_penalty="auto": 0.3
# up to _AUTO_WIDTH inputs (the development settings had at most 1,007), then
# growing like the square root of the width, as the summed pull of many
# small noise weights does.
AUTO_INPUT_PENALTY = 0.3
_AUTO_WIDTH = 1100


def auto_input_penalty(n_features):
    """The strength of ``input_penalty="auto"`` for ``n_features`` inputs.

    Examples
    --------
    >>> from skchaos.feature_selection._round_params import auto_input_penalty
    >>> auto_input_penalty(60), round(auto_input_penalty(11000), 3)
    (0.3, 0.949)
    """
    return AUTO_INPUT_PENALTY * float(
        np.sqrt(max(n_features, _AUTO_WIDTH) / _AUTO_WIDTH)
    )


def with_net_default(estimator, name, value, caller, auto):
    """``estimator`` with its net's parameter ``name`` set to ``value``.

    A net with the parameter (the skchaos MLPs) that leaves it at 0 gets
    ``value`` (``"auto"``: ``auto``); a net that sets its own keeps it, and
    ``estimator`` itself is never changed. Other estimators stay as they
    are under ``"auto"`` or 0; a positive ``value`` raises ``ValueError``
    for them, before any training.

    Examples
    --------
    >>> from skchaos.feature_selection._round_params import with_net_default
    >>> from skchaos.neural import MLPRegressor
    >>> net = with_net_default(MLPRegressor(), "input_dropout", "auto", "S", 0.3)
    >>> net.input_dropout
    0.3
    """
    net, params = _net_and_params(estimator)
    if name not in params:
        if value != "auto" and value > 0:
            raise ValueError(
                f"{caller}: {name}={value} needs a network with an {name} "
                f"parameter (the skchaos MLPs); {type(net).__name__} has none. "
                f"Use {name}=0 or 'auto'."
            )
        return estimator
    if value == "auto":
        value = auto
    if params[name] or not value:
        return estimator
    return set_net_param(estimator, name, value)


def net_param(estimator, name):
    """The value of the parameter ``name`` of ``estimator``'s net, or None.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from skchaos.feature_selection._round_params import net_param
    >>> from skchaos.neural import MLPRegressor
    >>> net_param(MLPRegressor(lr=0.01), "lr"), net_param(Ridge(), "lr")
    (0.01, None)
    """
    return _net_and_params(estimator)[1].get(name)


def _net_and_params(estimator):
    """``estimator``'s net (a pipeline's last step) and its own parameters
    (empty for an estimator without ``get_params``)."""
    net = split_estimator(estimator)[1]
    return net, net.get_params(deep=False) if hasattr(net, "get_params") else {}


def set_net_param(estimator, name, value):
    """A clone of ``estimator`` whose net (a pipeline's last step) has ``name=value``.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skchaos.feature_selection._round_params import set_net_param
    >>> from skchaos.neural import MLPRegressor
    >>> pipe = set_net_param(make_pipeline(StandardScaler(), MLPRegressor()),
    ...                      "input_penalty", 2.0)
    >>> pipe[-1].input_penalty
    2.0
    """
    if split_estimator(estimator)[0] is not None:
        name = f"{estimator.steps[-1][0]}__{name}"
    return clone(estimator).set_params(**{name: value})


def with_input_penalty(estimator, penalty, caller, n_features):
    """The estimator of the rounds: ``estimator`` with its net's input penalty.

    :func:`with_net_default` of ``input_penalty``; ``"auto"`` is
    :func:`auto_input_penalty` of ``n_features``.
    """
    auto = auto_input_penalty(n_features)
    return with_net_default(estimator, "input_penalty", penalty, caller, auto)


# Rows per optimizer step of the rounds' networks under
# RoundTraining(batch_size="auto"), for nets that train on full batches.
AUTO_BATCH_SIZE = 256


def with_round_batch_size(estimator, batch_size, caller):
    """The estimator of the rounds: ``estimator`` with its net's batch size.

    ``"auto"`` gives a net that trains on full batches (``batch_size`` None
    or -1) :data:`AUTO_BATCH_SIZE` rows per step and leaves any other as it
    is; an int sets the net's ``batch_size``; None keeps it. ``estimator``
    itself is never changed. An int for an estimator without a
    ``batch_size`` raises ``ValueError``, before any training.

    Examples
    --------
    >>> from skchaos.feature_selection._round_params import with_round_batch_size
    >>> from skchaos.neural import MLPRegressor
    >>> with_round_batch_size(MLPRegressor(), "auto", "S").batch_size
    256
    >>> with_round_batch_size(MLPRegressor(batch_size=64), "auto", "S").batch_size
    64
    """
    if batch_size is None:
        return estimator
    net, params = _net_and_params(estimator)
    if "batch_size" not in params:
        if batch_size != "auto":
            raise _needs_net_param(caller, "batch_size", batch_size, net, "None")
        return estimator
    if batch_size == "auto":
        if params["batch_size"] not in (None, -1):
            return estimator
        batch_size = AUTO_BATCH_SIZE
    return set_net_param(estimator, "batch_size", int(batch_size))


# The first network's learning rate under RoundTraining(first_lr_factor=
# "auto"), as a multiple of the net's lr, where the path moves a full-batch
# net to mini-batches and the first network's training rows make at least
# AUTO_FIRST_LR_MIN_BATCHES of them (results/dev/screen-dev.md, "The first
# network's learning rate": fewer mini-batches per epoch, as on the small
# development tables, and the first network stops at its floor of epochs
# at either rate, so the faster rate saves nothing and changes the ranking).
AUTO_FIRST_LR_FACTOR = 3.0
AUTO_FIRST_LR_MIN_BATCHES = 4


def first_lr_factor(factor, estimator, rounds, caller):
    """The first network's learning rate: ``(multiple of the net's lr, min rows)``.

    ``"auto"`` is :data:`AUTO_FIRST_LR_FACTOR` when the rounds' estimator
    ``rounds`` trains on other batches than the user's ``estimator`` (a
    full-batch net moved to mini-batches, whose ``lr`` was set for full
    batches), for a first network with at least
    :data:`AUTO_FIRST_LR_MIN_BATCHES` mini-batches of training rows (the
    returned minimum number of rows); 1 otherwise. A number is taken as
    given, whatever the rows; a number other than 1 for an estimator without
    an ``lr`` raises ``ValueError``, before any training.

    Examples
    --------
    >>> from skchaos.feature_selection._round_params import (
    ...     first_lr_factor, with_round_batch_size)
    >>> from skchaos.neural import MLPRegressor
    >>> net = MLPRegressor()
    >>> first_lr_factor("auto", net, with_round_batch_size(net, "auto", "S"), "S")
    (3.0, 1024)
    >>> first_lr_factor("auto", net, net, "S")
    (1.0, 0)
    """
    if factor == "auto":
        batch_size = net_param(rounds, "batch_size")
        if net_param(estimator, "batch_size") == batch_size:
            return 1.0, 0
        return AUTO_FIRST_LR_FACTOR, AUTO_FIRST_LR_MIN_BATCHES * int(batch_size)
    if factor != 1 and net_param(rounds, "lr") is None:
        net = split_estimator(rounds)[1]
        raise _needs_net_param(caller, "first_lr_factor", factor, net, "1", "lr")
    return float(factor), 0


def _needs_net_param(caller, field, value, net, neutral, param=None):
    """The ``ValueError`` of a ``RoundTraining`` field that needs a net parameter.

    ``field=value`` needs the net's parameter ``param`` (the field's name when
    None), which ``net`` lacks; ``neutral`` (or ``"auto"``) leaves it alone.
    """
    param = field if param is None else param
    article = "an" if param == "lr" else "a"
    return ValueError(
        f"{caller}: round_training=RoundTraining({field}={value!r}) needs a "
        f"network with {article} {param} parameter; {type(net).__name__} has "
        f"none. Use {field}={neutral} or 'auto'."
    )
