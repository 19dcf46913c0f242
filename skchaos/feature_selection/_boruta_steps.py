"""The steps of :class:`AttributionBoruta`'s fit: iterations, history, refit.

- :func:`auto_iteration_penalty`, ``AUTO_INPUT_DROPOUT`` and
  :func:`draw_units`: the ``"auto"`` input penalty and input dropout of the
  iterations' nets, and the share of the units each iteration tests;
- :func:`shadowed_draw`: those units' columns with their shadows appended;
- :func:`iteration_estimator`: the estimator an iteration trains, for the
  width of its real and shadow columns (a plain skorch net widened for the
  most columns takes fewer through :class:`~skchaos.neural.InputSubset`);
- :func:`iteration_trainer`: the trainer of the iterations' nets;
- :func:`train_iteration`: one cold network on a new split of the rows, with
  the rows' weights and groups;
- :func:`run_iteration`: a whole iteration (draw the units, append their
  shadows, train, score every column on the held-out rows);
- :func:`record`, :func:`report` and :func:`report_settled`: the history
  and the progress lines;
- :func:`warn_unconverged` and :func:`warn_if_nothing_selected`: what
  ``fit`` warns about;
"""

import sys
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skchaos.feature_selection._nets import as_net_arrays, is_plain_net, subset_net
from skchaos.feature_selection._path import MIN_DELTA
from skchaos.feature_selection._round_params import (
    AUTO_INPUT_PENALTY,
    auto_input_penalty,
    net_param,
    with_net_default,
)
from skchaos.feature_selection._rows import (
    Scaling,
    early_stopping_fraction,
    held_out_weights,
    split_rows,
)
from skchaos.feature_selection._scoring import constant_row_losses
from skchaos.feature_selection._setup import checked_net
from skchaos.feature_selection._shadow import CONFIRMED, TENTATIVE, shadow_columns
from skchaos.feature_selection._warm_start import RoundTrainer
from skchaos.utils import draw_seed, final_net

# Iterations whose networks are checked against a constant predictor: with
# max_features < 1 one of them may draw none of the relevant features.
N_CHECKED = 3

HISTORY_KEYS = (
    "n_confirmed",
    "n_rejected",
    "n_tentative",
    "threshold",
    "confirmed",
    "rejected",
    "score",
    "epochs",
    "converged",
    "time",
)


# The iterations' networks train until their held-out loss levels off, at
# least this share of the net's max_epochs and at most ITERATION_CAP times
# it. Their attributions only need to rank real columns against shadows: on
# the development tables a network trained on at least the whole
# max_epochs fits the training rows further and silences weak columns
# (breast cancer 11.4 real columns per fold against 16.0, diabetes 4.6
# against 5.6, no noise either way, at 2.4-2.9x the CPU; boruta-dev.md,
# eleventh round). AttributionRFE's path (confirm_minimal) keeps the net's max_epochs
# as its floor: its warm rounds need it (setting A lost weak variables
# without it).
ITERATION_MIN_SHARE = 0.2
ITERATION_CAP = 2


def iteration_epochs(estimator):
    """``(min_epochs, cap)`` of the iterations' networks, or ``(None, None)``.

    From the ``max_epochs`` of ``estimator``'s net; None for estimators
    without one (they train as given).
    """
    net = final_net(estimator)
    max_epochs = getattr(net, "max_epochs", None)
    if max_epochs is None:
        return None, None
    max_epochs = int(max_epochs)
    return max(1, int(ITERATION_MIN_SHARE * max_epochs)), ITERATION_CAP * max_epochs


