"""The elimination path: train, rank, eliminate, repeat; and the size rules.

:func:`elimination_path` is the whole recursive elimination of
:class:`~skchaos.feature_selection.AttributionRFE` and
:class:`~skchaos.feature_selection.AttributionRFECV`: it splits the rows into
a training part and a validation part once, trains the first network
(:class:`~skchaos.feature_selection._warm_start.RoundTrainer`), then at every
round scores the network on the validation rows, ranks the units that are
left by their importance on those rows, eliminates the weakest ``step`` of
them and trains the network of the survivors. :func:`acceptable_rounds`
decides which sizes are "no worse than the best".
"""

import copy
import time
import warnings
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from skchaos.feature_selection._nets import as_net_arrays
from skchaos.feature_selection._progress import (
    epoch_progress,
    progress_bar,
    report_round,
)
from skchaos.feature_selection._scoring import constant_row_losses
from skchaos.feature_selection._units import Units
from skchaos.feature_selection._warm_start import RoundTrainer
from skchaos.utils import draw_seed, final_net

# The relative tolerance of tol="auto" when the score has no per-row losses.
FALLBACK_TOL = 0.02
# A round's early-stopping loss improves when it drops by more than this, in
# units of the target's variance (or of a log loss): far below label noise.
MIN_DELTA = 1e-6


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
    models : list
        Each round's network, when kept.
    on_round : list
        What the ``on_round`` callback returned at each round.
    baseline : ndarray or None
        The validation loss of each row for the best constant prediction of
        the validation targets (None for a custom ``scoring``).
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
    models: list = field(default_factory=list)
    on_round: list = field(default_factory=list)
    baseline: Any = None

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

    def acceptable(self, tol):
        """:func:`acceptable_rounds` of the rounds so far, against ``baseline``."""
        return acceptable_rounds(self.score, self.row_losses, tol, self.baseline)

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
    """Warn when rounds reached ``max_round_epochs`` before levelling off."""
    stopped = [r for r, ok in enumerate(path.converged) if ok is False]
    if not stopped:
        return
    what = "max_round_epochs" if cap is None else f"max_round_epochs={cap}"
    listed = ", ".join(map(str, stopped[:5])) + (", ..." if len(stopped) > 5 else "")
    warnings.warn(
        f"{caller}: {len(stopped)} of {len(path.converged)} rounds reached "
        f"{what} before their early-stopping loss levelled off (rounds "
        f"{listed}); their rankings come from networks that were still "
        "learning. Raise max_round_epochs, or the net's lr.",
        ConvergenceWarning,
        stacklevel=5,
    )


@dataclass(frozen=True)
class Scaling:
    """The standardization the networks of a path train on.

    The path standardizes the columns of a 2-D ``X`` and, for regressors
    scored by the default loss, ``y``, with the statistics of the training
    part: neural networks train much better on standardized data, the
    importances of standardized inputs do not depend on the units of the
    columns, and a standardized squared error is comparable across tasks.
    Inputs with channels and custom scores are left as they are.
    """

    x_mean: Any = None
    x_scale: Any = None
    y_mean: Any = None
    y_scale: Any = None

    @classmethod
    def fit(cls, X, y, setup):
        if not setup.standardize:
            return cls()
        x_mean = x_scale = y_mean = y_scale = None
        if X.ndim == 2:
            x_mean, x_scale = X.mean(axis=0), _scale(X.std(axis=0))
        if not setup.classifier and setup.evaluate.row_losses:
            y_mean, y_scale = y.mean(axis=0), _scale(y.std(axis=0))
        return cls(x_mean, x_scale, y_mean, y_scale)

    def loss_scale(self, y, classifier):
        """The scale of the training loss: 1, or the variance of a raw target."""
        if classifier or self.y_mean is not None:
            return 1.0
        return float(np.mean(np.var(np.asarray(y, dtype=np.float64), axis=0))) or 1.0

    def apply(self, X, y=None):
        """Standardized copies of ``X`` (and ``y``)."""
        if self.x_mean is not None:
            X = ((X - self.x_mean) / self.x_scale).astype(X.dtype, copy=False)
        if y is not None and self.y_mean is not None:
            # float64 at least: an integer target must not be truncated.
            dtype = np.result_type(y.dtype, np.float64)
            y = ((y - self.y_mean) / self.y_scale).astype(dtype, copy=False)
        return X if y is None else (X, y)


