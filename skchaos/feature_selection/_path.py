"""The elimination path: train, rank, eliminate, repeat.

:func:`elimination_path` is the whole recursive elimination of
:class:`~skchaos.feature_selection.AttributionRFE` and
:class:`~skchaos.feature_selection.AttributionRFECV`: it splits the rows into
a training part and a validation part once, trains the first network
(:class:`~skchaos.feature_selection._warm_start.RoundTrainer`), then at every
round scores the network on the validation rows, ranks the units that are
left by their importance on those rows, eliminates the weakest ``step`` of
them and trains the network of the survivors. Which sizes are "no worse
than the best" is decided by
:func:`~skchaos.feature_selection._size_rule.acceptable_rounds`; the row
splits and the scaling are in :mod:`~skchaos.feature_selection._rows`.
"""

import copy
import time
import warnings
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skchaos.feature_selection._nets import as_net_arrays
from skchaos.feature_selection._progress import (
    epoch_progress,
    progress_bar,
    report_round,
    report_stop,
)
from skchaos.feature_selection._rows import (
    Scaling,
    early_stopping_fraction,
    held_out_weights,
    split_rows,
)
from skchaos.feature_selection._scoring import constant_row_losses
from skchaos.feature_selection._size_rule import STOP_BANDS, acceptable_rounds
from skchaos.feature_selection._units import Units
from skchaos.feature_selection._usefulness import usefulness
from skchaos.feature_selection._warm_start import RoundTrainer
from skchaos.utils import copy_estimator, draw_seed

# A round's early-stopping loss improves when it drops by more than this, in
# units of the target's variance (or of a log loss): far below label noise.
MIN_DELTA = 1e-6

# Rounds of at most this many units measure each unit's held-out usefulness
# when asked (:func:`~skchaos.feature_selection._usefulness.usefulness`).
USEFUL_MAX_UNITS = 30

# ``refine`` redoes only rounds that removed at most this many units (with
# ``step=0.2``: below 20 units left). Where many go per round, one unit more
# or less does not move the selection, and a path whose second round is
# already worse than its first would otherwise crawl one unit at a time.
REDO_MAX_REMOVED = 3


@dataclass(frozen=True)
class Setup:
    """Everything an elimination path needs, validated before any training.

    Attributes
    ----------
    units : Units
        The unit of each column (channel) of ``X``.
    importance : callable
        ``importance(model, X_val, y_val, unit_of, n_units, seed)`` returns
        one importance per unit that is left.
    evaluate : callable
        ``evaluate(model, X_val, y_val)`` returns ``(score, row_losses)``:
        the validation score (higher is better) and the loss of each row
        (None for a custom ``scoring``).
    trainer : RoundTrainer
        Trains the network of each round.
    classifier : bool
        Whether the estimator is a classifier (stratified splits).
    validation_fraction : float
        Fraction of the rows held out for the importances and the scores.
    step : int or float
        Units eliminated per round: a count, or a fraction of those left.
    score_name : str
        The score's name, for messages.
    verbose : int
        0: silent; 1: a progress bar and a line per round.
    standardize : bool
        Whether the path trains on standardized data (see :class:`Scaling`).
    caller : str
        The selector's class name, for messages.
    """

    units: Units
    importance: Any
    evaluate: Any
    trainer: RoundTrainer
    classifier: bool
    validation_fraction: float
    step: Any
    score_name: str = "score"
    verbose: int = 0
    caller: str = "AttributionRFE"
    standardize: bool = True


