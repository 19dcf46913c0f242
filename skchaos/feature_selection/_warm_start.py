"""How a selector trains the network of each round of an elimination.

:class:`RoundTrainer` trains the first network, the network of every later
round (a warm start: the previous network restricted to the survivors and
fine-tuned, or a fresh clone), and the final refit. The skchaos nets do the
restriction and the fine-tuning themselves (``_restrict_inputs``,
``_fine_tune`` and ``_fit_converged``, see :mod:`skchaos.neural`); this
module only adds what is the selector's concern:

- the epochs of a round: until the loss on held-out rows levels off
  (``epochs="auto"``), or a fixed count;
- pipelines whose transformers keep one column per column (scalers), refitted
  on the survivors around the net;
- plain skorch nets, which receive their columns through
  :class:`~skchaos.neural.InputSubset` in their module's own width
  (:mod:`skchaos.feature_selection._nets`) and train with skorch's early
  stopping;
- the rows' weights (``sample_weight``), passed to every fit.
"""

from copy import deepcopy
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from skchaos.feature_selection._nets import (
    fit_plain_converged,
    is_plain_net,
    restrict_subset,
    subset_net,
)
from skchaos.utils import (
    final_net,
    fit_seeded,
    interrupt_guard,
    seeded_clone,
    seeds_itself,
    split_estimator,
    torch_random_context,
)

# Rows used to check that a restricted network reproduces the original one.
_N_CHECK_ROWS = 64


@dataclass(frozen=True)
class RoundInfo:
    """How the network of one round was trained.

    Attributes
    ----------
    training : {"initial", "warm", "cold"}
    epochs : int or None
        Epochs trained (None for estimators that are not nets).
    converged : bool or None
        Whether the held-out loss levelled off before the cap (None when the
        round ran a fixed number of epochs).
    """

    training: str
    epochs: int | None = None
    converged: bool | None = None


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
    >>> from skchaos.feature_selection._warm_start import auto_input_penalty
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
    >>> from skchaos.feature_selection._warm_start import with_net_default
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
    >>> from skchaos.feature_selection._warm_start import net_param
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
    >>> from skchaos.feature_selection._warm_start import set_net_param
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
    >>> from skchaos.feature_selection._warm_start import with_round_batch_size
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
            raise ValueError(
                f"{caller}: round_training=RoundTraining(batch_size="
                f"{batch_size!r}) needs a network with a batch_size parameter; "
                f"{type(net).__name__} has none. Use batch_size=None or 'auto'."
            )
        return estimator
    if batch_size == "auto":
        if params["batch_size"] not in (None, -1):
            return estimator
        batch_size = AUTO_BATCH_SIZE
    return set_net_param(estimator, "batch_size", int(batch_size))


def converges(estimator):
    """Whether ``estimator``'s net can train until a held-out loss levels off.

    The skchaos nets do it themselves (``_fit_converged``), plain skorch nets
    with skorch's ``EarlyStopping``; other estimators train as they are.
    """
    return final_net(estimator) is not None


def fit_weighted(estimator, X, y, seed, sample_weight=None):
    """Fit ``estimator`` (seeded), its final step with ``sample_weight``.

    A pipeline's transformers are fitted first, then its last step with the
    weights, so that the weights reach the model whether or not metadata
    routing is enabled.
    """
    if sample_weight is None:
        return fit_seeded(estimator, X, y, seed)
    prefix, final = split_estimator(estimator)
    if prefix is not None:
        X = prefix.fit_transform(X, y)
    fit_seeded(final, X, y, seed, sample_weight=sample_weight)
    return estimator


def prefix_is_columnwise(estimator, width):
    """Whether a pipeline's transformers keep one output column per input column.

    Judged by the names: a prefix whose ``get_feature_names_out`` returns the
    input names unchanged (``StandardScaler``, ``MinMaxScaler``, ...) maps
    column ``j`` to column ``j``, so the network's inputs can be sliced like
    ``X``.
    """
    prefix, _ = split_estimator(estimator)
    if prefix is None:
        return True
    names = np.array([f"x{j}" for j in range(width)], dtype=object)
    try:
        out = prefix.get_feature_names_out(names)
    except (AttributeError, TypeError, ValueError):
        return False
    return len(out) == width and bool(np.all(np.asarray(out) == names))