def _scale(std):
    std = np.asarray(std, dtype=np.float64)
    return np.where(std > 0, std, 1.0)


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


def split_rows(y, fraction, rng, stratify, groups=None):
    """Sorted row indices of a random split, stratified when possible.

    With ``groups``, every group lands on one side (scikit-learn's
    ``GroupShuffleSplit``: ``fraction`` of the groups, not of the rows, go to
    the second part); a single group cannot be split and raises
    ``ValueError``.
    """
    seed = draw_seed(rng)
    rows = np.arange(len(y))
    if groups is not None:
        if len(np.unique(groups)) < 2:
            raise ValueError(
                "groups has a single group among these rows; splitting them "
                "with each group on one side needs at least 2 groups."
            )
        splitter = GroupShuffleSplit(1, test_size=fraction, random_state=seed)
        first, second = next(splitter.split(rows, groups=groups))
        return np.sort(first), np.sort(second)
    try:
        first, second = train_test_split(
            rows,
            test_size=fraction,
            random_state=seed,
            stratify=y if stratify else None,
        )
    except ValueError:
        if not stratify:
            raise
        # A class too small to be stratified: split at random, then give
        # the first part one row of each class it lacks (a network cannot
        # be scored on, or stop early on, labels it never saw).
        first, second = train_test_split(rows, test_size=fraction, random_state=seed)
        missing = np.setdiff1d(np.unique(y[second]), np.unique(y[first]))
        if missing.size and second.size > missing.size:
            moved = [second[np.flatnonzero(y[second] == c)[0]] for c in missing]
            first = np.r_[first, moved]
            second = np.setdiff1d(second, moved)
    return np.sort(first), np.sort(second)


def held_out_weights(sample_weight, rows, caller):
    """The weights of the held-out ``rows`` (None without weights).

    Raises ``ValueError`` when they are all zero: no importance or score can
    be measured on them.
    """
    if sample_weight is None:
        return None
    weights = sample_weight[rows]
    if not weights.any():
        raise ValueError(
            f"{caller}: sample_weight is zero on all the {len(rows)} held-out "
            "rows, so no importance or score can be measured; give more rows "
            "a positive weight, or raise validation_fraction."
        )
    return weights


def early_stopping_fraction(estimator):
    """The fraction of the training part held out to stop each round."""
    net = final_net(estimator)
    return float(getattr(net, "validation_fraction", None) or 0.1)


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
    patience : int or None, default=None
        Stop once this many rounds in a row were not acceptable (see
        :func:`acceptable_rounds`) against the best round so far.
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

    path = Path()
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
    n_outside = 0
    try:
        while True:
            score, losses = setup.evaluate(
                model, X_val[:, columns], y_val, sample_weight=w_val
            )
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
            if keep_models:
                path.models.append(model)
            if on_round is not None:
                path.on_round.append(on_round(model, columns, scaling))
            toc = time.perf_counter()
            path.time.append(toc - tic)
            report_round(setup, bar, path, toc - start)

            n_out = n_removed(setup.step, len(alive), n_stop)
            if patience is not None:
                ok = path.acceptable(tol)[-1]
                n_outside = 0 if ok else n_outside + 1
            if n_out <= 0 or (patience is not None and n_outside >= patience):
                path.eliminated.append(alive[:0])
                break
            order = np.argsort(importances, kind="stable")
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
                copy=keep_models,
                columns=columns,
                n_inputs=X.shape[1],
                weights=weights,
            )
            columns = columns[keep]
    finally:
        if bar is not None:
            bar.close()
    return path