# input_penalty="auto" of the iterations' nets: the norm each feature's
# input weights lose per optimizer step (the proximal step is lr * penalty)
# when an iteration trains on REFERENCE_ROWS rows. The development tables (a
# few hundred rows, twice 210-230 columns with the shadows) needed a pull
# this strong before the nets stopped fitting their training rows through
# the noise and shadow columns (lr 0.003 with penalty 10); on more rows the
# data's gradient is surer and a pull this strong silenced weak relevant
# features (setting A: 1,600 training rows, recall 0.48 at penalty 10, 1.0
# at 4), so it falls like one over the square root of the rows, as a
# lasso's does (benchmarks/results/dev/boruta-dev.md). It grows beyond
# 1,100 columns as AttributionRFE's does.
SHRINK_PER_STEP = 0.03
REFERENCE_ROWS = 250


def auto_iteration_penalty(estimator, n_columns, n_rows):
    """The iterations' ``input_penalty="auto"`` strength for ``estimator``'s net.

    ``n_columns`` real and shadow columns, ``n_rows`` training rows per
    iteration; the net's ``lr`` sets the proximal step (0.01 for a net
    without one, which then has no ``input_penalty`` to set either).

    Examples
    --------
    >>> from skchaos.feature_selection._boruta_steps import auto_iteration_penalty
    >>> from skchaos.neural import MLPRegressor
    >>> net = MLPRegressor(lr=0.003)
    >>> [round(auto_iteration_penalty(net, 420, n), 2) for n in (250, 1000)]
    [10.0, 5.0]
    """
    lr = net_param(estimator, "lr")
    scale = auto_input_penalty(n_columns) / AUTO_INPUT_PENALTY
    scale *= float(np.sqrt(REFERENCE_ROWS / max(n_rows, 1)))
    return SHRINK_PER_STEP / float(lr or 0.01) * scale


# input_dropout="auto" of the iterations' nets. Without it each net leaned
# on one of a group of correlated columns (breast cancer), so each twin beat
# the shadows in a fraction of the iterations and most were rejected; 0.3
# raised the real columns confirmed there from 6.2 to 10.4 per fold at no
# more noise and no worse score (benchmarks/results/dev/boruta-dev.md,
# fourth round).
AUTO_INPUT_DROPOUT = 0.3


def draw_units(alive, max_features, rng):
    """The units of one iteration: a share ``max_features`` of those in play."""
    if max_features >= 1 or len(alive) <= 1:
        return alive
    n = max(1, int(np.ceil(max_features * len(alive))))
    return np.sort(rng.choice(alive, n, replace=False))


def shadowed_draw(X, units, in_play, max_features, rng):
    """Draw the units of an iteration and append the shadows of their columns.

    Returns ``alive`` (the units drawn, sorted), ``X_aug`` (their columns,
    then a shadow of each) and ``unit_of_aug`` (the unit of each column of
    ``X_aug``, shadows numbered after the real units).
    """
    alive = draw_units(in_play, max_features, rng)
    columns = units.columns(alive)
    unit_of = np.searchsorted(alive, units.unit_of[columns])
    X_aug, unit_of_aug = shadow_columns(X[:, columns], unit_of, rng)
    return alive, X_aug, unit_of_aug


def iteration_estimator(estimator, width, max_width):
    """``estimator`` for an iteration of ``width`` columns.

    A plain skorch net was widened for ``max_width`` columns (all the real
    columns and their shadows); a narrower iteration hands it its columns
    through :class:`~skchaos.neural.InputSubset`, the others held at zero.
    A lazy module is built for the width it is given and stays as it is.
    """
    if width == max_width or not is_plain_net(estimator):
        return estimator
    return subset_net(estimator, np.arange(width), max_width)


def _weighted_split(X, y, w, groups, fraction, rng, classifier):
    """``fraction`` of the rows held out, each group on one side, with weights."""
    first, second = split_rows(y, fraction, rng, classifier, groups)
    w1 = w2 = None
    if w is not None:
        w1, w2 = w[first], w[second]
    parts = (X[first], y[first], w1, X[second], y[second], w2)
    return parts, first, second