class RoundTrainer:
    """Train the networks of an elimination path.

    Parameters
    ----------
    estimator : estimator object
        The unfitted estimator of the selector.
    warm_start : bool
        Whether later rounds restrict and fine-tune the previous network.
    epochs : "auto", int or float
        ``"auto"``: every network trains until the loss on the held-out rows
        levels off (nets that support it; see the module docstring); an int
        is a number of fine-tuning epochs, a float a fraction of the net's
        ``max_epochs``.
    schedule : {"cosine", "constant"}
        Learning-rate schedule of a fixed-length fine-tuning.
    max_round_epochs : int or None
        Cap on the epochs of a round under ``"auto"``; None is 10 times the
        net's ``max_epochs``.
    final_estimator : estimator object, default=None
        What :meth:`refit` trains; None is ``estimator``.
    min_epochs : int or None, default=None
        Under ``"auto"``, the epochs a fresh network trains before its
        held-out loss may stop it; None is the net's ``max_epochs``.
    """

    def __init__(
        self,
        estimator,
        *,
        warm_start,
        epochs,
        schedule,
        max_round_epochs,
        final_estimator=None,
        min_epochs=None,
    ):
        self.on_epoch = None  # on_epoch(epoch, loss): progress of a round
        # Smallest improvement of an early-stopping loss that counts: the
        # path sets it from the scale of the loss (1 for a standardized
        # target or a log loss).
        self.min_delta = 0.0
        self.estimator = estimator
        self.warm_start = warm_start
        self.epochs = epochs
        self.schedule = schedule
        self.max_round_epochs = max_round_epochs
        self.min_epochs = min_epochs
        self.final_estimator = estimator if final_estimator is None else final_estimator

    @property
    def auto(self):
        """Whether rounds train until converged (and need held-out rows)."""
        return self.epochs == "auto" and converges(self.estimator)

    def cap(self):
        """The epochs a round may train at most: ``max_round_epochs``, or 10
        times the ``max_epochs`` the net was given (not a round's own, which
        a plain net's early stopping sets to the cap)."""
        if self.max_round_epochs is not None:
            return int(self.max_round_epochs)
        return 10 * int(final_net(self.estimator).max_epochs)

    # ------------------------------------------------------------ rounds
    def first(self, X, y, X_es, y_es, seed, *, weights=None, subset=False):
        """Train the first network on all the inputs.

        ``weights`` is ``(sample_weight, es_weight)`` of the training and the
        early-stopping rows, or None. ``subset`` makes a plain skorch net take
        its columns through :class:`~skchaos.neural.InputSubset`, so that later
        rounds can restrict it.
        """
        columns = np.arange(X.shape[1]) if subset else None
        model, info = self._fresh(
            X, y, X_es, y_es, seed, columns=columns, weights=weights
        )
        return model, RoundInfo("initial", info.epochs, info.converged)

    def next(
        self,
        model,
        keep,
        X,
        y,
        X_es,
        y_es,
        X_check,
        seed,
        copy=False,
        *,
        columns=None,
        n_inputs=None,
        weights=None,
    ):
        """The network of the next round: ``model`` restricted to ``keep``.

        ``X``, ``X_es`` and ``X_check`` hold the current inputs (``keep`` is
        applied here). ``model`` is changed in place unless ``copy``.
        ``columns`` are the positions of the current inputs among the
        ``n_inputs`` inputs of the first round (for plain skorch nets).
        """
        if self.warm_start:
            warm = self._warm(
                model, keep, X, y, X_es, y_es, X_check, seed, copy, weights
            )
            if warm is not None:
                return warm
        X_es = None if X_es is None else X_es[:, keep]
        columns = None if columns is None else np.asarray(columns)[keep]
        model, info = self._fresh(
            X[:, keep],
            y,
            X_es,
            y_es,
            seed,
            columns=columns,
            n_inputs=n_inputs,
            weights=weights,
        )
        return model, RoundInfo("cold", info.epochs, info.converged)

    def refit(
        self, X, y, X_es, y_es, seed, *, columns=None, n_inputs=None, weights=None
    ):
        """The final estimator, trained on the selected inputs.

        A plain skorch net whose module cannot take ``X``'s width receives
        its ``columns`` of ``n_inputs`` through
        :class:`~skchaos.neural.InputSubset`.
        """
        if columns is not None and len(columns) == n_inputs:
            columns = None  # every column: the net as given
        return self._fresh(
            X,
            y,
            X_es,
            y_es,
            seed,
            self.final_estimator,
            columns=columns,
            n_inputs=n_inputs,
            weights=weights,
        )[0]

    # ----------------------------------------------------------- helpers
    def _fresh(
        self,
        X,
        y,
        X_es,
        y_es,
        seed,
        estimator=None,
        *,
        columns=None,
        n_inputs=None,
        weights=None,
    ):
        estimator = seeded_clone(
            self.estimator if estimator is None else estimator, seed
        )
        if columns is not None:
            width = X.shape[1] if n_inputs is None else n_inputs
            estimator = subset_net(estimator, columns, width)
        w_fit, w_es = (None, None) if weights is None else weights
        if not self.auto:
            model = fit_weighted(estimator, X, y, seed, w_fit)
            net = final_net(model)
            epochs = None if net is None else len(net.history_)
            return model, RoundInfo("cold", epochs)
        prefix, net = split_estimator(estimator)
        if prefix is not None:
            X = prefix.fit_transform(X, y)
            X_es = prefix.transform(X_es)
        if is_plain_net(net):
            epochs, converged = fit_plain_converged(
                net,
                X,
                y,
                X_es,
                y_es,
                max_epochs=self.cap(),
                seed=seed,
                min_epochs=self.min_epochs,
            )
            return estimator, RoundInfo("cold", epochs, converged)
        result = net._fit_converged(
            X,
            y,
            X_es,
            y_es,
            max_epochs=self.cap(),
            seed=seed,
            on_epoch=self.on_epoch,
            sample_weight=w_fit,
            valid_sample_weight=w_es,
            min_epochs=self.min_epochs,
        )
        return estimator, RoundInfo("cold", result.n_epochs, result.converged)

    def _warm(self, model, keep, X, y, X_es, y_es, X_check, seed, copy, weights):
        """Restrict and fine-tune ``model``; None when it cannot be restricted."""
        prefix, net = split_estimator(model)
        if net is None or final_net(model) is None or not net.initialized_:
            return None
        if isinstance(model, Pipeline) and (
            X.ndim > 2 or not prefix_is_columnwise(model, X.shape[1])
        ):
            return None
        if copy:
            model = deepcopy(model)
            prefix, net = split_estimator(model)
        X_sub, rows = X[:, keep], X_check[:_N_CHECK_ROWS]
        if prefix is None:
            Z, Z_check, Z_es, new_prefix = X_sub, rows, X_es, None
        else:
            # Column-wise transformers: refit on the survivors (the statistics
            # of the kept columns do not change).
            new_prefix = clone(prefix)
            Z = new_prefix.fit_transform(X_sub, y)
            Z_check = prefix.transform(rows)
            Z_es = None if X_es is None else prefix.transform(X_es)
        if is_plain_net(net):
            restricted = restrict_subset(net, keep)
        else:
            restricted = net._restrict_inputs(keep, X_check=Z_check)
        if not restricted:
            return None
        if new_prefix is not None:
            model.steps = [*new_prefix.steps, model.steps[-1]]
        Z_es = None if Z_es is None else Z_es[:, keep]
        return model, self._fine_tune(net, Z, y, Z_es, y_es, seed, weights)

    def _fine_tune(self, net, Z, y, Z_es, y_es, seed, weights):
        w_fit, w_es = (None, None) if weights is None else weights
        if self.auto and is_plain_net(net):
            epochs, converged = fit_plain_converged(
                net, Z, y, Z_es, y_es, max_epochs=self.cap(), seed=seed, warm=True
            )
            return RoundInfo("warm", epochs, converged)
        if self.auto:
            result = net._fine_tune(
                Z,
                y,
                epochs=self.cap(),
                X_valid=Z_es,
                y_valid=y_es,
                min_delta=self.min_delta,
                seed=seed,
                on_epoch=self.on_epoch,
                sample_weight=w_fit,
                valid_sample_weight=w_es,
            )
            return RoundInfo("warm", result.n_epochs, result.converged)
        epochs = self._fixed_epochs(net)
        if is_plain_net(net):
            _partial_fit_epochs(net, Z, y, epochs, seed)
        else:
            net._fine_tune(
                Z,
                y,
                epochs=epochs,
                schedule=self.schedule,
                seed=seed,
                sample_weight=w_fit,
            )
        return RoundInfo("warm", epochs)

    def _fixed_epochs(self, net):
        epochs = self.epochs
        if isinstance(epochs, Integral):
            return int(epochs)
        return max(1, int(epochs * getattr(net, "max_epochs", 1)))


def _partial_fit_epochs(net, Z, y, epochs, seed):
    """Train a plain skorch net ``epochs`` more epochs with ``partial_fit``."""
    max_epochs = net.max_epochs
    net.max_epochs = epochs
    try:
        seed = None if seeds_itself(net) else seed
        with interrupt_guard() as interrupt, torch_random_context(seed):
            net.partial_fit(Z, y)
        interrupt.check()  # skorch's partial_fit swallows Ctrl-C
    finally:
        net.max_epochs = max_epochs