@dataclass
class Path:
    """The rounds of an elimination path, one list entry per round.

    Attributes
    ----------
    n_units, score, units, importances, eliminated : lists
        Units left, validation score, ids of the units left, their
        importances, ids of the units eliminated after the round.
    row_losses : list of ndarray or None
        The validation loss of each row (None for a custom ``scoring``).
    training, epochs, converged, time : lists
        How the round's network was trained (:class:`RoundInfo`) and the
        seconds the round took.
    usefulness : list
        Each unit's held-out usefulness z in the round (aligned with
        ``units``), or None where it was not measured.
    models : list
        Each round's network, when kept.
    on_round : list
        What the ``on_round`` callback returned at each round.
    baseline : ndarray or None
        The validation loss of each row for the best constant prediction of
        the validation targets (None for a custom ``scoring``).
    train_rows, val_rows : ndarray or None
        The rows (of ``X``) the networks trained (and stopped) on, and the
        validation rows they never trained on.
    scaling : Scaling or None
        The standardization the networks trained on.
    redone : int
        Rounds trained and discarded by ``refine`` (their single-unit
        rounds are in the lists).
    """

    n_units: list = field(default_factory=list)
    score: list = field(default_factory=list)
    units: list = field(default_factory=list)
    importances: list = field(default_factory=list)
    eliminated: list = field(default_factory=list)
    row_losses: list = field(default_factory=list)
    training: list = field(default_factory=list)
    epochs: list = field(default_factory=list)
    converged: list = field(default_factory=list)
    time: list = field(default_factory=list)
    usefulness: list = field(default_factory=list)
    models: list = field(default_factory=list)
    on_round: list = field(default_factory=list)
    baseline: Any = None
    train_rows: Any = None
    val_rows: Any = None
    scaling: Any = None
    redone: int = 0

    def ranking(self, chosen, n_units):
        """``(ranking, importances)`` of every unit, with round ``chosen`` kept.

        The ranking is 1 for the units of round ``chosen`` and ``R - r + 1``
        for those eliminated after round ``r`` of the ``R = chosen`` rounds
        before it; each unit's importance is the one of the last round it
        took part in, up to ``chosen``.
        """
        ranking = np.ones(n_units, dtype=int)
        importances = np.full(n_units, np.nan)
        for r in range(chosen + 1):
            importances[self.units[r]] = self.importances[r]
            if r < chosen:
                ranking[self.eliminated[r]] = chosen - r + 1
        return ranking, importances

    def acceptable(self, tol, bands=1.0):
        """:func:`acceptable_rounds` of the rounds so far, against ``baseline``."""
        return acceptable_rounds(
            self.score, self.row_losses, tol, self.baseline, bands=bands
        )

    def history(self, units, tol, grouped):
        """The ``history_`` dict of a selector (features, not units)."""
        unit_of = units.unit_of
        history = {
            "n_features": self.n_units,
            "score": self.score,
            "features": [units.columns(u) for u in self.units],
            "importances": [
                values[np.searchsorted(u, unit_of[np.isin(unit_of, u)])]
                for u, values in zip(self.units, self.importances)
            ],
            "eliminated": [units.columns(u) for u in self.eliminated],
            "acceptable": self.acceptable(tol).tolist(),
            "training": self.training,
            "epochs": self.epochs,
            "converged": self.converged,
            "time": self.time,
        }
        if grouped:
            history["n_groups"] = history.pop("n_features")
            history["n_features"] = [len(f) for f in history["features"]]
        return history


def warn_unconverged(path, caller, cap):
    """Warn when rounds reached their epoch cap before levelling off."""
    stopped = [r for r, ok in enumerate(path.converged) if ok is False]
    if not stopped:
        return
    what = "their epoch cap" if cap is None else f"their epoch cap of {cap}"
    listed = ", ".join(map(str, stopped[:5])) + (", ..." if len(stopped) > 5 else "")
    warnings.warn(
        f"{caller}: {len(stopped)} of {len(path.converged)} rounds reached "
        f"{what} before their early-stopping loss levelled off (rounds "
        f"{listed}); their rankings come from networks that were still "
        "learning. Raise RoundTraining(max_epochs=...), or the net's lr.",
        ConvergenceWarning,
        stacklevel=5,
    )


def n_removed(step, n_left, n_stop):
    """How many units one round eliminates: ``step`` of them, at least one."""
    n = int(step) if isinstance(step, Integral) else max(1, int(step * n_left))
    return min(n, n_left - n_stop)


def n_rounds(step, n_units, n_stop):
    """The number of rounds from ``n_units`` down to ``n_stop`` units."""
    rounds, left = 1, n_units
    while (n := n_removed(step, left, n_stop)) > 0:
        left -= n
        rounds += 1
    return rounds