def iteration_trainer(selector, X):
    """The :class:`RoundTrainer` of a selector's iterations and ``estimator_``.

    The iterations' nets take the real columns and their shadows (twice
    ``X``'s width), with the selector's ``input_penalty`` and
    ``input_dropout`` (``"auto"`` resolved); ``estimator_`` is the net as
    given. Each iteration trains a fresh clone until its loss levels off.
    """
    estimator, caller = selector.estimator, type(selector).__name__
    final = checked_net(estimator, X, caller)
    widened = checked_net(estimator, X, caller, width=2 * X.shape[1])
    n_rows = X.shape[0] * (1 - selector.validation_fraction)
    n_rows *= 1 - early_stopping_fraction(estimator)
    auto = auto_iteration_penalty(estimator, 2 * X.shape[1], n_rows)
    widened = with_net_default(
        widened, "input_penalty", selector.input_penalty, caller, auto
    )
    widened = with_net_default(
        widened, "input_dropout", selector.input_dropout, caller, AUTO_INPUT_DROPOUT
    )
    return RoundTrainer(
        widened,
        final_estimator=final,
        warm_start=False,
        epochs="auto",
        schedule="constant",
        max_round_epochs=None,
    )


def train_iteration(
    X_aug, y, setup, trainer, fraction, rng, seeded, sample_weight, groups
):
    """One iteration's network, cold, on a new split of the rows.

    Returns the model, its ``RoundInfo`` and the standardized held-out rows
    ``(X_val, y_val, w_val)``.
    """
    train, val = split_rows(y, fraction, rng, setup.classifier, groups)
    w = sample_weight
    w_val = held_out_weights(w, val, setup.caller)
    scaling = Scaling.fit(X_aug[train], y[train], setup)
    X_aug, y = as_net_arrays(
        trainer.estimator, *scaling.apply(X_aug, y), setup.classifier
    )
    trainer.min_delta = MIN_DELTA * scaling.loss_scale(y[train], setup.classifier)
    X_fit, y_fit, X_es, y_es = X_aug[train], y[train], None, None
    weights = None if w is None else (w[train], None)
    if trainer.auto:
        (X_fit, y_fit, w_fit, X_es, y_es, w_es), _, _ = _weighted_split(
            X_fit,
            y_fit,
            None if w is None else w[train],
            None if groups is None else groups[train],
            early_stopping_fraction(trainer.estimator),
            rng,
            setup.classifier,
        )
        weights = None if w is None else (w_fit, w_es)
    model, info = trainer.first(
        X_fit, y_fit, X_es, y_es, draw_seed(rng, seeded), weights=weights
    )
    return model, info, (X_aug[val], y[val], w_val)


@dataclass
class Iteration:
    """What one iteration gives the test (see :func:`run_iteration`)."""

    alive: Any
    importances: Any
    score: float
    losses: Any
    baseline: Any
    info: Any


def run_iteration(X, y, setup, trainer, widened, test, draw, rng, seeded, meta):
    """One iteration: draw units, append their shadows, train, score every column.

    ``draw`` holds ``max_features`` (the share of the units in play drawn),
    ``validation_fraction`` and ``max_width`` (the width ``widened`` was
    built for); ``meta`` is ``(sample_weight, groups)``. Returns an
    :class:`Iteration`: the units drawn, the importances of their real
    columns then of their shadows, the validation score, and for the first
    ``N_CHECKED`` iterations the per-row losses and the best constant's.
    """
    alive, X_aug, unit_of_aug = shadowed_draw(
        X, setup.units, test.in_play(), draw["max_features"], rng
    )
    trainer.estimator = iteration_estimator(widened, X_aug.shape[1], draw["max_width"])
    model, info, (X_val, y_val, w_val) = train_iteration(
        X_aug, y, setup, trainer, draw["validation_fraction"], rng, seeded, *meta
    )
    score, losses = setup.evaluate(model, X_val, y_val, sample_weight=w_val)
    baseline = None
    if test.n_iter < N_CHECKED:
        baseline = constant_row_losses(setup.evaluate.name, y_val, w_val)
    importances = setup.importance(
        model,
        X_val,
        y_val,
        unit_of_aug,
        2 * len(alive),
        draw_seed(rng, seeded),
        sample_weight=w_val,
    )
    return Iteration(alive, importances, score, losses, baseline, info)