def _record(path, alive, score, losses, importances, info):
    path.n_units.append(len(alive))
    path.score.append(score)
    path.row_losses.append(losses)
    path.units.append(alive)
    path.importances.append(importances)
    path.training.append(info.training)
    path.epochs.append(info.epochs)
    path.converged.append(info.converged)


def nan_to_worst(scores):
    """Scores as float64, with NaN replaced by -inf."""
    scores = np.asarray(scores, dtype=np.float64)
    return np.where(np.isnan(scores), -np.inf, scores)


# Under tol="auto", a loss within this fraction of the best constant's loss
# (an R^2 of 1e-4 for the squared error) of the best round's is a tie.
TIE_FRACTION = 1e-4


def acceptable_rounds(scores, row_losses, tol="auto", baseline=None):
    """Which rounds' validation scores are no worse than the best round's.

    Parameters
    ----------
    scores : sequence of float
        The validation score of each round (higher is better).
    row_losses : sequence of ndarray or None
        The validation loss of each row, per round (paired: the same rows
        in every round).
    tol : "auto", "1se" or float, default="auto"
        ``"auto"`` (or ``"1se"``): the paired one-standard-error rule on the validation
        rows. With ``d`` the per-row loss of a round minus that of the best
        round on the same rows, the round is acceptable when
        ``mean(d) <= std(d) / sqrt(n_rows)``: its loss is not worse than the
        best by more than one standard error of the paired difference, a
        margin that shrinks as the validation rows grow, but never below
        ``TIE_FRACTION`` times the mean loss of ``baseline``: on noiseless
        data the standard error can fall to where sizes differ only in how
        far their training went. Without per-row losses (a custom
        ``scoring``) it falls back to ``tol=0.02``. A float: the score is at
        least ``best - tol * |best|``.
    baseline : ndarray or None, default=None
        The per-row validation losses of the best constant prediction
        (:func:`~skchaos.feature_selection._scoring.constant_row_losses`);
        None: no floor.

    Returns
    -------
    mask : ndarray of bool
        One entry per round; the best round is always acceptable.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.feature_selection._path import acceptable_rounds
    >>> rng = np.random.RandomState(0)
    >>> base = rng.exponential(size=400)
    >>> same = base + 0.01 * np.tile([1, -1], 200)  # another net, as good
    >>> worse = base + 0.5 + 0.01 * rng.randn(400)  # a relevant feature lost
    >>> losses = [base, same, worse]
    >>> acceptable_rounds([-loss.mean() for loss in losses], losses).tolist()
    [True, True, False]
    """
    scores = nan_to_worst(scores)
    best = int(np.argmax(scores))
    have_rows = len(row_losses) == len(scores) and all(
        loss is not None for loss in row_losses
    )
    if tol in ("auto", "1se") and have_rows:
        losses = np.vstack(row_losses).astype(np.float64)
        n_rows = losses.shape[1]
        with np.errstate(invalid="ignore"):  # a diverged round's inf losses
            diff = losses - losses[best]
            mean = diff.mean(axis=1)
            se = diff.std(axis=1, ddof=1) / np.sqrt(n_rows) if n_rows > 1 else 0 * mean
            floor = 0.0 if baseline is None else TIE_FRACTION * np.mean(baseline)
            ok = np.isfinite(mean) & (mean <= np.maximum(se, floor))
        ok[best] = True
        return ok
    tol = FALLBACK_TOL if isinstance(tol, str) else float(tol)
    return scores >= scores[best] - tol * abs(scores[best])


def smallest_acceptable(scores, row_losses, sizes, tol="auto", baseline=None):
    """Index of the smallest size among :func:`acceptable_rounds`."""
    ok = np.flatnonzero(acceptable_rounds(scores, row_losses, tol, baseline))
    return int(ok[np.argmin(np.asarray(sizes)[ok])])
