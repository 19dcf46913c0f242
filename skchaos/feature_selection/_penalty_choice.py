"""The input penalty and learning rate of :class:`AttributionBoruta`'s iterations.

A fixed rule for the strength of the group-lasso pull on the input layer
(``auto_iteration_penalty``: a reference strength scaled by the rows) suits
the tables it was measured on and fails elsewhere: on about 140 training
rows it silenced all but the strongest columns (wine, held out: 2 of 13
real columns kept). So under ``input_penalty="auto"`` the selector first
trains iteration-like networks (a random share of the features with their
shadows, a random split of the rows) at multiples of that rule's strength,
and takes the mildest strength whose held-out score is within one standard
error of the best one (over ``N_SPLITS`` such draws): as much pull as the
held-out rows ask for, and no more, since a stronger pull costs weak
features (benchmarks/results/dev/boruta-dev.md, fifth and sixth rounds).

On a weak signal among many columns (a binary target that the real
columns predict with an AUC near 0.77) no strength lets those networks
beat a constant at the net's own learning rate: a mild pull lets them fit
the noise columns within a few steps, and a strong one silences every
column. Then the trials run again at a third of the rate, with the rule's
strength for that rate, on the same draws, and the slower rate is taken
when its best networks' mean held-out loss is lower than the own rate's
best and than the constant's by ``MIN_GAIN`` of it (sixteenth round).
Where the net's own rate learns, nothing more is trained.
"""

import copy
from dataclasses import dataclass

import numpy as np

from skchaos.feature_selection._boruta_steps import (
    iteration_estimator,
    shadowed_draw,
    train_iteration,
)
from skchaos.feature_selection._round_params import net_param, set_net_param
from skchaos.feature_selection._scoring import constant_row_losses, learned_something
from skchaos.utils import MIN_GAIN, draw_seed

# Multiples of the rule's strength tried, mildest first, and the draws of
# features and rows each is scored on.
FACTORS = (0.125, 0.25, 0.5, 1.0, 2.0)
N_SPLITS = 2
# The slower rate tried when the net's own does not learn: lr / SLOW_DOWN.
SLOW_DOWN = 3.0


@dataclass
class IterationChoice:
    """What :func:`choose_iteration_training` chose, and why.

    Attributes
    ----------
    penalty : float
        The iterations' input penalty.
    lr : float or None
        The iterations' learning rate (None: the net has none).
    scores : ndarray of shape (n_rates, N_SPLITS, len(FACTORS))
        Held-out score of each rate tried (the net's own first), draw and
        factor (higher is better).
    """

    penalty: float
    lr: float | None
    scores: np.ndarray

    def apply(self, net):
        """``net`` (the widened net or its pipeline) with this penalty and lr."""
        net = set_net_param(net, "input_penalty", self.penalty)
        return net if self.lr is None else set_net_param(net, "lr", self.lr)


def choose_iteration_training(X, y, setup, trainer, reference, draw, rng, seeded, meta):
    """The input penalty and learning rate of the iterations.

    Parameters
    ----------
    X, y : ndarray
        The selector's validated data.
    setup : Setup
        The selector's setup (units, evaluation).
    trainer : RoundTrainer
        The iterations' trainer; its ``estimator`` is the widened net.
    reference : float
        The rule's strength (``auto_iteration_penalty``) at the net's rate.
    draw : dict
        ``max_features``, ``validation_fraction`` and ``max_width`` of the
        iterations.
    rng : numpy.random.RandomState
        The fit's random state (draws the features, shadows and splits).
    seeded : bool
        Whether the fit has a ``random_state``.
    meta : tuple
        ``(sample_weight, groups)``.

    Returns
    -------
    choice : IterationChoice
    """
    draws = []
    for _ in range(N_SPLITS):
        _, X_aug, _ = shadowed_draw(
            X, setup.units, np.arange(setup.units.n_units), draw["max_features"], rng
        )
        draws.append((X_aug, draw_seed(rng)))
    args = (y, setup, trainer, draws, draw, seeded, meta)
    lr = net_param(trainer.estimator, "lr")
    scores, losses, baseline = _factor_scores(trainer.estimator, reference, *args)
    penalty = reference * FACTORS[_mildest(scores)]
    tried = [scores]
    if lr and not learned_something(losses, baseline):
        slow = set_net_param(trainer.estimator, "lr", lr / SLOW_DOWN)
        slow_scores, slow_losses, _ = _factor_scores(slow, reference * SLOW_DOWN, *args)
        tried.append(slow_scores)
        # Taken on its mean held-out loss, as the strength is: lower than the
        # own rate's best and than the constant's by MIN_GAIN of it.
        bar = min(np.mean(losses), (1 - MIN_GAIN) * np.mean(baseline))
        if np.mean(slow_losses) < bar:
            lr /= SLOW_DOWN
            penalty = reference * SLOW_DOWN * FACTORS[_mildest(slow_scores)]
    return IterationChoice(penalty, lr, np.stack(tried))


def _factor_scores(net, reference, y, setup, trainer, draws, draw, seeded, meta):
    """Scores of ``net`` at each factor of ``reference`` on each draw.

    Returns the scores, shape ``(N_SPLITS, len(FACTORS))``, and the per-row
    held-out losses of the best factor's networks and of the best constant,
    pooled over the draws (None for a score without per-row losses).
    """
    scores = np.empty((len(draws), len(FACTORS)))
    losses = [[] for _ in FACTORS]
    baselines = []
    trial = copy.copy(trainer)
    for k, (X_aug, seed) in enumerate(draws):
        for j, factor in enumerate(FACTORS):
            penalized = set_net_param(net, "input_penalty", reference * factor)
            trial.estimator = iteration_estimator(
                penalized, X_aug.shape[1], draw["max_width"]
            )
            # The same rows, shadows and initial weights for every factor.
            model, _, (X_val, y_val, w_val) = train_iteration(
                X_aug,
                y,
                setup,
                trial,
                draw["validation_fraction"],
                np.random.RandomState(seed),
                seeded,
                *meta,
            )
            scores[k, j], rows = setup.evaluate(
                model, X_val, y_val, sample_weight=w_val
            )
            losses[j].append(rows)
        baselines.append(constant_row_losses(setup.evaluate.name, y_val, w_val))
    best = losses[int(np.argmax(scores.mean(axis=0)))]
    if best[0] is None or baselines[0] is None:
        return scores, None, None
    return scores, np.concatenate(best), np.concatenate(baselines)


def _mildest(scores):
    """The mildest factor whose mean score is within one standard error of the best."""
    mean = scores.mean(axis=0)
    se = scores.std(axis=0, ddof=1) / np.sqrt(scores.shape[0])
    best = int(np.argmax(mean))
    return int(np.flatnonzero(mean >= mean[best] - se[best])[0])