def elimination_path(
    X,
    y,
    setup,
    *,
    rng,
    seeded,
    n_stop,
    patience=None,
    tol="auto",
    keep_models=False,
    on_round=None,
    sample_weight=None,
    groups=None,
    measure_usefulness=False,
    refine=False,
):
    """Eliminate units from all of them down to ``n_stop``.

    Parameters
    ----------
    X, y : ndarray
        The validated training data of the selector.
    setup : Setup
        See :class:`Setup`.
    rng : numpy.random.RandomState
        Draws the splits and the seeds.
    seeded : bool
        Whether the selector has a ``random_state`` (clones and attributions
        are then seeded).
    n_stop : int
        The number of units of the last round.
    patience : int, "auto" or None, default=None
        Stop once this many rounds in a row were not acceptable (see
        :func:`acceptable_rounds`) against the best round so far; ``"auto"``:
        at the first round outside :data:`STOP_BANDS` times that band.
    tol : "auto" or float, default="auto"
        The rule of ``patience`` (see :func:`acceptable_rounds`).
    keep_models : bool, default=False
        Keep every round's network in ``Path.models``.
    on_round : callable, default=None
        ``on_round(model, columns, scaling)`` is called after each round's
        network is trained, with the columns (axis 1 of ``X``) it uses and
        the :class:`Scaling` of the path (apply it to other rows before
        predicting); what it returns is kept in ``Path.on_round`` (e.g. a
        score on test rows).
    measure_usefulness : bool, default=False
        Measure each unit's held-out usefulness in the rounds of at most
        :data:`USEFUL_MAX_UNITS` units (``Path.usefulness``); needs per-row
        losses (the default scoring).
    refine : bool, default=False
        Redo, with a single-unit step, a round that eliminated several units
        (at most :data:`REDO_MAX_REMOVED`) and came out not acceptable
        (against the best round so far, rule ``tol``) after an acceptable
        one: the sizes in between are measured where the size rule's
        boundary lies (see :func:`_redo`).

    Returns
    -------
    path : Path
    """
    units, trainer = setup.units, setup.trainer
    w = sample_weight
    train, val = split_rows(y, setup.validation_fraction, rng, setup.classifier, groups)
    scaling = Scaling.fit(X[train], y[train], setup)
    X, y = as_net_arrays(trainer.estimator, *scaling.apply(X, y), setup.classifier)
    trainer = copy.copy(trainer)  # this path's own hooks
    trainer.min_delta = MIN_DELTA * scaling.loss_scale(y[train], setup.classifier)
    X_val, y_val = X[val], y[val]
    w_val = held_out_weights(w, val, setup.caller)
    X_fit, y_fit, X_es, y_es = X[train], y[train], None, None
    w_fit = w_es = None if w is None else w[train]
    if trainer.auto:
        fraction = early_stopping_fraction(setup.trainer.estimator)
        fit, es = split_rows(
            y_fit,
            fraction,
            rng,
            setup.classifier,
            None if groups is None else groups[train],
        )
        X_fit, y_fit, X_es, y_es = X_fit[fit], y_fit[fit], X_fit[es], y_fit[es]
        if w is not None:
            w_fit, w_es = w_fit[fit], w_fit[es]
    weights = None if w is None else (w_fit, w_es)

    path = Path(train_rows=train, val_rows=val, scaling=scaling)
    if setup.evaluate.row_losses:
        path.baseline = constant_row_losses(setup.evaluate.name, y_val, w_val)
    alive = np.arange(units.n_units)
    columns = np.arange(X.shape[1])
    bar = progress_bar(setup, n_rounds(setup.step, units.n_units, n_stop))
    if bar is not None:
        trainer.on_epoch = epoch_progress(bar)
    start = tic = time.perf_counter()
    model, info = trainer.first(
        X_fit, y_fit, X_es, y_es, draw_seed(rng, seeded), weights=weights, subset=True
    )
    n_outside, before, copyable = 0, None, None
    stop_after, stop_bands = _stop_rule(patience)
    try:
        while True:
            score, losses = setup.evaluate(
                model, X_val[:, columns], y_val, sample_weight=w_val
            )
            if before is not None and _redo(path, score, losses, tol):
                # The round before, again, less its weakest unit only.
                model, alive, columns, order, info = before
                path.eliminated.pop()
                path.redone += 1
                n_out, before, copy_model = 1, None, keep_models
            else:
                importances = setup.importance(
                    model,
                    X_val[:, columns],
                    y_val,
                    np.searchsorted(alive, units.unit_of[columns]),
                    len(alive),
                    draw_seed(rng, seeded),
                    sample_weight=w_val,
                )
                _record(path, alive, score, losses, importances, info)
                useful = None
                if measure_usefulness and _measured(losses, alive):
                    useful = usefulness(
                        setup.evaluate,
                        model,
                        X_val[:, columns],
                        y_val,
                        np.searchsorted(alive, units.unit_of[columns]),
                        len(alive),
                        len(alive) if seeded else None,  # the path's stream untouched
                        sample_weight=w_val,
                        base=losses,
                    )
                path.usefulness.append(useful)
                if keep_models:
                    path.models.append(model)
                if on_round is not None:
                    path.on_round.append(on_round(model, columns, scaling))
                toc = time.perf_counter()
                path.time.append(toc - tic)
                report_round(setup, bar, path, toc - start)

                n_out = n_removed(setup.step, len(alive), n_stop)
                if patience is not None:
                    ok = path.acceptable(tol, stop_bands)[-1]
                    n_outside = 0 if ok else n_outside + 1
                if n_out <= 0 or n_outside >= stop_after:
                    if n_out > 0:
                        report_stop(setup, bar, patience)
                    path.eliminated.append(alive[:0])
                    break
                order = np.argsort(importances, kind="stable")
                before, copy_model = None, keep_models
                if refine and 1 < n_out <= REDO_MAX_REMOVED:  # kept for a redo
                    if copyable is None:
                        copyable = _copyable(model)
                    if copyable:
                        before = (model, alive, columns, order, info)
                        copy_model = True
            removed = np.sort(alive[order[:n_out]])
            path.eliminated.append(removed)
            alive = np.setdiff1d(alive, removed)
            keep = np.flatnonzero(np.isin(units.unit_of[columns], alive))

            tic = time.perf_counter()
            model, info = trainer.next(
                model,
                keep,
                X_fit[:, columns],
                y_fit,
                None if X_es is None else X_es[:, columns],
                y_es,
                X_val[:, columns],
                draw_seed(rng, seeded),
                copy=copy_model,
                columns=columns,
                n_inputs=X.shape[1],
                weights=weights,
                reached_loss=info.loss,
            )
            columns = columns[keep]
    finally:
        if bar is not None:
            bar.close()
    return path


