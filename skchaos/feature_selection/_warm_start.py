"""How a selector trains the network of each round of an elimination.

:class:`RoundTrainer` trains the first network, the network of every later
round (a warm start: the previous network restricted to the survivors and
fine-tuned, or a fresh clone), and the final refit. The skchaos nets do the
restriction and the fine-tuning themselves (``_restrict_inputs``,
``_fine_tune`` and ``_fit_converged``, see :mod:`skchaos.neural`); this
module only adds what is the selector's concern:

- the epochs of a round: until the loss on held-out rows levels off
  (``epochs="auto"``; a warm round with a shorter patience), or a fixed
  count;
- pipelines whose transformers keep one column per column (scalers), refitted
  on the survivors around the net;
- plain skorch nets, which receive their columns through
  :class:`~skchaos.neural.InputSubset` in their module's own width
  (:mod:`skchaos.feature_selection._nets`) and train with skorch's early
  stopping;
- the rows' weights (``sample_weight``), passed to every fit.

The net parameters of the rounds alone (input penalty, batch size, the
first network's learning rate) are set in
:mod:`skchaos.feature_selection._round_params`.
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from skchaos.feature_selection._nets import (
    early_stopping_patience,
    fit_plain_converged,
    is_plain_net,
    restrict_subset,
    subset_net,
)
from skchaos.feature_selection._round_params import net_param, set_net_param
from skchaos.utils import (
    copy_estimator,
    final_net,
    fit_seeded,
    interrupt_guard,
    seeded_clone,
    seeds_itself,
    split_estimator,
    torch_random_context,
)

# Rows used to check that a restricted (or, in the warm refit, rescaled)
# network reproduces the original one.
N_CHECK_ROWS = 64


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
    loss : float or None
        The early-stopping loss of the kept weights (None where the round
        measured none).
    """

    training: str
    epochs: int | None = None
    converged: bool | None = None
    loss: float | None = None


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
    patience : "auto", int or None, default=None
        Under ``"auto"``, the epochs without improvement that end a warm
        round: ``"auto"`` is half the net's own (see :func:`warm_patience`),
        None the net's own. Unless None, a warm round whose restricted
        network is no worse than the loss its predecessor reached trains no
        epoch (see :meth:`next`).
    until_learned : bool, default=False
        What :meth:`first` does when it is given no ``until_learned``.
    first_lr_factor : (float, int), default=(1.0, 0)
        Under ``"auto"`` epochs, a first network with at least the given
        number of training rows trains at the given multiple of the net's
        ``lr``, and is then set back to the net's ``lr`` for the rounds that
        continue it (see
        :func:`~skchaos.feature_selection._round_params.first_lr_factor`).
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
        patience=None,
        until_learned=False,
        first_lr_factor=(1.0, 0),
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
        self.patience = patience
        self.until_learned = until_learned
        self.first_lr_factor = first_lr_factor
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
    def first(
        self, X, y, X_es, y_es, seed, *, weights=None, subset=False, until_learned=None
    ):
        """Train the first network on all the inputs.

        ``weights`` is ``(sample_weight, es_weight)`` of the training and the
        early-stopping rows, or None. ``subset`` makes a plain skorch net take
        its columns through :class:`~skchaos.neural.InputSubset`, so that later
        rounds can restrict it. ``until_learned`` (None: the trainer's): a
        skchaos net trains on, up to the cap, while its early-stopping loss
        is no better than the best constant's (see
        :meth:`skchaos.neural.MLPRegressor._fine_tune`).
        """
        if until_learned is None:
            until_learned = self.until_learned
        columns = np.arange(X.shape[1]) if subset else None
        factor, min_rows = self.first_lr_factor
        lr = net_param(self.estimator, "lr")
        faster = self.auto and factor != 1 and lr is not None and len(X) >= min_rows
        model, info = self._fresh(
            X,
            y,
            X_es,
            y_es,
            seed,
            set_net_param(self.estimator, "lr", lr * factor) if faster else None,
            columns=columns,
            weights=weights,
            until_learned=until_learned,
        )
        if faster:
            # The warm rounds continue this network at the net's own rate.
            final_net(model).set_params(lr=lr)
        return model, RoundInfo("initial", info.epochs, info.converged, info.loss)

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
        reached_loss=None,
    ):
        """The network of the next round: ``model`` restricted to ``keep``.

        ``X``, ``X_es`` and ``X_check`` hold the current inputs (``keep`` is
        applied here). ``model`` is changed in place unless ``copy``.
        ``columns`` are the positions of the current inputs among the
        ``n_inputs`` inputs of the first round (for plain skorch nets).
        ``reached_loss`` is the early-stopping loss ``model`` had converged
        to: unless ``patience`` is None, a restricted skchaos net that is no
        worse on those rows trains no epoch (see
        :meth:`skchaos.neural.MLPRegressor._fine_tune`).
        """
        if self.patience is None:
            reached_loss = None
        if self.warm_start:
            warm = self._warm(
                model,
                keep,
                X,
                y,
                X_es,
                y_es,
                X_check,
                seed,
                copy,
                weights,
                reached_loss,
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
        return model, RoundInfo("cold", info.epochs, info.converged, info.loss)

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
        until_learned=False,
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
            until_learned=until_learned,
        )
        return estimator, RoundInfo(
            "cold", result.n_epochs, result.converged, result.best_loss
        )

    def _warm(
        self, model, keep, X, y, X_es, y_es, X_check, seed, copy, weights, reached
    ):
        """Restrict and fine-tune ``model``; None when it cannot be restricted."""
        prefix, net = split_estimator(model)
        if net is None or final_net(model) is None or not net.initialized_:
            return None
        if isinstance(model, Pipeline) and (
            X.ndim > 2 or not prefix_is_columnwise(model, X.shape[1])
        ):
            return None
        if copy:
            model = copy_estimator(model)
            prefix, net = split_estimator(model)
        X_sub, rows = X[:, keep], X_check[:N_CHECK_ROWS]
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
        return model, self._fine_tune(net, Z, y, Z_es, y_es, seed, weights, reached)

    def _fine_tune(self, net, Z, y, Z_es, y_es, seed, weights, reached=None):
        w_fit, w_es = (None, None) if weights is None else weights
        patience = warm_patience(net, self.patience)
        if self.auto and is_plain_net(net):
            epochs, converged = fit_plain_converged(
                net,
                Z,
                y,
                Z_es,
                y_es,
                max_epochs=self.cap(),
                seed=seed,
                warm=True,
                patience=patience,
            )
            return RoundInfo("warm", epochs, converged)
        if self.auto:
            result = net._fine_tune(
                Z,
                y,
                epochs=self.cap(),
                X_valid=Z_es,
                y_valid=y_es,
                n_iter_no_change=patience,
                min_delta=self.min_delta,
                seed=seed,
                on_epoch=self.on_epoch,
                sample_weight=w_fit,
                valid_sample_weight=w_es,
                reached_loss=reached,
            )
            return RoundInfo(
                "warm", result.n_epochs, result.converged, result.best_loss
            )
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


def warm_patience(net, patience):
    """The epochs without improvement that end a warm round of ``net``.

    ``"auto"``: half the net's own (:func:`early_stopping_patience`), at
    least 1; None: the net's own; an int: itself.

    Examples
    --------
    >>> from skchaos.feature_selection._warm_start import warm_patience
    >>> from skchaos.neural import MLPRegressor
    >>> net = MLPRegressor()
    >>> warm_patience(net, "auto"), warm_patience(net, None), warm_patience(net, 3)
    (10, 20, 3)
    """
    if patience is None or patience == "auto":
        own = early_stopping_patience(net)
        return own if patience is None else max(1, own // 2)
    return int(patience)


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
