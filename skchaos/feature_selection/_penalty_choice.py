"""The input penalty of :class:`AttributionBoruta`'s iterations, chosen per fit.

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
"""

import copy

import numpy as np

from skchaos.feature_selection._boruta_steps import (
    iteration_estimator,
    shadowed_draw,
    train_iteration,
)
from skchaos.feature_selection._round_params import set_net_param
from skchaos.utils import draw_seed

# Multiples of the rule's strength tried, mildest first, and the draws of
# features and rows each is scored on.
FACTORS = (0.125, 0.25, 0.5, 1.0, 2.0)
N_SPLITS = 2


def choose_iteration_penalty(X, y, setup, trainer, reference, draw, rng, seeded, meta):
    """The input penalty for the iterations, and the scores behind the choice.

    Parameters
    ----------
    X, y : ndarray
        The selector's validated data.
    setup : Setup
        The selector's setup (units, evaluation).
    trainer : RoundTrainer
        The iterations' trainer; its ``estimator`` is the widened net.
    reference : float
        The rule's strength (``auto_iteration_penalty``).
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
    penalty : float
        ``reference`` times the chosen factor.
    scores : ndarray of shape (N_SPLITS, len(FACTORS))
        Held-out score of each draw and factor (higher is better).
    """
    units = setup.units
    scores = np.empty((N_SPLITS, len(FACTORS)))
    trial = copy.copy(trainer)
    for k in range(N_SPLITS):
        _, X_aug, _ = shadowed_draw(
            X, units, np.arange(units.n_units), draw["max_features"], rng
        )
        seed = draw_seed(rng)
        for j, factor in enumerate(FACTORS):
            net = set_net_param(trainer.estimator, "input_penalty", reference * factor)
            trial.estimator = iteration_estimator(
                net, X_aug.shape[1], draw["max_width"]
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
            score = setup.evaluate.score(model, X_val, y_val, sample_weight=w_val)
            scores[k, j] = score
    mean = scores.mean(axis=0)
    se = scores.std(axis=0, ddof=1) / np.sqrt(N_SPLITS)
    best = int(np.argmax(mean))
    mildest = int(np.flatnonzero(mean >= mean[best] - se[best])[0])
    return reference * FACTORS[mildest], scores