def record(history, test, units, threshold, confirmed, rejected, score, info, t):
    """Append one iteration to ``history`` (see ``HISTORY_KEYS``)."""
    counts = np.bincount(test.decision + 1, minlength=3)
    values = (
        int(counts[2]),
        int(counts[0]),
        int(counts[1]),
        threshold,
        units.columns(confirmed),
        units.columns(rejected),
        score,
        info.epochs,
        info.converged,
        t,
    )
    for key, value in zip(HISTORY_KEYS, values):
        history[key].append(value)


def report(bar, setup, n_iter, history, elapsed):
    """Print the iteration just recorded and advance the bar."""
    if bar is None:
        return
    from tqdm.auto import tqdm

    status = (
        f"{history['n_confirmed'][-1]} confirmed, "
        f"{history['n_rejected'][-1]} rejected, "
        f"{history['n_tentative'][-1]} tentative {setup.units.name}"
    )
    epochs = history["epochs"][-1]
    trained = "" if epochs is None else f"{epochs} epochs, "
    tqdm.write(
        f"[{setup.caller}] iteration {n_iter}: {status}; shadow "
        f"threshold {history['threshold'][-1]:.4g}, validation "
        f"{setup.score_name} = {history['score'][-1]:.6g} ({trained}"
        f"{history['time'][-1]:.1f} s, {elapsed:.1f} s in all)",
        file=sys.stdout,
    )
    bar.set_postfix_str(status)
    bar.update(1)


def report_settled(bar, setup, test, max_iter):
    """Say why the iterations stopped before ``max_iter`` with units undecided."""
    n_tentative = len(test.tentative())
    if bar is None or test.n_iter >= max_iter or not n_tentative:
        return
    from tqdm.auto import tqdm

    tqdm.write(
        f"[{setup.caller}] stopped after {test.n_iter} iterations: the "
        f"{max_iter - test.n_iter} left could decide none of the {n_tentative} "
        f"tentative {setup.units.name}",
        file=sys.stdout,
    )


def warn_unconverged(caller, converged):
    """Warn when iterations' networks hit their epoch cap before levelling off."""
    stopped = sum(ok is False for ok in converged)
    if stopped:
        warnings.warn(
            f"{caller}: the networks of {stopped} of {len(converged)} "
            f"iterations reached {ITERATION_CAP} times the net's max_epochs "
            "before their early-stopping loss levelled off; their "
            "attributions come from networks that were still learning. Raise "
            "the net's lr or max_epochs.",
            ConvergenceWarning,
            stacklevel=5,
        )


def warn_if_nothing_selected(caller, decision, keep_weak):
    """Warn at ``fit`` when the selection is empty (not only at ``transform``).

    ``decision``: each unit's (``ShadowTest.decision``). A user on a
    low-signal table otherwise learns it from an empty ``transform`` and an
    ``estimator_`` of None.
    """
    n_tentative = int(np.sum(decision == TENTATIVE))
    if np.any(decision == CONFIRMED) or (keep_weak and n_tentative):
        return
    hint = (
        f"; keep_weak=True keeps the {n_tentative} tentative ones, or raise "
        "max_iter to decide them"
        if n_tentative
        else ""
    )
    warnings.warn(
        f"{caller}: no feature was confirmed ({n_tentative} tentative, "
        f"{len(decision) - n_tentative} rejected): none beat the shadows "
        "often enough, so the selection is empty and estimator_ is None. On "
        f"a table with little signal the networks may see none{hint}.",
        UserWarning,
        stacklevel=5,
    )