def _copyable(model):
    """Whether ``model`` can be kept for a redo while its copy trains on.

    A skorch net copies through pickling; one whose module class is defined
    inside a function cannot, and its path goes on without redos.
    """
    try:
        copy_estimator(model)
    except Exception:  # skorch's __getstate__ raises what pickle raises
        return False
    return True


def _stop_rule(patience):
    """``(rounds, bands)``: that many rounds in a row outside that many bands
    of ``tol`` stop the path (``patience``; None: never)."""
    if patience is None:
        return np.inf, 1.0
    if patience == "auto":
        return 1, STOP_BANDS
    return patience, 1.0


def _redo(path, score, losses, tol):
    """Whether a round that eliminated several units is redone with one.

    When it is not acceptable and the round before it is (the rounds so far
    and this one, :func:`acceptable_rounds` with ``tol``), the smallest
    acceptable size may lie between the two: the step removed a unit that
    mattered with weaker ones. On the paper's formula 15 (development seed
    10) a step of two removed the weakest relevant variable with the last
    noise column, and the path kept the noise column.
    """
    ok = acceptable_rounds(
        [*path.score, score], [*path.row_losses, losses], tol, path.baseline
    )
    return bool(ok[-2] and not ok[-1])


def _measured(losses, alive):
    """Whether a round measures its units' usefulness."""
    return losses is not None and len(alive) <= USEFUL_MAX_UNITS


def _record(path, alive, score, losses, importances, info):
    path.n_units.append(len(alive))
    path.score.append(score)
    path.row_losses.append(losses)
    path.units.append(alive)
    path.importances.append(importances)
    path.training.append(info.training)
    path.epochs.append(info.epochs)
    path.converged.append(info.converged)
